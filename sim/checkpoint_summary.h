// Flink's REST checkpoint summary over a run (counts, end-to-end durations of the completed ones,
// sizes), from the history of checkpoints as each ended. Both granularities report it this way.
#pragma once

#include <vector>

#include "sim/engine.h"

namespace flinksim::sim {

// Sets r.checkpoints (simulated = true) and r.checkpoint_history (in trigger order) from
// `history` (in the order the checkpoints ended).
void summarize_checkpoints(const std::vector<CheckpointRecord>& history, RunResult& r);

}  // namespace flinksim::sim
