// The buffer-level discrete-event engine: simulates one placed job under its traffic and reports
// Flink's metrics. This header is the whole public contract of the engine; everything else in
// sim/ is its inside.
//
// What a test or a command can do with it
//  - `simulate(scenario, options)`: builds the job graph and placement from the scenario
//    (model/job_graph.h, model/placement.h) and runs it.
//  - `simulate(scenario, graph, placement, params, options)`: the same with a graph, placement and
//    network parameters made in code (tests, sweeps that vary the layout).
//  - `engine_params(scenario)` resolves the Flink configuration keys the engine uses
//    (segment size, buffers per channel, floating buffers, max buffers per channel, buffer
//    timeout) and the [network] table; a test may change any field before running.
//  - A MetricsSink receives the time series (one sample per `metrics_interval`) while the run goes,
//    so memory stays flat however long the horizon; `RunResult` holds only summaries.
//
// Model (what a queueing-theory test may rely on)
//  - Sources: each source subtask has a backlog (Flink's `pendingRecords`, Kafka lag) fed by the
//    traffic profile: the total rate is split evenly over source operators, then evenly over the
//    source's Kafka partitions (partition k read by subtask k mod parallelism), as in
//    model/steady_state.h. Poisson arrivals = exponential gaps at the rate of the moment (the rate
//    is held over each gap); uniform = evenly spaced. The subtask reads its backlog FIFO as fast as
//    its CPU and output buffers allow.
//  - A subtask is one thread. Per input record its chain does Σ over operators reached of one cost
//    draw (constant | exponential | lognormal with cv) of cpu_per_record; a selectivity s passes
//    on floor(acc += s) records (a deterministic accumulator per operator and subtask), so s < 1
//    stops some records mid-chain and s > 1 emits several. A chain is a tree (JobVertex parents):
//    each chained child, each output edge, and "leaving the job" (an operator with neither: a
//    sink) gets every record its operator emits.
//  - TaskManager CPU is processor sharing among runnable subtask threads, one core at most per
//    thread. busyTimeMsPerSecond is the wall time a thread wants to run (so under contention busy
//    rises while throughput does not, as in Flink).
//  - Network: a channel per (upstream subtask, downstream subtask) pair of a job edge. Segments of
//    segment_size bytes, finished when full or before a barrier; the periodic output flusher
//    (buffer_timeout), or every record when buffer_timeout = 0, ships the records written so far
//    as a slice and the segment goes on filling (Flink's BufferBuilder and BufferConsumer), so a
//    channel's segments end where its bytes reach a segment. Remote channels: credit-based flow
//    control with buffers_per_channel exclusive credits (a slice takes one like a segment) plus
//    floating buffers from the input gate's pool; the
//    sender's subpartition holds at most max_buffers_per_channel buffers; a buffer the receiver
//    frees becomes credit at the sender one hop_latency later (AddCredit), floating buffers are
//    granted at once. Local channels: no credits, bounded by the producer's subpartition cap and
//    its pool (S × buffers_per_channel + floating_buffers_per_gate). A subtask that cannot get an output
//    buffer is back-pressured (backPressuredTimeMsPerSecond). Each TaskManager's link has
//    bandwidth_per_taskmanager each way; a remote buffer also takes hop_latency.
//  - End-to-end latency: arrival in the source backlog to leaving the job at a sink (when the
//    sink's thread finishes the record). Records in one buffer carry the origin times of its first and last
//    record and the ones between are interpolated (exact when a buffer holds one record, i.e. with
//    buffer_timeout = 0 and no back-pressure batching).
//  - Statistics (latency, throughput, the vertex means) ignore the first `warmup` of the run.
//
// For an M/M/1 test: one source (cpu_per_record 0, chaining = Never) → one operator (kind sink or
// followed by a zero-cost sink) with exponential cost, traffic constant at λ with Poisson
// arrivals, params.buffer_timeout = 0, params.hop_latency = 0, and buffers large
// (params.buffers_per_channel, floating_buffers_per_gate, max_buffers_per_channel); read
// result.latency and result.throughput (tests/validation/queueing_validation_test.cpp does).
//
// Checkpoints (execution.checkpointing.interval set): the CheckpointCoordinator triggers them,
// barriers travel in the streams (aligned, unaligned, or switching after
// aligned-checkpoint-timeout; at-least-once counts barriers without blocking), each subtask
// snapshots at a record boundary, forwards the barrier, runs its synchronous part as CPU on its
// TaskManager (model/checkpoint_model.h, subtasks with keyed state) and uploads its bytes (full
// state or the incremental delta, model/state_model.h and steady_state.h; plus in-flight data of
// unaligned checkpoints) processor-shared over [storage] write_bandwidth and its TaskManager's
// network. Figures as Flink's REST checkpoint statistics report them: RunResult::checkpoints,
// checkpoint_history, MetricsSink::on_checkpoint. sim/checkpoint_state.h has the details.
//
// Failures ([[failure]] within the run): the job stops at the loss (region failover restarts the
// whole job), the downtime follows model/recovery_model.h's formulas (detection, restart strategy,
// pod, restore of the restored checkpoint's bytes, JobManager failover; no HA loses the job),
// sources rewind to the latest completed checkpoint and the catch-up is simulated:
// RunResult::recovery, job_lost. Checkpoints that expire more often in a row than
// tolerable-failed-checkpoints fail the job the same way (RecoveryRecord::failure = −1).
// sim/failure.cpp has the details.
//
// Conservation: every run balances each backlog, subtask and channel and the whole job
// (in + re-read + created = out + duplicated + dropped + in flight + discarded); `conserved`
// false means an engine bug. Under exactly-once (aligned) checkpoints, out counts each record
// once: out + in flight = in + created − dropped whatever fails.
//
// The fluid granularity (sim/fluid_engine.h) fills the same checkpoint and recovery figures, from
// the same model/ calls; a run without checkpointing leaves checkpoints.simulated = false.
//
// Determinism: every random draw derives from scenario.seed, seeded per entity, so results do not
// depend on event interleavings; the same inputs give identical results (wall_seconds aside).
//
// Thread safety: a run owns all its state; distinct runs may go on in parallel threads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/job_graph.h"
#include "model/placement.h"
#include "model/recovery_model.h"
#include "model/scenario.h"
#include "model/units.h"

namespace flinksim::sim {

using model::Bytes;
using model::Nanos;

// The Flink configuration and [network] values the engine reads, resolved once.
struct EngineParams {
  Bytes segment_size = 32 * model::kKiB;   // taskmanager.memory.segment-size
  int buffers_per_channel = 2;             // taskmanager.network.memory.buffers-per-channel
  int floating_buffers_per_gate = 8;       // taskmanager.network.memory.floating-buffers-per-gate
  int max_buffers_per_channel = 10;        // taskmanager.network.memory.max-buffers-per-channel
  // execution.buffer-timeout.interval; 0 = flush after every record; −1 = only when full
  // (execution.buffer-timeout.enabled = false).
  Nanos buffer_timeout = 100 * model::kMillisecond;
  double bandwidth_per_taskmanager = 10e9 / 8;       // bytes/s each way
  Nanos hop_latency = 200 * model::kMicrosecond;     // between TaskManagers
};

// Reads EngineParams from scenario.flink and scenario.network. Throws model::InputFailure on a
// value Flink would refuse.
EngineParams engine_params(const model::Scenario& scenario);

struct RunOptions {
  // Where in the traffic profile the run starts (e.g. model::peak_window(traffic).start): the
  // profile is evaluated at start + t. Horizon, warm-up, metrics times and RunResult::simulated
  // all count from the start; the job starts empty there (no backlog carried in).
  Nanos start = 0;
  Nanos horizon = 0;   // simulated time from `start`; 0 = scenario.traffic.duration − start
  Nanos warmup = -1;   // < 0: scenario.simulation.warmup, else 0
  Nanos metrics_interval = 0;  // 0: scenario.simulation.metrics_interval
  class MetricsSink* sink = nullptr;  // time series; nullptr = none
  // How a lost TaskManager is noticed (model/recovery_model.h): heartbeat.timeout, or at once.
  model::LossDetection loss_detection = model::LossDetection::HeartbeatTimeout;
};

// One sample of one subtask over the last metrics interval (Flink's names, per second).
struct SubtaskSample {
  int vertex = 0;
  int subtask = 0;
  double busy_ms_per_s = 0;           // busyTimeMsPerSecond
  double backpressured_ms_per_s = 0;  // backPressuredTimeMsPerSecond
  double idle_ms_per_s = 0;           // idleTimeMsPerSecond
  double records_in_per_s = 0;        // numRecordsInPerSecond (0 for sources, as in Flink)
  double records_out_per_s = 0;       // numRecordsOutPerSecond (network outputs; 0 for sinks)
  std::int64_t pending_records = -1;  // sources: pendingRecords; −1 otherwise
};

struct JobSample {
  double arrival_rate = 0;   // records that arrived in source backlogs per second (the offered load)
  double throughput = 0;     // records read from source backlogs per second
  double latency_mean_ms = 0;  // of records that left a sink in the interval (0 if none)
  double latency_p50_ms = 0;   // buffer level: measured; fluid level: the estimate's mean
  double latency_p99_ms = 0;   // buffer level: measured; fluid level: the estimate's worst path
  double latency_max_ms = 0;
};

// One TaskManager over the last metrics interval.
struct TaskManagerSample {
  double cpu_utilization = 0;  // CPU time used ÷ (cores × interval)
  Bytes heap_used = 0;         // heapUsed: task heap taken by heap (hashmap) state at the interval's end
  Bytes managed_used = 0;      // managedUsed: managed memory taken by RocksDB state (Managed.Used)
};

struct CheckpointRecord;

// Receives the time series as the run goes. Called once per metrics interval (not per event), so
// a virtual call is fine here. `time` is the end of the interval.
class MetricsSink {
 public:
  virtual ~MetricsSink() = default;
  virtual void on_subtask(Nanos time, const SubtaskSample& sample) = 0;
  virtual void on_taskmanager(Nanos time, int taskmanager, const TaskManagerSample& sample) = 0;
  virtual void on_job(Nanos time, const JobSample& sample) = 0;
  // Once per checkpoint when it completes or fails (not per event).
  virtual void on_checkpoint(const CheckpointRecord& /*checkpoint*/) {}
};

struct LatencySummary {  // nanoseconds
  std::uint64_t count = 0;
  double mean = 0;
  double p50 = 0;
  double p99 = 0;
  double max = 0;
};

struct VertexSummary {  // means over the run after warm-up; rates summed over subtasks
  std::string name;
  int parallelism = 1;
  double busy_ms_per_s = 0;            // mean over subtasks
  double busy_ms_per_s_max = 0;        // the busiest subtask (the autoscaler's MAX aggregator)
  double backpressured_ms_per_s = 0;   // mean over subtasks
  double idle_ms_per_s = 0;            // mean over subtasks
  double records_in_per_s = 0;
  double records_out_per_s = 0;
  std::int64_t pending_records = -1;   // sources: backlog at the end; −1 otherwise
};

struct TaskManagerSummary {
  double cpu_utilization = 0;  // CPU time used ÷ (cores × time), after warm-up
  // From model/state_model.h over the run (state grows linearly, so the peak is at the end):
  Bytes heap_used = 0;     // heapUsed: task heap taken by heap (hashmap) state, at its peak
  Bytes managed_used = 0;  // managedUsed: managed memory taken by RocksDB state, at its peak
};

// One checkpoint as Flink's REST API reports it (/jobs/:id/checkpoints, `history[]`).
enum class CheckpointStatus { Completed, Failed };  // Failed: expired (timeout) or aborted by a failure
struct CheckpointRecord {
  std::int64_t id = 0;                // 1, 2, … in trigger order
  Nanos trigger_time = 0;             // from RunOptions::start
  CheckpointStatus status = CheckpointStatus::Completed;
  // "expired" (execution.checkpointing.timeout) | "task failure" | "subsumed" (a newer one completed)
  std::string failure_reason;
  Nanos end_to_end_duration = 0;      // latest acknowledgement − trigger (end_to_end_duration); failed: until it failed
  Nanos alignment_duration = 0;       // the slowest subtask's first→last barrier (per subtask: alignment.duration)
  Nanos sync_duration = 0;            // the slowest subtask's synchronous part
  Nanos async_duration = 0;           // the slowest subtask's upload
  Bytes state_size = 0;               // full size of the snapshot (state_size)
  Bytes checkpointed_size = 0;        // bytes uploaded this time (checkpointed_size; < state_size when incremental)
  Bytes persisted_data = 0;           // in-flight buffers persisted by unaligned checkpoints
  bool unaligned = false;
};

struct CheckpointSummary {
  bool simulated = false;      // false: this granularity/run does not model checkpoints
  std::int64_t completed = 0;  // Flink's `counts.completed`
  std::int64_t failed = 0;     // Flink's `counts.failed`
  std::int64_t expired = 0;    // of the failed: execution.checkpointing.timeout passed
  Nanos duration_p50 = 0;      // of completed checkpoints' end_to_end_duration
  Nanos duration_max = 0;
  Bytes state_size = 0;        // of the latest completed checkpoint
  Bytes checkpointed_size_max = 0;
  Nanos alignment_max = 0;
};

// One injected [[failure]] and what followed (times from RunOptions::start).
struct RecoveryRecord {
  int failure = 0;             // index into scenario.failures; −1: checkpoints failed too often in a row
  model::FailureKind kind = model::FailureKind::TaskManager;
  int taskmanager = -1;        // the TaskManager lost (kind taskmanager; resolved when not named)
  Nanos at = 0;                // the loss
  Nanos detected = 0;          // heartbeat timeout (or at once when observed)
  Nanos restarted = 0;         // tasks running again: restart delay, new pod, state restored;
                               // −1: never (job lost, or lost again before it restarted)
  Nanos caught_up = -1;        // source lag back to its level before the failure; −1: not within the run
  Nanos downtime = 0;          // restarted − at
  Nanos catch_up = -1;         // caught_up − restarted; −1: not within the run
  Nanos total = -1;            // caught_up − at; −1: not within the run
  std::int64_t restored_checkpoint = 0;  // id of the checkpoint restored from; 0 = none (from scratch)
  Bytes restored_bytes = 0;              // state read back over [storage] read_bandwidth
  std::int64_t rewound_records = 0;      // records the sources read again after the rewind
  bool job_lost = false;       // e.g. JobManager lost without HA: the job does not come back
  bool ran_no_task = false;    // a TaskManager that ran no task: the job kept running (no downtime)
  std::string reason;          // why the job is lost or kept running, or what failed it when not a [[failure]]
};

// in + reread + created = out + duplicated + dropped + in_flight + discarded + lost must hold at
// the end.
struct RecordLedger {
  std::int64_t in = 0;          // arrived in source backlogs
  std::int64_t out = 0;         // left the job at sinks, each once (an exactly-once sink commits
                                // only what left before the restored checkpoint)
  std::int64_t in_flight = 0;   // in backlogs, subtasks, buffers and channels at the end
  std::int64_t lost = 0;
  std::int64_t duplicated = 0;  // left after the restored checkpoint, then again after the rewind:
                                // what an at-least-once sink would have emitted twice
  std::int64_t reread = 0;      // read again after a rewind (sources), or replayed from an
                                // unaligned checkpoint's in-flight data
  std::int64_t discarded = 0;   // in flight when the job failed (read again later if before the rewind point)
  std::int64_t created = 0;     // extra records made by selectivity > 1, fan-out and broadcast
  std::int64_t dropped = 0;     // records stopped by selectivity < 1
};

struct RunResult {
  double throughput_mean = 0;  // records/s read from source backlogs, over intervals after warm-up
  double throughput_max = 0;
  LatencySummary latency;      // every record that left after warm-up
  // The same without the records that left between a failure and its catch-up (their latency is
  // the outage's; slo.max_recovery judges that): what the latency objective is held to.
  LatencySummary latency_outside_recovery;
  std::vector<VertexSummary> vertices;  // in JobGraph order
  std::vector<TaskManagerSummary> taskmanagers;
  RecordLedger records;
  CheckpointSummary checkpoints;
  std::vector<CheckpointRecord> checkpoint_history;  // every checkpoint triggered, in order
  std::vector<RecoveryRecord> recovery;              // one per failure within the run, in time order
  bool job_lost = false;       // a failure the job did not survive (no HA, restart strategy exhausted)
  bool conserved = true;       // the ledger balanced, per channel, subtask and backlog
  std::string conservation_error;  // what did not balance (a bug in the engine)
  std::uint64_t events = 0;        // events popped (CPU completions are timers moved in place: none is stale)
  std::uint64_t max_pending = 0;   // high-water mark of the pending-event set (buffer level)
  // What the figures cannot be trusted for, in words (fluid level: where its estimate is known to
  // be off); empty when nothing is known.
  std::vector<std::string> caveats;
  Nanos simulated = 0;
  double wall_seconds = 0;
};

// Runs the scenario at buffer granularity. Throws model::InputFailure when the scenario cannot be
// run (no placement fits, no traffic).
RunResult simulate(const model::Scenario& scenario, const RunOptions& options);

RunResult simulate(const model::Scenario& scenario, const model::JobGraph& graph,
                   const model::Placement& placement, const EngineParams& params,
                   const RunOptions& options);

// About how many events a buffer-level run over [from, to) of the traffic profile takes, for
// budget checks: per record the sources bring in, one arrival, one CPU
// completion per job vertex (a chain is one thread) and half an event per job edge (buffer
// arrivals and credits, batched by the buffer timeout). On the bundled scenarios' golden runs
// it is within 0.7–1.4× of the events counted; fan-out and selectivity are ignored.
double estimated_events(const model::Scenario& scenario, Nanos from, Nanos to);

}  // namespace flinksim::sim
