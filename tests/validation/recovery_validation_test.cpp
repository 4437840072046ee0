// The engine's recoveries held against their closed forms (flink-facts.md d.5; the analytic
// model/recovery_model.h): catch-up = backlog ÷ (capacity − arrival rate), the backlog being
// everything since the restored checkpoint plus the downtime; larger state → longer restore and
// recovery; exactly-once accounting through failures; JobManager loss with and without HA on the
// bundled scenarios, compared with `flinksim plan`'s figures. Seeds stated per job (42 unless said).
#include <catch2/catch.hpp>

#include "../sim/job_builder.h"
#include "model/layout_assessment.h"
#include "model/scenario_reader.h"
#include "sim/engine.h"
#include "test_paths.h"

using namespace flinksim;
using model::kMicrosecond;
using model::kMillisecond;
using model::kSecond;
using testing::stage;

namespace {

double seconds(model::Nanos ns) { return static_cast<double>(ns) / 1e9; }

sim::RunResult run_scenario(const std::string& name, model::Nanos horizon = 0) {
  const auto scenario = model::read_scenario_file(testing::source_dir() + "/scenarios/" + name + ".toml");
  sim::RunOptions options;
  options.horizon = horizon;
  return sim::simulate(scenario, options);
}

}  // namespace

TEST_CASE("catch-up = backlog ÷ (capacity − arrival rate), backlog = since the restored checkpoint + downtime",
          "[validation][recovery]") {
  for (const double rate : {2'000.0, 5'000.0, 8'000.0}) {
    INFO("arrival rate " << rate);
    const auto r = testing::simulate_job(testing::catch_up_job(rate), 90 * kSecond);
    INFO(r.conservation_error);
    REQUIRE(r.conserved);
    REQUIRE(r.recovery.size() == 1);
    const auto& rec = r.recovery[0];
    CHECK(rec.downtime == 6 * kSecond);
    REQUIRE(rec.restored_checkpoint > 0);
    const auto& restored = r.checkpoint_history[static_cast<std::size_t>(rec.restored_checkpoint - 1)];
    // Everything read since the restored checkpoint's barrier left the source, then the downtime.
    CHECK(static_cast<double>(rec.rewound_records) ==
          Approx(rate * seconds(rec.at - restored.trigger_time)).margin(rate * 0.002));
    const double backlog = static_cast<double>(rec.rewound_records) + rate * seconds(rec.downtime);
    const double closed_form = backlog / (10'000 - rate);
    REQUIRE(rec.catch_up >= 0);
    CHECK(seconds(rec.catch_up) == Approx(closed_form).epsilon(0.05));
    CHECK(rec.total == rec.downtime + rec.catch_up);
    WARN(rate << "/s: backlog " << backlog << " records, catch-up engine " << seconds(rec.catch_up)
              << " s, closed form " << closed_form << " s");
  }
}

TEST_CASE("larger state: longer restore, longer downtime and longer recovery, in that order", "[validation][recovery]") {
  // The catch-up job with 100 MB, 400 MB and 1.6 GB of state on the operator, read back at 200 MB/s.
  std::vector<sim::RecoveryRecord> recs;
  for (const double bytes : {100e6, 400e6, 1.6e9}) {
    auto job = testing::catch_up_job(5'000);
    model::StateSpec state;
    state.bytes_per_key = 1000;
    state.keys = static_cast<std::int64_t>(bytes / 1000);
    job.scenario.operators[1].state = state;
    job.scenario.storage.read_bandwidth = 200e6;
    job.scenario.storage.write_bandwidth = 2e9;
    job.scenario.flink.set("taskmanager.memory.process.size", "8g");
    const auto r = testing::simulate_job(job, 90 * kSecond);
    INFO(r.conservation_error);
    REQUIRE(r.conserved);
    REQUIRE(r.recovery.size() == 1);
    recs.push_back(r.recovery[0]);
    CHECK(static_cast<double>(r.recovery[0].restored_bytes) == Approx(bytes));
    CHECK(r.recovery[0].downtime == 6 * kSecond + static_cast<model::Nanos>(bytes / 200e6 * 1e9));
  }
  for (std::size_t i = 1; i < recs.size(); ++i) {
    CHECK(recs[i].restored_bytes > recs[i - 1].restored_bytes);
    CHECK(recs[i].downtime > recs[i - 1].downtime);
    CHECK(recs[i].catch_up > recs[i - 1].catch_up);  // a longer outage leaves more to catch up
    CHECK(recs[i].total > recs[i - 1].total);
  }
}

TEST_CASE("exactly-once through failures: out counts each record once, duplicated what an at-least-once sink repeats",
          "[validation][recovery][exactly-once]") {
  // Four sources → keyBy → 8 operators → rebalance → 2 sinks on 2 TaskManagers, 20k/s Poisson
  // (seed 42), checkpoints every 3 s, a TaskManager lost at 10 s and again at 40 s.
  auto job = testing::line_job({stage(4, 5 * kMicrosecond, model::Partition::Forward, {0, 0, 1, 1}),
                                stage(8, 60 * kMicrosecond, model::Partition::Hash, {0, 0, 0, 0, 1, 1, 1, 1}),
                                stage(2, 5 * kMicrosecond, model::Partition::Rebalance, {0, 1})},
                               20'000, 2, 4);
  job.graph.vertices[1].max_parallelism = 128;
  auto& flink = job.scenario.flink;
  flink.set("execution.checkpointing.interval", "3s");
  flink.set("heartbeat.timeout", "2s");
  flink.set("restart-strategy.type", "fixed-delay");
  flink.set("restart-strategy.fixed-delay.attempts", "5");
  job.scenario.cluster.pod_start = 3 * kSecond;
  for (const model::Nanos at : {10 * kSecond, 40 * kSecond}) {
    model::FailureSpec failure;
    failure.at = at;
    failure.taskmanager = 1;
    job.scenario.failures.push_back(failure);
  }
  for (const char* mode : {"aligned", "unaligned"}) {
    INFO(mode);
    job.scenario.flink.set("execution.checkpointing.unaligned.enabled", mode == std::string("unaligned") ? "true" : "false");
    const auto r = testing::simulate_job(job, 70 * kSecond);
    INFO(r.conservation_error);
    REQUIRE(r.conserved);
    REQUIRE(r.recovery.size() == 2);
    CHECK(r.records.reread > 0);
    CHECK(r.records.duplicated > 0);
    CHECK(r.records.out + r.records.in_flight == r.records.in);
    CHECK(r.records.duplicated + r.records.discarded == r.records.reread);
  }
}

TEST_CASE("bundled JobManager-loss scenarios: lost without HA, recovered with it, as plan estimates",
          "[validation][recovery][jobmanager]") {
  SECTION("high-availability.type = none: the job is lost, and says so") {
    const auto r = run_scenario("jobmanager-loss-no-ha", 6 * model::kMinute);
    REQUIRE(r.conserved);
    REQUIRE(r.recovery.size() == 1);
    CHECK(r.job_lost);
    CHECK(r.recovery[0].job_lost);
    CHECK(r.recovery[0].reason.find("nothing restarts it") != std::string::npos);
    const auto plan = model::assess_layout(model::read_scenario_file(testing::source_dir() + "/scenarios/jobmanager-loss-no-ha.toml"));
    CHECK(plan.recovery[0].job_lost);
  }
  SECTION("Kubernetes HA: downtime as plan's, catch-up within 5% of its closed form on the engine's backlog") {
    const auto r = run_scenario("jobmanager-loss-ha");
    INFO(r.conservation_error);
    REQUIRE(r.conserved);
    REQUIRE(r.recovery.size() == 1);
    const auto& rec = r.recovery[0];
    const auto plan = model::assess_layout(model::read_scenario_file(testing::source_dir() + "/scenarios/jobmanager-loss-ha.toml"));
    const auto& estimate = plan.recovery[0];
    CHECK(rec.downtime == estimate.downtime);  // the same formulas, the same restored bytes
    REQUIRE(rec.catch_up >= 0);
    const double rate = 20'000;
    const double backlog = static_cast<double>(rec.rewound_records) + rate * seconds(rec.downtime);
    // Caught up is read at 1 s samples: up to a second late.
    CHECK(seconds(rec.catch_up) >= backlog / (plan.steady.max_source_rate - rate));
    CHECK(seconds(rec.catch_up) <= backlog / (plan.steady.max_source_rate - rate) + 1.0);
    CHECK(seconds(rec.total) == Approx(seconds(*estimate.total)).epsilon(0.05));
    CHECK(r.records.out + r.records.in_flight + r.records.dropped == r.records.in + r.records.reread - r.records.duplicated - r.records.discarded);
    WARN("jobmanager-loss-ha: engine total " << seconds(rec.total) << " s (downtime " << seconds(rec.downtime)
                                            << ", catch-up " << seconds(rec.catch_up) << "), plan "
                                            << seconds(*estimate.total) << " s");
  }
}

TEST_CASE("bundled TaskManager-loss scenario: simulated recovery near plan's closed form", "[validation][recovery]") {
  const auto r = run_scenario("taskmanager-loss");
  INFO(r.conservation_error);
  REQUIRE(r.conserved);
  REQUIRE(r.recovery.size() == 1);
  const auto& rec = r.recovery[0];
  const auto plan = model::assess_layout(model::read_scenario_file(testing::source_dir() + "/scenarios/taskmanager-loss.toml"));
  CHECK(rec.downtime == plan.recovery[0].downtime);
  REQUIRE(rec.catch_up >= 0);
  // Catch-up: the closed form on the engine's own backlog, read at 1 s samples.
  const double backlog = static_cast<double>(rec.rewound_records) + 8'000 * seconds(rec.downtime);
  const double closed_form = backlog / (plan.steady.max_source_rate - 8'000);
  CHECK(seconds(rec.catch_up) >= closed_form * 0.95);
  CHECK(seconds(rec.catch_up) <= closed_form + 1.0);
  // The engine rewinds to the checkpoint its random first trigger put before the loss; plan takes
  // checkpoints at multiples of the interval: the rewinds differ by up to one interval.
  CHECK(seconds(rec.total) <= seconds(*plan.recovery[0].total) * 1.1);
  WARN("taskmanager-loss: engine total " << seconds(rec.total) << " s, plan " << seconds(*plan.recovery[0].total) << " s");
}
