// The JobManager's CheckpointCoordinator (checkpoint_state.h): periodic triggers with Flink's
// random initial delay, min-pause and max-concurrent-checkpoints, expiry after
// execution.checkpointing.timeout, acknowledgements, completion (which also moves the restore
// point), failure, and the switch of an aligned checkpoint to unaligned after
// execution.checkpointing.aligned-checkpoint-timeout.
#include <algorithm>

#include "sim/world.h"

namespace flinksim::sim::detail {

// Flink's CheckpointCoordinator#startCheckpointScheduler: the first trigger comes after a random
// delay in [min-pause, interval] (drawn from the scenario's seed here), then one every interval.
// Called at the start of the run and again when the job runs after a restart.
void Engine::start_checkpoint_scheduler() {
  if (!checkpoint_.enabled) return;
  scheduler_running_ = true;
  trigger_queued_ = false;
  const Nanos low = std::min(checkpoint_.min_pause, checkpoint_.interval);
  next_trigger_ = now_ + low + static_cast<Nanos>(checkpoint_rng_.uniform() * static_cast<double>(checkpoint_.interval - low));
  if (next_trigger_ <= horizon_) schedule(next_trigger_, kCheckpointTrigger, 0, ++trigger_generation_);
}

// Flink's ScheduledTrigger: the next trigger is due one interval after this one was, whatever
// happens to this request.
void Engine::checkpoint_trigger(std::uint32_t generation) {
  if (generation != trigger_generation_ || !scheduler_running_) return;  // rescheduled meanwhile
  next_trigger_ += checkpoint_.interval;
  if (next_trigger_ <= horizon_) schedule(next_trigger_, kCheckpointTrigger, 0, trigger_generation_);
  request_checkpoint();
}

int Engine::slot_of(std::int64_t id) const {
  for (int j = 0; j < slots_; ++j)
    if (pending_[j].id == id) return j;
  return -1;
}

// Flink's CheckpointRequestDecider: with max-concurrent checkpoints pending, a periodic request
// waits in the queue until one ends (queued requests collapse into one here: with one pending it
// makes no difference to when the next one starts); before min-pause has passed since the last
// completion, it is dropped and the periodic trigger rescheduled to that moment.
void Engine::request_checkpoint() {
  if (!scheduler_running_) return;
  int used = 0;
  for (const auto& p : pending_) used += p.id != 0 ? 1 : 0;
  if (used >= slots_) {
    trigger_queued_ = true;
    return;
  }
  if (last_completion_ >= 0 && now_ < last_completion_ + checkpoint_.min_pause) {
    next_trigger_ = last_completion_ + checkpoint_.min_pause;
    if (next_trigger_ <= horizon_) schedule(next_trigger_, kCheckpointTrigger, 0, ++trigger_generation_);
    return;
  }
  trigger_checkpoint();
}

void Engine::trigger_checkpoint() {
  int slot = 0;
  while (pending_[slot].id != 0) ++slot;
  PendingCheckpoint& p = pending_[slot];
  p = PendingCheckpoint{};
  p.id = ++last_id_;
  p.acks_left = static_cast<int>(subtasks_.size());
  p.record.id = p.id;
  p.record.trigger_time = now_;
  // Unaligned from the start unless an aligned-checkpoint-timeout lets it try aligned first.
  p.record.unaligned = checkpoint_.unaligned && checkpoint_.aligned_timeout <= 0;
  const auto tag = static_cast<std::uint32_t>(p.id);
  schedule(now_ + checkpoint_.timeout, kCheckpointExpire, static_cast<std::uint32_t>(slot), tag);
  if (checkpoint_.unaligned && checkpoint_.aligned_timeout > 0)
    schedule(now_ + checkpoint_.aligned_timeout, kAlignedTimeout, static_cast<std::uint32_t>(slot), tag);
  for (const auto& v : vertices_) {
    if (!v.is_source) continue;
    for (int i = 0; i < v.parallelism; ++i) request_snapshot(v.first_subtask + i, slot, p.id);
  }
}

void Engine::acknowledge(int subtask, int slot) {
  SubtaskSnapshot& snap = checkpointing_[subtask].slots[slot];
  snap.acked = true;
  PendingCheckpoint& p = pending_[slot];
  CheckpointRecord& r = p.record;
  // Flink's REST checkpoint statistics: the slowest subtask's alignment, sync and async parts.
  r.alignment_duration = std::max(r.alignment_duration, snap.alignment);
  r.sync_duration = std::max(r.sync_duration, snap.sync);
  r.async_duration = std::max(r.async_duration, now_ - snap.sync_end);
  p.state_bytes += snap.state_bytes;
  p.upload_bytes += snap.upload_bytes;
  p.persisted_bytes += snap.persisted_bytes;
  if (--p.acks_left == 0) complete_checkpoint(slot);
}

void Engine::complete_checkpoint(int slot) {
  PendingCheckpoint& p = pending_[slot];
  CheckpointRecord& r = p.record;
  r.status = CheckpointStatus::Completed;
  r.end_to_end_duration = now_ - r.trigger_time;
  r.state_size = static_cast<Bytes>(p.state_bytes);
  r.checkpointed_size = static_cast<Bytes>(p.upload_bytes);
  r.persisted_data = static_cast<Bytes>(p.persisted_bytes);
  // The restore point moves to this checkpoint: sources' offsets, sinks' committed output,
  // channel state, and the base of the next incremental snapshot.
  for (std::size_t i = 0; i < subtasks_.size(); ++i) {
    restore_[i] = checkpointing_[i].slots[slot];
    checkpointing_[i].processed_at_completed = restore_[i].processed;
  }
  std::copy_n(channel_snapshots_.begin() + static_cast<std::ptrdiff_t>(slot * channels_.size()),
              channels_.size(), restore_channels_.begin());
  restore_id_ = p.id;
  last_completion_ = now_;
  consecutive_failed_ = 0;  // Flink's CheckpointFailureManager counts failures in a row
  history_.push_back(r);
  if (options_.sink) options_.sink->on_checkpoint(r);
  const std::int64_t id = p.id;
  p.id = 0;
  // Flink subsumes older pending checkpoints once a newer one completes.
  for (int j = 0; j < slots_; ++j)
    if (pending_[j].id != 0 && pending_[j].id < id) fail_checkpoint(j, "subsumed");
  if (trigger_queued_) {
    trigger_queued_ = false;
    request_checkpoint();
  }
}

// Aborts a pending checkpoint: tasks aligning on it read their blocked channels again (Flink's
// notifyCheckpointAborted), its uploads stop, its late barriers are dropped when they arrive.
void Engine::fail_checkpoint(int slot, const char* reason) {
  PendingCheckpoint& p = pending_[slot];
  CheckpointRecord& r = p.record;
  r.status = CheckpointStatus::Failed;
  r.failure_reason = reason;
  r.end_to_end_duration = now_ - r.trigger_time;
  const std::int64_t id = p.id;
  p.id = 0;
  cancel_uploads(slot);
  for (std::size_t i = 0; i < subtasks_.size(); ++i) {
    if (checkpointing_[i].aligning != id) continue;
    unblock_inputs(static_cast<int>(i));
    wake(static_cast<int>(i));
  }
  history_.push_back(r);
  if (options_.sink) options_.sink->on_checkpoint(r);
  if (trigger_queued_ && scheduler_running_) {
    trigger_queued_ = false;
    request_checkpoint();
  }
}

// execution.checkpointing.timeout: the checkpoint expires. Expirations in a row beyond
// execution.checkpointing.tolerable-failed-checkpoints fail the job (CheckpointFailureManager),
// which then restarts like any failure (failure.cpp).
void Engine::checkpoint_expire(int slot, std::uint32_t id) {
  if (pending_[slot].id == 0 || static_cast<std::uint32_t>(pending_[slot].id) != id) return;
  fail_checkpoint(slot, "expired");
  if (++consecutive_failed_ > checkpoint_.tolerable_failures) checkpoint_failover();
}

// execution.checkpointing.aligned-checkpoint-timeout passed since the trigger: the checkpoint
// goes on unaligned. Barriers still queued in channels jump ahead of the data (delivered now,
// their place in the queue left inert), and tasks aligning on it snapshot without waiting.
void Engine::aligned_timeout(int slot, std::uint32_t id) {
  PendingCheckpoint& p = pending_[slot];
  if (p.id == 0 || static_cast<std::uint32_t>(p.id) != id || p.record.unaligned) return;
  p.record.unaligned = true;
  const std::int64_t full_id = p.id;
  for (std::size_t c = 0; c < channels_.size(); ++c) {
    ChannelState& ch = channels_[c];
    for (auto k = ch.head; k < ch.tail; ++k) {
      Buffer& b = ch.ring[k & ch.mask];
      if (b.records != 0 || b.first_origin != full_id || b.last_origin == 0) continue;
      b.last_origin = 0;
      barrier_received(ch.consumer, static_cast<int>(c), full_id);
    }
  }
  for (std::size_t i = 0; i < subtasks_.size(); ++i)
    if (checkpointing_[i].aligning == full_id) request_snapshot(static_cast<int>(i), slot, full_id);
}

}  // namespace flinksim::sim::detail
