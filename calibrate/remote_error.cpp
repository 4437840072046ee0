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

}  // namespace flinksim::calibrate
