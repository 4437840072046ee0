// placeholder: being written
#include "cli/commands.h"
namespace flinksim::cli {
void add_calibrate_command(CLI::App& app) { (void)app; }
}  // namespace flinksim::cli
