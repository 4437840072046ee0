// The corpus of bad Flink configuration files, tests/bad_inputs/flink-config/: one folder per
// mistake holding one file named as Flink names it (config.yaml or flink-conf.yaml; the name
// decides how the file is read). Each file says in comments what is wrong (`# Bad: `, or
// `# Good: ` for a control), which commands read it (`# run: validate` is `flinksim validate
// job.toml --config FILE`, `# run: memory [--jobmanager]` is `flinksim memory --config FILE`), the
// exit code when it is not 2 (`# exit: 0`: Flink accepts the file, flinksim at most warns) and
// fragments of stderr (`# expect: `). Every command must end that way and never by a signal; an
// error exits 2 with nothing on stdout and points into the file (`error: FILE:LINE:COL:`).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/expectations.h"
#include "cli/run_flinksim.h"

namespace fs = std::filesystem;
using namespace flinksim::testing;

namespace {

fs::path corpus() { return fs::path(source_dir()) / "tests/bad_inputs/flink-config"; }

// The configuration file of each case folder, in name order.
std::vector<fs::path> config_files() {
  std::vector<fs::path> files;
  for (const auto& dir :
       sorted_entries(corpus(), [](const fs::directory_entry& e) { return e.is_directory(); })) {
    for (const char* name : {"config.yaml", "flink-conf.yaml"}) {
      if (fs::exists(dir / name)) files.push_back(dir / name);
    }
  }
  return files;
}

// The command line of a `# run: ` line for `file`.
std::vector<std::string> command(const std::string& run, const fs::path& file) {
  std::istringstream words(run);
  std::vector<std::string> args;
  for (std::string word; words >> word;) args.push_back(word);
  if (!args.empty() && args.front() == "validate") args.push_back((corpus() / "job.toml").string());
  args.push_back("--config");
  args.push_back(file.string());
  return args;
}

int expected_exit(const fs::path& file) {
  const auto exits = marked_lines(file, "# exit: ");
  return exits.empty() ? 2 : std::stoi(exits.front());
}

}  // namespace

TEST_CASE("each bad Flink configuration says what is wrong, how to run it and what to expect",
          "[bad_inputs]") {
  const auto files = config_files();
  CHECK(files.size() >= 20);
  // One file per folder: a folder with two would test only one of them.
  CHECK(files.size() == sorted_entries(corpus(), [](const fs::directory_entry& e) {
                          return e.is_directory();
                        }).size());
  for (const auto& file : files) {
    INFO(file.string());
    std::ifstream in(file);
    std::string first;
    std::getline(in, first);
    const bool control = first.rfind("# Good: ", 0) == 0;
    CHECK((control || first.rfind("# Bad", 0) == 0));
    CHECK_FALSE(marked_lines(file, "# run: ").empty());
    if (!control && expected_exit(file) != 0) CHECK_FALSE(expectations(file).empty());
  }
}

TEST_CASE("every Flink configuration ends as it announces, with messages that point into it",
          "[bad_inputs]") {
  for (const auto& file : config_files()) {
    const int exit = expected_exit(file);
    for (const auto& run : marked_lines(file, "# run: ")) {
      const auto result = run_flinksim(command(run, file));
      INFO(file.string() << "\nrun: " << run << "\nstderr:\n"
                         << result.err << "\nstdout:\n"
                         << result.out);
      CHECK(result.signal == 0);
      CHECK(result.exit_code == exit);
      if (exit == 2) {
        CHECK(result.out.empty());
        CHECK(has_positioned(result.err, file.string()));
      } else {
        CHECK(result.err.find("error:") == std::string::npos);
        CHECK_FALSE(result.out.empty());
        // Said nothing, or warned with a position.
        CHECK((result.err.empty() || has_positioned(result.err, file.string(), "warning")));
        if (expectations(file).empty()) CHECK(result.err.empty());
      }
      for (const auto& fragment : expectations(file)) {
        INFO("expected fragment: " << fragment);
        CHECK(result.err.find(fragment) != std::string::npos);
      }
    }
  }
}

TEST_CASE("the controls are read, not defaulted: memory prints the shipped sizes", "[bad_inputs]") {
  // `memory` has no default size, so a control file it did not read would exit 2.
  for (const char* control :
       {"00-shipped-config/config.yaml", "00-shipped-flink-conf/flink-conf.yaml"}) {
    const std::string file = (corpus() / control).string();
    INFO(file);
    CHECK(run_flinksim({"memory", "--json", "--config", file})
              .out.find("\"totalProcessMemory\": 1811939328") != std::string::npos);  // 1728m
    CHECK(run_flinksim({"memory", "--jobmanager", "--json", "--config", file})
              .out.find("\"totalProcessMemory\": 1677721600") != std::string::npos);  // 1600m
  }
}

TEST_CASE("a Flink configuration file that cannot be read exits 2 and names it", "[bad_inputs]") {
  const std::string missing = (corpus() / "no-such-folder/config.yaml").string();
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"memory", "--config", missing},
        std::vector<std::string>{"validate", (corpus() / "job.toml").string(), "--config",
                                 missing}}) {
    const auto result = run_flinksim(args);
    INFO(result.err);
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("error: " + missing + ": cannot read the Flink configuration file") !=
          std::string::npos);
  }
}
