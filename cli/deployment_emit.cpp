#include "cli/deployment_emit.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <yaml-cpp/yaml.h>

#include "model/checkpoint_model.h"
#include "model/flink_options.h"

namespace flinksim::cli {
namespace {

// What the deployment's configuration holds: the scenario's [flink] keys, the layout's slots and
// memory, and Flink's Prometheus reporter on 9249 (what calibrate reads back).
std::map<std::string, std::string> flink_configuration(const model::Scenario& scenario, const EmitOptions& options) {
  std::map<std::string, std::string> config;
  for (const auto& [key, entry] : scenario.flink.entries()) config[key] = entry.value;
  config["taskmanager.numberOfTaskSlots"] =
      std::to_string(scenario.flink.get_int(model::options::kNumberOfTaskSlots));
  config["taskmanager.memory.process.size"] =
      std::to_string(scenario.flink.get_memory(model::options::kTmProcessSize) >> 20) + "m";
  config["metrics.reporter.prom.factory.class"] = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";
  config["metrics.reporter.prom.port"] = "9249";
  int largest = 0;
  for (const auto& [name, p] : options.parallelism) largest = std::max(largest, p);
  if (largest > 0) config["parallelism.default"] = std::to_string(largest);
  return config;
}

std::string slug(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c))) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (!out.empty() && out.back() != '-') out += '-';
  }
  out = out.substr(0, 45);  // room for the operator's suffixes within Kubernetes' 63 characters
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "flink-job" : out;
}

std::string memory_text(model::Bytes bytes) { return std::to_string(bytes >> 20) + "m"; }

// The FlinkDeployment's spec (flinkConfiguration values double-quoted: the CRD types them as strings).
void emit_spec(YAML::Emitter& out, const model::Scenario& scenario, const EmitOptions& options) {
  const auto config = flink_configuration(scenario, options);
  const auto checkpoints = model::resolve_checkpoint_settings(scenario.flink);
  int largest = 1;
  for (const auto& [name, p] : options.parallelism) largest = std::max(largest, p);
  out << YAML::BeginMap;
  out << YAML::Key << "image" << YAML::Value << options.image;
  out << YAML::Key << "flinkVersion" << YAML::Value << options.flink_version;
  out << YAML::Key << "serviceAccount" << YAML::Value << "flink";
  out << YAML::Key << "flinkConfiguration" << YAML::Value << YAML::BeginMap;
  for (const auto& [key, value] : config) out << YAML::Key << key << YAML::Value << YAML::DoubleQuoted << value;
  out << YAML::EndMap;
  out << YAML::Key << "jobManager" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "replicas" << YAML::Value << 1;
  out << YAML::Key << "resource" << YAML::Value << YAML::BeginMap << YAML::Key << "memory" << YAML::Value
      << memory_text(scenario.flink.get_memory(model::options::kJmProcessSize)) << YAML::Key << "cpu" << YAML::Value
      << 1.0 << YAML::EndMap;
  out << YAML::EndMap;
  out << YAML::Key << "taskManager" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "replicas" << YAML::Value << scenario.cluster.taskmanagers;
  out << YAML::Key << "resource" << YAML::Value << YAML::BeginMap << YAML::Key << "memory" << YAML::Value
      << memory_text(scenario.flink.get_memory(model::options::kTmProcessSize)) << YAML::Key << "cpu" << YAML::Value
      << scenario.cluster.cpu_per_taskmanager << YAML::EndMap;
  out << YAML::EndMap;
  out << YAML::Key << "job" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "jarURI" << YAML::Value << "local:///opt/flink/usrlib/REPLACE-WITH-YOUR-JOB.jar";
  out << YAML::Key << "parallelism" << YAML::Value << largest;
  out << YAML::Key << "upgradeMode" << YAML::Value << (checkpoints.enabled ? "savepoint" : "stateless");
  out << YAML::Key << "state" << YAML::Value << "running";
  out << YAML::EndMap;
  out << YAML::EndMap;
}

// Comments that follow the resource: HA off, per-operator parallelism.
std::string trailing_comments(const model::Scenario& scenario, const EmitOptions& options) {
  std::string text;
  // The staging review's first finding: say it where the deployment is decided.
  const std::string ha = scenario.flink.get_string(model::options::kHighAvailabilityType);
  if (ha.empty() || ha == "NONE" || ha == "none")
    text += "# high-availability.type is NONE: losing the JobManager loses the job (see\n"
            "# scenarios/jobmanager-loss-no-ha.toml). For production set high-availability.type: kubernetes\n"
            "# and high-availability.storageDir (and jobManager.replicas: 2 for a standby).\n";
  if (!options.parallelism.empty()) {
    text += "# Per-operator parallelism (set in the job with setParallelism, or once it runs with\n"
            "# pipeline.jobvertex-parallelism-overrides: <JobVertexID>:<parallelism>,...):\n";
    for (const auto& [name, p] : options.parallelism) text += "#   " + name + ": " + std::to_string(p) + "\n";
  }
  return text;
}

}  // namespace

std::string emit_flinkdeployment(const model::Scenario& scenario, const EmitOptions& options) {

  YAML::Emitter out;
  out << YAML::Comment("flinksim recommend: " + scenario.name);
  out << YAML::BeginMap;
  out << YAML::Key << "apiVersion" << YAML::Value << "flink.apache.org/v1beta1";
  out << YAML::Key << "kind" << YAML::Value << "FlinkDeployment";
  out << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap << YAML::Key << "name" << YAML::Value
      << slug(scenario.name) << YAML::EndMap;
  out << YAML::Key << "spec" << YAML::Value;
  emit_spec(out, scenario, options);
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n" + trailing_comments(scenario, options);
}

std::string emit_helm_values(const model::Scenario& scenario, const EmitOptions& options) {
  YAML::Emitter out;
  out << YAML::Comment("flinksim recommend: " + scenario.name + " (Helm values: a chart templating a FlinkDeployment)");
  out << YAML::BeginMap << YAML::Key << "flinkDeployment" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << slug(scenario.name);
  out << YAML::Key << "spec" << YAML::Value;
  emit_spec(out, scenario, options);
  out << YAML::EndMap << YAML::EndMap;
  return std::string(out.c_str()) + "\n" + trailing_comments(scenario, options);
}

std::string emit_flink_config(const model::Scenario& scenario, const EmitOptions& options) {
  YAML::Emitter out;
  out << YAML::Comment("flinksim recommend: " + scenario.name + " (Flink >= 1.19 config.yaml)");
  out << YAML::BeginMap;
  for (const auto& [key, value] : flink_configuration(scenario, options))
    out << YAML::Key << key << YAML::Value << YAML::DoubleQuoted << value;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace flinksim::cli
