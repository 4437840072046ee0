// `flinksim recommend` through the binary: the JSON contract of cli.md, exit 1 with what would be
// needed, and --emit flinkdeployment / flink-config as YAML with the operator's and Flink's keys
// (the config.yaml reads back through flinksim's own Flink config reader).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "model/diagnostics.h"
#include "model/flink_config.h"
#include "model/flink_options.h"
#include "run_flinksim.h"

using namespace flinksim;

TEST_CASE("recommend --json: recommendation, binding, alternatives, evaluated vs considered", "[recommend]") {
  const auto r = testing::run_flinksim({"recommend", "scenarios/recommend-state-bound.toml", "--json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto doc = nlohmann::json::parse(r.out);
  const auto& rec = doc["recommendation"];
  for (const char* key : {"taskmanagers", "slotsPerTaskmanager", "cpuPerTaskmanager", "memoryPerTaskmanager",
                          "parallelism", "costPerHour"})
    CHECK(rec.contains(key));
  CHECK(doc["binding"] == "state");
  CHECK(doc["evaluated"].get<int>() * 10 <= doc["considered"].get<int>());
  CHECK_FALSE(doc["alternatives"].empty());
  CHECK(doc["alternatives"][0].contains("fails"));
}

TEST_CASE("recommend: nothing in the space meets the objectives → exit 1 saying what is needed", "[recommend]") {
  const auto r = testing::run_flinksim({"recommend", "scenarios/recommend-state-bound.toml", "--set",
                                        "search.memory_per_taskmanager=[\"2g\"]"});
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("no recommendation") != std::string::npos);
  CHECK(r.out.find("allow more memory per TaskManager") != std::string::npos);
}

TEST_CASE("recommend --emit flinkdeployment: a FlinkDeployment with the recommended layout", "[recommend]") {
  const auto r = testing::run_flinksim({"recommend", "scenarios/recommend-recovery-bound.toml", "--emit", "flinkdeployment"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const YAML::Node doc = YAML::Load(r.out);
  CHECK(doc["apiVersion"].as<std::string>() == "flink.apache.org/v1beta1");
  CHECK(doc["kind"].as<std::string>() == "FlinkDeployment");
  const YAML::Node spec = doc["spec"];
  CHECK(spec["taskManager"]["replicas"].as<int>() == 3);
  CHECK(spec["taskManager"]["resource"]["cpu"].as<double>() == 2.0);
  CHECK(spec["taskManager"]["resource"]["memory"].as<std::string>() == "4096m");
  CHECK(spec["flinkConfiguration"]["taskmanager.numberOfTaskSlots"].as<std::string>() == "2");
  CHECK(spec["flinkConfiguration"]["state.backend.type"].as<std::string>() == "rocksdb");
  CHECK(spec["flinkConfiguration"]["metrics.reporter.prom.port"].as<std::string>() == "9249");
  CHECK(spec["job"]["upgradeMode"].as<std::string>() == "savepoint");  // checkpointing is on
  CHECK(r.out.find("#   enrich: 4") != std::string::npos);           // per-operator parallelism
}

TEST_CASE("recommend --emit flink-config reads back through Flink's config.yaml reader", "[recommend]") {
  const auto r = testing::run_flinksim({"recommend", "scenarios/recommend-checkpoint-bound.toml", "--emit", "flink-config"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  // Named config.yaml: Flink ≥1.19 (and flinksim) then read it as YAML (quotes are YAML's).
  const auto dir = std::filesystem::temp_directory_path() / ("flinksim-config-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto file = dir / "config.yaml";
  std::ofstream(file) << r.out;
  model::FlinkConfig config;
  model::Diagnostics diagnostics;
  model::load_flink_config_file(file.string(), config, diagnostics);
  CHECK(diagnostics.ok());
  CHECK(config.get_int(model::options::kNumberOfTaskSlots) == 1);            // 5 TaskManagers × 1 slot
  CHECK(config.get_string(model::options::kStateBackendType) == "rocksdb");
  CHECK(config.get_int(model::options::kParallelismDefault) == 5);
  std::filesystem::remove_all(dir);
}

TEST_CASE("recommend --emit helm: the same spec under flinkDeployment, configuration values quoted as strings", "[recommend]") {
  const auto r = testing::run_flinksim({"recommend", "scenarios/recommend-recovery-bound.toml", "--emit", "helm"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const YAML::Node values = YAML::Load(r.out);
  const YAML::Node spec = values["flinkDeployment"]["spec"];
  CHECK(values["flinkDeployment"]["name"].as<std::string>().back() != '-');
  CHECK(spec["taskManager"]["replicas"].as<int>() == 3);
  // The CRD types flinkConfiguration as map<string, string>: "true" and "9249" must stay strings.
  CHECK(spec["flinkConfiguration"]["execution.checkpointing.incremental"].Tag() == "!");
  CHECK(spec["flinkConfiguration"]["metrics.reporter.prom.port"].Tag() == "!");
  const auto bad = testing::run_flinksim({"recommend", "scenarios/staging.toml", "--emit", "terraform"});
  CHECK(bad.exit_code == 2);
}
