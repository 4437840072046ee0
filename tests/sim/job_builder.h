// Builds small jobs in code for engine tests: a chain of vertices (one operator each, no chaining)
// with a placement, so a test states exactly the topology it means without the scenario reader,
// the chaining rules or the scheduler.
#pragma once

#include <vector>

#include "model/job_graph.h"
#include "model/placement.h"
#include "model/scenario.h"
#include "sim/engine.h"

namespace flinksim::testing {

struct StageSpec {
  model::OperatorKind kind = model::OperatorKind::Operator;  // first: Source, last: Sink, always
  int parallelism = 1;
  model::Nanos cost = 0;
  model::CostDistribution distribution = model::CostDistribution::Constant;
  double selectivity = 1.0;
  model::Partition partition = model::Partition::Forward;  // of the edge into this stage
  std::vector<int> taskmanager;  // per subtask; empty: all on TaskManager 0
};

struct TestJob {
  model::Scenario scenario;
  model::JobGraph graph;
  model::Placement placement;
  sim::EngineParams params;
};

// A stage of `parallelism` subtasks costing `cost` per record, reached over `partition`, placed
// on `taskmanager` (per subtask; empty: all on TaskManager 0).
StageSpec stage(int parallelism, model::Nanos cost, model::Partition partition = model::Partition::Forward,
                std::vector<int> taskmanager = {});

// Runs the job at buffer level over `horizon` (statistics after `warmup`).
sim::RunResult simulate_job(const TestJob& job, model::Nanos horizon = 10 * model::kSecond, model::Nanos warmup = 0);

// A line of stages: stage 0 is the source, the last one the sink. Traffic constant at `rate`.
TestJob line_job(const std::vector<StageSpec>& stages, double rate, int taskmanagers,
                 double cores_per_taskmanager, std::uint64_t seed = 42);

// Source → a 100 µs operator (capacity exactly 10k/s) → sink, evenly spaced arrivals at `rate`,
// checkpoints every 5 s, a TaskManager lost at 20 s: noticed after 5 s, restarted after a fixed
// 1 s delay on the spare slots (taskmanager.numberOfTaskSlots 4: no pod to wait for); metrics
// every 50 ms (catch-up is read off the samples). Recovery tests at both granularities use it.
TestJob catch_up_job(double rate);

}  // namespace flinksim::testing
