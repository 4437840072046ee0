#include "model/state_model.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "model/key_distribution.h"

namespace flinksim::model {
namespace {

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// Keyed state follows key groups; operator state (no keyBy in front) is split evenly.
std::vector<double> state_fractions(const JobGraph& graph, int vertex) {
  const JobVertex& v = graph.vertices[vertex];
  for (int e : v.inputs) {
    if (graph.edges[e].partition == Partition::Hash) {
      return subtask_key_fractions(v.max_parallelism, v.parallelism);
    }
  }
  return std::vector<double>(static_cast<std::size_t>(v.parallelism), 1.0 / v.parallelism);
}

double hours(Nanos t) { return static_cast<double>(t) / static_cast<double>(kHour); }

}  // namespace

StateBackend state_backend(const FlinkConfig& config) {
  return lower(config.get_string(options::kStateBackendType)).find("rocksdb") != std::string::npos
             ? StateBackend::RocksDb
             : StateBackend::HashMap;
}

const char* to_string(StateBackend backend) {
  return backend == StateBackend::RocksDb ? "rocksdb" : "hashmap";
}

double SubtaskState::bytes_at(Nanos t) const {
  return initial_bytes * (1.0 + growth_per_hour * hours(std::max<Nanos>(t, 0)));
}

StateLayout layout_state(const Scenario& scenario, const JobGraph& graph,
                         const Placement& placement, const TaskManagerMemory& memory,
                         StateModelParams params) {
  StateLayout layout;
  layout.backend = state_backend(scenario.flink);
  layout.params = params;
  layout.taskmanagers = placement.taskmanagers;
  layout.task_heap = memory.task_heap;
  layout.managed = memory.managed;
  const int slots = std::max(placement.slots_per_taskmanager, 1);
  layout.managed_share = memory.managed / slots;  // Flink floors the per-slot share
  layout.write_buffer_ratio = scenario.flink.get_double(options::kRocksDbWriteBufferRatio);
  for (const SlotAssignment& slot : placement.slots) {
    layout.slot_taskmanager.push_back(slot.taskmanager);
  }
  // Slot of each placed subtask, to find the cache it shares.
  std::vector<std::vector<int>> slot_of(graph.vertices.size());
  for (std::size_t v = 0; v < graph.vertices.size(); ++v) {
    slot_of[v].assign(static_cast<std::size_t>(graph.vertices[v].parallelism), -1);
  }
  for (std::size_t s = 0; s < placement.slots.size(); ++s) {
    for (const SubtaskId& id : placement.slots[s].subtasks) slot_of[id.vertex][id.index] = static_cast<int>(s);
  }
  for (std::size_t v = 0; v < graph.vertices.size(); ++v) {
    const std::vector<double> fractions = state_fractions(graph, static_cast<int>(v));
    for (const ChainedOperator& chained : graph.vertices[v].operators) {
      const OperatorSpec& op = scenario.operators[chained.op];
      if (!op.state) continue;
      const double total = static_cast<double>(op.state->keys) *
                           static_cast<double>(op.state->bytes_per_key);
      const double reads = lower(op.state->access) == "append" ? 0.0 : 1.0;
      for (int i = 0; i < graph.vertices[v].parallelism; ++i) {
        SubtaskState state;
        state.subtask = {static_cast<int>(v), i};
        state.op = chained.op;
        const bool placed = v < placement.taskmanager_of.size() &&
                            i < static_cast<int>(placement.taskmanager_of[v].size());
        state.taskmanager = placed ? placement.taskmanager_of[v][i] : -1;
        state.slot = slot_of[v][i];
        state.initial_bytes = total * fractions[i];
        state.growth_per_hour = op.state->growth_per_hour;
        state.reads_per_record = reads;
        layout.subtasks.push_back(state);
      }
    }
  }
  return layout;
}

double total_state_at(const StateLayout& layout, Nanos t) {
  double total = 0.0;
  for (const SubtaskState& state : layout.subtasks) total += state.bytes_at(t);
  return total;
}

double slot_cache_hit_ratio(const StateLayout& layout, int slot, Nanos t) {
  if (layout.backend != StateBackend::RocksDb || slot < 0) return 1.0;
  double in_slot = 0.0;
  for (const SubtaskState& state : layout.subtasks) {
    if (state.slot == slot) in_slot += state.bytes_at(t);
  }
  if (in_slot <= 0.0) return 1.0;
  const double data_cache =
      static_cast<double>(layout.managed_share) * (1.0 - layout.write_buffer_ratio);
  return std::clamp(data_cache / in_slot, 0.0, 1.0);
}

double miss_cpu_per_record(const StateLayout& layout, const SubtaskState& state, Nanos t) {
  if (layout.backend != StateBackend::RocksDb) return 0.0;
  const double miss = 1.0 - slot_cache_hit_ratio(layout, state.slot, t);
  return state.reads_per_record * miss * static_cast<double>(layout.params.miss_cost);
}

std::vector<TaskManagerState> state_per_taskmanager(const StateLayout& layout, Nanos t) {
  std::vector<TaskManagerState> tms(static_cast<std::size_t>(std::max(layout.taskmanagers, 0)));
  const bool rocksdb = layout.backend == StateBackend::RocksDb;
  std::vector<bool> slot_has_state(layout.slot_taskmanager.size(), false);
  for (const SubtaskState& state : layout.subtasks) {
    if (state.taskmanager < 0 || state.taskmanager >= static_cast<int>(tms.size())) continue;
    TaskManagerState& tm = tms[state.taskmanager];
    (rocksdb ? tm.rocksdb_state : tm.heap_state) += state.bytes_at(t);
    if (state.slot >= 0) slot_has_state[state.slot] = true;
  }
  for (TaskManagerState& tm : tms) {
    tm.heap_used = tm.heap_state;
    tm.heap_available = static_cast<double>(layout.task_heap) * layout.params.heap_headroom;
    tm.managed_total = static_cast<double>(layout.managed);
    tm.fits = tm.heap_state <= tm.heap_available;
  }
  if (!rocksdb) return tms;
  for (std::size_t s = 0; s < slot_has_state.size(); ++s) {
    if (!slot_has_state[s]) continue;
    TaskManagerState& tm = tms[layout.slot_taskmanager[s]];
    ++tm.rocksdb_slots;
    tm.managed_used += static_cast<double>(layout.managed_share);
    tm.cache_hit_ratio = std::min(tm.cache_hit_ratio,
                                  slot_cache_hit_ratio(layout, static_cast<int>(s), t));
  }
  return tms;
}

}  // namespace flinksim::model
