// Pins behaviour with golden outputs: every change of a bundled scenario's plan, run summary or
// memory breakdown shows up as a failing test and, after scripts/update-golden.sh, as a reviewed
// diff of tests/golden/*.json.
#include <catch2/catch.hpp>

#include "cli/run_flinksim.h"
#include "golden/golden_manifest.h"

using namespace flinksim::testing;

TEST_CASE("bundled scenarios reproduce their golden outputs byte for byte", "[golden]") {
  const std::string dir = source_dir() + "/tests/golden/";
  const auto cases = read_golden_manifest(dir + "manifest.txt");
  REQUIRE(cases.size() >= 10);
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.file) {
      const auto result = run_flinksim(c.args);
      INFO("stderr: " << result.err);
      REQUIRE(result.signal == 0);
      const std::string expected = slurp(dir + c.file);
      REQUIRE_FALSE(expected.empty());
      // Line by line first, so a failure names the first differing line rather than dumping both.
      std::istringstream got_lines(result.out), want_lines(expected);
      std::string got, want;
      int line = 0;
      while (std::getline(want_lines, want)) {
        ++line;
        std::getline(got_lines, got);
        INFO(c.file << ":" << line);
        REQUIRE(got == want);
      }
      CHECK(result.out == expected);
    }
  }
}
