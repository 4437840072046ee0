// The fluid granularity: the same job, traffic and outputs as the buffer-level engine
// (sim/engine.h: RunResult, RunOptions, MetricsSink, Flink's metric names), with events only
// when a rate changes. A day of diurnal traffic is a few thousand events, not billions.
//
// Model
//  - Between events every thread takes records at a constant rate (fluid_rates.h: max-min CPU
//    shares with one core per thread, input limits, credit backpressure) and every level moves
//    linearly: a source backlog (`pendingRecords`) by arrival − take, a channel by inflow − drain.
//  - Events: a traffic step (model/traffic.h next_rate_change: exact for constant, step and
//    burst; one-minute midpoint staircase for diurnal and trace), a channel reaching its credit
//    bound in records (fluid_network.h held_records; its producer is back-pressured from then on)
//    or emptying (its consumer is limited by the inflow), a source backlog emptying, and the
//    milestones of checkpoints (trigger, completion or expiry) and failures (the loss, the
//    restart): FluidRun::next_milestone.
//  - The time series is sampled every metrics_interval by integrating the piecewise-constant
//    rates (no model event per sample); `RunResult::events` counts model events only, samples are
//    counted apart (FluidStats).
//  - Records are real numbers. The ledger rounds in, created, out and dropped to whole records and
//    sets in_flight so that the ledger balances; `conserved` checks the real-valued balance (in +
//    created = out + dropped + Σ backlogs + Σ channel levels) to a relative 1e-9, which tests the
//    integration, the chain factors and the routing.
//  - Latency is an estimate (fluid_latency.h), mean weighted by the records leaving; p50 = the
//    mean, p99 and max add the spread of the wait for a buffer flush (uniform on [0, 2 × mean]
//    per hop) to the worst estimate of the run. Callers must label it as an estimate.
//
// Not modelled at this level: randomness (Poisson arrivals and cost draws are replaced by their
// means, so the short queues that randomness builds in front of a thread near saturation — and
// the extra busy time of threads waiting for a core when bursts meet — are absent), network
// bandwidth between subtasks.
//
// Checkpoints (fluid_checkpoints.cpp): the coordinator as at buffer level (first trigger drawn
// from the same seeded stream, interval, min-pause, max-concurrent, timeout, tolerable failures);
// each checkpoint's course — barriers queued behind channel levels (aligned) or overtaking them
// (unaligned, persisted), the sync part, uploads processor-shared over [storage] write_bandwidth
// and the TaskManager network (upload_sharing.h) — is worked out at its trigger from the rates of
// that moment; its end is a milestone. Failures (fluid_recovery.cpp): the job stops (rates 0,
// arrivals go on, channel levels discarded), the downtime comes from recovery_downtime.h (the
// buffer level's calls), sources rewind to the last completed checkpoint, the catch-up is
// simulated and read at metrics samples; the ledger adds reread, duplicated and discarded.
//
// Determinism: no randomness but the checkpoint coordinator's initial delays and the restart
// strategy's jitter, both drawn from scenario.seed as at buffer level; the same inputs give
// identical results (wall time aside).
// Thread safety: a run owns its state.
#pragma once

#include <cstdint>

#include "model/job_graph.h"
#include "model/placement.h"
#include "model/scenario.h"
#include "sim/engine.h"

namespace flinksim::sim {

struct FluidStats {
  std::uint64_t samples = 0;  // metrics samples taken (not events)
  std::uint64_t passes = 0;   // Gauss–Seidel passes over all rate solves
  std::uint64_t flows = 0;    // channels that carry records
};

// Throws model::InputFailure when the scenario cannot be run (no placement fits).
RunResult simulate_fluid(const model::Scenario& scenario, const RunOptions& options,
                         FluidStats* stats = nullptr);

RunResult simulate_fluid(const model::Scenario& scenario, const model::JobGraph& graph,
                         const model::Placement& placement, const EngineParams& params,
                         const RunOptions& options, FluidStats* stats = nullptr);

}  // namespace flinksim::sim
