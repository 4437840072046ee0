// What a bad-input file says about itself, for the corpus tests (scenarios/broken/,
// tests/bad_inputs/): marked comment lines such as `# expect: <fragment of stderr>`, `# run: ...`,
// `# exit: N`, and the check that stderr points into a file with `error: FILE:LINE:COL: `.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

namespace flinksim::testing {

// The rest of every line of `file` that starts with `marker` (e.g. "# expect: "), in file order.
inline std::vector<std::string> marked_lines(const std::filesystem::path& file,
                                             const std::string& marker) {
  std::vector<std::string> found;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(marker, 0) == 0) found.push_back(line.substr(marker.size()));
  }
  return found;
}

// The fragments stderr must contain: the file's `# expect: ` lines.
inline std::vector<std::string> expectations(const std::filesystem::path& file) {
  return marked_lines(file, "# expect: ");
}

// The entries of `dir` for which `keep` holds, sorted by name so that runs are in a stable order.
template <class Keep>
std::vector<std::filesystem::path> sorted_entries(const std::filesystem::path& dir, Keep keep) {
  std::vector<std::filesystem::path> found;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (keep(entry)) found.push_back(entry.path());
  }
  std::sort(found.begin(), found.end());
  return found;
}

// Whether `err` has a line `<kind>: FILE:LINE:COL: ` with a real (non-zero) line and column.
inline bool has_positioned(const std::string& err, const std::string& file,
                           const std::string& kind = "error") {
  const std::string escaped =
      std::regex_replace(file, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)");
  return std::regex_search(
      err, std::regex("(^|\n)" + kind + ": " + escaped + ":[1-9][0-9]*:[1-9][0-9]*: "));
}

}  // namespace flinksim::testing
