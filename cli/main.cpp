// flinksim: capacity and sizing simulator for Apache Flink. Subcommands in the style of git.
#include <iostream>

#include "cli/commands.h"
#include "model/diagnostics.h"

int main(int argc, char** argv) {
  using namespace flinksim;
  CLI::App app{"flinksim: capacity and sizing simulator for Apache Flink", "flinksim"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "flinksim 0.1.0");
  cli::add_validate_command(app);
  cli::add_plan_command(app);
  cli::add_memory_command(app);
  cli::add_run_command(app);
  cli::add_snapshot_command(app);
  cli::add_calibrate_command(app);
  cli::add_serve_command(app);
  cli::add_sweep_command(app);
  cli::add_recommend_command(app);
  cli::add_merge_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Usage errors are bad input (exit 2); --help and --version exit 0.
    const int code = app.exit(e);
    return code == 0 ? cli::kExitOk : cli::kExitBadInput;
  } catch (const model::InputFailure& failure) {
    for (const auto& error : failure.errors()) std::cerr << "error: " << error.render() << "\n";
    return cli::kExitBadInput;
  } catch (const cli::Exit& exit) {
    return exit.code;
  }
  return cli::kExitOk;
}
