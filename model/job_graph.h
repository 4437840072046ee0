// The job graph as Flink builds it: operators (StreamGraph nodes) joined into chains, each chain a
// JobVertex (one task per parallel instance, one thread each), connected by job edges that carry a
// ship strategy. Built with Boost.Graph from the scenario's operators.
//
// Invariants of a built JobGraph:
//  - vertices are in topological order (a vertex's inputs come before it); ties broken by the
//    file order of their head operators, so the order is deterministic;
//  - every edge's `partition` is resolved (no "default"): forward only between equal parallelism;
//  - max_parallelism ≥ parallelism for every vertex;
//  - a chain is a tree rooted at its head (Flink chains EVERY chainable output of an operator, so
//    a fan-out operator's forward consumers all join its chain); `operators` lists it depth first
//    in Flink's order, each operator after its parent;
//  - every job edge enters the head of its target chain (a chained operator has exactly one
//    input, the chained one), so `to_operator` is always the target's head;
//  - edges are ordered by (target vertex, target_input); a vertex's `inputs` are in gate order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/scenario.h"

namespace flinksim::model {

// One operator as placed in a chain, with its resolved settings.
struct ChainedOperator {
  int op = 0;            // index into Scenario::operators
  double rate_factor = 1.0;  // records reaching this operator per record entering the chain
  int parent = -1;       // position in JobVertex::operators of the operator feeding it; −1: head
};

// Flink's ship_strategy name of a partitioner, as the job plan JSON spells it.
const char* ship_strategy_name(Partition partition);

struct JobEdge {
  int source = 0;  // upstream vertex index
  int target = 0;  // downstream vertex index
  Partition partition = Partition::Forward;
  int target_input = 0;   // which input gate of the target (0-based, in the order of its inputs)
  int from_operator = 0;  // operator (Scenario index) in the upstream chain that emits
  int to_operator = 0;    // operator (Scenario index) at the head of the downstream chain
  bool all_to_all() const;  // Flink's DistributionPattern: ALL_TO_ALL vs POINTWISE
};

struct JobVertex {
  std::string name;                 // Flink's: "a -> b", a fan-out as "a -> (b, c)"
  std::vector<ChainedOperator> operators;  // head first, then depth first (see invariants)
  int parallelism = 1;
  // The head operator's (Flink: the JobVertex takes its head's; keyed state of every operator
  // in the chain uses the task's, i.e. this one).
  int max_parallelism = 128;
  std::string slot_sharing_group = "default";
  bool is_source = false;           // head operator is a source
  bool is_sink = false;             // chain contains a sink (which has no network output)
  std::vector<int> inputs;          // edge indices into JobGraph::edges, in gate order
  std::vector<int> outputs;         // edge indices into JobGraph::edges (one result partition each)
};

struct JobGraph {
  std::vector<JobVertex> vertices;
  std::vector<JobEdge> edges;
  std::vector<int> vertex_of_operator;  // Scenario operator index → vertex index

  // Flink: slots required = Σ over slot sharing groups of the max parallelism in the group.
  // Cost: O(vertices).
  int slots_required() const;
};

// Builds the job graph: DAG check (a cycle is an InputError naming the operators on it), default
// partitioning, Flink's chaining rules (flink-facts.md c.1), default max parallelism (c.3).
// Throws InputFailure on an invalid graph (every error found, each with file:line:col and field).
// REQUIRES: the scenario_reader invariants (unique names, inputs name existing operators).
// Cost: O(operators + inputs) plus a sort of the vertices.
JobGraph build_job_graph(const Scenario& scenario);

// Subtask indices [first, end) of a vertex.
struct SubtaskRange {
  int first = 0;
  int end = 0;
  int size() const { return end - first; }
  bool contains(int index) const { return index >= first && index < end; }
};

// A POINTWISE edge (forward, rescale) between parallelism p_up and p_down, as Flink connects it
// (EdgeManagerBuildUtil.connectPointwise): with p_up ≥ p_down consumer i reads the producers
// [i·p_up/p_down, (i+1)·p_up/p_down); otherwise producer u feeds the consumers
// [ceil(u·p_down/p_up), ceil((u+1)·p_down/p_up)). Equal parallelism: i ↔ i. Every producer
// feeds ≥ 1 consumer and every consumer reads ≥ 1 producer. REQUIRES: indices in range. O(1).
SubtaskRange pointwise_consumers(int producer, int p_up, int p_down);
SubtaskRange pointwise_producers(int consumer, int p_up, int p_down);

// Whether upstream subtask i and downstream subtask j of `edge` are joined by a channel (one
// subpartition of i's result partition, one input channel of j's gate). O(1).
bool connected(const JobEdge& edge, const JobGraph& graph, int upstream, int downstream);

// Flink's upper bound of max parallelism (KeyGroupRangeAssignment.UPPER_BOUND_MAX_PARALLELISM).
inline constexpr int kUpperBoundMaxParallelism = 1 << 15;

// Flink: KeyGroupRangeAssignment.computeDefaultMaxParallelism:
// min(max(roundUpToPowerOfTwo(p + p/2), 128), 32768). REQUIRES: parallelism ≥ 1.
int default_max_parallelism(int parallelism);

// Flink: key group → subtask index = keyGroup * parallelism / maxParallelism.
// REQUIRES: 0 ≤ key_group < max_parallelism, 1 ≤ parallelism ≤ max_parallelism.
int subtask_of_key_group(int key_group, int parallelism, int max_parallelism);

// Flink: KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex: subtask `index` owns the
// key groups [first, last] = [ceil(i·maxP/p), floor(((i+1)·maxP − 1)/p)], contiguous, so the
// subtasks of a vertex own either floor(maxP/p) or ceil(maxP/p) groups each.
// REQUIRES: 1 ≤ parallelism ≤ max_parallelism, 0 ≤ index < parallelism.
struct KeyGroups {
  int first = 0;
  int last = -1;
  int count() const { return last - first + 1; }
};
KeyGroups key_groups_of_subtask(int index, int parallelism, int max_parallelism);

// The skew built into key-group ranges: the largest subtask's share of key groups ÷ the mean
// share, i.e. ceil(maxP/p) ÷ (maxP/p); 1 when p divides maxP (p=48, maxP=128 → 1.125; p=96 →
// 1.5). Uniform keys still load the busiest subtask this much above the mean.
// REQUIRES: 1 ≤ parallelism ≤ max_parallelism.
double key_group_skew(int parallelism, int max_parallelism);

}  // namespace flinksim::model
