// Granularity choice (fluid_auto.h).
#include "sim/fluid_auto.h"

#include "model/traffic.h"
#include "sim/fluid_engine.h"

namespace flinksim::sim {

double estimated_buffer_events(const model::Scenario& scenario, model::Nanos horizon) {
  if (horizon <= 0) horizon = scenario.traffic.duration;
  return estimated_events(scenario, 0, horizon);  // sim/engine.h: per job vertex and edge
}

model::Granularity choose_granularity(const model::Scenario& scenario, model::Nanos horizon) {
  switch (scenario.simulation.granularity) {
    case model::Granularity::Buffer: return model::Granularity::Buffer;
    case model::Granularity::Fluid: return model::Granularity::Fluid;
    case model::Granularity::Auto: break;
  }
  return estimated_buffer_events(scenario, horizon) <= static_cast<double>(scenario.simulation.event_budget)
             ? model::Granularity::Buffer
             : model::Granularity::Fluid;
}

AutoRun simulate_auto(const model::Scenario& scenario, const RunOptions& options) {
  AutoRun run;
  run.granularity = choose_granularity(scenario, options.horizon);
  run.latency_estimate = run.granularity == model::Granularity::Fluid;
  run.result = run.latency_estimate ? simulate_fluid(scenario, options) : simulate(scenario, options);
  return run;
}

const char* to_string(model::Granularity granularity) {
  switch (granularity) {
    case model::Granularity::Buffer: return "buffer";
    case model::Granularity::Fluid: return "fluid";
    case model::Granularity::Auto: return "auto";
  }
  return "auto";
}

}  // namespace flinksim::sim
