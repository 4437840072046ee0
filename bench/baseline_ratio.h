// A console reporter that also prints each benchmark's time as a ratio to its baseline in the
// same binary, so the figure that matters survives a noisy machine (style.md §13).
//
// Naming contract: register benchmarks as "<family>/<implementation>/<args...>"; the one whose
// implementation is "baseline" is the denominator for every other with the same family and args.
#pragma once

#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace flinksim::bench {

class BaselineRatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred || run.run_type != Run::RT_Iteration) continue;
      const std::string name = run.benchmark_name();
      const auto a = name.find('/');
      const auto b = a == std::string::npos ? a : name.find('/', a + 1);
      if (b == std::string::npos) continue;
      const std::string impl = name.substr(a + 1, b - a - 1);
      const std::string key = name.substr(0, a) + name.substr(b);
      times_.emplace_back(key, std::make_pair(impl, run.GetAdjustedRealTime()));
      if (impl == "baseline") baseline_[key] = run.GetAdjustedRealTime();
    }
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    std::printf("\nratio to the baseline in this binary (real time; < 1 is faster):\n");
    for (const auto& [key, entry] : times_) {
      const auto it = baseline_.find(key);
      if (entry.first == "baseline" || it == baseline_.end() || it->second <= 0) continue;
      std::printf("  %-40s %-14s %6.2f\n", key.c_str(), entry.first.c_str(),
                  entry.second / it->second);
    }
  }

 private:
  std::vector<std::pair<std::string, std::pair<std::string, double>>> times_;
  std::map<std::string, double> baseline_;
};

// main() for a bench program: Google Benchmark's flags, then the ratio table.
inline int run_with_ratios(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  BaselineRatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}

}  // namespace flinksim::bench
