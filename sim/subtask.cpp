// Subtask threads: Flink's StreamTask mailbox loop reduced to what costs time. A thread takes one
// record (from its source backlog or its input gate), spends the chain's CPU on it on its
// TaskManager, then emits the chain's outputs; when an output has no buffer it blocks
// (back-pressure) until one frees up. busy = running on (or waiting for) a core, backPressured =
// blocked on an output buffer, idle = nothing to read (Flink's TaskIOMetricGroup).
#include <cmath>

#include "sim/world.h"

namespace flinksim::sim::detail {
namespace {

double draw_cost(const ChainOp& op, Rng& rng) {
  if (op.cost_ns <= 0) return 0;
  switch (op.distribution) {
    case model::CostDistribution::Constant: return op.cost_ns;
    case model::CostDistribution::Exponential: return rng.exponential(op.cost_ns);
    case model::CostDistribution::Lognormal:
      return op.cv > 0 ? rng.lognormal(op.lognormal) : op.cost_ns;
  }
  return op.cost_ns;
}

}  // namespace

void Engine::account(SubtaskState& s) {
  const auto dt = static_cast<double>(now_ - s.state_since);
  if (s.state == ThreadState::kBusy) s.busy_ns += dt;
  if (s.state == ThreadState::kBackPressured) s.backpressured_ns += dt;
  s.state_since = now_;
}

void Engine::set_state(SubtaskState& s, ThreadState state) {
  if (s.state == state) return;
  account(s);
  s.state = state;
}

// Flattened: every call on a record's way through the thread (take_input, start_record, cpu_add,
// write_record, ...) is inlined here, which saves their entries and exits (a tenth of the
// instructions an event) and lets the compiler keep the subtask in registers across them.
[[gnu::flatten]] void Engine::advance(int subtask) {
  auto& s = subtasks_[subtask];
  s.woken = false;
  if (s.running) return;
  const bool source = s.is_source;
  for (;;) {
    if (!emit_pending(s)) {
      set_state(s, ThreadState::kBackPressured);
      return;
    }
    // At a record boundary a due snapshot goes first (Flink's mailbox runs the checkpoint action
    // between records); false: its synchronous part now occupies the thread.
    if (s.checkpoint_work && !checkpoint_step(subtask)) return;
    const bool got = source ? source_take(subtask) : take_input(s);
    if (!got) {
      if (s.checkpoint_work) continue;  // a barrier just read made a snapshot due
      set_state(s, ThreadState::kIdle);
      return;
    }
    const double work = start_record(s);
    if (work > 0) {
      set_state(s, ThreadState::kBusy);
      s.running = true;
      cpu_add(s.taskmanager, subtask, work);
      return;
    }
  }
}

// Per operator reached: one cost draw per record; selectivity by a deterministic accumulator
// (floor of the running sum), so s = 0.01 passes exactly every 100th record and s = 2.5 emits
// 2, 3, 2, 3, ... A chain is a tree (Flink chains every forward consumer of a fan-out operator):
// an operator receives what its parent emitted, and a record emitted to several consumers (chained
// children, output edges, leaving the job) is copied to each; the copies count as created.
double Engine::start_record(SubtaskState& s) {
  const auto& vs = vertices_[s.vertex];
  ++s.taken;
  // A vertex that is one operator (Flink: an OperatorChain of its head alone, what a keyBy or a
  // rebalance on both sides of an operator leaves) passing every record: the loop below with one
  // operator and n = m = 1 (every output edge leaves from it), the same updates without the
  // loop's reads of parents, counts and edge positions (engine_bench: 27 instructions an event).
  if (vs.one_passing_op) {
    const ChainOp& op = vs.ops[0];
    double work = 0;
    work += draw_cost(op, s.cost_rng);
    s.created += op.consumers - 1;
    if (op.leaves) ++s.pending_leave;
    for (int p = 0; p < s.partitions; ++p) ++s.pending[p];
    s.op_out[0] = 1;
    return work;
  }
  double work = 0;
  const int nops = static_cast<int>(vs.ops.size());
  for (int k = 0; k < nops; ++k) {
    const ChainOp& op = vs.ops[k];
    const std::int64_t n = op.parent < 0 ? 1 : s.op_out[op.parent];
    s.op_out[k] = 0;
    if (n == 0) continue;
    for (std::int64_t r = 0; r < n; ++r) work += draw_cost(op, s.cost_rng);
    std::int64_t m = n;
    // Selectivity 1 (most operators) passes n: its accumulator stays exactly 0 (0 + n − n), so
    // the floating-point steps are skipped, not changed.
    if (!op.passes_all) {
      double& acc = s.selectivity_acc[k];
      acc += static_cast<double>(n) * op.selectivity;
      m = floor_to_int(acc + 1e-9);
      acc -= static_cast<double>(m);
      if (m > n) s.created += m - n;
      if (m < n) s.dropped += n - m;
    }
    s.created += m * (op.consumers - 1);
    if (op.leaves) s.pending_leave += m;
    for (int p = 0; p < s.partitions; ++p)
      if (vs.out_edge_op[p] == k) s.pending[p] += m;
    s.op_out[k] = m;
  }
  return work;
}

bool Engine::emit_pending(SubtaskState& s) {
  if (s.pending_leave > 0) {
    record_leave(s.origin, s.pending_leave);
    s.left += s.pending_leave;
    s.pending_leave = 0;
  }
  for (int j = 0; j < s.partitions; ++j) {
    if (s.pending[j] == 0) continue;
    const int pi = s.first_partition + j;
    PartitionState& p = partitions_[pi];
    while (s.pending[j] > 0) {
      if (p.kind == model::Partition::Broadcast) {
        // Flink's BroadcastPartitioner: the record is serialized into every subpartition.
        for (; s.broadcast_next < p.channels; ++s.broadcast_next) {
          const int c = p.first_channel + s.broadcast_next;
          if (!can_write(channels_[c], p)) return false;
          if (s.broadcast_next > 0) ++s.created;
          write_record(c, s.origin);
          ++s.emitted;
        }
        s.broadcast_next = 0;
      } else {
        if (s.pending_target < 0) s.pending_target = choose_channel(p);
        const int c = p.first_channel + s.pending_target;
        if (!can_write(channels_[c], p)) return false;
        write_record(c, s.origin);
        ++s.emitted;
        s.pending_target = -1;
      }
      --s.pending[j];
      ++s.sample_out;
    }
  }
  return true;
}

// Flink's ChannelSelectors: FORWARD and GLOBAL pick channel 0 (the only one / subtask 0);
// REBALANCE and RESCALE round-robin (rebalance from a random first channel); SHUFFLE uniform;
// HASH by key-group shares (alias table).
int Engine::choose_channel(PartitionState& p) {
  switch (p.kind) {
    case model::Partition::Forward:
    case model::Partition::Global: return 0;
    case model::Partition::Rebalance:
    case model::Partition::Rescale: {
      p.round_robin = ring_next(p.round_robin, static_cast<std::uint32_t>(p.channels));
      return static_cast<int>(p.round_robin);
    }
    case model::Partition::Random: return static_cast<int>(p.rng.below(static_cast<std::uint32_t>(p.channels)));
    case model::Partition::Hash: return static_cast<int>(p.hash->draw(p.rng));
    case model::Partition::Broadcast: return 0;
  }
  return 0;
}

// Flink's input gate hands out buffers channel by channel in the order they became available;
// records of a buffer are read one by one; the buffer is recycled when its last record is read.
// A barrier is handed to the checkpoint logic (barrier.cpp) and reading goes on unless it made a
// snapshot due.
bool Engine::take_input(SubtaskState& s) {
  if (s.data_size == 0) return false;
  int c = s.data_ring[s.data_head];
  while (channels_[c].ring[channels_[c].head & channels_[c].mask].records == 0) {
    ChannelState& ch = channels_[c];
    const Buffer barrier = ch.ring[ch.head & ch.mask];
    s.data_head = ring_next(s.data_head, static_cast<std::uint32_t>(s.data_ring.size()));
    --s.data_size;
    ch.in_data_ring = false;
    consumed_buffer(c);
    if (barrier.last_origin != 0) barrier_received(static_cast<int>(&s - subtasks_.data()), c, barrier.first_origin);
    if (ch.head < ch.arrived) push_data(s, c);  // a channel the barrier blocked stays out (in_data_ring)
    if (s.checkpoint_work || s.data_size == 0) return false;
    c = s.data_ring[s.data_head];
  }
  ChannelState& ch = channels_[c];
  const Buffer& buf = ch.ring[ch.head & ch.mask];
  const int k = s.read_pos;
  s.origin = buf.records > 1 ? buf.first_origin + (buf.last_origin - buf.first_origin) * k / (buf.records - 1)
                             : buf.first_origin;
  ++ch.read;
  ++s.sample_in;
  if (++s.read_pos == buf.records) {
    s.read_pos = 0;
    s.data_head = ring_next(s.data_head, static_cast<std::uint32_t>(s.data_ring.size()));
    --s.data_size;
    ch.in_data_ring = false;
    consumed_buffer(c);
    if (ch.head < ch.arrived) push_data(s, c);
  }
  return true;
}

void Engine::push_data(SubtaskState& s, int channel) {
  ChannelState& ch = channels_[channel];
  if (ch.in_data_ring) return;
  ch.in_data_ring = true;
  const auto cap = static_cast<std::uint32_t>(s.data_ring.size());
  s.data_ring[ring_at(s.data_head, s.data_size, cap)] = channel;
  ++s.data_size;
}

void Engine::flush_tick(int subtask) {
  auto& s = subtasks_[subtask];
  s.flush_pending = false;
  for (int j = 0; j < s.partitions; ++j) {
    const PartitionState& p = partitions_[s.first_partition + j];
    for (int c = p.first_channel; c < p.first_channel + p.channels; ++c) flush(c);
  }
}

}  // namespace flinksim::sim::detail
