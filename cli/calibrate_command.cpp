// flinksim calibrate (--url URL | --from DIR | --prometheus URL|FILE) [--job ID] --out SCENARIO:
// read a live or saved cluster, fit per-vertex costs (calibrate/fit.h), print the fit table (or
// JSON with --json) and write a commented scenario TOML that `flinksim validate` and `run` accept.
// A remote that cannot be read ends with exit 3 after the reason on stderr.
#include <filesystem>
#include <iostream>
#include <sstream>

#include "calibrate/prometheus_text.h"
#include "calibrate/remote_error.h"
#include "calibrate/sampling.h"
#include "calibrate/scenario_emit.h"
#include "cli/atomic_file.h"
#include "cli/commands.h"
#include "cli/option_values.h"
#include "cli/json_output.h"
#include "model/diagnostics.h"
#include "model/scenario_reader.h"
#include "model/units.h"

namespace flinksim::cli {
namespace {

// What decided a TaskManager's saturation (calibrate/fit.h), as the table and JSON name it.
const char* evidence_name(calibrate::SaturationEvidence e) {
  switch (e) {
    case calibrate::SaturationEvidence::CpuTime: return "cpuTime";
    case calibrate::SaturationEvidence::Load: return "cpuLoad";
    case calibrate::SaturationEvidence::None: return "demand";
  }
  return "demand";
}

struct CalibrateOptions {
  calibrate::LiveOptions live;
  std::string from;
  std::vector<std::string> prometheus;
  std::optional<std::string> job;
  std::string out;
  bool json = false;
  std::string interval = "10s";
  std::string timeout = "30s";
};

std::string read_scrape(const std::string& where, const CalibrateOptions& options) {
  if (where.rfind("http://", 0) == 0 || where.rfind("https://", 0) == 0) {
    calibrate::HttpOptions http;
    http.ca_file = options.live.ca_file;
    calibrate::HttpClient client(http, calibrate::Credentials::load(options.live.token_file,
                                                                    options.live.header_file));
    auto response = client.get(where);
    if (response.status != 200)
      throw calibrate::RemoteError(
          response.status == 401 || response.status == 403 ? calibrate::RemoteFailure::AuthRefused
                                                            : calibrate::RemoteFailure::HttpStatus,
          "GET " + calibrate::redact_url(where) + " answered HTTP " + std::to_string(response.status) +
              (response.status == 401 || response.status == 403 ? std::string(": ") + calibrate::kAuthHint : ""));
    return response.body;
  }
  std::ifstream in(where, std::ios::binary);
  if (!in) usage_error("--prometheus", "cannot read " + where);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<calibrate::Sample> collect(const CalibrateOptions& options, std::string& described) {
  std::vector<calibrate::Sample> samples;
  if (!options.live.url.empty()) {
    samples = calibrate::take_live_samples(options.live, options.job, true);
    described = calibrate::redact_url(options.live.url);
  } else if (!options.from.empty()) {
    for (const auto& dir : calibrate::snapshot_folders(options.from)) {
      calibrate::SnapshotRestSource snapshot(dir);
      samples.push_back(calibrate::read_sample(snapshot, options.job));
    }
    described = "snapshot " + options.from;
  }
  for (const auto& where : options.prometheus) {
    const auto metrics = calibrate::flink_metrics_from_scrape(
        calibrate::parse_prometheus_text(read_scrape(where, options)),
        samples.empty() ? options.job.value_or("") : samples.back().job.jid);
    if (samples.empty()) {
      calibrate::Sample sample;
      sample.job = calibrate::job_from_prometheus(metrics);
      for (const auto& [tm, values] : metrics.taskmanagers)
        sample.cluster.taskmanagers.push_back({tm, 0, 0, 0, 0, {}, values});
      samples.push_back(std::move(sample));
      described = "Prometheus " + calibrate::redact_url(where);
    } else {
      calibrate::merge_prometheus(metrics, samples.back().job, samples.back().cluster);
      described += " + Prometheus " + calibrate::redact_url(where);
    }
  }
  return samples;
}

std::string us(double ns) { return format_fixed(ns / 1000.0, 2) + "us"; }

void print_table(const calibrate::FitResult& fit, std::ostream& out) {
  Table table({"vertex", "p", "rate in", "cpu/record", "busiest (MAX)", "TPR", "skew max/mean",
               "zipf", "selectivity", "record size", "LSQ slope", "residual", "contention"},
              {Align::Left, Align::Right, Align::Right, Align::Right, Align::Right, Align::Right,
               Align::Right, Align::Right, Align::Right, Align::Right, Align::Right, Align::Right,
               Align::Right});
  for (const auto& v : fit.vertices) {
    table.add_row({v.name, std::to_string(v.parallelism), format_count(v.input_rate) + "/s",
                   v.measured ? us(v.cost_ns) : "-", v.measured ? us(v.cost_busiest_ns) : "-",
                   v.tpr > 0 ? format_count(v.tpr) + "/s" : "-", format_fixed(v.rate_spread, 3),
                   v.key_skew ? format_fixed(*v.key_skew, 2) : "-",
                   v.selectivity ? format_fixed(*v.selectivity, 3) : "-",
                   v.record_size ? format_fixed(*v.record_size, 0) + " B" : "-",
                   v.points > 0 ? us(v.lsq_slope_ns) : "-",
                   v.points > 0 ? format_fixed(v.residual_ms, 2) + " ms/s" : "-",
                   format_fixed(v.contention_factor, 3)});
  }
  table.print(out);
  Table tms({"taskmanager", "cores", "busy demand", "cores used", "CPU load", "saturated", "decided by", "busy scaled by"},
            {Align::Left, Align::Right, Align::Right, Align::Right, Align::Right, Align::Left, Align::Left, Align::Right});
  for (const auto& tm : fit.taskmanagers)
    tms.add_row({tm.id, format_fixed(tm.cores, 1), format_fixed(tm.demand, 2),
                 tm.cores_used ? format_fixed(*tm.cores_used, 2) : "-",
                 tm.cpu_load ? format_percent(*tm.cpu_load) : "-", tm.saturated ? "yes" : "no",
                 evidence_name(tm.evidence), format_fixed(tm.factor, 3)});
  out << "\n";
  tms.print(out);
}

Json fit_json(const calibrate::FitResult& fit, const std::string& source, const std::string& out_path) {
  Json doc;
  doc["source"] = source;
  if (!out_path.empty()) doc["scenario"] = out_path;
  doc["vertices"] = Json::array();
  for (const auto& v : fit.vertices) {
    Json j;
    j["id"] = v.id;
    j["name"] = v.name;
    j["parallelism"] = v.parallelism;
    j["measured"] = v.measured;
    j["numRecordsInPerSecond"] = json_number(v.input_rate);
    j["cpuPerRecord"] = json_number(v.cost_ns);
    j["cpuPerRecordUncorrected"] = json_number(v.cost_uncorrected_ns);
    j["cpuPerRecordBusiest"] = json_number(v.cost_busiest_ns);
    j["trueProcessingRate"] = json_number(v.tpr);
    j["trueProcessingRateBusiest"] = json_number(v.tpr_busiest);
    if (v.source_max_rate > 0) j["sourceMaxRate"] = json_number(v.source_max_rate);
    j["rateSpread"] = json_number(v.rate_spread);
    j["rateCv"] = json_number(v.rate_cv);
    j["keySkew"] = v.key_skew ? json_number(*v.key_skew) : Json();
    j["selectivity"] = v.selectivity ? json_number(*v.selectivity) : Json();
    j["recordSize"] = v.record_size ? json_number(*v.record_size) : Json();
    j["lsqSlope"] = json_number(v.lsq_slope_ns);
    j["lsqIntercept"] = json_number(v.lsq_intercept_ms);
    j["residual"] = json_number(v.residual_ms);
    j["points"] = v.points;
    j["contentionFactor"] = json_number(v.contention_factor);
    j["notes"] = v.notes;
    doc["vertices"].push_back(j);
  }
  doc["warnings"] = fit.warnings;
  doc["taskmanagers"] = Json::array();
  for (const auto& tm : fit.taskmanagers) {
    Json j;
    j["id"] = tm.id;
    j["cores"] = json_number(tm.cores);
    j["busyDemand"] = json_number(tm.demand);
    j["coresUsed"] = tm.cores_used ? json_number(*tm.cores_used) : Json();
    j["cpuLoad"] = tm.cpu_load ? json_number(*tm.cpu_load) : Json();
    j["saturationEvidence"] = evidence_name(tm.evidence);
    j["saturated"] = tm.saturated;
    j["factor"] = json_number(tm.factor);
    doc["taskmanagers"].push_back(j);
  }
  return doc;
}

// Writes aside and renames, after checking that the scenario reads back (a calibrated scenario
// that `validate` refuses is a bug here, reported as one).
void write_scenario(const std::string& text, const std::string& path) {
  model::read_scenario_text(text, path);
  write_file_atomically(path, text);
}

void run(CalibrateOptions& options) {
  const int sources = !options.live.url.empty() + !options.from.empty();
  if (sources > 1 || (sources == 0 && options.prometheus.empty()))
    usage_error("calibrate", "give one of --url URL or --from DIR (and/or --prometheus URL|FILE)");
  // A snapshot folder that is not there is a mistyped argument (exit 2), not a cluster that could
  // not be read (exit 3, kept for a folder whose contents are not a snapshot).
  if (!options.from.empty() && !std::filesystem::is_directory(options.from))
    usage_error("--from", "no such folder: " + options.from);
  options.live.interval = duration_option(options.interval, "--interval");
  options.live.timeout = duration_option(options.timeout, "--timeout");
  try {
    std::string described;
    const auto samples = collect(options, described);
    for (const auto& sample : samples) {
      for (const auto& w : sample.cluster.warnings) std::cerr << "warning: " << w << "\n";
      for (const auto& w : sample.job.warnings) std::cerr << "warning: " << w << "\n";
    }
    calibrate::FitOptions fit_options;
    const auto fit = calibrate::fit(samples, fit_options);
    for (const auto& w : fit.warnings) std::cerr << "warning: " << w << "\n";
    if (!options.out.empty()) {
      if (sources == 0)
        usage_error("--out", "a Prometheus scrape has no job graph; add --url or --from to write a scenario");
      const auto calibrated = calibrate::build_scenario(samples.back(), fit, fit_options, described,
                                                        static_cast<int>(samples.size()));
      write_scenario(calibrate::scenario_text(calibrated), options.out);
    }
    if (options.json) {
      print_json(fit_json(fit, described, options.out), std::cout);
    } else {
      std::cout << "calibrated from " << described << ", job \"" << samples.back().job.name << "\", "
                << samples.size() << " sample(s)\n\n";
      print_table(fit, std::cout);
      if (!options.out.empty()) std::cout << "\nscenario written to " << options.out << "\n";
    }
  } catch (const calibrate::RemoteError& error) {
    std::cerr << "error: " << error.what() << "\n";
    throw Exit{kExitRemote};
  }
}

}  // namespace

void add_calibrate_command(CLI::App& app) {
  auto options = std::make_shared<CalibrateOptions>();
  auto* command = app.add_subcommand("calibrate", "build a scenario from a live or saved Flink cluster");
  command->add_option("--url", options->live.url, "the JobManager's REST address, e.g. http://jm:8081");
  command->add_option("--from", options->from, "a snapshot folder written by `flinksim snapshot`");
  command->add_option("--prometheus", options->prometheus,
                      "Flink Prometheus reporter scrape: http(s) URL or file (repeatable, one per TaskManager)");
  command->add_option("--job", options->job, "job id (default: the only RUNNING job)");
  command->add_option("--out", options->out, "scenario TOML to write");
  command->add_flag("--json", options->json, "print the fit as JSON");
  command->add_option("--token-file", options->live.token_file, "file holding a bearer token (else $FLINKSIM_TOKEN)");
  command->add_option("--header-file", options->live.header_file, "file of \"Name: value\" request headers (SSO cookies)");
  command->add_option("--cacert", options->live.ca_file, "CA bundle to verify the cluster's TLS certificate");
  command->add_option("--samples", options->live.samples, "live: samples to fit, --interval apart")->check(CLI::PositiveNumber);
  command->add_option("--interval", options->interval, "time between samples (default 10s)");
  command->add_option("--timeout", options->timeout, "per-request timeout (default 30s)");
  command->callback([options] { run(*options); });
}

}  // namespace flinksim::cli
