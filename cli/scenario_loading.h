// The options every command that reads a scenario shares, and the one way to load it.
//
//   flinksim <command> SCENARIO [-D key=value | -Dkey=value]... [--set path=value]...
//                               [--config FILE]
//
// -D sets a Flink configuration key (overrides the scenario's [flink] table and --config);
// --set overrides any other scenario field (`cluster.taskmanagers=6`, `traffic.peak=200k/s`,
// `operator.enrich.parallelism=8`); --config reads a Flink config.yaml / flink-conf.yaml first,
// under the scenario's [flink] table. See model/scenario_reader.h for the precedence rules.
//
// Usage in a command:
//   auto options = std::make_shared<MyOptions>();       // holds a ScenarioOptions `scenario`
//   add_scenario_options(*command, options->scenario);
//   ... in the callback: model::Scenario s = load_scenario(options->scenario);
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "model/scenario.h"
#include "model/scenario_reader.h"

namespace flinksim::cli {

struct ScenarioOptions {
  std::string path;                             // positional SCENARIO (required)
  std::vector<std::string> dynamic_properties;  // -D, repeatable, "key=value"
  std::vector<std::string> sets;                // --set, repeatable, "path=value"
  std::string config_file;                      // --config; "" = none
};

// Registers SCENARIO, -D, --set and --config on `command`. `options` must outlive parsing.
void add_scenario_options(CLI::App& command, ScenarioOptions& options);

// The -D / --set / --config part of the options as the scenario reader takes it.
model::ScenarioOverrides scenario_overrides(const ScenarioOptions& options);

// Reads and checks the scenario. Prints warnings to stderr as `warning: FILE:LINE:COL: ...`.
// Throws model::InputFailure (every error found) on bad input; main.cpp turns it into exit 2.
// Does not build the job graph: call model::build_job_graph, which also reports cycles.
model::Scenario load_scenario(const ScenarioOptions& options);

}  // namespace flinksim::cli
