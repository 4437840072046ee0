// Issue #7's check, through the binaries: `flinksim recommend` returns the same layout as the
// cheapest feasible row of an exhaustive `flinksim sweep` of the same [search] space (with the
// parallelism recommend chose), while simulating a fraction of what the sweep simulates.
#include <catch2/catch.hpp>

#include <chrono>
#include <sstream>

#include <nlohmann/json.hpp>

#include "../cli/run_flinksim.h"
#include "model/scenario_reader.h"
#include "test_paths.h"

using namespace flinksim;

namespace {

std::string joined(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ",") + v;
  return out;
}

}  // namespace

TEST_CASE("recommend = the cheapest feasible row of an exhaustive sweep of the same space", "[recommend][sweep]") {
  // Every bundled scenario with a [search] space of more than one layout.
  for (const char* name : {"recommend-cpu-bound", "recommend-state-bound", "recommend-checkpoint-bound",
                           "recommend-recovery-bound", "enrichment-lookup-join"}) {
    INFO(name);
    const std::string file = "scenarios/" + std::string(name) + ".toml";
    const auto rec_start = std::chrono::steady_clock::now();
    const auto rec_run = testing::run_flinksim({"recommend", file, "--json"});
    const double rec_wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - rec_start).count();
    REQUIRE(rec_run.exit_code == 0);
    const auto rec = nlohmann::json::parse(rec_run.out);
    const auto& chosen = rec["recommendation"];

    const auto scenario = model::read_scenario_file(testing::source_dir() + "/" + file);
    const auto& space = scenario.search;
    std::vector<std::string> slots, cpus, memories;
    for (int s : space.slots_per_taskmanager) slots.push_back(std::to_string(s));
    for (double c : space.cpu_per_taskmanager) {
      std::ostringstream text;
      text << c;
      cpus.push_back(text.str());
    }
    for (auto m : space.memory_per_taskmanager) memories.push_back(std::to_string(m) + "b");
    std::vector<std::string> args = {
        "sweep", file, "--json", "--jobs", "2",
        "--vary", "cluster.taskmanagers=" + std::to_string(space.taskmanagers->first) + ".." +
                      std::to_string(space.taskmanagers->second),
        "--vary", "flink.taskmanager.numberOfTaskSlots=" + joined(slots),
        "--vary", "cluster.cpu_per_taskmanager=" + joined(cpus),
        "--vary", "flink.taskmanager.memory.process.size=" + joined(memories)};
    for (const auto& [op, p] : chosen["parallelism"].items()) {
      args.push_back("--set");
      args.push_back("operator." + op + ".parallelism=" + std::to_string(p.get<int>()));
    }
    const auto sweep_start = std::chrono::steady_clock::now();
    const auto sweep_run = testing::run_flinksim(args);
    const double sweep_wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - sweep_start).count();
    INFO(sweep_run.err);
    REQUIRE(sweep_run.exit_code == 0);
    const auto sweep = nlohmann::json::parse(sweep_run.out);
    REQUIRE_FALSE(sweep["cheapestFeasible"].is_null());
    const auto& row = sweep["rows"][sweep["cheapestFeasible"].get<std::size_t>()];
    CHECK(row["taskmanagers"] == chosen["taskmanagers"]);
    CHECK(row["slotsPerTaskmanager"] == chosen["slotsPerTaskmanager"]);
    CHECK(row["cpuPerTaskmanager"] == chosen["cpuPerTaskmanager"]);
    CHECK(row["memoryPerTaskmanager"] == chosen["memoryPerTaskmanager"]);
    CHECK(row["costPerHour"] == chosen["costPerHour"]);
    int simulated = 0;
    for (const auto& r : sweep["rows"]) simulated += r["throughput"].is_null() ? 0 : 1;
    WARN(name << ": recommend simulated " << rec["evaluated"] << " of " << rec["considered"]
              << " layouts in " << rec_wall << " s wall; the exhaustive sweep (--jobs 2) simulated " << simulated
              << " of " << sweep["rows"].size() << " in " << sweep_wall << " s wall");
    CHECK(sweep["rows"].size() == rec["considered"].get<std::size_t>());
    CHECK(rec["evaluated"].get<int>() * 10 <= rec["considered"].get<int>());  // a tenth of the space at most
  }
}
