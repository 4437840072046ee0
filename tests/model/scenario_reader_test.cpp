// The scenario reader against in-memory TOML: every field of the contract, units, positions,
// all errors collected, --set / -D precedence.
#include "model/scenario_reader.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

using namespace flinksim::model;

namespace {

// The contract's example, trimmed to what each test needs.
const char* kFull = R"(name = "full"
seed = 42

[cluster]
taskmanagers = 4
cpu_per_taskmanager = 4.0
pod_start = "45s"

[flink]
"taskmanager.numberOfTaskSlots" = 4
"taskmanager.memory.process.size" = "8g"
"parallelism.default" = 4
"execution.checkpointing.interval" = "60s"
"execution.checkpointing.unaligned.enabled" = false
"taskmanager.memory.managed.fraction" = 0.25

[storage]
write_bandwidth = "200MB/s"
read_bandwidth = "400MB/s"
state_disk = "network"

[network]
bandwidth_per_taskmanager = "10Gb/s"
hop_latency = "0us"

[[operator]]
name = "kafka-source"
kind = "source"
parallelism = 8
cpu_per_record = "4us"
record_size = "512b"
source_partitions = 16

[[operator]]
name = "enrich"
inputs = ["kafka-source"]
cpu_per_record = "25us"
cpu_distribution = "lognormal:0.5"
selectivity = 1.0

[[operator]]
name = "kpi-window"
inputs = [{ from = "enrich", partition = "hash" }]
cpu_per_record = "12us"
state = { keys = 2_000_000, bytes_per_key = "300b", access = "rocksdb-get-put" }
key_skew = 1.1
selectivity = 0.01
max_parallelism = 256
slot_sharing_group = "windows"
chaining = "never"

[[operator]]
name = "sink"
kind = "sink"
inputs = ["kpi-window"]
cpu_per_record = "8us"

[traffic]
shape = "diurnal"
peak = "120k/s"
trough = "30k/s"
duration = "24h"
arrival = "uniform"
diurnal_peak_at = "13h"

[[failure]]
at = "14h"
kind = "taskmanager"
taskmanager = 3

[simulation]
granularity = "fluid"
event_budget = 1_000
check_budget = 0

[slo]
max_latency_p99 = "2s"
max_recovery = "10min"
max_checkpoint_duration = "30s"
target_utilization = 0.7

[search]
taskmanagers = [1, 32]
slots_per_taskmanager = [1, 2, 4]
cpu_per_taskmanager = [1, 2.5]
memory_per_taskmanager = ["2g", "4g"]
price_per_core_hour = 0.04
price_per_gib_hour = 0.005
)";

const char* kMinimal = R"(name = "minimal"
[[operator]]
name = "src"
kind = "source"
cpu_per_record = "1us"
[[operator]]
name = "map"
inputs = ["src"]
cpu_per_record = "2us"
[traffic]
peak = "1k/s"
)";

std::vector<InputError> errors_of(const std::string& text, const ScenarioOverrides& o = {},
                                  const std::string& path = "test.toml") {
  try {
    read_scenario_text(text, path, o);
  } catch (const InputFailure& failure) {
    return failure.errors();
  }
  return {};
}

bool has_error(const std::vector<InputError>& errors, const std::string& field,
               const std::string& fragment) {
  for (const auto& e : errors) {
    if (e.field == field && e.message.find(fragment) != std::string::npos) return true;
  }
  return false;
}

std::string render_all(const std::vector<InputError>& errors) {
  std::string out;
  for (const auto& e : errors) out += e.render() + "\n";
  return out;
}

}  // namespace

TEST_CASE("every field of the contract is read, with its unit") {
  const Scenario s = read_scenario_text(kFull, "dir/full.toml");
  CHECK(s.name == "full");
  CHECK(s.seed == 42);
  CHECK(s.path == "dir/full.toml");
  CHECK(s.cluster.taskmanagers == 4);
  CHECK(s.cluster.cpu_per_taskmanager == 4.0);
  CHECK(s.cluster.pod_start == 45 * kSecond);
  CHECK(s.flink.entries().at("taskmanager.numberOfTaskSlots").value == "4");
  CHECK(s.flink.entries().at("execution.checkpointing.unaligned.enabled").value == "false");
  CHECK(s.flink.entries().at("taskmanager.memory.managed.fraction").value == "0.25");
  CHECK(s.flink.entries().at("taskmanager.memory.process.size").pos.line == 11);
  CHECK(s.storage.write_bandwidth == Approx(200e6));
  CHECK(s.storage.state_disk == "network");
  CHECK(s.network.bandwidth_per_taskmanager == Approx(10e9 / 8));
  CHECK(s.network.hop_latency == 0);
  REQUIRE(s.operators.size() == 4);
  const OperatorSpec& source = s.operators[0];
  CHECK(source.kind == OperatorKind::Source);
  CHECK(source.parallelism == 8);
  CHECK(source.cpu_per_record == 4 * kMicrosecond);
  CHECK(source.record_size == 512);
  CHECK(source.source_partitions == 16);
  CHECK(source.pos.line == 26);
  const OperatorSpec& enrich = s.operators[1];
  CHECK(enrich.kind == OperatorKind::Operator);
  CHECK_FALSE(enrich.parallelism.has_value());
  REQUIRE(enrich.inputs.size() == 1);
  CHECK(enrich.inputs[0].from == "kafka-source");
  CHECK_FALSE(enrich.inputs[0].partition.has_value());
  CHECK(enrich.cpu_distribution == CostDistribution::Lognormal);
  CHECK(enrich.cpu_cv == 0.5);
  const OperatorSpec& window = s.operators[2];
  CHECK(window.inputs[0].partition == Partition::Hash);
  REQUIRE(window.state.has_value());
  CHECK(window.state->keys == 2'000'000);
  CHECK(window.state->bytes_per_key == 300);
  CHECK(window.state->access == "rocksdb-get-put");
  CHECK(window.key_skew == 1.1);
  CHECK(window.selectivity == 0.01);
  CHECK(window.max_parallelism == 256);
  CHECK(window.slot_sharing_group == "windows");
  CHECK(window.chaining == Chaining::Never);
  CHECK(s.operators[3].kind == OperatorKind::Sink);
  CHECK(s.traffic.shape == TrafficShape::Diurnal);
  CHECK(s.traffic.peak == 120'000);
  CHECK(s.traffic.trough == 30'000);
  CHECK(s.traffic.duration == 24 * kHour);
  CHECK(s.traffic.arrival == Arrival::Uniform);
  CHECK(s.traffic.diurnal_peak_at == 13 * kHour);
  REQUIRE(s.failures.size() == 1);
  CHECK(s.failures[0].at == 14 * kHour);
  CHECK(s.failures[0].taskmanager == 3);
  CHECK(s.simulation.granularity == Granularity::Fluid);
  CHECK(s.simulation.event_budget == 1000);
  CHECK(s.simulation.check_budget == 0);
  CHECK(s.slo.max_latency_p99 == 2 * kSecond);
  CHECK(s.slo.max_recovery == 10 * kMinute);
  CHECK(s.slo.max_checkpoint_duration == 30 * kSecond);
  CHECK(s.slo.target_utilization == 0.7);
  CHECK(s.search.taskmanagers == std::make_pair(1, 32));
  CHECK(s.search.slots_per_taskmanager == std::vector<int>{1, 2, 4});
  CHECK(s.search.cpu_per_taskmanager == std::vector<double>{1, 2.5});
  CHECK(s.search.memory_per_taskmanager == std::vector<Bytes>{2 * kGiB, 4 * kGiB});
  CHECK(s.search.price_per_gib_hour == 0.005);
}

TEST_CASE("defaults: Flink's shipped memory sizes, the file's stem as the name") {
  const Scenario s = read_scenario_text(std::string(kMinimal).substr(17), "some/where/etl.toml");
  CHECK(s.name == "etl");
  CHECK(s.flink.entries().at("taskmanager.memory.process.size").value == "1728m");
  CHECK(s.flink.entries().at("jobmanager.memory.process.size").value == "1600m");
  CHECK(s.traffic.shape == TrafficShape::Constant);
  CHECK(s.traffic.duration == kHour);

  // Any one of Flink's own ways of sizing a TaskManager switches the default off.
  const Scenario sized = read_scenario_text(
      std::string(kMinimal) + "[flink]\n\"taskmanager.memory.flink.size\" = \"1g\"\n", "t.toml");
  CHECK(sized.flink.entries().count("taskmanager.memory.process.size") == 0);
}

TEST_CASE("a bare number or an unknown unit is refused, listing the accepted units") {
  auto errors = errors_of(std::string(kMinimal) + "duration = 60\n");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].field == "traffic.duration");
  CHECK(errors[0].message.find("bare number") != std::string::npos);
  CHECK(errors[0].message.find("ms") != std::string::npos);
  CHECK(errors[0].pos.file == "test.toml");
  CHECK(errors[0].pos.line == 12);
  CHECK(errors[0].pos.column == 12);

  errors = errors_of(std::string(kMinimal) + "duration = \"5 parsecs\"\n");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message.find("'5 parsecs' is not a duration") != std::string::npos);

  CHECK(has_error(errors_of(std::string(kMinimal) + "[network]\nhop_latency = \"-1ms\"\n"),
                  "network.hop_latency", "negative"));
  CHECK(has_error(errors_of(std::string(kMinimal) + "[storage]\nwrite_bandwidth = 100\n"),
                  "storage.write_bandwidth", "bare number"));
}

TEST_CASE("unknown keys are errors with a did-you-mean, named by operator") {
  std::string text = kMinimal;
  text.replace(text.find("cpu_per_record = \"2us\""), 22, "cpu_per_recrod = \"2us\"");
  const auto errors = errors_of(text);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].field == "operator \"map\".cpu_per_recrod");
  CHECK(errors[0].message.find("did you mean 'cpu_per_record'") != std::string::npos);
  CHECK(errors[0].pos.line == 9);
  CHECK(errors[0].pos.column == 1);

  CHECK(has_error(errors_of(std::string(kMinimal) + "[clustr]\ntaskmanagers = 2\n"), "clustr",
                  "did you mean 'cluster'"));
}

TEST_CASE("record_size_distribution: constant or lognormal, never exponential") {
  auto with = [](const std::string& word) {
    std::string text = kMinimal;
    text.replace(text.find("cpu_per_record = \"2us\""), 22,
                 "cpu_per_record = \"2us\"\nrecord_size_distribution = \"" + word + "\"");
    return text;
  };
  const auto varied = read_scenario_text(with("lognormal:0.3"), "test.toml", {});
  REQUIRE(varied.operators[1].record_size_cv.has_value());
  CHECK(*varied.operators[1].record_size_cv == 0.3);
  CHECK_FALSE(varied.operators[0].record_size_cv.has_value());  // unset: as its record_size says
  CHECK(*read_scenario_text(with("constant"), "test.toml", {}).operators[1].record_size_cv == 0.0);

  const auto errors = errors_of(with("exponential"));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].field == "operator \"map\".record_size_distribution");
  CHECK(errors[0].message.find("constant | lognormal:<cv>") != std::string::npos);
  CHECK(errors[0].pos.line == 10);
  CHECK(has_error(errors_of(with("lognormal:0")), "operator \"map\".record_size_distribution",
                  "coefficient of variation"));
  CHECK(has_error(errors_of(with("lognormla")), "operator \"map\".record_size_distribution",
                  "did you mean 'lognormal'"));
}

TEST_CASE("every error in a file is reported, not only the first") {
  std::string text = std::string(kMinimal) +
                     "shape = \"diurnl\"\n"
                     "[cluster]\ntaskmanagers = 0\ncpu_per_taskmanager = \"four\"\n"
                     "[[operator]]\nname = \"map\"\ninputs = [\"srx\"]\n"
                     "[slo]\ntarget_utilization = 1.5\n";
  const auto errors = errors_of(text);
  INFO(render_all(errors));
  CHECK(has_error(errors, "traffic.shape", "did you mean 'diurnal'"));
  CHECK(has_error(errors, "cluster.taskmanagers", "between 1 and"));
  CHECK(has_error(errors, "cluster.cpu_per_taskmanager", "expected a number"));
  CHECK(has_error(errors, "operator \"map\".name", "duplicate operator name"));
  CHECK(has_error(errors, "operator \"map\".inputs", "no operator named 'srx'; did you mean 'src'"));
  CHECK(has_error(errors, "slo.target_utilization", "at most 1"));
  CHECK(errors.size() == 6);
}

TEST_CASE("graph checks: sources without inputs, others with, no negative values") {
  const std::string bad = R"(
[[operator]]
name = "src"
kind = "source"
inputs = ["sink"]
[[operator]]
name = "lonely"
selectivity = -1
parallelism = 0
[[operator]]
name = "sink"
kind = "sink"
inputs = ["src"]
parallelism = 300
max_parallelism = 256
cpu_distribution = "lognormal:-2"
[traffic]
peak = "-5/s"
)";
  const auto errors = errors_of(bad);
  INFO(render_all(errors));
  CHECK(has_error(errors, "operator \"src\".inputs", "a source has no inputs"));
  CHECK(has_error(errors, "operator \"lonely\".inputs", "needs inputs"));
  CHECK(has_error(errors, "operator \"lonely\".selectivity", "at least 0"));
  CHECK(has_error(errors, "operator \"lonely\".parallelism", "between 1 and 32768"));
  CHECK(has_error(errors, "operator \"sink\".parallelism", "above the max parallelism 256"));
  CHECK(has_error(errors, "operator \"sink\".cpu_distribution", "coefficient of variation"));
  CHECK(has_error(errors, "traffic.peak", "negative"));
}

TEST_CASE("pipeline.max-parallelism bounds operators without their own") {
  const auto errors = errors_of(std::string(kMinimal) +
                                "[flink]\n\"parallelism.default\" = 200\n"
                                "\"pipeline.max-parallelism\" = 128\n");
  CHECK(has_error(errors, "operator \"src\".parallelism", "above the max parallelism 128"));
  CHECK(has_error(errors, "operator \"map\".parallelism", "above the max parallelism 128"));
}

TEST_CASE("TOML syntax errors carry TOML++'s position") {
  const auto errors = errors_of("name = \"x\"\n[cluster\ntaskmanagers = 2\n");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].pos.file == "test.toml");
  CHECK(errors[0].pos.line == 2);
  CHECK(errors[0].pos.column > 0);
  CHECK(errors[0].message.find("TOML syntax error") != std::string::npos);
}

TEST_CASE("[flink] values: strings, numbers, booleans; nested keys flatten; lists refused") {
  const Scenario s = read_scenario_text(std::string(kMinimal) +
                                            "[flink]\n"
                                            "\"execution.checkpointing.interval\" = \"30 s\"\n"
                                            "state.backend.type = \"rocksdb\"\n"
                                            "\"taskmanager.memory.network.fraction\" = 0.2\n",
                                        "t.toml");
  CHECK(s.flink.entries().at("state.backend.type").value == "rocksdb");
  CHECK(s.flink.entries().at("taskmanager.memory.network.fraction").value == "0.2");
  CHECK(s.flink.get_duration(options::kCheckpointInterval) == 30 * kSecond);

  CHECK(has_error(errors_of(std::string(kMinimal) + "[flink]\n\"parallelism.default\" = [4]\n"),
                  "flink.parallelism.default", "string, number or boolean"));
}

TEST_CASE("-D beats [flink], which beats --config; warnings for misspelt Flink keys") {
  const auto dir = std::filesystem::temp_directory_path() / "flinksim_reader_test";
  std::filesystem::create_directories(dir);
  const auto config = (dir / "config.yaml").string();
  std::ofstream(config) << "taskmanager:\n  numberOfTaskSlots: 2\nparallelism:\n  default: 3\n";
  ScenarioOverrides o;
  o.config_file = config;
  o.dynamic_properties = {"parallelism.default=5"};
  Diagnostics warnings;
  const Scenario s = read_scenario_text(std::string(kMinimal) +
                                            "[flink]\n\"taskmanager.numberOfTaskSlots\" = 6\n"
                                            "\"parallelism.default\" = 4\n"
                                            "\"taskmanager.numberOfTaskSlot\" = 6\n",
                                        "t.toml", o, &warnings);
  CHECK(s.flink.get_int(options::kNumberOfTaskSlots) == 6);
  CHECK(s.flink.get_int(options::kParallelismDefault) == 5);
  REQUIRE_FALSE(warnings.warnings().empty());
  CHECK(warnings.warnings()[0].message.find("taskmanager.numberOfTaskSlots") != std::string::npos);
  CHECK(warnings.ok());
}

TEST_CASE("--set overrides any field before it is checked") {
  ScenarioOverrides o;
  o.sets = {"cluster.taskmanagers=6", "traffic.peak=200k/s", "operator.map.parallelism=8",
            "operator[0].record_size=1kb", "name=renamed", "flink.parallelism.default=3"};
  const Scenario s = read_scenario_text(kMinimal, "t.toml", o);
  CHECK(s.cluster.taskmanagers == 6);
  CHECK(s.traffic.peak == 200'000);
  CHECK(s.operators[1].parallelism == 8);
  CHECK(s.operators[0].record_size == 1024);
  CHECK(s.name == "renamed");
  CHECK(s.flink.get_int(options::kParallelismDefault) == 3);

  o.sets = {"traffic.peak=5 parsecs", "operator.mapp.parallelism=2", "cluster.taskmanagers=0",
            "nonsense"};
  const auto errors = errors_of(kMinimal, o);
  INFO(render_all(errors));
  CHECK(has_error(errors, "traffic.peak", "'5 parsecs' is not a rate"));
  CHECK(has_error(errors, "operator.mapp.parallelism", "did you mean 'map'"));
  CHECK(has_error(errors, "cluster.taskmanagers", "between 1 and"));
  CHECK(has_error(errors, "nonsense", "path=value"));
  for (const auto& e : errors) CHECK(e.pos.file == "--set");
}

TEST_CASE("trace traffic is read relative to the scenario's folder") {
  const auto dir = std::filesystem::temp_directory_path() / "flinksim_trace_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "rates.csv") << "time,rate\n0,100\n# a comment\n30min,2k/s\n3600,50\n";
  const std::string text = std::string(kMinimal).substr(0, std::string(kMinimal).find("[traffic]")) +
                           "[traffic]\nshape = \"trace\"\ntrace = \"rates.csv\"\n";
  const Scenario s = read_scenario_text(text, (dir / "s.toml").string());
  REQUIRE(s.traffic.trace.size() == 3);
  CHECK(s.traffic.trace[1] == std::make_pair(30 * kMinute, 2000.0));
  CHECK(s.traffic.duration == kHour);
  CHECK(s.traffic.peak == 2000);

  std::ofstream(dir / "bad.csv") << "time,rate\n0,100\n10,lots\n20,5\n15,1\n";
  const std::string bad = text.substr(0, text.find("rates.csv")) + "bad.csv\"\n";
  const auto errors = errors_of(bad, {}, (dir / "s.toml").string());
  INFO(render_all(errors));
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].pos.file == (dir / "bad.csv").string());
  CHECK(errors[0].pos.line == 3);
  CHECK(errors[0].message.find("'lots' is not a rate") != std::string::npos);
  CHECK(errors[1].pos.line == 5);
  CHECK(errors[1].message.find("increase") != std::string::npos);
}

TEST_CASE("shapes of value the reader does not expect are errors, not crashes") {
  // search.taskmanagers = -1 once dereferenced a missing list.
  CHECK(has_error(errors_of(std::string(kMinimal) + "[search]\ntaskmanagers = -1\n"),
                  "search.taskmanagers", "inclusive range"));
  CHECK(has_error(errors_of(std::string(kMinimal) + "[search]\ntaskmanagers = [4, 2]\n"),
                  "search.taskmanagers", "inclusive range"));
  CHECK(has_error(errors_of("operator = 3\n[traffic]\npeak = \"1/s\"\n"), "operator",
                  "[[operator]] tables"));
  ScenarioOverrides o;
  o.sets = {"operator.map=3", "flink.=1"};
  const auto errors = errors_of(kMinimal, o);
  CHECK(has_error(errors, "operator.map", "name a field"));
  CHECK(has_error(errors, "flink.", "name between its dots"));
}
