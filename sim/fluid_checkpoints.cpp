// Checkpoints at the fluid level (fluid_run.h): Flink's CheckpointCoordinator as the buffer level
// plays it (checkpoint_coordinator.cpp: the first trigger a random delay in [min-pause, interval]
// drawn from the same seeded stream, then one every interval; min-pause, max-concurrent,
// timeout, tolerable failures, subsumption), with each checkpoint's course worked out at its
// trigger from the rates and levels of that moment, and only its end an event:
//  - Barriers: a source snapshots at the trigger. An aligned barrier queues behind the records in
//    each channel, so it reaches the consumer level ÷ drain later (plus hop_latency on a remote
//    channel); the consumer snapshots when the last of its barriers has arrived (alignment = last
//    − first). Unaligned barriers overtake the queue (one hop), the task snapshots at the first,
//    and the overtaken records are persisted (persisted_data) and replayed on restore. With
//    aligned-checkpoint-timeout the barriers still queued at that moment overtake from then on.
//  - Sync part: model/checkpoint_model.h sync_phase, for threads holding keyed state.
//  - Upload: full state or the incremental delta (model/steady_state.h
//    incremental_checkpoint_bytes, the same call as barrier.cpp), plus persisted bytes,
//    processor-shared over [storage] write_bandwidth and the TaskManager's network exactly as
//    upload.cpp does (upload_sharing.h), uploads starting at their snapshot + sync.
// The rates are taken as they are at the trigger: a checkpoint shorter than the time between rate
// changes is exact; one that spans a traffic step is an estimate. Concurrent checkpoints do not
// share upload bandwidth with each other (max-concurrent is 1 unless configured).
#include <algorithm>
#include <cmath>
#include <limits>

#include "model/memory.h"
#include "model/state_model.h"
#include "model/steady_state.h"
#include "sim/checkpoint_summary.h"
#include "sim/fluid_run.h"
#include "sim/upload_sharing.h"

namespace flinksim::sim::fluid {

void FluidRun::build_state(const model::Placement& placement) {
  checkpoint_ = model::resolve_checkpoint_settings(sc_.flink);
  // Coordinator slots: max-concurrent-checkpoints; unaligned checkpoints need it at 1 (Flink).
  slots_ = !checkpoint_.enabled ? 0
           : checkpoint_.unaligned ? 1
                                   : static_cast<int>(std::clamp<std::int64_t>(checkpoint_.max_concurrent, 1, 64));
  checkpoint_rng_ = Rng(sc_.seed, Stream::kCheckpoint, 0);
  const std::size_t nt = net_.threads.size();
  restore_.position.assign(nt, 0.0);
  restore_.processed.assign(nt, 0.0);
  restore_.state_bytes.assign(nt, 0.0);
  restore_.channel.assign(net_.flows.size(), 0.0);
  bool stateful = false;
  for (const auto& op : sc_.operators) stateful = stateful || op.state.has_value();
  if (!stateful) return;
  state_layout_ = model::layout_state(sc_, g_, placement, model::derive_taskmanager_memory(sc_.flink));
  const model::StateLayout& layout = state_layout_;
  for (const model::SubtaskState& s : layout.subtasks) {
    const int v = s.subtask.vertex;
    StatePart part;
    part.thread = net_.first_thread[v] + s.subtask.index;
    part.layout = s;
    part.spec = &*sc_.operators[s.op].state;
    part.keys = part.spec->bytes_per_key > 0 ? s.initial_bytes / static_cast<double>(part.spec->bytes_per_key) : 0;
    for (const auto& op : g_.vertices[v].operators)
      if (op.op == s.op) part.records_factor = op.rate_factor;  // the selectivities above it
    state_parts_.push_back(part);
  }
}

// Flink's CheckpointCoordinator#startCheckpointScheduler, drawn as checkpoint_coordinator.cpp does.
void FluidRun::start_checkpoint_scheduler() {
  if (!checkpoint_.enabled) return;
  scheduler_running_ = true;
  trigger_queued_ = false;
  const Nanos low = std::min(checkpoint_.min_pause, checkpoint_.interval);
  next_trigger_ = now_ + low + static_cast<Nanos>(checkpoint_rng_.uniform() * static_cast<double>(checkpoint_.interval - low));
}

void FluidRun::checkpoint_trigger() {
  next_trigger_ += checkpoint_.interval;
  request_checkpoint();
}

// Flink's CheckpointRequestDecider (see checkpoint_coordinator.cpp).
void FluidRun::request_checkpoint() {
  if (!scheduler_running_) return;
  if (static_cast<int>(pending_.size()) >= slots_) {
    trigger_queued_ = true;
    return;
  }
  if (last_completion_ != kNever && now_ < last_completion_ + checkpoint_.min_pause) {
    next_trigger_ = last_completion_ + checkpoint_.min_pause;
    return;
  }
  trigger_checkpoint();
}

void FluidRun::trigger_checkpoint() {
  PendingCheckpoint p;
  p.record.id = ++last_id_;
  p.record.trigger_time = now_;
  locked_at_ = now_;  // the barriers finish every channel's segment (broadcastEvent)
  Snapshot& snap = p.snapshot;
  snap.id = p.record.id;
  snap.position = position_;
  snap.processed = processed_;
  snap.out = out_;
  snap.state_bytes.assign(net_.threads.size(), 0.0);
  snap.channel.assign(net_.flows.size(), 0.0);
  for (const auto& part : state_parts_)
    snap.state_bytes[part.thread] += part.layout.bytes_at(start_ + now_);
  plan_checkpoint(p);
  pending_.push_back(std::move(p));
}

// The checkpoint's course from the rates and levels at its trigger (see the top of the file).
void FluidRun::plan_checkpoint(PendingCheckpoint& p) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const double hop = static_cast<double>(net_.params.hop_latency) * 1e-9;
  const bool switches = checkpoint_.unaligned && checkpoint_.aligned_timeout > 0;
  const double switch_at = static_cast<double>(checkpoint_.aligned_timeout) * 1e-9;
  CheckpointRecord& r = p.record;
  r.unaligned = checkpoint_.unaligned && !switches;
  const std::size_t nt = net_.threads.size();
  const bool overtakes = r.unaligned;  // unaligned from the trigger on
  std::vector<double> alignment(nt, 0.0);
  // Barrier times, seconds after the trigger; flows go from lower to higher thread indices.
  for (std::size_t i = 0; i < nt; ++i) {
    const Thread& t = net_.threads[i];
    double first = kInf, last = 0;
    for (int k = t.first_in; k < t.first_in + t.ins; ++k) {
      const int q = net_.in_flows[k];
      const Flow& f = net_.flows[q];
      const double sent = snapshot_at_[f.from], travel = f.remote ? hop : 0.0;
      double at = sent + travel;  // unaligned: overtakes the queue
      if (!overtakes) {
        at += level_[q] <= 1e-6 ? 0.0 : r_->drain[q] > 0 ? level_[q] / r_->drain[q] : kInf;
        if (switches) at = std::min(at, std::max(switch_at, sent) + travel);  // queued past the timeout: overtakes
      }
      first = std::min(first, at);
      last = std::max(last, at);
    }
    if (t.ins == 0) first = last = 0;
    snapshot_at_[i] = overtakes ? first : last;
    alignment[i] = overtakes ? 0.0 : last - first;
    if (switches && last > switch_at) r.unaligned = true;  // went on unaligned after the timeout
  }
  // What each thread uploads, and when its upload starts.
  const Nanos sync = model::sync_phase(checkpoint_.backend);
  std::vector<double> bytes(nt, 0.0), start(nt, 0.0);
  std::vector<char> stateful(nt, 0);
  for (const auto& part : state_parts_) {
    stateful[part.thread] = 1;
    const double held = part.layout.bytes_at(start_ + now_);
    bytes[part.thread] += checkpoint_.incremental
        ? model::incremental_checkpoint_bytes(*part.spec, held, part.keys,
                                              (processed_[part.thread] - processed_at_completed_[part.thread]) * part.records_factor)
        : held;
  }
  double state = 0, uploaded = 0, persisted = 0;
  for (std::size_t i = 0; i < nt; ++i) {
    state += p.snapshot.state_bytes[i];
    uploaded += bytes[i];
  }
  if (r.unaligned) {
    for (std::size_t q = 0; q < net_.flows.size(); ++q) {
      const Flow& f = net_.flows[q];
      p.snapshot.channel[q] = level_[q];
      const double b = level_[q] * static_cast<double>(net_.params.segment_size) / f.records_per_buffer;
      bytes[f.to] += b;
      persisted += b;
    }
  }
  // Records that leave the job before the barrier reaches the sink are committed by this checkpoint.
  for (std::size_t i = 0; i < nt; ++i) {
    if (std::isfinite(snapshot_at_[i])) p.snapshot.out += r_->take[i] * net_.threads[i].leave * snapshot_at_[i];
    start[i] = snapshot_at_[i] + (stateful[i] ? static_cast<double>(sync) * 1e-9 : 0.0);
    r.alignment_duration = std::max(r.alignment_duration, static_cast<Nanos>(std::llround(std::min(alignment[i], 1e9) * 1e9)));
  }
  r.sync_duration = state_parts_.empty() ? 0 : sync;
  r.state_size = static_cast<Bytes>(state);
  r.checkpointed_size = static_cast<Bytes>(uploaded);
  r.persisted_data = static_cast<Bytes>(persisted);

  // The uploads, processor-shared as upload.cpp shares them.
  const double storage = sc_.storage.write_bandwidth > 0 ? sc_.storage.write_bandwidth : kInf;
  const double link = net_.params.bandwidth_per_taskmanager > 0 ? net_.params.bandwidth_per_taskmanager : kInf;
  std::vector<double> left = bytes, end(nt, kInf);
  std::vector<int> count(net_.cores.size(), 0), capped(net_.cores.size(), 0);
  for (std::size_t i = 0; i < nt; ++i)
    if (left[i] <= 1.0 && std::isfinite(start[i])) end[i] = start[i];
  double t = 0;
  for (;;) {
    std::fill(count.begin(), count.end(), 0);
    double next_start = kInf;
    for (std::size_t i = 0; i < nt; ++i) {
      if (std::isfinite(end[i]) || !std::isfinite(start[i])) continue;
      if (start[i] <= t) ++count[net_.threads[i].taskmanager];
      else next_start = std::min(next_start, start[i]);
    }
    bool active = false;
    for (int c : count) active = active || c > 0;
    if (!active) {
      if (!std::isfinite(next_start)) break;
      t = next_start;
      continue;
    }
    const double share = share_write_bandwidth(storage, link, count, capped);
    auto rate = [&](std::size_t i) {
      const int tm = net_.threads[i].taskmanager;
      return capped[tm] ? link / count[tm] : share;
    };
    double dt = next_start - t;
    for (std::size_t i = 0; i < nt; ++i)
      if (!std::isfinite(end[i]) && std::isfinite(start[i]) && start[i] <= t) dt = std::min(dt, left[i] / rate(i));
    if (!std::isfinite(dt)) dt = 0;  // unbounded bandwidth: done at once
    const double was = t;
    t += dt;
    for (std::size_t i = 0; i < nt; ++i) {
      if (std::isfinite(end[i]) || !std::isfinite(start[i]) || start[i] > was) continue;
      left[i] -= rate(i) * dt;
      if (left[i] <= 1.0) end[i] = t;
    }
  }
  double duration = 0;
  Nanos async = 0;
  for (std::size_t i = 0; i < nt; ++i) {
    duration = std::max(duration, end[i]);
    if (std::isfinite(end[i])) async = std::max(async, static_cast<Nanos>(std::ceil((end[i] - start[i]) * 1e9)));
  }
  r.async_duration = async;
  const double timeout = static_cast<double>(checkpoint_.timeout) * 1e-9;
  p.expires = !(duration <= timeout);
  p.ends = p.expires ? now_ + checkpoint_.timeout : now_ + static_cast<Nanos>(std::ceil(duration * 1e9));
}

void FluidRun::complete_checkpoint(std::size_t k) {
  PendingCheckpoint p = std::move(pending_[k]);
  pending_.erase(pending_.begin() + static_cast<std::ptrdiff_t>(k));
  CheckpointRecord& r = p.record;
  r.status = CheckpointStatus::Completed;
  r.end_to_end_duration = now_ - r.trigger_time;
  // The restore point moves to this checkpoint, and the base of the next incremental snapshot.
  restore_ = std::move(p.snapshot);
  processed_at_completed_ = restore_.processed;
  last_completion_ = now_;
  consecutive_failed_ = 0;  // Flink's CheckpointFailureManager counts failures in a row
  history_.push_back(r);
  if (options_.sink) options_.sink->on_checkpoint(r);
  // Flink subsumes older pending checkpoints once a newer one completes.
  while (!pending_.empty() && pending_.front().record.id < r.id) fail_checkpoint(0, "subsumed");
  if (trigger_queued_) {
    trigger_queued_ = false;
    request_checkpoint();
  }
}

void FluidRun::fail_checkpoint(std::size_t k, const char* reason) {
  CheckpointRecord r = pending_[k].record;
  pending_.erase(pending_.begin() + static_cast<std::ptrdiff_t>(k));
  r.status = CheckpointStatus::Failed;
  r.failure_reason = reason;
  r.end_to_end_duration = now_ - r.trigger_time;
  history_.push_back(r);
  if (options_.sink) options_.sink->on_checkpoint(r);
  if (trigger_queued_ && scheduler_running_) {
    trigger_queued_ = false;
    request_checkpoint();
  }
}

}  // namespace flinksim::sim::fluid
