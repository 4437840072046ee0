// `flinksim plan SCENARIO`: how Flink would lay the job out (chains, slots, placement, network
// buffers, memory) and what the layout carries in steady state (CPU and network per TaskManager,
// the bottleneck, the largest source rate), where state lives and whether it fits, what one
// checkpoint costs, and the recovery timeline of each [[failure]]. Nothing is simulated; see
// model/steady_state.h, model/state_model.h, model/checkpoint_model.h, model/recovery_model.h.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <optional>
#include <string>

#include "cli/commands.h"
#include "cli/json_output.h"
#include "cli/memory_json.h"
#include "cli/option_values.h"
#include "cli/scenario_loading.h"
#include "model/checkpoint_model.h"
#include "model/job_graph.h"
#include "model/layout_assessment.h"
#include "model/memory.h"
#include "model/network_buffers.h"
#include "model/placement.h"
#include "model/recovery_model.h"
#include "model/restart_strategy.h"
#include "model/state_model.h"
#include "model/steady_state.h"

namespace flinksim::cli {
namespace {

using namespace flinksim::model;

constexpr const char* kPlanHelp =
    "Chaining, slot sharing, slots needed, subtask placement, network buffers and memory per\n"
    "TaskManager, and the steady-state load at a source rate (default: the traffic peak): CPU\n"
    "and network per TaskManager by cause, the bottleneck and the largest source rate.\n"
    "Exit 0: the job deploys and carries the rate. Exit 1: it would not deploy (not enough\n"
    "slots, not enough network buffers) or cannot carry the rate (a thread, a TaskManager's\n"
    "cores or its network over capacity); the plan is printed all the same, with the problem\n"
    "in `warnings`. Also exit 1 when heap state does not fit, a checkpoint would expire, a\n"
    "failure loses the job, or slo.max_recovery / slo.max_checkpoint_duration is missed.\n"
    "State and checkpoints are estimated at the end of traffic.duration (the largest state),\n"
    "each recovery at its failure's time. Exit 2: bad input.";

struct PlanOptions {
  ScenarioOptions scenario;
  bool json = false;
  std::string rate;  // records/s: "1500000", "1.5M/s"; empty = traffic peak
  std::string detection = "heartbeat";  // TaskManager loss noticed: heartbeat | immediate
};

using Plan = LayoutAssessment;

std::optional<double> parse_rate_option(const std::string& text) {
  if (text.empty()) return std::nullopt;
  std::optional<double> rate = parse_rate(text);
  if (!rate) {
    std::size_t used = 0;
    try {
      rate = std::stod(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != text.size()) rate.reset();
  }
  if (!rate || !std::isfinite(*rate) || *rate < 0) {
    throw InputFailure({{{}, "--rate",
                         "'" + text + "' is not a source rate; accepted: records per second as a "
                                      "number, or " + rate_units_hint()}});
  }
  return rate;
}

Plan make_plan(const PlanOptions& options) {
  AssessOptions assess;
  Scenario scenario = load_scenario(options.scenario);
  assess.rate = parse_rate_option(options.rate);
  assess.detection = loss_detection_option(options.detection);
  return assess_layout(std::move(scenario), assess);
}

// Flink's subtask name as the web UI shows it: "name (3/80)", 1-based.
std::string subtask_name(const JobGraph& graph, const SubtaskId& id) {
  const JobVertex& vertex = graph.vertices[id.vertex];
  return vertex.name + " (" + std::to_string(id.index + 1) + "/" +
         std::to_string(vertex.parallelism) + ")";
}

int slots_used(const Placement& placement, int taskmanager) {
  int used = 0;
  for (const SlotAssignment& slot : placement.slots) used += slot.taskmanager == taskmanager;
  return used;
}

double ms(Nanos ns) { return static_cast<double>(ns) / 1e6; }

Json breakdown_json(const NetworkBreakdown& network) {
  Json json;
  json["total"] = json_number(network.total());
  json["sourceIngest"] = json_number(network.source_ingest);
  json["shuffle"] = json_number(network.shuffle);
  json["sinkOutput"] = json_number(network.sink_output);
  json["stateAccess"] = json_number(network.state_access);
  json["checkpointUpload"] = json_number(network.checkpoint_upload);
  return json;
}

Json vertex_json(const Plan& plan, std::size_t v) {
  const JobVertex& vertex = plan.graph.vertices[v];
  const VertexLoad& load = plan.steady.vertices[v];
  Json operators = Json::array();
  for (const ChainedOperator& op : vertex.operators) {
    operators.push_back(plan.scenario.operators[op.op].name);
  }
  Json json;
  json["name"] = vertex.name;
  json["operators"] = operators;
  json["parallelism"] = vertex.parallelism;
  json["maxParallelism"] = vertex.max_parallelism;
  json["slotSharingGroup"] = vertex.slot_sharing_group;
  json["numRecordsInPerSecond"] = json_number(load.records_in);
  json["numRecordsOutPerSecond"] = json_number(load.records_out);
  json["cpuDemand"] = json_number(load.cpu_demand);  // cores, summed over subtasks
  json["utilization"] = json_number(load.utilization);  // busiest subtask: 1 = a full core
  return json;
}

Json optional_ms(const std::optional<Nanos>& ns) {
  return ns ? json_number(ms(*ns)) : Json(nullptr);
}

// Heap and managed memory need vs available (Flink's Heap.Used / Managed.Used meanings; see
// model/state_model.h), bytes.
Json state_json(const Plan& plan, std::size_t t) {
  const TaskManagerState& state = plan.state[t];
  Json json;
  json["backend"] = to_string(plan.layout.backend);
  json["heapUsed"] = json_number(state.heap_used);
  json["heapAvailable"] = json_number(state.heap_available);
  json["taskHeap"] = plan.memory.task_heap;
  json["managedUsed"] = json_number(state.managed_used);
  json["managedTotal"] = json_number(state.managed_total);
  json["managedPerSlot"] = plan.layout.managed_share;
  json["rocksdbSlots"] = state.rocksdb_slots;
  json["rocksdbStateSize"] = json_number(state.rocksdb_state);
  json["blockCacheHitRatio"] = json_number(state.cache_hit_ratio);
  json["fits"] = state.fits;
  return json;
}

// Settings as Flink's /checkpoints/config names them, figures as its checkpoint statistics do
// (end_to_end_duration, state_size, checkpointed_size, persisted_data), in camelCase; ms, bytes.
Json checkpoints_json(const Plan& plan) {
  const CheckpointSettings& s = plan.checkpoint_settings;
  Json json;
  json["enabled"] = s.enabled;
  json["interval"] = json_number(ms(s.interval));
  json["timeout"] = json_number(ms(s.timeout));
  json["minPause"] = json_number(ms(s.min_pause));
  json["maxConcurrent"] = s.max_concurrent;
  json["tolerableFailedCheckpoints"] = s.tolerable_failures;
  json["unalignedCheckpoints"] = s.unaligned;
  json["alignedCheckpointTimeout"] = json_number(ms(s.aligned_timeout));
  json["incremental"] = s.incremental;
  json["stateBackend"] = to_string(s.backend);
  json["at"] = json_number(ms(plan.state_at));
  if (!plan.checkpoint) return json;
  const CheckpointEstimate& e = *plan.checkpoint;
  json["checkpointType"] = e.unaligned ? "UNALIGNED_CHECKPOINT" : "CHECKPOINT";
  json["alignment"] = optional_ms(e.alignment);
  json["sync"] = json_number(ms(e.sync));
  json["async"] = json_number(ms(e.async));
  json["endToEndDuration"] = optional_ms(e.end_to_end_duration);
  json["stateSize"] = json_number(e.state_size);
  json["checkpointedSize"] = json_number(e.checkpointed_size);
  json["persistedData"] = json_number(e.persisted_data);
  json["expired"] = e.expired;
  json["effectiveInterval"] = optional_ms(e.effective_interval);
  return json;
}

Json recovery_json(const Plan& plan) {
  Json list = Json::array();
  for (std::size_t i = 0; i < plan.recovery.size(); ++i) {
    const FailureSpec& failure = plan.scenario.failures[i];
    const RecoveryEstimate& e = plan.recovery[i];
    Json json;
    json["at"] = json_number(ms(failure.at));
    json["kind"] = failure.kind == FailureKind::JobManager ? "jobmanager" : "taskmanager";
    if (failure.kind == FailureKind::TaskManager) json["taskmanager"] = e.taskmanager;
    json["jobLost"] = e.job_lost;
    if (e.ran_no_task) json["ranNoTask"] = true;
    if (e.job_lost || e.ran_no_task) json["reason"] = e.reason;
    json["detection"] = json_number(ms(e.detection));
    json["restartDelay"] = json_number(ms(e.restart_delay));
    json["podWait"] = json_number(ms(e.pod_wait));
    json["restore"] = json_number(ms(e.restore));
    json["downtime"] = e.job_lost ? Json(nullptr) : json_number(ms(e.downtime));
    json["rewind"] = e.job_lost ? Json(nullptr) : json_number(ms(e.rewind));
    json["backlog"] = json_number(e.backlog);  // records
    json["catchUp"] = optional_ms(e.catch_up);
    json["total"] = optional_ms(e.total);
    list.push_back(json);
  }
  return list;
}

Json slo_json(const Plan& plan) {
  Json json = Json::object();
  for (const SloCheck& slo : plan.slos) {
    json[slo.name] = {{"value", slo.value ? json_number(*slo.value) : Json(nullptr)},
                      {"limit", json_number(slo.limit)},
                      {"met", slo.met}};
  }
  return json;
}

Json taskmanager_json(const Plan& plan, std::size_t t) {
  const TaskManagerLoad& load = plan.steady.taskmanagers[t];
  Json subtasks = Json::array();
  if (t < plan.placement.subtasks_on.size()) {
    for (const SubtaskId& id : plan.placement.subtasks_on[t]) {
      subtasks.push_back(subtask_name(plan.graph, id));
    }
  }
  Json json;
  json["id"] = t;
  json["subtasks"] = subtasks;
  json["slotsUsed"] = slots_used(plan.placement, static_cast<int>(t));
  if (t < plan.buffers.taskmanagers.size()) {
    json["networkBuffersRequired"] = plan.buffers.taskmanagers[t].required;
    json["networkBuffersTarget"] = plan.buffers.taskmanagers[t].target;
  }
  json["networkBuffersAvailable"] = plan.memory.network_buffers();
  json["memory"] = memory_configuration_json(plan.memory);
  json["cpuDemand"] = json_number(load.cpu_demand);
  json["cpuUtilization"] = json_number(load.cpu_utilization);
  json["stateSize"] = json_number(load.state_bytes);
  json["networkIn"] = breakdown_json(load.network_in);
  json["networkOut"] = breakdown_json(load.network_out);
  if (t < plan.state.size()) json["state"] = state_json(plan, t);
  return json;
}

Json plan_json(const Plan& plan) {
  Json doc;
  doc["scenario"] = plan.scenario.name;
  doc["feasible"] = plan.feasible;
  doc["vertices"] = Json::array();
  for (std::size_t v = 0; v < plan.graph.vertices.size(); ++v) {
    doc["vertices"].push_back(vertex_json(plan, v));
  }
  doc["edges"] = Json::array();
  for (const JobEdge& edge : plan.graph.edges) {
    doc["edges"].push_back({{"source", plan.graph.vertices[edge.source].name},
                            {"target", plan.graph.vertices[edge.target].name},
                            {"shipStrategy", model::ship_strategy_name(edge.partition)}});
  }
  doc["slotsRequired"] = plan.graph.slots_required();
  doc["slotsTotal"] = plan.slots_total;
  doc["taskmanagers"] = Json::array();
  for (std::size_t t = 0; t < plan.steady.taskmanagers.size(); ++t) {
    doc["taskmanagers"].push_back(taskmanager_json(plan, t));
  }
  doc["sourceRate"] = json_number(plan.steady.source_rate);
  doc["maxSourceRate"] = json_number(plan.steady.max_source_rate);
  const Bottleneck& bottleneck = plan.steady.bottleneck;
  doc["bottleneck"] = {{"kind", to_string(bottleneck.kind)},
                       {"where", bottleneck.where},
                       {"description", bottleneck.description}};
  doc["warnings"] = plan.warnings;
  doc["checkpoints"] = checkpoints_json(plan);
  doc["restartStrategy"] = {{"type", to_string(plan.restart.kind)},
                            {"configured", plan.restart.configured}};
  doc["recovery"] = recovery_json(plan);
  doc["slo"] = slo_json(plan);
  return doc;
}

// A TaskManager's subtasks per vertex as index ranges, 1-based as Flink shows them:
// "kafka-source (1-16/80), window (1-16/80)".
std::string placement_text(const JobGraph& graph, const std::vector<SubtaskId>& subtasks) {
  std::vector<std::vector<int>> indices(graph.vertices.size());
  for (const SubtaskId& id : subtasks) indices[id.vertex].push_back(id.index + 1);
  std::string text;
  for (std::size_t v = 0; v < indices.size(); ++v) {
    std::vector<int>& list = indices[v];
    if (list.empty()) continue;
    std::sort(list.begin(), list.end());
    std::string ranges;
    for (std::size_t i = 0; i < list.size();) {
      std::size_t j = i;
      while (j + 1 < list.size() && list[j + 1] == list[j] + 1) ++j;
      ranges += (ranges.empty() ? "" : ",") + std::to_string(list[i]) +
                (j > i ? "-" + std::to_string(list[j]) : "");
      i = j + 1;
    }
    text += (text.empty() ? "" : ", ") + graph.vertices[v].name + " (" + ranges + "/" +
            std::to_string(graph.vertices[v].parallelism) + ")";
  }
  return text.empty() ? "-" : text;
}

std::string buffers_text(const Plan& plan, std::size_t t) {
  const std::string available = std::to_string(plan.memory.network_buffers());
  if (t >= plan.buffers.taskmanagers.size()) return "-/" + available;
  return std::to_string(plan.buffers.taskmanagers[t].required) + "/" + available;
}

// Sizes of state rounded for reading ("9.54 GiB"); JSON keeps exact bytes.
std::string size_text(double bytes) {
  if (bytes >= static_cast<double>(kGiB)) return format_fixed(bytes / kGiB, 2) + " GiB";
  if (bytes >= static_cast<double>(kMiB)) return format_fixed(bytes / kMiB, 1) + " MiB";
  return format_bytes(static_cast<Bytes>(bytes));
}

std::string optional_duration(const std::optional<Nanos>& ns, const char* none) {
  return ns ? format_duration(*ns) : std::string(none);
}

void print_state_tables(const Plan& plan, std::ostream& out) {
  out << "\nState per TaskManager (" << to_string(plan.layout.backend) << ", at "
      << format_duration(plan.state_at) << ")\n";
  Table state({"id", "heap state", "heap available", "managed used", "managed total",
               "RocksDB state", "cache hits", "fits"},
              std::vector<Align>(8, Align::Right));
  for (std::size_t t = 0; t < plan.state.size(); ++t) {
    const TaskManagerState& s = plan.state[t];
    state.add_row({std::to_string(t), size_text(s.heap_used),
                   size_text(s.heap_available),
                   size_text(s.managed_used),
                   size_text(s.managed_total),
                   size_text(s.rocksdb_state),
                   format_percent(s.cache_hit_ratio), s.fits ? "yes" : "NO"});
  }
  state.print(out, 2);

  const CheckpointSettings& settings = plan.checkpoint_settings;
  out << "\nCheckpoints: ";
  if (!plan.checkpoint) {
    out << "disabled (no execution.checkpointing.interval)\n";
  } else {
    const CheckpointEstimate& e = *plan.checkpoint;
    out << "every " << format_duration(settings.interval) << ", timeout "
        << format_duration(settings.timeout) << ", "
        << (settings.incremental ? "incremental" : "full") << ", "
        << (settings.unaligned ? "unaligned" : "aligned") << "\n  state size "
        << size_text(e.state_size) << ", checkpointed size "
        << size_text(e.checkpointed_size) << ", end-to-end duration "
        << optional_duration(e.end_to_end_duration, "never (aligned under backpressure)")
        << " (alignment " << optional_duration(e.alignment, "unbounded") << ", sync "
        << format_duration(e.sync) << ", upload " << format_duration(e.async) << ")"
        << (e.expired ? ": EXPIRES" : "") << "\n";
  }
  out << "Restart strategy: " << to_string(plan.restart.kind)
      << (plan.restart.configured ? "" : " (Flink's default for this configuration)") << "\n";
  if (!plan.recovery.empty()) {
    out << "\nRecovery per failure\n";
    Table recovery({"at", "kind", "detection", "restart", "pod wait", "restore", "downtime",
                    "rewind", "catch-up", "total"},
                   std::vector<Align>(10, Align::Right));
    for (std::size_t i = 0; i < plan.recovery.size(); ++i) {
      const FailureSpec& failure = plan.scenario.failures[i];
      const RecoveryEstimate& e = plan.recovery[i];
      const std::string kind = failure.kind == FailureKind::JobManager
                                   ? "jobmanager"
                                   : "taskmanager " + std::to_string(e.taskmanager);
      if (e.job_lost) {
        recovery.add_row({format_duration(failure.at), kind, "JOB LOST"});
        continue;
      }
      if (e.ran_no_task) {
        recovery.add_row({format_duration(failure.at), kind, "ran no task: the job kept running"});
        continue;
      }
      recovery.add_row({format_duration(failure.at), kind, format_duration(e.detection),
                        format_duration(e.restart_delay), format_duration(e.pod_wait),
                        format_duration(e.restore), format_duration(e.downtime),
                        format_duration(e.rewind), optional_duration(e.catch_up, "never"),
                        optional_duration(e.total, "never")});
    }
    recovery.print(out, 2);
  }
  if (!plan.slos.empty()) {
    out << "\nSLOs\n";
    for (const SloCheck& slo : plan.slos) {
      out << "  " << slo.name << ": "
          << (slo.value ? format_duration(static_cast<Nanos>(*slo.value * 1e6)) : "-")
          << " (limit " << format_duration(static_cast<Nanos>(slo.limit * 1e6)) << ") "
          << (slo.met ? "met" : "MISSED") << "\n";
    }
  }
}

void print_tables(const Plan& plan, std::ostream& out) {
  out << plan.scenario.name << "\n\nVertices (chains)\n";
  Table vertices({"vertex", "parallelism", "maxParallelism", "slot sharing group", "records in/s",
                  "records out/s", "cores", "busiest subtask"},
                 {Align::Left, Align::Right, Align::Right, Align::Left, Align::Right, Align::Right,
                  Align::Right, Align::Right});
  for (std::size_t v = 0; v < plan.graph.vertices.size(); ++v) {
    const JobVertex& vertex = plan.graph.vertices[v];
    const VertexLoad& load = plan.steady.vertices[v];
    vertices.add_row({vertex.name, std::to_string(vertex.parallelism),
                      std::to_string(vertex.max_parallelism), vertex.slot_sharing_group,
                      format_count(load.records_in), format_count(load.records_out),
                      format_fixed(load.cpu_demand, 2), format_percent(load.utilization)});
  }
  vertices.print(out, 2);
  if (!plan.graph.edges.empty()) {
    out << "\nEdges\n";
    Table edges({"from", "to", "ship strategy"});
    for (const JobEdge& edge : plan.graph.edges) {
      edges.add_row({plan.graph.vertices[edge.source].name, plan.graph.vertices[edge.target].name,
                     model::ship_strategy_name(edge.partition)});
    }
    edges.print(out, 2);
  }
  out << "\nSlots: " << plan.graph.slots_required() << " required, " << plan.slots_total
      << " in the cluster\n\nTaskManagers at " << format_count(plan.steady.source_rate)
      << " records/s\n";
  Table tms({"id", "slots", "subtasks", "buffers req/avail", "process memory", "cores", "cpu", "net in",
             "net out"},
            std::vector<Align>(9, Align::Right));
  for (std::size_t t = 0; t < plan.steady.taskmanagers.size(); ++t) {
    const TaskManagerLoad& load = plan.steady.taskmanagers[t];
    tms.add_row({std::to_string(t), std::to_string(slots_used(plan.placement, static_cast<int>(t))),
                 std::to_string(load.subtasks), buffers_text(plan, t),
                 format_bytes(plan.memory.total_process), format_fixed(load.cpu_demand, 2), format_percent(load.cpu_utilization),
                 format_bandwidth(load.network_in.total()),
                 format_bandwidth(load.network_out.total())});
  }
  tms.print(out, 2);

  out << "\nNetwork per TaskManager by cause (in / out)\n";
  Table network({"id", "source ingest", "shuffle in", "shuffle out", "sink output", "state in",
                 "state out", "checkpoint upload"},
                std::vector<Align>(8, Align::Right));
  for (std::size_t t = 0; t < plan.steady.taskmanagers.size(); ++t) {
    const TaskManagerLoad& load = plan.steady.taskmanagers[t];
    network.add_row({std::to_string(t), format_bandwidth(load.network_in.source_ingest),
                     format_bandwidth(load.network_in.shuffle),
                     format_bandwidth(load.network_out.shuffle),
                     format_bandwidth(load.network_out.sink_output),
                     format_bandwidth(load.network_in.state_access),
                     format_bandwidth(load.network_out.state_access),
                     format_bandwidth(load.network_out.checkpoint_upload)});
  }
  network.print(out, 2);

  out << "\nPlacement\n";
  for (std::size_t t = 0; t < plan.placement.subtasks_on.size(); ++t) {
    out << "  taskmanager " << t << ": " << placement_text(plan.graph, plan.placement.subtasks_on[t])
        << "\n";
  }
  const Bottleneck& bottleneck = plan.steady.bottleneck;
  out << "\nBottleneck (" << to_string(bottleneck.kind) << "): " << bottleneck.description
      << "\nMax source rate: "
      << format_count(plan.steady.max_source_rate) << " records/s\n";
  print_state_tables(plan, out);
  if (!plan.warnings.empty()) {
    out << "\nWarnings\n";
    for (const std::string& warning : plan.warnings) out << "  - " << warning << "\n";
  }
}

}  // namespace

void add_plan_command(CLI::App& app) {
  auto options = std::make_shared<PlanOptions>();
  CLI::App* command = app.add_subcommand("plan", "Lay the job out and size it, without simulating");
  command->footer(kPlanHelp);
  add_scenario_options(*command, options->scenario);
  command->add_flag("--json", options->json, "Print one JSON document on stdout");
  command->add_option("--rate", options->rate,
                      "Total source rate, records/s (\"1500000\", \"1.5M/s\"); default: the "
                      "traffic peak");
  command->add_option("--tm-loss-detection", options->detection, kLossDetectionHelp);
  command->callback([options] {
    const Plan plan = make_plan(*options);
    if (options->json) {
      print_json(plan_json(plan), std::cout);
    } else {
      print_tables(plan, std::cout);
    }
    const bool slos_met = std::all_of(plan.slos.begin(), plan.slos.end(),
                                      [](const SloCheck& slo) { return slo.met; });
    if (!plan.feasible || !slos_met) throw Exit{kExitNegative};
  });
}

}  // namespace flinksim::cli
