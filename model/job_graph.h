// The job graph as Flink builds it: operators (StreamGraph nodes) joined into chains, each chain a
// JobVertex (one task per parallel instance, one thread each), connected by job edges that carry a
// ship strategy. Built with Boost.Graph from the scenario's operators.
//
// Invariants of a built JobGraph:
//  - vertices are in topological order (a vertex's inputs come before it); ties broken by the
//    file order of their head operators, so the order is deterministic;
//  - every edge's `partition` is resolved (no "default"): forward only between equal parallelism;
//  - max_parallelism ≥ parallelism for every vertex.
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
};

struct JobEdge {
  int source = 0;  // upstream vertex index
  int target = 0;  // downstream vertex index
  Partition partition = Partition::Forward;
  int target_input = 0;   // which input gate of the target (0-based, in the order of its inputs)
  int from_operator = 0;  // operator (Scenario index) at the end of the upstream chain that emits
  int to_operator = 0;    // operator (Scenario index) at the head of the downstream chain
  bool all_to_all() const;  // Flink's DistributionPattern: ALL_TO_ALL vs POINTWISE
};

struct JobVertex {
  std::string name;                 // Flink's: operator names joined with " -> "
  std::vector<ChainedOperator> operators;  // head first
  int parallelism = 1;
  int max_parallelism = 128;
  std::string slot_sharing_group = "default";
  bool is_source = false;           // head operator is a source
  bool is_sink = false;             // chain contains a sink (no network output)
  std::vector<int> inputs;          // edge indices into JobGraph::edges
  std::vector<int> outputs;         // edge indices into JobGraph::edges
};

struct JobGraph {
  std::vector<JobVertex> vertices;
  std::vector<JobEdge> edges;
  std::vector<int> vertex_of_operator;  // Scenario operator index → vertex index

  // Flink: slots required = Σ over slot sharing groups of the max parallelism in the group.
  int slots_required() const;
};

// Builds the job graph: DAG check (a cycle is an InputError naming the operators on it), default
// partitioning, Flink's chaining rules (flink-facts.md c.1), default max parallelism (c.3).
// Throws InputFailure on an invalid graph.
JobGraph build_job_graph(const Scenario& scenario);

// Flink: KeyGroupRangeAssignment.computeDefaultMaxParallelism:
// min(max(roundUpToPowerOfTwo(p + p/2), 128), 32768).
int default_max_parallelism(int parallelism);

// Flink: key group → subtask index = keyGroup * parallelism / maxParallelism.
int subtask_of_key_group(int key_group, int parallelism, int max_parallelism);

}  // namespace flinksim::model
