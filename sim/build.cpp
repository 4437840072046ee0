// Set-up: turns a placed JobGraph into the engine's flat entity vectors. Everything the event loop
// touches is allocated here, so the loop itself never allocates.
#include <algorithm>
#include <cassert>

#include "model/key_distribution.h"
#include "model/memory.h"
#include "model/state_model.h"
#include "model/steady_state.h"
#include "model/traffic.h"
#include "sim/world.h"

namespace flinksim::sim::detail {
namespace {

std::uint64_t ring_capacity(int buffers) {
  std::uint64_t cap = 4;
  while (cap < static_cast<std::uint64_t>(buffers) + 1) cap <<= 1;
  return cap;
}

}  // namespace

void Engine::build() {
  const auto& g = graph_;
  const int nv = static_cast<int>(g.vertices.size());
  const int ntm = std::max(placement_.taskmanagers, 1);

  taskmanagers_.assign(ntm, TaskManagerState{});
  for (auto& tm : taskmanagers_) tm.cores = scenario_.cluster.cpu_per_taskmanager;

  // Vertices and their chains.
  vertices_.resize(nv);
  int nsub = 0;
  // Record sizes and their spread as the steady-state model resolves them, as at fluid level:
  // an operator's own, else what it receives (model/steady_state.h).
  const auto steady = model::compute_steady_state(scenario_, g, placement_, 1.0);
  std::vector<Bytes> edge_size(g.edges.size(), 0);  // every edge is some vertex's output: set below
  std::vector<double> edge_size_cv(g.edges.size(), 0.0);  // record_size_distribution's cv
  for (int v = 0; v < nv; ++v) {
    const auto& jv = g.vertices[v];
    auto& vs = vertices_[v];
    vs.first_subtask = nsub;
    vs.parallelism = jv.parallelism;
    vs.is_source = jv.is_source;
    nsub += jv.parallelism;
    const int nops = static_cast<int>(jv.operators.size());
    vs.ops.resize(nops);
    for (int k = 0; k < nops; ++k) {
      const auto& spec = scenario_.operators[jv.operators[k].op];
      auto& op = vs.ops[k];
      op.cost_ns = static_cast<double>(spec.cpu_per_record);
      op.distribution = spec.cpu_distribution;
      op.cv = spec.cpu_cv;
      if (op.cost_ns > 0 && op.cv > 0) op.lognormal = Rng::lognormal_params(op.cost_ns, op.cv);
      op.selectivity = spec.selectivity;
      op.passes_all = op.selectivity == 1.0;
      // Only the head has no parent; a chain built in code without parents reads as a line.
      op.parent = k == 0 ? -1 : (jv.operators[k].parent >= 0 ? jv.operators[k].parent : k - 1);
      if (op.parent >= 0) vs.ops[op.parent].consumers += 1;  // chained child (a tree: fan-out)
    }
    for (int e : jv.outputs) {
      int pos = nops - 1;
      for (int k = 0; k < nops; ++k)
        if (jv.operators[k].op == g.edges[e].from_operator) pos = k;
      vs.out_edge_op.push_back(pos);
      vs.ops[pos].consumers += 1;
      const auto& emitted = steady.operators[g.edges[e].from_operator];
      edge_size[e] = std::max<Bytes>(1, std::llround(emitted.buffered_record_size()));
      edge_size_cv[e] = emitted.record_size_cv;
    }
    // An operator with no chained child and no output edge (a sink) is where records leave.
    for (auto& op : vs.ops) {
      if (op.consumers == 0) {
        op.leaves = true;
        op.consumers = 1;
      }
    }
    vs.one_passing_op = nops == 1 && vs.ops[0].passes_all;
  }

  // Subtasks.
  std::vector<std::size_t> threads_on(ntm, 0);
  subtasks_.resize(nsub);
  sources_.resize(nsub);
  for (int v = 0; v < nv; ++v) {
    const auto& vs = vertices_[v];
    for (int i = 0; i < vs.parallelism; ++i) {
      const int idx = vs.first_subtask + i;
      auto& s = subtasks_[idx];
      s.vertex = v;
      s.index = i;
      const int tm = placement_.taskmanager_of[v][i];
      assert(tm >= 0 && tm < ntm);
      s.taskmanager = tm;
      s.is_source = vs.is_source;
      s.selectivity_acc.assign(vs.ops.size(), 0.0);
      s.op_out.assign(vs.ops.size(), 0);
      s.cost_rng = Rng(scenario_.seed, Stream::kCost, static_cast<std::uint64_t>(idx));
      if (params_.buffer_timeout > 0)
        s.flush_phase = static_cast<Nanos>(Rng(scenario_.seed, Stream::kFlusher, static_cast<std::uint64_t>(idx)).uniform() *
                                           static_cast<double>(params_.buffer_timeout));
      s.partitions = static_cast<int>(g.vertices[v].outputs.size());
      s.pending.assign(s.partitions, 0);
      ++threads_on[tm];
    }
  }

  for (int tm = 0; tm < ntm; ++tm) {
    auto& t = taskmanagers_[tm];
    t.runnable.reserve(threads_on[tm]);  // no growth in the loop
    t.speed_for.resize(static_cast<std::size_t>(threads_on[tm]) + 1);
    for (std::size_t n = 0; n < t.speed_for.size(); ++n) {
      const auto runnable = static_cast<double>(n);
      t.speed_for[n] = runnable <= t.cores ? 1.0 : t.cores / runnable;
    }
  }

  // Sources: each source operator's share of the total rate (model/traffic.h), split over its
  // Kafka partitions; partition k is read by subtask k mod parallelism (as model/steady_state.h).
  const std::vector<double> operator_share = model::source_shares(scenario_);
  for (int v = 0; v < nv; ++v) {
    const auto& vs = vertices_[v];
    if (!vs.is_source) continue;
    const auto& head = scenario_.operators[g.vertices[v].operators.front().op];
    const std::int64_t parts = head.source_partitions > 0 ? head.source_partitions : vs.parallelism;
    for (int i = 0; i < vs.parallelism; ++i) {
      const int idx = vs.first_subtask + i;
      std::int64_t mine = 0;
      for (std::int64_t k = i; k < parts; k += vs.parallelism) ++mine;
      auto& src = sources_[idx];
      src.rate_share = operator_share[g.vertices[v].operators.front().op] * static_cast<double>(mine) /
                       static_cast<double>(parts);
      src.take_rng = Rng(scenario_.seed, Stream::kArrivals, static_cast<std::uint64_t>(idx));
      src.count_rng = src.take_rng;
      src.next_arrival = draw_next(src, src.take_rng, 0, idx);
      src.count_next = draw_next(src, src.count_rng, 0, idx);
    }
  }

  // Hash partitioning: per edge one alias table over the receiving subtasks.
  hash_tables_.resize(g.edges.size());
  for (std::size_t e = 0; e < g.edges.size(); ++e) {
    const auto& edge = g.edges[e];
    if (edge.partition != model::Partition::Hash) continue;
    const auto& target = g.vertices[edge.target];
    const auto& op = scenario_.operators[edge.to_operator];
    const std::int64_t keys = op.key_count ? *op.key_count : (op.state ? op.state->keys : 0);
    hash_tables_[e] = AliasTable(model::subtask_shares(keys, op.key_skew, target.max_parallelism,
                                                       target.parallelism, scenario_.seed));
  }

  // Input gates: per consumer subtask and input of its vertex.
  std::vector<int> gate_base(nsub, 0);
  int ngates = 0;
  for (int v = 0; v < nv; ++v) {
    int inputs = 0;
    for (int e : g.vertices[v].inputs) inputs = std::max(inputs, g.edges[e].target_input + 1);
    for (int i = 0; i < vertices_[v].parallelism; ++i) {
      gate_base[vertices_[v].first_subtask + i] = ngates;
      ngates += inputs;
    }
  }
  gates_.assign(ngates, GateState{});
  for (auto& gate : gates_) gate.free_floats = params_.floating_buffers_per_gate;

  // Result partitions and channels, producer by producer.
  std::vector<int> inputs_of(nsub, 0), channels_of_gate(ngates, 0);
  for (int idx = 0; idx < nsub; ++idx) {
    auto& s = subtasks_[idx];
    const auto& jv = g.vertices[s.vertex];
    s.first_partition = static_cast<int>(partitions_.size());
    for (int e : jv.outputs) {
      const auto& edge = g.edges[e];
      const auto& down = vertices_[edge.target];
      int first = 0, last = down.parallelism;
      if (!edge.all_to_all()) {
        const auto range = model::pointwise_consumers(s.index, vertices_[s.vertex].parallelism, down.parallelism);
        first = range.first;
        last = range.end;
      }
      PartitionState p;
      p.first_channel = static_cast<int>(channels_.size());
      p.channels = last - first;
      p.pool_max = p.channels * params_.buffers_per_channel + params_.floating_buffers_per_gate;
      p.kind = edge.partition;
      p.edge = e;
      p.rng = Rng(scenario_.seed, Stream::kRouting, partitions_.size());
      if (p.kind == model::Partition::Rebalance) p.round_robin = p.rng.below(p.channels);
      if (p.kind == model::Partition::Hash) p.hash = &hash_tables_[e];
      const auto record_size =
          static_cast<std::int32_t>(std::min<Bytes>(edge_size[e], params_.segment_size));
      if (edge_size_cv[e] > 0) {
        p.sizes_vary = true;
        p.size_params = Rng::lognormal_params(static_cast<double>(record_size), edge_size_cv[e]);
        p.size_rng = Rng(scenario_.seed, Stream::kRecordSize, partitions_.size());
      }
      // Flink's broadcastRecord serializes a record once into one BufferBuilder shared by every
      // subpartition: its copies are of one size.
      const std::int32_t first_size = p.sizes_vary ? draw_record_size(p) : record_size;
      for (int d = first; d < last; ++d) {
        ChannelState c;
        c.producer = idx;
        c.consumer = down.first_subtask + d;
        c.gate = gate_base[c.consumer] + edge.target_input;
        c.partition = static_cast<int>(partitions_.size());
        c.remote = subtasks_[c.consumer].taskmanager != s.taskmanager;
        c.next_size = d == first || p.kind == model::Partition::Broadcast ? first_size
                      : p.sizes_vary                                      ? draw_record_size(p)
                                                                          : record_size;
        // Plus room for barriers (one per pending checkpoint, and inert ones of a checkpoint that
        // went unaligned) and the buffer of restored in-flight data.
        const int held = params_.max_buffers_per_channel +
                         (c.remote ? params_.buffers_per_channel + params_.floating_buffers_per_gate : 0) +
                         2 * slots_ + 2;
        c.ring.resize(ring_capacity(held));
        c.mask = c.ring.size() - 1;
        ++inputs_of[c.consumer];
        ++channels_of_gate[c.gate];
        channels_.push_back(std::move(c));
      }
      partitions_.push_back(p);
    }
  }
  for (int idx = 0; idx < nsub; ++idx) subtasks_[idx].data_ring.assign(std::max(inputs_of[idx], 1), -1);
  for (int gi = 0; gi < ngates; ++gi) gates_[gi].waiting.assign(std::max(channels_of_gate[gi], 1), -1);
  edge_record_size_ = std::move(edge_size);
  work_list_.reserve(nsub * 2);
  // Pending events: at most one per source, channel (two) and flusher, plus the metrics tick;
  // TaskManagers' CPU completions are timers beside the heap.
  events_.reserve(2 * (nsub + channels_.size() + taskmanagers_.size()) + 16);
  // One timer per TaskManager: its next CPU completion, moved in place (sim/event_queue.h).
  events_.make_timers(taskmanagers_.size(), kCpuDone);
  build_checkpointing();
}

// Checkpoints and recovery (checkpoint_state.h): per-subtask snapshot slots and input channels,
// per-channel barrier positions, the restore point of the run's start, and each subtask's keyed
// state as the state model lays it out.
void Engine::build_checkpointing() {
  const std::size_t nsub = subtasks_.size();
  pending_.assign(static_cast<std::size_t>(slots_), PendingCheckpoint{});
  checkpointing_.assign(nsub, SubtaskCheckpoint{});
  for (auto& k : checkpointing_) k.slots.assign(static_cast<std::size_t>(slots_), SubtaskSnapshot{});
  for (std::size_t c = 0; c < channels_.size(); ++c) checkpointing_[channels_[c].consumer].inputs.push_back(static_cast<int>(c));
  channel_snapshots_.assign(static_cast<std::size_t>(slots_) * channels_.size(), ChannelSnapshot{});
  restore_channels_.assign(channels_.size(), ChannelSnapshot{});
  restore_.assign(nsub, SubtaskSnapshot{});
  for (std::size_t i = 0; i < nsub; ++i) {  // before any checkpoint: the start of the run
    restore_[i].take_rng = sources_[i].take_rng;
    restore_[i].next_arrival = sources_[i].next_arrival;
  }
  uploads_.reserve(nsub * static_cast<std::size_t>(std::max(slots_, 1)));
  upload_finished_.reserve(uploads_.capacity());
  upload_count_.assign(taskmanagers_.size(), 0);
  upload_capped_.assign(taskmanagers_.size(), 0);
  failure_done_.assign(scenario_.failures.size(), false);
  recoveries_.reserve(scenario_.failures.size() + 8);

  bool stateful = false;
  for (const auto& op : scenario_.operators) stateful = stateful || op.state.has_value();
  if (!stateful) return;
  state_layout_ = model::layout_state(scenario_, graph_, placement_, model::derive_taskmanager_memory(scenario_.flink));
  std::vector<std::vector<StatePart>> parts(nsub);
  for (const model::SubtaskState& layout : state_layout_.subtasks) {
    const int v = layout.subtask.vertex;
    const auto& spec = *scenario_.operators[layout.op].state;
    StatePart part;
    part.layout = layout;
    part.spec = &spec;
    part.keys = spec.bytes_per_key > 0 ? layout.initial_bytes / static_cast<double>(spec.bytes_per_key) : 0;
    // Records reaching the operator per record its chain takes: the selectivities above it.
    const auto& ops = vertices_[v].ops;
    int k = 0;
    while (k + 1 < static_cast<int>(ops.size()) && graph_.vertices[v].operators[k].op != layout.op) ++k;
    for (int a = ops[k].parent; a >= 0; a = ops[a].parent) part.records_factor *= ops[a].selectivity;
    parts[vertices_[v].first_subtask + layout.subtask.index].push_back(part);
  }
  for (std::size_t i = 0; i < nsub; ++i) {
    checkpointing_[i].first_state = static_cast<int>(state_parts_.size());
    checkpointing_[i].states = static_cast<int>(parts[i].size());
    state_parts_.insert(state_parts_.end(), parts[i].begin(), parts[i].end());
  }
}

}  // namespace flinksim::sim::detail
