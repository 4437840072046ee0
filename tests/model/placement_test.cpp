// place_job against Flink's default scheduler: execution slot sharing groups
// (LocalInputPreferredSlotSharingStrategy), fill-first vs spread-out slots, not enough slots.
#include "model/placement.h"

#include <catch2/catch.hpp>

#include "tests/model/job_graph_builder.h"

using namespace flinksim::model;
using flinksim::testing::ScenarioBuilder;
using flinksim::testing::explicit_group;

namespace {

// source p=8 → keyBy → window p=16: the running-etl shape.
ScenarioBuilder etl(int taskmanagers, int slots) {
  ScenarioBuilder b;
  b.cluster(taskmanagers, slots);
  b.op("src", 8);
  b.op("win", 16, {"src:hash"});
  return b;
}

}  // namespace

TEST_CASE("fill-first: the p=8 subtasks land on the first TaskManagers", "[placement]") {
  ScenarioBuilder b = etl(4, 4);
  const JobGraph g = build_job_graph(b.scenario);
  const Placement p = place_job(g, b.scenario);
  REQUIRE(p.fits);
  CHECK_FALSE(p.spread_out);
  CHECK(p.slots_required == 16);
  CHECK(p.slots.size() == 16);
  // Slot i holds src i (i < 8) and win i; slots fill TaskManager 0 first.
  for (int i = 0; i < 8; ++i) CHECK(p.taskmanager_of[0][i] == i / 4);
  for (int i = 0; i < 16; ++i) CHECK(p.taskmanager_of[1][i] == i / 4);
  CHECK(p.subtasks_on[0].size() == 8);
  CHECK(p.subtasks_on[1].size() == 8);
  CHECK(p.subtasks_on[2].size() == 4);
  CHECK(p.subtasks_on[3].size() == 4);
  CHECK(p.slots[0].subtasks == std::vector<SubtaskId>{{0, 0}, {1, 0}});
  CHECK(p.slots[9].taskmanager == 2);
  CHECK(p.slots[9].slot == 1);
  CHECK(p.slots[9].subtasks == std::vector<SubtaskId>{{1, 9}});
}

TEST_CASE("spread-out: slots from the least used TaskManager", "[placement]") {
  ScenarioBuilder b = etl(4, 4);
  SECTION("cluster.evenly-spread-out-slots") { b.flink("cluster.evenly-spread-out-slots", "true"); }
  SECTION("taskmanager.load-balance.mode = SLOTS") {
    b.flink("taskmanager.load-balance.mode", "SLOTS");
  }
  const JobGraph g = build_job_graph(b.scenario);
  const Placement p = place_job(g, b.scenario);
  REQUIRE(p.fits);
  CHECK(p.spread_out);
  // Group k goes to TaskManager k mod 4, so the sources spread two per TaskManager.
  for (int i = 0; i < 8; ++i) CHECK(p.taskmanager_of[0][i] == i % 4);
  for (int i = 0; i < 16; ++i) CHECK(p.taskmanager_of[1][i] == i % 4);
  for (int t = 0; t < 4; ++t) CHECK(p.subtasks_on[t].size() == 6);
}

TEST_CASE("rescale: a subtask joins its producer's slot, the rest open new slots",
          "[placement]") {
  // Flink's LocalInputPreferredSlotSharingStrategy: b's subtask j reads a's subtask j/2; the
  // even ones join a's groups 0..3, the odd ones find those taken by b and open groups 4..7.
  ScenarioBuilder b;
  b.cluster(4, 2);
  b.op("a", 4);
  b.op("b", 8, {"a:rescale"});
  const JobGraph g = build_job_graph(b.scenario);
  const Placement p = place_job(g, b.scenario);
  REQUIRE(p.fits);
  CHECK(p.taskmanager_of[1] == std::vector<int>{0, 2, 0, 2, 1, 3, 1, 3});
  CHECK(p.taskmanager_of[0] == std::vector<int>{0, 0, 1, 1});
}

TEST_CASE("separate slot sharing groups take their own slots after the default ones",
          "[placement]") {
  ScenarioBuilder b = etl(5, 4);
  explicit_group(b.op("sink", 4, {"win"}), "sink");
  const JobGraph g = build_job_graph(b.scenario);
  const Placement p = place_job(g, b.scenario);
  REQUIRE(p.fits);
  CHECK(p.slots_required == 20);
  for (int i = 0; i < 4; ++i) CHECK(p.taskmanager_of[2][i] == 4);
  CHECK(p.slots.back().slot_sharing_group == "sink");
}

TEST_CASE("not enough slots: fits = false with Flink's outcome", "[placement]") {
  ScenarioBuilder b = etl(3, 4);
  const JobGraph g = build_job_graph(b.scenario);
  std::string why;
  const Placement p = place_job(g, b.scenario, &why);
  CHECK_FALSE(p.fits);
  CHECK(p.slots.size() == 12);
  CHECK(p.taskmanager_of[1][15] == -1);
  CHECK(p.taskmanager_of[1][11] == 2);
  CHECK_THAT(why, Catch::Contains("needs 16 slots but the cluster has 12"));
  CHECK_THAT(why, Catch::Contains("slot.request.timeout (5"));
  CHECK_THAT(why, Catch::Contains("NoResourceAvailableException"));
}

TEST_CASE("taskmanager.numberOfTaskSlots below 1 is an input error", "[placement]") {
  ScenarioBuilder b = etl(4, 0);
  const JobGraph g = build_job_graph(b.scenario);
  CHECK_THROWS_AS(place_job(g, b.scenario), InputFailure);
}
