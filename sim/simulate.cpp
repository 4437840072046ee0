// simulate(scenario): the job graph and placement as Flink would build them, then the engine.
// Kept apart from engine.cpp so that code building its own graph does not link the graph builder.
#include "model/job_graph.h"
#include "model/placement.h"
#include "sim/engine.h"

namespace flinksim::sim {

RunResult simulate(const model::Scenario& scenario, const RunOptions& options) {
  const model::JobGraph graph = model::build_job_graph(scenario);
  std::string why;
  const model::Placement placement = model::place_job(graph, scenario, &why);
  if (!placement.fits) {
    model::InputError error;
    error.pos.file = scenario.path;
    error.field = "cluster";
    error.message = why;
    throw model::InputFailure({error});
  }
  return simulate(scenario, graph, placement, engine_params(scenario), options);
}

}  // namespace flinksim::sim
