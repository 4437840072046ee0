// Failures and recovery at the fluid level (fluid_run.h), as the buffer level plays them
// (failure.cpp), as milestones of the fluid run:
//  - At a `[[failure]]` the whole job stops (every take rate 0; arrivals go on, so source backlogs
//    grow); the records in channels are discarded (RecordLedger::discarded); pending checkpoints
//    fail ("task failure"); the downtime comes from the same calls as the buffer level's
//    (recovery_downtime.h: failure_inputs, the run's restart backoff, restore_bytes of the restored
//    checkpoint, estimate_recovery). JobManager lost without HA: the job is lost for good.
//  - Rewind: sources go back to the restored checkpoint's offsets (their backlogs grow by the
//    records read since: reread); what left the job since that checkpoint is rolled back
//    (duplicated: an at-least-once sink would emit it twice). An unaligned checkpoint's persisted
//    in-flight records go back into their channels at the restart.
//  - Catch-up is simulated: caught up at the first metrics sample after the restart at which the
//    records the job is behind (source backlogs plus records in channels) are back to their level
//    at the failure. The fluid level has no Poisson noise, so that level is exact (within one
//    record), where the buffer level allows three standard deviations.
#include <algorithm>

#include "sim/fluid_run.h"

namespace flinksim::sim::fluid {

Nanos FluidRun::next_milestone() const {
  Nanos next = horizon_ + 1;
  for (std::size_t i = 0; i < failure_done_.size(); ++i)
    if (!failure_done_[i]) next = std::min(next, std::max(now_, failure_at(i)));
  if (restart_at_ != kNever) next = std::min(next, restart_at_);
  if (scheduler_running_ && next_trigger_ != kNever) next = std::min(next, std::max(now_, next_trigger_));
  for (const auto& p : pending_) next = std::min(next, std::max(now_, p.ends));
  return next;
}

// Everything due at now_, until nothing is.
void FluidRun::milestones() {
  for (bool any = true; any;) {
    any = false;
    if (restart_at_ != kNever && restart_at_ <= now_) {
      restart();
      any = true;
    }
    for (std::size_t i = 0; i < failure_done_.size(); ++i) {
      if (failure_done_[i] || failure_at(i) > now_) continue;
      failure(static_cast<int>(i));
      any = true;
    }
    for (std::size_t k = 0; k < pending_.size(); ++k) {
      if (pending_[k].ends > now_) continue;
      any = true;
      if (!pending_[k].expires) {
        complete_checkpoint(k);
        break;
      }
      fail_checkpoint(k, "expired");
      // Expirations in a row beyond tolerable-failed-checkpoints fail the job (failure.cpp).
      if (++consecutive_failed_ > checkpoint_.tolerable_failures)
        fail_job(-1, checkpoint_failover_inputs(sc_, g_, now_, restart_), kCheckpointFailoverReason);
      break;
    }
    if (scheduler_running_ && next_trigger_ != kNever && next_trigger_ <= now_) {
      checkpoint_trigger();
      any = true;
    }
  }
}

double FluidRun::behind(double since) const {
  double records = 0;
  for (std::size_t i = 0; i < net_.threads.size(); ++i)
    if (net_.threads[i].source) records += std::max(0.0, backlog_[i] + (c_.arrival[i] - r_->take[i]) * since);
  for (std::size_t q = 0; q < net_.flows.size(); ++q)
    records += std::max(0.0, level_[q] + (r_->inflow[q] - r_->drain[q]) * since);
  return records;
}

void FluidRun::failure(int index) {
  failure_done_[index] = 1;
  const auto spec = failure_hitting_tasks(index, sc_.failures[index], net_.threads, sc_.cluster.taskmanagers,
                                          state_layout_, now_, ran_no_task_);
  if (spec) fail_job(index, failure_recovery_inputs(sc_, g_, *spec, options_.loss_detection, now_, restart_), "");
}

void FluidRun::fail_job(int index, model::RecoveryInputs in, const char* cause) {
  Recovery rec;
  rec.record = failure_record(index, in, now_, cause, job_lost_);
  if (job_lost_) {
    recoveries_.push_back(rec);
    return;
  }
  if (job_down_) {
    // Lost again before it restarted: that restart never happens; the lag to get back to is still
    // the one before the first failure.
    cancel_pending_restarts(recoveries_, now_);
    rec.lag_before = recoveries_.back().lag_before;
  } else {
    rec.lag_before = behind(0);
  }
  catching_up_ = -1;
  recovering_ = true;
  // Stop the job: no more triggers, pending checkpoints abort, the channels' records are dropped.
  scheduler_running_ = trigger_queued_ = false;
  next_trigger_ = kNever;
  while (!pending_.empty()) fail_checkpoint(0, "task failure");
  for (double& l : level_) {
    discarded_ += l;
    l = 0;
  }
  job_down_ = true;  // resolve() stops every thread from now on

  double state = 0, lost = 0;
  for (std::size_t i = 0; i < net_.threads.size(); ++i) {
    state += restore_.state_bytes[i];
    if (net_.threads[i].taskmanager == in.failure.taskmanager) lost += restore_.state_bytes[i];
  }
  const model::RecoveryEstimate estimate = estimate_downtime(sc_, in, state, lost);
  rec.record.detected = now_ + estimate.detection;
  if (estimate.job_lost) {
    job_lost_ = true;
    job_down_ = false;
    restart_at_ = kNever;
    rec.record.job_lost = true;
    rec.record.reason = estimate.reason;
    rec.record.restarted = -1;
    recoveries_.push_back(rec);
    return;  // nothing restarts: sources stay stopped, the backlog grows
  }
  // Rewind to the restore point (the latest completed checkpoint, or the start of the run).
  double rewound = 0;
  for (std::size_t i = 0; i < net_.threads.size(); ++i) {
    if (!net_.threads[i].source) continue;
    const double back = std::max(0.0, position_[i] - restore_.position[i]);
    backlog_[i] += back;
    rewound += back;
    position_[i] = restore_.position[i];
  }
  reread_ += rewound;
  const double rolled_back = std::max(0.0, out_ - restore_.out);
  out_ -= rolled_back;  // rolled back once: what leaves from now on counts again
  duplicated_ += rolled_back;
  rec.record.rewound_records = std::llround(rewound);
  rec.record.restored_checkpoint = restore_.id;
  rec.record.restored_bytes = static_cast<Bytes>(in.restore_bytes);
  rec.record.downtime = estimate.downtime;
  rec.record.restarted = now_ + estimate.downtime;
  restart_at_ = rec.record.restarted <= horizon_ ? rec.record.restarted : kNever;
  recoveries_.push_back(rec);
}

void FluidRun::restart() {
  job_down_ = false;
  restart_at_ = kNever;
  locked_at_ = now_;  // every channel starts a new segment
  // Flink restores an unaligned checkpoint's in-flight data into the channels first.
  if (restore_.id != 0) {
    for (std::size_t q = 0; q < level_.size(); ++q) {
      level_[q] += restore_.channel[q];
      reread_ += restore_.channel[q];
    }
  }
  start_checkpoint_scheduler();  // Flink restarts periodic checkpoints once the job runs again
  catching_up_ = static_cast<int>(recoveries_.size()) - 1;
}

// At a metrics sample: back to the level before the failure (within one record)?
void FluidRun::check_caught_up() {
  if (catching_up_ < 0 || job_down_) return;
  const double since = static_cast<double>(now_ - level_time_) * 1e-9;
  Recovery& rec = recoveries_[catching_up_];
  if (behind(since) > rec.lag_before + 1 + 1e-9 * rec.lag_before) return;
  RecoveryRecord& r = rec.record;
  r.caught_up = now_;
  r.catch_up = now_ - r.restarted;
  r.total = now_ - r.at;
  catching_up_ = -1;
  recovering_ = false;
}

}  // namespace flinksim::sim::fluid
