// Fluid vs buffer level on the same peak hour (issue 4: at least 100× fewer events and 50× less
// wall time), and a whole bundled 24-hour diurnal day at fluid level (well under a second).
//
// The peak hour is scenarios/enrichment-lookup-join.toml's: its peak window moved to t = 0 (the
// diurnal peak shifted to the window's middle), so both levels simulate exactly that hour.
// "peak_hour/baseline" is the buffer level; the reporter prints peak_hour/fluid as a ratio to
// it. Time is thread CPU time per run (manual timing), so the ratio survives a shared machine.
// Counters: events per run (model events; fluid metrics samples are not events).
// "check/sizing_example": `run`'s check of a fluid run against buffer level (sim/fluid_check.h) on
// the bundled job at a million records a second, the costliest to check (its budget binds).
//
//   build-fluid/bench/fluid_bench
#include <cstdio>
#include <ctime>
#include <string>

#include "bench/baseline_ratio.h"
#include "model/scenario_reader.h"
#include "model/traffic.h"
#include "sim/engine.h"
#include "sim/fluid_check.h"
#include "sim/fluid_engine.h"

namespace {

using namespace flinksim;

model::Scenario day() {
  return model::read_scenario_file(std::string(FLINKSIM_SOURCE_DIR) + "/scenarios/enrichment-lookup-join.toml");
}

model::Scenario peak_hour() {
  auto sc = day();
  const auto window = model::peak_window(sc.traffic, model::kHour);
  sc.traffic.diurnal_peak_at -= window.start;  // the window now starts at t = 0
  sc.traffic.duration = model::kHour;
  return sc;
}

// Per-run means of the peak-hour benchmarks, for the ratios printed at the end (the reporter's
// two decimals cannot show a factor of a thousand).
struct Figures {
  double seconds = 0, events = 0;
};
Figures peak_buffer, peak_fluid, check;

// What one timed job reports: its events and why it failed ("" if it did not).
struct Outcome {
  double events = 0;
  std::string error;
};

// Times `job` (thread CPU per run) and keeps the per-run means in `figures` (optional).
template <class Job>
void measure(benchmark::State& state, Figures* figures, Job job) {
  double events = 0, seconds = 0;
  for (auto _ : state) {
    const double cpu = bench::thread_cpu_seconds();
    const Outcome outcome = job();
    const double spent = bench::thread_cpu_seconds() - cpu;
    state.SetIterationTime(spent);
    if (!outcome.error.empty()) state.SkipWithError(outcome.error.c_str());
    events += outcome.events;
    seconds += spent;
  }
  const auto n = static_cast<double>(state.iterations());
  state.counters["events_per_run"] = events / n;
  if (figures) *figures = {seconds / n, events / n};
}

template <bool Fluid>
void run(benchmark::State& state, const model::Scenario& sc, Figures* figures) {
  measure(state, figures, [&] {
    const auto r = Fluid ? sim::simulate_fluid(sc, {}) : sim::simulate(sc, {});
    return Outcome{static_cast<double>(r.events), r.conserved ? "" : r.conservation_error};
  });
}

// Scenarios are read on first use, not during static initialisation (the reader's option
// catalogue is a static of another translation unit).
const model::Scenario& hour() {
  static const model::Scenario sc = peak_hour();
  return sc;
}
const model::Scenario& whole_day() {
  static const model::Scenario sc = day();
  return sc;
}
const model::Scenario& sizing_example() {
  static const model::Scenario sc = model::read_scenario_file(std::string(FLINKSIM_SOURCE_DIR) +
                                                              "/scenarios/sizing-example.toml");
  return sc;
}

void run_check(benchmark::State& state) {
  measure(state, &check, [] {
    const auto c = sim::check_fluid(sizing_example(), 0);
    return Outcome{static_cast<double>(c.events), c.ran ? "" : c.skipped};
  });
}

const bool registered = [] {
  benchmark::RegisterBenchmark("peak_hour/baseline", [](benchmark::State& s) { run<false>(s, hour(), &peak_buffer); })
      ->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("peak_hour/fluid", [](benchmark::State& s) { run<true>(s, hour(), &peak_fluid); })
      ->UseManualTime()->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("day_24h/fluid", [](benchmark::State& s) { run<true>(s, whole_day(), nullptr); })
      ->UseManualTime()->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("check/sizing_example", run_check)
      ->UseManualTime()
      ->Iterations(1)
      ->Unit(benchmark::kMillisecond);
  return true;
}();

}  // namespace

int main(int argc, char** argv) {
  const int status = flinksim::bench::run_with_ratios(argc, argv);
  if (peak_fluid.seconds > 0 && peak_fluid.events > 0)
    std::printf("peak hour, buffer ÷ fluid: events %.0f×, thread CPU time %.0f× (goal: ≥ 100×, ≥ 50×)\n",
                peak_buffer.events / peak_fluid.events, peak_buffer.seconds / peak_fluid.seconds);
  if (check.seconds > 0)
    std::printf(
        "run's check of the sizing example (1M records/s): %.2f s thread CPU, %.1fM events (goal: "
        "about 2 s "
        "at most)\n",
        check.seconds, check.events / 1e6);
  return status;
}
