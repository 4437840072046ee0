// Where calibration reads Flink's REST API from: the seam at the edge (style §11). Readers see
// only RestSource, so they run unchanged against a live cluster (HttpRestSource), a saved
// snapshot (SnapshotRestSource, the replaying fake) and, in tests, a faulty one.
//
// Paths are REST paths relative to the API root, starting with '/', query included, exactly as
// Flink's handlers take them: "/overview", "/jobs/<jid>/vertices/<vid>/metrics?get=0.busyTimeMsPerSecond".
//
// Error policy (style §8): get() returns a failure as a value, since some are expected (a job
// without checkpointing answers 404 on nothing, a fresh task has no metrics yet); a reader that
// cannot go on calls RestResult::value(), which throws the RemoteError.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "calibrate/remote_error.h"

namespace flinksim::calibrate {

class HttpClient;

struct RestResult {
  std::string body;
  std::optional<RemoteError> failure;

  bool ok() const { return !failure.has_value(); }
  // The body; throws the failure.
  const std::string& value() const {
    if (failure) throw *failure;
    return body;
  }
};

class RestSource {
 public:
  virtual ~RestSource() = default;
  virtual RestResult get(const std::string& path) = 0;
  // Where answers come from, for messages ("http://jm:8081", "snapshot DIR"); never credentials.
  virtual std::string describe() const = 0;
};

// A live cluster. `base_url` is the REST root ("https://flink.example.com/", "http://jm:8081/v1").
// Classifies answers: 401/403 and 3xx redirects (an SSO proxy's way to its login page) are
// AuthRefused; a 200 HTML page is AuthRefused when it looks like a login form, else NotFlink;
// other 4xx/5xx are HttpStatus. The body is otherwise passed on as is (the readers check it).
class HttpRestSource : public RestSource {
 public:
  HttpRestSource(std::string base_url, HttpClient& client);
  RestResult get(const std::string& path) override;
  std::string describe() const override { return base_url_; }

 private:
  std::string base_url_;  // without the trailing '/', credentials (user:pass@) removed for messages
  std::string request_base_;
  HttpClient& client_;
};

// A snapshot folder written by RecordingRestSource::save (`--from DIR`): index.json maps each
// path to a file. A path the snapshot lacks is a MissingData failure naming it.
class SnapshotRestSource : public RestSource {
 public:
  // Throws RemoteError(MissingData) when DIR has no readable index.json.
  explicit SnapshotRestSource(std::string dir);
  RestResult get(const std::string& path) override;
  std::string describe() const override { return "snapshot " + dir_; }
  const std::map<std::string, std::string>& endpoints() const { return files_; }

 private:
  std::string dir_;
  std::map<std::string, std::string> files_;  // path → file name in dir_
};

// Passes every request to `inner` and keeps each successful answer, so that exactly the answers
// a calibration used can be saved (`flinksim snapshot`). Credentials never reach it: it sees
// bodies only, not requests' headers.
class RecordingRestSource : public RestSource {
 public:
  explicit RecordingRestSource(RestSource& inner) : inner_(inner) {}
  RestResult get(const std::string& path) override;
  std::string describe() const override { return inner_.describe(); }

  // Writes one JSON file per endpoint and index.json {"source": …, "takenAt": epoch ms,
  // "endpoints": {path: file}} into `dir` (created). Each file is written aside (`.tmp`) and
  // renamed, index.json last, so a crash never leaves an index naming a half-written file.
  // `source` is written as given; pass a URL without credentials.
  void save(const std::string& dir, const std::string& source) const;
  const std::map<std::string, std::string>& answers() const { return answers_; }

 private:
  RestSource& inner_;
  std::map<std::string, std::string> answers_;  // path → body
};

// The snapshot file name for a path: readable, filesystem-safe, unique (a hash suffix when the
// path had to be shortened or changed).
std::string snapshot_file_name(const std::string& path);

}  // namespace flinksim::calibrate
