// The fluid level's picture of a placed job (sim/fluid_network.h): a channel's credit bound in
// buffers and how many records those buffers hold under back-pressure, against hand calculations
// from Flink's buffer defaults (32 KiB segments, 100-byte records: 327 records a buffer).
#include <catch2/catch.hpp>

#include "sim/fluid_network.h"
#include "job_builder.h"

using namespace flinksim;
using model::kMicrosecond;
using model::kMillisecond;
using sim::fluid::Flow;
using sim::fluid::held_records;
using sim::fluid::records_per_flush;

namespace {

testing::StageSpec stage(int p, model::Nanos cost, model::Partition partition, std::vector<int> tms) {
  testing::StageSpec s;
  s.parallelism = p;
  s.cost = cost;
  s.partition = partition;
  s.taskmanager = std::move(tms);
  return s;
}

sim::fluid::Network network_of(const testing::TestJob& job) {
  return sim::fluid::build_network(job.scenario, job.graph, job.placement, job.params);
}

}  // namespace

TEST_CASE("fluid network: a remote channel's credit bound and the partly filled buffers in it", "[fluid]") {
  // 2 sources (TaskManager 0) → rebalance → 2 sinks (TaskManager 1): four remote channels. Sender:
  // min(10, pool (2 × 2 + 8) ÷ 2 subpartitions) = 6 buffers; receiver: 2 exclusive + 8 floating ÷
  // 2 channels = 6. Half the buffer being filled (0.5) and half the one the sink reads from its
  // gate of 2 channels (0.25) hold nothing on average; the other buffers are full (327 records).
  const auto job = testing::line_job({stage(2, 10 * kMicrosecond, model::Partition::Forward, {0, 0}),
                                      stage(2, 200 * kMicrosecond, model::Partition::Rebalance, {1, 1})},
                                     13'000, 2, 4.0);
  const auto net = network_of(job);
  REQUIRE(net.flows.size() == 4);
  for (const Flow& f : net.flows) {
    CHECK(f.remote);
    CHECK(f.buffers == Approx(12));
    CHECK(f.partial == Approx(0.75));
    CHECK(f.records_per_buffer == 327);
    CHECK(f.capacity == Approx(11.25 * 327));
  }
  const Flow& f = net.flows[0];
  auto params = job.params;  // buffer timeout 100 ms
  // Blocked, the buffers are full whatever the rate: the output flusher does not finish a buffer
  // queued behind others (Flink's flushRequested), with the timeout disabled neither.
  CHECK(held_records(f) == Approx(11.25 * 327));
  params.buffer_timeout = -1;
  CHECK(held_records(f) == Approx(11.25 * 327));
  // With nothing queued ahead the flusher ships what the buffer holds: 2500 records/s × 100 ms.
  params.buffer_timeout = 100 * kMillisecond;
  CHECK(records_per_flush(f, params, 2500) == Approx(250));
  CHECK(records_per_flush(f, params, 10'000) == Approx(327));
  CHECK(records_per_flush(f, params, 0) == 1);  // a buffer carries at least one record
  // A zero timeout ships every record alone while nothing is queued ahead; blocked, its flush per
  // record (Flink's flushAlways: the same flush()) leaves the buffer open, so it holds full buffers.
  auto at_once = job;
  at_once.params.buffer_timeout = 0;
  const auto net0 = network_of(at_once);
  CHECK(net0.flows[0].partial == Approx(f.partial));
  CHECK(records_per_flush(net0.flows[0], at_once.params, 2500) == 1);
  CHECK(net0.flows[0].capacity == Approx(net.flows[0].capacity));
}

TEST_CASE("fluid network: a sender with one channel: its bound does not depend on how fast it fills it", "[fluid]") {
  // 1 source → 1 sink on another TaskManager: sender min(10, pool 1 × 2 + 8) = 10 buffers,
  // receiver 2 + 8 = 10; partly filled: 0.5 + 0.5. A slow sender fills its buffers slowly but,
  // blocked, still full: the bound does not depend on the cost.
  auto job = testing::line_job({stage(1, 10 * kMicrosecond, model::Partition::Forward, {0}),
                                stage(1, 500 * kMicrosecond, model::Partition::Rebalance, {1})},
                               3000, 2, 1.0);
  auto net = network_of(job);
  REQUIRE(net.flows.size() == 1);
  CHECK(net.flows[0].buffers == Approx(20));
  CHECK(net.flows[0].partial == Approx(1));
  CHECK(net.flows[0].capacity == Approx(19 * 327));
  job.scenario.operators[0].cpu_per_record = 5 * kMillisecond;
  net = network_of(job);
  CHECK(net.flows[0].capacity == Approx(19 * 327));
}
