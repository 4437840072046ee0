// `flinksim sweep SCENARIO... --vary KEY=V1,V2… [--vary …] [--jobs N] [--json] [--out FILE]`:
// the grid of layouts (sim/sweep.h), one CSV or JSON row each; several scenario files are swept
// alike, one after the other (`flinksim sweep a.toml b.toml` with no --vary compares two
// configurations row against row). A progress bar goes to stderr when it is a terminal. With
// --out FILE, the file is written aside and renamed, so it is never half-written, and each row is
// journaled in FILE.partial as it completes (cli/sweep_journal.h): `--resume` takes up an
// interrupted sweep there and writes the same bytes an uninterrupted run would.
// Exit 0: at least one layout is feasible. Exit 1: none is. Exit 2: bad input, or a journal that
// belongs to another sweep.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <tuple>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>

#include "cli/commands.h"
#include "cli/json_output.h"
#include "cli/option_values.h"
#include "cli/report_data.h"
#include "cli/report_html.h"
#include "cli/scenario_loading.h"
#include "cli/sweep_journal.h"
#include "cli/sweep_output.h"
#include "model/layout_assessment.h"
#include "model/scenario_reader.h"
#include "sim/sweep.h"

namespace flinksim::cli {
namespace {

struct SweepCommandOptions {
  std::vector<std::string> scenarios;
  ScenarioOptions overrides;  // -D, --set, --config (its path is unused: several files)
  std::vector<std::string> vary;
  int jobs = 1;
  bool json = false;
  std::string out;
  std::string horizon;
  std::string shard;
  bool resume = false;
};

std::string number(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.10g", value);
  return text;
}

// RFC 4180: quote a cell that holds a comma, a quote or a line break.
std::string csv_cell(const std::string& cell) {
  if (cell.find_first_of(",\"\n\r") == std::string::npos) return cell;
  std::string out = "\"";
  for (char c : cell) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// The objective columns: those the scenario files set (and any a row has), in the order
// evaluate_slos gives them, so every shard of a sweep writes the same header.
std::vector<std::string> slo_names(const std::vector<std::string>& scenarios, const model::ScenarioOverrides& base,
                                   const std::vector<sim::SweepRow>& rows) {
  std::vector<bool> used(4, false);
  const char* kNames[] = {"latencyP99", "utilization", "checkpointDuration", "recovery"};
  for (const auto& file : scenarios) {
    const auto s = model::read_scenario_file(file, base);
    used[0] = used[0] || s.slo.max_latency_p99.has_value();
    used[1] = used[1] || s.slo.target_utilization.has_value();
    used[2] = used[2] || s.slo.max_checkpoint_duration.has_value();
    used[3] = used[3] || s.slo.max_recovery.has_value();
  }
  for (const auto& row : rows)
    for (const auto& slo : row.slos)
      for (int k = 0; k < 4; ++k) used[k] = used[k] || slo.name == kNames[k];
  std::vector<std::string> names;
  for (int k = 0; k < 4; ++k)
    if (used[k]) names.push_back(kNames[k]);
  return names;
}

const sim::SloResult* find_slo(const sim::SweepRow& row, const std::string& name) {
  for (const auto& slo : row.slos)
    if (slo.name == name) return &slo;
  return nullptr;
}

void write_csv(const std::vector<sim::Vary>& vary, const std::vector<std::string>& slos,
               const std::vector<sim::SweepRow>& rows, std::ostream& out) {
  std::vector<std::string> header = {"scenario"};
  for (const auto& v : vary) header.push_back(v.key);
  for (const char* h : {"taskmanagers", "slotsPerTaskmanager", "cpuPerTaskmanager", "memoryPerTaskmanager",
                        "costPerHour", "deploys", "granularity", "throughput", "latencyP99"})
    header.push_back(h);
  for (const auto& name : slos) {
    header.push_back("slo." + name);
    header.push_back("slo." + name + ".limit");
    header.push_back("slo." + name + ".met");
    header.push_back("slo." + name + ".source");
  }
  header.push_back("feasible");
  header.push_back("why");
  header.push_back("caveats");  // how many: the texts are in --json and `run`
  for (std::size_t i = 0; i < header.size(); ++i) out << (i ? "," : "") << csv_cell(header[i]);
  out << "\n";
  for (const auto& row : rows) {
    std::vector<std::string> cells = {row.scenario};
    for (const auto& value : row.values) cells.push_back(value);
    cells.push_back(std::to_string(row.taskmanagers));
    cells.push_back(std::to_string(row.slots_per_taskmanager));
    cells.push_back(number(row.cpu_per_taskmanager));
    cells.push_back(std::to_string(row.memory_per_taskmanager));
    cells.push_back(number(row.cost_per_hour));
    cells.push_back(row.deploys ? "true" : "false");
    cells.push_back(row.granularity);
    cells.push_back(row.simulated ? number(row.throughput) : "");
    cells.push_back(row.simulated ? number(row.latency_p99_ms) : "");
    for (const auto& name : slos) {
      const auto* slo = find_slo(row, name);
      cells.push_back(slo && slo->value ? number(*slo->value) : "");
      cells.push_back(slo ? number(slo->limit) : "");
      cells.push_back(slo && slo->met ? (*slo->met ? "true" : "false") : "");
      cells.push_back(slo ? slo->source : "");
    }
    cells.push_back(row.feasible ? "true" : "false");
    cells.push_back(row.why);
    cells.push_back(std::to_string(row.caveats.size()));
    for (std::size_t i = 0; i < cells.size(); ++i) out << (i ? "," : "") << csv_cell(cells[i]);
    out << "\n";
  }
}

Json rows_json(const std::vector<sim::Vary>& vary, const std::vector<sim::SweepRow>& rows) {
  Json list = Json::array();
  for (const auto& row : rows) {
    Json values = Json::object();
    for (std::size_t i = 0; i < vary.size() && i < row.values.size(); ++i) values[vary[i].key] = row.values[i];
    Json slo = Json::object();
    for (const auto& s : row.slos)
      slo[s.name] = {{"value", s.value ? json_number(*s.value) : Json(nullptr)}, {"limit", json_number(s.limit)},
                     {"met", s.met ? Json(*s.met) : Json(nullptr)}, {"source", s.source}};
    list.push_back({{"scenario", row.scenario},
                    {"values", values},
                    {"taskmanagers", row.taskmanagers},
                    {"slotsPerTaskmanager", row.slots_per_taskmanager},
                    {"cpuPerTaskmanager", json_number(row.cpu_per_taskmanager)},
                    {"memoryPerTaskmanager", row.memory_per_taskmanager},
                    {"costPerHour", json_number(row.cost_per_hour)},
                    {"deploys", row.deploys},
                    {"granularity", row.granularity},
                    {"throughput", row.simulated ? json_number(row.throughput) : Json(nullptr)},
                    {"latencyP99", row.simulated ? json_number(row.latency_p99_ms) : Json(nullptr)},
                    {"slo", slo},
                    {"feasible", row.feasible},
                    {"why", row.why},
                    {"caveats", row.caveats}});
  }
  return list;
}

// "I/N", or "N" with I from JOB_COMPLETION_INDEX (a Kubernetes Indexed Job's pod index).
std::pair<int, int> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  std::string index = slash == std::string::npos ? "" : text.substr(0, slash);
  const std::string count = slash == std::string::npos ? text : text.substr(slash + 1);
  if (index.empty()) {
    const char* env = std::getenv("JOB_COMPLETION_INDEX");
    if (env == nullptr) usage_error("--shard", "'" + text + "' has no index and JOB_COMPLETION_INDEX is not set");
    index = env;
  }
  auto whole = [&](const std::string& s) {
    if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 6)
      usage_error("--shard", "'" + text + "' is not I/N with 0 ≤ I < N");
    return std::stoi(s);
  };
  const int i = whole(index), n = whole(count);
  if (n < 1 || i >= n) usage_error("--shard", "'" + text + "' is not I/N with 0 ≤ I < N");
  return {i, n};
}

// The journal of --out: reuses the rows of an interrupted sweep with --resume, replaces any other
// journal, and says so on stderr. Returns the rows kept.
std::map<std::size_t, sim::SweepRow> open_journal(const SweepCommandOptions& options, const std::vector<sim::Vary>& vary,
                                                  const sim::SweepOptions& sweep_options,
                                                  const std::vector<sim::SweepPoint>& points,
                                                  std::optional<SweepJournal>& journal) {
  const std::string path = journal_path(options.out);
  const Json identity = sweep_identity(options.scenarios, vary, sweep_options, points.size());
  std::map<std::size_t, sim::SweepRow> kept;
  const bool exists = std::filesystem::exists(path);
  if (options.resume && exists) {
    auto contents = read_journal(path);
    kept = resumable_rows(path, contents, identity, points);  // exit 2 when it is another sweep's
    for (const auto& note : contents.dropped) std::cerr << "warning: " << note << "\n";
    std::cerr << "sweep: resuming from " << path << ": " << kept.size() << " of " << points.size()
              << " points already done, " << points.size() - kept.size() << " to run\n";
  } else if (options.resume) {
    std::cerr << "sweep: no journal " << path << " to resume from: running all " << points.size() << " points\n";
  } else if (exists) {
    std::cerr << "sweep: replacing " << path << ", the journal of an earlier sweep that did not finish "
              << "(--resume would continue it instead)\n";
  }
  journal.emplace(path, identity, kept);
  return kept;
}

// --out DIR/ (or an existing folder): the rows go to DIR/sweep.csv (sweep.json with --json) and a
// report.html beside them; any other --out is the rows' file itself.
struct OutPaths {
  std::string rows;    // "" = stdout
  std::string report;  // "" = none
};

OutPaths out_paths(const SweepCommandOptions& options) {
  namespace fs = std::filesystem;
  if (options.out.empty()) return {};
  if (options.out.back() != '/' && !fs::is_directory(options.out)) return {options.out, ""};
  std::error_code ec;
  fs::create_directories(options.out, ec);
  if (ec) usage_error("--out", "cannot create directory " + options.out + ": " + ec.message());
  const fs::path dir(options.out);
  return {(dir / (options.json ? "sweep.json" : "sweep.csv")).string(), (dir / "report.html").string()};
}

// report.html: cost against each objective across the rows, the cheapest feasible ringed, and its
// slot plan (the layout assessed again from its grid point).
void write_sweep_report(const std::string& path, const std::vector<sim::SweepPoint>& points,
                        const std::vector<sim::Vary>& vary, const sim::SweepOptions& sweep_options,
                        const std::vector<sim::SweepRow>& rows) {
  std::optional<std::size_t> chosen;
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (rows[i].feasible && (!chosen || rows[i].cost_per_hour < rows[*chosen].cost_per_hour)) chosen = i;
  std::optional<model::LayoutAssessment> plan;
  if (chosen)
    plan = model::assess_layout(model::read_scenario_file(
        points[*chosen].scenario, sim::point_overrides(sweep_options.base, vary, points[*chosen].values)));
  LayoutsReportInputs in;
  in.kind = "sweep";
  in.scenario = model::read_scenario_file(points.front().scenario, sweep_options.base).name;
  if (points.size() > 1 && points.back().scenario != points.front().scenario) in.scenario += " and others";
  in.rows = &rows;
  for (const auto& v : vary) in.keys.push_back(v.key);
  in.chosen = chosen;
  in.chosen_plan = plan ? &*plan : nullptr;
  write_report_html(path, layouts_report_data(in));
}

void sweep(SweepCommandOptions options) {
  const OutPaths out = out_paths(options);
  options.out = out.rows;
  if (options.resume && options.out.empty())
    usage_error("--resume", "needs --out FILE: the journal of completed rows is kept beside it, in FILE.partial");
  std::vector<sim::Vary> vary;
  for (const auto& text : options.vary) vary.push_back(sim::parse_vary(text));
  sim::SweepOptions sweep_options;
  sweep_options.base = scenario_overrides(options.overrides);
  sweep_options.jobs = options.jobs;
  if (!options.horizon.empty()) sweep_options.horizon = duration_option(options.horizon, "--horizon");
  if (!options.shard.empty()) std::tie(sweep_options.shard_index, sweep_options.shard_count) = parse_shard(options.shard);
  const auto points = sim::sweep_points(options.scenarios, vary, sweep_options);

  std::optional<SweepJournal> journal;
  if (!options.out.empty()) {
    sweep_options.done = open_journal(options, vary, sweep_options, points, journal);
    sweep_options.completed = [&journal](std::size_t point, const sim::SweepRow& row) { journal->append(point, row); };
  }
  if (isatty(STDERR_FILENO)) {
    const std::size_t resumed = sweep_options.done.size();
    sweep_options.progress = [resumed](std::size_t done, std::size_t total) {
      constexpr int kWidth = 30;
      const int filled = static_cast<int>(kWidth * done / std::max<std::size_t>(total, 1));
      std::cerr << "\r[" << std::string(filled, '#') << std::string(kWidth - filled, ' ') << "] " << done << "/"
                << total << (resumed ? " (" + std::to_string(resumed) + " resumed)" : std::string())
                << (done == total ? "\n" : "") << std::flush;
    };
  }
  const auto rows = sim::run_points(points, vary, sweep_options);

  std::ostringstream text;
  if (options.json)
    print_json(sweep_document(rows_json(vary, rows)), text);
  else
    write_csv(vary, slo_names(options.scenarios, sweep_options.base, rows), rows, text);
  write_output(text.str(), options.out);
  if (!out.report.empty() && !points.empty()) write_sweep_report(out.report, points, vary, sweep_options, rows);
  if (journal) journal->remove();  // only once the output is whole
  bool any = false;
  for (const auto& row : rows) any = any || row.feasible;
  if (!any && options.shard.empty()) throw Exit{kExitNegative};  // a shard alone does not answer
}

}  // namespace

void add_sweep_command(CLI::App& app) {
  auto options = std::make_shared<SweepCommandOptions>();
  CLI::App* command = app.add_subcommand("sweep", "simulate a grid of layouts (or compare scenario files)");
  command->footer(
      "--vary KEY=V1,V2,… or KEY=A..B: KEY is a scenario field as --set takes it\n"
      "(cluster.taskmanagers, cluster.cpu_per_taskmanager, operator.<name>.parallelism, traffic.peak)\n"
      "or flink.<Flink key> (flink.taskmanager.numberOfTaskSlots). Several --vary make a grid.\n"
      "Each layout is screened (slots, buffers, memory) and, if it deploys, simulated; rows give\n"
      "its cost per hour ([search] prices), every [slo] figure and `feasible`.\n"
      "--out DIR/ writes DIR/sweep.csv (sweep.json with --json) and DIR/report.html (cost against\n"
      "each objective across the layouts, the cheapest feasible marked).\n"
      "With --out FILE, completed rows are journaled in FILE.partial; --resume continues an\n"
      "interrupted sweep from there and writes what an uninterrupted run would.\n"
      "Exit 0: some layout is feasible. Exit 1: none is. Exit 2: bad input, or a journal of\n"
      "another sweep given to --resume.");
  command->add_option("SCENARIO", options->scenarios, "scenario TOML file(s)")->required();
  command->add_option("-D", options->overrides.dynamic_properties, "Flink configuration key=value for every layout")
      ->allow_extra_args(false);
  command->add_option("--set", options->overrides.sets, "scenario field path=value for every layout")->allow_extra_args(false);
  command->add_option("--config", options->overrides.config_file, "Flink config.yaml / flink-conf.yaml read first");
  command->add_option("--vary", options->vary, "KEY=V1,V2,… or KEY=A..B (repeatable: a grid)")->allow_extra_args(false);
  command->add_option("--jobs", options->jobs, "layouts simulated in parallel (default 1)")->check(CLI::PositiveNumber);
  command->add_flag("--json", options->json, "one JSON document instead of CSV");
  command->add_option("--out", options->out,
                      "write to FILE (aside, then renamed) instead of stdout; DIR/ (or a folder): DIR/sweep.csv "
                      "(.json) and DIR/report.html");
  command->add_option("--horizon", options->horizon, "simulated time per layout (default: the traffic duration)");
  command->add_option("--shard", options->shard,
                      "I/N: only this share of the rows (N alone: I from JOB_COMPLETION_INDEX); join with `merge`");
  command->add_flag("--resume", options->resume,
                    "continue the interrupted sweep journaled beside --out (FILE.partial) where it stopped");
  command->callback([options] { sweep(*options); });
}

}  // namespace flinksim::cli
