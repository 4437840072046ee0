// The engine's checkpoints on tiny jobs (job_builder.h): the coordinator's triggers, barriers and
// alignment, the synchronous and asynchronous parts, uploads sharing bandwidth, expiry, unaligned
// checkpoints. Every run states its seed (42 unless said).
#include <catch2/catch.hpp>

#include <algorithm>

#include "job_builder.h"
#include "model/checkpoint_model.h"
#include "sim/engine.h"

using namespace flinksim;
using model::kMillisecond;
using model::kMicrosecond;
using model::kSecond;
using testing::StageSpec;
using testing::stage;
using testing::simulate_job;

namespace {


// `bytes` of heap state on operator `op` (keys of 1 kB).
void add_state(testing::TestJob& job, int op, double bytes) {
  model::StateSpec state;
  state.bytes_per_key = 1000;
  state.keys = static_cast<std::int64_t>(bytes / 1000);
  job.scenario.operators[op].state = state;
  // The state model reads the TaskManager's memory (heapUsed / managedUsed); the scenario reader
  // would set Flink's shipped default, a job built in code sets it here.
  job.scenario.flink.set("taskmanager.memory.process.size", "1728m");
}

// Source → operator with `bytes` of heap state → sink, 1k/s, one TaskManager of 2 cores, the
// given storage write bandwidth and checkpoint interval.
testing::TestJob stateful_job(double bytes, double write_bandwidth, const char* interval) {
  auto job = testing::line_job({stage(1, 10 * kMicrosecond), stage(1, 20 * kMicrosecond), stage(1, 0)}, 1'000, 1, 2);
  add_state(job, 1, bytes);
  job.scenario.storage.write_bandwidth = write_bandwidth;
  job.scenario.flink.set("execution.checkpointing.interval", interval);
  return job;
}

// Source on TaskManager 0 at 20k/s into a 100 µs operator on TaskManager 1 (10k/s): back-pressured.
testing::TestJob backpressured_job() {
  auto job = testing::line_job({stage(1, 0, model::Partition::Forward, {0}),
                                stage(1, 100 * kMicrosecond, model::Partition::Forward, {1}),
                                stage(1, 0, model::Partition::Forward, {1})},
                               20'000, 2, 4);
  job.scenario.flink.set("execution.checkpointing.interval", "2s");
  return job;
}

std::vector<sim::CheckpointRecord> completed(const sim::RunResult& r) {
  std::vector<sim::CheckpointRecord> out;
  for (const auto& c : r.checkpoint_history)
    if (c.status == sim::CheckpointStatus::Completed) out.push_back(c);
  return out;
}

// Runs the job, which must conserve records and complete at least `at_least` checkpoints.
std::vector<sim::CheckpointRecord> run_completed(const testing::TestJob& job, model::Nanos horizon,
                                                 std::size_t at_least) {
  const auto r = simulate_job(job, horizon);
  INFO(r.conservation_error);
  REQUIRE(r.conserved);
  auto done = completed(r);
  REQUIRE(done.size() >= at_least);
  return done;
}

}  // namespace

TEST_CASE("without an interval nothing is checkpointed and the summary says it is not simulated", "[checkpoint]") {
  auto job = testing::line_job({stage(1, 10 * kMicrosecond), stage(1, 10 * kMicrosecond)}, 1'000, 1, 2);
  const auto r = simulate_job(job, 3 * kSecond);
  REQUIRE(r.conserved);
  CHECK_FALSE(r.checkpoints.simulated);
  CHECK(r.checkpoint_history.empty());
}

TEST_CASE("the coordinator triggers every interval after Flink's random initial delay, ids 1, 2, ...", "[checkpoint]") {
  auto job = testing::line_job({stage(2, 10 * kMicrosecond), stage(2, 20 * kMicrosecond, model::Partition::Rebalance),
                                stage(1, 0, model::Partition::Rebalance)},
                               2'000, 2, 2);
  job.scenario.flink.set("execution.checkpointing.interval", "1s");
  const auto r = simulate_job(job, 10 * kSecond);
  INFO(r.conservation_error);
  REQUIRE(r.conserved);
  CHECK(r.checkpoints.simulated);
  REQUIRE(r.checkpoint_history.size() >= 9);
  // First trigger in [min-pause, interval] = [0, 1 s], then one every interval, ids in order.
  CHECK(r.checkpoint_history[0].trigger_time <= kSecond);
  for (std::size_t i = 0; i < r.checkpoint_history.size(); ++i) {
    const auto& c = r.checkpoint_history[i];
    CHECK(c.id == static_cast<std::int64_t>(i + 1));
    CHECK(c.trigger_time == r.checkpoint_history[0].trigger_time + static_cast<model::Nanos>(i) * kSecond);
  }
  CHECK(r.checkpoints.failed == 0);
  CHECK(r.checkpoints.completed == static_cast<std::int64_t>(completed(r).size()));
  // Stateless: no synchronous part, nothing to upload; the duration is the barriers' trip
  // (flushed at once, not after the buffer timeout): at most the records a worker was handed by
  // one output flush ahead of it, 2 × 50 records × 20 µs = 2 ms here, not the 100 ms timeout.
  CHECK(r.checkpoints.duration_max < 3 * kMillisecond);
  CHECK(r.checkpoints.state_size == 0);
}

TEST_CASE("the seed fixes the initial delay: same seed same triggers, another seed other ones", "[checkpoint][determinism]") {
  auto make = [](std::uint64_t seed) {
    auto job = testing::line_job({stage(1, 10 * kMicrosecond), stage(1, 10 * kMicrosecond)}, 1'000, 1, 2, seed);
    job.scenario.flink.set("execution.checkpointing.interval", "1s");
    return simulate_job(job, 3 * kSecond);
  };
  const auto a = make(1), b = make(1), c = make(2);
  REQUIRE(!a.checkpoint_history.empty());
  CHECK(a.checkpoint_history[0].trigger_time == b.checkpoint_history[0].trigger_time);
  CHECK(a.events == b.events);
  CHECK(a.checkpoint_history[0].trigger_time != c.checkpoint_history[0].trigger_time);
}

TEST_CASE("aligned: a task waits for the barrier on every input channel; alignment is the gap", "[checkpoint][alignment]") {
  // Two source subtasks on TaskManagers 0 and 1 feed one operator on TaskManager 0 (rebalance: a
  // local and a remote channel, hop 50 ms). The remote barrier comes ~50 ms after the local one.
  auto job = testing::line_job({stage(2, 10 * kMicrosecond, model::Partition::Forward, {0, 1}),
                                stage(1, 10 * kMicrosecond, model::Partition::Rebalance, {0}),
                                stage(1, 0, model::Partition::Forward, {0})},
                               2'000, 2, 2);
  job.params.hop_latency = 50 * kMillisecond;
  job.scenario.flink.set("execution.checkpointing.interval", "1s");
  const auto done = run_completed(job, 5 * kSecond, 3);
  for (const auto& c : done) {
    CHECK(c.alignment_duration == Approx(50 * kMillisecond).margin(2 * kMillisecond));
    CHECK_FALSE(c.unaligned);
    CHECK(c.persisted_data == 0);
    // Ends when the sink has the barrier: alignment plus a few hops' worth of queueing.
    CHECK(c.end_to_end_duration >= c.alignment_duration);
    CHECK(c.end_to_end_duration < 120 * kMillisecond);
  }
}

TEST_CASE("a full snapshot uploads every byte of state over the storage bandwidth after its sync part", "[checkpoint][upload]") {
  // 100 MB of heap state on one operator subtask, [storage] write 100 MB/s: async 1 s.
  const auto job = stateful_job(100e6, 100e6, "5s");
  const auto done = run_completed(job, 20 * kSecond, 3);
  for (const auto& c : done) {
    CHECK(c.state_size == 100'000'000);
    CHECK(c.checkpointed_size == c.state_size);
    CHECK(c.sync_duration == model::kSyncPhaseHeap);  // one core each: the sync part is not shared
    CHECK(c.async_duration == Approx(kSecond).epsilon(0.001));
    CHECK(c.end_to_end_duration == Approx(kSecond + model::kSyncPhaseHeap).epsilon(0.01));
  }
  // The synchronous part is CPU on the task thread: 10 ms every 5 s on top of 1k/s × 20 µs.
  const auto r = simulate_job(job, 20 * kSecond);
  CHECK(r.vertices[1].busy_ms_per_s == Approx(20 + 10.0 * static_cast<double>(done.size()) / 20).epsilon(0.02));
  // heapUsed: the state model's heap state on the TaskManager.
  CHECK(r.taskmanagers[0].heap_used == 100'000'000);
  CHECK(r.taskmanagers[0].managed_used == 0);
}

TEST_CASE("uploads running at once share the storage bandwidth, each TaskManager at most its network", "[checkpoint][upload]") {
  // Two operator subtasks (one per TaskManager) with 50 MB each.
  auto make = [](double storage, double network) {
    auto job = testing::line_job({stage(2, 10 * kMicrosecond, model::Partition::Forward, {0, 1}),
                                  stage(2, 10 * kMicrosecond, model::Partition::Forward, {0, 1}),
                                  stage(2, 0, model::Partition::Forward, {0, 1})},
                                 1'000, 2, 2);
    add_state(job, 1, 100e6);  // split evenly: 50 MB per subtask
    job.scenario.storage.write_bandwidth = storage;
    job.params.bandwidth_per_taskmanager = network;
    job.scenario.flink.set("execution.checkpointing.interval", "5s");
    return simulate_job(job, 12 * kSecond);
  };
  SECTION("storage-bound: 100 MB at 100 MB/s together, 1 s, not 0.5 s each") {
    const auto r = make(100e6, 1e9);
    REQUIRE(!completed(r).empty());
    CHECK(completed(r)[0].async_duration == Approx(kSecond).epsilon(0.01));
  }
  SECTION("network-bound: 50 MB per TaskManager at 25 MB/s, 2 s, though storage would take 0.5 s") {
    const auto r = make(200e6, 25e6);
    REQUIRE(!completed(r).empty());
    CHECK(completed(r)[0].async_duration == Approx(2 * kSecond).epsilon(0.01));
  }
}

TEST_CASE("an incremental RocksDB checkpoint uploads only what changed", "[checkpoint][incremental]") {
  auto job = stateful_job(100e6, 100e6, "5s");
  job.scenario.operators[1].state->change_rate = 0.1;
  job.scenario.flink.set("state.backend.type", "rocksdb");
  job.scenario.flink.set("execution.checkpointing.incremental", "true");
  const auto r = simulate_job(job, 12 * kSecond);
  REQUIRE(r.conserved);
  const auto done = completed(r);
  REQUIRE(!done.empty());
  CHECK(done[0].state_size == 100'000'000);
  CHECK(done[0].checkpointed_size == 10'000'000);
  CHECK(done[0].sync_duration == model::kSyncPhaseRocksDb);
  CHECK(done[0].async_duration == Approx(100 * kMillisecond).epsilon(0.01));
}

TEST_CASE("a checkpoint longer than the timeout expires; past tolerable failures the job restarts", "[checkpoint][expiry]") {
  // 100 MB at 10 MB/s takes 10 s; the timeout is 2 s.
  auto make = [](const char* tolerable) {
    auto job = stateful_job(100e6, 10e6, "3s");
    job.scenario.flink.set("execution.checkpointing.timeout", "2s");
    job.scenario.flink.set("execution.checkpointing.tolerable-failed-checkpoints", tolerable);
    job.scenario.flink.set("restart-strategy.type", "fixed-delay");
    job.scenario.flink.set("restart-strategy.fixed-delay.attempts", "100");
    return simulate_job(job, 20 * kSecond);
  };
  SECTION("tolerated: every checkpoint expires, the job runs on") {
    const auto r = make("100");
    REQUIRE(r.conserved);
    CHECK(r.checkpoints.completed == 0);
    CHECK(r.checkpoints.expired >= 5);
    for (const auto& c : r.checkpoint_history) {
      CHECK(c.failure_reason == "expired");
      CHECK(c.end_to_end_duration == 2 * kSecond);
    }
    CHECK(r.recovery.empty());
  }
  SECTION("not tolerated: the first expiry fails the job, which restarts from scratch") {
    const auto r = make("0");
    INFO(r.conservation_error);
    REQUIRE(r.conserved);
    REQUIRE(!r.recovery.empty());
    const auto& first = r.recovery[0];
    CHECK(first.failure == -1);
    CHECK_FALSE(first.reason.empty());
    CHECK(first.restored_checkpoint == 0);
    CHECK(first.downtime == kSecond);  // fixed-delay 1 s, noticed at once, no pod, nothing to restore
    CHECK(first.at == r.checkpoint_history[0].trigger_time + 2 * kSecond);
  }
}

TEST_CASE("min-pause keeps the next checkpoint from starting right after a long one", "[checkpoint][coordinator]") {
  // Each checkpoint takes ~1.01 s (100 MB at 100 MB/s), interval 500 ms, min-pause 300 ms:
  // checkpoints start one min-pause after the previous one completed.
  auto job = stateful_job(100e6, 100e6, "500ms");
  job.scenario.flink.set("execution.checkpointing.min-pause", "300ms");
  const auto r = simulate_job(job, 10 * kSecond);
  REQUIRE(r.conserved);
  const auto done = completed(r);
  REQUIRE(done.size() >= 5);
  for (std::size_t i = 1; i < done.size(); ++i) {
    const model::Nanos previous_end = done[i - 1].trigger_time + done[i - 1].end_to_end_duration;
    CHECK(done[i].trigger_time - previous_end == Approx(300 * kMillisecond).margin(kMillisecond));
  }
  // The same with max-concurrent 2 and no min-pause: two run at once, sharing the bandwidth.
  job.scenario.flink.set("execution.checkpointing.min-pause", "0ms");
  job.scenario.flink.set("execution.checkpointing.max-concurrent-checkpoints", "2");
  const auto both = simulate_job(job, 10 * kSecond);
  REQUIRE(both.conserved);
  const auto two = completed(both);
  REQUIRE(two.size() >= 5);
  CHECK(two[1].trigger_time - two[0].trigger_time == 500 * kMillisecond);
  CHECK(two[1].trigger_time < two[0].trigger_time + two[0].end_to_end_duration);
}

TEST_CASE("unaligned: barriers overtake queued buffers under backpressure and the overtaken data is persisted",
          "[checkpoint][unaligned]") {
  // Source on TaskManager 0 at 20k/s into a 100 µs operator on TaskManager 1 (10k/s): back-pressured,
  // every buffer full. Aligned barriers wait behind ~20 buffers of 327 records (≈ 0.65 s); unaligned
  // ones jump the queue.
  auto make = [](bool unaligned) {
    auto job = backpressured_job();
    job.scenario.flink.set("execution.checkpointing.unaligned.enabled", unaligned ? "true" : "false");
    return simulate_job(job, 12 * kSecond);
  };
  const auto aligned = make(false);
  const auto unaligned = make(true);
  INFO(aligned.conservation_error << unaligned.conservation_error);
  REQUIRE(aligned.conserved);
  REQUIRE(unaligned.conserved);
  // Once the buffers are full (about 0.65 s in): checkpoints triggered after the first second.
  auto after_fill = [](const sim::RunResult& r) {
    auto all = completed(r);
    all.erase(std::remove_if(all.begin(), all.end(), [](const auto& c) { return c.trigger_time < kSecond; }), all.end());
    return all;
  };
  const auto a = after_fill(aligned), u = after_fill(unaligned);
  REQUIRE(a.size() >= 3);
  REQUIRE(u.size() >= 3);
  for (const auto& c : a) {
    CHECK_FALSE(c.unaligned);
    CHECK(c.persisted_data == 0);
    CHECK(c.end_to_end_duration > 500 * kMillisecond);
  }
  for (const auto& c : u) {
    CHECK(c.unaligned);
    CHECK(c.persisted_data > 400'000);  // most of the ~20 buffers of 32 KiB in flight
    // The source takes the trigger once its record in hand is out: at most one buffer's drain
    // (327 records × 100 µs) later.
    CHECK(c.end_to_end_duration < 40 * kMillisecond);
  }
}

TEST_CASE("aligned-checkpoint-timeout: a checkpoint stuck aligning goes on unaligned", "[checkpoint][unaligned]") {
  auto job = backpressured_job();
  job.scenario.flink.set("execution.checkpointing.unaligned.enabled", "true");
  job.scenario.flink.set("execution.checkpointing.aligned-checkpoint-timeout", "100ms");
  const auto done = run_completed(job, 12 * kSecond, 3);
  for (const auto& c : done) {
    CHECK(c.unaligned);  // switched: under backpressure alignment always takes longer than 100 ms
    CHECK(c.persisted_data > 0);
    CHECK(c.end_to_end_duration == Approx(100 * kMillisecond).margin(30 * kMillisecond));
  }
}

TEST_CASE("the metrics sink hears of every checkpoint once, when it completes or fails", "[checkpoint][metrics]") {
  auto job = stateful_job(100e6, 10e6, "3s");  // 10 s uploads, 2 s timeout: every one expires
  job.scenario.flink.set("execution.checkpointing.timeout", "2s");
  job.scenario.flink.set("execution.checkpointing.tolerable-failed-checkpoints", "100");
  struct Listen : sim::MetricsSink {
    std::vector<sim::CheckpointRecord> seen;
    void on_subtask(model::Nanos, const sim::SubtaskSample&) override {}
    void on_taskmanager(model::Nanos, int, const sim::TaskManagerSample&) override {}
    void on_job(model::Nanos, const sim::JobSample&) override {}
    void on_checkpoint(const sim::CheckpointRecord& c) override { seen.push_back(c); }
  } listen;
  sim::RunOptions options;
  options.horizon = 12 * kSecond;
  options.sink = &listen;
  const auto r = sim::simulate(job.scenario, job.graph, job.placement, job.params, options);
  REQUIRE(r.conserved);
  REQUIRE(listen.seen.size() == r.checkpoint_history.size());
  for (std::size_t i = 0; i < listen.seen.size(); ++i) {
    CHECK(listen.seen[i].id == r.checkpoint_history[i].id);
    CHECK(listen.seen[i].status == sim::CheckpointStatus::Failed);
  }
  // A completed one too, with a fast store.
  Listen fast;
  options.sink = &fast;
  const auto ok = sim::simulate(stateful_job(1e6, 100e6, "3s").scenario, job.graph, job.placement, job.params, options);
  REQUIRE(!fast.seen.empty());
  CHECK(fast.seen[0].status == sim::CheckpointStatus::Completed);
  CHECK(fast.seen.size() == ok.checkpoint_history.size());
}
