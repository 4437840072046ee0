// Every file in scenarios/broken/ must fail `flinksim validate` cleanly: exit code exactly 2, no
// crash, nothing on stdout, and on stderr `error: <file>:<line>:<col>:` with each message
// fragment the file announces in its `# expect: ...` lines (several lines: all must appear).
#include <catch2/catch.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>

#include "cli/expectations.h"
#include "cli/run_flinksim.h"

namespace fs = std::filesystem;
using flinksim::testing::expectations;
using flinksim::testing::run_flinksim;

namespace {

std::vector<fs::path> broken_files() {
  return flinksim::testing::sorted_entries(
      fs::path(flinksim::testing::source_dir()) / "scenarios/broken",
      [](const fs::directory_entry& e) { return e.path().extension() == ".toml"; });
}

}  // namespace

TEST_CASE("there are at least 12 broken scenarios, each saying what is wrong and what to expect") {
  const auto files = broken_files();
  CHECK(files.size() >= 12);
  for (const auto& file : files) {
    INFO(file.string());
    std::ifstream in(file);
    std::string first;
    std::getline(in, first);
    CHECK(first.rfind("# Broken: ", 0) == 0);
    CHECK_FALSE(expectations(file).empty());
  }
}

TEST_CASE("every broken scenario fails validate with exit 2 and positioned errors") {
  for (const auto& file : broken_files()) {
    const std::string path = file.string();
    const auto result = run_flinksim({"validate", path});
    INFO(path << "\nstderr:\n" << result.err << "\nstdout:\n" << result.out);
    CHECK(result.signal == 0);
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());
    CHECK(flinksim::testing::has_positioned(result.err, path));  // error: FILE:LINE:COL:
    for (const auto& fragment : expectations(file)) {
      INFO("expected fragment: " << fragment);
      CHECK(result.err.find(fragment) != std::string::npos);
    }
  }
}

TEST_CASE("a file with several errors reports each on its own line") {
  const fs::path file = fs::path(flinksim::testing::source_dir()) / "scenarios/broken/14-several-errors.toml";
  const auto result = run_flinksim({"validate", file.string()});
  const auto lines = std::count(result.err.begin(), result.err.end(), '\n');
  const auto errors = static_cast<long>(expectations(file).size());
  CHECK(result.exit_code == 2);
  CHECK(lines >= errors);
  CHECK(lines >= 6);
}
