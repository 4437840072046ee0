// `flinksim plan SCENARIO`: how Flink would lay the job out (chains, slots, placement, network
// buffers, memory) and what the layout carries in steady state (CPU and network per TaskManager,
// the bottleneck, the largest source rate). Nothing is simulated; see model/steady_state.h.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <optional>
#include <string>

#include "cli/commands.h"
#include "cli/json_output.h"
#include "cli/scenario_loading.h"
#include "model/job_graph.h"
#include "model/memory.h"
#include "model/network_buffers.h"
#include "model/placement.h"
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
    "in `warnings`. Exit 2: bad input.";

struct PlanOptions {
  ScenarioOptions scenario;
  bool json = false;
  std::string rate;  // records/s: "1500000", "1.5M/s"; empty = traffic peak
};

// Everything `plan` reports, computed once, printed as JSON or as tables.
struct Plan {
  Scenario scenario;
  JobGraph graph;
  Placement placement;
  SteadyState steady;
  TaskManagerMemory memory;  // every TaskManager has the same configuration
  NetworkBufferReport buffers;
  int slots_total = 0;
  std::vector<std::string> warnings;
  bool feasible = true;
};

// Flink's ship_strategy names, as in the plan JSON of the web UI.
const char* ship_strategy(Partition partition) {
  switch (partition) {
    case Partition::Forward: return "FORWARD";
    case Partition::Rebalance: return "REBALANCE";
    case Partition::Rescale: return "RESCALE";
    case Partition::Hash: return "HASH";
    case Partition::Broadcast: return "BROADCAST";
    case Partition::Random: return "SHUFFLE";
    case Partition::Global: return "GLOBAL";
  }
  return "FORWARD";
}

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

Plan make_plan(const PlanOptions& options) {
  Plan plan;
  plan.scenario = load_scenario(options.scenario);
  const std::optional<double> rate = parse_rate_option(options.rate);
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
  return plan;
}

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

// Flink's names from the REST memoryConfiguration of a TaskManager, in bytes.
Json memory_json(const TaskManagerMemory& memory) {
  return {{"frameworkHeap", memory.framework_heap},    {"taskHeap", memory.task_heap},
          {"frameworkOffHeap", memory.framework_off_heap}, {"taskOffHeap", memory.task_off_heap},
          {"networkMemory", memory.network},           {"managedMemory", memory.managed},
          {"jvmMetaspace", memory.jvm_metaspace},      {"jvmOverhead", memory.jvm_overhead},
          {"totalFlinkMemory", memory.total_flink},    {"totalProcessMemory", memory.total_process}};
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
  json["memory"] = memory_json(plan.memory);
  json["cpuDemand"] = json_number(load.cpu_demand);
  json["cpuUtilization"] = json_number(load.cpu_utilization);
  json["stateSize"] = json_number(load.state_bytes);
  json["networkIn"] = breakdown_json(load.network_in);
  json["networkOut"] = breakdown_json(load.network_out);
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
                            {"shipStrategy", ship_strategy(edge.partition)}});
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
                     ship_strategy(edge.partition)});
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
  command->callback([options] {
    const Plan plan = make_plan(*options);
    if (options->json) {
      print_json(plan_json(plan), std::cout);
    } else {
      print_tables(plan, std::cout);
    }
    if (!plan.feasible) throw Exit{kExitNegative};
  });
}

}  // namespace flinksim::cli
