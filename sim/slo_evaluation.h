// The [slo] objectives of a scenario, judged from a run — and, for what the run does not simulate
// (checkpoints, recovery, when a granularity does not model them), from the analytic assessment
// of the layout (model/layout_assessment.h), labelled as such. One definition for run, sweep and
// recommend.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/layout_assessment.h"
#include "model/scenario.h"
#include "sim/engine.h"

namespace flinksim::sim {

struct SloResult {
  std::string name;             // latencyP99 | utilization | checkpointDuration | recovery
  std::optional<double> value;  // ms for durations, a share for utilization; unset: no figure
  double limit = 0;
  std::optional<bool> met;      // unset: not evaluated (neither simulated nor estimated)
  std::string source;           // "simulated" | "analytic" | "" (not evaluated)
};

// In the order latencyP99, utilization, checkpointDuration, recovery; only objectives the scenario
// sets. checkpointDuration and recovery are "simulated" when the run has figures (a checkpoint
// completed or expired; a failure fell within the run); otherwise `analytic` (optional) fills
// them.
std::vector<SloResult> evaluate_slos(const model::Scenario& scenario, const RunResult& run,
                                     const model::LayoutAssessment* analytic = nullptr);

}  // namespace flinksim::sim
