// A subtask's side of a checkpoint (checkpoint_state.h): barriers arriving on its input channels
// and their alignment, the snapshot at a record boundary, barriers forwarded downstream, the
// synchronous part on the task thread, and the hand-over to the asynchronous upload.
#include <algorithm>
#include <cassert>

#include "model/steady_state.h"
#include "sim/world.h"

namespace flinksim::sim::detail {

SubtaskSnapshot& Engine::snapshot_of(int subtask, int slot, std::int64_t id) {
  SubtaskSnapshot& snap = checkpointing_[subtask].slots[slot];
  if (snap.id != id) {  // the slot held an older checkpoint: start afresh
    snap = SubtaskSnapshot{};
    snap.id = id;
  }
  return snap;
}

void Engine::request_snapshot(int subtask, int slot, std::int64_t id) {
  SubtaskSnapshot& snap = snapshot_of(subtask, slot, id);
  if (snap.requested || snap.taken) return;
  snap.requested = true;
  subtasks_[subtask].checkpoint_work = true;
  wake(subtask);
}

// Runs between two records (advance()): first the end of a synchronous part that just ran on the
// CPU, then every snapshot due, oldest checkpoint first.
bool Engine::checkpoint_step(int subtask) {
  SubtaskCheckpoint& k = checkpointing_[subtask];
  SubtaskState& s = subtasks_[subtask];
  if (k.syncing >= 0) finish_sync(subtask);
  for (;;) {
    int next = -1;
    for (int j = 0; j < slots_; ++j) {
      const SubtaskSnapshot& snap = k.slots[j];
      if (snap.requested && !snap.taken && (next < 0 || snap.id < k.slots[next].id)) next = j;
    }
    if (next < 0) break;
    take_snapshot(subtask, next);
    if (s.running) return false;
  }
  s.checkpoint_work = false;
  return true;
}

// Σ of the subtask's keyed state at `at` (model/state_model.h), bytes.
double Engine::state_bytes(int subtask, Nanos at) const {
  const SubtaskCheckpoint& k = checkpointing_[subtask];
  double bytes = 0;
  for (int p = k.first_state; p < k.first_state + k.states; ++p) bytes += state_parts_[p].layout.bytes_at(start_ + at);
  return bytes;
}

// Flink's SubtaskCheckpointCoordinatorImpl#checkpointState: the barrier goes downstream first (so
// downstream alignment is not delayed), then the synchronous part of the snapshot runs on the task
// thread, then the asynchronous part uploads.
void Engine::take_snapshot(int subtask, int slot) {
  SubtaskCheckpoint& k = checkpointing_[subtask];
  SubtaskState& s = subtasks_[subtask];
  SubtaskSnapshot& snap = k.slots[slot];
  snap.requested = false;
  snap.taken = true;
  if (pending_[slot].id != snap.id) return;  // aborted meanwhile
  emit_barriers(subtask, slot, pending_[slot].record.unaligned);
  if (k.aligning == snap.id) unblock_inputs(subtask);
  if (vertices_[s.vertex].is_source) {  // the Kafka offset: where a rewind resumes the stream
    const SourceState& src = sources_[subtask];
    snap.take_rng = src.take_rng;
    snap.next_arrival = src.next_arrival;
    snap.position = src.taken;
  }
  snap.left = s.left;
  snap.processed = s.taken;
  for (int c : k.inputs) channel_snapshot(slot, c).read = channels_[c].read;
  if (k.inputs.empty()) snap.barriers_done = true;
  // Full snapshot: every byte of state; incremental (RocksDB): what changed since this subtask's
  // last completed checkpoint, by the same formula as the analytic model.
  snap.state_bytes = state_bytes(subtask, now_);
  snap.upload_bytes = snap.state_bytes;
  if (checkpoint_.incremental) {
    const double accesses = static_cast<double>(s.taken - k.processed_at_completed);
    snap.upload_bytes = 0;
    for (int p = k.first_state; p < k.first_state + k.states; ++p) {
      const StatePart& part = state_parts_[p];
      snap.upload_bytes += model::incremental_checkpoint_bytes(
          *part.spec, part.layout.bytes_at(start_ + now_), part.keys, accesses * part.records_factor);
    }
  }
  k.syncing = slot;
  k.sync_start = now_;
  const Nanos sync = k.states > 0 ? model::sync_phase(checkpoint_.backend) : 0;
  if (sync > 0) {  // MADE UP duration (model/checkpoint_model.h), spent as CPU on its TaskManager
    set_state(s, ThreadState::kBusy);
    s.running = true;
    cpu_add(s.taskmanager, subtask, static_cast<double>(sync));
    return;
  }
  finish_sync(subtask);
}

// Aligned: the barrier is queued behind the records already written (the filling buffer is
// finished first). Unaligned: a priority event that overtakes them, at the input gate one hop
// later (at once on a local channel); the records it overtook are counted at the consumer's
// snapshot (maybe_upload) and persisted.
void Engine::emit_barriers(int subtask, int slot, bool unaligned) {
  const SubtaskState& s = subtasks_[subtask];
  const std::int64_t id = pending_[slot].id;
  for (int j = 0; j < s.partitions; ++j) {
    const PartitionState& p = partitions_[s.first_partition + j];
    for (int c = p.first_channel; c < p.first_channel + p.channels; ++c) {
      ChannelState& ch = channels_[c];
      ChannelSnapshot& cs = channel_snapshot(slot, c);
      // The records ahead of the barrier, net of what failures discarded (read counts no discards).
      cs.written = ch.written + ch.replayed - ch.discarded;
      const Buffer& newest = ch.ring[(ch.tail - 1) & ch.mask];
      cs.origin = ch.filling.records > 0                    ? ch.filling.last_origin
                  : ch.tail > ch.head && newest.records > 0 ? newest.last_origin
                                                            : now_;
      if (unaligned) {
        if (ch.remote) {
          ch.priority_barrier = id;
          schedule(now_ + params_.hop_latency, kPriorityBarrier, static_cast<std::uint32_t>(c));
        } else {
          barrier_received(ch.consumer, c, id);
        }
        continue;
      }
      finish_buffer(c);  // Flink finishes the buffer being filled before it adds an event
      assert(ch.tail - (ch.remote ? ch.credited : ch.head) <= ch.mask);
      Buffer& barrier = ch.ring[ch.tail & ch.mask];
      barrier = Buffer{};
      barrier.first_origin = id;
      barrier.last_origin = 1;
      ++ch.tail;
      if (ch.remote) {
        try_send(c);
      } else {
        ch.sent = ch.arrived = ch.tail;
        push_data(subtasks_[ch.consumer], c);
        wake(ch.consumer);
      }
    }
  }
}

void Engine::priority_barrier(int channel) {
  ChannelState& ch = channels_[channel];
  const std::int64_t id = ch.priority_barrier;
  ch.priority_barrier = 0;
  if (id != 0) barrier_received(ch.consumer, channel, id);
}

// Barrier `id` arrived on `channel` (read in order, or as a priority event).
void Engine::barrier_received(int subtask, int channel, std::int64_t id) {
  const int slot = slot_of(id);
  if (slot < 0) return;  // its checkpoint was aborted: Flink drops a barrier it no longer waits for
  SubtaskCheckpoint& k = checkpointing_[subtask];
  SubtaskSnapshot& snap = snapshot_of(subtask, slot, id);
  if (snap.barriers++ == 0) snap.first_barrier = now_;
  const bool all = snap.barriers == static_cast<int>(k.inputs.size());
  if (all) {
    snap.alignment = now_ - snap.first_barrier;
    snap.barriers_done = true;
  }
  if (pending_[slot].record.unaligned) {
    request_snapshot(subtask, slot, id);  // the first barrier starts the snapshot; reading goes on
    if (all) maybe_upload(subtask, slot);
  } else if (checkpoint_.exactly_once) {
    // Flink's SingleCheckpointBarrierHandler (aligned): the channel is not read again until the
    // barrier has arrived on every input channel.
    k.aligning = id;
    ChannelState& ch = channels_[channel];
    ch.blocked = true;
    ch.in_data_ring = true;  // push_data leaves it out
    if (all) request_snapshot(subtask, slot, id);
  } else if (all) {
    request_snapshot(subtask, slot, id);  // AT_LEAST_ONCE: Flink's CheckpointBarrierTracker blocks nothing
  }
}

void Engine::unblock_inputs(int subtask) {
  SubtaskCheckpoint& k = checkpointing_[subtask];
  k.aligning = 0;
  SubtaskState& s = subtasks_[subtask];
  for (int c : k.inputs) {
    ChannelState& ch = channels_[c];
    if (!ch.blocked) continue;
    ch.blocked = false;
    ch.in_data_ring = false;
    if (ch.head < ch.arrived) push_data(s, c);
  }
}

void Engine::finish_sync(int subtask) {
  SubtaskCheckpoint& k = checkpointing_[subtask];
  const int slot = k.syncing;
  k.syncing = -1;
  SubtaskSnapshot& snap = k.slots[slot];
  if (pending_[slot].id != snap.id) return;
  snap.sync = now_ - k.sync_start;
  snap.sync_end = now_;
  snap.sync_done = true;
  maybe_upload(subtask, slot);
}

// The asynchronous part starts once the synchronous part is done and, for an unaligned
// checkpoint, every barrier has arrived (the in-flight data is then complete). Persisted: the
// records written before the barrier that the subtask had not read at its snapshot (0 when
// aligned: it read exactly up to the barrier).
void Engine::maybe_upload(int subtask, int slot) {
  SubtaskCheckpoint& k = checkpointing_[subtask];
  SubtaskSnapshot& snap = k.slots[slot];
  if (!snap.taken || !snap.sync_done || !snap.barriers_done || snap.uploading || snap.acked) return;
  if (pending_[slot].id != snap.id) return;
  for (int c : k.inputs) {
    const ChannelSnapshot& cs = channel_snapshot(slot, c);
    if (cs.written <= cs.read) continue;
    const Bytes size = std::min<Bytes>(edge_record_size_[partitions_[channels_[c].partition].edge], params_.segment_size);
    snap.persisted_bytes += static_cast<double>(cs.written - cs.read) * static_cast<double>(size);
  }
  snap.uploading = true;
  const double bytes = snap.upload_bytes + snap.persisted_bytes;
  if (bytes > 0) {
    start_upload(subtask, slot, bytes);
  } else {
    acknowledge(subtask, slot);
  }
}

}  // namespace flinksim::sim::detail
