#include "model/layout_assessment.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "model/flink_options.h"
#include "model/units.h"

namespace flinksim::model {

std::string format_slo_value(const std::string& name, double value) {
  if (name == "utilization") {
    char text[32];
    std::snprintf(text, sizeof text, "%.3f", value);
    return text;
  }
  return format_duration(static_cast<Nanos>(std::llround(value * 1e6)));
}

std::string slo_over_limit(const std::string& name, const std::optional<double>& value, double limit) {
  return name + " " + (value ? format_slo_value(name, *value) : std::string("none")) + " over its limit " +
         format_slo_value(name, limit);
}
namespace {

double ms(Nanos ns) { return static_cast<double>(ns) / 1e6; }

// State per TaskManager, one checkpoint, each failure's recovery and their objectives.
void add_state_and_recovery(LossDetection detection, LayoutAssessment& plan) {
  const Scenario& scenario = plan.scenario;
  plan.layout = layout_state(scenario, plan.graph, plan.placement, plan.memory);
  plan.state_at = scenario.traffic.duration;
  plan.state = state_per_taskmanager(plan.layout, plan.state_at);
  for (std::size_t t = 0; t < plan.state.size(); ++t) {
    if (plan.state[t].fits) continue;
    plan.feasible = false;
    plan.warnings.push_back("taskmanager " + std::to_string(t) + ": " +
                            format_bytes(static_cast<Bytes>(plan.state[t].heap_state)) +
                            " of heap state, more than half the task heap (" +
                            format_bytes(plan.memory.task_heap) +
                            "): expect long GC pauses, then OutOfMemoryError");
  }
  plan.checkpoint_settings = resolve_checkpoint_settings(scenario.flink);
  if (plan.checkpoint_settings.enabled) {
    plan.checkpoint = checkpoint_at(plan, plan.state_at, plan.steady.source_rate);
    if (plan.checkpoint->expired) {
      plan.feasible = false;
      plan.warnings.push_back("checkpoints expire: they take longer than "
                              "execution.checkpointing.timeout (" +
                              format_duration(plan.checkpoint_settings.timeout) + ")");
    }
  }
  plan.restart = resolve_restart_strategy(scenario.flink);
  plan.recovery = estimate_scenario_failures(scenario, plan.graph, plan.layout, plan.steady,
                                             detection);
  for (std::size_t i = 0; i < plan.recovery.size(); ++i) {
    if (!plan.recovery[i].job_lost) continue;
    plan.warnings.push_back("failure " + std::to_string(i) + " at " +
                            format_duration(scenario.failures[i].at) + ": " +
                            plan.recovery[i].reason);
  }
  if (scenario.slo.max_recovery) {
    SloCheck slo{"recovery", 0.0, ms(*scenario.slo.max_recovery), true};
    for (const RecoveryEstimate& e : plan.recovery) {
      if (!e.total) slo.value.reset();
      if (slo.value) slo.value = std::max(*slo.value, ms(*e.total));
    }
    if (plan.recovery.empty()) slo.value.reset();  // nothing fails, nothing to measure
    slo.met = plan.recovery.empty() || (slo.value && *slo.value <= slo.limit);
    plan.slos.push_back(slo);
  }
  if (scenario.slo.max_checkpoint_duration) {
    SloCheck slo{"checkpointDuration", std::nullopt, ms(*scenario.slo.max_checkpoint_duration),
                 !plan.checkpoint};
    if (plan.checkpoint && plan.checkpoint->end_to_end_duration) {
      slo.value = ms(*plan.checkpoint->end_to_end_duration);
      slo.met = *slo.value <= slo.limit;
    }
    plan.slos.push_back(slo);
  }
}

}  // namespace

CheckpointEstimate checkpoint_at(const LayoutAssessment& plan, Nanos t, double source_rate) {
  CheckpointInputs inputs = checkpoint_inputs(plan.checkpoint_settings, plan.layout, plan.steady,
                                              plan.graph, plan.scenario, t);
  inputs.backpressured = source_rate > plan.steady.max_source_rate;
  // Under backpressure the buffers in use are about all the job may hold.
  for (const TaskManagerBuffers& buffers : plan.buffers.taskmanagers) {
    inputs.in_flight_bytes += static_cast<double>(buffers.required * plan.memory.segment_size);
  }
  return estimate_checkpoint(plan.checkpoint_settings, inputs, plan.scenario.storage.write_bandwidth,
                             plan.scenario.network.bandwidth_per_taskmanager);
}

LayoutAssessment assess_layout(Scenario scenario, const AssessOptions& options) {
  LayoutAssessment plan;
  plan.scenario = std::move(scenario);
  const std::optional<double> rate = options.rate;
  plan.graph = build_job_graph(plan.scenario);
  std::string why;
  plan.placement = place_job(plan.graph, plan.scenario, &why);
  plan.memory = derive_taskmanager_memory(plan.scenario.flink);
  plan.buffers = network_buffer_needs(plan.graph, plan.placement,
                                      network_buffer_settings(plan.scenario.flink),
                                      plan.memory.network_buffers());
  plan.steady = compute_steady_state(plan.scenario, plan.graph, plan.placement, rate);
  plan.slots_total = plan.scenario.cluster.taskmanagers *
                     static_cast<int>(plan.scenario.flink.get_int(options::kNumberOfTaskSlots));

  if (!plan.placement.fits) {
    plan.feasible = false;
    plan.warnings.push_back(
        "not enough slots: " +
        (why.empty() ? "the job needs " + std::to_string(plan.graph.slots_required()) +
                           " slots, the cluster has " + std::to_string(plan.slots_total)
                     : why));
  }
  for (std::size_t t = 0; t < plan.buffers.taskmanagers.size(); ++t) {
    const TaskManagerBuffers& buffers = plan.buffers.taskmanagers[t];
    if (buffers.sufficient()) continue;
    plan.feasible = false;
    plan.warnings.push_back("taskmanager " + std::to_string(t) + ": " + buffers.error);
  }
  if (plan.steady.source_rate > plan.steady.max_source_rate) plan.feasible = false;
  for (const std::string& warning : plan.steady.warnings) plan.warnings.push_back(warning);
  add_state_and_recovery(options.detection, plan);
  return plan;
}

}  // namespace flinksim::model
