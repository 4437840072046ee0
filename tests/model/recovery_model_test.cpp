// recovery_model: the analytic recovery timeline (flink-facts.md d.5): detection, restart delay,
// replacement pod, restore, rewind, catch-up = backlog / (capacity − arrival rate); JobManager
// loss with and without HA.
#include <catch2/catch.hpp>

#include "model/recovery_model.h"
#include "tests/model/recovery_fixture.h"
#include "tests/test_paths.h"

using namespace flinksim::model;
using flinksim::testing::build;
using flinksim::testing::keyed_job;

namespace {
double seconds(Nanos ns) { return static_cast<double>(ns) / kSecond; }

RecoveryInputs tm_loss() {
  RecoveryInputs in;
  in.failure.at = 30 * kMinute + 20 * kSecond;
  in.failure.kind = FailureKind::TaskManager;
  in.restart_delay = kSecond;
  in.pod_start = 45 * kSecond;
  in.checkpoint_interval = kMinute;
  in.checkpoint_duration = 5 * kSecond;
  in.restore_bytes = 4e9;
  in.read_bandwidth = 400e6;
  in.arrival_rate = 10'000;
  in.capacity = 25'000;
  return in;
}
}  // namespace

TEST_CASE("rewind goes back to the trigger of the latest completed checkpoint") {
  CHECK(rewind_at(30 * kSecond, kMinute, 5 * kSecond) == 30 * kSecond);  // none completed yet
  CHECK(rewind_at(64 * kSecond, kMinute, 5 * kSecond) == 64 * kSecond);  // #1 still running
  CHECK(rewind_at(65 * kSecond, kMinute, 5 * kSecond) == 5 * kSecond);   // #1 just completed
  CHECK(rewind_at(150 * kSecond, kMinute, 5 * kSecond) == 30 * kSecond);
  CHECK(rewind_at(150 * kSecond, 0, 0) == 150 * kSecond);  // checkpointing disabled
}

TEST_CASE("TaskManager loss: the timeline and catch-up = backlog / (capacity - arrival), within 5%") {
  const RecoveryInputs in = tm_loss();
  const RecoveryEstimate e = estimate_recovery(in);
  REQUIRE_FALSE(e.job_lost);
  CHECK(e.detection == 50 * kSecond);       // heartbeat.timeout
  CHECK(e.restart_delay == kSecond);
  CHECK(e.pod_wait == 44 * kSecond);        // no spare slots: the pod takes 45 s from detection
  CHECK(seconds(e.restore) == Approx(10.0)); // 4 GB at 400 MB/s
  CHECK(seconds(e.downtime) == Approx(50 + 1 + 44 + 10));
  CHECK(e.rewind == 20 * kSecond);           // checkpoint #30 triggered at 30:00, done at 30:05
  const double backlog = 10'000 * (20.0 + seconds(e.downtime));
  CHECK(e.backlog == Approx(backlog));
  REQUIRE(e.catch_up);
  CHECK(seconds(*e.catch_up) == Approx(backlog / 15'000).epsilon(0.05));
  CHECK(*e.total == e.downtime + *e.catch_up);
}

TEST_CASE("immediate detection and spare slots shorten the downtime") {
  RecoveryInputs in = tm_loss();
  const RecoveryEstimate slow = estimate_recovery(in);
  in.detection = LossDetection::Immediate;
  const RecoveryEstimate noticed = estimate_recovery(in);
  CHECK(noticed.detection == 0);
  CHECK(noticed.downtime == slow.downtime - 50 * kSecond);
  in.spare_slots = true;
  CHECK(estimate_recovery(in).pod_wait == 0);
  CHECK(*estimate_recovery(in).total < *noticed.total);
}

TEST_CASE("larger state: longer restore, longer downtime, longer recovery, in that order") {
  RecoveryInputs in = tm_loss();
  std::optional<RecoveryEstimate> previous;
  for (double bytes : {1e9, 4e9, 16e9, 64e9}) {
    in.restore_bytes = bytes;
    const RecoveryEstimate e = estimate_recovery(in);
    if (previous) {
      CHECK(e.restore > previous->restore);
      CHECK(e.downtime > previous->downtime);
      CHECK(*e.catch_up > *previous->catch_up);
      CHECK(*e.total > *previous->total);
    }
    previous = e;
  }
}

TEST_CASE("catch-up grows as the arrival rate nears capacity and never ends beyond it") {
  RecoveryInputs in = tm_loss();
  Nanos previous = 0;
  for (double rate : {5'000.0, 10'000.0, 20'000.0, 24'000.0}) {
    in.arrival_rate = rate;
    const RecoveryEstimate e = estimate_recovery(in);
    CHECK(*e.catch_up > previous);
    previous = *e.catch_up;
  }
  in.arrival_rate = 30'000;
  const RecoveryEstimate never = estimate_recovery(in);
  CHECK_FALSE(never.catch_up);
  CHECK_FALSE(never.total);
}

TEST_CASE("a restart strategy that refuses loses the job") {
  RecoveryInputs in = tm_loss();
  in.restart_delay.reset();
  const RecoveryEstimate e = estimate_recovery(in);
  CHECK(e.job_lost);
  CHECK_FALSE(e.total);
}

TEST_CASE("JobManager loss: without HA the job is lost, with HA it recovers from the checkpoint") {
  RecoveryInputs in = tm_loss();
  in.failure.kind = FailureKind::JobManager;
  const RecoveryEstimate lost = estimate_recovery(in);
  CHECK(lost.job_lost);
  CHECK(lost.reason.find("high-availability.type = none") != std::string::npos);
  CHECK_FALSE(lost.total);
  in.high_availability = true;
  const RecoveryEstimate ha = estimate_recovery(in);
  REQUIRE_FALSE(ha.job_lost);
  CHECK(ha.restart_delay == 0);  // job recovery, not a restart-strategy failover
  CHECK(ha.detection + ha.pod_wait == 45 * kSecond);  // max(lease 15 s, pod 45 s)
  CHECK(ha.rewind == 20 * kSecond);
  REQUIRE(ha.total);
}

TEST_CASE("scenario failures: restart delays in order, restore of the state at the failure") {
  const std::string flink = "\"execution.checkpointing.interval\" = \"1min\"\n"
                            "\"state.backend.type\" = \"rocksdb\"\n";
  const std::string failures =
      "[[failure]]\nat = \"20min\"\nkind = \"taskmanager\"\ntaskmanager = 1\n"
      "[[failure]]\nat = \"10min\"\nkind = \"taskmanager\"\n"
      "[[failure]]\nat = \"30min\"\nkind = \"jobmanager\"\n";
  const auto small = build(keyed_job(flink, "{ keys = 1_000_000, bytes_per_key = \"1kb\" }", failures));
  const auto big = build(keyed_job(flink, "{ keys = 8_000_000, bytes_per_key = \"1kb\" }", failures));
  const auto a = estimate_scenario_failures(small.scenario, small.graph, small.layout, small.steady,
                                            LossDetection::HeartbeatTimeout);
  const auto b = estimate_scenario_failures(big.scenario, big.graph, big.layout, big.steady,
                                            LossDetection::HeartbeatTimeout);
  REQUIRE(a.size() == 3);
  // exponential-delay (checkpointing on, nothing configured): the 10 min failure comes first.
  CHECK(seconds(a[1].restart_delay) == Approx(1.0).epsilon(0.1));
  CHECK(seconds(a[0].restart_delay) == Approx(1.5).epsilon(0.1));
  CHECK(seconds(a[0].restore) == Approx(1.024e9 / 200e6).epsilon(0.01));
  CHECK(b[0].restore > a[0].restore);
  CHECK(*b[0].total > *a[0].total);
  CHECK(a[2].job_lost);  // high-availability.type defaults to NONE
}

TEST_CASE("bundled pair: JobManager loss without HA loses the job, with HA it recovers") {
  auto plan = [](const std::string& name) {
    const std::string path = flinksim::testing::source_dir() + "/scenarios/" + name;
    flinksim::testing::Built b;
    b.scenario = read_scenario_file(path);
    b.graph = build_job_graph(b.scenario);
    b.placement = place_job(b.graph, b.scenario);
    b.memory = derive_taskmanager_memory(b.scenario.flink);
    b.steady = compute_steady_state(b.scenario, b.graph, b.placement);
    b.layout = layout_state(b.scenario, b.graph, b.placement, b.memory);
    return estimate_scenario_failures(b.scenario, b.graph, b.layout, b.steady,
                                      LossDetection::HeartbeatTimeout);
  };
  const auto lost = plan("jobmanager-loss-no-ha.toml");
  const auto kept = plan("jobmanager-loss-ha.toml");
  REQUIRE(lost.size() == 1);
  REQUIRE(kept.size() == 1);
  CHECK(lost[0].job_lost);
  REQUIRE_FALSE(kept[0].job_lost);
  // New leader after max(lease 15 s, pod 45 s), then ~5.12 GB at 400 MB/s.
  CHECK(seconds(kept[0].downtime) == Approx(45.0 + 5.12e9 / 400e6).epsilon(0.01));
  CHECK(*kept[0].total < 5 * kMinute);
}

TEST_CASE("a lost TaskManager that ran no task: no downtime, and the restart strategy is not asked") {
  // Three TaskManagers × 2 slots for a job of parallelism 4: TaskManager 2 holds free slots only.
  std::string toml = keyed_job("\"execution.checkpointing.interval\" = \"1min\"\n",
                               "{ keys = 1_000_000, bytes_per_key = \"1kb\" }",
                               "[[failure]]\nat = \"10min\"\nkind = \"taskmanager\"\ntaskmanager = 2\n"
                               "[[failure]]\nat = \"20min\"\nkind = \"taskmanager\"\ntaskmanager = 1\n");
  toml.replace(toml.find("taskmanagers = 2"), 16, "taskmanagers = 3");
  const auto b = build(toml);
  REQUIRE(b.steady.taskmanagers.size() == 3);
  REQUIRE(b.steady.taskmanagers[2].subtasks == 0);
  const auto e = estimate_scenario_failures(b.scenario, b.graph, b.layout, b.steady, LossDetection::HeartbeatTimeout);
  REQUIRE(e.size() == 2);
  CHECK(e[0].ran_no_task);
  CHECK_FALSE(e[0].job_lost);
  CHECK(e[0].downtime == 0);
  REQUIRE(e[0].total);
  CHECK(*e[0].total == 0);
  CHECK(e[0].reason.find("TaskManager 2 ran no task") != std::string::npos);
  // The real loss is the strategy's first failure: exponential-delay's initial 1 s, not the 1.5 s
  // of a second attempt.
  CHECK_FALSE(e[1].ran_no_task);
  CHECK(seconds(e[1].restart_delay) == Approx(1.0).epsilon(0.1));
  CHECK(e[1].downtime > 0);
}

TEST_CASE("a TaskManager loss that names none loses the worst one: running a task, most state") {
  StateLayout layout;
  layout.taskmanagers = 3;
  for (const auto& [tm, bytes] : std::vector<std::pair<int, double>>{{0, 1e6}, {1, 5e6}, {2, 9e6}}) {
    SubtaskState s;
    s.taskmanager = tm;
    s.initial_bytes = bytes;
    layout.subtasks.push_back(s);
  }
  FailureSpec f;
  f.kind = FailureKind::TaskManager;
  f.at = kMinute;
  CHECK(lost_taskmanager(f, {2, 1, 1}, layout) == 2);  // the most state
  CHECK(lost_taskmanager(f, {2, 1, 0}, layout) == 1);  // TaskManager 2 runs no task: not it
  CHECK(lost_taskmanager(f, {1, 1, 1}, StateLayout{}) == 0);  // stateless: the first
  f.taskmanager = 0;
  CHECK(lost_taskmanager(f, {2, 1, 1}, layout) == 0);  // named: that one
  f.kind = FailureKind::JobManager;
  f.taskmanager = -1;
  CHECK(lost_taskmanager(f, {2, 1, 1}, layout) == -1);
}
