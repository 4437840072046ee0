// The downtime of one failure as both granularities play it (buffer level: failure.cpp; fluid
// level: fluid_recovery.cpp): the scenario's inputs for the failure (model/recovery_model.h
// failure_inputs), the restart strategy's delay from the run's one RestartBackoff (fed the
// failures in time order, jitter seeded as the analytic model's), then the restore size and the
// timeline from estimate_recovery. One place, so the two levels cannot drift apart.
#pragma once

#include <algorithm>
#include <optional>
#include <random>
#include <vector>

#include "model/job_graph.h"
#include "model/recovery_model.h"
#include "model/restart_strategy.h"
#include "model/scenario.h"
#include "model/state_model.h"
#include "model/units.h"
#include "sim/engine.h"

namespace flinksim::sim {

// The restart strategy across one run's failures.
struct RestartState {
  explicit RestartState(const model::Scenario& scenario)
      : backoff(model::resolve_restart_strategy(scenario.flink)), rng(scenario.seed) {}
  model::RestartBackoff backoff;
  std::mt19937_64 rng;  // seeded as model/recovery_model.cpp's, so jitter draws agree
};

// A `[[failure]]` at absolute time `at` (the traffic profile's clock): a TaskManager loss takes
// the restart strategy's delay (a JobManager failover does not: it is job recovery).
model::RecoveryInputs failure_recovery_inputs(const model::Scenario& scenario, const model::JobGraph& graph,
                                              const model::FailureSpec& spec, model::LossDetection detection,
                                              model::Nanos at, RestartState& restart);

// Checkpoints expired more often in a row than tolerated: a global failover decided by the
// JobManager itself (noticed at once, no TaskManager lost, no pod to wait for).
model::RecoveryInputs checkpoint_failover_inputs(const model::Scenario& scenario, const model::JobGraph& graph,
                                                 model::Nanos at, RestartState& restart);

inline constexpr const char* kCheckpointFailoverReason =
    "checkpoints expired more times in a row than execution.checkpointing."
    "tolerable-failed-checkpoints allows: Flink fails the job and restarts it";

// Sets in.restore_bytes from the restored checkpoint's bytes (all of them, and the lost
// TaskManager's share for local recovery) and returns the timeline.
model::RecoveryEstimate estimate_downtime(const model::Scenario& scenario, model::RecoveryInputs& in,
                                          double state_bytes, double lost_taskmanager_bytes);

// The record of a failure as it hits. A job already lost stays lost: nothing restarts.
RecoveryRecord failure_record(int index, const model::RecoveryInputs& in, model::Nanos now, const char* cause,
                              bool already_lost);

// The [[failure]] as it hits: the TaskManager it loses resolved (model::lost_taskmanager) from
// where `threads` (anything with a `taskmanager`) run.
template <class Threads>
model::FailureSpec resolve_failure(const model::FailureSpec& spec, const Threads& threads, int taskmanagers,
                                   const model::StateLayout& layout) {
  std::vector<int> per_taskmanager(static_cast<std::size_t>(std::max(taskmanagers, 0)), 0);
  for (const auto& t : threads)
    if (t.taskmanager >= 0 && t.taskmanager < taskmanagers) ++per_taskmanager[t.taskmanager];
  model::FailureSpec resolved = spec;
  resolved.taskmanager = model::lost_taskmanager(spec, per_taskmanager, layout);
  return resolved;
}

// A TaskManager loss that hits none of `threads` (anything with a `taskmanager`): Flink fails only
// the tasks deployed on a lost TaskManager, so the job keeps running (model::taskmanager_ran_no_task).
template <class Threads>
bool runs_no_task(const model::FailureSpec& spec, const Threads& threads) {
  if (spec.kind != model::FailureKind::TaskManager) return false;
  for (const auto& t : threads)
    if (t.taskmanager == spec.taskmanager) return false;
  return true;
}

// Its record: lost, noticed, running and caught up at `now`; kept apart from the recoveries the
// run plays out and merged into the result in time order (result_recoveries).
RecoveryRecord ran_no_task_record(int index, const model::FailureSpec& spec, model::Nanos now);
void merge_ran_no_task(std::vector<RecoveryRecord>& recovery, const std::vector<RecoveryRecord>& ran_no_task);

// A run's RunResult::recovery: the recoveries it played out (`.record` each) and the losses that
// changed nothing, in time order.
template <class Recoveries>
std::vector<RecoveryRecord> result_recoveries(const Recoveries& recoveries,
                                              const std::vector<RecoveryRecord>& ran_no_task) {
  std::vector<RecoveryRecord> out;
  for (const auto& rec : recoveries) out.push_back(rec.record);
  merge_ran_no_task(out, ran_no_task);
  return out;
}

// A [[failure]] as it hits at `now`: the spec with its TaskManager resolved, or nothing when that
// TaskManager runs none of `threads` (its record then goes to `ran_no_task`; the job runs on).
template <class Threads>
std::optional<model::FailureSpec> failure_hitting_tasks(int index, const model::FailureSpec& spec,
                                                        const Threads& threads, int taskmanagers,
                                                        const model::StateLayout& layout, model::Nanos now,
                                                        std::vector<RecoveryRecord>& ran_no_task) {
  const model::FailureSpec resolved = resolve_failure(spec, threads, taskmanagers, layout);
  if (!runs_no_task(resolved, threads)) return resolved;
  ran_no_task.push_back(ran_no_task_record(index, resolved, now));
  return std::nullopt;
}

// Lost again before it restarted: the restarts still pending never happen.
template <class Recoveries>
void cancel_pending_restarts(Recoveries& recoveries, model::Nanos now) {
  for (auto& r : recoveries)
    if (r.record.restarted > now) r.record.restarted = -1;
}

}  // namespace flinksim::sim
