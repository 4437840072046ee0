// A sweep: the grid of layouts given by --vary, each screened analytically
// (model/layout_assessment.h) and, when it deploys, simulated (sim/fluid_auto.h: buffer or fluid
// level as the scenario asks), with its cost per hour and every [slo] figure. `flinksim sweep`
// prints the rows; `recommend` will search the same way.
//
// Keys of --vary
//   `flink.<key>` sets a Flink configuration key (as -D does): `flink.taskmanager.numberOfTaskSlots=2,4`;
//   anything else is a scenario field path (as --set takes it): `cluster.taskmanagers=1..8`,
//   `cluster.cpu_per_taskmanager=2,4`, `operator.enrich.parallelism=4,8,16`, `traffic.peak=100k/s,300k/s`.
//   Values: a comma-separated list, or an integer range `A..B` (inclusive), or both (`1..4,8,16`).
//   Several --vary make a grid; the first key varies slowest (row order = nested loops in --vary
//   order), whatever the number of jobs.
//
// Cost per hour (made-up prices from [search]): per TaskManager, cpu_per_taskmanager ×
// price_per_core_hour + taskmanager.memory.process.size in GiB × price_per_gib_hour, times the
// TaskManager count. The JobManager is not counted (one pod, the same in every layout).
//
// Determinism: every row is a function of the scenario file, the overrides and its grid values
// only (each run seeds from the scenario); rows are returned in grid order, so the output is the
// same for any `jobs`, and whichever rows a resumed sweep took from its journal (`done`).
// Wall-clock time is not part of a row.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/layout_assessment.h"
#include "model/scenario.h"
#include "model/scenario_reader.h"
#include "sim/slo_evaluation.h"

namespace flinksim::sim {

struct Vary {
  std::string key;                  // as written after --vary
  std::vector<std::string> values;  // expanded (ranges written out)
  bool flink = false;               // key is flink.<key>: a Flink configuration key
};

// Parses "KEY=V1,V2,A..B". Throws model::InputFailure naming --vary on a malformed argument.
Vary parse_vary(const std::string& text);

// The grid in row order: each point holds one value per Vary, in --vary order.
std::vector<std::vector<std::string>> expand_grid(const std::vector<Vary>& vary);

// The overrides of one grid point on top of `base`.
model::ScenarioOverrides point_overrides(const model::ScenarioOverrides& base, const std::vector<Vary>& vary,
                                         const std::vector<std::string>& point);

double cost_per_hour(const model::Scenario& scenario);

// The analytic screen of a layout: the first objective it fails, in the order a user fixes them
// (slots, networkBuffers, state, cpu (rate at peak), utilization (busiest subtask's demand),
// checkpointDuration, recovery), and why in words; {"", ""} when it passes. recommend rejects
// by it; sweep simulates anyway and lets it decide only what the engine does not simulate.
std::pair<std::string, std::string> screen_failure(const model::LayoutAssessment& assessment);

// Per vertex, the largest busy share of its subtasks at peak estimated with waiting for a core
// (processor sharing, threads waking on their own: the product form of sim/core_sharing.h); what
// the utilization screen compares with the objective.
std::vector<double> contended_busy(const model::LayoutAssessment& assessment);

// A row: everything `flinksim sweep` prints of a layout. A field added here must also go into the
// journal (cli/sweep_journal.cpp), or a resumed sweep would lose it: tests/cli/sweep_resume_test
// compares a resumed sweep's output with an uninterrupted one's, byte for byte.
struct SweepRow {
  std::string scenario;               // the file
  std::vector<std::string> values;    // the grid point, in --vary order
  int taskmanagers = 0;
  int slots_per_taskmanager = 0;
  double cpu_per_taskmanager = 0;
  model::Bytes memory_per_taskmanager = 0;  // taskmanager.memory.process.size
  double cost_per_hour = 0;
  bool deploys = false;               // slots, network buffers and memory fit (the analytic screen)
  bool simulated = false;
  std::string granularity;            // "buffer" | "fluid" when simulated
  double throughput = 0;              // records/s, mean
  double latency_p99_ms = 0;
  std::vector<SloResult> slos;
  bool feasible = false;              // deploys, simulated, conserved, and every evaluated SLO met
  std::string why;                    // the first reason it is not feasible ("" when feasible)
  // At fluid level, where its busy time may be off (RunResult::caveats): a row to confirm with
  // `run` before trusting its utilization.
  std::vector<std::string> caveats;
};

struct SweepOptions {
  model::ScenarioOverrides base;  // -D, --set, --config given to every layout
  int jobs = 1;
  std::optional<model::Nanos> horizon;  // default: the scenario's traffic duration
  // Shard `shard_index` of `shard_count`: the contiguous block of rows
  // [⌊i·T/n⌋, ⌊(i+1)·T/n⌋) of the T rows, so the shards' outputs concatenated in shard order are
  // exactly the whole sweep's (`flinksim merge`).
  int shard_index = 0;
  int shard_count = 1;
  // Rows already computed, by index into this shard's points (a resumed sweep's journal): taken
  // as they are, not evaluated again. A row depends on its point alone, so the rows come out the
  // same whichever were resumed.
  std::map<std::size_t, SweepRow> done;
  // Called after each row evaluated (from worker threads, serialized, in completion order): its
  // index into this shard's points and the row, e.g. to journal it. If it throws, no further row
  // starts and run_points rethrows once the rows under way are finished.
  std::function<void(std::size_t, const SweepRow&)> completed;
  // Called after each row (from worker threads, serialized): rows done (those in `done`
  // included), rows in all.
  std::function<void(std::size_t, std::size_t)> progress;
};

// What a row is computed from, with the options' overrides: a scenario file and a grid point.
struct SweepPoint {
  std::string scenario;
  std::vector<std::string> values;  // one per Vary, in --vary order
};

// This shard's points in row order: every grid point of every scenario file (files in the order
// given, then grid order), or this shard's block of them.
// Throws model::InputFailure when a --vary key or value is not accepted by the scenario (checked
// on the first points of each file before anything runs).
std::vector<SweepPoint> sweep_points(const std::vector<std::string>& scenarios, const std::vector<Vary>& vary,
                                     const SweepOptions& options);

// One row per point, in the order of `points`, using `options.jobs` threads.
std::vector<SweepRow> run_points(const std::vector<SweepPoint>& points, const std::vector<Vary>& vary,
                                 const SweepOptions& options);

// run_points(sweep_points(...)).
std::vector<SweepRow> run_sweep(const std::vector<std::string>& scenarios, const std::vector<Vary>& vary,
                                const SweepOptions& options);

// One layout: reads the scenario with `overrides`, screens it, simulates it if it deploys.
SweepRow evaluate_layout(const std::string& scenario_path, const model::ScenarioOverrides& overrides,
                         std::optional<model::Nanos> horizon);

}  // namespace flinksim::sim
