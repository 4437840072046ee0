// A console reporter that also prints each benchmark's time as a ratio to its baseline in the
// same binary, so the figure that matters survives a noisy machine (style.md §13).
//
// On a busy machine run e.g. --benchmark_repetitions=7 --benchmark_enable_random_interleaving=true:
// the ratio then compares medians.
//
// A manual-time benchmark's time is whatever it sets (engine_bench.cpp: thread CPU time per
// event, on both sides), and Google Benchmark's CPU column is then per run; so for those both
// ratio columns use the manual figure.
//
// Naming contract: register benchmarks as "<family>/<implementation>/<args...>"; the one whose
// implementation is "baseline" is the denominator for every other with the same family and args.
#pragma once

#include <ctime>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace flinksim::bench {

// CPU time of the calling thread: what the benchmarks time, so that ratios survive a machine
// shared with compilers (wall time would not).
inline double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

class BaselineRatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      // With --benchmark_repetitions the median stands for the runs; without, the single run.
      const bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
      const bool single = run.run_type == Run::RT_Iteration && run.repetitions <= 1;
      if (run.error_occurred || !(median || single)) continue;
      const std::vector<std::string> parts = split(run.benchmark_name());
      if (parts.size() < 2) continue;
      const std::string& impl = parts[1];
      std::string key = parts[0];
      for (std::size_t i = 2; i < parts.size(); ++i) key += "/" + parts[i];
      const bool manual = run.benchmark_name().find("/manual_time") != std::string::npos;
      const Times t{run.GetAdjustedRealTime(),
                    manual ? run.GetAdjustedRealTime() : run.GetAdjustedCPUTime()};
      times_.emplace_back(key, std::make_pair(impl, t));
      if (impl == "baseline") baseline_[key] = t;
    }
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    std::printf("\nratio to the baseline in this binary (< 1 is faster; trust cpu on a busy machine):\n");
    std::printf("  %-40s %-14s %6s %6s\n", "", "", "real", "cpu");
    for (const auto& [key, entry] : times_) {
      const auto it = baseline_.find(key);
      if (entry.first == "baseline" || it == baseline_.end() || it->second.real <= 0) continue;
      std::printf("  %-40s %-14s %6.2f %6.2f\n", key.c_str(), entry.first.c_str(),
                  entry.second.real / it->second.real, entry.second.cpu / it->second.cpu);
    }
  }

 private:
  // The name's segments, without the ones Google Benchmark appends for run options
  // ("iterations:3", "manual_time", ...), so "engine/140/iterations:3/manual_time" and
  // "baseline/140" share the key "140".
  static std::vector<std::string> split(const std::string& name) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= name.size()) {
      const std::size_t end = std::min(name.find('/', start), name.size());
      const std::string part = name.substr(start, end - start);
      if (part.find(':') == std::string::npos && part != "manual_time" && part != "real_time" &&
          part != "process_time")
        parts.push_back(part);
      start = end + 1;
    }
    return parts;
  }

  struct Times {
    double real = 0, cpu = 0;
  };
  std::vector<std::pair<std::string, std::pair<std::string, Times>>> times_;
  std::map<std::string, Times> baseline_;
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
