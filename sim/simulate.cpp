// simulate(scenario): the job graph and placement as Flink would build them, then the engine.
// Kept apart from engine.cpp so that code building its own graph does not link the graph builder.
#include "model/job_graph.h"
#include "model/placement.h"
#include "model/traffic.h"
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

double estimated_events(const model::Scenario& scenario, Nanos from, Nanos to) {
  if (to <= from) return 0;
  const model::JobGraph graph = model::build_job_graph(scenario);
  const double per_record =
      1.0 + static_cast<double>(graph.vertices.size()) + 0.5 * static_cast<double>(graph.edges.size());
  return model::records_between(scenario.traffic, from, to) * per_record;
}

}  // namespace flinksim::sim
