// The buffer-level engine on small jobs built in code (job_builder.h). Every run states its seed
// (the scenario's, 42 unless said).
#include <catch2/catch.hpp>

#include <algorithm>

#include "job_builder.h"
#include "sim/engine.h"

using namespace flinksim;
using testing::StageSpec;
using testing::stage;
using testing::simulate_job;
using model::kMicrosecond;
using model::kMillisecond;
using model::kSecond;

TEST_CASE("a source, an operator and a sink carry the traffic and conserve records", "[engine]") {
  // seed 42; 10k/s Poisson for 10 s over a rebalance and a hash edge, all on one TaskManager.
  auto job = testing::line_job({stage(2, 5 * kMicrosecond), stage(2, 20 * kMicrosecond, model::Partition::Rebalance),
                                stage(3, 10 * kMicrosecond, model::Partition::Hash)},
                               10'000, 1, 8);
  const auto r = simulate_job(job, 10 * kSecond, kSecond);
  INFO(r.conservation_error);
  REQUIRE(r.conserved);
  CHECK(r.records.in == Approx(100'000).epsilon(0.02));
  CHECK(r.records.lost == 0);
  CHECK(r.records.in == r.records.out + r.records.in_flight);
  // In flight at the end: about rate × latency (records waiting in buffers for the flusher).
  CHECK(r.records.in_flight < 2'500);
  CHECK(r.throughput_mean == Approx(10'000).epsilon(0.03));
  REQUIRE(r.vertices.size() == 3);
  CHECK(r.vertices[0].records_in_per_s == 0);  // Flink: numRecordsIn is 0 for sources
  CHECK(r.vertices[1].records_in_per_s == Approx(10'000).epsilon(0.03));
  CHECK(r.vertices[2].records_out_per_s == 0);  // Flink: 0 for sinks
  // busy ≈ rate × cost per subtask: 5k/s × 20 µs = 100 ms/s for the operator.
  CHECK(r.vertices[1].busy_ms_per_s == Approx(100).epsilon(0.05));
  CHECK(r.vertices[1].backpressured_ms_per_s == Approx(0).margin(1));
  CHECK(r.latency.count > 0);
  // Default buffer timeout 100 ms at this low rate: records wait in half-empty buffers.
  CHECK(r.latency.mean > 20 * kMillisecond);
  CHECK(r.latency.max < 400 * kMillisecond);
}

TEST_CASE("selectivity below 1 stops records; the ledger counts them as dropped", "[engine]") {
  auto ops = std::vector<StageSpec>{stage(1, 0), stage(1, 10 * kMicrosecond), stage(1, 0)};
  ops[1].selectivity = 0.25;
  auto job = testing::line_job(ops, 4'000, 1, 4);
  const auto r = simulate_job(job);
  INFO(r.conservation_error);
  REQUIRE(r.conserved);
  CHECK(r.records.dropped == Approx(0.75 * r.records.in).epsilon(0.01));
  CHECK(r.vertices[2].records_in_per_s == Approx(1'000).epsilon(0.05));
}

TEST_CASE("an overloaded operator behind a network hop holds throughput at its capacity", "[engine][backpressure]") {
  // Source on TaskManager 0, a 100 µs operator (capacity 10k/s) on TaskManager 1; 20k/s offered.
  auto job = testing::line_job({stage(1, 0, model::Partition::Forward, {0}),
                                stage(1, 100 * kMicrosecond, model::Partition::Forward, {1}),
                                stage(1, 0, model::Partition::Forward, {1})},
                               20'000, 2, 4);
  job.params.hop_latency = 200 * kMicrosecond;
  const auto r = simulate_job(job, 10 * kSecond, 2 * kSecond);
  INFO(r.conservation_error);
  REQUIRE(r.conserved);
  CHECK(r.throughput_mean == Approx(10'000).epsilon(0.02));
  CHECK(r.vertices[1].busy_ms_per_s > 980);
  CHECK(r.vertices[0].backpressured_ms_per_s > 900);  // the source waits for credit
  CHECK(r.vertices[2].idle_ms_per_s > 900);
  // The backlog (Kafka lag) grows by the excess, 10k/s over 10 s, less what the full buffers hold:
  // 20 buffers (10 queued at the sender, 2 exclusive + 8 floating at the receiver) of 327 records.
  CHECK(r.vertices[0].pending_records == Approx(100'000 - 20 * 327).epsilon(0.01));
}

TEST_CASE("four saturated threads on two cores give half the throughput of four cores", "[engine][cpu]") {
  // Four source subtasks at 100 µs per record (10k/s each), offered 80k/s: CPU-bound.
  auto make = [](double cores) {
    return testing::line_job({stage(4, 100 * kMicrosecond), stage(4, 0)}, 80'000, 1, cores);
  };
  const auto two = simulate_job(make(2), 5 * kSecond, kSecond);
  const auto four = simulate_job(make(4), 5 * kSecond, kSecond);
  REQUIRE(two.conserved);
  REQUIRE(four.conserved);
  CHECK(four.throughput_mean == Approx(40'000).epsilon(0.01));
  CHECK(two.throughput_mean == Approx(20'000).epsilon(0.01));
  // Busy is the time a thread wants the CPU, so contention does not lower it (as in Flink).
  CHECK(two.vertices[0].busy_ms_per_s == Approx(1000).epsilon(0.01));
  CHECK(four.vertices[0].busy_ms_per_s == Approx(1000).epsilon(0.01));
  CHECK(two.taskmanagers[0].cpu_utilization == Approx(1.0).epsilon(0.01));
  CHECK(four.taskmanagers[0].cpu_utilization == Approx(1.0).epsilon(0.01));
}

TEST_CASE("the same seed gives identical results, another seed different ones", "[engine][determinism]") {
  auto make = [](std::uint64_t seed) {
    auto ops = std::vector<StageSpec>{stage(2, 5 * kMicrosecond), stage(3, 30 * kMicrosecond, model::Partition::Random),
                                      stage(2, 10 * kMicrosecond, model::Partition::Hash)};
    ops[1].distribution = model::CostDistribution::Exponential;
    return testing::line_job(ops, 20'000, 2, 2, seed);
  };
  const auto a = simulate_job(make(7), 3 * kSecond);
  const auto b = simulate_job(make(7), 3 * kSecond);
  const auto c = simulate_job(make(8), 3 * kSecond);
  CHECK(a.records.in == b.records.in);
  CHECK(a.records.out == b.records.out);
  CHECK(a.events == b.events);
  CHECK(a.latency.mean == b.latency.mean);
  CHECK(a.latency.p99 == b.latency.p99);
  CHECK(a.vertices[1].busy_ms_per_s == b.vertices[1].busy_ms_per_s);
  CHECK(a.records.in != c.records.in);
}

TEST_CASE("a zero buffer timeout cuts latency at low rate", "[engine][latency]") {
  // 1k/s through a remote hop: with 100 ms a buffer waits for the flusher, with 0 it leaves at once.
  auto make = [](model::Nanos timeout) {
    auto job = testing::line_job({stage(1, 0, model::Partition::Forward, {0}),
                                  stage(1, 10 * kMicrosecond, model::Partition::Forward, {1})},
                                 1'000, 2, 2);
    job.params.buffer_timeout = timeout;
    job.params.hop_latency = 100 * kMicrosecond;
    return job;
  };
  const auto slow = simulate_job(make(100 * kMillisecond), 10 * kSecond, kSecond);
  const auto fast = simulate_job(make(0), 10 * kSecond, kSecond);
  REQUIRE(slow.conserved);
  REQUIRE(fast.conserved);
  // The flusher fires every 100 ms: records wait 50 ms on average.
  CHECK(slow.latency.mean == Approx(50 * kMillisecond).epsilon(0.1));
  CHECK(slow.latency.max <= 101 * kMillisecond);
  // Flushed at once: hop + transmission + 10 µs of CPU.
  CHECK(fast.latency.mean < 200 * kMicrosecond);
  CHECK(fast.latency.mean > 110 * kMicrosecond);
  CHECK(slow.throughput_mean == Approx(fast.throughput_mean).epsilon(0.02));
}

TEST_CASE("a flush ships a slice and the segment goes on filling", "[engine][latency][flush]") {
  // Evenly spaced 100-byte records (327 to a 32 KiB segment), half a segment per 100 ms tick. Were
  // a flush to finish the segment, a segment would never fill and every record would wait for the
  // next tick: 50 ms on average. Flink's flush ships a slice and the BufferBuilder goes on, so the
  // segment ends every 327 records, every other tick, wherever that falls between ticks, and the
  // records written before it leave then: 37.5–50 ms by where the end falls, 41.7 over phases.
  auto job = testing::line_job({stage(1, 0, model::Partition::Forward, {0}),
                                stage(1, 10 * kMicrosecond, model::Partition::Forward, {1})},
                               1'635, 2, 2);
  job.scenario.traffic.arrival = model::Arrival::Uniform;
  job.scenario.operators[0].record_size = 100;
  job.params.buffer_timeout = 100 * kMillisecond;
  job.params.hop_latency = 100 * kMicrosecond;
  const auto r = simulate_job(job, 20 * kSecond, kSecond);
  REQUIRE(r.conserved);
  CHECK(r.latency.mean > 37 * kMillisecond);
  CHECK(r.latency.mean < 47 * kMillisecond);
  CHECK(r.latency.max <= 101 * kMillisecond);
  CHECK(r.throughput_mean == Approx(1'635).epsilon(0.02));
}

namespace {

// Two sources deal or copy 1 KB records (32 a segment) to six 100 µs workers and a 10 µs sink, all
// on one TaskManager of 3 cores, with records of one size and with sizes that vary by a cv of 0.3.
std::pair<sim::RunResult, sim::RunResult> one_size_and_varied(model::Partition partition,
                                                              double rate, model::Nanos timeout,
                                                              model::Nanos horizon,
                                                              model::Nanos warmup) {
  const auto run = [&](double size_cv) {
    auto job = testing::line_job({stage(2, 20 * kMicrosecond, model::Partition::Forward, {0, 0}),
                                  stage(6, 100 * kMicrosecond, partition, {0, 0, 0, 0, 0, 0}),
                                  stage(1, 10 * kMicrosecond, model::Partition::Rebalance, {0})},
                                 rate, 1, 3, 13);
    for (auto& op : job.scenario.operators) {
      op.record_size = 1000;
      if (size_cv > 0) op.record_size_cv = size_cv;
    }
    job.params.buffer_timeout = timeout;
    auto r = simulate_job(job, horizon, warmup);
    REQUIRE(r.conserved);
    return r;
  };
  return {run(0), run(0.3)};
}

}  // namespace

TEST_CASE(
    "records of one size end a partition's segments together; sizes that vary part a deal's, not a "
    "broadcast's",
    "[engine][flush][record_size]") {
  // Rebalance at 16k/s. Of one size, a source's six segments end at the same record, so the six
  // workers get their batches together, all six wait for the 3 cores and each is busy over twice
  // its CPU time (267 ms/s).
  // With record_size_distribution lognormal:0.3 each segment holds a count of its own, the ends
  // drift apart within seconds, and the workers mostly run alone: the same CPU, less busy.
  const auto [one_size, varied] = one_size_and_varied(
      model::Partition::Rebalance, 16'000, 300 * kMillisecond, 60 * kSecond, 10 * kSecond);
  // Flink's broadcastRecord serializes a record once into a BufferBuilder shared by every
  // subpartition, so sizes that vary do not part a broadcast's segments: the six workers get every
  // segment at once either way (2k/s, 100 ms; 4 seeds over 4 min read them 240.8 ms/s with a size
  // drawn per channel, 410.1 with one per record).
  const auto [copied, copied_varied] = one_size_and_varied(
      model::Partition::Broadcast, 2'000, 100 * kMillisecond, 30 * kSecond, 5 * kSecond);
  INFO("workers busy " << one_size.vertices[1].busy_ms_per_s << " / "
                       << varied.vertices[1].busy_ms_per_s << "; broadcast "
                       << copied.vertices[1].busy_ms_per_s << " / "
                       << copied_varied.vertices[1].busy_ms_per_s);
  // CPU: 16k/s × (20 + 100 + 10) µs on 3 cores, 0.693, whatever the sizes.
  CHECK(one_size.taskmanagers[0].cpu_utilization ==
        Approx(varied.taskmanagers[0].cpu_utilization).epsilon(0.02));
  CHECK(one_size.vertices[1].busy_ms_per_s > 500);  // 601.8 measured: in step
  CHECK(varied.vertices[1].busy_ms_per_s < 380);    // 340.2 measured: apart
  CHECK(varied.throughput_mean == Approx(16'000).epsilon(0.02));
  CHECK(copied_varied.vertices[1].busy_ms_per_s ==
        Approx(copied.vertices[1].busy_ms_per_s).epsilon(0.1));  // 438.8, 417.4
  CHECK(copied_varied.vertices[1].busy_ms_per_s > 350);
}

TEST_CASE("with a zero timeout and ample buffers an operator is an M/M/1 queue", "[engine][queueing]") {
  // seed 42; λ = 5k/s, exponential service with mean 100 µs (ρ = 0.5): mean sojourn 1/(μ−λ) = 200 µs.
  auto ops = std::vector<StageSpec>{stage(1, 0, model::Partition::Forward, {0}),
                                    stage(1, 100 * kMicrosecond, model::Partition::Forward, {1})};
  ops[1].distribution = model::CostDistribution::Exponential;
  auto job = testing::line_job(ops, 5'000, 2, 1);
  job.params.buffer_timeout = 0;
  job.params.hop_latency = 0;
  job.params.bandwidth_per_taskmanager = 1e15;
  job.params.buffers_per_channel = 10'000;
  job.params.max_buffers_per_channel = 10'000;
  const auto r = simulate_job(job, 60 * kSecond, 2 * kSecond);
  REQUIRE(r.conserved);
  CHECK(r.latency.mean == Approx(200 * kMicrosecond).epsilon(0.05));
  // Sojourn is exponential with mean 200 µs: p99 = 200 µs × ln 100.
  CHECK(r.latency.p99 == Approx(200 * kMicrosecond * 4.605).epsilon(0.08));
}

TEST_CASE("a local channel back-pressures too, bounded by the producer's subpartition", "[engine][backpressure]") {
  // Same job as above, all on one TaskManager: no credits, but max-buffers-per-channel holds.
  auto job = testing::line_job({stage(1, 0), stage(1, 100 * kMicrosecond), stage(1, 0)}, 20'000, 1, 4);
  const auto r = simulate_job(job, 10 * kSecond, 2 * kSecond);
  REQUIRE(r.conserved);
  CHECK(r.throughput_mean == Approx(10'000).epsilon(0.02));
  CHECK(r.vertices[0].backpressured_ms_per_s > 900);
  // Held in flight: 10 buffers of 327 records (the subpartition cap), not 20 as over the network.
  CHECK(r.vertices[0].pending_records == Approx(100'000 - 10 * 327).epsilon(0.01));
}

TEST_CASE("under back-pressure the output flusher does not finish buffers queued behind others", "[engine][backpressure][flush]") {
  // 2 sources (TaskManager 0) → rebalance → 2 sinks (TaskManager 1) at 130% of their capacity:
  // every channel is blocked, its buffers queued behind missing credit. Flink's
  // PipelinedSubpartition.flush() only sets flushRequested when buffers are queued ahead of the
  // one being filled, so the channels hold full buffers: as many records as with the timeout
  // disabled (a buffer leaves only when full). A flush that finished the buffer at every tick
  // shipped one- or two-record buffers and held 29% fewer (11.1k against 15.6k at 30 s).
  auto make = [](model::Nanos timeout) {
    auto job = testing::line_job({stage(2, 10 * kMicrosecond, model::Partition::Forward, {0, 0}),
                                  stage(2, 200 * kMicrosecond, model::Partition::Rebalance, {1, 1})},
                                 13'000, 2, 4.0, 3);
    job.params.buffer_timeout = timeout;
    return job;
  };
  // Records written and not yet read, at the end of the run; a snapshot moves by a buffer (327
  // records) or two, so three ends are summed.
  const auto in_channels = [&](model::Nanos timeout) {
    double sum = 0;
    for (const model::Nanos horizon : {20 * kSecond, 25 * kSecond, 30 * kSecond}) {
      const auto r = simulate_job(make(timeout), horizon, 5 * kSecond);
      REQUIRE(r.conserved);
      CHECK(r.vertices[0].backpressured_ms_per_s > 900);
      sum += static_cast<double>(r.records.in_flight - r.vertices[0].pending_records);
    }
    return sum;
  };
  const double flushed = in_channels(100 * kMillisecond);
  CHECK(flushed == Approx(in_channels(-1)).epsilon(0.05));
  CHECK(flushed > 3 * 4 * 10 * 327);  // more than 10 full buffers a channel (bound: 12 − 0.75)
}

TEST_CASE("partitioners route as Flink's channel selectors", "[engine][partitioner]") {
  // seed 42; 2 upstream subtasks → 4 downstream; 8k/s for 5 s; per-subtask input rates compared.
  auto rates_of = [](model::Partition partition, double skew = 0) {
    auto job = testing::line_job({stage(2, 0), stage(4, 0, partition), stage(1, 0)}, 8'000, 1, 8);
    job.scenario.operators[1].key_skew = skew;
    job.scenario.operators[1].key_count = 1'000;
    job.graph.vertices[1].max_parallelism = 128;
    sim::RunOptions options;
    options.horizon = 5 * kSecond;
    struct Collect : sim::MetricsSink {
      std::vector<double> in = std::vector<double>(4, 0.0);
      void on_subtask(model::Nanos, const sim::SubtaskSample& s) override {
        if (s.vertex == 1) in[s.subtask] += s.records_in_per_s / 5;
      }
      void on_taskmanager(model::Nanos, int, const sim::TaskManagerSample&) override {}
      void on_job(model::Nanos, const sim::JobSample&) override {}
    } collect;
    options.sink = &collect;
    const auto r = sim::simulate(job.scenario, job.graph, job.placement, job.params, options);
    REQUIRE(r.conserved);
    return std::make_pair(collect.in, r);
  };
  SECTION("rebalance deals evenly") {
    const auto [in, r] = rates_of(model::Partition::Rebalance);
    for (double x : in) CHECK(x == Approx(2'000).epsilon(0.03));
  }
  SECTION("global sends everything to subtask 0") {
    const auto [in, r] = rates_of(model::Partition::Global);
    CHECK(in[0] == Approx(8'000).epsilon(0.03));
    CHECK(in[1] + in[2] + in[3] == 0);
  }
  SECTION("broadcast copies every record to every subtask") {
    const auto [in, r] = rates_of(model::Partition::Broadcast);
    for (double x : in) CHECK(x == Approx(8'000).epsilon(0.03));
    CHECK(r.records.created == Approx(3 * r.records.in).epsilon(0.01));
  }
  SECTION("hash follows the key-group shares; skew loads one subtask more") {
    const auto [uniform, r1] = rates_of(model::Partition::Hash, 0.0);
    const auto [skewed, r2] = rates_of(model::Partition::Hash, 1.2);
    for (double x : uniform) CHECK(x == Approx(2'000).epsilon(0.1));
    const double hottest = *std::max_element(skewed.begin(), skewed.end());
    CHECK(hottest > 1.3 * 2'000);
  }
}

TEST_CASE("contention raises latency but not busy time's meaning", "[engine][cpu]") {
  // Two operators of 200 µs at 2.5k/s each (ρ = 0.5): on one core they share; on two they do not.
  auto make = [](double cores) {
    return testing::line_job({stage(2, 0), stage(2, 200 * kMicrosecond), stage(2, 0)}, 5'000, 1, cores);
  };
  const auto shared = simulate_job(make(1), 10 * kSecond, kSecond);
  const auto alone = simulate_job(make(2), 10 * kSecond, kSecond);
  REQUIRE(shared.conserved);
  CHECK(shared.throughput_mean == Approx(alone.throughput_mean).epsilon(0.02));
  CHECK(alone.vertices[1].busy_ms_per_s == Approx(500).epsilon(0.03));
  CHECK(shared.vertices[1].busy_ms_per_s > alone.vertices[1].busy_ms_per_s);
  CHECK(shared.taskmanagers[0].cpu_utilization == Approx(1.0).epsilon(0.03));
  CHECK(alone.taskmanagers[0].cpu_utilization == Approx(0.5).epsilon(0.03));
}

TEST_CASE("credit travels back over the hop: a round trip bounds a remote channel", "[engine][credit]") {
  // One record per buffer (records of a whole segment), 2 exclusive credits, no floating buffers,
  // 1 ms hop: a credit comes back 2 ms after its buffer left, so the channel carries 2 buffers per
  // 2 ms = 1k records/s. (Smaller records would not bind: blocked, Flink keeps filling the open
  // buffer, even with a zero timeout.)
  auto job = testing::line_job({stage(1, 0, model::Partition::Forward, {0}),
                                stage(1, 10 * kMicrosecond, model::Partition::Forward, {1})},
                               5'000, 2, 2);
  job.scenario.operators[0].record_size = job.params.segment_size;
  job.params.buffer_timeout = 0;
  job.params.hop_latency = kMillisecond;
  job.params.floating_buffers_per_gate = 0;
  const auto r = simulate_job(job, 10 * kSecond, kSecond);
  REQUIRE(r.conserved);
  CHECK(r.throughput_mean == Approx(1'000).epsilon(0.02));
  CHECK(r.vertices[0].backpressured_ms_per_s > 900);
  // 100-byte records: once the two credits are out, the flush after each record only requests a
  // flush and the open buffer keeps filling (Flink's flushAlways is the same flush()), so two
  // buffers per 2 ms carry up to 2 × 327 records: the 5k/s offered fits.
  auto small = job;
  small.scenario.operators[0].record_size = 100;
  const auto filled = simulate_job(small, 10 * kSecond, kSecond);
  REQUIRE(filled.conserved);
  CHECK(filled.throughput_mean == Approx(5'000).epsilon(0.02));
  // With 18 floating buffers the window is 20 buffers per 2 ms = 10k/s: the 5k/s offered fits.
  job.params.floating_buffers_per_gate = 18;
  const auto wide = simulate_job(job, 10 * kSecond, kSecond);
  CHECK(wide.throughput_mean == Approx(5'000).epsilon(0.02));
}

TEST_CASE("a chain is a tree: a fan-out operator feeds each chained child every record", "[engine][chain]") {
  // One vertex: source → (half-filter, pass-through), both sinks; 2k/s for 10 s. seed 42.
  auto job = testing::line_job({stage(1, 10 * kMicrosecond)}, 2'000, 1, 2);
  for (int k = 0; k < 2; ++k) {
    model::OperatorSpec op;
    op.name = k == 0 ? "half" : "all";
    op.kind = model::OperatorKind::Sink;
    op.cpu_per_record = 20 * kMicrosecond;
    op.selectivity = k == 0 ? 0.5 : 1.0;
    job.scenario.operators.push_back(op);
    job.graph.vertices[0].operators.push_back({k + 1, 1.0, 0});
  }
  const auto r = simulate_job(job, 10 * kSecond, kSecond);
  INFO(r.conservation_error);
  REQUIRE(r.conserved);
  CHECK(r.records.out == Approx(1.5 * r.records.in).epsilon(0.01));
  CHECK(r.records.created == Approx(r.records.in).epsilon(0.01));  // the copy for the second child
  CHECK(r.records.dropped == Approx(0.5 * r.records.in).epsilon(0.01));
  // Per record: 10 µs + 20 µs for each child = 50 µs at 2k/s → 100 ms/s busy.
  CHECK(r.vertices[0].busy_ms_per_s == Approx(100).epsilon(0.05));
}

TEST_CASE("a run can start at an offset into the traffic profile", "[engine][start]") {
  // seed 42; a step from 1k/s to 8k/s at 100 s. Started at the step, 5 s see only the peak rate,
  // and the run's own clock (horizon, warm-up, simulated) counts from the start.
  auto job = testing::line_job({stage(1, 5 * kMicrosecond), stage(1, 10 * kMicrosecond)}, 8'000, 1, 4);
  job.scenario.traffic.shape = model::TrafficShape::Step;
  job.scenario.traffic.trough = 1'000;
  job.scenario.traffic.step_at = 100 * kSecond;
  job.scenario.traffic.duration = 200 * kSecond;
  sim::RunOptions options;
  options.start = 100 * kSecond;
  options.horizon = 5 * kSecond;
  options.warmup = kSecond;
  const auto at_peak = sim::simulate(job.scenario, job.graph, job.placement, job.params, options);
  INFO(at_peak.conservation_error);
  REQUIRE(at_peak.conserved);
  CHECK(at_peak.simulated == 5 * kSecond);
  CHECK(at_peak.throughput_mean == Approx(8'000).epsilon(0.05));
  options.start = 0;
  const auto before = sim::simulate(job.scenario, job.graph, job.placement, job.params, options);
  CHECK(before.throughput_mean == Approx(1'000).epsilon(0.1));
  // The statistics the benchmarks read.
  CHECK(at_peak.max_pending > 0);
}
