#include "model/flink_config.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

using namespace flinksim::model;
namespace opt = flinksim::model::options;

namespace {

// A fresh directory per test case, so files of one case never leak into another.
std::string write_file(const std::string& name, const std::string& text) {
  static int counter = 0;
  const auto dir = std::filesystem::temp_directory_path() /
                   ("flinksim_flink_config_test_" + std::to_string(::getpid()) + "_" +
                    std::to_string(++counter));
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  std::ofstream(path) << text;
  return path.string();
}

}  // namespace

TEST_CASE("defaults are Flink's", "[flink_config]") {
  FlinkConfig config;
  CHECK(config.get_int(opt::kNumberOfTaskSlots) == 1);
  CHECK(config.get_memory(opt::kTmFrameworkHeap) == 128 * kMiB);
  CHECK(config.get_memory(opt::kTmTaskOffHeap) == 0);
  CHECK(config.get_memory(opt::kTmNetworkMin) == 64 * kMiB);
  CHECK(config.get_memory(opt::kTmNetworkMax) == INT64_MAX);  // unlimited since 1.17
  CHECK(config.get_memory(opt::kTmOverheadMin) == 192 * kMiB);
  CHECK(config.get_memory(opt::kTmOverheadMax) == kGiB);
  CHECK(config.get_memory(opt::kTmMetaspace) == 256 * kMiB);
  CHECK(config.get_memory(opt::kTmSegmentSize) == 32 * kKiB);
  CHECK(config.get_double(opt::kTmManagedFraction) == 0.4);
  CHECK(config.get_memory(opt::kJmOffHeap) == 128 * kMiB);
  CHECK(config.get_int(opt::kBuffersPerChannel) == 2);
  CHECK(config.get_int(opt::kFloatingBuffersPerGate) == 8);
  CHECK(config.get_duration(opt::kBufferTimeout) == 100 * kMillisecond);
  CHECK(config.get_duration(opt::kCheckpointTimeout) == 10 * kMinute);
  CHECK(config.get_duration(opt::kHeartbeatTimeout) == 50 * kSecond);
  CHECK(config.get_duration(opt::kExpMaxBackoff) == kMinute);
  CHECK(config.get_double(opt::kExpBackoffMultiplier) == 1.5);
  CHECK(config.get_string(opt::kStateBackendType) == "hashmap");
  CHECK_FALSE(config.get_bool(opt::kUnalignedCheckpoints));
  CHECK_FALSE(config.get_memory_opt(opt::kTmProcessSize));
  CHECK_FALSE(config.get_duration_opt(opt::kCheckpointInterval));
  CHECK_FALSE(config.get_int_opt(opt::kTmNetworkNumberOfBuffers));
  CHECK_FALSE(config.is_set(opt::kTmProcessSize));
}

TEST_CASE("every catalogue option has a key and a description", "[flink_config]") {
  for (const OptionDef* option : all_options()) {
    CHECK_FALSE(option->key.empty());
    CHECK_FALSE(option->description.empty());
  }
  CHECK(all_options().size() > 60);
}

TEST_CASE("deprecated keys Flink still reads", "[flink_config]") {
  FlinkConfig config;
  config.set("execution.checkpointing.unaligned", "TRUE");
  config.set("state.backend", "rocksdb");
  config.set("state.backend.incremental", "true");
  config.set("taskmanager.network.memory.min", "128m");
  config.set("taskmanager.network.memory.max", "1g");
  config.set("taskmanager.network.memory.fraction", "0.2");
  config.set("restart-strategy", "fixed-delay");
  CHECK(config.get_bool(opt::kUnalignedCheckpoints));
  CHECK(config.get_string(opt::kStateBackendType) == "rocksdb");
  CHECK(config.get_bool(opt::kIncrementalCheckpoints));
  CHECK(config.get_memory(opt::kTmNetworkMin) == 128 * kMiB);
  CHECK(config.get_memory(opt::kTmNetworkMax) == kGiB);
  CHECK(config.get_double(opt::kTmNetworkFraction) == 0.2);
  CHECK(config.get_string(opt::kRestartStrategy) == "fixed-delay");
  CHECK(config.key_of(opt::kTmNetworkMin) == "taskmanager.network.memory.min");

  // The current key wins over the deprecated one.
  config.set("state.backend.type", "hashmap");
  CHECK(config.get_string(opt::kStateBackendType) == "hashmap");
  CHECK(config.key_of(opt::kStateBackendType) == "state.backend.type");
}

TEST_CASE("typed getters follow Flink's syntax and name the key on failure", "[flink_config]") {
  FlinkConfig config;
  config.set("execution.checkpointing.interval", "1 min");
  config.set("heartbeat.timeout", "30000");  // bare number: milliseconds
  config.set("execution.buffer-timeout.interval", "5ms");
  config.set("taskmanager.memory.process.size", "4 gb");
  config.set("pipeline.operator-chaining.enabled", "False");
  CHECK(config.get_duration(opt::kCheckpointInterval) == kMinute);
  CHECK(config.get_duration(opt::kHeartbeatTimeout) == 30 * kSecond);
  CHECK(config.get_duration(opt::kBufferTimeout) == 5 * kMillisecond);
  CHECK(config.get_memory(opt::kTmProcessSize) == 4 * kGiB);
  CHECK_FALSE(config.get_bool(opt::kOperatorChaining));

  config.set("taskmanager.numberOfTaskSlots", "four", SourcePos{"conf.yaml", 3, 30});
  try {
    config.get_int(opt::kNumberOfTaskSlots);
    FAIL("expected InputFailure");
  } catch (const InputFailure& failure) {
    REQUIRE(failure.errors().size() == 1);
    CHECK(failure.errors()[0].field == "taskmanager.numberOfTaskSlots");
    CHECK(failure.errors()[0].pos.line == 3);
    CHECK(failure.errors()[0].pos.column == 30);
  }
  config.set("taskmanager.memory.task.heap.size", "1.5g");
  CHECK_THROWS_AS(config.get_memory(opt::kTmTaskHeap), InputFailure);
  config.set("pipeline.operator-chaining.enabled", "yes");
  CHECK_THROWS_AS(config.get_bool(opt::kOperatorChaining), InputFailure);
  config.set("execution.checkpointing.timeout", "ten minutes");
  CHECK_THROWS_AS(config.get_duration(opt::kCheckpointTimeout), InputFailure);
  config.set("taskmanager.memory.managed.fraction", "0.4x");
  CHECK_THROWS_AS(config.get_double(opt::kTmManagedFraction), InputFailure);
}

TEST_CASE("config.yaml: nested YAML flattened to dotted keys", "[flink_config]") {
  const std::string path = write_file("config.yaml",
                                      "taskmanager:\n"
                                      "  numberOfTaskSlots: 4\n"
                                      "  memory:\n"
                                      "    process.size: 4096m\n"
                                      "parallelism.default: 8\n"
                                      "state:\n"
                                      "  backend:\n"
                                      "    type: \"rocksdb\"   # quoted in YAML\n"
                                      "env.java.opts.all: [\"-Xss1m\", \"-Dx=y\"]\n");
  FlinkConfig config;
  Diagnostics diagnostics;
  load_flink_config_file(path, config, diagnostics);
  REQUIRE(diagnostics.ok());
  CHECK(config.get_int(opt::kNumberOfTaskSlots) == 4);
  CHECK(config.get_memory(opt::kTmProcessSize) == 4096 * kMiB);
  CHECK(config.get_int(opt::kParallelismDefault) == 8);
  CHECK(config.get_string(opt::kStateBackendType) == "rocksdb");
  CHECK(config.entries().at("env.java.opts.all").value == "-Xss1m;-Dx=y");
  const auto* entry = config.find(opt::kTmProcessSize);
  REQUIRE(entry);
  CHECK(entry->pos.file == path);
  CHECK(entry->pos.line == 4);
  CHECK(entry->pos.column == 19);
}

TEST_CASE("flink-conf.yaml: legacy flat lines, values kept as plain strings", "[flink_config]") {
  const std::string path = write_file("flink-conf.yaml",
                                      "# the shipped defaults\n"
                                      "jobmanager.memory.process.size: 1600m\n"
                                      "taskmanager.memory.process.size: 1728m  # trailing\n"
                                      "state.backend.type: \"rocksdb\"\n"
                                      "this line has no separator\n"
                                      "\n"
                                      "taskmanager.numberOfTaskSlots: 2\n");
  FlinkConfig config;
  Diagnostics diagnostics;
  load_flink_config_file(path, config, diagnostics);
  CHECK(diagnostics.ok());
  CHECK(diagnostics.warnings().size() == 1);  // the malformed line, skipped as Flink does
  CHECK(config.get_memory(opt::kJmProcessSize) == 1600 * kMiB);
  CHECK(config.get_memory(opt::kTmProcessSize) == 1728 * kMiB);
  CHECK(config.get_string(opt::kStateBackendType) == "\"rocksdb\"");  // legacy: no unquoting
  CHECK(config.get_int(opt::kNumberOfTaskSlots) == 2);
  CHECK(config.find(opt::kNumberOfTaskSlots)->pos.line == 7);
  CHECK(config.find(opt::kNumberOfTaskSlots)->pos.column == 32);
}

TEST_CASE("a flat file of another name is read the legacy way", "[flink_config]") {
  const std::string path = write_file("customer.yaml", "taskmanager.memory.process.size: 2g\n"
                                                       "state.backend.type: 'rocksdb'\n");
  FlinkConfig config;
  Diagnostics diagnostics;
  load_flink_config_file(path, config, diagnostics);
  CHECK(diagnostics.ok());
  CHECK(config.get_memory(opt::kTmProcessSize) == 2 * kGiB);
  CHECK(config.get_string(opt::kStateBackendType) == "'rocksdb'");
}

TEST_CASE("config file errors carry file:line:col", "[flink_config]") {
  FlinkConfig config;
  Diagnostics missing;
  load_flink_config_file("/nonexistent/config.yaml", config, missing);
  CHECK_FALSE(missing.ok());

  const std::string path = write_file("config.yaml", "taskmanager:\n  memory: [1, 2\n");
  Diagnostics bad;
  load_flink_config_file(path, config, bad);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.errors()[0].pos.file == path);
  CHECK(bad.errors()[0].pos.line >= 2);
}

TEST_CASE("-D dynamic properties override, last write wins", "[flink_config]") {
  FlinkConfig config;
  config.set("taskmanager.numberOfTaskSlots", "2");
  Diagnostics diagnostics;
  apply_dynamic_properties({"taskmanager.numberOfTaskSlots=8",
                            "-Dtaskmanager.memory.process.size=4g",
                            "env.java.opts=-Dfoo=bar"},
                           config, diagnostics);
  CHECK(diagnostics.ok());
  CHECK(config.get_int(opt::kNumberOfTaskSlots) == 8);
  CHECK(config.get_memory(opt::kTmProcessSize) == 4 * kGiB);
  CHECK(config.entries().at("env.java.opts").value == "-Dfoo=bar");

  apply_dynamic_properties({"novalue", "=x"}, config, diagnostics);
  CHECK(diagnostics.errors().size() == 2);
}

TEST_CASE("check_keys warns about near-misspellings only", "[flink_config]") {
  FlinkConfig config;
  config.set("taskmanager.numberOfTaskSlot", "4");                  // typo
  config.set("taskmanager.memory.proces.size", "4g");              // typo
  config.set("metrics.reporter.prom.factory.class", "x");          // real key, not modelled
  config.set("taskmanager.memory.framework.off-heap.batch-shuffle.size", "64m");  // real key
  config.set("taskmanager.memory.process.size", "4g");             // known
  Diagnostics diagnostics;
  config.check_keys(diagnostics);
  CHECK(diagnostics.ok());
  REQUIRE(diagnostics.warnings().size() == 2);
  CHECK(diagnostics.warnings()[0].message.find("taskmanager.memory.process.size") !=
        std::string::npos);
  CHECK(diagnostics.warnings()[1].message.find("taskmanager.numberOfTaskSlots") !=
        std::string::npos);

  FlinkConfig old;
  old.set("state.backend", "rocksdb");
  Diagnostics deprecated;
  old.check_keys(deprecated);
  REQUIRE(deprecated.warnings().size() == 1);
  CHECK(deprecated.warnings()[0].message.find("state.backend.type") != std::string::npos);
}
