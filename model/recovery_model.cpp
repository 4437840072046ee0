#include "model/recovery_model.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numeric>
#include <random>
#include <string>

#include "model/checkpoint_model.h"
#include "model/restart_strategy.h"
#include "model/traffic.h"

namespace flinksim::model {
namespace {

Nanos seconds_to_nanos(double seconds) {
  return static_cast<Nanos>(std::llround(seconds * static_cast<double>(kSecond)));
}

}  // namespace

Nanos rewind_at(Nanos at, Nanos interval, Nanos duration) {
  if (interval <= 0 || at < interval + duration) return at;
  // Checkpoint k is triggered at k·interval and completes at k·interval + duration.
  const Nanos k = (at - duration) / interval;
  return at - k * interval;
}

int lost_taskmanager(const FailureSpec& failure, const std::vector<int>& subtasks_per_taskmanager,
                     const StateLayout& layout) {
  if (failure.kind != FailureKind::TaskManager || failure.taskmanager >= 0) return failure.taskmanager;
  const std::vector<TaskManagerState> state = state_per_taskmanager(layout, failure.at);
  int worst = 0;
  double most = -1.0;
  for (std::size_t t = 0; t < subtasks_per_taskmanager.size(); ++t) {
    if (subtasks_per_taskmanager[t] == 0) continue;
    const double held = t < state.size() ? state[t].heap_state + state[t].rocksdb_state : 0.0;
    if (held > most) {
      most = held;
      worst = static_cast<int>(t);
    }
  }
  return worst;
}

RecoveryEstimate taskmanager_ran_no_task(const FailureSpec& failure) {
  RecoveryEstimate e;
  e.ran_no_task = true;
  e.reason = "TaskManager " + std::to_string(failure.taskmanager) +
             " ran no task: only its free slots were lost, the job kept running";
  e.catch_up = 0;
  e.total = 0;
  return e;
}

RecoveryEstimate estimate_recovery(const RecoveryInputs& in) {
  RecoveryEstimate e;
  if (in.failure.kind == FailureKind::JobManager) {
    if (!in.high_availability) {
      e.job_lost = true;
      e.reason = "JobManager lost with high-availability.type = none: the job is gone and "
                 "nothing restarts it; it must be resubmitted by hand";
      return e;
    }
    // A new leader needs its pod and the old leader's lease to run out, whichever is later.
    // The new leader waits for the old one's lease to run out and for its own pod to start.
    e.detection = in.leader_lease;
    e.pod_wait = std::max<Nanos>(0, in.pod_start - in.leader_lease);
  } else {
    if (!in.restart_delay) {
      e.job_lost = true;
      e.reason = "the restart strategy allows no restart: the job fails";
      return e;
    }
    e.detection = in.detection == LossDetection::Immediate ? 0 : in.heartbeat_timeout;
    e.restart_delay = *in.restart_delay;
    if (!in.spare_slots) e.pod_wait = std::max<Nanos>(0, in.pod_start - e.restart_delay);
  }
  e.restore = in.read_bandwidth > 0 ? seconds_to_nanos(in.restore_bytes / in.read_bandwidth) : 0;
  e.downtime = e.detection + e.restart_delay + e.pod_wait + e.restore;
  e.rewind = rewind_at(in.failure.at, in.checkpoint_interval, in.checkpoint_duration);
  const double behind_s = static_cast<double>(e.rewind + e.downtime) / static_cast<double>(kSecond);
  e.backlog = in.arrival_rate * behind_s;
  const double headroom = in.capacity - in.arrival_rate;
  if (e.backlog <= 0.0) {
    e.catch_up = 0;
  } else if (headroom > 0.0 && std::isfinite(headroom)) {
    e.catch_up = seconds_to_nanos(e.backlog / headroom);
  } else if (std::isinf(headroom)) {
    e.catch_up = 0;  // nothing limits the rate: the backlog is read at once
  }
  if (e.catch_up) e.total = e.downtime + *e.catch_up;
  return e;
}

RecoveryInputs failure_inputs(const Scenario& scenario, const JobGraph& graph,
                              const FailureSpec& failure, LossDetection detection) {
  const FlinkConfig& flink = scenario.flink;
  std::string ha = flink.get_string(options::kHighAvailabilityType);
  for (char& c : ha) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::int64_t slots_per_tm = flink.get_int(options::kNumberOfTaskSlots);
  const std::int64_t survivors = (scenario.cluster.taskmanagers - 1) * slots_per_tm;
  RecoveryInputs in;
  in.failure = failure;
  in.detection = detection;
  in.heartbeat_timeout = flink.get_duration(options::kHeartbeatTimeout);
  in.pod_start = scenario.cluster.pod_start;
  in.high_availability = ha != "none" && !ha.empty();
  in.leader_lease = ha == "zookeeper" ? flink.get_duration(options::kZkSessionTimeout)
                                      : flink.get_duration(options::kK8sLeaseDuration);
  in.spare_slots = survivors >= graph.slots_required();
  in.read_bandwidth = scenario.storage.read_bandwidth;
  in.arrival_rate = arrival_rate(scenario.traffic, failure.at);
  return in;
}

double restore_bytes(const Scenario& scenario, const FailureSpec& failure, double state_bytes,
                     double lost_taskmanager_bytes) {
  if (!scenario.flink.get_bool(options::kLocalRecovery)) return state_bytes;
  return failure.kind == FailureKind::TaskManager ? lost_taskmanager_bytes : 0.0;
}

std::vector<RecoveryEstimate> estimate_scenario_failures(const Scenario& scenario,
                                                         const JobGraph& graph,
                                                         const StateLayout& layout,
                                                         const SteadyState& steady,
                                                         LossDetection detection) {
  const FlinkConfig& flink = scenario.flink;
  const CheckpointSettings checkpoints = resolve_checkpoint_settings(flink);

  // Failures in time order feed one backoff; ties keep scenario order (stable sort).
  std::vector<std::size_t> order(scenario.failures.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return scenario.failures[a].at < scenario.failures[b].at;
  });
  RestartBackoff backoff(resolve_restart_strategy(flink));
  std::mt19937_64 rng(scenario.seed);
  std::vector<RecoveryEstimate> estimates(scenario.failures.size());
  std::vector<int> subtasks_per_taskmanager;
  for (const TaskManagerLoad& tm : steady.taskmanagers) subtasks_per_taskmanager.push_back(tm.subtasks);
  for (std::size_t i : order) {
    FailureSpec failure = scenario.failures[i];
    failure.taskmanager = lost_taskmanager(failure, subtasks_per_taskmanager, layout);
    if (failure.kind == FailureKind::TaskManager && failure.taskmanager >= 0 &&
        failure.taskmanager < static_cast<int>(subtasks_per_taskmanager.size()) &&
        subtasks_per_taskmanager[failure.taskmanager] == 0) {
      estimates[i] = taskmanager_ran_no_task(failure);
      estimates[i].taskmanager = failure.taskmanager;
      continue;
    }
    RecoveryInputs in = failure_inputs(scenario, graph, failure, detection);
    in.capacity = steady.max_source_rate;
    if (failure.kind == FailureKind::TaskManager) in.restart_delay = backoff.on_failure(failure.at, rng);

    const std::vector<TaskManagerState> tms = state_per_taskmanager(layout, failure.at);
    double lost = 0.0;
    if (failure.taskmanager >= 0 && failure.taskmanager < static_cast<int>(tms.size())) {
      lost = tms[failure.taskmanager].heap_state + tms[failure.taskmanager].rocksdb_state;
    }
    in.restore_bytes = restore_bytes(scenario, failure, total_state_at(layout, failure.at), lost);
    if (checkpoints.enabled) {
      CheckpointInputs cp = checkpoint_inputs(checkpoints, layout, steady, graph, scenario, failure.at);
      cp.backpressured = in.arrival_rate > in.capacity;
      const CheckpointEstimate estimate =
          estimate_checkpoint(checkpoints, cp, scenario.storage.write_bandwidth,
                              scenario.network.bandwidth_per_taskmanager);
      // Checkpoints that expire never complete: the sources rewind to the start.
      if (estimate.effective_interval) {
        in.checkpoint_interval = *estimate.effective_interval;
        in.checkpoint_duration = *estimate.end_to_end_duration;
      }
    }
    estimates[i] = estimate_recovery(in);
    estimates[i].taskmanager = failure.kind == FailureKind::TaskManager ? failure.taskmanager : -1;
  }
  return estimates;
}

}  // namespace flinksim::model
