// `flinksim memory`, end to end: the built binary, Flink's figures in JSON, both spellings of -D,
// a config file, and exit 2 with Flink's reason for a configuration Flink refuses.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/run_flinksim.h"

namespace {

using Result = flinksim::testing::RunResult;

Result memory(const std::string& args, bool with_stderr = false) {
  return flinksim::testing::run_flinksim_shell("memory " + args, with_stderr);
}

}  // namespace

TEST_CASE("memory --json: the shipped 1728m TaskManager", "[cli][memory]") {
  const Result r = memory("-Dtaskmanager.memory.process.size=1728m --json");
  REQUIRE(r.exit_code == 0);
  const auto doc = nlohmann::json::parse(r.out);
  CHECK(doc.at("frameworkHeap") == 134217728);
  CHECK(doc.at("taskHeap") == 402653174);
  CHECK(doc.at("frameworkOffHeap") == 134217728);
  CHECK(doc.at("taskOffHeap") == 0);
  CHECK(doc.at("networkMemory") == 134217730);
  CHECK(doc.at("managedMemory") == 536870920);
  CHECK(doc.at("jvmMetaspace") == 268435456);
  CHECK(doc.at("jvmOverhead") == 201326592);
  CHECK(doc.at("totalFlinkMemory") == 1342177280);
  CHECK(doc.at("totalProcessMemory") == 1811939328);
}

TEST_CASE("memory: -D with and without a space", "[cli][memory]") {
  const Result joined = memory("-Dtaskmanager.memory.process.size=4g --json");
  const Result spaced = memory("-D taskmanager.memory.process.size=4g --json");
  REQUIRE(joined.exit_code == 0);
  REQUIRE(spaced.exit_code == 0);
  CHECK(joined.out == spaced.out);
  const auto doc = nlohmann::json::parse(joined.out);
  CHECK(doc.at("taskHeap") == 1530082070);
  CHECK(doc.at("networkMemory") == 359703515);
  CHECK(doc.at("managedMemory") == 1438814063);
}

TEST_CASE("memory --config reads a config.yaml; -D overrides it", "[cli][memory]") {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("flinksim_memory_cli_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = (dir / "config.yaml").string();
  std::ofstream(path) << "taskmanager:\n  memory:\n    process:\n      size: 16g\n";
  const Result r = memory("--config " + path + " --json");
  REQUIRE(r.exit_code == 0);
  CHECK(nlohmann::json::parse(r.out).at("networkMemory") == 1583769214);
  const Result overridden = memory("--config " + path + " -Dtaskmanager.memory.process.size=1728m --json");
  REQUIRE(overridden.exit_code == 0);
  CHECK(nlohmann::json::parse(overridden.out).at("networkMemory") == 134217730);
}

TEST_CASE("memory --jobmanager", "[cli][memory]") {
  const Result r = memory("--jobmanager -Djobmanager.memory.process.size=1600m --json");
  REQUIRE(r.exit_code == 0);
  const auto doc = nlohmann::json::parse(r.out);
  CHECK(doc.at("jvmHeap") == 1073741824);
  CHECK(doc.at("offHeap") == 134217728);
  CHECK(doc.at("jvmOverhead") == 201326592);
  CHECK(doc.at("totalFlinkMemory") == 1207959552);
  CHECK(doc.at("totalProcessMemory") == 1677721600);
}

TEST_CASE("memory: Flink's refusals exit 2 with Flink's reason", "[cli][memory]") {
  const Result none = memory("--json", true);
  CHECK(none.exit_code == 2);
  CHECK(none.out.find("need to be configured explicitly") != std::string::npos);

  const Result small = memory("--jobmanager -Djobmanager.memory.process.size=500m", true);
  CHECK(small.exit_code == 2);
  CHECK(small.out.find("is less than the configured Off-heap Memory") != std::string::npos);

  const Result docs = memory("-Dtaskmanager.memory.process.size=1000m "
                             "-Dtaskmanager.memory.task.heap.size=100m "
                             "-Dtaskmanager.memory.jvm-overhead.min=64m "
                             "-Dtaskmanager.memory.jvm-overhead.max=256m", true);
  CHECK(docs.exit_code == 2);
  CHECK(docs.out.find("Network Memory range") != std::string::npos);

  const Result bad = memory("-Dtaskmanager.memory.process.size=lots", true);
  CHECK(bad.exit_code == 2);
  CHECK(bad.out.find("taskmanager.memory.process.size") != std::string::npos);
}

TEST_CASE("memory: table output names Flink's components", "[cli][memory]") {
  const Result r = memory("-Dtaskmanager.memory.process.size=1728m");
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("Final TaskExecutor Memory configuration") != std::string::npos);
  CHECK(r.out.find("402653174") != std::string::npos);
  CHECK(r.out.find("network buffers: 4096") != std::string::npos);
}
