// Where keyed state lives and whether it fits, per subtask and per TaskManager, at a time t: the
// analytic half of state for `plan`, and the numbers the engine samples for `heapUsed` /
// `managedUsed` over a run (flink-facts.md a.4, d.1).
//
// Model
//  - An operator with `state` holds keys × bytes_per_key × (1 + growth_per_hour × hours(t)):
//    growth_per_hour adds that fraction of the initial keys every hour, linearly.
//  - Keyed state (the operator's vertex has a HASH input) is split over subtasks by owned key
//    groups (key_distribution.h subtask_key_fractions: keys hash evenly over key groups whatever
//    their popularity); other state evenly over subtasks.
//  - `state.backend.type` = hashmap: state is objects on the task heap. It "fits" while the live
//    state on a TaskManager is at most `heap_headroom` of its task heap (MADE UP: 50%, a common
//    rule of thumb that leaves the young generation and copy-on-write snapshots room; above it
//    the JVM spends its time in GC, then dies with OutOfMemoryError).
//  - rocksdb: state lives on local disk; RocksDB's memory (block cache and memtables) is the
//    slot's managed memory share, managed ÷ slots (Flink: RocksDB is the only managed consumer of
//    a streaming job, so it takes 100% of the share), reserved whole at task start: Flink's
//    `Managed.Used` = slots with RocksDB state × share from the first second. All RocksDB
//    instances of a slot share one cache. Data blocks get (1 − write-buffer-ratio) of it (Flink's
//    state.backend.rocksdb.memory.write-buffer-ratio, 0.5: memtables are charged to the same
//    cache). RocksDB state always "fits" (it spills to disk); what it costs is cache misses.
//  - Block-cache hit ratio = min(1, data cache ÷ RocksDB state in the slot): uniform access over
//    the slot's state (conservative: key skew makes hot keys hit more often).
//  - A state read that misses costs `miss_cost` of CPU (MADE UP: 20 µs, an SST block read from
//    local SSD plus decompression; tune it per scenario from a calibrated cluster). Reads per
//    record: 1 for get-put / read-only access, 0 for append.
//  - `heapUsed` here is live state only (the JVM's Heap.Used also holds framework objects and
//    garbage not yet collected); `managedUsed` follows Flink's metric definition above.
//
// Cost: layout O(Σ parallelism of stateful vertices); each query O(subtasks with state).
#pragma once

#include <vector>

#include "model/flink_config.h"
#include "model/job_graph.h"
#include "model/memory.h"
#include "model/placement.h"
#include "model/scenario.h"

namespace flinksim::model {

enum class StateBackend { HashMap, RocksDb };

// Reads state.backend.type; Flink accepts "rocksdb" and the class name, anything else is heap.
StateBackend state_backend(const FlinkConfig& config);
const char* to_string(StateBackend backend);  // "hashmap" | "rocksdb"

struct StateModelParams {
  double heap_headroom = 0.5;           // made up, see above
  Nanos miss_cost = 20 * kMicrosecond;  // made up, see above
};

// One stateful operator's share on one subtask.
struct SubtaskState {
  SubtaskId subtask;
  int op = 0;            // Scenario operator index
  int taskmanager = -1;  // −1: not placed (holds nothing anywhere)
  int slot = -1;         // index into Placement::slots
  double initial_bytes = 0.0;
  double growth_per_hour = 0.0;  // fraction of initial_bytes added per hour
  double reads_per_record = 1.0;
  double bytes_at(Nanos t) const;
};

struct StateLayout {
  StateBackend backend = StateBackend::HashMap;
  StateModelParams params;
  int taskmanagers = 0;
  Bytes task_heap = 0;      // per TaskManager
  Bytes managed = 0;        // per TaskManager (Managed.Total)
  Bytes managed_share = 0;  // per slot: floor(managed ÷ slots)
  double write_buffer_ratio = 0.5;
  std::vector<SubtaskState> subtasks;
  std::vector<int> slot_taskmanager;  // Placement::slots[i].taskmanager
};

// REQUIRES: graph = build_job_graph(scenario), placement = place_job(graph, scenario),
// memory = derive_taskmanager_memory(scenario.flink).
StateLayout layout_state(const Scenario& scenario, const JobGraph& graph,
                         const Placement& placement, const TaskManagerMemory& memory,
                         StateModelParams params = {});

struct TaskManagerState {
  double heap_state = 0.0;     // hashmap state on the task heap, bytes
  double rocksdb_state = 0.0;  // RocksDB state (local disk), bytes
  double heap_used = 0.0;      // heapUsed: live heap state
  double heap_available = 0.0; // task heap × heap_headroom
  double managed_used = 0.0;   // Managed.Used: RocksDB slots × share
  double managed_total = 0.0;  // Managed.Total
  int rocksdb_slots = 0;
  double cache_hit_ratio = 1.0;  // worst slot on this TaskManager (1 without RocksDB state)
  bool fits = true;              // heap: heap_state ≤ heap_available
};

std::vector<TaskManagerState> state_per_taskmanager(const StateLayout& layout, Nanos t);

// Σ of every subtask's state at t (Flink's checkpoint `state_size`, bytes).
double total_state_at(const StateLayout& layout, Nanos t);

// Block-cache hit ratio of the slot `slot` (index into Placement::slots) at t; 1 for the heap
// backend or a slot without state.
double slot_cache_hit_ratio(const StateLayout& layout, int slot, Nanos t);

// Extra CPU per record a subtask's state reads cost beyond the cache at t (ns): reads × (1 −
// hit) × miss_cost. 0 for the heap backend.
double miss_cpu_per_record(const StateLayout& layout, const SubtaskState& state, Nanos t);

}  // namespace flinksim::model
