#include "cli/scenario_loading.h"

#include <iostream>

#include "model/diagnostics.h"
#include "model/scenario_reader.h"

namespace flinksim::cli {

void add_scenario_options(CLI::App& command, ScenarioOptions& options) {
  command.add_option("SCENARIO", options.path, "Scenario TOML file (see scenarios/)")
      ->required();
  // A short option takes an attached value too, so both `-Dkey=value` and `-D key=value` work.
  command.add_option("-D", options.dynamic_properties,
                     "Flink configuration key=value (overrides [flink] and --config)")
      ->allow_extra_args(false);
  command.add_option("--set", options.sets,
                     "Override a scenario field: path=value, e.g. cluster.taskmanagers=6, "
                     "traffic.peak=200k/s, operator.enrich.parallelism=8")
      ->allow_extra_args(false);
  command.add_option("--config", options.config_file,
                     "Flink config.yaml / flink-conf.yaml read before the scenario's [flink]");
}

model::ScenarioOverrides scenario_overrides(const ScenarioOptions& options) {
  model::ScenarioOverrides overrides;
  if (!options.config_file.empty()) overrides.config_file = options.config_file;
  overrides.dynamic_properties = options.dynamic_properties;
  overrides.sets = options.sets;
  return overrides;
}

model::Scenario load_scenario(const ScenarioOptions& options) {
  const model::ScenarioOverrides overrides = scenario_overrides(options);
  model::Diagnostics warnings;
  model::Scenario scenario;
  try {
    scenario = model::read_scenario_file(options.path, overrides, &warnings);
  } catch (...) {
    for (const auto& w : warnings.warnings()) std::cerr << "warning: " << w.render() << "\n";
    throw;
  }
  for (const auto& w : warnings.warnings()) std::cerr << "warning: " << w.render() << "\n";
  return scenario;
}

}  // namespace flinksim::cli
