// Flink's StreamGraph → JobGraph translation, for the scenario's operators: parallelism and max
// parallelism resolution, default ship strategies, the DAG check, and operator chaining
// (StreamingJobGraphGenerator.isChainable / createChain / createChainedName).
#include "model/job_graph.h"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/depth_first_search.hpp>
#include <cassert>
#include <functional>
#include <map>
#include <queue>
#include <tuple>

namespace flinksim::model {

const char* ship_strategy_name(Partition partition) {
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
namespace {

using OpGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS>;

// One input of one operator: a StreamEdge.
struct OpEdge {
  int from = 0;
  int to = 0;
  int input = 0;  // index in the consumer's OperatorSpec::inputs
  Partition partition = Partition::Forward;
  bool chained = false;
};

struct OpSettings {
  int parallelism = 1;
  int configured_max = -1;  // operator's, else pipeline.max-parallelism; −1: not set (Flink's)
  int max_parallelism = 128;
  std::string slot_sharing_group = "default";  // resolved: explicit, else inherited
};

std::string field_of(const OperatorSpec& op) { return "operator \"" + op.name + "\""; }

SourcePos where(const Scenario& scenario, SourcePos pos) {
  if (pos.file.empty()) pos.file = scenario.path;
  return pos;
}

int index_of(const Scenario& scenario, const std::string& name) {
  for (std::size_t i = 0; i < scenario.operators.size(); ++i) {
    if (scenario.operators[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

// Flink: parallelism = operator's, else parallelism.default; max parallelism = operator's, else
// pipeline.max-parallelism when > 0, else derived from the parallelism at scheduling time.
std::vector<OpSettings> resolve_settings(const Scenario& scenario, Diagnostics& diagnostics) {
  const FlinkConfig& flink = scenario.flink;
  const std::int64_t default_parallelism = flink.get_int(options::kParallelismDefault);
  if (default_parallelism < 1) {
    const auto* entry = flink.find(options::kParallelismDefault);
    diagnostics.error(entry ? entry->pos : SourcePos{}, flink.key_of(options::kParallelismDefault),
                      "must be at least 1, got " + std::to_string(default_parallelism));
  }
  std::int64_t pipeline_max = flink.get_int(options::kMaxParallelism);
  if (pipeline_max > kUpperBoundMaxParallelism) {
    const auto* entry = flink.find(options::kMaxParallelism);
    diagnostics.error(entry ? entry->pos : SourcePos{}, flink.key_of(options::kMaxParallelism),
                      "Maximum parallelism must be between 1 and 32768. Found: " +
                          std::to_string(pipeline_max));
    pipeline_max = -1;
  }

  std::vector<OpSettings> settings(scenario.operators.size());
  for (std::size_t i = 0; i < settings.size(); ++i) {
    const OperatorSpec& op = scenario.operators[i];
    OpSettings& s = settings[i];
    s.parallelism = op.parallelism.value_or(static_cast<int>(std::max<std::int64_t>(1, default_parallelism)));
    if (op.max_parallelism) {
      s.configured_max = *op.max_parallelism;
      if (s.configured_max < 1 || s.configured_max > kUpperBoundMaxParallelism) {
        diagnostics.error(where(scenario, op.pos), field_of(op) + ".max_parallelism",
                          "Maximum parallelism must be between 1 and 32768. Found: " +
                              std::to_string(s.configured_max));
        s.configured_max = -1;
      }
    } else if (pipeline_max > 0) {
      s.configured_max = static_cast<int>(pipeline_max);
    }
    s.max_parallelism =
        s.configured_max > 0 ? s.configured_max : default_max_parallelism(s.parallelism);
    if (s.parallelism > s.max_parallelism) {
      diagnostics.error(where(scenario, op.pos), field_of(op) + ".parallelism",
                        "parallelism " + std::to_string(s.parallelism) +
                            " is larger than the max parallelism " +
                            std::to_string(s.max_parallelism) +
                            " (the number of key groups); lower the parallelism or raise " +
                            (op.max_parallelism ? "max_parallelism" : "pipeline.max-parallelism"));
    }
  }
  return settings;
}

// Flink (StreamGraph.addEdgeInternal): no partitioner → forward when the parallelisms match,
// else rebalance; an explicit forward between different parallelisms is refused.
std::vector<OpEdge> resolve_edges(const Scenario& scenario, const std::vector<OpSettings>& settings,
                                  Diagnostics& diagnostics) {
  std::vector<OpEdge> edges;
  for (std::size_t to = 0; to < scenario.operators.size(); ++to) {
    const OperatorSpec& op = scenario.operators[to];
    for (std::size_t j = 0; j < op.inputs.size(); ++j) {
      const InputSpec& input = op.inputs[j];
      const int from = index_of(scenario, input.from);
      assert(from >= 0 && "scenario_reader checks that inputs name existing operators");
      if (from < 0) continue;
      OpEdge edge{from, static_cast<int>(to), static_cast<int>(j)};
      const int up = settings[from].parallelism;
      const int down = settings[to].parallelism;
      if (!input.partition) {
        edge.partition = up == down ? Partition::Forward : Partition::Rebalance;
      } else {
        edge.partition = *input.partition;
        if (edge.partition == Partition::Forward && up != down) {
          diagnostics.error(
              where(scenario, input.pos.line ? input.pos : op.pos),
              field_of(op) + ".inputs[" + std::to_string(j) + "].partition",
              "Forward partitioning does not allow change of parallelism. Upstream operation: " +
                  input.from + " parallelism: " + std::to_string(up) + ", downstream operation: " +
                  op.name + " parallelism: " + std::to_string(down) +
                  " You must use another partitioning strategy, such as broadcast, rebalance, "
                  "shuffle or global.");
        }
      }
      edges.push_back(edge);
    }
  }
  return edges;
}

// A back edge found by depth-first search closes a cycle: the tree path from its target down to
// its source, plus the back edge itself.
struct CycleFinder : boost::default_dfs_visitor {
  std::vector<int>* parent;
  std::vector<int>* cycle;
  template <class Edge, class Graph>
  void tree_edge(Edge e, const Graph& g) {
    (*parent)[boost::target(e, g)] = static_cast<int>(boost::source(e, g));
  }
  template <class Edge, class Graph>
  void back_edge(Edge e, const Graph& g) {
    if (!cycle->empty()) return;
    const int top = static_cast<int>(boost::target(e, g));
    for (int v = static_cast<int>(boost::source(e, g)); v != top; v = (*parent)[v]) {
      cycle->push_back(v);
    }
    cycle->push_back(top);
    std::reverse(cycle->begin(), cycle->end());
  }
};

void check_acyclic(const Scenario& scenario, const std::vector<OpEdge>& edges,
                   Diagnostics& diagnostics) {
  OpGraph g(scenario.operators.size());
  for (const OpEdge& e : edges) boost::add_edge(e.from, e.to, g);
  std::vector<int> parent(scenario.operators.size(), -1);
  std::vector<int> cycle;
  CycleFinder finder;
  finder.parent = &parent;
  finder.cycle = &cycle;
  boost::depth_first_search(g, boost::visitor(finder));
  if (cycle.empty()) return;
  std::string path;
  for (int v : cycle) path += scenario.operators[v].name + " -> ";
  path += scenario.operators[cycle.front()].name;
  const OperatorSpec& first = scenario.operators[cycle.front()];
  diagnostics.error(where(scenario, first.pos), field_of(first) + ".inputs",
                    "the operators form a cycle (" + path +
                        "); a streaming job graph must be acyclic (Flink iterations are not "
                        "modelled)");
}

// Flink: StreamingJobGraphGenerator.isChainable (flink-facts.md c.1).
bool chainable(const Scenario& scenario, const std::vector<OpSettings>& settings,
               const OpEdge& edge, bool chaining_enabled, bool different_max_ok) {
  const OperatorSpec& up = scenario.operators[edge.from];
  const OperatorSpec& down = scenario.operators[edge.to];
  if (down.inputs.size() != 1) return false;  // union / two-input operators head a chain
  if (!chaining_enabled) return false;
  if (settings[edge.from].slot_sharing_group != settings[edge.to].slot_sharing_group) return false;
  if (edge.partition != Partition::Forward) return false;
  // Upstream NEVER refuses; HEAD and ALWAYS accept (FLIP-27 sources are HEAD). Downstream must
  // be ALWAYS: HEAD (startNewChain) and NEVER (disableChaining) start a new chain.
  if (up.chaining == Chaining::Never) return false;
  if (down.chaining != Chaining::Always || down.kind == OperatorKind::Source) return false;
  if (settings[edge.from].parallelism != settings[edge.to].parallelism) return false;
  // Flink compares the StreamNodes' max parallelism as configured (−1 when unset).
  if (!different_max_ok && settings[edge.from].configured_max != settings[edge.to].configured_max) {
    return false;
  }
  return true;
}

// Flink: createChain walks each chainable output depth first; createChainedName names a node
// "op", "op -> child" or "op -> (child1, child2)".
struct ChainBuilder {
  const Scenario& scenario;
  const std::vector<std::vector<int>>& chained_outputs;  // per operator, consumer ops in order
  JobVertex& vertex;

  std::string add(int op, int parent, double rate_factor) {
    const int position = static_cast<int>(vertex.operators.size());
    vertex.operators.push_back({op, rate_factor, parent});
    const OperatorSpec& spec = scenario.operators[op];
    vertex.is_sink = vertex.is_sink || spec.kind == OperatorKind::Sink;
    std::vector<std::string> names;
    for (int child : chained_outputs[op]) {
      names.push_back(add(child, position, rate_factor * spec.selectivity));
    }
    if (names.empty()) return spec.name;
    if (names.size() == 1) return spec.name + " -> " + names.front();
    std::string joined;
    for (const std::string& n : names) joined += (joined.empty() ? "" : ", ") + n;
    return spec.name + " -> (" + joined + ")";
  }
};

// Kahn's algorithm over the chains, the smallest head operator index first among the ready ones.
std::vector<int> topological_chain_order(const std::vector<int>& heads,
                                         const std::vector<OpEdge>& edges,
                                         const std::vector<int>& chain_of_operator) {
  const int n = static_cast<int>(heads.size());
  std::vector<std::vector<int>> out(n);
  std::vector<int> indegree(n, 0);
  for (const OpEdge& e : edges) {
    if (e.chained) continue;
    out[chain_of_operator[e.from]].push_back(chain_of_operator[e.to]);
    ++indegree[chain_of_operator[e.to]];
  }
  using Ready = std::pair<int, int>;  // (head operator index, chain)
  std::priority_queue<Ready, std::vector<Ready>, std::greater<>> ready;
  for (int c = 0; c < n; ++c) {
    if (indegree[c] == 0) ready.push({heads[c], c});
  }
  std::vector<int> order;
  while (!ready.empty()) {
    const int c = ready.top().second;
    ready.pop();
    order.push_back(c);
    for (int d : out[c]) {
      if (--indegree[d] == 0) ready.push({heads[d], d});
    }
  }
  assert(static_cast<int>(order.size()) == n && "the operator graph was checked acyclic");
  return order;
}

}  // namespace

bool JobEdge::all_to_all() const {
  // Flink: FORWARD and RESCALE are POINTWISE; every other partitioner is ALL_TO_ALL.
  return partition != Partition::Forward && partition != Partition::Rescale;
}

int JobGraph::slots_required() const {
  // Flink: slots needed = Σ over slot sharing groups of the max parallelism in the group.
  std::map<std::string, int> widest;
  for (const JobVertex& v : vertices) {
    int& w = widest[v.slot_sharing_group];
    w = std::max(w, v.parallelism);
  }
  int total = 0;
  for (const auto& [group, width] : widest) total += width;
  return total;
}

// Flink: StreamGraphGenerator#determineSlotSharingGroup. An operator without a group of its own
// takes its inputs' group when they all agree, else "default"; a source without one is "default".
// REQUIRES: the operator graph is acyclic.
void resolve_slot_sharing_groups(const Scenario& scenario, const std::vector<OpEdge>& edges,
                                 std::vector<OpSettings>& settings) {
  const int nops = static_cast<int>(scenario.operators.size());
  std::vector<std::vector<int>> inputs(nops);
  for (const OpEdge& e : edges) inputs[e.to].push_back(e.from);
  std::vector<bool> done(nops, false);
  std::function<const std::string&(int)> group_of = [&](int op) -> const std::string& {
    if (done[op]) return settings[op].slot_sharing_group;
    const OperatorSpec& spec = scenario.operators[op];
    std::string group = spec.slot_sharing_group;
    if (!spec.slot_sharing_group_set && !inputs[op].empty()) {
      group = group_of(inputs[op].front());
      for (int in : inputs[op]) {
        if (group_of(in) != group) group = "default";
      }
    }
    settings[op].slot_sharing_group = std::move(group);
    done[op] = true;
    return settings[op].slot_sharing_group;
  };
  for (int op = 0; op < nops; ++op) group_of(op);
}

JobGraph build_job_graph(const Scenario& scenario) {
  Diagnostics diagnostics;
  std::vector<OpSettings> settings = resolve_settings(scenario, diagnostics);
  std::vector<OpEdge> edges = resolve_edges(scenario, settings, diagnostics);
  throw_if_errors(diagnostics);
  check_acyclic(scenario, edges, diagnostics);
  throw_if_errors(diagnostics);
  resolve_slot_sharing_groups(scenario, edges, settings);

  const bool chaining_enabled = scenario.flink.get_bool(options::kOperatorChaining);
  const bool different_max_ok = scenario.flink.get_bool(options::kChainDifferentMaxParallelism);
  const int nops = static_cast<int>(scenario.operators.size());
  std::vector<bool> has_chained_input(nops, false);
  std::vector<std::vector<int>> chained_outputs(nops);
  // `edges` is in (consumer, input) file order, so each operator's chained outputs come in its
  // consumers' file order, as Flink adds StreamEdges in translation order.
  for (OpEdge& e : edges) {
    e.chained = chainable(scenario, settings, e, chaining_enabled, different_max_ok);
    if (e.chained) {
      has_chained_input[e.to] = true;
      chained_outputs[e.from].push_back(e.to);
    }
  }

  // Chains: one per head (an operator without a chained input), in head file order for now.
  std::vector<int> heads;
  std::vector<JobVertex> chains;
  std::vector<int> chain_of_operator(nops, -1);
  for (int op = 0; op < nops; ++op) {
    if (has_chained_input[op]) continue;
    JobVertex vertex;
    ChainBuilder builder{scenario, chained_outputs, vertex};
    vertex.name = builder.add(op, -1, 1.0);
    const OperatorSpec& head = scenario.operators[op];
    vertex.parallelism = settings[op].parallelism;
    vertex.max_parallelism = settings[op].max_parallelism;
    vertex.slot_sharing_group = settings[op].slot_sharing_group;
    vertex.is_source = head.kind == OperatorKind::Source;
    for (const ChainedOperator& c : vertex.operators) {
      chain_of_operator[c.op] = static_cast<int>(chains.size());
    }
    heads.push_back(op);
    chains.push_back(std::move(vertex));
  }

  JobGraph graph;
  const std::vector<int> order = topological_chain_order(heads, edges, chain_of_operator);
  std::vector<int> vertex_of_chain(chains.size());
  for (std::size_t v = 0; v < order.size(); ++v) {
    vertex_of_chain[order[v]] = static_cast<int>(v);
    graph.vertices.push_back(std::move(chains[order[v]]));
  }
  graph.vertex_of_operator.resize(nops);
  for (int op = 0; op < nops; ++op) {
    graph.vertex_of_operator[op] = vertex_of_chain[chain_of_operator[op]];
  }

  for (const OpEdge& e : edges) {
    if (e.chained) continue;
    JobEdge edge;
    edge.source = graph.vertex_of_operator[e.from];
    edge.target = graph.vertex_of_operator[e.to];
    edge.partition = e.partition;
    edge.target_input = e.input;  // a head has no chained input, so its inputs are its gates
    edge.from_operator = e.from;
    edge.to_operator = e.to;
    graph.edges.push_back(edge);
  }
  std::stable_sort(graph.edges.begin(), graph.edges.end(), [](const JobEdge& a, const JobEdge& b) {
    return std::tie(a.target, a.target_input) < std::tie(b.target, b.target_input);
  });
  for (std::size_t i = 0; i < graph.edges.size(); ++i) {
    graph.vertices[graph.edges[i].source].outputs.push_back(static_cast<int>(i));
    graph.vertices[graph.edges[i].target].inputs.push_back(static_cast<int>(i));
  }
  return graph;
}

SubtaskRange pointwise_consumers(int producer, int p_up, int p_down) {
  assert(producer >= 0 && producer < p_up && p_down >= 1);
  const std::int64_t u = producer, P = p_up, Q = p_down;
  if (P >= Q) {
    // The consumer whose producer range [i·P/Q, (i+1)·P/Q) holds u.
    const int i = static_cast<int>(((u + 1) * Q - 1) / P);
    return {i, i + 1};
  }
  return {static_cast<int>((u * Q + P - 1) / P), static_cast<int>(((u + 1) * Q + P - 1) / P)};
}

SubtaskRange pointwise_producers(int consumer, int p_up, int p_down) {
  assert(consumer >= 0 && consumer < p_down && p_up >= 1);
  const std::int64_t j = consumer, P = p_up, Q = p_down;
  if (P >= Q) return {static_cast<int>(j * P / Q), static_cast<int>((j + 1) * P / Q)};
  // The producer whose consumer range [ceil(u·Q/P), ceil((u+1)·Q/P)) holds j.
  const int u = static_cast<int>(j * P / Q);
  return {u, u + 1};
}

bool connected(const JobEdge& edge, const JobGraph& graph, int upstream, int downstream) {
  if (edge.all_to_all()) return true;
  const int p_up = graph.vertices[edge.source].parallelism;
  const int p_down = graph.vertices[edge.target].parallelism;
  return pointwise_consumers(upstream, p_up, p_down).contains(downstream);
}

int default_max_parallelism(int parallelism) {
  assert(parallelism >= 1);
  // Flink: roundUpToPowerOfTwo(p + p/2) with integer division, clamped to [128, 32768].
  const std::int64_t wanted = static_cast<std::int64_t>(parallelism) + parallelism / 2;
  std::int64_t power = 1;
  while (power < wanted) power <<= 1;
  return static_cast<int>(std::clamp<std::int64_t>(power, 128, kUpperBoundMaxParallelism));
}

int subtask_of_key_group(int key_group, int parallelism, int max_parallelism) {
  assert(key_group >= 0 && key_group < max_parallelism);
  return static_cast<int>(static_cast<std::int64_t>(key_group) * parallelism / max_parallelism);
}

KeyGroups key_groups_of_subtask(int index, int parallelism, int max_parallelism) {
  assert(parallelism >= 1 && parallelism <= max_parallelism && index >= 0 && index < parallelism);
  const std::int64_t m = max_parallelism;
  const std::int64_t p = parallelism;
  return {static_cast<int>((index * m + p - 1) / p), static_cast<int>(((index + 1) * m - 1) / p)};
}

double key_group_skew(int parallelism, int max_parallelism) {
  assert(parallelism >= 1 && parallelism <= max_parallelism);
  const int most = (max_parallelism + parallelism - 1) / parallelism;
  return most * static_cast<double>(parallelism) / max_parallelism;
}

}  // namespace flinksim::model
