// The corpus of bad Prometheus scrapes, tests/bad_inputs/prometheus/: one scrape of Flink's
// PrometheusReporter per file, each saying in comments (which the text format allows) what is
// wrong (`# Bad: `), the exit code of `flinksim calibrate --prometheus FILE` when it is not 3
// (`# exit: 0`: the bad samples are left out with a warning) and fragments of stderr
// (`# expect: `). They began as crashes fuzz_prometheus found; none may end by a signal.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "cli/expectations.h"
#include "cli/run_flinksim.h"

namespace fs = std::filesystem;
using namespace flinksim::testing;

TEST_CASE("calibrate --prometheus each bad scrape ends as it announces", "[bad_inputs]") {
  const auto files =
      sorted_entries(fs::path(source_dir()) / "tests/bad_inputs/prometheus",
                     [](const fs::directory_entry& e) { return e.path().extension() == ".txt"; });
  CHECK(files.size() >= 2);
  for (const auto& file : files) {
    const auto exits = marked_lines(file, "# exit: ");
    const int exit = exits.empty() ? 3 : std::stoi(exits.front());
    const auto result = run_flinksim({"calibrate", "--prometheus", file.string()});
    INFO(file.string() << "\nstderr:\n" << result.err);
    CHECK(result.signal == 0);
    CHECK(result.exit_code == exit);
    CHECK_FALSE(expectations(file).empty());
    for (const auto& fragment : expectations(file)) {
      INFO("expected fragment: " << fragment);
      CHECK(result.err.find(fragment) != std::string::npos);
    }
  }
}
