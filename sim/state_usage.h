// heapUsed / managedUsed of each TaskManager over a run, as both granularities report them: state
// grows linearly with time (model/state_model.h), so a run's peak is at one of its ends.
#pragma once

#include <vector>

#include "model/state_model.h"
#include "sim/engine.h"

namespace flinksim::sim {

// Sets heap_used / managed_used of taskmanagers[t] to the larger of the state at `from` and at
// `to`. Leaves them alone when the job keeps no keyed state (an empty layout).
void set_state_peaks(const model::StateLayout& layout, model::Nanos from, model::Nanos to,
                     std::vector<TaskManagerSummary>& taskmanagers);

}  // namespace flinksim::sim
