// Channels: a subpartition of the producer's result partition and the input channel of the
// consumer's gate, as one entity. Records are serialized into a memory segment (Flink's
// BufferBuilder), finished and queued when full or before a checkpoint barrier. The output flusher
// (execution.buffer-timeout.interval; with a zero timeout RecordWriter's flushAlways, after every
// record) does not finish it: as in Flink's PipelinedSubpartition.flush() and pollBuffer(), the
// records written so far become readable at once, as a slice of the segment, when nothing is
// queued ahead of them, else the flush only sets flushRequested and the reader takes them, with
// every record written by then, when it reaches them; either way the segment goes on filling, so
// its end falls where the channel's bytes reach a segment, whatever the flushes. Remote channels follow
// Flink's credit-based flow control: the receiver holds buffers_per_channel exclusive buffers plus
// floating buffers taken from the gate's pool when the sender reports a backlog; the sender ships
// a buffer only against a free receiver buffer (credit). Local channels hand the producer's buffer
// to the consumer directly; it returns to the producer's pool when read. A freed receiver buffer
// becomes credit at the sender hop_latency later (Flink's AddCredit message); floating-buffer
// requests are taken as immediate.
#include <algorithm>
#include <cassert>
#include <cmath>

#include "sim/world.h"

namespace flinksim::sim::detail {

// Out of line: write_record is on every record's path, and most edges draw nothing.
[[gnu::noinline]] std::int32_t Engine::draw_record_size(PartitionState& p) {
  const double bytes = p.size_rng.lognormal(p.size_params);
  return static_cast<std::int32_t>(
      std::clamp<double>(std::round(bytes), 1.0, static_cast<double>(params_.segment_size)));
}

void Engine::write_record(int channel, Nanos origin) {
  ChannelState& c = channels_[channel];
  PartitionState& p = partitions_[c.partition];
  const std::int32_t size = c.next_size;
  if (c.filling.records == 0) {
    // Records written since the last piece imply an open segment: only the first one may need one.
    if (c.segment_bytes == 0) ++p.used;  // a segment from the partition's pool
    c.filling.first_origin = origin;
    auto& producer = subtasks_[c.producer];
    if (params_.buffer_timeout > 0 && !producer.flush_pending) {
      // Flink's OutputFlusher wakes every timeout from its own phase; the next wake after now
      // flushes this buffer.
      producer.flush_pending = true;
      const Nanos timeout = params_.buffer_timeout, phase = producer.flush_phase;
      schedule(now_ < phase ? phase : phase + ((now_ - phase) / timeout + 1) * timeout, kFlushTick,
               static_cast<std::uint32_t>(c.producer));
    }
  }
  ++c.filling.records;
  c.filling.bytes += size;
  c.segment_bytes += size;
  c.filling.last_origin = origin;
  ++c.written;
  // Records do not span segments here: the segment ends when the next one would not fit.
  if (p.sizes_vary) {
    // Flink's broadcastRecord writes a record's bytes once for every subpartition (one shared
    // BufferBuilder): the copies are of one size, drawn as the first channel takes it.
    if (p.kind != model::Partition::Broadcast)
      c.next_size = draw_record_size(p);
    else
      c.next_size =
          channel == p.first_channel ? (p.broadcast_size = draw_record_size(p)) : p.broadcast_size;
  }
  if (c.segment_bytes + c.next_size > params_.segment_size) {
    finish_buffer(channel);
  } else if (params_.buffer_timeout == 0) {
    flush(channel);  // Flink: a zero timeout is RecordWriter's flushAlways, the same flush() per record
  }
}

void Engine::finish_buffer(int channel) {
  ChannelState& c = channels_[channel];
  if (c.segment_bytes == 0) return;
  c.segment_bytes = 0;
  if (c.filling.records == 0) {
    // Every record of the segment has been shipped in slices: it goes back to the pool with the
    // last one (at once if that has left already).
    if (c.slice_at != ChannelState::kNoSlice) c.slice_at = ChannelState::kNoSlice;
    else --partitions_[c.partition].used;
    return;
  }
  enqueue_filling(c, false);
  deliver(channel);
}

void Engine::ship_slice(int channel) {
  enqueue_filling(channels_[channel], true);
  deliver(channel);
}

void Engine::deliver(int channel) {
  ChannelState& c = channels_[channel];
  if (!c.remote) {
    c.sent = c.arrived = c.tail;
    push_data(subtasks_[c.consumer], channel);
    wake(c.consumer);
  } else {
    try_send(channel);
  }
}

// Flink's PipelinedSubpartition.flush(): with buffers queued ahead (remote: not yet sent; local:
// not yet read) it only sets flushRequested; the reader takes the partly filled buffer when it
// reaches it (try_send, consumed_buffer), with every record written by then. A remote channel
// with nothing ahead still needs a credit, which may come later: the buffer stays open till then.
void Engine::flush(int channel) {
  ChannelState& c = channels_[channel];
  if (c.filling.records == 0 || c.flush_requested) return;
  if (c.remote) {
    c.flush_requested = true;
    if (c.sent == c.tail) try_send(channel);
  } else if (c.head < c.tail) {
    c.flush_requested = true;
  } else {
    ship_slice(channel);
  }
}

// Ships queued buffers while the receiver has credit, taking floating buffers from the gate when
// the exclusive ones are used up (Flink: the backlog announcement makes the receiver request
// floating buffers). Transmission: the sender TaskManager's outbound link, then the receiver's
// inbound link, each a FIFO at bandwidth_per_taskmanager, then hop_latency.
// Out of line, although subtask.cpp's advance is flattened: inlined at each of its call sites
// there it made advance 30 KB long, and called it takes fewer instructions an event (engine_bench:
// 596.5 -> 586.5) and a little less time (sim/README.md).
[[gnu::noinline]] void Engine::try_send(int channel) {
  ChannelState& c = channels_[channel];
  // Credits announced by the receiver that have reached the sender by now.
  while (c.credited < c.head && c.ring[c.credited & c.mask].arrive <= now_) ++c.credited;
  bool shipped = false;
  // Flink's CreditBasedSequenceNumberingViewReader polls while it has credit; at the partly filled
  // buffer, pollBuffer takes it only when a flush was requested (and clears the request).
  for (;;) {
    if (c.sent == c.tail) {
      if (!c.flush_requested) break;
      if (c.filling.records == 0) {  // nothing left to take
        c.flush_requested = false;
        break;
      }
    }
    const auto credit = static_cast<std::uint64_t>(params_.buffers_per_channel + c.floats_held);
    if (c.sent - c.credited >= credit) {
      // Flink: a backlog beyond the credits makes the receiver assign floating buffers.
      GateState& gate = gates_[c.gate];
      if (gate.free_floats > 0) {
        --gate.free_floats;
        ++c.floats_held;
        continue;
      }
      if (c.credited < c.head) {  // credit is on its way back: wait for it
        if (!c.credit_pending) {
          c.credit_pending = true;
          schedule(c.ring[c.credited & c.mask].arrive, kCreditArrival, static_cast<std::uint32_t>(channel));
        }
        break;
      }
      if (!c.waiting_float) {
        c.waiting_float = true;
        const auto cap = static_cast<std::uint32_t>(gate.waiting.size());
        gate.waiting[ring_at(gate.waiting_head, gate.waiting_size, cap)] = channel;
        ++gate.waiting_size;
      }
      break;
    }
    if (c.sent == c.tail) {
      c.flush_requested = false;
      enqueue_filling(c, true);
    }
    Buffer& b = c.ring[c.sent & c.mask];
    auto& out = taskmanagers_[subtasks_[c.producer].taskmanager];
    auto& in = taskmanagers_[subtasks_[c.consumer].taskmanager];
    if (b.bytes != c.tx_bytes) {  // the division's latency only when the buffer size changes
      c.tx_bytes = b.bytes;
      c.tx_ns = ceil_to_int(static_cast<double>(b.bytes) * 1e9 / params_.bandwidth_per_taskmanager);
    }
    const Nanos tx = c.tx_ns;
    const Nanos out_done = std::max(now_, out.link_out_free) + tx;
    out.link_out_free = out_done;
    const Nanos in_done = std::max(out_done, in.link_in_free + tx);
    in.link_in_free = in_done;
    b.arrive = in_done + params_.hop_latency;
    piece_done(c, c.sent, b);  // recycled once Netty has written it
    ++c.sent;
    shipped = true;
  }
  if (shipped) wake_if_back_pressured(c.producer);
  if (!c.arrival_pending && c.arrived < c.sent) {
    c.arrival_pending = true;
    schedule(c.ring[c.arrived & c.mask].arrive, kChannelArrival, static_cast<std::uint32_t>(channel));
  }
}

void Engine::channel_arrival(int channel) {
  ChannelState& c = channels_[channel];
  c.arrival_pending = false;
  bool any = false;
  while (c.arrived < c.sent && c.ring[c.arrived & c.mask].arrive <= now_) {
    ++c.arrived;
    any = true;
  }
  if (any) {
    push_data(subtasks_[c.consumer], channel);
    wake(c.consumer);
  }
  if (c.arrived < c.sent) {
    c.arrival_pending = true;
    schedule(c.ring[c.arrived & c.mask].arrive, kChannelArrival, static_cast<std::uint32_t>(channel));
  }
}

void Engine::credit_arrival(int channel) {
  channels_[channel].credit_pending = false;
  try_send(channel);
}

// The consumer read the last record of the head buffer: the buffer is recycled; on a remote
// channel its credit starts back to the sender (the slot keeps the time it arrives there).
void Engine::consumed_buffer(int channel) {
  ChannelState& c = channels_[channel];
  Buffer& consumed = c.ring[c.head & c.mask];
  consumed.arrive = now_ + params_.hop_latency;
  ++c.head;
  if (!c.remote) {
    piece_done(c, c.head - 1, consumed);
    // Flink's LocalInputChannel polls the next buffer once it has read this one: at the partly
    // filled buffer, only if a flush was requested. The reader (take_input) queues the channel
    // again unless a barrier just blocked it.
    if (c.flush_requested && c.head == c.tail) {
      c.flush_requested = false;
      if (c.filling.records > 0) {
        enqueue_filling(c, true);
        c.sent = c.arrived = c.tail;
      }
    }
    wake_if_back_pressured(c.producer);
    return;
  }
  // A floating buffer goes back to the gate when the sender has no backlog (Flink counts the
  // partly filled buffer once a flush was requested), and from there to the first channel
  // waiting for one.
  if (c.floats_held > 0 && c.sent == c.tail && !(c.flush_requested && c.filling.records > 0)) {
    --c.floats_held;
    GateState& gate = gates_[c.gate];
    ++gate.free_floats;
    while (gate.waiting_size > 0 && gate.free_floats > 0) {
      const int w = gate.waiting[gate.waiting_head];
      gate.waiting_head = ring_next(gate.waiting_head, static_cast<std::uint32_t>(gate.waiting.size()));
      --gate.waiting_size;
      channels_[w].waiting_float = false;
      try_send(w);
    }
  }
  // With nothing queued and no flush requested, try_send would only catch `credited` up (which
  // every try_send does first, and nothing else reads) and break out of its loop: skipped, the
  // run is the same. The sender waits for this buffer's credit only with buffers queued.
  if (c.sent != c.tail || c.flush_requested) try_send(channel);
}

}  // namespace flinksim::sim::detail
