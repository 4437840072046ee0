// Every bundled scenario's peak hour at buffer level (RunOptions::start = the start of
// model::peak_window), and memory against the horizon.
//
//  - scenario/<name>: one run of the scenario's peak window. Counters: sim_s_per_wall_s, events
//    per run, window_s (simulated seconds; capped_window = 1 when the peak hour would exceed
//    kEventCap events by the engine's own estimate, sim::estimated_events, and the window
//    was shortened to fit — the output says so), max_pending.
//  - memory/<horizon_s>: scenarios/streaming-etl.toml from its peak window at horizons 10 s, 100 s and
//    1000 s. A counting global operator new in this binary measures what a run allocates and its
//    peak of live heap bytes over the one before it; flat memory = the same figures at every
//    horizon (the entity vectors are sized at set-up; the loop never allocates).
//
// Time is thread CPU time per run (manual timing), so figures survive a shared machine.
//
//   build-perf/bench/scenario_bench [--benchmark_filter=memory]
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <new>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "model/scenario_reader.h"
#include "model/traffic.h"
#include "bench/baseline_ratio.h"
#include "sim/engine.h"

// Counting allocator: live bytes (by malloc_usable_size) and their peak, number and bytes of
// allocations. Single-threaded use; relaxed atomics keep it safe if a library thread allocates.
namespace {
std::atomic<long long> g_live{0}, g_peak{0}, g_allocs{0}, g_alloc_bytes{0};

void* counted_alloc(std::size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  const auto size = static_cast<long long>(malloc_usable_size(p));
  const long long live = g_live.fetch_add(size, std::memory_order_relaxed) + size;
  long long peak = g_peak.load(std::memory_order_relaxed);
  while (live > peak && !g_peak.compare_exchange_weak(peak, live, std::memory_order_relaxed)) {
  }
  g_allocs.fetch_add(1, std::memory_order_relaxed);
  g_alloc_bytes.fetch_add(size, std::memory_order_relaxed);
  return p;
}
void counted_free(void* p) {
  if (p == nullptr) return;
  g_live.fetch_sub(static_cast<long long>(malloc_usable_size(p)), std::memory_order_relaxed);
  std::free(p);
}
}  // namespace

void* operator new(std::size_t n) { return counted_alloc(n); }
void* operator new[](std::size_t n) { return counted_alloc(n); }
void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t) noexcept { counted_free(p); }

namespace {

using namespace flinksim;

// Peak-hour runs are capped at this many estimated events (~1 s of CPU each).
constexpr double kEventCap = 10e6;

std::string scenario_dir() { return std::string(FLINKSIM_SOURCE_DIR) + "/scenarios"; }

struct PeakRun {
  model::Scenario scenario;
  sim::RunOptions options;
  bool capped = false;
};

PeakRun peak_run(const std::string& path) {
  PeakRun run{model::read_scenario_file(path), {}, false};
  const auto window = model::peak_window(run.scenario.traffic, model::kHour);
  run.options.start = window.start;
  run.options.horizon = window.end - window.start;
  const double estimate = sim::estimated_events(run.scenario, window.start, window.end);
  if (estimate > kEventCap) {
    run.capped = true;
    const double fraction = kEventCap / estimate;
    run.options.horizon = std::max<model::Nanos>(
        model::kSecond, static_cast<model::Nanos>(static_cast<double>(run.options.horizon) * fraction));
  }
  return run;
}

void peak(benchmark::State& state, const std::string& path) {
  const PeakRun run = peak_run(path);
  double events = 0, cpu_total = 0, pending = 0;
  for (auto _ : state) {
    const double cpu = bench::thread_cpu_seconds();
    const auto r = sim::simulate(run.scenario, run.options);
    const double spent = bench::thread_cpu_seconds() - cpu;
    state.SetIterationTime(spent);
    if (!r.conserved) state.SkipWithError(r.conservation_error.c_str());
    events += static_cast<double>(r.events);
    pending = std::max(pending, static_cast<double>(r.max_pending));
    cpu_total += spent;
  }
  const auto n = static_cast<double>(state.iterations());
  const double window_s = static_cast<double>(run.options.horizon) * 1e-9;
  state.counters["sim_s_per_wall_s"] = window_s * n / cpu_total;
  state.counters["events"] = events / n;
  state.counters["max_pending"] = pending;
  state.counters["window_s"] = window_s;
  state.counters["capped_window"] = run.capped ? 1 : 0;
  if (run.capped)
    state.SetLabel("peak hour over the event cap: first " + std::to_string(static_cast<int>(window_s)) +
                   " s of the window");
}

void memory(benchmark::State& state) {
  PeakRun run = peak_run(scenario_dir() + "/streaming-etl.toml");
  run.options.horizon = state.range(0) * model::kSecond;
  double events = 0;
  long long peak_growth = 0, allocs = 0, bytes = 0;
  for (auto _ : state) {
    const long long live_before = g_live.load();
    g_peak.store(live_before);
    const long long allocs_before = g_allocs.load(), bytes_before = g_alloc_bytes.load();
    const double cpu = bench::thread_cpu_seconds();
    const auto r = sim::simulate(run.scenario, run.options);
    state.SetIterationTime(bench::thread_cpu_seconds() - cpu);
    if (!r.conserved) state.SkipWithError(r.conservation_error.c_str());
    events = static_cast<double>(r.events);
    peak_growth = g_peak.load() - live_before;
    allocs = g_allocs.load() - allocs_before;
    bytes = g_alloc_bytes.load() - bytes_before;
  }
  state.counters["events"] = events;
  state.counters["peak_heap_bytes"] = static_cast<double>(peak_growth);  // over the live set before
  state.counters["allocs"] = static_cast<double>(allocs);
  state.counters["alloc_bytes"] = static_cast<double>(bytes);
}

const bool registered = [] {
  std::vector<std::string> paths;
  for (const auto& entry : std::filesystem::directory_iterator(scenario_dir()))
    if (entry.is_regular_file() && entry.path().extension() == ".toml") paths.push_back(entry.path().string());
  std::sort(paths.begin(), paths.end());
  for (const auto& path : paths) {
    const std::string name = std::filesystem::path(path).stem().string();
    benchmark::RegisterBenchmark(("scenario/" + name).c_str(), peak, path)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond)
        ->Iterations(1);
  }
  for (const std::int64_t horizon : {10, 100, 1000})
    benchmark::RegisterBenchmark("memory", memory)->Arg(horizon)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(1);
  return true;
}();

}  // namespace

BENCHMARK_MAIN();
