// The fluid level's picture of a placed job: subtask threads with their per-record factors, and
// flows — the channels that carry records between them — with their gains and credit bounds.
// Built once per run (fluid_build.cpp); the rate solve (fluid_rates.h) and the run
// (fluid_engine.h) only read it.
//
// Model (the same facts the buffer-level engine uses, sim/engine.h, reduced to means):
//  - A thread's factors are per record it takes (from its backlog or its input gate): its chain
//    is a tree, operator k receives n_k records (head 1, a child n_parent × selectivity_parent),
//    costs n_k × cpu_per_record and emits m_k = n_k × selectivity; an output edge gets the m_k of
//    its emitting operator, a sink's m_k leaves the job. created/dropped follow the buffer level's
//    ledger (copies to several consumers and broadcast copies are created; selectivity < 1 drops).
//  - A flow is one channel (upstream subtask → downstream subtask of one job edge) that carries
//    records: `gain` = records into it per record the upstream takes = m_k × the channel's share
//    of the edge (rebalance/shuffle 1/p; forward/rescale 1/consumers of the pointwise block; hash
//    the receiving subtask's key share from model/key_distribution.h; broadcast 1; global 1 to
//    subtask 0). Channels with no share (gain 0) are left out.
//  - A flow's bound is counted in buffers, as credit-based flow control counts it: the buffers the
//    sender's subpartition may hold (max_buffers_per_channel, at most an even part of the
//    partition's pool), plus on a remote channel the receiver's exclusive buffers and an even
//    split of the gate's floating buffers. In records: held_records below.
//
// Invariants: threads are in JobGraph vertex order, then subtask index, so every flow goes from a
// lower to a higher thread index (the graph is topologically ordered); `in_flows` and `out_flows`
// list each thread's flows contiguously.
#pragma once

#include <limits>
#include <vector>

#include "model/job_graph.h"
#include "model/placement.h"
#include "model/scenario.h"
#include "sim/engine.h"

namespace flinksim::sim::fluid {

inline constexpr double kUnbounded = std::numeric_limits<double>::infinity();

struct Thread {  // one subtask
  int vertex = 0;
  int index = 0;
  int taskmanager = 0;
  bool source = false;
  double cost = 0;           // CPU seconds per record taken (chain, mean)
  double cost_cv2 = 0;       // its squared coefficient of variation (exponential 1, constant 0)
  double arrival_share = 0;  // sources: share of the total traffic
  double leave = 0;          // records leaving the job per record taken
  double emit = 0;           // numRecordsOut per record taken (records written to output edges)
  double created = 0;        // ledger, per record taken
  double dropped = 0;
  int first_in = 0, ins = 0;    // into Network::in_flows
  int first_out = 0, outs = 0;  // into Network::out_flows
};

struct Flow {  // one channel that carries records
  int from = 0;  // thread
  int to = 0;    // thread
  int edge = 0;
  double gain = 0;               // records into the channel per record `from` takes
  double buffers = 0;            // buffers in flight at most (the credit bound)
  double partial = 0;            // of which, on average, empty: half the one being filled, half the one being read
  double records_per_buffer = 1; // a full buffer (segment_size ÷ record size)
  double capacity = 0;           // records in flight at most: held_records
  bool remote = false;
  // Records are dealt to the partition's channels in turn (rebalance, rescale) or copied to every
  // one (broadcast), so each channel gets its share of every batch; hash and random route each
  // record by a draw.
  bool dealt = false;
  // Dealt in turn, a record at a time, over this many channels (rebalance, rescale: the producer's
  // subpartitions of the edge); 0 otherwise (a copy to each, or a draw).
  int turns = 0;
  // A producer's segments to its consumers end at moments of their own: routed by a draw, or dealt
  // records of sizes that vary (record_size_distribution), so that each channel's segment holds a
  // count of its own. Dealt records of one size fill them in step, and a copy (broadcast) too.
  bool ends_apart = false;
  double size_cv = 0;  // record_size_distribution's coefficient of variation (0: one size)
};

struct Network {
  std::vector<Thread> threads;
  std::vector<Flow> flows;
  std::vector<int> in_flows;   // flow indices grouped by consumer thread
  std::vector<int> out_flows;  // grouped by producer thread
  std::vector<double> cores;   // per TaskManager
  std::vector<std::vector<int>> threads_on;  // per TaskManager
  std::vector<int> first_thread;             // per vertex
  EngineParams params;
};

// Records a buffer leaves with when the channel is written at `rate` records/s and nothing is
// queued ahead of it (the latency estimate, fluid_latency.h): it leaves when full
// (R = records_per_buffer) or at the output flusher's next tick (execution.buffer-timeout.interval
// T), so min(R, rate × T), at least one record. T = 0 ships every record (1); with the timeout
// disabled only full buffers leave (R).
double records_per_flush(const Flow& flow, const EngineParams& params, double rate);

// Records a channel holds when every buffer of its credit bound is taken (the sender is
// back-pressured): (buffers − partial) full buffers, whatever the rate. Flink's output flusher
// does not finish a buffer that has buffers queued ahead of it (PipelinedSubpartition.flush()
// only sets flushRequested; the writer keeps appending until the reader reaches it, pollBuffer),
// and a blocked channel's buffers are queued behind missing credit or unread, so they leave full;
// only the one being filled and the one being read are partly full (`partial`). A zero timeout is
// the same flush() after every record (RecordWriter's flushAlways): blocked, it fills buffers
// too. Buffer level does the same
// (sim/channel.cpp); measured there (records in channels after 60 s, sim/README.md): 2 senders ×
// 2 channels 14.6k with the timeout or without (this: 14.7k), 1 sender × 1 channel 6.3k (6.2k).
double held_records(const Flow& flow);

// REQUIRES: placement.fits; graph and placement built for `scenario` (or consistently in code).
Network build_network(const model::Scenario& scenario, const model::JobGraph& graph,
                      const model::Placement& placement, const EngineParams& params);

}  // namespace flinksim::sim::fluid
