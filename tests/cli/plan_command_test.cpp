// `flinksim plan`, end to end: the built binary on the bundled sizing example, JSON field names
// and figures, exit codes for a plan that does not fit and for bad input.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/run_flinksim.h"

namespace {

using Result = flinksim::testing::RunResult;

// Runs `flinksim plan <args>` with stderr discarded; stdout must hold only the answer.
Result plan(const std::string& args) {
  return flinksim::testing::run_flinksim_shell("plan " + args);
}

std::string example() { return flinksim::testing::source_dir() + "/scenarios/sizing-example.toml"; }

}  // namespace

TEST_CASE("plan --json on the sizing example: layout and field names", "[cli][plan]") {
  const Result r = plan(example() + " --json");
  REQUIRE(r.exit_code == 0);
  const auto doc = nlohmann::json::parse(r.out);
  REQUIRE(doc.at("vertices").size() == 2);
  CHECK(doc["vertices"][0]["name"] == "kafka-source");
  CHECK(doc["vertices"][1]["name"] == "sliding-window -> kafka-sink");
  CHECK(doc["vertices"][1]["operators"] == nlohmann::json({"sliding-window", "kafka-sink"}));
  CHECK(doc["vertices"][1]["parallelism"] == 80);
  CHECK(doc["vertices"][1]["maxParallelism"] == 1280);
  CHECK(doc["vertices"][1]["slotSharingGroup"] == "default");
  CHECK(doc["vertices"][1]["numRecordsInPerSecond"].get<double>() == Approx(1e6));
  CHECK(doc["vertices"][1]["numRecordsOutPerSecond"].get<double>() == Approx(8.333333333e6));
  REQUIRE(doc.at("edges").size() == 1);
  CHECK(doc["edges"][0]["shipStrategy"] == "HASH");
  CHECK(doc["edges"][0]["source"] == "kafka-source");
  CHECK(doc["slotsRequired"] == 80);
  CHECK(doc["slotsTotal"] == 80);
  CHECK(doc["sourceRate"].get<double>() == Approx(1e6));
  CHECK(doc["warnings"].empty());

  REQUIRE(doc.at("taskmanagers").size() == 5);
  const auto& tm = doc["taskmanagers"][2];
  CHECK(tm["id"] == 2);
  CHECK(tm["slotsUsed"] == 16);
  CHECK(tm["subtasks"].size() == 32);  // 16 slots × (source + window chain)
  CHECK(tm["subtasks"][0] == "kafka-source (33/80)");
  CHECK(tm["memory"]["totalProcessMemory"] == 32LL * 1024 * 1024 * 1024);
  CHECK(tm["networkBuffersRequired"].get<long>() > 0);
  CHECK(tm["networkBuffersRequired"].get<long>() <= tm["networkBuffersAvailable"].get<long>());
  CHECK(tm["cpuDemand"].get<double>() > 0);
  CHECK(tm["cpuUtilization"].get<double>() == Approx(tm["cpuDemand"].get<double>() / 16));
}

TEST_CASE("plan --json on the sizing example: the blog's network figures", "[cli][plan]") {
  const Result r = plan(example() + " --json");
  REQUIRE(r.exit_code == 0);
  const auto doc = nlohmann::json::parse(r.out);
  for (const auto& tm : doc.at("taskmanagers")) {
    const auto& in = tm.at("networkIn");
    const auto& out = tm.at("networkOut");
    CHECK(in["sourceIngest"].get<double>() == Approx(400e6).epsilon(0.005));
    CHECK(in["shuffle"].get<double>() == Approx(320e6).epsilon(0.005));
    CHECK(in["stateAccess"].get<double>() == Approx(40e6).epsilon(0.005));
    CHECK(in["total"].get<double>() == Approx(760e6).epsilon(0.005));
    CHECK(out["shuffle"].get<double>() == Approx(320e6).epsilon(0.005));
    CHECK(out["sinkOutput"].get<double>() == Approx(66.67e6).epsilon(0.005));
    CHECK(out["stateAccess"].get<double>() == Approx(40e6).epsilon(0.005));
    CHECK(out["checkpointUpload"].get<double>() == Approx(333.33e6).epsilon(0.005));
    CHECK(out["total"].get<double>() == Approx(760e6).epsilon(0.005));
  }
  // IN grows with the rate, 760 MB/s per 1M records/s, against 1250 MB/s.
  CHECK(doc["maxSourceRate"].get<double>() == Approx(1e6 * 1250.0 / 760.0).epsilon(0.005));
  CHECK(doc["bottleneck"]["kind"] == "taskmanagerNetworkIn");
  CHECK(doc["bottleneck"].contains("where"));
  CHECK(doc["bottleneck"].contains("description"));
}

TEST_CASE("plan exits 1 with the problem stated when the layout cannot carry it", "[cli][plan]") {
  SECTION("more than the network carries") {
    const Result r = plan(example() + " --json --rate 2000000");
    CHECK(r.exit_code == 1);
    const auto doc = nlohmann::json::parse(r.out);
    CHECK(doc["sourceRate"].get<double>() == Approx(2e6));
    CHECK_FALSE(doc["warnings"].empty());
  }
  SECTION("not enough slots") {
    const Result r = plan(example() + " --json -Dtaskmanager.numberOfTaskSlots=8");
    CHECK(r.exit_code == 1);
    const auto doc = nlohmann::json::parse(r.out);
    CHECK(doc["slotsTotal"] == 40);
    CHECK(doc["slotsRequired"] == 80);
    bool said = false;
    for (const auto& w : doc["warnings"]) said = said || w.get<std::string>().find("slots") != std::string::npos;
    CHECK(said);
  }
  SECTION("not enough network buffers: Flink's message") {
    const Result r = plan(example() + " --json -Dtaskmanager.memory.network.max=64m");
    CHECK(r.exit_code == 1);
    const auto doc = nlohmann::json::parse(r.out);
    CHECK(doc["taskmanagers"][0]["networkBuffersAvailable"] == 2048);
    CHECK(doc["taskmanagers"][0]["networkBuffersRequired"].get<long>() > 2048);
    REQUIRE_FALSE(doc["warnings"].empty());
    CHECK(doc["warnings"][0].get<std::string>().find("Insufficient number of network buffers") !=
          std::string::npos);
  }
}

TEST_CASE("plan: table by default, exit 2 on bad input", "[cli][plan]") {
  const Result table = plan(example());
  CHECK(table.exit_code == 0);
  CHECK(table.out.find("sliding-window -> kafka-sink") != std::string::npos);
  CHECK(table.out.find("333.3 MB/s") != std::string::npos);  // checkpoint upload per TaskManager
  CHECK(table.out.find("taskmanagerNetworkIn") != std::string::npos);
  CHECK(plan(flinksim::testing::source_dir() + "/scenarios/no-such-file.toml").exit_code == 2);
  CHECK(plan(example() + " --rate -5").exit_code == 2);
}
