// The downtime of one failure (recovery_downtime.h).
#include "sim/recovery_downtime.h"

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
  r.at = now;
  r.reason = cause;
  if (already_lost) {
    r.job_lost = true;
    r.reason = "the job was already lost";
    r.restarted = -1;
  }
  return r;
}

}  // namespace flinksim::sim
