// The engine's failures and recovery (sim/failure.cpp) on tiny jobs (job_builder.h): downtime
// milestones, rewind to the latest completed checkpoint, exactly-once accounting, JobManager loss
// with and without HA, the restart strategy giving up. Every run states its seed (42 unless said).
#include <catch2/catch.hpp>

#include "job_builder.h"
#include "sim/engine.h"
#include "sim/fluid_engine.h"

using namespace flinksim;
using model::kMicrosecond;
using model::kMillisecond;
using model::kSecond;
using testing::stage;
using testing::simulate_job;

namespace {

// Two sources (TaskManagers 0 and 1) → rebalance → a keyed-state operator (p = 2) → sink, 2k/s
// evenly spaced, checkpoints every 2 s; 100 MB of state, restored at 100 MB/s.
testing::TestJob job_with_state(int taskmanagers = 2) {
  auto job = testing::line_job({stage(2, 10 * kMicrosecond, model::Partition::Forward, {0, 1}),
                                stage(2, 50 * kMicrosecond, model::Partition::Rebalance, {0, 1}),
                                stage(1, 0, model::Partition::Forward, {0})},
                               2'000, taskmanagers, 2);
  job.scenario.traffic.arrival = model::Arrival::Uniform;
  model::StateSpec state;
  state.keys = 100'000;
  state.bytes_per_key = 1000;
  job.scenario.operators[1].state = state;
  job.scenario.storage.read_bandwidth = 100e6;
  job.scenario.storage.write_bandwidth = 1e9;
  job.scenario.cluster.pod_start = 10 * kSecond;
  auto& flink = job.scenario.flink;
  flink.set("taskmanager.memory.process.size", "1728m");
  flink.set("execution.checkpointing.interval", "2s");
  flink.set("heartbeat.timeout", "5s");
  flink.set("restart-strategy.type", "fixed-delay");
  flink.set("restart-strategy.fixed-delay.attempts", "10");
  flink.set("restart-strategy.fixed-delay.delay", "1s");
  return job;
}

model::FailureSpec lost(model::FailureKind kind, model::Nanos at, int taskmanager = 1) {
  model::FailureSpec f;
  f.kind = kind;
  f.at = at;
  f.taskmanager = taskmanager;
  return f;
}

// Runs the job, which must conserve records and record `recoveries` failures.
sim::RunResult run_failing(const testing::TestJob& job, model::Nanos horizon, std::size_t recoveries) {
  const auto r = simulate_job(job, horizon);
  INFO(r.conservation_error);
  REQUIRE(r.conserved);
  REQUIRE(r.recovery.size() == recoveries);
  return r;
}

const sim::CheckpointRecord& checkpoint(const sim::RunResult& r, std::int64_t id) {
  REQUIRE(id >= 1);
  REQUIRE(id <= static_cast<std::int64_t>(r.checkpoint_history.size()));
  return r.checkpoint_history[static_cast<std::size_t>(id - 1)];
}

}  // namespace

TEST_CASE("a lost TaskManager: heartbeat timeout, restart delay, a new pod, restore, then catch-up", "[failure]") {
  auto job = job_with_state();
  job.scenario.failures.push_back(lost(model::FailureKind::TaskManager, 9 * kSecond));
  const auto r = run_failing(job, 30 * kSecond, 1);
  const auto& rec = r.recovery[0];
  CHECK_FALSE(rec.job_lost);
  CHECK(rec.at == 9 * kSecond);
  CHECK(rec.detected == 14 * kSecond);  // heartbeat.timeout 5 s
  // One slot per TaskManager (taskmanager.numberOfTaskSlots 1): the survivor cannot take the job,
  // so it waits for the pod (10 s from detection, beyond the 1 s restart delay); then 100 MB at
  // 100 MB/s restored.
  CHECK(rec.restored_bytes == 100'000'000);
  CHECK(rec.downtime == 5 * kSecond + 10 * kSecond + kSecond);
  CHECK(rec.restarted == rec.at + rec.downtime);
  // Rewound to the latest checkpoint completed before the loss: the records read since its trigger.
  REQUIRE(rec.restored_checkpoint >= 3);
  const auto& restored = checkpoint(r, rec.restored_checkpoint);
  CHECK(restored.status == sim::CheckpointStatus::Completed);
  CHECK(restored.trigger_time + restored.end_to_end_duration < rec.at);
  CHECK(static_cast<double>(rec.rewound_records) ==
        Approx(2'000 * static_cast<double>(rec.at - restored.trigger_time) / 1e9).margin(4));
  // Caught up within the run, after the restart.
  CHECK(rec.caught_up > rec.restarted);
  CHECK(rec.total == rec.caught_up - rec.at);
  CHECK(rec.catch_up == rec.caught_up - rec.restarted);
  CHECK(r.checkpoints.completed > rec.restored_checkpoint);  // checkpoints resume after the restart
}

TEST_CASE("exactly-once: records read again after the rewind leave the sink once", "[failure][exactly-once]") {
  auto job = job_with_state();
  job.params.hop_latency = 20 * kMillisecond;  // barriers of the two inputs arrive apart: alignment
  job.params.buffer_timeout = 0;  // records behind the local barrier reach the operator at once
  job.scenario.failures.push_back(lost(model::FailureKind::TaskManager, 9 * kSecond));
  SECTION("aligned (EXACTLY_ONCE): out counts every record once; duplicated what an at-least-once sink repeats") {
    const auto r = run_failing(job, 30 * kSecond, 1);
    CHECK(r.records.reread == r.recovery[0].rewound_records);
    CHECK(r.records.out + r.records.in_flight == r.records.in);
    CHECK(r.records.duplicated > 0);  // what left the sink between its snapshot and the loss
    CHECK(r.records.duplicated + r.records.discarded == r.records.reread);
  }
  SECTION("AT_LEAST_ONCE checkpoints block nothing: records after a barrier reach the snapshot and leave twice") {
    job.scenario.flink.set("execution.checkpointing.mode", "AT_LEAST_ONCE");
    const auto r = run_failing(job, 30 * kSecond, 1);
    CHECK(r.records.out + r.records.in_flight > r.records.in);
  }
  SECTION("unaligned: the in-flight data persisted with the checkpoint is replayed, and out still counts once") {
    job.scenario.flink.set("execution.checkpointing.unaligned.enabled", "true");
    const auto r = run_failing(job, 30 * kSecond, 1);
    CHECK(r.records.out + r.records.in_flight == r.records.in);
  }
}

TEST_CASE("unaligned under backpressure: the overtaken buffers are replayed after a failure, nothing lost or doubled",
          "[failure][unaligned]") {
  // A source at 20k/s into a 100 µs operator (10k/s) on another TaskManager: every buffer full.
  auto job = testing::line_job({stage(1, 0, model::Partition::Forward, {0}),
                                stage(1, 100 * kMicrosecond, model::Partition::Forward, {1}),
                                stage(1, 0, model::Partition::Forward, {1})},
                               20'000, 2, 4);
  job.scenario.flink.set("execution.checkpointing.interval", "1s");
  job.scenario.flink.set("execution.checkpointing.unaligned.enabled", "true");
  job.scenario.flink.set("heartbeat.timeout", "2s");
  job.scenario.cluster.pod_start = 0;
  job.scenario.failures.push_back(lost(model::FailureKind::TaskManager, 4500 * kMillisecond));
  const auto r = run_failing(job, 10 * kSecond, 1);
  REQUIRE(r.recovery[0].restored_checkpoint > 0);
  CHECK(checkpoint(r, r.recovery[0].restored_checkpoint).persisted_data > 0);
  CHECK(r.records.reread > r.recovery[0].rewound_records);  // the replayed channel state
  CHECK(r.records.out + r.records.in_flight == r.records.in);
}

TEST_CASE("a failure before any checkpoint completed restarts from the start of the run", "[failure]") {
  auto job = job_with_state();
  job.scenario.flink.set("execution.checkpointing.interval", "1min");
  job.scenario.failures.push_back(lost(model::FailureKind::TaskManager, 3 * kSecond));
  const auto r = run_failing(job, 30 * kSecond, 1);
  const auto& rec = r.recovery[0];
  CHECK(rec.restored_checkpoint == 0);
  CHECK(rec.restored_bytes == 0);  // nothing to restore: the job starts empty
  CHECK(rec.downtime == 5 * kSecond + 10 * kSecond);
  CHECK(rec.rewound_records == Approx(6'000).margin(4));  // everything read in 3 s at 2k/s
  CHECK(r.records.out + r.records.in_flight == r.records.in);
}

TEST_CASE("JobManager loss: without HA the job is lost, with HA it recovers from the last checkpoint", "[failure][jobmanager]") {
  auto job = job_with_state();
  job.scenario.failures.push_back(lost(model::FailureKind::JobManager, 9 * kSecond));
  SECTION("high-availability.type = none (Flink's default): nothing restarts it") {
    const auto r = run_failing(job, 20 * kSecond, 1);
    CHECK(r.job_lost);
    CHECK(r.recovery[0].job_lost);
    CHECK(r.recovery[0].reason.find("high-availability") != std::string::npos);
    CHECK(r.recovery[0].restarted == -1);
    CHECK(r.recovery[0].total == -1);
    // From the loss on the backlog only grows: 2k/s × 11 s still in Kafka at the end.
    CHECK(static_cast<double>(r.vertices[0].pending_records) == Approx(22'000).margin(20));
    CHECK(r.records.duplicated == 0);
  }
  SECTION("with Kubernetes HA: a new leader after the lease and the pod, restore, no restart delay") {
    job.scenario.flink.set("high-availability.type", "kubernetes");
    const auto r = run_failing(job, 40 * kSecond, 1);
    CHECK_FALSE(r.job_lost);
    const auto& rec = r.recovery[0];
    CHECK_FALSE(rec.job_lost);
    CHECK(rec.detected == rec.at + 15 * kSecond);  // lease-duration
    CHECK(rec.downtime == 15 * kSecond + 0 + kSecond);  // pod (10 s) within the lease; 100 MB restored
    CHECK(rec.restored_checkpoint > 0);
    CHECK(rec.caught_up > rec.restarted);
    CHECK(r.records.out + r.records.in_flight == r.records.in);
  }
}

TEST_CASE("the restart strategy decides: fixed-delay out of attempts loses the job at the next failure", "[failure]") {
  auto job = job_with_state();
  job.scenario.flink.set("restart-strategy.fixed-delay.attempts", "1");
  job.scenario.failures.push_back(lost(model::FailureKind::TaskManager, 5 * kSecond));
  job.scenario.failures.push_back(lost(model::FailureKind::TaskManager, 30 * kSecond));
  const auto r = run_failing(job, 40 * kSecond, 2);
  CHECK_FALSE(r.recovery[0].job_lost);
  CHECK(r.recovery[1].job_lost);
  CHECK(r.job_lost);
}

TEST_CASE("lost again while restarting: the first restart never happens, the second one does", "[failure]") {
  auto job = job_with_state();
  job.scenario.failures.push_back(lost(model::FailureKind::TaskManager, 5 * kSecond));
  job.scenario.failures.push_back(lost(model::FailureKind::TaskManager, 8 * kSecond, 0));
  const auto r = run_failing(job, 40 * kSecond, 2);
  CHECK(r.recovery[0].restarted == -1);
  CHECK(r.recovery[1].restarted == 8 * kSecond + r.recovery[1].downtime);
  CHECK(r.recovery[1].rewound_records == 0);  // already rewound: nothing was read while down
  CHECK(r.recovery[1].caught_up > r.recovery[1].restarted);
  CHECK(r.records.out + r.records.in_flight == r.records.in);
}

// Flink fails only the tasks deployed on a lost TaskManager; one that ran none (TaskManager 2 of
// three here) took only free slots with it: no downtime, no rewind, nothing read again; and a
// real loss around it plays out as without it. Both granularities.
TEST_CASE("a lost TaskManager that ran no task: the job keeps running", "[failure][fluid]") {
  auto job = job_with_state(3);
  job.scenario.failures.push_back(lost(model::FailureKind::TaskManager, 9 * kSecond, 2));
  const auto quiet = job_with_state(3);
  sim::RunOptions options;
  options.horizon = 30 * kSecond;
  const sim::RunResult buffer = run_failing(job, options.horizon, 1);
  const sim::RunResult fluid = sim::simulate_fluid(job.scenario, job.graph, job.placement, job.params, options);
  for (const sim::RunResult* r : {&buffer, &fluid}) {
    REQUIRE(r->recovery.size() == 1);
    const auto& rec = r->recovery[0];
    CHECK(rec.ran_no_task);
    CHECK_FALSE(rec.job_lost);
    CHECK(rec.at == 9 * kSecond);
    CHECK(rec.downtime == 0);
    CHECK(rec.total == 0);
    CHECK(rec.rewound_records == 0);
    CHECK(rec.reason.find("TaskManager 2 ran no task") != std::string::npos);
    CHECK(r->records.reread == 0);
    CHECK(r->records.discarded == 0);
  }
  // The buffer-level run is the failure-free run, record for record.
  const auto without = simulate_job(quiet, options.horizon);
  CHECK(buffer.records.out == without.records.out);
  CHECK(buffer.checkpoints.completed == without.checkpoints.completed);

  // Around a real loss (TaskManager 1 at 5 s, still down at 9 s): recorded in time order, and the
  // real one restarts and catches up as it does alone.
  job.scenario.failures.insert(job.scenario.failures.begin(), lost(model::FailureKind::TaskManager, 5 * kSecond, 1));
  auto alone = job_with_state(3);
  alone.scenario.failures.push_back(lost(model::FailureKind::TaskManager, 5 * kSecond, 1));
  const auto both = run_failing(job, options.horizon, 2);
  const auto one = run_failing(alone, options.horizon, 1);
  CHECK_FALSE(both.recovery[0].ran_no_task);
  CHECK(both.recovery[1].ran_no_task);
  CHECK(both.recovery[0].restarted == one.recovery[0].restarted);
  CHECK(both.recovery[0].total == one.recovery[0].total);
  CHECK(both.records.out == one.records.out);
}
