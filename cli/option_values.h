// Command-line values that are not a scenario's: refusing them the way every other bad input is
// refused (an InputError naming the flag, exit 2).
#pragma once

#include <string>

#include "model/recovery_model.h"
#include "model/units.h"

namespace flinksim::cli {

// Throws model::InputFailure naming the flag (`field`) as given on the command line.
[[noreturn]] void usage_error(const std::string& field, const std::string& message);

// A positive duration such as "10s"; anything else is a usage_error naming `flag`.
model::Nanos duration_option(const std::string& text, const char* flag);

// --tm-loss-detection: "heartbeat" (after heartbeat.timeout) or "immediate".
model::LossDetection loss_detection_option(const std::string& text);

// Its help text, the same for plan and run.
extern const char* const kLossDetectionHelp;

}  // namespace flinksim::cli
