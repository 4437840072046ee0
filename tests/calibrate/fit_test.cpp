// calibrate/fit: synthetic samples with a known cost per record (100us), a hot subtask, and a
// CPU-saturated TaskManager whose busy time includes waiting for a core.
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
  // tm-a: 2 cores, four threads offered 8,000 rec/s each (0.8 core each, 3.2 wanted): each gets
  // 0.5 core, processes 5,000 rec/s and reads busy 1000 ms/s (runnable all the time).
  // tm-b: 8 cores, four threads at 5,000 rec/s (0.5 core each): no contention, busy 500.
  const auto s = make_sample({{5000, "tm-a"}, {5000, "tm-a"}, {5000, "tm-a"}, {5000, "tm-a"},
                              {5000, "tm-b"}, {5000, "tm-b"}, {5000, "tm-b"}, {5000, "tm-b"}},
                             {{"tm-a", 2}, {"tm-b", 8}}, {{"tm-a", 0.98}, {"tm-b", 0.25}});
  Sample contended = s;
  for (int i = 0; i < 4; ++i) {
    auto& st = contended.job.vertices[0].subtasks[i];
    st.metrics["numRecordsInPerSecond"] = 5000;  // 0.5 core / 100us
    st.metrics["busyTimeMsPerSecond"] = 1000;
  }
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
