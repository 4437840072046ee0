#include "calibrate/sampling.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

namespace flinksim::calibrate {
namespace fs = std::filesystem;

namespace {

Sample read_sample_of_version(RestSource& source, const std::optional<std::string>& jid,
                              bool require_job, Sample sample) {
  read_taskmanager_metrics(source, sample.cluster);
  std::string id;
  try {
    id = select_job(source, jid);
  } catch (const RemoteError& error) {
    if (require_job || error.kind() != RemoteFailure::MissingData || jid) throw;
    sample.cluster.warnings.push_back(error.what());
    return sample;
  }
  sample.job = read_job(source, id);
  sample.time_ms = sample.job.now_ms;
  return sample;
}

}  // namespace

Sample read_sample(RestSource& source, const std::optional<std::string>& jid, bool require_job) {
  Sample sample;
  sample.cluster = read_cluster(source);
  const std::string version = sample.cluster.flink_version;
  try {
    return read_sample_of_version(source, jid, require_job, std::move(sample));
  } catch (const RemoteError& error) {
    rethrow_naming_version(error, version);
  }
}

std::string sample_folder_name(int index) { return "sample-" + std::to_string(index + 1); }

std::vector<std::string> snapshot_folders(const std::string& dir) {
  if (fs::exists(fs::path(dir) / "index.json")) return {dir};
  std::vector<std::pair<int, std::string>> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_directory() && name.rfind("sample-", 0) == 0 && fs::exists(entry.path() / "index.json"))
      found.emplace_back(std::atoi(name.c_str() + 7), entry.path().string());
  }
  if (found.empty())
    throw RemoteError(RemoteFailure::MissingData,
                      "no snapshot in " + dir + ": neither index.json nor sample-N/ folders "
                      "(write one with `flinksim snapshot --url URL --out DIR`)");
  std::sort(found.begin(), found.end());
  std::vector<std::string> out;
  for (auto& [n, path] : found) out.push_back(path);
  return out;
}

std::vector<Sample> take_live_samples(const LiveOptions& options, const std::optional<std::string>& jid,
                                      bool require_job, const std::string& record_dir) {
  HttpOptions http;
  http.ca_file = options.ca_file;
  http.total_timeout = std::chrono::milliseconds(options.timeout / model::kMillisecond);
  http.connect_timeout = std::min(http.connect_timeout, http.total_timeout);
  http.retries = options.retries;
  HttpClient client(http, Credentials::load(options.token_file, options.header_file));
  HttpRestSource live(options.url, client);
  std::vector<Sample> samples;
  for (int i = 0; i < std::max(1, options.samples); ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::nanoseconds(options.interval));
    RecordingRestSource recording(live);
    samples.push_back(read_sample(recording, jid, require_job));
    if (!record_dir.empty()) {
      const std::string dir = options.samples > 1 ? (fs::path(record_dir) / sample_folder_name(i)).string()
                                                  : record_dir;
      recording.save(dir, live.describe());
    }
  }
  return samples;
}

}  // namespace flinksim::calibrate
