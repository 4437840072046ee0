#include "sim/state_usage.h"

#include <algorithm>

namespace flinksim::sim {

void set_state_peaks(const model::StateLayout& layout, model::Nanos from, model::Nanos to,
                     std::vector<TaskManagerSummary>& taskmanagers) {
  if (layout.taskmanagers <= 0) return;
  const auto first = model::state_per_taskmanager(layout, from);
  const auto last = model::state_per_taskmanager(layout, to);
  for (std::size_t t = 0; t < taskmanagers.size() && t < last.size(); ++t) {
    taskmanagers[t].heap_used = static_cast<model::Bytes>(std::max(first[t].heap_used, last[t].heap_used));
    taskmanagers[t].managed_used = static_cast<model::Bytes>(std::max(first[t].managed_used, last[t].managed_used));
  }
}

}  // namespace flinksim::sim
