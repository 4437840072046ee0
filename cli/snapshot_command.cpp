// flinksim snapshot --url URL --out DIR: save the raw REST answers of a live cluster (GET only),
// one JSON file per endpoint with an index.json, so that `flinksim calibrate --from DIR` can work
// offline and a support case can be replayed. Credentials come from --token-file, --header-file
// or FLINKSIM_TOKEN and are never written to DIR (calibrate/rest_source.h: only bodies are kept).
#include <iostream>

#include "calibrate/remote_error.h"
#include "calibrate/sampling.h"
#include "cli/commands.h"
#include "cli/option_values.h"
#include "model/diagnostics.h"
#include "model/units.h"

namespace flinksim::cli {
namespace {

struct SnapshotOptions {
  calibrate::LiveOptions live;
  std::string out;
  std::optional<std::string> job;
  std::string interval = "10s";
  std::string timeout = "30s";
};

void run(SnapshotOptions& options) {
  options.live.interval = duration_option(options.interval, "--interval");
  options.live.timeout = duration_option(options.timeout, "--timeout");
  try {
    const auto samples = calibrate::take_live_samples(options.live, options.job, /*require_job=*/false,
                                                      options.out);
    for (const auto& sample : samples) {
      for (const auto& w : sample.cluster.warnings) std::cerr << "warning: " << w << "\n";
      for (const auto& w : sample.job.warnings) std::cerr << "warning: " << w << "\n";
    }
    const auto& last = samples.back();
    std::cerr << "saved " << samples.size() << " sample(s) of " << calibrate::redact_url(options.live.url)
              << " (Flink " << last.cluster.flink_version << ", "
              << last.cluster.taskmanagers.size() << " TaskManagers"
              << (last.job.jid.empty() ? ", no running job" : ", job " + last.job.jid) << ") to "
              << options.out << "\n";
  } catch (const calibrate::RemoteError& error) {
    std::cerr << "error: " << error.what() << "\n";
    throw Exit{kExitRemote};
  }
}

}  // namespace

void add_snapshot_command(CLI::App& app) {
  auto options = std::make_shared<SnapshotOptions>();
  auto* command = app.add_subcommand("snapshot", "save the raw REST answers of a live Flink cluster (GET only)");
  command->add_option("--url", options->live.url, "the JobManager's REST address, e.g. http://jm:8081")->required();
  command->add_option("--out", options->out, "folder for the answers (one JSON file per endpoint, index.json)")->required();
  command->add_option("--token-file", options->live.token_file, "file holding a bearer token (else $FLINKSIM_TOKEN)");
  command->add_option("--header-file", options->live.header_file, "file of \"Name: value\" request headers (SSO cookies)");
  command->add_option("--cacert", options->live.ca_file, "CA bundle to verify the cluster's TLS certificate");
  command->add_option("--job", options->job, "job id (default: the only RUNNING job)");
  command->add_option("--samples", options->live.samples, "number of snapshots, --interval apart")->check(CLI::PositiveNumber);
  command->add_option("--interval", options->interval, "time between samples (default 10s, Flink's metric refresh)");
  command->add_option("--timeout", options->timeout, "per-request timeout (default 30s)");
  command->callback([options] { run(*options); });
}

}  // namespace flinksim::cli
