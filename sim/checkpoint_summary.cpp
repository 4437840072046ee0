// Flink's REST checkpoint summary (checkpoint_summary.h).
#include "sim/checkpoint_summary.h"

#include <algorithm>

namespace flinksim::sim {

// Flink's REST checkpoint summary over the run: counts, end-to-end duration of completed ones.
void summarize_checkpoints(const std::vector<CheckpointRecord>& history, RunResult& r) {
  r.checkpoints.simulated = true;
  r.checkpoint_history = history;  // recorded as each ended; reported in trigger order
  std::stable_sort(r.checkpoint_history.begin(), r.checkpoint_history.end(),
                   [](const CheckpointRecord& a, const CheckpointRecord& b) { return a.id < b.id; });
  std::vector<Nanos> durations;
  for (const auto& c : history) {
    if (c.status == CheckpointStatus::Failed) {
      ++r.checkpoints.failed;
      if (c.failure_reason == "expired") ++r.checkpoints.expired;
      continue;
    }
    ++r.checkpoints.completed;
    durations.push_back(c.end_to_end_duration);
    r.checkpoints.duration_max = std::max(r.checkpoints.duration_max, c.end_to_end_duration);
    r.checkpoints.state_size = c.state_size;
    r.checkpoints.checkpointed_size_max = std::max(r.checkpoints.checkpointed_size_max, c.checkpointed_size);
    r.checkpoints.alignment_max = std::max(r.checkpoints.alignment_max, c.alignment_duration);
  }
  if (!durations.empty()) {  // the lower median, as a percentile over a sorted list
    std::sort(durations.begin(), durations.end());
    r.checkpoints.duration_p50 = durations[(durations.size() - 1) / 2];
  }
}

}  // namespace flinksim::sim
