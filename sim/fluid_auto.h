// `[simulation] granularity`: which engine runs a scenario. "buffer" → the buffer-level engine
// (sim/engine.h), "fluid" → the fluid level (sim/fluid_engine.h), "auto" → buffer level when the
// estimated events fit `event_budget`, else fluid. The caller reports which was used and, at
// fluid level, labels latency as an estimate.
#pragma once

#include "model/scenario.h"
#include "sim/engine.h"

namespace flinksim::sim {

// sim::estimated_events (engine.h) over [0, horizon): about one event per record and job vertex
// plus arrivals and half an event per job edge. A rough figure, meant for the budget check, not
// for planning.
double estimated_buffer_events(const model::Scenario& scenario, model::Nanos horizon);

// Granularity::Buffer or Granularity::Fluid, never Auto. horizon 0 = the traffic duration.
model::Granularity choose_granularity(const model::Scenario& scenario, model::Nanos horizon);

struct AutoRun {
  RunResult result;
  model::Granularity granularity = model::Granularity::Buffer;  // the one used
  bool latency_estimate = false;  // true at fluid level: latency is estimated, not measured
};

// Runs the scenario at the granularity it asks for (auto resolved as above). Throws
// model::InputFailure as simulate() does.
AutoRun simulate_auto(const model::Scenario& scenario, const RunOptions& options);

// "buffer" | "fluid" | "auto"
const char* to_string(model::Granularity granularity);

}  // namespace flinksim::sim
