// The inside of the buffer-level engine: the state of every simulated entity (source backlogs,
// subtask threads, TaskManager CPUs, result partitions, channels, input gates), held in flat
// vectors addressed by index, and the Engine that advances them event by event.
//
// Split by entity, one .cpp each: build.cpp (set-up from graph and placement), source.cpp,
// subtask.cpp, cpu.cpp, channel.cpp, metrics.cpp, engine.cpp (the loop and the ledger);
// checkpoints and recovery (checkpoint_state.h): checkpoint_coordinator.cpp (triggers, acks,
// completion, expiry), barrier.cpp (a subtask's side: barriers, alignment, snapshots),
// upload.cpp (asynchronous uploads sharing the storage bandwidth), failure.cpp (a lost
// TaskManager or JobManager, restart, rewind, catch-up).
//
// Invariants
//  - At most one pending event per source subtask (next arrival while idle), per TaskManager
//    (next CPU completion), two per channel (arrival of its head buffer in flight, the next
//    credit back at the sender) and one per subtask (its output flusher tick).
//    A TaskManager's completion is a timer of the queue, moved in place, so no event is ever stale.
//  - A channel's ring holds, in order: [credited, head) read by the receiver, credit on its way
//    back (the slot keeps when it reaches the sender), [head, arrived) at the receiver,
//    [arrived, sent) on the wire, [sent, tail) queued at the sender's subpartition. Local
//    channels have sent = arrived = tail (no wire, no credit). The records written since the last
//    piece (`filling`) are not in the ring; with flush_requested set the reader takes them when it
//    reaches the tail. A piece is a whole segment, the rest of one, or a slice that a flush took
//    (its segment goes on filling: at most one such slice is queued, at slice_at).
//  - Entities are woken through a work list, never by direct recursion, so a handler never
//    re-enters another entity's handler.
//  - A Buffer with records == 0 in a ring is a checkpoint barrier (an event, not data): it takes
//    no buffer of the partition's pool; on a remote channel it takes a credit like a buffer (in
//    Flink events need none: at most one credit round trip of difference under backpressure).
//  - A failure clears the pending-event set (EventQueue::clear) and every entity's transient
//    state, so no event of the attempt that failed survives it: handlers need no generation check.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <random>
#include <vector>

#include "model/checkpoint_model.h"
#include "model/restart_strategy.h"
#include "model/traffic.h"
#include "sim/alias_table.h"
#include "sim/checkpoint_state.h"
#include "sim/engine.h"
#include "sim/event_queue.h"
#include "sim/histogram.h"
#include "sim/recovery_downtime.h"
#include "sim/rng.h"

namespace flinksim::sim::detail {

enum EventKind : std::uint32_t {
  kSourceArrival = 0,  // target: subtask (a source); the oldest unread record has arrived
  kCpuDone = 1,        // target: TaskManager; its next thread finishes its record
  kChannelArrival = 2, // target: channel; its head buffer in flight reaches the input gate
  kFlushTick = 3,      // target: subtask; Flink's OutputFlusher flushes its result partitions
  kMetricsTick = 4,    // target: 0; sample the time series
  kCreditArrival = 5,  // target: channel; credit announced by the receiver reaches the sender
  kCheckpointTrigger = 6,  // target: 0; generation: the periodic trigger's (a rescheduled one moved on)
  kCheckpointExpire = 7,   // target: coordinator slot; generation: checkpoint id (low bits)
  kAlignedTimeout = 8,     // target: slot; generation: id; the checkpoint switches to unaligned
  kPriorityBarrier = 9,    // target: channel; its unaligned barrier reaches the consumer
  kUploadDone = 10,        // target: 0; generation: the upload set's (a change moved it on)
  kFailure = 11,           // target: index into scenario.failures
  kRestart = 12,           // target: index into the run's recoveries; the job runs again
};

// Index arithmetic of the fixed rings (data_ring, gate waiting lists, round-robin cursors) without
// an integer division per step: the same values as (i + 1) % cap and (head + k) % cap.
// REQUIRES: i, head < cap; k ≤ cap.
// ring_next masks instead of branching: a round-robin cursor wraps every few records, which the
// branch predictor misses.
constexpr std::uint32_t ring_next(std::uint32_t i, std::uint32_t cap) {
  const std::uint32_t n = i + 1;
  return n & (0u - static_cast<std::uint32_t>(n != cap));
}
constexpr std::uint32_t ring_at(std::uint32_t head, std::uint32_t k, std::uint32_t cap) {
  return head + k >= cap ? head + k - cap : head + k;
}

// static_cast<std::int64_t>(std::floor(x)) and (std::ceil(x)) without the libm call (x86-64
// without SSE4.1 has no rounding instruction): the truncation is exact and one comparison fixes
// it up, so the values are the same. The fix-up is added, not branched on: whether a processing
// time has a fraction to round up is a coin toss to the branch predictor. REQUIRES: |x| < 2^63.
inline std::int64_t floor_to_int(double x) {
  const auto t = static_cast<std::int64_t>(x);
  return t - static_cast<std::int64_t>(static_cast<double>(t) > x);
}
inline std::int64_t ceil_to_int(double x) {
  const auto t = static_cast<std::int64_t>(x);
  return t + static_cast<std::int64_t>(static_cast<double>(t) < x);
}

// One network buffer (a memory segment) and the records it carries; with records == 0, a
// checkpoint barrier: first_origin = checkpoint id, last_origin = 1 while it is still to be
// delivered (0: delivered ahead of the queue when its checkpoint switched to unaligned).
struct Buffer {
  Nanos arrive = 0;        // when it reaches the receiver (remote), once sent
  Nanos first_origin = 0;  // arrival in the source backlog of its first record
  Nanos last_origin = 0;
  std::int32_t records = 0;
  std::int32_t bytes = 0;
};

// One operator of a chain, with what the engine needs per record.
struct ChainOp {
  double cost_ns = 0;  // mean cpu_per_record
  model::CostDistribution distribution = model::CostDistribution::Constant;
  double cv = 0;
  Rng::LognormalParams lognormal;  // of cost_ns and cv, when both are > 0 (build.cpp)
  double selectivity = 1;
  bool passes_all = true;  // selectivity == 1: every record passes, no accumulator needed
  int parent = -1;     // chain position of the operator feeding it; −1: the head
  int consumers = 0;   // chained children + output edges + leaving the job
  bool leaves = false; // no chained child and no output edge (a sink): records leave the job here
};

struct VertexState {
  int first_subtask = 0;  // subtasks of vertex v are [first_subtask, first_subtask + parallelism)
  int parallelism = 1;
  bool is_source = false;
  std::vector<ChainOp> ops;      // JobVertex order: head first, each after its parent
  bool one_passing_op = false;   // ops is one operator of selectivity 1 (start_record's short way)
  std::vector<int> out_edge_op;  // per output edge (JobVertex::outputs order): chain position
  Bytes record_size = 0;         // bytes of each emitted record
};

struct SourceState {  // a source subtask's backlog (Flink: pendingRecords, Kafka lag)
  double rate_share = 0;  // share of the total traffic this subtask reads
  Rng take_rng;           // the arrival stream as read by the subtask
  Nanos next_arrival = 0; // arrival time of the oldest record not yet taken
  Rng count_rng;          // the same stream, advanced only to count arrivals (records in)
  Nanos count_next = 0;
  std::int64_t arrived = 0;  // counted arrivals up to the last count
  std::int64_t taken = 0;   // position in the stream (rewinds to a checkpoint's offset)
  std::int64_t rewound = 0; // records read again after rewinds
  bool event_pending = false;
  // 1e9 / rate for the last rate seen (draw_next's cache: the same value without a division per
  // arrival while the rate holds).
  mutable double gap_rate = 0, mean_gap = 0;
};

// 32 bits, not a byte: GCC's code for advance (flattened) came out shorter, 690.7 -> 683.5
// instructions an engine_bench event; SubtaskState's size is the same (the byte was padded).
enum class ThreadState : std::uint32_t { kIdle, kBusy, kBackPressured };

// One result partition (per upstream subtask and output edge): one subpartition per channel.
struct PartitionState {
  int first_channel = 0;
  int channels = 0;
  int used = 0;       // buffers of its local pool held (filling, queued, local unread)
  int pool_max = 0;   // Flink: S × buffers-per-channel + floating-buffers-per-gate
  // record_size_distribution: each record's size is drawn (size_rng: lognormal, mean the edge's
  // record size), so the partition's channels end their segments after counts of their own.
  bool sizes_vary = false;
  std::int32_t broadcast_size = 0;  // a broadcast's next record's size, the same in every channel
  model::Partition kind = model::Partition::Forward;
  int edge = 0;
  std::uint32_t round_robin = 0;  // rebalance / rescale cursor
  const AliasTable* hash = nullptr;
  Rng rng;
  Rng::LognormalParams size_params;
  Rng size_rng;
};

struct SubtaskState {
  int vertex = 0;
  int index = 0;
  int taskmanager = 0;
  bool is_source = false;  // its vertex's (read per record: one load, not the vertex's)
  ThreadState state = ThreadState::kIdle;
  Nanos state_since = 0;
  bool running = false;   // in its TaskManager's processor-sharing set
  bool woken = false;     // on the work list
  bool checkpoint_work = false;  // a snapshot is due or its synchronous part just ran (barrier.cpp)
  int first_partition = 0, partitions = 0;  // its result partitions (one per output edge)
  // Input: channels with unread buffers, in the order they became available (Flink's
  // inputChannelsWithData); a ring of capacity = number of input channels.
  std::vector<int> data_ring;
  std::uint32_t data_head = 0, data_size = 0;
  int reading = -1;        // channel whose head buffer is being read
  int read_pos = 0;        // records of that buffer already read
  // The record in hand: outputs still to emit, per result partition, and where it came from.
  std::vector<std::int64_t> pending;  // per partition
  std::int64_t pending_leave = 0;     // records leaving the job when the work completes
  int pending_target = -1;            // subpartition chosen for the next record, if blocked
  int broadcast_next = 0;             // broadcast: next subpartition to receive the record
  Nanos origin = 0;
  std::vector<double> selectivity_acc;  // per chain operator
  std::vector<std::int64_t> op_out;     // per chain operator: records it emitted for this input
  Rng cost_rng;
  bool flush_pending = false;
  // Flink's OutputFlusher is a thread of the task's RecordWriter that sleeps the timeout and then
  // flushes, from when the task started: its ticks are phase + k × timeout, and tasks started at
  // different instants tick out of step. The phase is drawn from the seed (build.cpp).
  Nanos flush_phase = 0;
  // Counters for metrics (since the last sample) and totals for the ledger.
  double busy_ns = 0, backpressured_ns = 0;
  std::int64_t sample_in = 0, sample_out = 0;
  double total_busy_ns = 0, total_backpressured_ns = 0, total_ns = 0;  // after warm-up
  std::int64_t total_in = 0, total_out = 0;                            // after warm-up
  std::int64_t taken = 0, emitted = 0, left = 0, created = 0, dropped = 0;
  std::int64_t discarded = 0;    // in hand when the job failed
  std::int64_t rolled_back = 0;  // left after the restored checkpoint (an exactly-once sink aborts them)
};

struct ChannelState {
  int producer = 0;  // subtask
  int consumer = 0;  // subtask
  int gate = 0;
  int partition = 0;
  bool remote = false;
  bool in_data_ring = false;
  bool arrival_pending = false;
  bool waiting_float = false;
  int floats_held = 0;
  // The records written since the last piece was queued (records == 0: none). They lie in the
  // channel's current memory segment, segment_bytes of which are written (0: the channel holds
  // none): Flink's output flush ships a slice of the segment (BufferConsumer.build) and the
  // BufferBuilder goes on filling it, so a segment ends only when full or before an event.
  Buffer filling;
  std::int32_t segment_bytes = 0;
  // Bytes of the next record written, drawn ahead so that a full segment ends at once.
  std::int32_t next_size = 0;
  // Ring index of a queued slice whose segment goes on (at most one: a flush queues a slice only
  // with nothing else queued); reading or sending it does not return the segment to the pool.
  static constexpr std::uint64_t kNoSlice = ~std::uint64_t{0};
  std::uint64_t slice_at = kNoSlice;
  std::int32_t tx_bytes = -1;  // the last buffer size shipped and its transmission time (a cache)
  Nanos tx_ns = 0;
  std::vector<Buffer> ring;
  std::uint64_t mask = 0;
  std::uint64_t credited = 0, head = 0, arrived = 0, sent = 0, tail = 0;
  bool credit_pending = false;
  // Flink's flushRequested: the output flusher found buffers queued ahead of the filling one; the
  // reader takes the filling buffer when it reaches it (channel.cpp).
  bool flush_requested = false;
  bool blocked = false;  // aligned barrier read: not read again until alignment ends (in_data_ring stays true)
  std::int64_t priority_barrier = 0;  // unaligned barrier on its way to the consumer
  std::int64_t written = 0, read = 0;  // records
  std::int64_t discarded = 0;  // held when the job failed
  std::int64_t replayed = 0;   // restored from an unaligned checkpoint's channel state
};

struct GateState {  // a consumer's input gate (per subtask and input edge)
  int free_floats = 0;
  std::vector<int> waiting;  // remote channels waiting for a floating buffer (FIFO)
  std::uint32_t waiting_head = 0, waiting_size = 0;
};

struct TaskManagerState {
  double cores = 1;
  // Processor sharing by virtual time: every runnable thread progresses at speed
  // min(1, cores / runnable), so a thread with w ns of work left finishes when the virtual clock
  // has advanced by w. `runnable` holds (virtual finish, subtask), sorted latest first (cpu.cpp).
  double virtual_now = 0;
  Nanos last = 0;
  std::vector<std::pair<double, int>> runnable;
  double speed = 1;             // min(1, cores / runnable.size()): set whenever that size changes
  // speed_for[n] = min(1, cores / n) for n = 0 … the threads placed here, worked out once
  // (build.cpp): the same doubles without a division each time a thread starts or finishes.
  std::vector<double> speed_for;
  int scheduled_subtask = -1;   // the thread its completion timer completes
  double scheduled_speed = 0;   // the speed that timer was computed with
  double cpu_ns = 0;        // CPU time used since the last sample
  double total_cpu_ns = 0;  // after warm-up
  Nanos link_out_free = 0;  // when its outbound link is free
  Nanos link_in_free = 0;
};

class Engine {
 public:
  Engine(const model::Scenario& scenario, const model::JobGraph& graph,
         const model::Placement& placement, const EngineParams& params, const RunOptions& options);
  RunResult run();
  void drain_work_list();

  // build.cpp
  void build();
  void build_checkpointing();
  // source.cpp
  void source_arrival(int subtask);
  bool source_take(int subtask);  // takes the oldest arrived record into the subtask's hand
  // The next arrival after `from` of the source's stream drawn from `rng` (beyond the horizon:
  // none).
  Nanos draw_next(const SourceState& source, Rng& rng, Nanos from, int subtask) const;
  double total_rate(Nanos at) const;
  void count_arrivals(Nanos until);
  // subtask.cpp
  // Puts the subtask on the work list (once). Inline: called several times per event.
  void wake(int subtask) {
    auto& s = subtasks_[subtask];
    if (s.woken) return;
    s.woken = true;
    work_list_.push_back(subtask);
  }
  // A freed output buffer matters only to a producer blocked on one.
  void wake_if_back_pressured(int subtask) {
    if (subtasks_[subtask].state == ThreadState::kBackPressured) wake(subtask);
  }
  void advance(int subtask);
  void set_state(SubtaskState& s, ThreadState state);
  void account(SubtaskState& s);  // adds the current stretch up to now to its state's time
  double start_record(SubtaskState& s);  // draws work and outputs; returns CPU ns
  bool emit_pending(SubtaskState& s);     // false: back-pressured
  bool take_input(SubtaskState& s);       // reads the next record from the input gate
  void push_data(SubtaskState& s, int channel);  // the channel has unread buffers
  int choose_channel(PartitionState& p);
  void flush_tick(int subtask);
  // cpu.cpp
  void cpu_add(int taskmanager, int subtask, double work_ns);
  int cpu_done(int taskmanager);  // the thread whose record finished
  void cpu_advance(TaskManagerState& tm);
  void cpu_reschedule(int taskmanager);
  // channel.cpp (can_write and subpartition_held inline: per record emitted)
  // Flink: RecordWriter requests a buffer from the partition's LocalBufferPool, which refuses
  // beyond its maximum and beyond max-buffers-per-channel for one subpartition.
  bool can_write(const ChannelState& c, const PartitionState& p) const {
    if (c.segment_bytes > 0) return true;  // a full segment is finished at once, so there is room
    return p.used < p.pool_max && subpartition_held(c) < params_.max_buffers_per_channel;
  }
  void write_record(int channel, Nanos origin);
  std::int32_t draw_record_size(PartitionState& p);  // record_size_distribution: one record's bytes
  void finish_buffer(int channel);  // ends the segment: queues what is left of it (full, before a barrier)
  void ship_slice(int channel);     // queues and delivers the records written so far; the segment goes on
  void deliver(int channel);        // the newest queued piece: to a local reader, or sent
  void flush(int channel);          // the output flusher's flush (Flink's flushRequested)
  // The records written since the last piece become the newest queued piece (no delivery, no
  // send); a slice leaves the segment open.
  static void enqueue_filling(ChannelState& c, bool slice) {
    assert(c.tail - (c.remote ? c.credited : c.head) <= c.mask);
    if (slice) c.slice_at = c.tail;
    c.ring[c.tail & c.mask] = c.filling;
    ++c.tail;
    c.filling = Buffer{};
  }
  // A queued piece has left the subpartition (sent, or read locally): the pool gets its segment
  // back unless the piece is a slice of a segment that goes on (a barrier took none).
  void piece_done(ChannelState& c, std::uint64_t index, const Buffer& b) {
    if (index == c.slice_at) {
      c.slice_at = ChannelState::kNoSlice;
      return;
    }
    if (b.records != 0) --partitions_[c.partition].used;
  }
  void try_send(int channel);
  void channel_arrival(int channel);
  void credit_arrival(int channel);
  void consumed_buffer(int channel);
  // Flink counts the subpartition's BufferConsumers: a queued slice belongs to a segment counted
  // already (the one still open, or the rest of it queued behind).
  int subpartition_held(const ChannelState& c) const {
    const auto queued = c.remote ? c.tail - c.sent : c.tail - c.head;
    const bool slice_queued = !c.remote && c.slice_at != ChannelState::kNoSlice;
    return static_cast<int>(queued) - (slice_queued ? 1 : 0) + (c.segment_bytes > 0 ? 1 : 0);
  }
  // checkpoint_coordinator.cpp
  void start_checkpoint_scheduler();
  void checkpoint_trigger(std::uint32_t generation);
  void request_checkpoint();
  void trigger_checkpoint();
  int slot_of(std::int64_t id) const;  // coordinator slot of a pending checkpoint, −1: none
  void acknowledge(int subtask, int slot);
  void complete_checkpoint(int slot);
  void fail_checkpoint(int slot, const char* reason);
  void checkpoint_expire(int slot, std::uint32_t id);
  void aligned_timeout(int slot, std::uint32_t id);
  // barrier.cpp
  bool checkpoint_step(int subtask);  // false: the thread is busy with a synchronous part
  void request_snapshot(int subtask, int slot, std::int64_t id);
  void take_snapshot(int subtask, int slot);
  void emit_barriers(int subtask, int slot, bool unaligned);
  void barrier_received(int subtask, int channel, std::int64_t id);
  void priority_barrier(int channel);
  void unblock_inputs(int subtask);
  void finish_sync(int subtask);
  void maybe_upload(int subtask, int slot);
  SubtaskSnapshot& snapshot_of(int subtask, int slot, std::int64_t id);
  ChannelSnapshot& channel_snapshot(int slot, int channel) {
    return channel_snapshots_[static_cast<std::size_t>(slot) * channels_.size() + channel];
  }
  double state_bytes(int subtask, Nanos at) const;
  // upload.cpp
  void start_upload(int subtask, int slot, double bytes);
  void upload_done(std::uint32_t generation);
  void advance_uploads();
  void schedule_uploads();
  void cancel_uploads(int slot);  // every slot when slot < 0
  // failure.cpp
  void schedule_failures();
  void failure(int index);
  void checkpoint_failover();
  void fail_job(int index, model::RecoveryInputs inputs, const char* cause);
  void restart(int index);
  void discard_in_flight();
  void replay_channel_state();
  // Records the job is behind: Σ sources' arrived − taken plus records held in channels.
  // REQUIRES: arrivals counted up to now.
  std::int64_t behind() const;
  static std::int64_t caught_up_level(std::int64_t before);  // at most this many behind: caught up
  // metrics.cpp
  void metrics_tick();
  void metrics_sample(Nanos period);
  void record_leave(Nanos origin, std::int64_t count);
  RunResult summarize(double wall_seconds);
  std::string check_conservation(RecordLedger& ledger);

  void schedule(Nanos time, std::uint32_t kind, std::uint32_t target, std::uint32_t generation = 0) {
    events_.push(time, kind, target, generation);
    max_pending_ = std::max<std::uint64_t>(max_pending_, events_.size());
  }

  const model::Scenario& scenario_;
  const model::JobGraph& graph_;
  const model::Placement& placement_;
  EngineParams params_;
  RunOptions options_;
  Nanos now_ = 0;
  Nanos start_ = 0;  // RunOptions::start: the traffic profile is read at start_ + now_
  Nanos horizon_ = 0;
  Nanos warmup_ = 0;
  Nanos interval_ = 0;
  std::uint64_t event_count_ = 0;
  std::uint64_t max_pending_ = 0;   // high-water mark of the pending-event set
  mutable model::RateCursor rate_cursor_;  // total_rate's trace segment (a cache: same rates)

  EventQueue events_;
  std::vector<VertexState> vertices_;
  std::vector<SubtaskState> subtasks_;
  std::vector<SourceState> sources_;  // indexed by subtask (empty state for non-sources)
  std::vector<PartitionState> partitions_;
  std::vector<ChannelState> channels_;
  std::vector<GateState> gates_;
  std::vector<TaskManagerState> taskmanagers_;
  std::vector<AliasTable> hash_tables_;  // per edge (empty for non-hash edges)
  std::vector<Bytes> edge_record_size_;  // per edge
  std::vector<int> work_list_;

  // Checkpoints (checkpoint_state.h).
  model::CheckpointSettings checkpoint_;
  int slots_ = 0;                 // coordinator slots: max-concurrent-checkpoints in effect
  std::vector<PendingCheckpoint> pending_;
  std::vector<SubtaskCheckpoint> checkpointing_;     // per subtask
  std::vector<ChannelSnapshot> channel_snapshots_;   // per slot × channel
  std::vector<StatePart> state_parts_;
  std::vector<SubtaskSnapshot> restore_;             // per subtask: the latest completed checkpoint (or the start)
  std::vector<ChannelSnapshot> restore_channels_;    // per channel, the same checkpoint
  std::int64_t restore_id_ = 0;                      // 0: no checkpoint completed (restart from scratch)
  std::int64_t last_id_ = 0;                         // last checkpoint id triggered
  std::uint32_t trigger_generation_ = 0;
  Nanos next_trigger_ = 0;
  bool trigger_queued_ = false;   // a periodic trigger waits for a pending checkpoint to end
  bool scheduler_running_ = false;
  Nanos last_completion_ = -1;
  std::int64_t consecutive_failed_ = 0;
  Rng checkpoint_rng_;
  std::vector<Upload> uploads_;
  std::vector<int> upload_count_, upload_capped_;  // per TaskManager (scratch)
  std::vector<Upload> upload_finished_;           // scratch
  Nanos uploads_at_ = 0;
  std::uint32_t upload_generation_ = 0;
  std::vector<CheckpointRecord> history_;
  model::StateLayout state_layout_;  // model/state_model.h: heapUsed / managedUsed

  // Failures and recovery.
  RestartState restart_;          // the restart strategy across the run's failures
  std::vector<Recovery> recoveries_;
  std::vector<RecoveryRecord> ran_no_task_;  // losses of TaskManagers that ran no task
  std::vector<bool> failure_done_;
  bool job_down_ = false;         // between a failure and its restart
  bool job_lost_ = false;         // nothing restarts it
  int catching_up_ = -1;          // recovery whose catch-up is running
  std::int64_t behind_recent_[3] = {0, 0, 0};  // behind() at the last three samples (failures only)

  // Job-level metrics.
  Histogram latency_;             // after warm-up, outside recoveries
  Histogram recovery_latency_;    // after warm-up, from a failure until caught up
  bool recovering_ = false;       // a failure happened and the job has not caught up yet
  Histogram interval_latency_;    // this metrics interval only (kept only when a sink listens)
  std::int64_t arrived_at_sample_ = 0;  // Σ sources' arrivals at the last sample
  double interval_latency_sum_ = 0, interval_latency_max_ = 0;
  std::int64_t interval_latency_count_ = 0;
  std::int64_t interval_taken_ = 0;
  double throughput_sum_ = 0, throughput_max_ = 0;
  int throughput_samples_ = 0;
  std::int64_t left_total_ = 0;
  double measured_ns_ = 0;  // time covered by samples after warm-up
  Nanos last_sample_ = 0;
};

}  // namespace flinksim::sim::detail
