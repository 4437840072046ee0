// simulate(scenario, options): scenarios read from TOML (graph, placement and Flink options as
// the model builds them), the traffic profile over time, and agreement with the analytic
// steady-state model (model/steady_state.h) on the bundled sizing example.
#include <catch2/catch.hpp>

#include <vector>

#include "model/job_graph.h"
#include "model/placement.h"
#include "model/scenario_reader.h"
#include "model/steady_state.h"
#include "sim/engine.h"
#include "test_paths.h"
#include "sim/throughput_sink.h"

using namespace flinksim;
using model::kSecond;

TEST_CASE("the engine agrees with the steady-state model on the sizing example", "[simulate][steady]") {
  // scenarios/sizing-example.toml (seed 2017): 1M/s, 80 + 80 subtasks on 5 TaskManagers; 3 s
  // simulated, the first second as warm-up. Steady-state figures are exact means; the engine's
  // are 2 s of Poisson traffic (σ of a rate ≈ 0.07%), so 2% holds many σ.
  const auto scenario = model::read_scenario_file(testing::source_dir() + "/scenarios/sizing-example.toml");
  const auto graph = model::build_job_graph(scenario);
  const auto placement = model::place_job(graph, scenario);
  const auto steady = model::compute_steady_state(scenario, graph, placement);
  sim::RunOptions options;
  options.horizon = 3 * kSecond;
  options.warmup = kSecond;
  const auto r = sim::simulate(scenario, options);
  INFO(r.conservation_error);
  REQUIRE(r.conserved);
  CHECK(r.throughput_mean == Approx(steady.source_rate).epsilon(0.01));
  REQUIRE(r.vertices.size() == steady.vertices.size());
  for (std::size_t v = 0; v < r.vertices.size(); ++v) {
    INFO(r.vertices[v].name);
    const auto& load = steady.vertices[v];
    const double busy = 1000 * load.cpu_demand / graph.vertices[v].parallelism;
    // 32 threads share 16 cores per TaskManager: when a burst of buffers makes more than 16
    // runnable, threads wait for a core, and busy (wanting the CPU) exceeds the CPU they use.
    CHECK(r.vertices[v].busy_ms_per_s >= busy * 0.99);
    CHECK(r.vertices[v].busy_ms_per_s <= busy * 1.05);
    if (!graph.vertices[v].is_source) CHECK(r.vertices[v].records_in_per_s == Approx(load.records_in).epsilon(0.02));
  }
  REQUIRE(r.taskmanagers.size() == steady.taskmanagers.size());
  for (std::size_t t = 0; t < r.taskmanagers.size(); ++t)
    CHECK(r.taskmanagers[t].cpu_utilization == Approx(steady.taskmanagers[t].cpu_utilization).epsilon(0.02));

  // A core per thread: nobody waits, and busy is the CPU each thread uses.
  auto roomy = scenario;
  roomy.cluster.cpu_per_taskmanager = 32;
  const auto q = sim::simulate(roomy, options);
  REQUIRE(q.conserved);
  for (std::size_t v = 0; v < q.vertices.size(); ++v) {
    INFO(q.vertices[v].name);
    const double busy = 1000 * steady.vertices[v].cpu_demand / graph.vertices[v].parallelism;
    CHECK(q.vertices[v].busy_ms_per_s == Approx(busy).epsilon(0.015));
  }
}

TEST_CASE("the source rate follows the traffic profile", "[simulate][traffic]") {
  // A step from 1k/s to 3k/s at 4 s, uniform arrivals, seed 5; per-second throughput from the sink.
  const auto scenario = model::read_scenario_text(R"(
name = "step"
seed = 5
[cluster]
taskmanagers = 1
cpu_per_taskmanager = 2.0
[flink]
"taskmanager.numberOfTaskSlots" = 2
"parallelism.default" = 2
[[operator]]
name = "src"
kind = "source"
cpu_per_record = "10us"
record_size = "100b"
[[operator]]
name = "sink"
kind = "sink"
inputs = [{ from = "src", partition = "rebalance" }]
cpu_per_record = "20us"
[traffic]
shape = "step"
trough = "1k/s"
peak = "3k/s"
step_at = "4s"
duration = "8s"
arrival = "uniform"
)",
                                                  "step.toml");
  flinksim::testing::ThroughputSink sink;
  sim::RunOptions options;
  options.sink = &sink;
  const auto r = sim::simulate(scenario, options);
  REQUIRE(r.conserved);
  REQUIRE(sink.per_second.size() == 8);
  for (int s = 0; s < 4; ++s) CHECK(sink.per_second[s] == Approx(1'000).epsilon(0.01));
  for (int s = 4; s < 8; ++s) CHECK(sink.per_second[s] == Approx(3'000).epsilon(0.01));
  CHECK(r.records.in == Approx(16'000).margin(4));
}
