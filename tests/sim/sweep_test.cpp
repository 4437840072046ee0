// Sweeps (sim/sweep.h): --vary parsing and ranges, the grid's row order, the cost model, the
// analytic screen before simulating, the same rows whatever the number of jobs, and rows already
// done (a resumed sweep) taken as they are.
#include "sim/sweep.h"

#include <algorithm>
#include <stdexcept>

#include <catch2/catch.hpp>

#include "model/diagnostics.h"
#include "model/scenario_reader.h"
#include "test_paths.h"

using namespace flinksim;

namespace {
std::string staging() { return testing::source_dir() + "/scenarios/staging.toml"; }
}  // namespace

TEST_CASE("--vary parses lists, inclusive integer ranges and flink. keys", "[sweep]") {
  const auto a = sim::parse_vary("cluster.taskmanagers=1..3,8");
  CHECK(a.key == "cluster.taskmanagers");
  CHECK_FALSE(a.flink);
  CHECK(a.values == std::vector<std::string>{"1", "2", "3", "8"});
  const auto b = sim::parse_vary("flink.taskmanager.numberOfTaskSlots=2,4");
  CHECK(b.flink);
  CHECK(b.values == std::vector<std::string>{"2", "4"});
  CHECK(sim::parse_vary("traffic.peak=100k/s,1.5M/s").values.size() == 2);
  for (const char* bad : {"cluster.taskmanagers", "=1,2", "cluster.taskmanagers=", "cluster.taskmanagers=3..1",
                          "cluster.taskmanagers=1,,2", "flink.=4", "cluster.taskmanagers=a..b"})
    CHECK_THROWS_AS(sim::parse_vary(bad), model::InputFailure);
}

TEST_CASE("the grid varies the first key slowest", "[sweep]") {
  const auto grid = sim::expand_grid({sim::parse_vary("a=1,2"), sim::parse_vary("b=x,y,z")});
  REQUIRE(grid.size() == 6);
  CHECK(grid[0] == std::vector<std::string>{"1", "x"});
  CHECK(grid[2] == std::vector<std::string>{"1", "z"});
  CHECK(grid[3] == std::vector<std::string>{"2", "x"});
  CHECK(sim::expand_grid({}).size() == 1);  // no --vary: the scenario as written
}

TEST_CASE("cost per hour: cores and process memory of every TaskManager at the [search] prices", "[sweep]") {
  model::ScenarioOverrides o;
  o.sets = {"cluster.taskmanagers=3", "cluster.cpu_per_taskmanager=2", "search.price_per_core_hour=0.05",
            "search.price_per_gib_hour=0.01"};
  o.dynamic_properties = {"taskmanager.memory.process.size=4g"};
  const auto scenario = model::read_scenario_file(staging(), o);
  CHECK(sim::cost_per_hour(scenario) == Approx(3 * (2 * 0.05 + 4 * 0.01)));
}

TEST_CASE("a layout without enough slots is screened out without being simulated", "[sweep]") {
  model::ScenarioOverrides o;
  o.dynamic_properties = {"taskmanager.numberOfTaskSlots=1", "parallelism.default=4"};
  o.sets = {"cluster.taskmanagers=1"};
  const auto row = sim::evaluate_layout(staging(), o, 10 * model::kSecond);
  CHECK_FALSE(row.deploys);
  CHECK_FALSE(row.simulated);
  CHECK_FALSE(row.feasible);
  CHECK(row.why.find("slots") != std::string::npos);
}

TEST_CASE("the same rows for 1 and 4 jobs; a bad key fails before anything runs", "[sweep]") {
  const std::vector<sim::Vary> vary = {sim::parse_vary("cluster.taskmanagers=1..2"),
                                       sim::parse_vary("flink.taskmanager.numberOfTaskSlots=2,4,16")};
  sim::SweepOptions options;
  options.horizon = 10 * model::kSecond;
  options.jobs = 1;
  const auto one = sim::run_sweep({staging()}, vary, options);
  options.jobs = 4;
  const auto four = sim::run_sweep({staging()}, vary, options);
  REQUIRE(one.size() == 6);
  REQUIRE(four.size() == 6);
  for (std::size_t i = 0; i < one.size(); ++i) {
    CHECK(one[i].values == four[i].values);
    CHECK(one[i].taskmanagers == four[i].taskmanagers);
    CHECK(one[i].throughput == four[i].throughput);  // bit for bit
    CHECK(one[i].latency_p99_ms == four[i].latency_p99_ms);
    CHECK(one[i].feasible == four[i].feasible);
  }
  CHECK(one[0].taskmanagers == 1);
  CHECK(one[3].taskmanagers == 2);
  CHECK(one[5].slots_per_taskmanager == 16);
  CHECK(one[5].cost_per_hour > one[2].cost_per_hour);  // two TaskManagers cost more than one
  CHECK_THROWS_AS(sim::run_sweep({staging()}, {sim::parse_vary("cluster.taskmanager=1,2")}, options),
                  model::InputFailure);
}

TEST_CASE("run_points takes the rows already done as they are and evaluates only the others", "[sweep][resume]") {
  const std::vector<sim::Vary> vary = {sim::parse_vary("cluster.taskmanagers=1..4")};
  sim::SweepOptions options;
  options.horizon = 10 * model::kSecond;
  const auto points = sim::sweep_points({staging()}, vary, options);
  REQUIRE(points.size() == 4);
  CHECK(points[2].scenario == staging());
  CHECK(points[2].values == std::vector<std::string>{"3"});
  const auto fresh = sim::run_points(points, vary, options);

  sim::SweepRow journaled = fresh[1];
  journaled.why = "from the journal";  // marks the row, so using it (not recomputing it) shows
  options.done = {{1, journaled}, {3, fresh[3]}};
  for (const int jobs : {1, 3}) {
    options.jobs = jobs;
    std::vector<std::size_t> evaluated;
    std::vector<std::size_t> progress;
    options.completed = [&](std::size_t point, const sim::SweepRow& row) {
      evaluated.push_back(point);
      CHECK(row.values == points[point].values);
    };
    options.progress = [&](std::size_t done, std::size_t total) {
      progress.push_back(done);
      CHECK(total == 4);
    };
    const auto rows = sim::run_points(points, vary, options);
    std::sort(evaluated.begin(), evaluated.end());
    CHECK(evaluated == std::vector<std::size_t>{0, 2});
    CHECK(progress == std::vector<std::size_t>{3, 4});  // counting from the two already done
    REQUIRE(rows.size() == 4);
    CHECK(rows[1].why == "from the journal");
    for (const std::size_t i : {0, 2, 3}) {
      CHECK(rows[i].throughput == fresh[i].throughput);  // bit for bit
      CHECK(rows[i].why == fresh[i].why);
    }
  }
}

TEST_CASE("run_points: a row that cannot be recorded stops the sweep with that error", "[sweep][resume]") {
  const std::vector<sim::Vary> vary = {sim::parse_vary("cluster.taskmanagers=1..4")};
  sim::SweepOptions options;
  options.horizon = 10 * model::kSecond;
  int calls = 0;
  options.completed = [&](std::size_t, const sim::SweepRow&) {
    ++calls;
    throw std::runtime_error("disk full");
  };
  const auto points = sim::sweep_points({staging()}, vary, options);
  CHECK_THROWS_WITH(sim::run_points(points, vary, options), "disk full");
  CHECK(calls == 1);  // no row is recorded after the first failure
}
