// [simulation] granularity: buffer and fluid as asked; auto by the event budget.
#include <catch2/catch.hpp>

#include "model/scenario_reader.h"
#include "sim/fluid_auto.h"
#include "test_paths.h"

using namespace flinksim;

TEST_CASE("auto picks buffer level within the event budget, fluid beyond it", "[fluid][auto]") {
  auto sc = model::read_scenario_file(testing::source_dir() + "/scenarios/enrichment-lookup-join.toml");
  REQUIRE(sc.simulation.granularity == model::Granularity::Auto);
  // A day of diurnal traffic: ~41M records × 3 operators × 2 events ≫ 20M.
  CHECK(sim::choose_granularity(sc, 0) == model::Granularity::Fluid);
  CHECK(sim::choose_granularity(sc, 60 * model::kSecond) == model::Granularity::Buffer);
  sc.simulation.granularity = model::Granularity::Buffer;
  CHECK(sim::choose_granularity(sc, 0) == model::Granularity::Buffer);
  sc.simulation.granularity = model::Granularity::Fluid;
  CHECK(sim::choose_granularity(sc, model::kSecond) == model::Granularity::Fluid);
}

TEST_CASE("simulate_auto reports the level used and labels fluid latency an estimate", "[fluid][auto]") {
  const auto sc = model::read_scenario_file(testing::source_dir() + "/scenarios/enrichment-lookup-join.toml");
  const auto fluid = sim::simulate_auto(sc, {});
  CHECK(fluid.granularity == model::Granularity::Fluid);
  CHECK(fluid.latency_estimate);
  CHECK(fluid.result.conserved);
  CHECK(fluid.result.simulated == 24 * model::kHour);
  CHECK(fluid.result.events < 5000);  // 1440 one-minute steps of the diurnal staircase
  sim::RunOptions short_run;
  short_run.horizon = 10 * model::kSecond;
  const auto buffer = sim::simulate_auto(sc, short_run);
  CHECK(buffer.granularity == model::Granularity::Buffer);
  CHECK_FALSE(buffer.latency_estimate);
  CHECK(std::string(sim::to_string(buffer.granularity)) == "buffer");
}
