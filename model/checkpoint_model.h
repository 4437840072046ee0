// Checkpoint settings as Flink resolves them, and the closed-form duration of one checkpoint
// (flink-facts.md d.1–d.3). The engine's checkpoint coordinator uses the same settings and the
// same sync-phase constants; its measured figures are checked against estimate_checkpoint.
//
// Closed form of one checkpoint (end_to_end_duration, as Flink's REST reports it: latest
// acknowledgement − trigger):
//     alignment + sync + async,   async = upload time = max(B_cluster, per-TaskManager network)
//   - alignment: the time from the first to the last barrier at the slowest task. With no
//     backpressure a barrier only waits one hop per job edge on the longest path (barriers are
//     flushed at once, not after the buffer timeout). Under backpressure an aligned barrier waits
//     behind every queued buffer and the caller passes `backpressured`: alignment is unbounded
//     (the checkpoint expires) unless unaligned checkpoints are on, in which case alignment is
//     aligned-checkpoint-timeout and the overtaken in-flight buffers (`in_flight_bytes`) are
//     persisted with the checkpoint (`persisted_data`).
//   - sync: MADE UP constants, per subtask, all in parallel: heap 10 ms (copy-on-write snapshot
//     of the state tables); RocksDB 100 ms (memtable flush and hard-linking the SST files).
//   - async: the checkpointed bytes (+ persisted in-flight data) over [storage] write_bandwidth,
//     shared by the whole cluster; and no faster than the busiest TaskManager's share over its
//     network bandwidth.
//   - checkpointed_size: every byte of state for a full snapshot (heap backend, or RocksDB without
//     incremental); for RocksDB incremental the changed bytes, taken from steady_state's
//     checkpointUpload estimate (state.change_rate, else the keys touched in one interval), never
//     recomputed here.
//   - A checkpoint whose duration exceeds execution.checkpointing.timeout expires (fails). With
//     max-concurrent = 1 a checkpoint longer than the interval delays the next one: checkpoints
//     then run back to back, effective interval = max(interval, duration + min-pause).
#pragma once

#include <cstdint>

#include "model/flink_config.h"
#include "model/scenario.h"
#include "model/state_model.h"
#include "model/steady_state.h"

namespace flinksim::model {

struct CheckpointSettings {
  bool enabled = false;  // execution.checkpointing.interval set (> 0)
  Nanos interval = 0;
  Nanos timeout = 10 * kMinute;
  Nanos min_pause = 0;
  std::int64_t max_concurrent = 1;
  std::int64_t tolerable_failures = 0;
  bool exactly_once = true;
  bool unaligned = false;        // execution.checkpointing.unaligned(.enabled)
  Nanos aligned_timeout = 0;     // 0: always unaligned when unaligned is on
  bool incremental = false;      // effective: RocksDB and incremental on (heap: always full)
  StateBackend backend = StateBackend::HashMap;
};

// Throws InputFailure for a value that does not parse.
CheckpointSettings resolve_checkpoint_settings(const FlinkConfig& config);

// Made-up sync-phase durations (see above); one place so the engine uses the same.
inline constexpr Nanos kSyncPhaseHeap = 10 * kMillisecond;
inline constexpr Nanos kSyncPhaseRocksDb = 100 * kMillisecond;
Nanos sync_phase(StateBackend backend);

struct CheckpointInputs {
  double state_size = 0.0;          // bytes, all subtasks
  double checkpointed_size = 0.0;   // bytes uploaded by this checkpoint
  double busiest_taskmanager_upload = 0.0;  // bytes uploaded by the TaskManager that uploads most
  Nanos pipeline_latency = 0;       // barrier travel without backpressure (hops × hop latency)
  bool backpressured = false;       // the job runs over capacity: in-flight buffers are full
  double in_flight_bytes = 0.0;     // buffers an unaligned barrier overtakes (persisted_data)
};

// The checkpoint's figures, named after Flink's REST checkpoint statistics (d.3).
struct CheckpointEstimate {
  std::optional<Nanos> alignment;            // nullopt: unbounded (aligned under backpressure)
  Nanos sync = 0;
  Nanos async = 0;
  std::optional<Nanos> end_to_end_duration;  // nullopt: never completes
  double state_size = 0.0;
  double checkpointed_size = 0.0;
  double persisted_data = 0.0;               // unaligned only
  bool unaligned = false;                    // checkpoint_type UNALIGNED_CHECKPOINT
  bool expired = false;                      // end_to_end_duration > timeout
  std::optional<Nanos> effective_interval;   // trigger to trigger; nullopt when they expire
};

// REQUIRES: settings.enabled. Bandwidths in bytes/s, > 0.
CheckpointEstimate estimate_checkpoint(const CheckpointSettings& settings,
                                       const CheckpointInputs& inputs, double write_bandwidth,
                                       double taskmanager_bandwidth);

// The inputs of a placed job at time t: state size from the state layout; checkpointed bytes per
// TaskManager from steady.taskmanagers[].network_out.checkpoint_upload × interval (a full
// snapshot scales with state growth, an incremental one does not, capped at the full size);
// pipeline latency = longest path in job edges × hop latency. `backpressured` and
// `in_flight_bytes` are left for the caller (plan: source rate above maxSourceRate).
// REQUIRES: settings.enabled; steady computed for the same layout.
CheckpointInputs checkpoint_inputs(const CheckpointSettings& settings, const StateLayout& layout,
                                   const SteadyState& steady, const JobGraph& graph,
                                   const Scenario& scenario, Nanos t);

}  // namespace flinksim::model
