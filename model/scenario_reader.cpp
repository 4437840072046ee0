// Reading a scenario in three passes over one TOML tree: parse (syntax errors stop here, as
// TOML++ stops at the first), apply --set overrides to the tree, then interpret every table,
// collecting every error before throwing. Cross-field checks (names, inputs, parallelism against
// max parallelism, failures against the cluster) run after all tables are read, so a bad value
// in one place does not hide a problem in another.
//
// This file holds the order of those steps; each section of the contract is read in its own
// file (listed in scenario_sections.h), with the shared field readers of scenario_fields.h.
#include "model/scenario_reader.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

#include "model/scenario_sections.h"

namespace flinksim::model {
namespace {

using namespace scenario_reading;  // the steps of scenario_sections.h

// [[key]] tables, each read by `one` (reader, table, index).
template <class T>
void read_tables(Reader& r, const toml::table& root, std::string_view key, std::vector<T>& out,
                 T (*one)(Reader&, const toml::table&, int)) {
  const toml::node* node = root.get(key);
  if (!node) return;
  const toml::array* array = node->as_array();
  if (!array || !array->is_array_of_tables()) {
    r.error(*node, std::string(key), "expected [[" + std::string(key) + "]] tables");
    return;
  }
  for (std::size_t i = 0; i < array->size(); ++i) {
    out.push_back(one(r, *array->get(i)->as_table(), static_cast<int>(i)));
  }
}

Scenario interpret(Reader& r, toml::table& root, const ScenarioOverrides& overrides) {
  Scenario s;
  s.path = r.file();
  s.name = std::filesystem::path(r.file()).stem().string();
  for (const std::string& assignment : overrides.sets) apply_set(root, assignment, r.diag());

  r.check_keys(root, {"name", "seed", "cluster", "flink", "storage", "network", "operator",
                      "traffic", "failure", "simulation", "slo", "search"},
               "");
  assign(s.name, r.string(root, "name", ""));
  assign_cast(s.seed, r.integer(root, "seed", "", 0));

  if (overrides.config_file) load_flink_config_file(*overrides.config_file, s.flink, r.diag());
  if (const toml::table* t = r.table(root, "flink", "")) read_flink_table(r, *t, "", s.flink);
  apply_dynamic_properties(overrides.dynamic_properties, s.flink, r.diag());
  s.flink.check_keys(r.diag());
  apply_memory_defaults(s.flink);
  check_flink_values(s.flink, r.diag());

  if (const toml::table* t = r.table(root, "cluster", "")) read_cluster(r, *t, s.cluster);
  if (const toml::table* t = r.table(root, "storage", "")) read_storage(r, *t, s.storage);
  if (const toml::table* t = r.table(root, "network", "")) read_network(r, *t, s.network);
  read_tables(r, root, "operator", s.operators, read_operator);
  if (const toml::table* t = r.table(root, "traffic", "")) {
    read_traffic(r, *t, s.traffic);
  } else if (!root.contains("traffic")) {
    r.error(SourcePos{r.file(), 0, 0}, "traffic", "missing [traffic]: what arrives at the sources");
  }
  read_tables(r, root, "failure", s.failures, read_failure);
  if (const toml::table* t = r.table(root, "simulation", "")) read_simulation(r, *t, s.simulation);
  if (const toml::table* t = r.table(root, "slo", "")) read_slo(r, *t, s.slo);
  if (const toml::table* t = r.table(root, "search", "")) read_search(r, *t, s.search);

  check_operators(r, s);
  check_parallelism(r, s, root);
  check_failures(r, s);
  return s;
}

}  // namespace

Scenario read_scenario_text(std::string_view toml, const std::string& source_path,
                            const ScenarioOverrides& overrides, Diagnostics* warnings) {
  Diagnostics diag;
  toml::table root;
  try {
    root = toml::parse(toml, source_path);
  } catch (const toml::parse_error& e) {
    diag.error({source_path, static_cast<int>(e.source().begin.line),
                static_cast<int>(e.source().begin.column)},
               "", "TOML syntax error: " + std::string(e.description()));
    throw_if_errors(diag);
  }
  Reader reader(source_path, diag);
  Scenario scenario = interpret(reader, root, overrides);
  if (warnings) {
    for (const InputError& w : diag.warnings()) warnings->warning(w.pos, w.field, w.message);
  }
  throw_if_errors(diag);
  return scenario;
}

Scenario read_scenario_file(const std::string& path, const ScenarioOverrides& overrides,
                            Diagnostics* warnings) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    Diagnostics diag;
    diag.error({path, 0, 0}, "", "cannot read the scenario file");
    throw_if_errors(diag);
  }
  std::ostringstream text;
  text << in.rdbuf();
  return read_scenario_text(text.str(), path, overrides, warnings);
}

}  // namespace flinksim::model
