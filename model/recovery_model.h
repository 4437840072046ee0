// The analytic recovery timeline of one `[[failure]]` (flink-facts.md d.5): how long the job is
// down and how long it then needs to catch up. The engine plays the same timeline as events and
// is checked against estimate_recovery.
//
// TaskManager lost at time `at`:
//   detection   heartbeat.timeout (50 s) by default. On Kubernetes a killed pod resets its TCP
//               connections and Flink often notices at once; that is LossDetection::Immediate.
//               We default to the heartbeat timeout: the conservative figure, and what happens
//               when a node (not just a process) disappears.
//   restart     the restart strategy's delay for this failure (restart_strategy.h); a strategy
//               that refuses the restart loses the job.
//   slots       with enough free slots on the surviving TaskManagers the job restarts there;
//               otherwise it waits for a replacement pod, requested when the loss is detected
//               (Flink's ResourceManager on native Kubernetes), ready `cluster.pod_start` later.
//               The job resumes at detection + max(restart delay, pod wait).
//   restore     the whole job restarts (all-to-all edges make it one pipelined region, so
//               region failover restarts everything) and restores the state of the latest
//               completed checkpoint over [storage] read_bandwidth; with local recovery on, only
//               the lost TaskManager's share comes from storage.
// JobManager lost:
//   high-availability.type = none: the job is LOST. Nothing restarts it; someone must resubmit
//   it (from a retained checkpoint or savepoint, if any). No downtime figure exists.
//   With HA (kubernetes, zookeeper): a new JobManager pod starts (pod_start) and takes
//   leadership once the old leader's lease / session has expired (kubernetes: lease-duration,
//   15 s; zookeeper: session timeout, 60 s), then recovers the job from the latest completed
//   checkpoint (no restart-strategy delay: this is job recovery, not a task failover) and
//   restores its state as above.
// Then, for both kinds:
//   rewind      sources go back to the latest completed checkpoint's offsets: the data since that
//               checkpoint's trigger is read again (before the first checkpoint: since t = 0).
//   downtime    failure → state restored and tasks running.
//   backlog     arrival rate × (rewind + downtime): everything since the last completed
//               checkpoint plus everything that arrived while the job was down.
//   catch-up    backlog ÷ (capacity − arrival rate), capacity = steady_state maxSourceRate; no
//               catch-up ever when capacity ≤ arrival rate.
//   total       downtime + catch-up: failure until lag is back to normal, compared with
//               slo.max_recovery.
// Checkpoints are triggered every effective interval from t = 0 (Flink's random initial delay is
// ignored) and complete `checkpoint_duration` after their trigger.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/job_graph.h"
#include "model/scenario.h"
#include "model/state_model.h"
#include "model/steady_state.h"
#include "model/units.h"

namespace flinksim::model {

enum class LossDetection { HeartbeatTimeout, Immediate };

struct RecoveryInputs {
  FailureSpec failure;
  LossDetection detection = LossDetection::HeartbeatTimeout;
  Nanos heartbeat_timeout = 50 * kSecond;
  // Restart strategy's delay for this failure; nullopt: the strategy allows no restart.
  std::optional<Nanos> restart_delay;
  bool spare_slots = false;       // survivors have the slots the job needs (TaskManager loss)
  Nanos pod_start = 45 * kSecond;
  bool high_availability = false;
  Nanos leader_lease = 15 * kSecond;  // HA: when a new JobManager may take over
  // Checkpoints: interval 0 = disabled (sources rewind to the start of the run).
  Nanos checkpoint_interval = 0;    // effective interval (trigger to trigger)
  Nanos checkpoint_duration = 0;
  double restore_bytes = 0.0;       // bytes read from checkpoint storage on restore
  double read_bandwidth = 400e6;    // bytes/s
  double arrival_rate = 0.0;        // records/s at the failure
  double capacity = 0.0;            // records/s the job sustains (maxSourceRate)
};

struct RecoveryEstimate {
  int taskmanager = -1;         // the TaskManager lost (TaskManager loss; resolved when not named)
  bool job_lost = false;
  bool ran_no_task = false;     // a TaskManager that ran no task: the job kept running (below)
  std::string reason;           // why the job is lost or kept running, in plain words ("" otherwise)
  Nanos detection = 0;
  Nanos restart_delay = 0;
  Nanos pod_wait = 0;           // beyond the restart delay / lease, waiting for a new pod
  Nanos restore = 0;
  Nanos downtime = 0;
  Nanos rewind = 0;             // failure time − trigger of the checkpoint restored
  double backlog = 0.0;         // records
  std::optional<Nanos> catch_up;  // nullopt: capacity ≤ arrival rate, lag never recovers
  std::optional<Nanos> total;     // nullopt: job lost or never catches up
};

// The TaskManager a TaskManager [[failure]] loses: the one it names; when it names none, the worst
// one to lose: of those running a task (`subtasks_per_taskmanager`), the one holding the most
// state at the failure (with local recovery only its share is read back from storage), the lowest
// index on a tie. Any TaskManager running a task restarts the whole job (one pipelined region).
int lost_taskmanager(const FailureSpec& failure, const std::vector<int>& subtasks_per_taskmanager,
                     const StateLayout& layout);

// Flink fails only the tasks deployed on a lost TaskManager (the JobMaster disconnects it and the
// slot pool fails the tasks of the slots it releases: DeclarativeSlotPoolService#releaseTaskManager).
// A TaskManager that ran none held free slots only: the job keeps running; nothing restarts,
// rewinds or counts against the restart strategy. Its estimate: no downtime, no catch-up, total
// 0, and the reason.
RecoveryEstimate taskmanager_ran_no_task(const FailureSpec& failure);

// Time from the latest checkpoint completed by `at` back to its trigger; `at` itself when none
// completed (or checkpointing is disabled). REQUIRES: interval ≥ 0, duration ≥ 0.
Nanos rewind_at(Nanos at, Nanos interval, Nanos duration);

RecoveryEstimate estimate_recovery(const RecoveryInputs& inputs);

// The inputs one `[[failure]]` takes from the scenario: loss detection and heartbeat.timeout, pod
// start, high availability and its leader lease, whether the surviving TaskManagers have the
// slots the job needs, [storage] read_bandwidth, and the arrival rate at the failure. The caller
// adds what it knows of that moment: the restart delay (one RestartBackoff fed the failures in
// time order), the bytes to restore (restore_bytes below), the checkpoint interval and duration
// and the capacity. estimate_scenario_failures and the engine both start from it.
// REQUIRES: graph = build_job_graph(scenario).
RecoveryInputs failure_inputs(const Scenario& scenario, const JobGraph& graph,
                              const FailureSpec& failure, LossDetection detection);

// Bytes read back from checkpoint storage on restore: the whole checkpoint (`state_bytes`), or
// with local recovery (state.backend.local-recovery) only the lost TaskManager's share
// (`lost_taskmanager_bytes`; nothing when the JobManager was lost: every TaskManager still holds
// its local copy).
double restore_bytes(const Scenario& scenario, const FailureSpec& failure, double state_bytes,
                     double lost_taskmanager_bytes);

// Every `[[failure]]` of a placed scenario, in time order, with inputs resolved from it: restart
// delays from one RestartBackoff fed the failures in order (jitter from an RNG seeded with
// scenario.seed), the arrival rate at each failure (traffic.h), capacity = steady.max_source_rate,
// restore size = state at the failure (state_model.h; local recovery: the lost TaskManager's),
// checkpoint duration from checkpoint_model.h at the failure. Results are in scenario order.
// REQUIRES: the layout, steady state and graph of the same placed scenario.
std::vector<RecoveryEstimate> estimate_scenario_failures(const Scenario& scenario,
                                                         const JobGraph& graph,
                                                         const StateLayout& layout,
                                                         const SteadyState& steady,
                                                         LossDetection detection);

}  // namespace flinksim::model
