// The analytic assessment of one layout, nothing simulated: does the job deploy (slots, network
// buffers, memory), what it carries in steady state (CPU and network per TaskManager, bottleneck,
// largest source rate), where state lives and whether it fits, what one checkpoint costs, the
// recovery timeline of each [[failure]], and the [slo] objectives these decide. `flinksim plan`
// prints it; `sweep` and `recommend` screen layouts with it before simulating any.
//
// State and checkpoints are estimated at the end of traffic.duration (the largest state), each
// recovery at its failure's time.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/checkpoint_model.h"
#include "model/job_graph.h"
#include "model/memory.h"
#include "model/network_buffers.h"
#include "model/placement.h"
#include "model/recovery_model.h"
#include "model/restart_strategy.h"
#include "model/scenario.h"
#include "model/state_model.h"
#include "model/steady_state.h"

namespace flinksim::model {

// One objective of [slo], as `run` reports it: value and limit in the objective's unit.
struct SloCheck {
  std::string name;
  std::optional<double> value;  // nullopt: no figure (job lost, never catches up, expires)
  double limit = 0.0;
  bool met = false;
};

// An objective's figure as a person reads it: latencyP99, recovery and checkpointDuration are
// milliseconds, shown as durations ("3.64min"); utilization is a share of a core ("0.512").
std::string format_slo_value(const std::string& name, double value);

// "recovery 4.47min over its limit 4min"; "none" for a missing figure.
std::string slo_over_limit(const std::string& name, const std::optional<double>& value, double limit);

// Everything `plan` reports about a layout, computed once (printed by cli/plan_command.cpp,
// screened by sweep).
struct LayoutAssessment {
  Scenario scenario;
  JobGraph graph;
  Placement placement;
  SteadyState steady;
  TaskManagerMemory memory;  // every TaskManager has the same configuration
  NetworkBufferReport buffers;
  StateLayout layout;
  Nanos state_at = 0;                      // when state and checkpoints are estimated
  std::vector<TaskManagerState> state;     // per TaskManager at state_at
  CheckpointSettings checkpoint_settings;
  std::optional<CheckpointEstimate> checkpoint;  // when checkpointing is enabled
  RestartStrategy restart;
  std::vector<RecoveryEstimate> recovery;  // per [[failure]], scenario order
  std::vector<SloCheck> slos;
  int slots_total = 0;
  std::vector<std::string> warnings;
  bool feasible = true;
};

struct AssessOptions {
  std::optional<double> rate;  // source rate, records/s; unset: the traffic peak
  LossDetection detection = LossDetection::HeartbeatTimeout;
};

// Throws InputFailure when Flink would refuse the configuration (memory) or the graph is invalid.
LayoutAssessment assess_layout(Scenario scenario, const AssessOptions& options = {});

// One checkpoint triggered at time t of the traffic profile while the sources read `source_rate`
// (above the layout's max source rate the job is back-pressured). assess_layout() takes it at
// state_at and the assessed rate; the report draws it across the run.
// REQUIRES: plan from assess_layout() with plan.checkpoint_settings.enabled.
CheckpointEstimate checkpoint_at(const LayoutAssessment& plan, Nanos t, double source_rate);

}  // namespace flinksim::model
