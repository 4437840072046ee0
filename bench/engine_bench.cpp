// The engine's cost per event on a job shaped like a bundled scenario (Kafka source → rebalance →
// enrich → keyBy → window → sink, on two TaskManagers), against the bare std::priority_queue hold
// loop at the engine's pending-set size: the ratio says how much a simulated event costs beyond
// the heap operation every event needs anyway.
//
// Reported time is thread CPU time per event on both sides (manual timing: one engine run, or a
// million hold steps, per iteration, divided by its events), so the ratio survives a machine
// shared with compilers. Counters per run: events, the pending-set high-water mark (max_pending, also the baseline's size); simulated s per wall s.
//
//   build-perf/bench/engine_bench --benchmark_repetitions=5 --benchmark_enable_random_interleaving=true
#include <ctime>
#include <cstdint>
#include <functional>
#include <queue>
#include <utility>
#include <vector>

#include "bench/baseline_ratio.h"
#include "sim/engine.h"
#include "tests/sim/job_builder.h"

namespace {

using namespace flinksim;

using model::CostDistribution;
using model::kMicrosecond;
using model::Partition;

constexpr int kSourceP = 4, kEnrichP = 8, kWindowP = 8, kSinkP = 2;
constexpr double kRate = 100'000;  // records/s: ~62% of the 8 cores

testing::StageSpec stage(int parallelism, model::Nanos cost, CostDistribution dist, Partition p) {
  testing::StageSpec s;
  s.parallelism = parallelism;
  s.cost = cost;
  s.distribution = dist;
  s.partition = p;
  for (int i = 0; i < parallelism; ++i) s.taskmanager.push_back(i % 2);  // spread over both
  return s;
}

testing::TestJob bundled_like(model::Nanos buffer_timeout) {
  auto job = testing::line_job(
      {stage(kSourceP, 5 * kMicrosecond, CostDistribution::Constant, Partition::Forward),
       stage(kEnrichP, 25 * kMicrosecond, CostDistribution::Exponential, Partition::Rebalance),
       stage(kWindowP, 12 * kMicrosecond, CostDistribution::Exponential, Partition::Hash),
       stage(kSinkP, 8 * kMicrosecond, CostDistribution::Constant, Partition::Rebalance)},
      kRate, 2, 4.0, 7);  // seed 7
  job.params.buffer_timeout = buffer_timeout;
  return job;
}

// The baseline runs at the engine's measured pending-set size: RunResult::max_pending of the
// same run (a high-water mark; armed CPU timers included), not a bound guessed from world.h.
sim::RunOptions run_options() {
  sim::RunOptions options;
  options.horizon = 2 * model::kSecond;
  options.warmup = 0;
  return options;
}

std::int64_t measured_pending(model::Nanos buffer_timeout) {
  const auto job = bundled_like(buffer_timeout);
  return static_cast<std::int64_t>(
      sim::simulate(job.scenario, job.graph, job.placement, job.params, run_options()).max_pending);
}

void engine(benchmark::State& state) {
  const auto job = bundled_like(state.range(1));
  const sim::RunOptions options = run_options();
  double events = 0, wall = 0, simulated = 0, pending = 0;
  for (auto _ : state) {
    const double cpu = bench::thread_cpu_seconds();
    const auto r = sim::simulate(job.scenario, job.graph, job.placement, job.params, options);
    if (!r.conserved) state.SkipWithError(r.conservation_error.c_str());
    state.SetIterationTime((bench::thread_cpu_seconds() - cpu) / static_cast<double>(r.events));
    events += static_cast<double>(r.events);
    wall += r.wall_seconds;
    simulated += static_cast<double>(r.simulated) * 1e-9;
    pending = static_cast<double>(r.max_pending);
  }
  state.counters["events_per_run"] = events / static_cast<double>(state.iterations());
  state.counters["max_pending"] = pending;
  state.counters["sim_s_per_wall_s"] = simulated / wall;
}

void baseline(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  using Item = std::pair<std::int64_t, std::uint64_t>;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> q;
  std::uint64_t seq = 0, x = 7;
  auto increment = [&x] {  // LCG, mean ~1 µs, cheap next to the heap
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::int64_t>(x >> 54);
  };
  for (std::size_t i = 0; i < n; ++i) q.emplace(increment(), seq++);
  constexpr int kSteps = 1'000'000;
  for (auto _ : state) {
    const double cpu = bench::thread_cpu_seconds();
    for (int k = 0; k < kSteps; ++k) {
      const Item e = q.top();
      q.pop();
      q.emplace(e.first + increment(), seq++);
    }
    state.SetIterationTime((bench::thread_cpu_seconds() - cpu) / kSteps);
  }
  benchmark::DoNotOptimize(q.top());
}

// Registered from main, not during static initialisation: the engine reads Flink options whose
// catalogue (model/flink_options.cpp) is itself a set of static objects.
void register_benchmarks() {
  // Args: pending-set size, buffer timeout (0: a buffer per record; 1 ms: batched buffers).
  for (const std::int64_t timeout : {std::int64_t{0}, model::kMillisecond}) {
    const std::int64_t pending = measured_pending(timeout);
    benchmark::RegisterBenchmark("event/baseline", baseline)
        ->Args({pending, timeout})
        ->UseManualTime()
        ->Iterations(5);
    benchmark::RegisterBenchmark("event/engine", engine)
        ->Args({pending, timeout})
        ->UseManualTime()
        ->Iterations(3);
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_benchmarks();
  return flinksim::bench::run_with_ratios(argc, argv);
}
