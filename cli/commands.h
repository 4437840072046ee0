// The subcommands of `flinksim` (../shared/design/cli.md), one file each. Each add_* function
// registers its subcommand on the app and the callback that runs it.
#pragma once

#include <CLI/CLI.hpp>

namespace flinksim::cli {

// Exit codes of the command contract.
enum ExitCode : int {
  kExitOk = 0,
  kExitNegative = 1,    // the question has a negative answer (SLO missed, no feasible layout)
  kExitBadInput = 2,    // bad input or usage
  kExitRemote = 3,      // a remote cluster could not be read
};

// Thrown by a subcommand callback to end with a given exit code after its output is complete.
struct Exit {
  int code;
};

void add_validate_command(CLI::App& app);
void add_plan_command(CLI::App& app);
void add_memory_command(CLI::App& app);
void add_run_command(CLI::App& app);
void add_snapshot_command(CLI::App& app);
void add_calibrate_command(CLI::App& app);
void add_serve_command(CLI::App& app);
void add_sweep_command(CLI::App& app);
void add_recommend_command(CLI::App& app);
void add_merge_command(CLI::App& app);

}  // namespace flinksim::cli
