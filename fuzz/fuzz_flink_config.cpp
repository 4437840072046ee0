// libFuzzer target: the Flink configuration file reader (model/flink_config.h) on arbitrary bytes,
// read three ways, because the file name decides how Flink reads it: `config.yaml` (standard YAML),
// `flink-conf.yaml` (legacy `key: value` lines) and another name (YAML, legacy on a syntax error).
// What reads the values is fuzzed too: the key check and Flink's memory derivation (every memory
// size, fraction and min/max). Bad input must end in a diagnostic or InputFailure (exit 2 at the
// command line), never a crash, hang or UB.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "model/diagnostics.h"
#include "model/flink_config.h"
#include "model/memory.h"

namespace {

namespace fs = std::filesystem;
using namespace flinksim::model;

// The reader takes a path whose name decides the format, so each input is written to a file of
// that name in a folder of this process (in memory under /dev/shm), removed again after reading:
// libFuzzer does not always run exit handlers, so nothing may be left for them to clean.
void read_as(const char* name, const std::uint8_t* data, std::size_t size, bool check_keys) {
  static const fs::path dir =
      (fs::exists("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path()) /
      ("fuzz_flink_config-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string path = (dir / name).string();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  FlinkConfig config;
  Diagnostics diagnostics;
  try {
    load_flink_config_file(path, config, diagnostics);
    fs::remove_all(dir);
    // The "did you mean" check computes edit distances to every known key: ~1 ms a key under the
    // sanitizers, 90% of the time of a typical input. Run on one reading of files of a few keys,
    // it keeps its coverage at a tenth of the cost.
    if (check_keys && config.entries().size() <= 4) config.check_keys(diagnostics);
    (void)derive_taskmanager_memory(config);
  } catch (const InputFailure&) {
  }
  try {
    (void)derive_jobmanager_memory(config);
  } catch (const InputFailure&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  read_as("config.yaml", data, size, /*check_keys=*/true);
  read_as("flink-conf.yaml", data, size, false);
  read_as("customer.yaml", data, size, false);
  return 0;
}
