// Where tests find the source tree and the built flinksim binary (set by ctest, see
// cmake/FlinksimUnits.cmake), so tests can run bundled scenarios and the CLI end to end.
#pragma once

#include <cstdlib>
#include <string>

namespace flinksim::testing {

inline std::string source_dir() {
  const char* dir = std::getenv("FLINKSIM_SOURCE_DIR");
  return dir ? dir : ".";
}

inline std::string flinksim_binary() {
  const char* bin = std::getenv("FLINKSIM_BINARY");
  return bin ? bin : "./build/flinksim";
}

}  // namespace flinksim::testing
