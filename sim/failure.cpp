// Failures and recovery (checkpoint_state.h): a `[[failure]]` stops the job, the downtime comes
// from the same formulas as the analytic model (model/recovery_model.h: detection, restart
// strategy delay, replacement pod, restore over [storage] read_bandwidth, JobManager failover with
// HA), then the job restarts from the latest completed checkpoint and catches up for real.
//
// What the engine does at a failure
//  - Flink fails the tasks of the lost TaskManager; a streaming job connected by all-to-all edges
//    is one pipelined region, so region failover (RestartPipelinedRegionFailoverStrategy) restarts
//    every task. The engine stops the whole job at the loss (work done between the loss and its
//    detection would be rolled back anyway): everything in flight (channels, records in hand, CPU
//    work) is discarded and pending checkpoints abort. The pending-event set is cleared, so no
//    event of the failed attempt survives.
//  - Sources rewind to the restored checkpoint's offsets: records read again keep their original
//    arrival time, so their latency includes the outage. Sinks roll back what left after the
//    checkpoint (an exactly-once sink aborts that transaction); an at-least-once sink would have
//    emitted those records twice: RecordLedger::duplicated.
//  - JobManager lost with high-availability.type = none: the job is lost, nothing restarts it.
//  - Catch-up is simulated: caught up at the first metrics sample after the restart at which the
//    records the job is behind (source lag plus records held in channels) are back to their level
//    before the failure.
#include <algorithm>
#include <cmath>

#include "model/recovery_model.h"
#include "sim/world.h"

namespace flinksim::sim::detail {

void Engine::schedule_failures() {
  for (std::size_t i = 0; i < scenario_.failures.size(); ++i) {
    const Nanos t = scenario_.failures[i].at - start_;
    if (!failure_done_[i] && t >= now_ && t <= horizon_) schedule(t, kFailure, static_cast<std::uint32_t>(i));
  }
}

// The source lag alone would call the job caught up while the network buffers still hold up to
// ~20 buffers per channel of the backlog (0.65 s of work in the validation jobs); counting the
// records held in channels too makes catch-up the time the backlog takes to go through the job.
std::int64_t Engine::behind() const {
  std::int64_t records = 0;
  for (const auto& v : vertices_) {
    if (!v.is_source) continue;
    for (int i = 0; i < v.parallelism; ++i) {
      const SourceState& src = sources_[v.first_subtask + i];
      records += src.arrived - src.taken;
    }
  }
  for (const auto& c : channels_) records += c.written + c.replayed - c.read - c.discarded;
  return records;
}

// Back to the level before the failure within the noise of that level: three standard deviations
// of a Poisson count, and at least one record (in steady state the records behind at a sample
// swing by about √level; the level is ~800 for taskmanager-loss.toml and the last samples before
// the loss do not bound the next ones). Late by at most that many records at the drain rate.
std::int64_t Engine::caught_up_level(std::int64_t before) {
  return before + static_cast<std::int64_t>(std::ceil(3 * std::sqrt(static_cast<double>(before)))) + 1;
}

void Engine::failure(int index) {
  failure_done_[index] = true;
  const auto spec = failure_hitting_tasks(index, scenario_.failures[index], subtasks_,
                                          static_cast<int>(taskmanagers_.size()), state_layout_, now_, ran_no_task_);
  if (spec)
    fail_job(index, failure_recovery_inputs(scenario_, graph_, *spec, options_.loss_detection, start_ + now_, restart_), "");
}

// The job fails because checkpoints expired more often in a row than tolerated: a global
// failover decided by the JobManager itself (noticed at once, no TaskManager lost, so no pod to
// wait for), restarted by the restart strategy.
void Engine::checkpoint_failover() {
  fail_job(-1, checkpoint_failover_inputs(scenario_, graph_, start_ + now_, restart_), kCheckpointFailoverReason);
}

void Engine::fail_job(int index, model::RecoveryInputs in, const char* cause) {
  Recovery rec;
  rec.record = failure_record(index, in, now_, cause, job_lost_);
  if (job_lost_) {
    recoveries_.push_back(rec);
    return;
  }
  count_arrivals(now_);
  if (job_down_) {
    // Lost again before it restarted: that restart never happens; the lag to get back to is still
    // the one before the first failure.
    cancel_pending_restarts(recoveries_, now_);
    rec.lag_before = recoveries_.back().lag_before;
  } else {
    // The level to get back to: the largest of now and the last samples (records waiting in
    // buffers for the flusher swing with its period).
    rec.lag_before = std::max({behind(), behind_recent_[0], behind_recent_[1], behind_recent_[2]});
  }
  catching_up_ = -1;
  recovering_ = true;

  // Stop the job: pending checkpoints abort first (they unblock channels), then everything in
  // flight is discarded and the pending events of the failed attempt go.
  for (int j = 0; j < slots_; ++j)
    if (pending_[j].id != 0) fail_checkpoint(j, "task failure");
  scheduler_running_ = false;
  discard_in_flight();
  events_.clear();
  if (last_sample_ + interval_ <= horizon_) schedule(last_sample_ + interval_, kMetricsTick, 0);
  schedule_failures();

  // The downtime's milestones, by the analytic model's formulas (model/recovery_model.h), with
  // what the run knows: the restart strategy's delay and the restored checkpoint's bytes.
  double state = 0, lost = 0;
  for (std::size_t i = 0; i < subtasks_.size(); ++i) {
    state += restore_[i].state_bytes;
    if (subtasks_[i].taskmanager == in.failure.taskmanager) lost += restore_[i].state_bytes;
  }
  const model::RecoveryEstimate estimate = estimate_downtime(scenario_, in, state, lost);
  rec.record.detected = now_ + estimate.detection;
  if (estimate.job_lost) {
    job_lost_ = true;
    rec.record.job_lost = true;
    rec.record.reason = estimate.reason;
    rec.record.restarted = -1;
    recoveries_.push_back(rec);
    return;  // nothing restarts: sources stay stopped, the backlog grows
  }
  // Rewind to the restore point (the latest completed checkpoint, or the start of the run).
  for (std::size_t i = 0; i < subtasks_.size(); ++i) {
    SubtaskState& s = subtasks_[i];
    SubtaskSnapshot& point = restore_[i];
    s.rolled_back += s.left - point.left;
    point.left = s.left;  // rolled back once: what leaves from now on counts again
    if (!vertices_[s.vertex].is_source) continue;
    SourceState& src = sources_[i];
    rec.record.rewound_records += src.taken - point.position;
    src.rewound += src.taken - point.position;
    src.taken = point.position;
    src.take_rng = point.take_rng;
    src.next_arrival = point.next_arrival;
  }
  rec.record.restored_checkpoint = restore_id_;
  rec.record.restored_bytes = static_cast<Bytes>(in.restore_bytes);
  rec.record.downtime = estimate.downtime;
  rec.record.restarted = now_ + estimate.downtime;
  job_down_ = true;
  if (rec.record.restarted <= horizon_)
    schedule(rec.record.restarted, kRestart, static_cast<std::uint32_t>(recoveries_.size()));
  recoveries_.push_back(rec);
}

// Everything the failed attempt held is dropped, counted as discarded per channel and subtask.
void Engine::discard_in_flight() {
  for (std::size_t ci = 0; ci < channels_.size(); ++ci) {
    ChannelState& c = channels_[ci];
    std::int64_t held = c.filling.records;
    for (auto k = c.head; k < c.tail; ++k) held += c.ring[k & c.mask].records;
    const SubtaskState& consumer = subtasks_[c.consumer];
    if (consumer.data_size > 0 && consumer.data_ring[consumer.data_head] == static_cast<int>(ci))
      held -= consumer.read_pos;
    c.discarded += held;
    c.filling = Buffer{};
    c.segment_bytes = 0;
    c.slice_at = ChannelState::kNoSlice;
    c.credited = c.head = c.arrived = c.sent = c.tail = 0;
    c.in_data_ring = c.arrival_pending = c.waiting_float = c.credit_pending = c.blocked = false;
    c.flush_requested = false;
    c.floats_held = 0;
    c.priority_barrier = 0;
  }
  for (std::size_t i = 0; i < subtasks_.size(); ++i) {
    SubtaskState& s = subtasks_[i];
    set_state(s, ThreadState::kIdle);
    std::int64_t in_hand = s.pending_leave - (s.broadcast_next > 0 ? 1 : 0);
    for (auto& p : s.pending) {
      in_hand += p;
      p = 0;
    }
    s.discarded += in_hand;
    s.pending_leave = 0;
    s.pending_target = -1;
    s.broadcast_next = 0;
    s.running = s.woken = s.flush_pending = s.checkpoint_work = false;
    s.data_head = s.data_size = 0;
    s.reading = -1;
    s.read_pos = 0;
    SubtaskCheckpoint& k = checkpointing_[i];
    k.aligning = 0;
    k.syncing = -1;
    for (auto& snap : k.slots) snap = SubtaskSnapshot{};
  }
  for (auto& tm : taskmanagers_) {
    cpu_advance(tm);
    tm.runnable.clear();
    tm.speed = 1;
    tm.virtual_now = 0;
    tm.scheduled_subtask = -1;
    tm.scheduled_speed = 0;
    tm.link_out_free = std::min(tm.link_out_free, now_);
    tm.link_in_free = std::min(tm.link_in_free, now_);
  }
  for (auto& p : partitions_) p.used = 0;
  for (auto& gate : gates_) {
    gate.free_floats = params_.floating_buffers_per_gate;
    gate.waiting_head = gate.waiting_size = 0;
  }
  for (auto& src : sources_) src.event_pending = false;
  std::fill(channel_snapshots_.begin(), channel_snapshots_.end(), ChannelSnapshot{});
  uploads_.clear();
  ++upload_generation_;
  work_list_.clear();
}

// Flink restores an unaligned checkpoint's in-flight data into the channels before the tasks read
// anything new: one buffer per channel with the records the barrier had overtaken.
void Engine::replay_channel_state() {
  if (restore_id_ == 0) return;
  for (std::size_t ci = 0; ci < channels_.size(); ++ci) {
    const ChannelSnapshot& cs = restore_channels_[ci];
    const std::int64_t n = cs.written - cs.read;
    if (n <= 0) continue;
    ChannelState& c = channels_[ci];
    Buffer& b = c.ring[c.tail & c.mask];
    b = Buffer{};
    b.arrive = now_;
    b.first_origin = b.last_origin = cs.origin;
    b.records = static_cast<std::int32_t>(n);
    b.bytes = static_cast<std::int32_t>(std::min<std::int64_t>(n * 64, params_.segment_size));
    ++c.tail;
    c.sent = c.arrived = c.tail;
    if (!c.remote) ++partitions_[c.partition].used;  // returned when read (consumed_buffer)
    c.replayed += n;
    push_data(subtasks_[c.consumer], static_cast<int>(ci));
    wake(c.consumer);
  }
}

void Engine::restart(int index) {
  job_down_ = false;
  replay_channel_state();
  for (const auto& v : vertices_) {
    if (!v.is_source) continue;
    for (int i = 0; i < v.parallelism; ++i) wake(v.first_subtask + i);
  }
  start_checkpoint_scheduler();  // Flink restarts periodic checkpoints once the job runs again
  catching_up_ = index;
}

}  // namespace flinksim::sim::detail
