// recommend against an exhaustive search of the same [search] space (every deployable layout
// simulated, CPU and utilization judged by simulation alone, nothing skipped after the first
// feasible): the same layout, found with a fraction of the simulations. ~50 s: validation tier.
#include "sim/recommend.h"

#include <catch2/catch.hpp>

#include "test_paths.h"

using namespace flinksim;

namespace {
std::string scenario(const std::string& name) { return testing::source_dir() + "/scenarios/" + name + ".toml"; }
}  // namespace

TEST_CASE("recommend finds the exhaustive search's cheapest feasible layout, simulating a fraction", "[recommend]") {
  for (const char* name : {"recommend-state-bound", "recommend-checkpoint-bound", "recommend-recovery-bound",
                           "recommend-cpu-bound"}) {
    INFO(name);
    const auto fast = sim::recommend(scenario(name), {});
    sim::RecommendOptions all;
    all.exhaustive = true;
    const auto exhaustive = sim::recommend(scenario(name), all);
    REQUIRE(fast.found);
    REQUIRE(exhaustive.found);
    CHECK(fast.layout.taskmanagers == exhaustive.layout.taskmanagers);
    CHECK(fast.layout.slots_per_taskmanager == exhaustive.layout.slots_per_taskmanager);
    CHECK(fast.layout.cpu_per_taskmanager == exhaustive.layout.cpu_per_taskmanager);
    CHECK(fast.layout.memory_per_taskmanager == exhaustive.layout.memory_per_taskmanager);
    CHECK(fast.layout.parallelism == exhaustive.layout.parallelism);
    CHECK(fast.evaluated < exhaustive.evaluated);
    WARN(name << ": recommend simulated " << fast.evaluated << ", exhaustive " << exhaustive.evaluated << " of "
              << fast.considered << " layouts");
    CHECK(fast.evaluated * 10 <= fast.considered);  // at most a tenth of the space simulated
  }
}
