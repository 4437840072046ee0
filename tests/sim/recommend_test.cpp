// recommend (sim/recommend.h): the autoscaler's alignment, the DS2 sizing, and four scenarios whose
// recommendations are decided by four different objectives. Against an exhaustive search:
// tests/validation/recommend_exhaustive_test.cpp.
#include "sim/recommend.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>

#include "model/scenario_reader.h"
#include "test_paths.h"

using namespace flinksim;

namespace {
std::string scenario(const std::string& name) { return testing::source_dir() + "/scenarios/" + name + ".toml"; }
}  // namespace

TEST_CASE("alignment as Flink's autoscaler aligns a scale-up (EVENLY_SPREAD)", "[recommend]") {
  CHECK(sim::align_parallelism(5, 128) == 8);    // 128 key groups: the next divisor
  CHECK(sim::align_parallelism(8, 128) == 8);
  CHECK(sim::align_parallelism(3, 24) == 3);     // 24 Kafka partitions
  CHECK(sim::align_parallelism(5, 24) == 6);
  CHECK(sim::align_parallelism(13, 24) == 24);
  CHECK(sim::align_parallelism(80, 1280) == 80);
  CHECK(sim::align_parallelism(40, 24) == 24);   // never above the key groups / partitions
}

TEST_CASE("DS2 sizing: p = ceil(demand / (true processing rate per subtask x U)), aligned", "[recommend]") {
  const auto s = model::read_scenario_file(scenario("recommend-cpu-bound"));
  const auto p = sim::sized_parallelism(s, 0.7);
  // clicks: 100k/s × 3us = 0.3 cores → ceil(0.3/0.7) = 1, 24 partitions: 1 divides.
  CHECK(p.at("clicks") == 1);
  // enrich -> sink is one chain (forward, equal parallelism): 100k/s × (35 + 7) us = 4.2 cores
  // → ceil(4.2 / 0.7) = 6; rebalance input, no alignment.
  CHECK(p.at("enrich") == 6);
  CHECK(p.at("sink") == 6);
  const auto keyed = model::read_scenario_file(scenario("recommend-recovery-bound"));
  // enrich: 40k/s × 40us = 1.6 cores → ceil(1.6/0.7) = 3, HASH input, 128 key groups → 4.
  CHECK(sim::sized_parallelism(keyed, 0.7).at("enrich") == 4);
}

TEST_CASE("four scenarios, four binding objectives; stricter objectives only add parallelism", "[recommend]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"recommend-cpu-bound", "utilization"},
      {"recommend-state-bound", "state"},
      {"recommend-checkpoint-bound", "checkpointDuration"},
      {"recommend-recovery-bound", "recovery"}};
  for (const auto& [name, binding] : cases) {
    INFO(name);
    const auto rec = sim::recommend(scenario(name), {});
    REQUIRE(rec.found);
    CHECK(rec.binding == binding);
    CHECK(rec.row.feasible);
    const auto base = model::read_scenario_file(scenario(name));
    for (const auto& [op, p] : sim::sized_parallelism(base, base.slo.target_utilization.value_or(0.7)))
      CHECK(rec.layout.parallelism.at(op) >= p);
    REQUIRE_FALSE(rec.alternatives.empty());
    for (const auto& alt : rec.alternatives) CHECK(alt.cost_per_hour <= rec.row.cost_per_hour);
  }
}

TEST_CASE("capacity-only objectives: recommend's parallelism is exactly the DS2 rule", "[recommend]") {
  const std::string file = testing::source_dir() + "/tests/sim/fixtures/capacity-only.toml";
  const auto rec = sim::recommend(file, {});
  REQUIRE(rec.found);
  const auto sized = sim::sized_parallelism(model::read_scenario_file(file), 0.7);
  CHECK(rec.layout.parallelism == sized);
  // 90k/s × (35 + 7) us = 3.78 cores → ceil(3.78 / 0.7) = 6; the source 0.27 cores → 1.
  CHECK(sized.at("enrich") == 6);
  CHECK(sized.at("clicks") == 1);
}
