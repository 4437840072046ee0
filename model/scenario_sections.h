// Private to the scenario reader: the steps scenario_reader.cpp runs, in its order, over one
// parsed TOML tree. One group of sections of the contract (../shared/design/scenario.md) per file:
//
//   scenario_overrides.cpp   --set path=value, applied to the tree before anything is read
//   scenario_flink.cpp       [flink]: merged into the FlinkConfig, checked, memory defaults
//   scenario_cluster.cpp     [cluster], [storage], [network]
//   scenario_operators.cpp   [[operator]] with its inputs and state; names, inputs, parallelism
//   scenario_traffic.cpp     [traffic] and the trace file of shape = "trace"
//   scenario_experiment.cpp  [[failure]], [simulation], [slo], [search]; failures against the run
//
// A read_* function reads one table and records what is wrong with it; a check_* function is a
// cross-field check, run after every table has been read so that a bad value in one place does
// not hide a problem in another.
#pragma once

#include <string>

#include <toml++/toml.h>

#include "model/diagnostics.h"
#include "model/flink_config.h"
#include "model/scenario.h"
#include "model/scenario_fields.h"

namespace flinksim::model::scenario_reading {

// --set: "path=value" written into `root` (see ScenarioOverrides::sets for the paths).
void apply_set(toml::table& root, const std::string& assignment, Diagnostics& diag);

// Unquoted dotted keys make nested tables; flattening them gives Flink's dotted key again.
void read_flink_table(Reader& r, const toml::table& table, const std::string& prefix,
                      FlinkConfig& config);
// Values of the catalogue options that the model reads, checked now so that validate reports
// them all instead of the first getter that trips.
void check_flink_values(const FlinkConfig& config, Diagnostics& diag);
// kDefaultTmProcessSize / kDefaultJmProcessSize when nothing sizes the memory (scenario_reader.h).
void apply_memory_defaults(FlinkConfig& config);

void read_cluster(Reader& r, const toml::table& t, ClusterSpec& c);
void read_storage(Reader& r, const toml::table& t, StorageSpec& s);
void read_network(Reader& r, const toml::table& t, NetworkSpec& n);

OperatorSpec read_operator(Reader& r, const toml::table& t, int index);
// Unique names, at least one source, sources without inputs, inputs that name an operator.
void check_operators(Reader& r, const Scenario& s);
// Parallelism against max parallelism; `root` gives the position of the offending value.
void check_parallelism(Reader& r, const Scenario& s, const toml::table& root);

void read_traffic(Reader& r, const toml::table& t, TrafficSpec& traffic);

FailureSpec read_failure(Reader& r, const toml::table& t, int index);
void read_simulation(Reader& r, const toml::table& t, SimulationSpec& s);
void read_slo(Reader& r, const toml::table& t, SloSpec& s);
void read_search(Reader& r, const toml::table& t, SearchSpec& s);
// Failures before the end of the run and on a TaskManager that exists; warm-up shorter than it.
void check_failures(Reader& r, const Scenario& s);

}  // namespace flinksim::model::scenario_reading
