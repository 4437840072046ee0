// calibrate/fit: synthetic samples with a known cost per record (100us), a hot subtask, and a
// CPU-saturated TaskManager whose busy time includes waiting for a core, decided by the rate of
// Status.JVM.CPU.Time between samples or, without it, by Status.JVM.CPU.Load.
#include <catch2/catch.hpp>

#include "calibrate/fit.h"

using namespace flinksim::calibrate;

namespace {

constexpr double kCostMs = 0.1;  // 100us per record

// One keyed vertex "agg" (input HASH from "src"), subtasks given as (rate, taskmanager).
Sample make_sample(const std::vector<std::pair<double, std::string>>& subtasks,
                   const std::map<std::string, double>& tm_cores,
                   const std::map<std::string, double>& tm_load) {
  Sample s;
  for (const auto& [id, cores] : tm_cores) {
    TaskManagerInfo tm;
    tm.id = id;
    tm.cpu_cores = cores;
    if (tm_load.count(id)) tm.metrics["Status.JVM.CPU.Load"] = tm_load.at(id);
    s.cluster.taskmanagers.push_back(tm);
  }
  VertexInfo v;
  v.id = "agg";
  v.name = "agg";
  v.operators = {"agg"};
  v.parallelism = static_cast<int>(subtasks.size());
  v.inputs = {{"src", "HASH"}};
  // Demand per TaskManager decides how much each of its threads is slowed.
  std::map<std::string, double> demand;
  for (const auto& [rate, tm] : subtasks) demand[tm] += rate * kCostMs / 1000;
  for (std::size_t i = 0; i < subtasks.size(); ++i) {
    const auto& [rate, tm] = subtasks[i];
    SubtaskInfo st;
    st.index = static_cast<int>(i);
    st.taskmanager_id = tm;
    const double slowdown = std::max(1.0, demand[tm] / tm_cores.at(tm));  // processor sharing
    st.metrics["busyTimeMsPerSecond"] = std::min(1000.0, rate * kCostMs * slowdown);
    st.metrics["numRecordsInPerSecond"] = rate;
    st.metrics["numRecordsOutPerSecond"] = rate / 2;
    st.metrics["numBytesOutPerSecond"] = rate / 2 * 300;
    v.subtasks.push_back(st);
  }
  s.job.vertices.push_back(v);
  return s;
}

// The same sample `count` times, 10 s apart on the JobManager's clock, each TaskManager's
// Status.JVM.CPU.Time growing at `cores_used` of its id.
std::vector<Sample> series_of(Sample s, const std::map<std::string, double>& cores_used, int count = 3) {
  std::vector<Sample> out;
  for (int k = 0; k < count; ++k) {
    s.time_ms = 1'718'612'345'678 + k * 10'000;
    for (auto& tm : s.cluster.taskmanagers)
      tm.metrics["Status.JVM.CPU.Time"] = 45'641'938'623'840.0 + cores_used.at(tm.id) * k * 10e9;
    out.push_back(s);
  }
  return out;
}

// tm-a: 2 cores, four threads offered 8,000 rec/s each (0.8 core each, 3.2 wanted): each gets
// 0.5 core, processes 5,000 rec/s and reads busy 1000 ms/s (runnable all the time).
// tm-b: 8 cores, four threads at 5,000 rec/s (0.5 core each): no contention, busy 500.
// Status.JVM.CPU.Load as given (a share of the host's CPUs).
Sample contended_sample(double load_a, double load_b) {
  auto s = make_sample({{5000, "tm-a"}, {5000, "tm-a"}, {5000, "tm-a"}, {5000, "tm-a"},
                        {5000, "tm-b"}, {5000, "tm-b"}, {5000, "tm-b"}, {5000, "tm-b"}},
                       {{"tm-a", 2}, {"tm-b", 8}}, {{"tm-a", load_a}, {"tm-b", load_b}});
  for (int i = 0; i < 4; ++i) s.job.vertices[0].subtasks[i].metrics["busyTimeMsPerSecond"] = 1000;
  return s;
}

}  // namespace

TEST_CASE("known cost is recovered; least squares over samples finds slope and intercept") {
  std::vector<Sample> samples;
  for (double rate : {1000.0, 2000.0, 4000.0})
    samples.push_back(make_sample({{rate, "tm"}, {rate, "tm"}}, {{"tm", 8}}, {{"tm", 0.2}}));
  // An intercept of 50 ms/s busy regardless of records (timers) on every point.
  for (auto& s : samples)
    for (auto& st : s.job.vertices[0].subtasks) st.metrics["busyTimeMsPerSecond"] += 50;
  const auto result = fit(samples);
  const auto& v = result.vertices[0];
  CHECK(v.lsq_slope_ns == Approx(100e3).epsilon(1e-6));
  CHECK(v.lsq_intercept_ms == Approx(50).epsilon(1e-6));
  CHECK(v.residual_ms == Approx(0).margin(1e-6));
  CHECK(v.points == 6);
  CHECK(v.selectivity.value_or(-1) == Approx(0.5));
  CHECK(v.record_size.value_or(-1) == Approx(300));
  CHECK(v.cost_ns > 100e3);  // the ratio estimator includes the fixed busy time
}

TEST_CASE("a hot subtask shows as key skew, not as a higher cost per record") {
  const auto s = make_sample({{1000, "tm"}, {1000, "tm"}, {1000, "tm"}, {3000, "tm"}},
                             {{"tm", 16}}, {{"tm", 0.1}});
  const auto v = fit({s}).vertices[0];
  CHECK(v.cost_ns == Approx(100e3).epsilon(1e-6));          // Σ busy / Σ records
  CHECK(v.cost_busiest_ns == Approx(4 * 300.0 / 6000 * 1e6));  // MAX view: 200us, conservative
  CHECK(v.rate_spread == Approx(3000.0 / 1500.0));
  REQUIRE(v.key_skew.has_value());
  CHECK(*v.key_skew > 0.3);
  // The Zipf exponent found reproduces the spread through model/key_distribution.
  CHECK(zipf_for_spread(1.0, 1'000'000, 128, 4, 42) == 0.0);
  CHECK(zipf_for_spread(1.5, 1'000'000, 128, 4, 42) < zipf_for_spread(2.0, 1'000'000, 128, 4, 42));
}

TEST_CASE("CPU contention: a saturated TaskManager's busy time is scaled by cores / demand") {
  // One sample (no rate of CPU time): Load decides, right for TaskManagers with hosts of their own.
  const Sample contended = contended_sample(0.98, 0.25);
  const auto result = fit({contended});
  const auto& v = result.vertices[0];
  CHECK(v.cost_uncorrected_ns > 120e3);                   // naive: inflated by waiting for a core
  CHECK(v.cost_ns == Approx(100e3).epsilon(0.05));         // corrected: within 5 %
  REQUIRE(result.taskmanagers.size() == 2);
  CHECK(result.taskmanagers[0].saturated);
  CHECK(result.taskmanagers[0].factor == Approx(0.5));
  CHECK_FALSE(result.taskmanagers[1].saturated);
  // A TaskManager whose CPU load shows spare capacity is not corrected, whatever busy time says
  // (busy time also counts blocking calls).
  Sample idle_load = contended;
  idle_load.cluster.taskmanagers[0].metrics["Status.JVM.CPU.Load"] = 0.3;
  CHECK_FALSE(fit({idle_load}).taskmanagers[0].saturated);
}

TEST_CASE("a TaskManager's cores: a fractional CPU limit, not availableProcessors rounded up") {
  auto tm = [](double hardware, double configured) {
    TaskManagerInfo info;
    info.cpu_cores = hardware;
    info.resource_cpu_cores = configured;
    return usable_cores(info);
  };
  CHECK(tm(3, 2.5) == 2.5);   // kubernetes.taskmanager.cpu = 2.5: the JVM sees 3 processors
  CHECK(tm(1, 0.5) == 0.5);
  CHECK(tm(16, 4) == 16);     // standalone: totalResource.cpuCores is the slot count
  CHECK(tm(2, 2) == 2);
  CHECK(tm(4, 2.5) == 4);     // a limit above the request (limit-factor): 2.5 is not the limit
  CHECK(tm(0, 1.5) == 1.5);   // no hardware figure

  // 2.5 cores, four threads always runnable: each gets 0.625 core, 6,250 records/s at 100us.
  auto s = make_sample({{6250, "tm"}, {6250, "tm"}, {6250, "tm"}, {6250, "tm"}}, {{"tm", 3}}, {{"tm", 1.0}});
  s.cluster.taskmanagers[0].resource_cpu_cores = 2.5;
  for (auto& st : s.job.vertices[0].subtasks) st.metrics["busyTimeMsPerSecond"] = 1000;
  const auto result = fit({s});
  CHECK(result.taskmanagers[0].cores == 2.5);
  CHECK(result.taskmanagers[0].factor == Approx(2.5 / 4));
  CHECK(result.vertices[0].cost_ns == Approx(100e3));  // with 3 cores it would read 120us
}

TEST_CASE("NaN busy time and missing metrics leave the vertex unmeasured, not wrong") {
  auto s = make_sample({{1000, "tm"}, {1000, "tm"}}, {{"tm", 8}}, {});
  for (auto& st : s.job.vertices[0].subtasks) st.metrics["busyTimeMsPerSecond"] = std::nan("");
  const auto v = fit({s}).vertices[0];
  CHECK_FALSE(v.measured);
  CHECK(v.cost_ns == 0);
  CHECK_FALSE(v.notes.empty());
}

TEST_CASE("CPU contention in a pod on a shared node: the rate of Status.JVM.CPU.Time decides, not Load") {
  // tm-a is a 2-core pod on a 16-core node: getProcessCpuLoad() is a share of the node's CPUs, so
  // Load reads 2/16 = 0.125 however saturated the pod is.
  const Sample s = contended_sample(0.125, 0.25);
  using Evidence = SaturationEvidence;

  SECTION("one sample: no rate, Load decides and keeps busy time uncorrected, with a warning") {
    const auto result = fit({s});
    CHECK(result.taskmanagers[0].evidence == Evidence::Load);
    CHECK_FALSE(result.taskmanagers[0].saturated);
    CHECK(result.vertices[0].cost_ns > 120e3);  // waiting for a core counted as cost
    REQUIRE(result.warnings.size() == 1);       // tm-a only: tm-b's threads want fewer than 8 cores
    CHECK(result.warnings[0].find("TaskManager tm-a: its busy threads want 4.00 cores of its 2.00") == 0);
    CHECK(result.warnings[0].find("--samples") != std::string::npos);
  }
  SECTION("samples without a clock (no job `now`, a scrape): no rate either") {
    auto samples = series_of(s, {{"tm-a", 2.0}, {"tm-b", 2.0}});
    for (auto& sample : samples) sample.time_ms.reset();
    CHECK(fit(samples).taskmanagers[0].evidence == Evidence::Load);
  }
  SECTION("2 cores used of 2: saturated, busy time scaled by 2 ÷ 4") {
    const auto result = fit(series_of(s, {{"tm-a", 2.0}, {"tm-b", 2.0}}));
    const auto& a = result.taskmanagers[0];
    CHECK(a.evidence == Evidence::CpuTime);
    CHECK(a.cores_used.value_or(-1) == Approx(2.0));
    CHECK(a.saturated);
    CHECK(a.factor == Approx(0.5));
    CHECK(result.vertices[0].cost_ns == Approx(100e3).epsilon(0.05));
    CHECK_FALSE(result.taskmanagers[1].saturated);  // 2 cores used of 8, threads want 2
    CHECK(result.warnings.empty());
  }
  SECTION("cores used short of the cores but past saturation_share: scaled by what was used") {
    const auto result = fit(series_of(s, {{"tm-a", 1.8}, {"tm-b", 2.0}}));  // 90% of 2 cores
    CHECK(result.taskmanagers[0].saturated);
    CHECK(result.taskmanagers[0].factor == Approx(1.8 / 4));
    // A little over the cores (when the cache refreshed jitters): counted as the cores.
    CHECK(fit(series_of(s, {{"tm-a", 2.1}, {"tm-b", 2.0}})).taskmanagers[0].factor == Approx(0.5));
  }
  SECTION("busy threads but few cores used: blocking calls, not waiting for a core, whatever Load says") {
    const Sample high_load = contended_sample(0.98, 0.25);  // a host of its own, busy with others' work
    const auto result = fit(series_of(high_load, {{"tm-a", 0.6}, {"tm-b", 2.0}}));
    CHECK(result.taskmanagers[0].evidence == Evidence::CpuTime);
    CHECK_FALSE(result.taskmanagers[0].saturated);
    CHECK(result.vertices[0].contention_factor == 1.0);
    CHECK(fit({high_load}).taskmanagers[0].saturated);  // Load alone would have corrected it
  }
}
