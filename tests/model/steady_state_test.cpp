// steady_state: rates through the graph, per-subtask load, network by cause, capacity. Graphs
// and placements are built by hand here so that each figure can be checked with pencil and paper.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>

#include "model/steady_state.h"

using namespace flinksim::model;

namespace {

OperatorSpec op(std::string name, OperatorKind kind, int parallelism, double cpu_us,
                std::vector<std::pair<std::string, Partition>> inputs = {}) {
  OperatorSpec spec;
  spec.name = std::move(name);
  spec.kind = kind;
  spec.parallelism = parallelism;
  spec.cpu_per_record = static_cast<Nanos>(cpu_us * kMicrosecond);
  for (auto& [from, partition] : inputs) spec.inputs.push_back({from, partition, {}});
  return spec;
}

// One vertex per entry of `chains` (operator indices, head first, in topological order); job
// edges for every input that crosses vertices, with the input's partition.
JobGraph hand_graph(const Scenario& scenario, const std::vector<std::vector<int>>& chains,
                    int max_parallelism = 128) {
  JobGraph graph;
  graph.vertex_of_operator.resize(scenario.operators.size());
  std::map<std::string, int> index;
  for (std::size_t i = 0; i < scenario.operators.size(); ++i) index[scenario.operators[i].name] = i;
  for (std::size_t v = 0; v < chains.size(); ++v) {
    JobVertex vertex;
    for (int o : chains[v]) {
      vertex.operators.push_back({o, 1.0});
      vertex.name += (vertex.name.empty() ? "" : " -> ") + scenario.operators[o].name;
      graph.vertex_of_operator[o] = static_cast<int>(v);
    }
    vertex.parallelism = *scenario.operators[chains[v].front()].parallelism;
    vertex.max_parallelism = max_parallelism;
    graph.vertices.push_back(vertex);
  }
  for (std::size_t j = 0; j < scenario.operators.size(); ++j) {
    for (const InputSpec& input : scenario.operators[j].inputs) {
      const int i = index[input.from];
      const int from_v = graph.vertex_of_operator[i];
      const int to_v = graph.vertex_of_operator[j];
      if (from_v == to_v) continue;
      JobEdge edge;
      edge.source = from_v;
      edge.target = to_v;
      edge.partition = input.partition.value_or(Partition::Forward);
      edge.from_operator = i;
      edge.to_operator = static_cast<int>(j);
      graph.vertices[to_v].inputs.push_back(static_cast<int>(graph.edges.size()));
      graph.vertices[from_v].outputs.push_back(static_cast<int>(graph.edges.size()));
      graph.edges.push_back(edge);
    }
  }
  return graph;
}

// Flink's default: subtask i of every vertex shares slot i; slots fill TaskManagers in order.
Placement fill_first(const JobGraph& graph, int taskmanagers, int slots) {
  Placement placement;
  placement.taskmanagers = taskmanagers;
  placement.slots_per_taskmanager = slots;
  placement.subtasks_on.resize(taskmanagers);
  for (std::size_t v = 0; v < graph.vertices.size(); ++v) {
    std::vector<int> row;
    for (int i = 0; i < graph.vertices[v].parallelism; ++i) {
      const int tm = i < taskmanagers * slots ? i / slots : -1;
      row.push_back(tm);
      if (tm >= 0) placement.subtasks_on[tm].push_back({static_cast<int>(v), i});
    }
    placement.taskmanager_of.push_back(row);
  }
  return placement;
}

StateSpec state(std::int64_t keys, Bytes bytes_per_key) {
  StateSpec spec;
  spec.keys = keys;
  spec.bytes_per_key = bytes_per_key;
  return spec;
}

Scenario base(int taskmanagers, double cores) {
  Scenario scenario;
  scenario.cluster.taskmanagers = taskmanagers;
  scenario.cluster.cpu_per_taskmanager = cores;
  scenario.traffic.peak = 1000;
  return scenario;
}

}  // namespace

TEST_CASE("rates through a diamond follow selectivities", "[steady_state]") {
  Scenario s = base(1, 8);
  s.operators = {op("src", OperatorKind::Source, 2, 0),
                 op("double", OperatorKind::Operator, 2, 0, {{"src", Partition::Rebalance}}),
                 op("halve", OperatorKind::Operator, 2, 0, {{"src", Partition::Rebalance}}),
                 op("join", OperatorKind::Operator, 2, 0,
                    {{"double", Partition::Rebalance}, {"halve", Partition::Rebalance}}),
                 op("sink", OperatorKind::Sink, 2, 0, {{"join", Partition::Rebalance}})};
  s.operators[1].selectivity = 2.0;
  s.operators[2].selectivity = 0.5;
  s.operators[3].selectivity = 0.1;
  const JobGraph g = hand_graph(s, {{0}, {1}, {2}, {3}, {4}});
  const SteadyState r = compute_steady_state(s, g, fill_first(g, 1, 2));
  CHECK(r.source_rate == 1000);
  CHECK(r.operators[1].records_out == Approx(2000));
  CHECK(r.operators[2].records_out == Approx(500));
  CHECK(r.operators[3].records_in == Approx(2500));
  CHECK(r.operators[4].records_in == Approx(250));
  CHECK(r.vertices[3].subtask_records_in[0] == Approx(1250));
  // The --rate override scales everything.
  const SteadyState half = compute_steady_state(s, g, fill_first(g, 1, 2), 500.0);
  CHECK(half.operators[4].records_in == Approx(125));
}

TEST_CASE("broadcast hands the full rate to every downstream subtask", "[steady_state]") {
  Scenario s = base(2, 8);
  s.operators = {op("rules", OperatorKind::Source, 2, 0),
                 op("apply", OperatorKind::Operator, 4, 10, {{"rules", Partition::Broadcast}})};
  s.operators[0].record_size = 100;
  const JobGraph g = hand_graph(s, {{0}, {1}});
  const SteadyState r = compute_steady_state(s, g, fill_first(g, 2, 2));
  CHECK(r.operators[1].records_in == Approx(4000));  // summed over 4 subtasks
  for (double in : r.vertices[1].subtask_records_in) CHECK(in == Approx(1000));
  // Both source subtasks (500/s each) share slots 0 and 1 of TaskManager 0; each sends a copy of
  // every record to the 2 subtasks of apply on TaskManager 1.
  CHECK(r.taskmanagers[0].network_out.shuffle == Approx(2 * 500 * 2 * 100));
  CHECK(r.taskmanagers[1].network_in.shuffle == Approx(2 * 500 * 2 * 100));
  CHECK(r.taskmanagers[0].network_in.shuffle == 0);
  CHECK(r.vertices[1].subtask_cpu[3] == Approx(1000 * 10e-6));
}

TEST_CASE("hash with key skew loads one subtask more", "[steady_state]") {
  Scenario s = base(1, 8);
  s.operators = {op("src", OperatorKind::Source, 4, 0),
                 op("count", OperatorKind::Operator, 4, 100, {{"src", Partition::Hash}})};
  s.operators[1].key_count = 1000;
  s.operators[1].key_skew = 1.5;
  const JobGraph g = hand_graph(s, {{0}, {1}});
  const SteadyState r = compute_steady_state(s, g, fill_first(g, 1, 4));
  const auto& in = r.vertices[1].subtask_records_in;
  double total = 0;
  for (double x : in) total += x;
  CHECK(total == Approx(1000));
  CHECK(*std::max_element(in.begin(), in.end()) > 1.5 * 250);
  CHECK(r.vertices[1].utilization == Approx(*std::max_element(in.begin(), in.end()) * 100e-6));
}

TEST_CASE("the bottleneck moves from a thread to the TaskManager when cores shrink",
          "[steady_state]") {
  // 4 subtasks at 100 us per record, evenly loaded: a thread saturates at 4 × 10,000/s; the
  // TaskManager at cores × 10,000/s.
  Scenario s = base(1, 8);
  s.operators = {op("src", OperatorKind::Source, 4, 100)};
  const JobGraph g = hand_graph(s, {{0}});
  const Placement p = fill_first(g, 1, 4);
  const SteadyState wide = compute_steady_state(s, g, p);
  CHECK(wide.bottleneck.kind == BottleneckKind::SubtaskCpu);
  CHECK(wide.max_source_rate == Approx(40'000));
  s.cluster.cpu_per_taskmanager = 2;
  const SteadyState narrow = compute_steady_state(s, g, p);
  CHECK(narrow.bottleneck.kind == BottleneckKind::TaskManagerCpu);
  CHECK(narrow.bottleneck.taskmanager == 0);
  CHECK(narrow.max_source_rate == Approx(20'000));
  CHECK(narrow.taskmanagers[0].cpu_demand == Approx(0.1));
  CHECK(narrow.taskmanagers[0].cpu_utilization == Approx(0.05));
}

TEST_CASE("maxSourceRate by hand: network with a constant checkpoint upload", "[steady_state]") {
  // 2 TaskManagers of 1 slot; src(p=2) rebalance → agg(p=2), 1000 B records, no CPU cost.
  // Per TM at rate R: ingest R/2 × 1000 IN; shuffle: each source subtask sends half of its R/2 to
  // the other TM → R/4 × 1000 OUT and IN. OUT also carries a full checkpoint of the keyless state:
  // 4e8 B / 2 TMs / 10 s = 2e7 B/s, whatever R.
  Scenario s = base(2, 4);
  s.network.bandwidth_per_taskmanager = 1e8;
  s.flink.set("execution.checkpointing.interval", "10s");
  s.flink.set("state.backend.type", "rocksdb");
  s.operators = {op("src", OperatorKind::Source, 2, 0),
                 op("agg", OperatorKind::Operator, 2, 0, {{"src", Partition::Rebalance}})};
  s.operators[0].record_size = 1000;
  s.operators[1].state = state(1000, 400'000);
  const JobGraph g = hand_graph(s, {{0}, {1}});
  const SteadyState r = compute_steady_state(s, g, fill_first(g, 2, 1));
  const TaskManagerLoad& tm = r.taskmanagers[0];
  CHECK(tm.network_in.source_ingest == Approx(500 * 1000));
  CHECK(tm.network_in.shuffle == Approx(250 * 1000));
  CHECK(tm.network_out.shuffle == Approx(250 * 1000));
  CHECK(tm.network_out.checkpoint_upload == Approx(2e7));
  CHECK(tm.network_out.state_access == 0);  // state_disk defaults to "local"
  // IN: 750 B per unit of R ≤ 1e8 → R ≤ 133,333; OUT: 2e7 + 250 R ≤ 1e8 → R ≤ 320,000.
  CHECK(r.bottleneck.kind == BottleneckKind::NetworkIn);
  CHECK(r.max_source_rate == Approx(1e8 / 750.0));
  // State on network-attached volumes adds 100 B per record of agg each way.
  s.storage.state_disk = "network";
  s.operators[1].state->access_bytes_per_record = 100;
  const SteadyState n = compute_steady_state(s, g, fill_first(g, 2, 1));
  CHECK(n.taskmanagers[1].network_in.state_access == Approx(500 * 100));
  // IN: (500 + 250 + 50) R ≤ 1e8 → 125,000; OUT: 2e7 + 300 R ≤ 1e8 → 266,667.
  CHECK(n.max_source_rate == Approx(1e8 / 800.0));
  // Checkpointing off: no upload.
  s.flink.erase("execution.checkpointing.interval");
  CHECK(compute_steady_state(s, g, fill_first(g, 2, 1)).taskmanagers[0]
            .network_out.checkpoint_upload == 0);
}

TEST_CASE("incremental checkpoints upload the keys touched per interval", "[steady_state]") {
  Scenario s = base(1, 4);
  s.traffic.peak = 100;
  s.flink.set("execution.checkpointing.interval", "10s");
  s.flink.set("state.backend.type", "rocksdb");
  s.flink.set("state.backend.incremental", "true");
  s.operators = {op("src", OperatorKind::Source, 1, 0),
                 op("agg", OperatorKind::Operator, 1, 0, {{"src", Partition::Hash}})};
  s.operators[1].state = state(1000, 100);
  const JobGraph g = hand_graph(s, {{0}, {1}});
  const SteadyState r = compute_steady_state(s, g, fill_first(g, 1, 1));
  // 1000 accesses over 1000 keys in 10 s: 1000 × (1 − 1/e) keys of 100 B, per 10 s.
  CHECK(r.taskmanagers[0].network_out.checkpoint_upload ==
        Approx(1000 * (1 - std::exp(-1.0)) * 100 / 10));
  s.operators[1].state->change_rate = 0.25;
  CHECK(compute_steady_state(s, g, fill_first(g, 1, 1)).taskmanagers[0]
            .network_out.checkpoint_upload == Approx(0.25 * 1e5 / 10));
}

TEST_CASE("chained sink writes the records it receives; nothing crosses a local forward",
          "[steady_state]") {
  Scenario s = base(2, 4);
  s.operators = {op("src", OperatorKind::Source, 2, 5),
                 op("explode", OperatorKind::Operator, 2, 2, {{"src", Partition::Forward}}),
                 op("sink", OperatorKind::Sink, 2, 1, {{"explode", Partition::Forward}})};
  s.operators[0].record_size = 2000;
  s.operators[1].selectivity = 3;
  s.operators[1].record_size = 40;
  const JobGraph g = hand_graph(s, {{0, 1, 2}});
  const SteadyState r = compute_steady_state(s, g, fill_first(g, 2, 1));
  CHECK(r.taskmanagers[0].network_out.sink_output == Approx(500 * 3 * 40));
  CHECK(r.taskmanagers[0].network_out.shuffle == 0);
  // Chain cost per record entering: 5 + 2 + 3 × 1 us.
  CHECK(r.vertices[0].chain_cost == Approx(10e-6));
  CHECK(r.vertices[0].records_out == Approx(3000));
}

TEST_CASE("a record size's spread goes with the size: own, else constant, else inherited",
          "[steady_state][record_size]") {
  Scenario s = base(2, 4);
  s.operators = {op("src", OperatorKind::Source, 2, 5),
                 op("filter", OperatorKind::Operator, 2, 1, {{"src", Partition::Forward}}),
                 op("reshape", OperatorKind::Operator, 2, 1, {{"filter", Partition::Rebalance}}),
                 op("sink", OperatorKind::Sink, 2, 1, {{"reshape", Partition::Forward}})};
  s.operators[0].record_size = 2000;
  s.operators[0].record_size_cv = 0.4;
  s.operators[2].record_size = 400;     // its own size, no distribution: constant
  s.operators[3].record_size_cv = 0.2;  // the size it inherits, its own spread
  const JobGraph g = hand_graph(s, {{0, 1}, {2, 3}});
  const SteadyState r = compute_steady_state(s, g, fill_first(g, 2, 2));
  CHECK(r.operators[0].record_size_cv == 0.4);
  CHECK(r.operators[1].record_size_cv == 0.4);  // a filter passes its input's records on
  CHECK(r.operators[2].record_size_cv == 0.0);
  CHECK(r.operators[3].record_size_cv == 0.2);
  CHECK(r.operators[3].record_size == 400);
}

TEST_CASE("subtasks beyond the Kafka partitions idle", "[steady_state]") {
  Scenario s = base(1, 8);
  s.operators = {op("src", OperatorKind::Source, 4, 1)};
  s.operators[0].source_partitions = 3;
  const JobGraph g = hand_graph(s, {{0}});
  const SteadyState r = compute_steady_state(s, g, fill_first(g, 1, 4));
  CHECK(r.vertices[0].subtask_records_in[3] == 0);
  CHECK(r.vertices[0].subtask_records_in[0] == Approx(1000.0 / 3));
}

TEST_CASE("overload at the requested rate is a warning", "[steady_state]") {
  Scenario s = base(1, 1);
  s.operators = {op("src", OperatorKind::Source, 2, 1000)};  // 1 ms per record
  const JobGraph g = hand_graph(s, {{0}});
  const SteadyState r = compute_steady_state(s, g, fill_first(g, 1, 2), 4000.0);
  // 2000/s per subtask × 1 ms = 2 cores each; TaskManager needs 4 of its 1.
  REQUIRE(r.warnings.size() >= 2);
  CHECK(r.max_source_rate == Approx(1000));
  CHECK(r.bottleneck.kind == BottleneckKind::TaskManagerCpu);
}
