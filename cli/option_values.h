// Command-line values that are not a scenario's: refusing them the way every other bad input is
// refused (an InputError naming the flag, exit 2).
#pragma once

#include <string>

#include "model/units.h"

namespace flinksim::cli {

// Throws model::InputFailure naming the flag (`field`) as given on the command line.
[[noreturn]] void usage_error(const std::string& field, const std::string& message);

// A positive duration such as "10s"; anything else is a usage_error naming `flag`.
model::Nanos duration_option(const std::string& text, const char* flag);

}  // namespace flinksim::cli
