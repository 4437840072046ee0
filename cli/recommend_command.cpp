// `flinksim recommend SCENARIO [--json] [--emit flinkdeployment|helm|flink-config] [--out DIR]`: the cheapest
// layout of the scenario's [search] space that meets every [slo] (sim/recommend.h), with the
// objective that decided it, the next-cheaper alternatives and why they fail, and how many
// layouts were simulated against how many the space holds. --emit prints the deployable YAML
// for the recommended layout on stdout (the summary then goes to stderr).
// Exit 0: a layout meets every objective. Exit 1: none does (and what would be needed). Exit 2: bad input.
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>
#include <memory>

#include "cli/commands.h"
#include "cli/deployment_emit.h"
#include "cli/json_output.h"
#include "cli/option_values.h"
#include "cli/report_data.h"
#include "cli/report_html.h"
#include "cli/atomic_file.h"
#include "cli/scenario_loading.h"
#include "model/scenario_reader.h"
#include "sim/recommend.h"

namespace flinksim::cli {
namespace {

struct RecommendCommandOptions {
  ScenarioOptions scenario;
  bool json = false;
  std::string emit;
  std::string out_dir;
};

Json layout_json(const sim::Layout& layout, double cost) {
  Json parallelism = Json::object();
  for (const auto& [name, p] : layout.parallelism) parallelism[name] = p;
  return {{"taskmanagers", layout.taskmanagers}, {"slotsPerTaskmanager", layout.slots_per_taskmanager},
          {"cpuPerTaskmanager", json_number(layout.cpu_per_taskmanager)},
          {"memoryPerTaskmanager", layout.memory_per_taskmanager}, {"parallelism", parallelism},
          {"costPerHour", json_number(cost)}};
}

Json to_json(const sim::Recommendation& rec) {
  Json doc;
  doc["recommendation"] = rec.found ? layout_json(rec.layout, rec.row.cost_per_hour) : Json(nullptr);
  doc["binding"] = rec.binding;
  Json slo = Json::object();
  for (const auto& s : rec.row.slos)
    slo[s.name] = {{"value", s.value ? json_number(*s.value) : Json(nullptr)}, {"limit", json_number(s.limit)},
                   {"met", s.met ? Json(*s.met) : Json(nullptr)}, {"source", s.source}};
  doc["slo"] = slo;
  Json alternatives = Json::array();
  for (const auto& a : rec.alternatives) {
    Json alt = layout_json(a.layout, a.cost_per_hour);
    alt["fails"] = a.fails;
    alt["why"] = a.why;
    alt["simulated"] = a.simulated;
    alternatives.push_back(alt);
  }
  doc["alternatives"] = alternatives;
  doc["evaluated"] = rec.evaluated;
  doc["considered"] = rec.considered;
  if (!rec.found) doc["needed"] = rec.needed;
  return doc;
}

void print_summary(const sim::Recommendation& rec, std::ostream& out) {
  if (!rec.found) {
    out << "no recommendation: " << rec.needed << "\n";
  } else {
    const auto& l = rec.layout;
    out << "recommendation: " << l.taskmanagers << " TaskManagers × " << l.slots_per_taskmanager << " slots, "
        << format_fixed(l.cpu_per_taskmanager, 1) << " cores, " << model::format_bytes(l.memory_per_taskmanager)
        << " each, " << format_fixed(rec.row.cost_per_hour, 3) << " per hour\n";
    out << "  parallelism:";
    for (const auto& [name, p] : l.parallelism) out << " " << name << "=" << p;
    out << "\n  binding: " << rec.binding << "\n";
    for (const auto& s : rec.row.slos)
      out << "  " << s.name << ": " << (s.value ? model::format_slo_value(s.name, *s.value) : std::string("-"))
          << " (limit " << model::format_slo_value(s.name, s.limit) << ", " << s.source << ")\n";
  }
  if (!rec.alternatives.empty()) {
    out << "cheaper layouts and why they fail:\n";
    for (const auto& a : rec.alternatives)
      out << "  " << a.layout.taskmanagers << " × " << a.layout.slots_per_taskmanager << " slots, "
          << format_fixed(a.layout.cpu_per_taskmanager, 1) << " cores, " << model::format_bytes(a.layout.memory_per_taskmanager)
          << " (" << format_fixed(a.cost_per_hour, 3) << "/h): " << a.fails << " — " << a.why << "\n";
  }
  out << "evaluated " << rec.evaluated << " simulations of " << rec.considered << " layouts considered\n";
}

// --out DIR: report.html (cost against each objective across the layouts examined, the
// recommendation marked, its slot plan) and recommendation.json (the --json document).
void write_report(const RecommendCommandOptions& options, const model::ScenarioOverrides& base,
                  const sim::Recommendation& rec) {
  std::optional<model::LayoutAssessment> plan;
  std::optional<std::size_t> chosen;
  if (rec.found) {
    plan = model::assess_layout(model::read_scenario_file(options.scenario.path, sim::layout_overrides(base, rec.layout)));
    for (std::size_t i = 0; i < rec.examined.size(); ++i)
      if (rec.examined[i].feasible && rec.examined[i].granularity == "buffer") chosen = i;
  }
  LayoutsReportInputs in;
  in.kind = "recommend";
  in.scenario = model::read_scenario_file(options.scenario.path, base).name;
  in.rows = &rec.examined;
  in.chosen = chosen;
  in.chosen_plan = plan ? &*plan : nullptr;
  in.found = rec.found;
  in.binding = rec.binding;
  in.needed = rec.needed;
  in.evaluated = rec.evaluated;
  in.considered = rec.considered;
  std::error_code ec;
  std::filesystem::create_directories(options.out_dir, ec);
  if (ec) throw std::runtime_error("cannot create directory " + options.out_dir + ": " + ec.message());
  const std::filesystem::path dir(options.out_dir);
  write_report_html((dir / "report.html").string(), layouts_report_data(in));
  std::ostringstream json;
  print_json(to_json(rec), json);
  write_file_atomically((dir / "recommendation.json").string(), json.str());
}

void recommend(const RecommendCommandOptions& options) {
  if (!options.emit.empty() && options.emit != "flinkdeployment" && options.emit != "helm" &&
      options.emit != "flink-config")
    usage_error("--emit", "'" + options.emit + "' is not one of flinkdeployment, helm, flink-config");
  if (!options.emit.empty() && options.json) usage_error("--emit", "--emit and --json both want stdout; pick one");
  const model::ScenarioOverrides base = scenario_overrides(options.scenario);
  load_scenario(options.scenario);  // warnings and errors once, as every command reports them
  sim::RecommendOptions recommend_options;
  recommend_options.base = base;
  const sim::Recommendation rec = sim::recommend(options.scenario.path, recommend_options);
  if (!options.out_dir.empty()) write_report(options, base, rec);

  if (options.json) {
    print_json(to_json(rec), std::cout);
  } else if (!options.emit.empty()) {
    print_summary(rec, std::cerr);
    if (rec.found) {
      const model::Scenario decided =
          model::read_scenario_file(options.scenario.path, sim::layout_overrides(base, rec.layout));
      EmitOptions emit;
      emit.parallelism = rec.layout.parallelism;
      std::cout << (options.emit == "flinkdeployment" ? emit_flinkdeployment(decided, emit)
                    : options.emit == "helm"          ? emit_helm_values(decided, emit)
                                                      : emit_flink_config(decided, emit));
    }
  } else {
    print_summary(rec, std::cout);
  }
  if (!rec.found) throw Exit{kExitNegative};
}

}  // namespace

void add_recommend_command(CLI::App& app) {
  auto options = std::make_shared<RecommendCommandOptions>();
  CLI::App* command = app.add_subcommand("recommend", "the cheapest layout that meets every SLO, with why");
  command->footer(
      "Searches [search] (taskmanagers range, slots, cpu and memory per TaskManager) with per-vertex\n"
      "parallelism sized as Flink's autoscaler sizes it (demand / (true processing rate x\n"
      "slo.target_utilization), aligned to key groups and Kafka partitions); screens analytically,\n"
      "simulates the cheapest candidates at fluid level over the whole traffic profile and confirms\n"
      "at buffer level over the peak window. Exit 0: found. Exit 1: nothing in the space meets every\n"
      "objective. Exit 2: bad input.");
  add_scenario_options(*command, options->scenario);
  command->add_flag("--json", options->json, "one JSON document on stdout");
  command->add_option("--emit", options->emit, "print deployable YAML: flinkdeployment | helm | flink-config");
  command->add_option("--out", options->out_dir, "write report.html and recommendation.json into this directory");
  command->callback([options] { recommend(*options); });
}

}  // namespace flinksim::cli
