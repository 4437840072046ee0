// Reading whole samples (cluster + job at one time) from a RestSource, and the layout of
// snapshot folders: `DIR/index.json` is one sample; a folder of `sample-N/` sub-folders, each with
// its index.json, is a series taken with `flinksim snapshot --samples N --interval D`, read in
// name order (sample-1, sample-2, …, numerically).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "calibrate/fit.h"
#include "calibrate/http_client.h"
#include "calibrate/rest_source.h"
#include "model/units.h"

namespace flinksim::calibrate {

// Reads the cluster, its TaskManagers' metrics and the job (`jid`, else the only RUNNING one),
// timed by the JobManager's clock: `now` of GET /jobs/:jid, which snapshots record too (a saved
// series keeps its timing) and a simulated cluster answers in simulated time (any --speed).
// With `require_job` false, a cluster without a RUNNING job gives a sample without a job
// (job.jid empty) instead of a MissingData failure, so an idle cluster can be snapshotted.
Sample read_sample(RestSource& source, const std::optional<std::string>& jid, bool require_job = true);

// The snapshot folders in `dir`: {dir} when it holds index.json, else its sample-N folders.
// Throws RemoteError(MissingData) when there is neither.
std::vector<std::string> snapshot_folders(const std::string& dir);

// The name of the i-th (0-based) sample folder in a series.
std::string sample_folder_name(int index);

// How to reach a live cluster (`--url`, credentials, `--cacert`, timeouts) and how often to read it.
struct LiveOptions {
  std::string url;
  std::optional<std::string> token_file;
  std::optional<std::string> header_file;
  std::string ca_file;
  model::Nanos timeout = 30 * model::kSecond;  // per request, connect included
  int retries = 3;
  int samples = 1;
  model::Nanos interval = 10 * model::kSecond;  // Flink refreshes metrics every 10 s
};

// Takes `options.samples` samples `options.interval` apart from a live cluster. When
// `record_dir` is set, every answer used is saved there (one sample: DIR/index.json; several:
// DIR/sample-N/). Credentials are loaded here (InputFailure for a bad file) and never leave the
// HTTP client. Throws RemoteError.
std::vector<Sample> take_live_samples(const LiveOptions& options, const std::optional<std::string>& jid,
                                      bool require_job, const std::string& record_dir = "");

}  // namespace flinksim::calibrate
