// The fluid run's state (fluid_engine.h is the contract): one object per run, its methods split by
// job — fluid_engine.cpp advances from event to event, integrates levels and metrics and samples;
// fluid_checkpoints.cpp plays the CheckpointCoordinator; fluid_recovery.cpp plays failures,
// restarts and catch-up. Inside sim/ only.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "model/checkpoint_model.h"
#include "model/job_graph.h"
#include "model/placement.h"
#include "model/scenario.h"
#include "model/state_model.h"
#include "sim/engine.h"
#include "sim/fluid_engine.h"
#include "sim/fluid_network.h"
#include "sim/fluid_rates.h"
#include "sim/recovery_downtime.h"
#include "sim/rng.h"

namespace flinksim::sim::fluid {

using model::Nanos;

inline constexpr Nanos kNever = -1;

struct Accumulator {  // per thread, over a sample and over the measured run
  double busy = 0, backpressured = 0, in = 0, out = 0;  // seconds, records
};

// One operator's keyed state on one thread (model/state_model.h), as a snapshot needs it.
struct StatePart {
  int thread = 0;
  model::SubtaskState layout;
  const model::StateSpec* spec = nullptr;
  double keys = 0;            // this subtask's share of the operator's keys
  double records_factor = 1;  // records reaching the operator per record the thread takes
};

// What a checkpoint captured at its trigger, and what a restore from it brings back.
struct Snapshot {
  std::int64_t id = 0;              // 0: the start of the run
  std::vector<double> position;     // per thread: sources' offsets (records taken)
  std::vector<double> processed;    // per thread: records taken (base of the next incremental)
  std::vector<double> state_bytes;  // per thread
  std::vector<double> channel;      // per flow: records an unaligned barrier overtook (persisted)
  double out = 0;                   // records that had left the job (what a sink has committed)
};

struct PendingCheckpoint {
  CheckpointRecord record;
  Nanos ends = kNever;  // completion (or expiry) time
  bool expires = false;
  Snapshot snapshot;
};

struct Recovery {
  RecoveryRecord record;
  double lag_before = 0;  // records behind when the failure hit (FluidRun::behind)
};

class FluidRun {
 public:
  FluidRun(const model::Scenario& sc, const model::JobGraph& g, const model::Placement& pl,
           const EngineParams& params, const RunOptions& options);
  RunResult run(FluidStats* stats);

 private:
  // fluid_engine.cpp
  void resolve();
  void set_full();
  Nanos next_event() const;
  void accumulate(double dt);
  void integrate_levels(double dt);
  void sample(Nanos period);
  RunResult summarize(double wall);
  void add_caveat(Off which, const std::string& how, const std::string& why, RunResult& r) const;
  std::string check_conservation(RecordLedger& ledger) const;
  bool stopped() const { return job_down_ || job_lost_; }

  // fluid_checkpoints.cpp
  void build_state(const model::Placement& placement);
  void start_checkpoint_scheduler();
  void checkpoint_trigger();
  void request_checkpoint();
  void trigger_checkpoint();
  void plan_checkpoint(PendingCheckpoint& p);
  void complete_checkpoint(std::size_t k);
  void fail_checkpoint(std::size_t k, const char* reason);

  // fluid_recovery.cpp
  Nanos next_milestone() const;
  void milestones();
  void failure(int index);
  void fail_job(int index, model::RecoveryInputs in, const char* cause);
  void restart();
  double behind(double since) const;  // `since` seconds after the levels were last integrated
  void check_caught_up();

  const model::Scenario& sc_;
  const model::JobGraph& g_;
  Network net_;
  RateSolver solver_;
  RunOptions options_;
  const Rates* r_ = nullptr;
  Rates stopped_rates_;  // every rate 0: the job is down
  Conditions c_;
  Nanos horizon_ = 0, warmup_ = 0, interval_ = 0;
  Nanos start_ = 0;  // RunOptions::start: the traffic profile and state are read at start_ + now_
  Nanos failure_at(std::size_t i) const { return sc_.failures[i].at - start_; }  // in run time
  Nanos now_ = 0, level_time_ = 0, last_sample_ = 0;
  std::uint64_t events_ = 0, samples_ = 0, passes_ = 0;

  std::vector<double> backlog_, level_, delay_, batching_;
  // Per flow: the rounding slack of its level (within it of Flow::capacity the channel is full).
  std::vector<double> slack_;
  // The state one second on at the current rates, and its latency estimate: levels move linearly
  // between events, so the estimate does too (a growing source backlog makes latency grow).
  std::vector<double> backlog_ahead_, level_ahead_, delay_ahead_, batching_ahead_;
  Nanos resolved_at_ = 0;
  // The last start, restart or checkpoint trigger: every channel's segment ended then (Flink's
  // barrier finishes the BufferBuilders), and dealt segment ends part from there
  // (Rates::lock_time).
  Nanos locked_at_ = 0;
  double latency_slope_ = 0, latency_worst_slope_ = 0;  // seconds of latency per second
  std::vector<Accumulator> sample_, total_;
  std::vector<double> measured_s_;          // per thread: measured seconds
  std::vector<double> tm_cpu_, tm_total_;   // core-seconds
  // Per TaskManager and case (Off): measured seconds where its busy estimate is known to be off.
  std::vector<std::array<double, kOffCases>> off_s_;
  model::StateLayout state_layout_;         // stateful jobs: heapUsed / managedUsed over time
  double arrivals_now_ = 0, leave_now_ = 0, taken_now_ = 0, created_now_ = 0, dropped_now_ = 0;
  double latency_now_ = 0, latency_worst_now_ = 0, latency_spread_now_ = 0;  // seconds
  // Ledger (whole run) and job metrics.
  double in_ = 0, out_ = 0, created_ = 0, dropped_ = 0;
  double reread_ = 0, discarded_ = 0, duplicated_ = 0;
  double interval_taken_ = 0, interval_left_ = 0, interval_latency_ = 0, interval_latency_max_ = 0;
  double interval_arrived_ = 0, interval_latency_p99_ = 0;
  double throughput_sum_ = 0, throughput_max_ = 0, measured_ = 0;
  double left_measured_ = 0, latency_sum_ = 0, latency_p99_ = 0, latency_max_ = 0;
  // The same without the intervals between a failure and its catch-up (latency_outside_recovery).
  bool interval_recovering_ = false;
  double outside_left_ = 0, outside_latency_sum_ = 0, outside_p99_ = 0, outside_max_ = 0;

  // Checkpoints (fluid_checkpoints.cpp).
  model::CheckpointSettings checkpoint_;
  int slots_ = 0;
  Rng checkpoint_rng_;
  bool scheduler_running_ = false, trigger_queued_ = false;
  Nanos next_trigger_ = kNever, last_completion_ = kNever;
  std::int64_t last_id_ = 0, consecutive_failed_ = 0;
  std::vector<PendingCheckpoint> pending_;
  std::vector<CheckpointRecord> history_;
  std::vector<StatePart> state_parts_;
  std::vector<double> position_, processed_;  // per thread, as Snapshot's
  std::vector<double> processed_at_completed_;
  Snapshot restore_;
  std::vector<double> snapshot_at_;  // scratch: per thread, seconds after the trigger

  // Failures (fluid_recovery.cpp).
  RestartState restart_;
  std::vector<char> failure_done_;
  std::vector<Recovery> recoveries_;
  std::vector<RecoveryRecord> ran_no_task_;  // losses of TaskManagers that ran no task
  bool job_down_ = false, job_lost_ = false, recovering_ = false;
  Nanos restart_at_ = kNever;
  int catching_up_ = -1;
};

}  // namespace flinksim::sim::fluid
