// The analytic steady-state model: what a placed job demands when its sources receive a constant
// total rate. Rates through the graph, per-subtask load, CPU and network per TaskManager, the
// constraint that binds first as the rate grows, and the largest rate the layout sustains. It
// screens layouts for `plan`, `sweep` and `recommend`, and the engine is checked against it.
//
// Model (every figure is per second, as a double):
//  - Operator input rates solve (I − Aᵀ)x = s (Eigen), where s holds the records arriving at each
//    source and A[i][j] = selectivity(i) × copies(i→j): 1 for every ship strategy except
//    BROADCAST, which hands each record to every downstream subtask (copies = its parallelism).
//    So a vertex's numRecordsInPerSecond is summed over its subtasks, as Flink's REST sums it.
//  - The total source rate is split evenly over the source operators, and a source's share evenly
//    over its Kafka partitions (`source_partitions`, 0 = one per subtask); partition k is read by
//    subtask k mod parallelism, so subtasks beyond the partition count idle (flink-facts.md c.3).
//  - Per-subtask input: FORWARD 1:1; RESCALE by Flink's pointwise connection, upstream output
//    split evenly over its block; REBALANCE and SHUFFLE uniform; HASH by key_distribution.h with
//    the receiving head operator's key_count (default state.keys) and key_skew; BROADCAST the full
//    upstream rate to every subtask; GLOBAL everything to subtask 0.
//  - CPU: a subtask is one thread; it demands (input rate × chain cost) cores, the chain cost being
//    Σ cpu_per_record × records reaching the operator per record entering the chain.
//  - Record sizes: an operator emits its record_size, or (when 0) the rate-weighted mean size of
//    its input records. A sink's emitted size is what it writes out (sinkOutput); so a sink with no
//    record_size writes the records it receives at their size. Their spread
//    (record_size_distribution) is the operator's own, else constant with its own record_size, else
//    its inputs' widest.
//  - Network per TaskManager, IN and OUT, by cause:
//      sourceIngest      IN: records arriving at source subtasks × the source's record_size;
//      shuffle           records of job edges between subtasks on different TaskManagers (local
//                        channels do not touch the network); BROADCAST counts every copy;
//      sinkOutput        OUT: records a sink emits × its emitted size;
//      stateAccess       only with [storage] state_disk = "network" and the RocksDB backend (heap
//                        state never touches a disk): per record of a stateful operator,
//                        state.access_bytes_per_record (default bytes_per_key) read IN and
//                        written OUT; "read-only" access only reads, "append" only writes;
//      checkpointUpload  OUT, 0 without execution.checkpointing.interval: full checkpoints upload
//                        the TaskManager's state every interval; incremental (RocksDB with
//                        state.backend.incremental) uploads the changed state: state.change_rate ×
//                        state when set, else the keys a subtask touches in one interval under
//                        uniform access, keys × (1 − e^(−accesses/keys)) × bytes_per_key (RocksDB
//                        compaction re-uploads are not modelled).
//    Keyed state (an operator whose vertex has a HASH input) is split by owned key groups; other
//    state evenly over subtasks.
//  - Capacity: all load is linear in the source rate except full-checkpoint upload, which is
//    constant (state size does not follow the rate), and incremental upload, which is concave and
//    taken along its chord from 0 (conservative). maxSourceRate is therefore a min over
//    constraints: a subtask thread at one core, a TaskManager's cpu_per_taskmanager cores, a
//    TaskManager's network IN or OUT at bandwidth_per_taskmanager.
//
// Subtasks that are not placed (Placement::fits false) load no TaskManager; the result says so.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/job_graph.h"
#include "model/placement.h"
#include "model/scenario.h"

namespace flinksim::model {

// Bytes per second by cause (see the model above); Flink has no name for these, we use the
// blog-style causes of a back-of-the-envelope sizing.
struct NetworkBreakdown {
  double source_ingest = 0.0;
  double shuffle = 0.0;
  double sink_output = 0.0;
  double state_access = 0.0;
  double checkpoint_upload = 0.0;
  double total() const {
    return source_ingest + shuffle + sink_output + state_access + checkpoint_upload;
  }
};

struct OperatorRates {
  double records_in = 0.0;   // summed over subtasks
  double records_out = 0.0;  // records_in × selectivity
  double record_size = 0.0;  // bytes of each emitted record (mean when inherited from several)
  double record_size_cv = 0.0;  // their spread (OperatorSpec::record_size_cv; the widest inherited)
  // Bytes a record takes in a network buffer, as both simulation levels size them: record_size,
  // or 64 B (a small event) when nothing in the scenario says.
  double buffered_record_size() const { return record_size > 0 ? record_size : 64.0; }
};

struct VertexLoad {
  double records_in = 0.0;   // numRecordsInPerSecond of the head, summed over subtasks
  double records_out = 0.0;  // emitted to job edges or written by sinks, summed over subtasks
  std::vector<double> subtask_records_in;  // per subtask index
  std::vector<double> subtask_cpu;         // cores demanded per subtask (may exceed 1)
  double cpu_demand = 0.0;                 // Σ subtask_cpu
  double utilization = 0.0;  // busiest subtask's demand: 1 = its thread is busy all the time
  double chain_cost = 0.0;   // CPU seconds per record entering the chain
};

struct TaskManagerLoad {
  int subtasks = 0;
  double cpu_demand = 0.0;       // cores, uncapped
  double cpu_utilization = 0.0;  // cpu_demand ÷ cpu_per_taskmanager, capped at 1
  double state_bytes = 0.0;      // keyed and operator state held here
  NetworkBreakdown network_in;   // bytes/s
  NetworkBreakdown network_out;  // bytes/s
};

enum class BottleneckKind { None, SubtaskCpu, TaskManagerCpu, NetworkIn, NetworkOut };

struct Bottleneck {
  BottleneckKind kind = BottleneckKind::None;
  int vertex = -1;       // SubtaskCpu
  int subtask = -1;      // SubtaskCpu
  int taskmanager = -1;  // every kind but None and SubtaskCpu (and SubtaskCpu when placed)
  std::string where;        // "window (3/80)", "taskmanager 2"
  std::string description;  // one sentence: what saturates, at which source rate
};

struct SteadyState {
  double source_rate = 0.0;  // total records/s over all sources
  std::vector<OperatorRates> operators;  // by Scenario operator index
  std::vector<VertexLoad> vertices;      // by JobGraph vertex index
  std::vector<TaskManagerLoad> taskmanagers;
  // Largest total source rate the layout sustains; +infinity when nothing grows with the rate,
  // 0 when a constant load (checkpoint upload) alone exceeds a bandwidth.
  double max_source_rate = 0.0;
  Bottleneck bottleneck;
  std::vector<std::string> warnings;  // over capacity at source_rate; subtasks not placed
};

// "camelCase" name of a bottleneck kind for JSON: none, subtaskCpu, taskmanagerCpu,
// taskmanagerNetworkIn, taskmanagerNetworkOut.
const char* to_string(BottleneckKind kind);

// REQUIRES: graph = build_job_graph(scenario), placement = place_job(graph, scenario).
// `source_rate` defaults to the traffic peak. Reads execution.checkpointing.interval,
// state.backend.type and state.backend.incremental from scenario.flink (may throw InputFailure
// for a value that does not parse).
SteadyState compute_steady_state(const Scenario& scenario, const JobGraph& graph,
                                 const Placement& placement,
                                 std::optional<double> source_rate = std::nullopt);

// Bytes one incremental (RocksDB) checkpoint uploads for one subtask's share of an operator's
// state (the checkpointUpload model above): `held` × state.change_rate when the scenario sets it,
// else the keys touched at least once by `accesses` uniform accesses over the subtask's `keys`,
// keys × (1 − e^(−accesses/keys)) × bytes_per_key. The engine calls it with the records a subtask
// actually processed since its last completed checkpoint.
double incremental_checkpoint_bytes(const StateSpec& state, double held, double keys, double accesses);

}  // namespace flinksim::model
