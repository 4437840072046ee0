// Reads a scenario TOML file (../shared/design/scenario.md) into a model::Scenario.
//
// Order of precedence, lowest first (each later source overrides the earlier):
//   Flink defaults < --config FILE (config.yaml / flink-conf.yaml) < the scenario's [flink] table
//   < -D dynamic properties;   and for every other field: the scenario file < --set overrides.
// `--set` overrides are applied to the parsed TOML table before it is interpreted, so an
// overridden value gets exactly the same checks as one written in the file (its errors say
// `--set` instead of a line and column).
//
// Defaults the reader fills in when nothing sets them:
//  - TaskManager memory: when neither the scenario nor the config file nor -D sets any of
//    taskmanager.memory.{process,flink}.size or the task-heap + managed pair,
//    `taskmanager.memory.process.size` = 1728m, the value of the config.yaml that Flink ships
//    (Flink itself refuses to start without one of them). Likewise
//    `jobmanager.memory.process.size` = 1600m. The defaults carry SourcePos{file: "(flinksim
//    default: Flink's shipped config.yaml)"} so a memory error can say where the value came from.
//  - shape = "trace": the CSV named by `traffic.trace` is read relative to the scenario's folder.
//
// Error policy: every problem in a file is collected (TOML syntax errors stop at the first, as
// TOML++ does); the reader then throws InputFailure carrying all of them. Warnings (e.g. a
// [flink] key one typo away from a known key) are returned through `warnings`, never thrown.
// Each error names file:line:column and the field, e.g. `operator "enrich".cpu_per_record`.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/diagnostics.h"
#include "model/scenario.h"

namespace flinksim::model {

struct ScenarioOverrides {
  std::optional<std::string> config_file;       // --config: a Flink config.yaml / flink-conf.yaml
  std::vector<std::string> dynamic_properties;  // -D: "key=value", applied to [flink] last
  // --set: "path=value" for any other field. Paths: `cluster.taskmanagers`, `traffic.peak`,
  // `name`, `operator.<name>.<field>` (by operator name) or `operator[<i>].<field>` (0-based),
  // `slo.max_latency_p99`, ... Values are TOML values (`6`, `0.5`, `true`, `[1, 2]`), and anything
  // that is not a TOML value is taken as a string (`200k/s`, `4g`), so no shell quoting is needed.
  std::vector<std::string> sets;
};

// Throws InputFailure with every error found. `warnings` (optional) receives the warnings.
Scenario read_scenario_file(const std::string& path, const ScenarioOverrides& overrides = {},
                            Diagnostics* warnings = nullptr);

// As read_scenario_file, from text; `source_path` names it in errors and is the folder against
// which a trace file is resolved.
Scenario read_scenario_text(std::string_view toml, const std::string& source_path,
                            const ScenarioOverrides& overrides = {},
                            Diagnostics* warnings = nullptr);

// The TaskManager / JobManager memory defaults described above, as the reader applies them.
inline constexpr std::string_view kDefaultTmProcessSize = "1728m";
inline constexpr std::string_view kDefaultJmProcessSize = "1600m";

}  // namespace flinksim::model
