#include "calibrate/remote_error.h"

namespace flinksim::calibrate {

const char* to_string(RemoteFailure kind) {
  switch (kind) {
    case RemoteFailure::Unreachable: return "unreachable";
    case RemoteFailure::AuthRefused: return "auth refused";
    case RemoteFailure::NotFlink: return "not Flink's REST API";
    case RemoteFailure::Malformed: return "malformed answer";
    case RemoteFailure::VersionMismatch: return "unexpected Flink version";
    case RemoteFailure::HttpStatus: return "HTTP error";
    case RemoteFailure::MissingData: return "missing data";
  }
  return "remote failure";
}

void rethrow_naming_version(const RemoteError& error, const std::string& version) {
  if (error.kind() != RemoteFailure::VersionMismatch || version.empty()) throw error;
  throw RemoteError(error.kind(),
                    std::string(error.what()) + " (the cluster reports Flink " + version + ")",
                    error.http_status());
}

}  // namespace flinksim::calibrate
