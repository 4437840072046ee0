// libFuzzer target: the scenario TOML reader (model/scenario_reader.h) on arbitrary text. Bad
// input must end in InputFailure (exit 2 at the command line), never a crash, hang or UB.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "model/diagnostics.h"
#include "model/job_graph.h"
#include "model/scenario_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto scenario = flinksim::model::read_scenario_text(text, "fuzz.toml");
    (void)flinksim::model::build_job_graph(scenario);  // a scenario that reads must also build
  } catch (const flinksim::model::InputFailure&) {
  }
  return 0;
}
