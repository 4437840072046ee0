#include "cli/option_values.h"

#include "model/diagnostics.h"

namespace flinksim::cli {

void usage_error(const std::string& field, const std::string& message) {
  model::InputError error;
  error.pos.file = "(command line)";
  error.field = field;
  error.message = message;
  throw model::InputFailure({error});
}

model::Nanos duration_option(const std::string& text, const char* flag) {
  const auto value = model::parse_duration(text);
  if (!value || *value <= 0)
    usage_error(flag, "expected a duration such as \"10s\"; " + model::duration_units_hint());
  return *value;
}

model::LossDetection loss_detection_option(const std::string& text) {
  if (text == "heartbeat") return model::LossDetection::HeartbeatTimeout;
  if (text == "immediate") return model::LossDetection::Immediate;
  usage_error("--tm-loss-detection", "'" + text + "' is not a detection mode; accepted: heartbeat, immediate");
}

const char* const kLossDetectionHelp =
    "When Flink notices a lost TaskManager: \"heartbeat\" (after heartbeat.timeout, default, "
    "conservative) or \"immediate\" (a killed pod's connections reset)";

}  // namespace flinksim::cli
