// The downtime of one failure (recovery_downtime.h).
#include "sim/recovery_downtime.h"

#include <algorithm>
#include <iterator>

namespace flinksim::sim {

model::RecoveryInputs failure_recovery_inputs(const model::Scenario& scenario, const model::JobGraph& graph,
                                              const model::FailureSpec& spec, model::LossDetection detection,
                                              model::Nanos at, RestartState& restart) {
  model::RecoveryInputs in = model::failure_inputs(scenario, graph, spec, detection);
  if (spec.kind == model::FailureKind::TaskManager) in.restart_delay = restart.backoff.on_failure(at, restart.rng);
  return in;
}

model::RecoveryInputs checkpoint_failover_inputs(const model::Scenario& scenario, const model::JobGraph& graph,
                                                 model::Nanos at, RestartState& restart) {
  model::FailureSpec spec;
  spec.at = at;
  spec.taskmanager = -1;
  model::RecoveryInputs in = model::failure_inputs(scenario, graph, spec, model::LossDetection::Immediate);
  in.spare_slots = true;
  in.restart_delay = restart.backoff.on_failure(at, restart.rng);
  return in;
}

model::RecoveryEstimate estimate_downtime(const model::Scenario& scenario, model::RecoveryInputs& in,
                                          double state_bytes, double lost_taskmanager_bytes) {
  in.restore_bytes = model::restore_bytes(scenario, in.failure, state_bytes, lost_taskmanager_bytes);
  return model::estimate_recovery(in);
}

RecoveryRecord failure_record(int index, const model::RecoveryInputs& in, model::Nanos now, const char* cause,
                              bool already_lost) {
  RecoveryRecord r;
  r.failure = index;
  r.kind = in.failure.kind;
  r.taskmanager = in.failure.kind == model::FailureKind::TaskManager ? in.failure.taskmanager : -1;
  r.at = now;
  r.reason = cause;
  if (already_lost) {
    r.job_lost = true;
    r.reason = "the job was already lost";
    r.restarted = -1;
  }
  return r;
}

RecoveryRecord ran_no_task_record(int index, const model::FailureSpec& spec, model::Nanos now) {
  RecoveryRecord r;
  r.failure = index;
  r.kind = spec.kind;
  r.taskmanager = spec.taskmanager;
  r.at = r.detected = r.restarted = r.caught_up = now;
  r.downtime = r.catch_up = r.total = 0;
  r.ran_no_task = true;
  r.reason = model::taskmanager_ran_no_task(spec).reason;
  return r;
}

void merge_ran_no_task(std::vector<RecoveryRecord>& recovery, const std::vector<RecoveryRecord>& ran_no_task) {
  if (ran_no_task.empty()) return;
  std::vector<RecoveryRecord> merged;
  merged.reserve(recovery.size() + ran_no_task.size());
  std::merge(recovery.begin(), recovery.end(), ran_no_task.begin(), ran_no_task.end(), std::back_inserter(merged),
             [](const RecoveryRecord& a, const RecoveryRecord& b) { return a.at < b.at; });
  recovery = std::move(merged);
}

}  // namespace flinksim::sim
