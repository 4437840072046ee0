// `flinksim validate` end to end: every bundled scenario validates; --json is one document on
// stdout; -D and --set reach the checks; a missing file is bad input, not a crash.
#include <catch2/catch.hpp>
#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/run_flinksim.h"

namespace fs = std::filesystem;
using flinksim::testing::run_flinksim;

namespace {

fs::path scenarios() { return fs::path(flinksim::testing::source_dir()) / "scenarios"; }

}  // namespace

TEST_CASE("every bundled scenario validates") {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(scenarios())) {
    if (entry.path().extension() == ".toml") files.push_back(entry.path());
  }
  REQUIRE(files.size() >= 6);
  for (const auto& file : files) {
    const auto result = run_flinksim({"validate", file.string()});
    INFO(file.string() << "\n" << result.err);
    CHECK(result.exit_code == 0);
    CHECK(result.out.rfind("ok: ", 0) == 0);
    CHECK(result.err.find("error:") == std::string::npos);
  }
}

TEST_CASE("--json prints one document with the layout's figures") {
  const auto result = run_flinksim({"validate", (scenarios() / "staging.toml").string(), "--json"});
  REQUIRE(result.exit_code == 0);
  const auto doc = nlohmann::json::parse(result.out);
  CHECK(doc["valid"] == true);
  CHECK(doc["operators"] == 3);
  CHECK(doc["vertices"] == 1);  // Kafka -> map -> sink chain into one task
  CHECK(doc["slotsRequired"] == 1);
  CHECK(doc["slotsTotal"] == 16);
  CHECK(doc["taskmanagerProcessMemory"] == 1728LL * 1024 * 1024);
}

TEST_CASE("-D and --set overrides are checked like the file") {
  const std::string staging = (scenarios() / "staging.toml").string();
  auto result = run_flinksim({"validate", staging, "--json", "-Dtaskmanager.numberOfTaskSlots=4",
                              "-D", "parallelism.default=2", "--set", "cluster.taskmanagers=3"});
  REQUIRE(result.exit_code == 0);
  const auto doc = nlohmann::json::parse(result.out);
  CHECK(doc["slotsTotal"] == 12);
  CHECK(doc["slotsRequired"] == 2);

  result = run_flinksim({"validate", staging, "--set", "traffic.peak=5 parsecs"});
  CHECK(result.exit_code == 2);
  CHECK(result.out.empty());
  CHECK(result.err.find("error: --set: traffic.peak: '5 parsecs' is not a rate") != std::string::npos);

  result = run_flinksim({"validate", staging, "-Dtaskmanager.memory.process.size=500m"});
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("taskmanager.memory.process.size") != std::string::npos);
}

TEST_CASE("a missing scenario file or no argument is bad input") {
  auto result = run_flinksim({"validate", "no/such/scenario.toml"});
  CHECK(result.signal == 0);
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("error: no/such/scenario.toml") != std::string::npos);
  result = run_flinksim({"validate"});
  CHECK(result.exit_code == 2);
}
