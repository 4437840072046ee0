// Reads tests/golden/manifest.txt: one golden file per line, with the flinksim arguments that
// produce it (whitespace-separated; '#' starts a comment line).
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace flinksim::testing {

struct GoldenCase {
  std::string file;
  std::vector<std::string> args;
};

inline std::vector<GoldenCase> read_golden_manifest(const std::string& path) {
  std::vector<GoldenCase> cases;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    GoldenCase c;
    if (!(words >> c.file) || c.file[0] == '#') continue;
    for (std::string word; words >> word;) c.args.push_back(word);
    cases.push_back(std::move(c));
  }
  return cases;
}

}  // namespace flinksim::testing
