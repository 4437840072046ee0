// The typed failures of reading a remote (or saved) Flink cluster. Style §8: a failure that ends
// the calibration is a RemoteError, which the CLI turns into exit 3 with `message` on stderr;
// an expected gap (a metric Flink has not measured yet) is a value (std::nullopt, NaN), not this.
//
// Invariant: `message` never holds a credential. Everything that builds one from text that came
// from the network or from libcurl passes it through Credentials::scrub first (credentials.h).
#pragma once

#include <stdexcept>
#include <string>

namespace flinksim::calibrate {

enum class RemoteFailure {
  Unreachable,    // DNS, connect, TLS, timeout: nothing usable came back (after the retries)
  AuthRefused,    // 401 / 403, or a login page: an SSO/auth layer in front of the REST API
  NotFlink,       // an answer that is not Flink's REST API (HTML, JSON without Flink's fields)
  Malformed,      // Flink's endpoint, but the body does not parse as JSON
  VersionMismatch,// JSON from Flink whose fields differ from the 1.16–2.x shapes we read
  HttpStatus,     // another 4xx/5xx (404: no such job / vertex)
  MissingData,    // a snapshot folder lacks an answer, or the metrics needed are absent
};

const char* to_string(RemoteFailure kind);

class RemoteError : public std::runtime_error {
 public:
  RemoteError(RemoteFailure kind, std::string message, int http_status = 0)
      : std::runtime_error(std::move(message)), kind_(kind), http_status_(http_status) {}
  RemoteFailure kind() const { return kind_; }
  int http_status() const { return http_status_; }

 private:
  RemoteFailure kind_;
  int http_status_;
};

// Rethrows `error`; a VersionMismatch then names the Flink version the cluster reported on
// GET /overview (when it reported one), so that the user sees which Flink answered otherwise.
[[noreturn]] void rethrow_naming_version(const RemoteError& error, const std::string& version);

// The hint printed with an AuthRefused failure (cli.md: credentials never on the command line).
inline constexpr const char* kAuthHint =
    "the cluster's SSO/auth layer refused the request; pass --token-file or --header-file "
    "(or set FLINKSIM_TOKEN)";

}  // namespace flinksim::calibrate
