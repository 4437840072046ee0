// Deployable configuration for a decided layout (a scenario after `recommend`): a Flink
// Kubernetes Operator FlinkDeployment (flink.apache.org/v1beta1) and a Flink ≥1.19 config.yaml,
// both from the scenario's [cluster] and [flink] tables, emitted with yaml-cpp.
//
// Field names follow the operator's CRD (FlinkDeploymentSpec: image, flinkVersion, serviceAccount,
// flinkConfiguration, jobManager/taskManager {replicas, resource {cpu, memory}}, job {jarURI,
// parallelism, upgradeMode, state}). Per-vertex parallelism cannot be written as Flink's
// `pipeline.jobvertex-parallelism-overrides` before the job runs (it is keyed by JobVertexID), so
// it is written as a comment per operator for the job's own setParallelism calls, and
// `parallelism.default` / job.parallelism take the largest.
#pragma once

#include <map>
#include <string>

#include "model/scenario.h"

namespace flinksim::cli {

struct EmitOptions {
  std::string image = "flink:1.20";
  std::string flink_version = "v1_20";  // the operator's FlinkVersion enum
  std::map<std::string, int> parallelism;  // by operator name (recommend's sizing)
};

std::string emit_flinkdeployment(const model::Scenario& scenario, const EmitOptions& options);
// Helm values: the same FlinkDeployment under `flinkDeployment:` ({name, spec}), for a chart that
// templates the resource from its values (`{{ toYaml .Values.flinkDeployment.spec }}`) — the usual
// way teams wrap the operator's CRD in their own chart. There is no official job chart to follow.
std::string emit_helm_values(const model::Scenario& scenario, const EmitOptions& options);
// A config.yaml (flat keys, which Flink ≥1.19's YAML parser accepts beside nested ones).
std::string emit_flink_config(const model::Scenario& scenario, const EmitOptions& options);

}  // namespace flinksim::cli
