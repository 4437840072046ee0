// The fluid level checked against buffer level over the peak (sim/fluid_check.h): where it runs,
// that it agrees where the levels do and says where they do not, and when it is skipped.
#include "sim/fluid_check.h"

#include <catch2/catch.hpp>

#include "model/scenario_reader.h"
#include "test_paths.h"

using namespace flinksim;
using model::kHour;
using model::kSecond;

namespace {
model::Scenario bundled(const std::string& name, std::vector<std::string> sets = {}) {
  model::ScenarioOverrides overrides;
  overrides.sets = std::move(sets);
  return model::read_scenario_file(testing::source_dir() + "/scenarios/" + name + ".toml",
                                   overrides);
}
}  // namespace

TEST_CASE("the check runs over the peak of a diurnal day, and agrees where the levels do",
          "[fluid][check]") {
  // 800/s at 14h, 150/s at the trough: the busiest two minutes, about 0.3M events.
  const auto sc = bundled("enrichment-lookup-join");
  const auto check = sim::check_fluid(sc, 0);
  REQUIRE(check.ran);
  CHECK(check.start > 13 * kHour);
  CHECK(check.start < 14 * kHour);
  CHECK(check.warmup == 20 * kSecond);
  CHECK(check.warmup + check.window == sim::kCheckLength);
  CHECK(check.events > 100'000);
  // The peak's rate at both levels (the fluid level read the trough here before it honoured a
  // run's start: 184/s).
  CHECK(check.throughput.buffer == Approx(800).epsilon(0.02));
  CHECK(check.throughput.fluid == Approx(check.throughput.buffer).epsilon(0.02));
  CHECK_FALSE(check.apart());
  REQUIRE(check.vertices.size() == 2);
  CHECK(check.vertices[1].name == "lookup-join -> sink");
  CHECK(check.taskmanagers.size() == static_cast<std::size_t>(sc.cluster.taskmanagers));
  // Within a run cut short by a horizon, the peak is looked for within it.
  CHECK(sim::check_fluid(sc, 2 * kHour).start < 2 * kHour);
}

TEST_CASE("the check says where the levels are apart: two network edges in a row",
          "[fluid][check]") {
  // sim/README.md "Two network edges in a row": three stages on one TaskManager of 2 cores read
  // 17-50% too idle at fluid level.
  const auto sc =
      bundled("shared-cores-record-sizes",
              {"operator.sink.parallelism=6", "operator.kafka-source.parallelism=3",
               "operator.kafka-source.cpu_per_record=20us", "operator.enrich.cpu_per_record=20us",
               "operator.sink.cpu_per_record=30us", "cluster.cpu_per_taskmanager=2.0",
               "traffic.peak=15535/s"});
  const auto check = sim::check_fluid(sc, 0);
  REQUIRE(check.ran);
  CHECK(check.start == 0);  // constant traffic: any window is the peak
  CHECK(check.apart());
  REQUIRE(check.vertices.size() == 3);
  const auto& sink = check.vertices[2];
  CHECK(sink.busy.apart);
  CHECK(sink.busy.buffer > 1.2 * sink.busy.fluid);
  CHECK_FALSE(check.throughput.apart);  // throughput and CPU agree; busy time does not
  CHECK_FALSE(check.taskmanagers[0].apart);
}

TEST_CASE("the check is skipped with a reason at check_budget 0 or where it buys too little",
          "[fluid][check]") {
  auto sc = bundled("enrichment-lookup-join");
  sc.simulation.check_budget = 0;
  auto check = sim::check_fluid(sc, 0);
  CHECK_FALSE(check.ran);
  CHECK(check.skipped == "check_budget = 0");
  sc.simulation.check_budget = 10'000;  // about 4 s of the peak
  check = sim::check_fluid(sc, 0);
  CHECK_FALSE(check.ran);
  CHECK_THAT(check.skipped, Catch::Contains("under 5s"));
  CHECK(check.vertices.empty());
  sc.simulation.check_budget = 100'000;  // a shorter window of the peak, within the budget
  check = sim::check_fluid(sc, 0);
  REQUIRE(check.ran);
  CHECK(check.warmup + check.window < sim::kCheckLength);
  CHECK(check.window >= sim::kCheckMinimum);
  CHECK(check.events < 150'000);  // the estimate is rough (0.7-1.4x), not a bound
  sc.simulation.check_budget = 25'000'000;  // a run too short to check, whatever the budget
  check = sim::check_fluid(sc, 5 * kSecond);
  CHECK_FALSE(check.ran);
  CHECK_THAT(check.skipped, Catch::StartsWith("the run is too short to check"));
}

TEST_CASE("the check's figures are apart past the agreement sweep's bounds", "[fluid][check]") {
  // Busy and back-pressured time: over 20 ms/s, or over 5% where buffer level reads over 50 ms/s.
  CHECK_FALSE(sim::compare_ms_per_s(40, 59).apart);
  CHECK(sim::compare_ms_per_s(40, 61).apart);
  CHECK_FALSE(sim::compare_ms_per_s(45, 47.5).apart);  // 5.6%, but under 50 ms/s
  CHECK_FALSE(sim::compare_ms_per_s(100, 104).apart);
  CHECK(sim::compare_ms_per_s(100, 94).apart);
  CHECK(sim::compare_ms_per_s(800, 779).apart);  // 20 ms/s is the bound however busy
  CHECK(sim::compare_within(1000, 979, 20).apart);
  CHECK_FALSE(sim::compare_within(1000, 1020, 20).apart);
  sim::FluidCheck check;
  check.vertices.push_back({"a", sim::compare_ms_per_s(40, 59), {}});
  check.taskmanagers.push_back(sim::compare_within(0.5, 0.51, sim::kCheckCpu));
  CHECK_FALSE(check.apart());
  check.taskmanagers.push_back(sim::compare_within(0.5, 0.53, sim::kCheckCpu));
  CHECK(check.apart());
}
