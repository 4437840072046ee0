#include "model/steady_state.h"

#include <Eigen/Dense>

#include <algorithm>
#include <cassert>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>
#include <sstream>

#include "model/key_distribution.h"

namespace flinksim::model {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

double seconds(Nanos ns) { return static_cast<double>(ns) / static_cast<double>(kSecond); }

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string rate_text(double rate) { return format_rate(rate); }  // "1.64M/s"

// Decimal MB/s, as network vendors (and the sizing blog) count.
std::string megabytes_text(double bytes_per_second) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(1);
  out << bytes_per_second / 1e6 << " MB/s";
  return out.str();
}

// What the state backend and checkpointing settings mean for network traffic.
struct StateSettings {
  bool rocksdb = false;
  bool state_on_network = false;      // [storage] state_disk = "network" and RocksDB
  std::optional<double> interval_s;   // checkpoint interval; unset = checkpointing disabled
  bool incremental = false;           // RocksDB incremental checkpoints
};

StateSettings read_state_settings(const Scenario& scenario) {
  StateSettings settings;
  // Flink accepts "rocksdb" and the backend's class name (EmbeddedRocksDBStateBackend).
  settings.rocksdb =
      lower(scenario.flink.get_string(options::kStateBackendType)).find("rocksdb") !=
      std::string::npos;
  settings.state_on_network = settings.rocksdb && lower(scenario.storage.state_disk) == "network";
  const std::optional<Nanos> interval =
      scenario.flink.get_duration_opt(options::kCheckpointInterval);
  if (interval && *interval > 0) settings.interval_s = seconds(*interval);
  // The heap backend has no incremental snapshots in Flink 1.x: it always uploads everything.
  settings.incremental =
      settings.rocksdb && scenario.flink.get_bool(options::kIncrementalCheckpoints);
  return settings;
}

// Everything the evaluation at one rate needs, resolved once.
class Model {
 public:
  Model(const Scenario& scenario, const JobGraph& graph, const Placement& placement)
      : scenario_(scenario), graph_(graph), placement_(placement),
        settings_(read_state_settings(scenario)) {
    for (std::size_t i = 0; i < scenario.operators.size(); ++i) {
      index_of_[scenario.operators[i].name] = static_cast<int>(i);
    }
    taskmanagers_ = std::max(placement.taskmanagers, 0);
  }

  SteadyState evaluate(double source_rate) const;

 private:
  int parallelism_of(int op) const {
    return graph_.vertices[graph_.vertex_of_operator[op]].parallelism;
  }
  Partition partition_between(int from, int to) const;
  int taskmanager_of(int vertex, int index) const {
    if (vertex >= static_cast<int>(placement_.taskmanager_of.size())) return -1;
    const auto& row = placement_.taskmanager_of[vertex];
    return index < static_cast<int>(row.size()) ? row[index] : -1;
  }
  std::vector<int> operator_order() const;
  void solve_rates(double source_rate, SteadyState& result) const;
  std::vector<double> source_subtask_arrivals(int op, double arrivals) const;
  void flow_edge(const JobEdge& edge, const SteadyState& result,
                 const std::vector<std::vector<double>>& subtask_in, std::vector<double>& into,
                 std::vector<TaskManagerLoad>& tms) const;
  void add_state_traffic(int vertex, const SteadyState& result,
                         std::vector<TaskManagerLoad>& tms) const;

  const Scenario& scenario_;
  const JobGraph& graph_;
  const Placement& placement_;
  StateSettings settings_;
  std::map<std::string, int> index_of_;
  int taskmanagers_ = 0;
};

// The ship strategy between two operators: the job edge's when they are in different vertices,
// FORWARD inside a chain.
Partition Model::partition_between(int from, int to) const {
  for (const JobEdge& edge : graph_.edges) {
    if (edge.from_operator == from && edge.to_operator == to) return edge.partition;
  }
  if (graph_.vertex_of_operator[from] == graph_.vertex_of_operator[to]) return Partition::Forward;
  // Not in the graph (should not happen): Flink's default rule.
  return parallelism_of(from) == parallelism_of(to) ? Partition::Forward : Partition::Rebalance;
}

// Operators in an order where inputs come first (Kahn), ties by file order.
std::vector<int> Model::operator_order() const {
  const int n = static_cast<int>(scenario_.operators.size());
  std::vector<int> pending(n, 0);
  std::vector<std::vector<int>> consumers(n);
  for (int j = 0; j < n; ++j) {
    for (const InputSpec& input : scenario_.operators[j].inputs) {
      const int i = index_of_.at(input.from);
      consumers[i].push_back(j);
      ++pending[j];
    }
  }
  std::vector<int> order;
  std::vector<bool> done(n, false);
  while (static_cast<int>(order.size()) < n) {
    int next = -1;
    for (int j = 0; j < n && next < 0; ++j) {
      if (!done[j] && pending[j] == 0) next = j;
    }
    assert(next >= 0 && "operator graph has a cycle; build_job_graph refuses those");
    if (next < 0) break;
    done[next] = true;
    order.push_back(next);
    for (int j : consumers[next]) --pending[j];
  }
  return order;
}

// Flink: a record of operator i reaches operator j selectivity(i) × copies times; solve
// (I − Aᵀ)x = s for the input rates x, summed over subtasks.
void Model::solve_rates(double source_rate, SteadyState& result) const {
  const int n = static_cast<int>(scenario_.operators.size());
  int sources = 0;
  for (const OperatorSpec& op : scenario_.operators) sources += op.kind == OperatorKind::Source;
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(n, n);
  Eigen::VectorXd s = Eigen::VectorXd::Zero(n);
  for (int j = 0; j < n; ++j) {
    const OperatorSpec& op = scenario_.operators[j];
    if (op.kind == OperatorKind::Source) s(j) = source_rate / sources;
    for (const InputSpec& input : op.inputs) {
      const int i = index_of_.at(input.from);
      const double copies =
          partition_between(i, j) == Partition::Broadcast ? parallelism_of(j) : 1.0;
      a(i, j) += scenario_.operators[i].selectivity * copies;
    }
  }
  const Eigen::MatrixXd m = Eigen::MatrixXd::Identity(n, n) - a.transpose();
  const Eigen::VectorXd x = m.partialPivLu().solve(s);

  result.operators.assign(n, {});
  for (int j = 0; j < n; ++j) {
    result.operators[j].records_in = x(j);
    result.operators[j].records_out = x(j) * scenario_.operators[j].selectivity;
  }
  // Emitted sizes: own record_size, else the rate-weighted mean of what arrives.
  for (int j : operator_order()) {
    const OperatorSpec& op = scenario_.operators[j];
    OperatorRates& rates = result.operators[j];
    if (op.record_size > 0) {
      rates.record_size = static_cast<double>(op.record_size);
      rates.record_size_cv = op.record_size_cv.value_or(0.0);
      continue;
    }
    double bytes = 0.0, records = 0.0, plain = 0.0;
    for (const InputSpec& input : op.inputs) {
      const OperatorRates& upstream = result.operators[index_of_.at(input.from)];
      rates.record_size_cv = std::max(rates.record_size_cv, upstream.record_size_cv);
      bytes += upstream.records_out * upstream.record_size;
      records += upstream.records_out;
      plain += upstream.record_size;
    }
    if (records > 0) {
      rates.record_size = bytes / records;
    } else if (!op.inputs.empty()) {
      rates.record_size = plain / static_cast<double>(op.inputs.size());
    }
    if (op.record_size_cv) rates.record_size_cv = *op.record_size_cv;
  }
}

// A source's records arrive evenly over its partitions; partition k is read by subtask k mod p.
std::vector<double> Model::source_subtask_arrivals(int op, double arrivals) const {
  const int p = parallelism_of(op);
  std::vector<double> subtask(static_cast<std::size_t>(p), 0.0);
  const std::int64_t partitions =
      scenario_.operators[op].source_partitions > 0 ? scenario_.operators[op].source_partitions : p;
  const double per_partition = arrivals / static_cast<double>(partitions);
  if (partitions % p == 0) {
    std::fill(subtask.begin(), subtask.end(), arrivals / p);
  } else {
    for (std::int64_t k = 0; k < partitions; ++k) subtask[k % p] += per_partition;
  }
  return subtask;
}

// numRecordsOutPerSecond of a task: what its chain emits to the network (operators feeding a
// job edge) or writes out (sinks); a chain is a tree, so several operators may emit.
double chain_records_out(const JobVertex& vertex, const SteadyState& result,
                         const JobGraph& graph, const Scenario& scenario) {
  std::vector<int> emitting;
  for (int e : vertex.outputs) emitting.push_back(graph.edges[e].from_operator);
  for (const ChainedOperator& chained : vertex.operators) {
    if (scenario.operators[chained.op].kind == OperatorKind::Sink) emitting.push_back(chained.op);
  }
  std::sort(emitting.begin(), emitting.end());
  emitting.erase(std::unique(emitting.begin(), emitting.end()), emitting.end());
  if (emitting.empty()) emitting.push_back(vertex.operators.back().op);
  double records = 0.0;
  for (int op : emitting) records += result.operators[op].records_out;
  return records;
}

// Routes the records of one job edge into the downstream subtasks (`into`), and charges the
// bytes that cross TaskManagers to both ends' `shuffle`.
void Model::flow_edge(const JobEdge& edge, const SteadyState& result,
                      const std::vector<std::vector<double>>& subtask_in,
                      std::vector<double>& into, std::vector<TaskManagerLoad>& tms) const {
  const JobVertex& up = graph_.vertices[edge.source];
  const JobVertex& down = graph_.vertices[edge.target];
  const int p1 = up.parallelism;
  const int p2 = down.parallelism;
  const double head_in = result.operators[up.operators.front().op].records_in;
  const OperatorRates& from = result.operators[edge.from_operator];
  const double ratio = head_in > 0 ? from.records_out / head_in : 0.0;
  std::vector<double> out(static_cast<std::size_t>(p1));
  double total = 0.0;
  for (int i = 0; i < p1; ++i) total += out[i] = subtask_in[edge.source][i] * ratio;

  auto cross = [&](int tm_from, int tm_to, double records) {
    if (tm_from < 0 || tm_to < 0 || tm_from == tm_to) return;  // local channel, or not placed
    tms[tm_from].network_out.shuffle += records * from.record_size;
    tms[tm_to].network_in.shuffle += records * from.record_size;
  };

  const Partition partition = edge.partition;
  if (partition == Partition::Forward || partition == Partition::Rescale) {
    // Flink's POINTWISE connection (job_graph.h): a producer's records go round-robin, i.e.
    // evenly, over the consumers it is connected to.
    for (int i = 0; i < p1; ++i) {
      const SubtaskRange consumers = pointwise_consumers(i, p1, p2);
      for (int j = consumers.first; j < consumers.end; ++j) {
        const double records = out[i] / consumers.size();
        into[j] += records;
        cross(taskmanager_of(edge.source, i), taskmanager_of(edge.target, j), records);
      }
    }
    return;
  }

  // ALL_TO_ALL: where a record goes does not depend on the sender, so the traffic between two
  // TaskManagers is (what one sends) × (what the other's subtasks take of it).
  std::vector<double> take(static_cast<std::size_t>(p2), 0.0);
  switch (partition) {
    case Partition::Hash: {
      const OperatorSpec& head = scenario_.operators[edge.to_operator];
      const std::int64_t keys = head.key_count ? *head.key_count
                                               : (head.state ? head.state->keys : 0);
      take = subtask_shares(keys, head.key_skew, down.max_parallelism, p2, scenario_.seed);
      break;
    }
    case Partition::Broadcast: std::fill(take.begin(), take.end(), 1.0); break;
    case Partition::Global: take[0] = 1.0; break;
    default: std::fill(take.begin(), take.end(), 1.0 / p2); break;  // REBALANCE, SHUFFLE
  }
  for (int j = 0; j < p2; ++j) into[j] += total * take[j];

  std::vector<double> sent(static_cast<std::size_t>(taskmanagers_), 0.0);
  std::vector<double> taken(static_cast<std::size_t>(taskmanagers_), 0.0);
  for (int i = 0; i < p1; ++i) {
    if (const int tm = taskmanager_of(edge.source, i); tm >= 0) sent[tm] += out[i];
  }
  for (int j = 0; j < p2; ++j) {
    if (const int tm = taskmanager_of(edge.target, j); tm >= 0) taken[tm] += take[j];
  }
  for (int a = 0; a < taskmanagers_; ++a) {
    for (int b = 0; b < taskmanagers_; ++b) cross(a, b, sent[a] * taken[b]);
  }
}

// State access on network-attached volumes and checkpoint upload, for the operators of a vertex.
void Model::add_state_traffic(int vertex, const SteadyState& result,
                              std::vector<TaskManagerLoad>& tms) const {
  const JobVertex& v = graph_.vertices[vertex];
  const VertexLoad& load = result.vertices[vertex];
  const double head_in = result.operators[v.operators.front().op].records_in;
  bool keyed = false;
  for (int e : v.inputs) keyed = keyed || graph_.edges[e].partition == Partition::Hash;
  const std::vector<double> key_fraction =
      keyed ? subtask_key_fractions(v.max_parallelism, v.parallelism)
            : std::vector<double>(static_cast<std::size_t>(v.parallelism), 1.0 / v.parallelism);

  for (const ChainedOperator& chained : v.operators) {
    const OperatorSpec& op = scenario_.operators[chained.op];
    if (!op.state) continue;
    const StateSpec& state = *op.state;
    const double factor = head_in > 0 ? result.operators[chained.op].records_in / head_in : 0.0;
    const double access_bytes =
        static_cast<double>(state.access_bytes_per_record.value_or(state.bytes_per_key));
    const std::string access = lower(state.access);
    const double total_state = static_cast<double>(state.keys) * state.bytes_per_key;
    for (int i = 0; i < v.parallelism; ++i) {
      const int tm = taskmanager_of(vertex, i);
      if (tm < 0) continue;
      const double rate = load.subtask_records_in[i] * factor;
      const double held = total_state * key_fraction[i];
      tms[tm].state_bytes += held;
      if (settings_.state_on_network) {
        if (access != "append") tms[tm].network_in.state_access += rate * access_bytes;
        if (access != "read-only") tms[tm].network_out.state_access += rate * access_bytes;
      }
      if (!settings_.interval_s) continue;
      const double interval = *settings_.interval_s;
      const double keys = static_cast<double>(state.keys) * key_fraction[i];
      const double uploaded =
          settings_.incremental ? incremental_checkpoint_bytes(state, held, keys, rate * interval) : held;
      tms[tm].network_out.checkpoint_upload += uploaded / interval;
    }
  }
}

SteadyState Model::evaluate(double source_rate) const {
  SteadyState result;
  result.source_rate = source_rate;
  solve_rates(source_rate, result);
  std::vector<TaskManagerLoad>& tms = result.taskmanagers;
  tms.assign(static_cast<std::size_t>(taskmanagers_), {});

  const int nv = static_cast<int>(graph_.vertices.size());
  result.vertices.assign(nv, {});
  std::vector<std::vector<double>> subtask_in(nv);
  int sources = 0;
  for (const OperatorSpec& op : scenario_.operators) sources += op.kind == OperatorKind::Source;

  for (int v = 0; v < nv; ++v) {  // topological order (JobGraph invariant)
    const JobVertex& vertex = graph_.vertices[v];
    VertexLoad& load = result.vertices[v];
    const int head = vertex.operators.front().op;
    const OperatorSpec& head_spec = scenario_.operators[head];
    std::vector<double>& into = subtask_in[v];
    into.assign(static_cast<std::size_t>(vertex.parallelism), 0.0);
    if (head_spec.kind == OperatorKind::Source) {
      into = source_subtask_arrivals(head, source_rate / sources);
      for (int i = 0; i < vertex.parallelism; ++i) {
        if (const int tm = taskmanager_of(v, i); tm >= 0) {
          tms[tm].network_in.source_ingest += into[i] * result.operators[head].record_size;
        }
      }
    }
    for (int e : vertex.inputs) flow_edge(graph_.edges[e], result, subtask_in, into, tms);

    // The chain: one thread per subtask, cost per record entering the chain.
    const double head_in = result.operators[head].records_in;
    load.records_in = head_in;
    load.subtask_records_in = into;
    load.records_out = chain_records_out(vertex, result, graph_, scenario_);
    for (const ChainedOperator& chained : vertex.operators) {
      const OperatorSpec& op = scenario_.operators[chained.op];
      const double factor =
          head_in > 0 ? result.operators[chained.op].records_in / head_in : chained.rate_factor;
      // Sources are charged per emitted record (scenario.h).
      const double per = op.kind == OperatorKind::Source ? op.selectivity : 1.0;
      load.chain_cost += seconds(op.cpu_per_record) * factor * per;
      if (op.kind == OperatorKind::Sink) {
        for (int i = 0; i < vertex.parallelism; ++i) {
          if (const int tm = taskmanager_of(v, i); tm >= 0) {
            tms[tm].network_out.sink_output +=
                into[i] * factor * op.selectivity * result.operators[chained.op].record_size;
          }
        }
      }
    }
    load.subtask_cpu.resize(into.size());
    for (int i = 0; i < vertex.parallelism; ++i) {
      load.subtask_cpu[i] = into[i] * load.chain_cost;
      load.cpu_demand += load.subtask_cpu[i];
      load.utilization = std::max(load.utilization, load.subtask_cpu[i]);
      if (const int tm = taskmanager_of(v, i); tm >= 0) {
        tms[tm].cpu_demand += load.subtask_cpu[i];
        ++tms[tm].subtasks;
      }
    }
    add_state_traffic(v, result, tms);
  }
  const double cores = scenario_.cluster.cpu_per_taskmanager;
  for (TaskManagerLoad& tm : tms) {
    tm.cpu_utilization = cores > 0 ? std::min(1.0, tm.cpu_demand / cores) : 1.0;
  }
  return result;
}

std::string number_text(double value) {
  std::ostringstream out;
  out.precision(4);
  out << value;
  return out.str();
}

// Which constraint binds first as the source rate grows, from the load at `reference` (> 0).
// Ties go to the constraint checked first: thread, then TaskManager cores, then network.
void find_capacity(const Scenario& scenario, const JobGraph& graph, const Placement& placement,
                   const SteadyState& at, double reference, bool constant_checkpoints,
                   SteadyState& result) {
  result.max_source_rate = kInfinity;
  Bottleneck& best = result.bottleneck;
  auto consider = [&](double rate, BottleneckKind kind, int vertex, int subtask, int tm,
                      const std::string& where, const std::string& what) {
    if (!(rate < result.max_source_rate)) return;
    result.max_source_rate = rate;
    best = {kind, vertex, subtask, tm, where,
            what + " at a total source rate of " + rate_text(rate)};
  };
  for (std::size_t v = 0; v < at.vertices.size(); ++v) {
    const JobVertex& vertex = graph.vertices[v];
    const VertexLoad& load = at.vertices[v];
    for (std::size_t i = 0; i < load.subtask_cpu.size(); ++i) {
      if (load.subtask_cpu[i] <= 0) continue;
      const int tm = v < placement.taskmanager_of.size() && i < placement.taskmanager_of[v].size()
                         ? placement.taskmanager_of[v][i]
                         : -1;
      const std::string where = vertex.name + " (" + std::to_string(i + 1) + "/" +
                                std::to_string(vertex.parallelism) + ")";
      consider(reference / load.subtask_cpu[i], BottleneckKind::SubtaskCpu, static_cast<int>(v),
               static_cast<int>(i), tm, where,
               "subtask " + where + " keeps its thread busy on one full core");
    }
  }
  const double cores = scenario.cluster.cpu_per_taskmanager;
  const double bandwidth = scenario.network.bandwidth_per_taskmanager;
  for (std::size_t t = 0; t < at.taskmanagers.size(); ++t) {
    const TaskManagerLoad& tm = at.taskmanagers[t];
    const std::string where = "taskmanager " + std::to_string(t);
    const int id = static_cast<int>(t);
    if (tm.cpu_demand > 0) {
      consider(reference * cores / tm.cpu_demand, BottleneckKind::TaskManagerCpu, -1, -1, id,
               where, where + " uses all of its " + number_text(cores) + " cores");
    }
    if (tm.network_in.total() > 0) {
      consider(reference * bandwidth / tm.network_in.total(), BottleneckKind::NetworkIn, -1, -1,
               id, where, where + " receives at its full network bandwidth");
    }
    const double fixed = constant_checkpoints ? tm.network_out.checkpoint_upload : 0.0;
    const double growing = tm.network_out.total() - fixed;
    if (fixed >= bandwidth) {
      consider(0.0, BottleneckKind::NetworkOut, -1, -1, id, where,
               where + " cannot upload its checkpoints within the interval at any rate");
    } else if (growing > 0) {
      consider(reference * (bandwidth - fixed) / growing, BottleneckKind::NetworkOut, -1, -1, id,
               where, where + " sends at its full network bandwidth");
    }
  }
  if (best.kind == BottleneckKind::None) best.description = "no load grows with the source rate";
}

void add_warnings(const Scenario& scenario, const JobGraph& graph, const Placement& placement,
                  SteadyState& result) {
  const std::string at = " at " + rate_text(result.source_rate);
  for (std::size_t v = 0; v < result.vertices.size(); ++v) {
    const VertexLoad& load = result.vertices[v];
    const auto over = std::count_if(load.subtask_cpu.begin(), load.subtask_cpu.end(),
                                    [](double cores) { return cores > 1.0; });
    if (over > 0) {
      std::ostringstream text;
      text.precision(3);
      text << graph.vertices[v].name << ": " << over << " of " << load.subtask_cpu.size()
           << " subtasks need more than one core" << at << " (busiest " << load.utilization
           << " cores); each subtask is one thread";
      result.warnings.push_back(text.str());
    }
  }
  const double cores = scenario.cluster.cpu_per_taskmanager;
  const double bandwidth = scenario.network.bandwidth_per_taskmanager;
  double uploads = 0.0;
  for (std::size_t t = 0; t < result.taskmanagers.size(); ++t) {
    const TaskManagerLoad& tm = result.taskmanagers[t];
    std::ostringstream text;
    text.precision(4);
    const std::string name = "taskmanager " + std::to_string(t);
    if (tm.cpu_demand > cores) {
      text << name << " needs " << tm.cpu_demand << " cores, has " << cores << at;
      result.warnings.push_back(text.str());
      text.str("");
    }
    if (tm.network_in.total() > bandwidth) {
      text << name << " receives " << megabytes_text(tm.network_in.total())
           << ", its network carries " << megabytes_text(bandwidth) << at;
      result.warnings.push_back(text.str());
      text.str("");
    }
    if (tm.network_out.total() > bandwidth) {
      text << name << " sends " << megabytes_text(tm.network_out.total())
           << ", its network carries " << megabytes_text(bandwidth) << at;
      result.warnings.push_back(text.str());
    }
    uploads += tm.network_out.checkpoint_upload;
  }
  if (uploads > scenario.storage.write_bandwidth) {
    std::ostringstream text;
    text.precision(4);
    text << "checkpoints upload " << megabytes_text(uploads) << ", more than [storage] "
         << "write_bandwidth " << megabytes_text(scenario.storage.write_bandwidth)
         << ": they cannot finish within the interval";
    result.warnings.push_back(text.str());
  }
  int unplaced = 0;
  for (std::size_t v = 0; v < graph.vertices.size(); ++v) {
    for (int i = 0; i < graph.vertices[v].parallelism; ++i) {
      const bool placed = v < placement.taskmanager_of.size() &&
                          i < static_cast<int>(placement.taskmanager_of[v].size()) &&
                          placement.taskmanager_of[v][i] >= 0;
      unplaced += !placed;
    }
  }
  if (unplaced > 0) {
    result.warnings.push_back(std::to_string(unplaced) +
                              " subtasks are not placed (not enough slots); their load is not "
                              "counted on any TaskManager");
  }
}

}  // namespace

const char* to_string(BottleneckKind kind) {
  switch (kind) {
    case BottleneckKind::None: return "none";
    case BottleneckKind::SubtaskCpu: return "subtaskCpu";
    case BottleneckKind::TaskManagerCpu: return "taskmanagerCpu";
    case BottleneckKind::NetworkIn: return "taskmanagerNetworkIn";
    case BottleneckKind::NetworkOut: return "taskmanagerNetworkOut";
  }
  return "none";
}

SteadyState compute_steady_state(const Scenario& scenario, const JobGraph& graph,
                                 const Placement& placement, std::optional<double> source_rate) {
  const Model model(scenario, graph, placement);
  const double rate = source_rate.value_or(scenario.traffic.peak);
  SteadyState result = model.evaluate(rate);
  // Capacity comes from the load's slope, so take it at a positive rate.
  const double reference = rate > 0 ? rate : 1.0;
  const SteadyState at_reference = rate > 0 ? SteadyState{} : model.evaluate(reference);
  const StateSettings settings = read_state_settings(scenario);
  find_capacity(scenario, graph, placement, rate > 0 ? result : at_reference, reference,
                settings.interval_s && !settings.incremental, result);
  add_warnings(scenario, graph, placement, result);
  return result;
}

double incremental_checkpoint_bytes(const StateSpec& state, double held, double keys, double accesses) {
  if (state.change_rate) return held * *state.change_rate;
  // Keys touched at least once, under uniform access to this subtask's keys.
  return keys > 0 ? keys * (1.0 - std::exp(-accesses / keys)) * static_cast<double>(state.bytes_per_key)
                  : 0.0;
}

}  // namespace flinksim::model
