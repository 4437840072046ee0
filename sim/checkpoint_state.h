// The buffer-level engine's state for checkpoints, failures and recovery: what the checkpoint
// coordinator keeps per pending checkpoint, what each subtask keeps of its part in one, what a
// channel keeps of the barrier that crossed it, the uploads sharing the storage bandwidth, and
// what a restore brings back. Plain structs addressed by index, like world.h's entities; the
// engine allocates them all before the loop.
//
// How a checkpoint is played (Flink's names; flink-facts.md d.1–d.3)
//  - The CheckpointCoordinator triggers checkpoint n at every source subtask. A source, between two
//    records, snapshots its offset (the RNG state of its arrival stream, its next arrival and its
//    position: rewinding a source restores exactly these), forwards barrier n on every output
//    channel, then runs the synchronous part of its snapshot on its thread.
//  - A barrier is an event in the channel's queue (a Buffer with no records). Aligned
//    (EXACTLY_ONCE): a task that reads barrier n on one input channel stops reading that channel
//    until barrier n has arrived on every input channel (alignment), then snapshots. Unaligned: the
//    barrier overtakes the queued buffers (a priority event, delivered one hop later), the task
//    snapshots at its next record boundary and keeps reading; the records the barrier overtook are
//    persisted with the checkpoint (persisted_data) and replayed into the channel on restore.
//    AT_LEAST_ONCE: barriers are counted, nothing is blocked (Flink's CheckpointBarrierTracker).
//  - Per subtask (Flink's SubtaskCheckpointCoordinatorImpl#checkpointState): barrier forwarded
//    first, then the synchronous part on the task thread (CPU work: model/checkpoint_model.h
//    sync_phase, for subtasks holding keyed state), then the asynchronous upload of the bytes it
//    checkpoints (full state, or the incremental delta since its last completed checkpoint, plus
//    persisted in-flight data), processor-shared with every other upload running at that moment
//    over [storage] write_bandwidth and its TaskManager's network. The subtask acknowledges when
//    the upload is done; the checkpoint completes when every subtask has acknowledged.
#pragma once

#include <cstdint>
#include <vector>

#include "model/scenario.h"
#include "model/state_model.h"
#include "model/units.h"
#include "sim/engine.h"
#include "sim/rng.h"

namespace flinksim::sim::detail {

using model::Bytes;
using model::Nanos;

// One subtask's part in one checkpoint (Flink's SubtaskStateStats), per coordinator slot.
struct SubtaskSnapshot {
  std::int64_t id = 0;          // the checkpoint this slot holds for the subtask (0: none yet)
  bool requested = false;       // the snapshot waits for the subtask's next record boundary
  bool taken = false;           // barrier forwarded and state captured
  bool sync_done = false;
  bool barriers_done = false;   // barrier n arrived on every input channel (sources: at once)
  bool uploading = false;
  bool acked = false;
  int barriers = 0;             // input channels that delivered barrier n
  Nanos first_barrier = 0;
  Nanos alignment = 0;          // first → last barrier (alignment.duration)
  Nanos sync = 0;               // checkpoint.sync
  Nanos sync_end = 0;
  double state_bytes = 0;       // full state held (state_size)
  double upload_bytes = 0;      // state bytes uploaded (checkpointed_size)
  double persisted_bytes = 0;   // in-flight bytes persisted (persisted_data)
  // What a restore from this checkpoint brings back.
  Rng take_rng;                 // sources: the arrival stream as the subtask reads it
  Nanos next_arrival = 0;
  std::int64_t position = 0;    // sources: records read from the backlog (the Kafka offset)
  std::int64_t left = 0;        // records that had left the job here (an exactly-once sink's commit)
  std::int64_t processed = 0;   // records taken (what changed since, for incremental snapshots)
};

// Per coordinator slot and channel: where barrier n sits in the channel's record stream.
struct ChannelSnapshot {
  std::int64_t written = -1;  // records ahead of the barrier (written + replayed − discarded)
  std::int64_t read = -1;     // records the consumer had read when it took its snapshot
  Nanos origin = 0;           // arrival (source backlog) of the newest record before the barrier
};

// One stateful operator's share on one subtask (model/state_model.h's SubtaskState), as the
// engine needs it per snapshot.
struct StatePart {
  model::SubtaskState layout;          // bytes_at(t) from the state model
  const model::StateSpec* spec = nullptr;
  double keys = 0;                     // this subtask's share of the operator's keys
  double records_factor = 1;           // records reaching the operator per record the subtask takes
};

struct SubtaskCheckpoint {
  std::vector<SubtaskSnapshot> slots;  // per coordinator slot
  std::vector<int> inputs;             // its input channels
  int first_state = 0, states = 0;     // its StateParts: [first_state, first_state + states)
  std::int64_t aligning = 0;           // aligned checkpoint whose barriers block input channels
  int syncing = -1;                    // slot whose synchronous part runs on the thread now
  Nanos sync_start = 0;
  std::int64_t processed_at_completed = 0;  // records taken at its last completed snapshot
};

// Flink's PendingCheckpoint: one per coordinator slot (max-concurrent-checkpoints of them).
struct PendingCheckpoint {
  std::int64_t id = 0;  // 0: the slot is free
  int acks_left = 0;    // subtasks that have not acknowledged
  double state_bytes = 0, upload_bytes = 0, persisted_bytes = 0;  // Σ over acknowledged subtasks
  CheckpointRecord record;
};

// One asynchronous upload (a subtask's part of a checkpoint) in progress.
struct Upload {
  int subtask = 0;
  int slot = 0;
  int taskmanager = 0;
  double left = 0;  // bytes still to upload
  double rate = 0;  // bytes/s while the set of uploads stays the same
};

// A failure and its recovery as it unfolds (RecoveryRecord is the result).
struct Recovery {
  RecoveryRecord record;
  std::int64_t lag_before = 0;  // records behind when the failure hit (Engine::behind)
};

}  // namespace flinksim::sim::detail
