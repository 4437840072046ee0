// `flinksim validate SCENARIO`: read and check everything, simulate nothing. Beyond the reader's
// checks it builds the job graph (cycles, forward edges between unequal parallelism) and derives
// TaskManager and JobManager memory as Flink would (a size Flink refuses to start with is bad
// input here too), so that a scenario that validates can be planned and run.
// Stages: the reader reports every error in the file at once; only a file that reads cleanly
// goes on to the graph and memory checks, which again report together (a graph built from a
// half-read file would only add noise).
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/json_output.h"
#include "cli/scenario_loading.h"
#include "model/job_graph.h"
#include "model/memory.h"

namespace flinksim::cli {
namespace {

using namespace flinksim::model;

struct ValidateOptions {
  ScenarioOptions scenario;
  bool json = false;
};

struct Checked {
  JobGraph graph;
  TaskManagerMemory taskmanager;
  JobManagerMemory jobmanager;
};

// A memory error that carries no position gets the position of the memory key the user set, so
// that every error points into a file.
void locate(std::vector<InputError>& errors, const FlinkConfig& config, const OptionDef& size_key) {
  const FlinkConfig::Entry* entry = config.find(size_key);
  for (InputError& e : errors) {
    if (e.pos.file.empty() && entry) e.pos = entry->pos;
  }
}

// Runs `step`, moving any InputFailure into `diag` so that every stage reports.
template <class Step>
void collect(Diagnostics& diag, const FlinkConfig& config, const OptionDef* size_key, Step step) {
  try {
    step();
  } catch (const InputFailure& failure) {
    std::vector<InputError> errors = failure.errors();
    if (size_key) locate(errors, config, *size_key);
    for (const InputError& e : errors) diag.error(e.pos, e.field, e.message);
  }
}

Checked check(const Scenario& scenario) {
  Checked checked;
  Diagnostics diag;
  collect(diag, scenario.flink, nullptr, [&] { checked.graph = build_job_graph(scenario); });
  collect(diag, scenario.flink, &options::kTmProcessSize,
          [&] { checked.taskmanager = derive_taskmanager_memory(scenario.flink); });
  collect(diag, scenario.flink, &options::kJmProcessSize,
          [&] { checked.jobmanager = derive_jobmanager_memory(scenario.flink); });
  throw_if_errors(diag);
  return checked;
}

void run(const ValidateOptions& options) {
  const Scenario scenario = load_scenario(options.scenario);
  const Checked checked = check(scenario);
  const int slots_required = checked.graph.slots_required();
  const int slots_total =
      scenario.cluster.taskmanagers * static_cast<int>(scenario.flink.get_int(options::kNumberOfTaskSlots));
  std::vector<std::string> notes;
  if (slots_required > slots_total) {
    notes.push_back("the job needs " + std::to_string(slots_required) + " slots and the cluster has " +
                    std::to_string(slots_total) +
                    ": Flink would wait slot.request.timeout for more, then fail the job");
  }
  for (const std::string& note : notes) std::cerr << "warning: " << note << "\n";

  if (options.json) {
    Json doc;
    doc["valid"] = true;
    doc["scenario"] = scenario.name;
    doc["operators"] = scenario.operators.size();
    doc["vertices"] = checked.graph.vertices.size();
    doc["slotsRequired"] = slots_required;
    doc["slotsTotal"] = slots_total;
    doc["taskmanagerProcessMemory"] = checked.taskmanager.total_process;
    doc["jobmanagerProcessMemory"] = checked.jobmanager.total_process;
    doc["warnings"] = notes;
    print_json(doc, std::cout);
    return;
  }
  auto count = [](std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
  };
  std::cout << "ok: " << scenario.name << ": " << count(scenario.operators.size(), "operator", "operators")
            << ", " << count(checked.graph.vertices.size(), "vertex", "vertices") << " (chains), "
            << count(static_cast<std::size_t>(slots_required), "slot", "slots") << " required of "
            << slots_total << " ("
            << count(static_cast<std::size_t>(scenario.cluster.taskmanagers), "TaskManager", "TaskManagers")
            << " of " << format_bytes(checked.taskmanager.total_process) << ")\n";
}

}  // namespace

void add_validate_command(CLI::App& app) {
  auto options = std::make_shared<ValidateOptions>();
  CLI::App* command = app.add_subcommand(
      "validate",
      "Read and check a scenario (units, names, graph, Flink memory); simulate nothing. "
      "Exit 0, or exit 2 with every error found");
  add_scenario_options(*command, options->scenario);
  command->add_flag("--json", options->json, "Print one JSON document on stdout");
  command->callback([options] { run(*options); });
}

}  // namespace flinksim::cli
