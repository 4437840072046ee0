// calibrate/cluster_reader, job_reader and the end of the pipeline (fit, scenario) against the
// hand-written Flink 1.18.1 fixtures, through the replaying fake (fake_flink.h).
#include <catch2/catch.hpp>

#include "calibrate/sampling.h"
#include "calibrate/scenario_emit.h"
#include "fake_flink.h"
#include "model/scenario_reader.h"

using namespace flinksim;
using namespace flinksim::calibrate;
using flinksim::testing::FakeFlink;
using flinksim::testing::fixture_dir;

TEST_CASE("staging-idle: one TaskManager, 16 slots, 1728m, no job") {
  FakeFlink flink(fixture_dir("staging-idle"));
  const Sample sample = read_sample(flink, std::nullopt, /*require_job=*/false);
  CHECK(sample.cluster.flink_version == "1.18.1");
  REQUIRE(sample.cluster.taskmanagers.size() == 1);
  const auto& tm = sample.cluster.taskmanagers[0];
  CHECK(tm.slots == 16);
  CHECK(sample.cluster.slots_total == 16);
  CHECK(tm.cpu_cores == 8);
  CHECK(tm.memory.at("totalProcessMemory") == 1'811'939'328);  // 1728m
  CHECK(tm.memory.at("taskHeap") == 402'653'174);
  CHECK(sample.cluster.config_value("taskmanager.numberOfTaskSlots") == std::optional<std::string>("16"));
  CHECK(sample.job.jid.empty());
  CHECK_THROWS_AS(read_sample(flink, std::nullopt, /*require_job=*/true), RemoteError);
}

TEST_CASE("running-etl: two vertices p=8 and p=16, a HASH edge, four TaskManagers, placement") {
  FakeFlink flink(fixture_dir("running-etl"));
  const Sample sample = read_sample(flink, std::nullopt);
  CHECK(sample.cluster.taskmanagers.size() == 4);
  const JobInfo& job = sample.job;
  CHECK(job.jid == "3f6a2e8c9d1b4a7e8f0c5b2d1e9a4c6f");
  REQUIRE(job.vertices.size() == 2);
  const auto& v1 = job.vertices[0];  // topological although the plan lists V2 first
  const auto& v2 = job.vertices[1];
  CHECK(v1.parallelism == 8);
  CHECK(v2.parallelism == 16);
  CHECK(v2.max_parallelism == 128);
  CHECK(v1.operators == std::vector<std::string>{"Source: orders-kafka", "enrich"});
  CHECK(v2.operators.size() == 3);
  CHECK(v1.is_source);
  CHECK_FALSE(v1.is_sink);
  CHECK(v2.is_sink);
  REQUIRE(v2.inputs.size() == 1);
  CHECK(v2.inputs[0].ship_strategy == "HASH");
  CHECK(v2.inputs[0].from_vertex == v1.id);
  CHECK(v1.subtasks[0].taskmanager_id == "10.0.3.11:34551-8f2a1c");
  CHECK(v2.subtasks[15].taskmanager_id == "10.0.3.14:35263-71ae2d");
  CHECK(v2.subtasks[4].metric("numRecordsInPerSecond").value_or(-1) == Approx(2910));
  CHECK(v1.subtasks[0].metric("Source__orders-kafka.numRecordsInPerSecond").value_or(-1) == Approx(4820));
  CHECK(v1.aggregated.at("busyTimeMsPerSecond").sum == Approx(3360));
  CHECK(job.checkpoints.interval_ms == 60000);
  CHECK(job.checkpoints.state_size_avg == Approx(1256946957));
  CHECK(sample.cluster.taskmanagers[0].cpu_load().value_or(-1) == Approx(0.4951));
  // "45641938623840": nanoseconds of CPU, as Flink's Long gauge prints them.
  CHECK(sample.cluster.taskmanagers[0].cpu_time_ns().value_or(-1) == 45'641'938'623'840.0);
  CHECK_FALSE(sample.cluster.taskmanagers[1].cpu_load().has_value());  // no fixture: a warning
  CHECK_FALSE(sample.cluster.taskmanagers[1].cpu_time_ns().has_value());
  CHECK_FALSE(sample.cluster.warnings.empty());
  CHECK(job.now_ms == std::optional<std::int64_t>(1'718'612'345'678));  // `now` of GET /jobs/:jid
  CHECK(sample.time_ms == job.now_ms);                                  // the sample's clock
}

TEST_CASE("a snapshot saved before Status.JVM.CPU.Time was asked for is still read whole") {
  // scenarios/snapshots/running-etl recorded /taskmanagers/:id/metrics?get= without CPU.Time.
  SnapshotRestSource snapshot(flinksim::testing::source_dir() + "/scenarios/snapshots/running-etl");
  const Sample sample = read_sample(snapshot, std::nullopt);
  REQUIRE(sample.cluster.taskmanagers.size() == 4);
  // Every answer found (those of TaskManagers 2 and 4 were recorded empty), under the old query.
  for (const auto& w : sample.cluster.warnings)
    CHECK(w.find("no metrics for TaskManager") == std::string::npos);
  CHECK(sample.cluster.taskmanagers[0].cpu_load().value_or(-1) == Approx(0.4951));
  CHECK(sample.cluster.taskmanagers[2].cpu_load().value_or(-1) == Approx(0.3037));
  CHECK(sample.time_ms == std::optional<std::int64_t>(1'718'612'345'678));
  // One sample: no rate of CPU time, so Load decides, as it did when the snapshot was taken.
  const auto result = fit({sample});
  REQUIRE(result.taskmanagers.size() == 4);
  CHECK(result.taskmanagers[0].evidence == SaturationEvidence::Load);
  CHECK(result.taskmanagers[1].evidence == SaturationEvidence::None);
  for (const auto& tm : result.taskmanagers) CHECK_FALSE(tm.saturated);
}

TEST_CASE("running-etl: fitted costs match the fixture's consistency notes") {
  FakeFlink flink(fixture_dir("running-etl"));
  const auto result = fit({read_sample(flink, std::nullopt)});
  const auto& v1 = result.vertices[0];
  const auto& v2 = result.vertices[1];
  CHECK(v1.input_rate == Approx(40000));
  CHECK(v1.tpr == Approx(95238).epsilon(0.001));          // 40,000 / 0.420
  CHECK(v1.tpr_busiest == Approx(87912).epsilon(0.001));  // 40,000 / 0.455
  CHECK(v2.cost_ns == Approx(244e3).epsilon(0.01));       // 0.244 ms per record
  CHECK(v2.tpr_busiest == Approx(56338).epsilon(0.001));  // 40,000 / 0.710
  CHECK(v2.lsq_slope_ns == Approx(244e3).epsilon(0.02));
  CHECK(v2.rate_spread == Approx(2910.0 / 2500.0));       // the hot key on subtask 4
  REQUIRE(v2.key_skew.has_value());
  CHECK(*v2.key_skew > 0);
  CHECK_FALSE(v1.key_skew.has_value());                   // no keyed input
  CHECK(v1.record_size.value_or(-1) == Approx(400));
  CHECK(v1.contention_factor == 1.0);                     // nothing saturated (loads ≤ 0.5)
  CHECK(v2.operators[0].selectivity.value_or(-1) == Approx(1200.0 / 40000.0));
}

TEST_CASE("running-etl: the calibrated scenario is valid and carries the fit") {
  FakeFlink flink(fixture_dir("running-etl"));
  const Sample sample = read_sample(flink, std::nullopt);
  const auto result = fit({sample});
  const auto calibrated = build_scenario(sample, result, FitOptions{}, "fake", 1);
  const std::string text = scenario_text(calibrated);
  const model::Scenario s = model::read_scenario_text(text, "calibrated.toml");
  REQUIRE(s.operators.size() == 5);
  CHECK(s.cluster.taskmanagers == 4);
  CHECK(s.operators[0].kind == model::OperatorKind::Source);
  CHECK(s.operators[0].cpu_per_record == std::llround(result.vertices[0].cost_ns));
  CHECK(s.operators[1].cpu_per_record == 0);  // chained: cost on the head
  CHECK(s.operators[2].inputs.at(0).partition == model::Partition::Hash);
  CHECK(s.operators[2].key_skew > 0);
  CHECK(s.operators[4].kind == model::OperatorKind::Sink);
  CHECK(s.traffic.peak == Approx(40000));
  CHECK(text.find("Σ busyTimeMsPerSecond") != std::string::npos);
  CHECK(text.find("******") == std::string::npos);
}

TEST_CASE("the calibrated scenario runs on the cores the fit counted: a fractional CPU limit") {
  // kubernetes.taskmanager.cpu = 2.5: the JVM sees 3 processors, totalResource.cpuCores is 2.5.
  FakeFlink flink(fixture_dir("running-etl"));
  Sample sample = read_sample(flink, std::nullopt);
  for (auto& tm : sample.cluster.taskmanagers) {
    tm.cpu_cores = 3;
    tm.resource_cpu_cores = 2.5;
  }
  const auto result = fit({sample});
  CHECK(result.taskmanagers[0].cores == 2.5);
  CHECK(build_scenario(sample, result, FitOptions{}, "fake", 1).scenario.cluster.cpu_per_taskmanager == 2.5);
}

TEST_CASE("a correction Load kept from firing is a warning in the calibrated scenario's header") {
  // 2-core TaskManagers whose threads want 4.13 and 2.43 cores, Load 0.4951 and 0.3037: on a
  // shared node that says nothing, and one sample has no rate of CPU time.
  FakeFlink flink(fixture_dir("running-etl"));
  Sample sample = read_sample(flink, std::nullopt);
  for (auto& tm : sample.cluster.taskmanagers) tm.cpu_cores = tm.resource_cpu_cores = 2;
  const auto result = fit({sample});
  REQUIRE(result.warnings.size() == 2);  // the two TaskManagers that report a Load
  const std::string text = scenario_text(build_scenario(sample, result, FitOptions{}, "fake", 1));
  CHECK(text.find("# warning: TaskManager 10.0.3.11:34551-8f2a1c: its busy threads want 4.13 cores of "
                  "its 2.00, but Status.JVM.CPU.Load 0.495 kept busy time uncorrected") != std::string::npos);
}

TEST_CASE("faults: not Flink, auth refusal and NaN busy time") {
  SECTION("JSON without Flink's fields is NotFlink") {
    FakeFlink flink(fixture_dir("running-etl"));
    flink.faults.emplace("/overview", RemoteError(RemoteFailure::NotFlink, "x"));
    CHECK_THROWS_AS(read_cluster(flink), RemoteError);
  }
  SECTION("an auth refusal on the metrics ends the read") {
    FakeFlink flink(fixture_dir("running-etl"));
    flink.faults.emplace("/jobs/3f6a2e8c9d1b4a7e8f0c5b2d1e9a4c6f/vertices/ea632d67b7d595e5b851708ae9ad79d6/metrics",
                         RemoteError(RemoteFailure::AuthRefused, kAuthHint, 401));
    try {
      read_sample(flink, std::nullopt);
      FAIL("expected a RemoteError");
    } catch (const RemoteError& e) {
      CHECK(e.kind() == RemoteFailure::AuthRefused);
    }
  }
  SECTION("missing per-subtask metrics fall back to aggregates with a warning") {
    FakeFlink flink(fixture_dir("running-etl"));
    flink.faults.emplace("/jobs/3f6a2e8c9d1b4a7e8f0c5b2d1e9a4c6f/vertices/ea632d67b7d595e5b851708ae9ad79d6/metrics",
                         RemoteError(RemoteFailure::HttpStatus, "500", 500));
    const Sample sample = read_sample(flink, std::nullopt);
    CHECK_FALSE(sample.job.warnings.empty());
    const auto result = fit({sample});
    CHECK(result.vertices[1].from_aggregates);
    CHECK(result.vertices[1].cost_ns == Approx(610.06 * 16 / 40000.0 * 1e6).epsilon(0.001));
  }
}
