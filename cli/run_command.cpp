// `flinksim run SCENARIO`: simulates one layout at buffer granularity (sim/engine.h) or fluid
// granularity (sim/fluid_engine.h), as `[simulation] granularity` says (sim/fluid_auto.h), and reports
// Flink's metrics, the latency, the record ledger and the SLOs (../shared/design/cli.md).
//
// Exit 0: every SLO given is met. Exit 1: an SLO is missed (the report is complete all the same).
// Exit 2: bad input. Exit 70 (EX_SOFTWARE): the run did not conserve records — an engine bug,
// reported on stderr with what did not balance.
//
// `--no-timing` leaves `engine.wallSeconds` out of the JSON, so two runs of the same inputs print
// byte-identical documents (tests and golden files use it).
#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "cli/commands.h"
#include "cli/json_output.h"
#include "cli/option_values.h"
#include "cli/report_data.h"
#include "cli/report_html.h"
#include "cli/scenario_loading.h"
#include "model/job_graph.h"
#include "model/units.h"
#include "sim/csv_sink.h"
#include "sim/engine.h"
#include "sim/fluid_auto.h"
#include "sim/fluid_check.h"
#include "sim/report_series.h"
#include "sim/slo_evaluation.h"

namespace flinksim::cli {
namespace {

constexpr int kExitConservation = 70;

constexpr const char* kRunHelp =
    "Simulates the scenario as written and reports throughput, end-to-end latency, Flink's task\n"
    "metrics per vertex, CPU per TaskManager, the record ledger and the SLOs. [simulation]\n"
    "granularity: buffer (an event per network buffer), fluid (events when rates change; latency\n"
    "is then an estimate) or auto (buffer when it fits event_budget). At buffer level checkpoints\n"
    "(barriers, alignment, uploads) and [[failure]]s (downtime, rewind, catch-up) are simulated;\n"
    "at fluid level too, each checkpoint worked out at its trigger from the rates of that moment.\n"
    "At fluid level the run is checked against buffer level over the busiest two minutes (less\n"
    "where [simulation] check_budget events buy less; 0: no check): a Checked line says whether\n"
    "they agree.\n"
    "Exit 0: every SLO met. Exit 1: an SLO missed. Exit 2: bad input. Exit 70: the run lost or\n"
    "made up records (an engine bug).";

struct RunCommandOptions {
  ScenarioOptions scenario;
  bool json = false;
  bool no_timing = false;
  std::string out_dir;
  std::string horizon;
  std::string detection = "heartbeat";
};

double ms(double ns) { return ns / 1e6; }

// A duration that may be missing (−1): ms, or null.
Json ms_or_null(model::Nanos ns) { return ns < 0 ? Json(nullptr) : json_number(ms(static_cast<double>(ns))); }

const char* kind_name(model::FailureKind kind) {
  return kind == model::FailureKind::JobManager ? "jobmanager" : "taskmanager";
}

// Flink's REST checkpoint summary names (counts.completed/failed, end_to_end_duration p50/max,
// state_size of the latest), camelCase; "simulated" false where the granularity does not model them.
Json checkpoints_json(const sim::RunResult& r) {
  const sim::CheckpointSummary& c = r.checkpoints;
  Json j = {{"count", c.completed},
            {"failed", c.failed},
            {"expired", c.expired},
            {"durationP50", json_number(ms(static_cast<double>(c.duration_p50)))},
            {"durationMax", json_number(ms(static_cast<double>(c.duration_max)))},
            {"stateSize", c.state_size},
            {"checkpointedSizeMax", c.checkpointed_size_max},
            {"alignmentMax", json_number(ms(static_cast<double>(c.alignment_max)))},
            {"simulated", c.simulated}};
  return j;
}

// Per failure: the milestones (ms from the start of the run), downtime, simulated catch-up, total;
// null where it did not happen within the run; jobLost with the reason when nothing restarts.
Json recovery_json(const sim::RunResult& r) {
  Json all = Json::array();
  for (const auto& rec : r.recovery) {
    Json j;
    j["failure"] = rec.failure;
    j["kind"] = kind_name(rec.kind);
    if (rec.taskmanager >= 0) j["taskmanager"] = rec.taskmanager;
    j["at"] = json_number(ms(static_cast<double>(rec.at)));
    j["jobLost"] = rec.job_lost;
    if (rec.ran_no_task) j["ranNoTask"] = true;
    if (!rec.reason.empty()) j["reason"] = rec.reason;
    j["detected"] = json_number(ms(static_cast<double>(rec.detected)));
    j["restarted"] = rec.job_lost ? Json(nullptr) : ms_or_null(rec.restarted);
    j["downtime"] = rec.job_lost || rec.restarted < 0 ? Json(nullptr) : json_number(ms(static_cast<double>(rec.downtime)));
    j["catchUp"] = rec.job_lost ? Json(nullptr) : ms_or_null(rec.catch_up);
    j["total"] = rec.job_lost ? Json(nullptr) : ms_or_null(rec.total);
    j["restoredCheckpoint"] = rec.restored_checkpoint;
    j["restoredBytes"] = rec.restored_bytes;
    j["rewoundRecords"] = rec.rewound_records;
    all.push_back(std::move(j));
  }
  return all;
}

using Slo = sim::SloResult;
using sim::evaluate_slos;

// The figures of a fluid check that are apart, one line each: "enrich busy 94 ms/s at buffer
// level, 65 at fluid".
std::vector<std::string> check_differences(const sim::FluidCheck& c) {
  std::vector<std::string> lines;
  const auto levels = [](const sim::CheckedFigure& f, int decimals, const char* unit) {
    return format_fixed(f.buffer, decimals) + unit + " at buffer level, " +
           format_fixed(f.fluid, decimals) + " at fluid";
  };
  if (c.throughput.apart)
    lines.push_back("throughput " + format_count(c.throughput.buffer) + "/s at buffer level, " +
                    format_count(c.throughput.fluid) + "/s at fluid");
  for (const auto& v : c.vertices) {
    if (v.busy.apart) lines.push_back(v.name + " busy " + levels(v.busy, 0, " ms/s"));
    if (v.backpressured.apart)
      lines.push_back(v.name + " back-pressured " + levels(v.backpressured, 0, " ms/s"));
  }
  for (std::size_t t = 0; t < c.taskmanagers.size(); ++t)
    if (c.taskmanagers[t].apart)
      lines.push_back("taskmanager " + std::to_string(t) + " cpu " +
                      format_percent(c.taskmanagers[t].buffer) + " at buffer level, " +
                      format_percent(c.taskmanagers[t].fluid) + " at fluid");
  return lines;
}

Json check_json(const sim::FluidCheck& c, bool timing) {
  if (!c.ran) return {{"ran", false}, {"skipped", c.skipped}};
  const auto both = [](const sim::CheckedFigure& f) {
    return Json{
        {"buffer", json_number(f.buffer)}, {"fluid", json_number(f.fluid)}, {"apart", f.apart}};
  };
  Json vertices = Json::array();
  for (const auto& v : c.vertices)
    vertices.push_back({{"name", v.name},
                        {"busyTimeMsPerSecond", both(v.busy)},
                        {"backPressuredTimeMsPerSecond", both(v.backpressured)}});
  Json tms = Json::array();
  for (std::size_t t = 0; t < c.taskmanagers.size(); ++t)
    tms.push_back({{"id", t}, {"cpuUtilization", both(c.taskmanagers[t])}});
  Json j = {{"ran", true},
            {"agrees", !c.apart()},
            {"start", json_number(static_cast<double>(c.start) / 1e9)},
            {"warmupSeconds", json_number(static_cast<double>(c.warmup) / 1e9)},
            {"seconds", json_number(static_cast<double>(c.window) / 1e9)},
            {"events", c.events},
            {"throughput", both(c.throughput)},
            {"vertices", std::move(vertices)},
            {"taskmanagers", std::move(tms)},
            {"apart", check_differences(c)}};
  if (timing) j["wallSeconds"] = json_number(c.wall_seconds);
  return j;
}

Json to_json(const model::Scenario& scenario, const sim::AutoRun& run, const sim::FluidCheck* check,
             const std::vector<Slo>& slos, bool timing) {
  const sim::RunResult& r = run.result;
  Json doc;
  doc["scenario"] = scenario.name;
  doc["throughput"] = {{"mean", json_number(r.throughput_mean)}, {"max", json_number(r.throughput_max)}};
  doc["latency"] = {{"mean", json_number(ms(r.latency.mean))},
                    {"p50", json_number(ms(r.latency.p50))},
                    {"p99", json_number(ms(r.latency.p99))},
                    {"max", json_number(ms(r.latency.max))},
                    {"count", r.latency.count}};
  if (run.latency_estimate) doc["latency"]["estimate"] = true;  // fluid level: not measured
  if (!r.recovery.empty()) {  // what latencyP99 is held to: records that left outside a recovery
    const sim::LatencySummary& o = r.latency_outside_recovery;
    doc["latency"]["outsideRecovery"] = {{"mean", json_number(ms(o.mean))},
                                         {"p50", json_number(ms(o.p50))},
                                         {"p99", json_number(ms(o.p99))},
                                         {"max", json_number(ms(o.max))},
                                         {"count", o.count}};
  }
  Json vertices = Json::array();
  for (const auto& v : r.vertices) {
    Json j;
    j["name"] = v.name;
    j["parallelism"] = v.parallelism;
    j["busyTimeMsPerSecond"] = json_number(v.busy_ms_per_s);
    j["busyTimeMsPerSecondMax"] = json_number(v.busy_ms_per_s_max);
    j["backPressuredTimeMsPerSecond"] = json_number(v.backpressured_ms_per_s);
    j["idleTimeMsPerSecond"] = json_number(v.idle_ms_per_s);
    j["numRecordsInPerSecond"] = json_number(v.records_in_per_s);
    j["numRecordsOutPerSecond"] = json_number(v.records_out_per_s);
    if (v.pending_records >= 0) j["pendingRecords"] = v.pending_records;
    vertices.push_back(std::move(j));
  }
  doc["vertices"] = std::move(vertices);
  Json tms = Json::array();
  for (std::size_t t = 0; t < r.taskmanagers.size(); ++t) {
    // Peak state on the heap / in managed memory over the run (model/state_model.h's figures).
    tms.push_back({{"id", t},
                   {"cpuUtilization", json_number(r.taskmanagers[t].cpu_utilization)},
                   {"heapUsed", r.taskmanagers[t].heap_used},
                   {"managedUsed", r.taskmanagers[t].managed_used}});
  }
  doc["taskmanagers"] = std::move(tms);
  doc["checkpoints"] = checkpoints_json(r);
  doc["recovery"] = recovery_json(r);
  if (r.job_lost) doc["jobLost"] = true;
  doc["records"] = {{"in", r.records.in},           {"out", r.records.out},
                    {"inFlight", r.records.in_flight}, {"lost", r.records.lost},
                    {"duplicated", r.records.duplicated}, {"created", r.records.created},
                    {"dropped", r.records.dropped}, {"reread", r.records.reread},
                    {"discarded", r.records.discarded}};
  Json slo = Json::object();
  for (const auto& s : slos) {
    slo[s.name] = {{"value", s.value ? json_number(*s.value) : Json(nullptr)},
                   {"limit", json_number(s.limit)},
                   {"met", s.met ? Json(*s.met) : Json(nullptr)}};
  }
  doc["slo"] = std::move(slo);
  Json engine = {{"granularity", sim::to_string(run.granularity)},
                 {"events", r.events},
                 {"simulatedSeconds", json_number(static_cast<double>(r.simulated) / 1e9)}};
  if (timing) engine["wallSeconds"] = json_number(r.wall_seconds);
  if (!r.caveats.empty()) engine["caveats"] = r.caveats;
  if (check) engine["check"] = check_json(*check, timing);
  doc["engine"] = std::move(engine);
  return doc;
}

// "64s" rather than format_duration's "1.067min" for the check's whole seconds under 2 min.
std::string check_length(model::Nanos ns) {
  return ns < 2 * model::kMinute ? std::to_string(ns / model::kSecond) + "s"
                                 : model::format_duration(ns);
}

void print_check(const sim::FluidCheck& c, double run_events, bool timing, std::ostream& out) {
  if (!c.ran) {
    out << "Check      skipped: " << c.skipped << "\n";
    return;
  }
  out << "Checked    against buffer level over " << check_length(c.warmup + c.window)
      << " of the peak (at " << (c.start > 0 ? model::format_duration(c.start) : std::string("0s"))
      << ", the first " << check_length(c.warmup) << " to warm up; "
      << format_count(static_cast<double>(c.events)) << " events"
      << (timing ? ", " + format_fixed(c.wall_seconds, 2) + " s wall" : std::string()) << "): ";
  const auto lines = check_differences(c);
  if (lines.empty()) {
    // The bounds as sim/fluid_check.h sets them: "busy within 20 ms/s or 5%, throughput 2%, cpu
    // 0.02".
    const auto percent = [](double share) {
      return std::to_string(std::lround(share * 100)) + "%";
    };
    out << "agrees (busy within " << format_fixed(sim::kCheckMsPerS, 0) << " ms/s or "
        << percent(sim::kCheckShare) << ", throughput " << percent(sim::kCheckThroughput)
        << ", cpu " << format_fixed(sim::kCheckCpu, 2) << ")\n";
    return;
  }
  out << "APART\n";
  for (const auto& line : lines) out << "             " << line << "\n";
  out << "           the fluid figures may be off as much; granularity = \"buffer\" gives exact "
         "ones (about "
      << format_count(run_events) << " events)\n";
}

void print_summary(const model::Scenario& scenario, const sim::AutoRun& run,
                   const sim::FluidCheck* check, double run_events, const std::vector<Slo>& slos,
                   bool timing, std::ostream& out) {
  const sim::RunResult& r = run.result;
  out << "Scenario   " << scenario.name << "\n";
  out << "Simulated  " << model::format_duration(r.simulated) << " at " << sim::to_string(run.granularity) << " level, " << r.events
      << " events";
  if (timing) out << ", " << format_fixed(r.wall_seconds, 2) << " s wall";
  out << "\n";
  out << "Throughput mean " << model::format_rate(r.throughput_mean) << ", max "
      << model::format_rate(r.throughput_max) << "\n";
  out << "Latency    " << (run.latency_estimate ? "(estimate) " : "") << "mean " << format_fixed(ms(r.latency.mean), 3) << " ms, p50 "
      << format_fixed(ms(r.latency.p50), 3) << " ms, p99 " << format_fixed(ms(r.latency.p99), 3)
      << " ms, max " << format_fixed(ms(r.latency.max), 3) << " ms\n";
  for (const auto& caveat : r.caveats) out << "Caveat     " << caveat << "\n";
  if (check) print_check(*check, run_events, timing, out);
  out << "Records    in " << r.records.in << ", out " << r.records.out << ", in flight "
      << r.records.in_flight << ", lost " << r.records.lost << ", duplicated " << r.records.duplicated;
  if (r.records.reread > 0 || r.records.discarded > 0)
    out << ", read again " << r.records.reread << ", discarded " << r.records.discarded;
  out << "\n";
  if (r.checkpoints.simulated) {
    const auto& c = r.checkpoints;
    out << "Checkpoints " << c.completed << " completed, " << c.failed << " failed";
    if (c.completed > 0)
      out << ", duration p50 " << model::format_duration(c.duration_p50) << ", max "
          << model::format_duration(c.duration_max) << ", state " << model::format_bytes(c.state_size);
    out << "\n";
  }
  for (const auto& rec : r.recovery) {
    out << "Recovery   " << kind_name(rec.kind);
    if (rec.taskmanager >= 0) out << " " << rec.taskmanager;
    out << " lost at " << model::format_duration(rec.at) << ": ";
    if (rec.job_lost) {
      out << "JOB LOST: " << rec.reason << "\n";
      continue;
    }
    if (rec.ran_no_task) {
      out << rec.reason << "\n";
      continue;
    }
    if (rec.restarted < 0) {
      out << "did not restart before the next failure\n";
      continue;
    }
    out << "downtime " << model::format_duration(rec.downtime) << ", catch-up "
        << (rec.catch_up >= 0 ? model::format_duration(rec.catch_up) : std::string("not within the run"))
        << ", total " << (rec.total >= 0 ? model::format_duration(rec.total) : std::string("-"))
        << " (restored checkpoint " << rec.restored_checkpoint << ", " << rec.rewound_records
        << " records read again)\n";
  }
  out << "\n";
  Table vertices({"vertex", "p", "busy ms/s", "backpressured ms/s", "idle ms/s", "in/s", "out/s", "pending"},
                 {Align::Left, Align::Right, Align::Right, Align::Right, Align::Right, Align::Right,
                  Align::Right, Align::Right});
  for (const auto& v : r.vertices) {
    vertices.add_row({v.name, std::to_string(v.parallelism), format_fixed(v.busy_ms_per_s, 0),
                      format_fixed(v.backpressured_ms_per_s, 0), format_fixed(v.idle_ms_per_s, 0),
                      format_count(v.records_in_per_s), format_count(v.records_out_per_s),
                      v.pending_records >= 0 ? format_count(static_cast<double>(v.pending_records)) : ""});
  }
  vertices.print(out);
  out << "\n";
  Table tms({"taskmanager", "cpu"}, {Align::Left, Align::Right});
  for (std::size_t t = 0; t < r.taskmanagers.size(); ++t)
    tms.add_row({std::to_string(t), format_percent(r.taskmanagers[t].cpu_utilization)});
  tms.print(out);
  if (!slos.empty()) {
    out << "\n";
    Table table({"objective", "value", "limit", "met"}, {Align::Left, Align::Right, Align::Right, Align::Left});
    for (const auto& s : slos) {
      // No figure: simulated but none to give (job lost, never caught up, every checkpoint
      // expired), or neither simulated nor estimated.
      const std::string none = s.source.empty() ? "not simulated" : "none";
      table.add_row({s.name, s.value ? format_fixed(*s.value, 3) : none, format_fixed(s.limit, 3),
                     s.met ? (*s.met ? "yes" : "NO") : "-"});
    }
    table.print(out);
  }
}

void run(const RunCommandOptions& options) {
  const model::Scenario scenario = load_scenario(options.scenario);
  sim::RunOptions run_options;
  if (!options.horizon.empty()) {
    const auto horizon = model::parse_duration(options.horizon);
    if (!horizon || *horizon <= 0) {
      model::InputError error;
      error.field = "--horizon";
      error.message = "'" + options.horizon + "' is not a positive duration; " + model::duration_units_hint();
      throw model::InputFailure({error});
    }
    run_options.horizon = *horizon;
  }
  run_options.loss_detection = loss_detection_option(options.detection);
  // Buffer level costs a few events per record and operator; when asked for explicitly over the
  // budget, say so before a long wait (auto goes fluid instead).
  const double estimate = sim::estimated_buffer_events(scenario, run_options.horizon);
  if (scenario.simulation.granularity == model::Granularity::Buffer &&
      estimate > static_cast<double>(scenario.simulation.event_budget))
    std::cerr << "warning: about " << format_count(estimate) << " events at buffer level, over the event budget of "
              << format_count(static_cast<double>(scenario.simulation.event_budget))
              << "; consider granularity = \"auto\" or \"fluid\", or --horizon\n";

  // --out: CSV time series and report.html. The report's slot plan, checkpoints and recoveries
  // come from the analytic assessment of the same scenario (the graph is rebuilt by simulate()).
  std::optional<model::LayoutAssessment> plan;
  std::unique_ptr<sim::CsvMetricsSink> csv;
  std::unique_ptr<sim::ReportSeries> series;
  std::unique_ptr<sim::MetricsTee> tee;
  const model::Nanos horizon = run_options.horizon > 0 ? run_options.horizon : scenario.traffic.duration;
  sim::AutoRun run;
  std::optional<sim::FluidCheck> check;
  try {
    if (!options.out_dir.empty()) {
      plan = model::assess_layout(scenario);
      std::vector<std::string> names;
      for (const auto& v : plan->graph.vertices) names.push_back(v.name);
      csv = std::make_unique<sim::CsvMetricsSink>(options.out_dir, names);
      series = std::make_unique<sim::ReportSeries>(plan->graph, plan->placement.taskmanagers,
                                                   scenario.simulation.metrics_interval, horizon);
      tee = std::make_unique<sim::MetricsTee>(std::vector<sim::MetricsSink*>{csv.get(), series.get()});
      run_options.sink = tee.get();
    }
    run = sim::simulate_auto(scenario, run_options);
    if (csv) csv->finish();
    // At fluid level, the same job at buffer level over the busiest two minutes
    // (sim/fluid_check.h): the figures a caveat may not warn of.
    if (run.granularity == model::Granularity::Fluid && run.result.conserved)
      check = sim::check_fluid(scenario, run_options.horizon);
  } catch (const std::runtime_error& e) {
    if (dynamic_cast<const model::InputFailure*>(&e)) throw;
    std::cerr << "error: " << e.what() << "\n";
    throw Exit{kExitBadInput};
  }
  const sim::FluidCheck* checked = check ? &*check : nullptr;
  const sim::RunResult& result = run.result;
  if (!result.conserved) {
    std::cerr << "internal error: records not conserved (a bug in the engine): "
              << result.conservation_error << "\n";
    throw Exit{kExitConservation};
  }
  const auto slos = evaluate_slos(scenario, result);
  if (series) {
    const Json summary =
        to_json(scenario, run, checked, slos, /*timing=*/false);  // the page stays byte-stable
    const auto points = series->series();
    write_report_html((std::filesystem::path(options.out_dir) / "report.html").string(),
                      run_report_data({&summary, &points, &*plan, horizon, &result}));
  }
  if (options.json) {
    print_json(to_json(scenario, run, checked, slos, !options.no_timing), std::cout);
  } else {
    print_summary(scenario, run, checked, estimate, slos, !options.no_timing, std::cout);
  }
  for (const auto& s : slos)
    if (s.met && !*s.met) throw Exit{kExitNegative};
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto options = std::make_shared<RunCommandOptions>();
  CLI::App* command = app.add_subcommand("run", "simulate one layout");
  command->footer(kRunHelp);
  add_scenario_options(*command, options->scenario);
  command->add_flag("--json", options->json, "print one JSON document on stdout");
  command->add_option("--out", options->out_dir,
                      "write time series CSV files and report.html into this directory");
  command->add_option("--horizon", options->horizon,
                      "simulated time (default: the traffic duration), e.g. 60s, 15min");
  command->add_option("--tm-loss-detection", options->detection, kLossDetectionHelp);
  command->add_flag("--no-timing", options->no_timing,
                    "leave wall-clock time out, so equal inputs print identical output");
  command->callback([options] { run(*options); });
}

}  // namespace flinksim::cli
