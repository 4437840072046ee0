// The fluid level on jobs built in code, against what a hand calculation says: CPU-bound
// throughput, backpressure from an overloaded sink, a traffic step, conservation.
#include <catch2/catch.hpp>

#include <vector>

#include "model/scenario_reader.h"
#include "sim/fluid_engine.h"
#include "job_builder.h"
#include "sim/throughput_sink.h"

using namespace flinksim;
using model::kMicrosecond;
using model::kSecond;
using testing::StageSpec;

namespace {
StageSpec stage(int p, model::Nanos cost, model::Partition partition = model::Partition::Forward) {
  StageSpec s;
  s.parallelism = p;
  s.cost = cost;
  s.partition = partition;
  return s;
}
}  // namespace

TEST_CASE("fluid: a lightly loaded line follows the traffic and uses cost × rate", "[fluid]") {
  // 1000/s through source (10 µs) → sink (20 µs), 2 cores: busy 10 and 20 ms/s, CPU 1.5%.
  auto job = testing::line_job({stage(1, 10 * kMicrosecond), stage(1, 20 * kMicrosecond, model::Partition::Rebalance)},
                               1000, 1, 2.0);
  sim::RunOptions options;
  sim::FluidStats stats;
  const auto r = sim::simulate_fluid(job.scenario, job.graph, job.placement, job.params, options, &stats);
  INFO(r.conservation_error);
  REQUIRE(r.conserved);
  CHECK(r.throughput_mean == Approx(1000));
  CHECK(r.vertices[0].busy_ms_per_s == Approx(10));
  CHECK(r.vertices[1].busy_ms_per_s == Approx(20));
  CHECK(r.vertices[1].idle_ms_per_s == Approx(980));
  CHECK(r.vertices[1].records_in_per_s == Approx(1000));
  CHECK(r.taskmanagers[0].cpu_utilization == Approx(0.015));
  CHECK(r.records.in == 10'000);
  CHECK(r.events <= 3);  // constant traffic: the start, and nothing changes after
  CHECK(stats.samples == 10);
}

TEST_CASE("fluid: an overloaded sink back-pressures the source; the backlog grows at arrival − capacity",
          "[fluid][backpressure]") {
  // Sink 500 µs → 2000/s capacity; arrivals 3000/s. Source (10 µs) blocks on its full channel
  // once the channel holds its credit bound: (min(10, pool 1×2+8) subpartition + 2 exclusive + 8
  // floating) buffers of 327 records (32 KiB ÷ 100 B) = 6540 records, full after 6.54 s.
  auto job = testing::line_job({stage(1, 10 * kMicrosecond), stage(1, 500 * kMicrosecond, model::Partition::Rebalance)},
                               3000, 2, 1.0);
  job.placement.taskmanager_of[1][0] = 1;  // the sink on its own TaskManager (a remote channel)
  job.placement.subtasks_on[0] = {{0, 0}};
  job.placement.subtasks_on[1] = {{1, 0}};
  job.scenario.traffic.duration = 60 * kSecond;
  sim::RunOptions options;
  options.warmup = 10 * kSecond;
  sim::FluidStats stats;
  const auto r = sim::simulate_fluid(job.scenario, job.graph, job.placement, job.params, options, &stats);
  REQUIRE(r.conserved);
  CHECK(r.throughput_mean == Approx(2000));
  CHECK(r.vertices[1].busy_ms_per_s == Approx(1000));
  CHECK(r.vertices[0].busy_ms_per_s == Approx(20));
  CHECK(r.vertices[0].backpressured_ms_per_s == Approx(980));
  CHECK(r.vertices[0].idle_ms_per_s == Approx(0).margin(1e-6));
  // Backlog: 60 s × (3000 − 2000) less what the channel absorbed.
  CHECK(r.vertices[0].pending_records == 60'000 - 6540);
  CHECK(r.records.in_flight == 60'000);
  CHECK(r.events == 2);  // the start, and the channel reaching its bound
}

TEST_CASE("fluid: the source rate follows a traffic step, per second", "[fluid][traffic]") {
  auto job = testing::line_job({stage(2, 10 * kMicrosecond), stage(2, 20 * kMicrosecond, model::Partition::Rebalance)},
                               3000, 1, 2.0);
  job.scenario.traffic.shape = model::TrafficShape::Step;
  job.scenario.traffic.trough = 1000;
  job.scenario.traffic.step_at = 4 * kSecond;
  job.scenario.traffic.duration = 8 * kSecond;
  flinksim::testing::ThroughputSink sink;
  sim::RunOptions options;
  options.sink = &sink;
  const auto r = sim::simulate_fluid(job.scenario, job.graph, job.placement, job.params, options);
  REQUIRE(r.conserved);
  REQUIRE(sink.per_second.size() == 8);
  for (int s = 0; s < 4; ++s) CHECK(sink.per_second[s] == Approx(1000));
  for (int s = 4; s < 8; ++s) CHECK(sink.per_second[s] == Approx(3000));
  CHECK(r.records.in == 16'000);
  CHECK(r.events <= 3);
}

TEST_CASE("fluid: same inputs, identical results", "[fluid][determinism]") {
  auto job = testing::line_job({stage(2, 10 * kMicrosecond), stage(3, 400 * kMicrosecond, model::Partition::Hash)},
                               9000, 1, 2.0);
  const auto a = sim::simulate_fluid(job.scenario, job.graph, job.placement, job.params, {});
  const auto b = sim::simulate_fluid(job.scenario, job.graph, job.placement, job.params, {});
  CHECK(a.throughput_mean == b.throughput_mean);
  CHECK(a.vertices[1].busy_ms_per_s == b.vertices[1].busy_ms_per_s);
  CHECK(a.records.in_flight == b.records.in_flight);
  CHECK(a.events == b.events);
}
