// Fitting per-vertex costs from a cluster's metrics: the numbers a scenario needs (CPU per record,
// selectivity, record size, key skew) from what Flink measures (busy time, record rates, bytes).
//
// Method, per vertex (a chain: Flink measures busy time per task, not per operator):
//  - Input rate of each subtask: numRecordsInPerSecond; for sources, the source operator's
//    numRecordsInPerSecond, else its numRecordsOutPerSecond, else the task's numRecordsOutPerSecond
//    (a source task reads nothing from the network, so its task-level numRecordsIn is 0).
//  - CPU per record = Σ busy / Σ records over ALL subtasks (and samples): the inverse of the true
//    processing rate, TPR = numRecordsInPerSecond / (busyTimeMsPerSecond/1000) (DS2; Flink's
//    autoscaler, FLIP-271), weighted by records. A hot key makes one subtask busier because it
//    gets more records, not because each costs more; weighting by records keeps it out of the cost
//    and it shows up as key skew instead.
//  - CPU contention: busy time counts the time a task thread is runnable, including waiting for a
//    core. A TaskManager is saturated when its busy threads want more cores than it has
//    (Σ busy/1000 > cores, cores as usable_cores says) and it used at least saturation_share of
//    them: the cores used are the rate of Status.JVM.CPU.Time between samples
//    (calibrate/cpu_time_rate.h), and only without that rate (one sample, older snapshots,
//    a scrape) Status.JVM.CPU.Load ≥ saturation_share decides — which is right only when the
//    TaskManager has its host to itself: Load is a share of all the host's CPUs (see
//    TaskManagerInfo::cpu_load), so FitResult::warnings names a TaskManager it kept uncorrected
//    although its threads want more than its cores. With neither it counts as saturated. Each
//    subtask's busy time there is scaled by used ÷ demand before it enters the sums (used: the
//    cores used, at most cores; cores without the rate). That recovers the TaskManager's total
//    CPU exactly (Σ cost × records = the cores used while they are full), but its split between
//    vertices only up to an assumption: under processor sharing a thread's busy time is its
//    work ÷ its mean speed while runnable, E[cores / runnable threads | it is runnable], which
//    depends on which threads are runnable together, and per-second averages do not say that.
//    The factor is the same for every thread of the TaskManager (cores ÷ mean runnable threads);
//    other assumptions (independent threads) are no better — see calibrate/README.md for the
//    figures and the bound.
//  - The autoscaler's view (busy-time aggregator MAX, its default) is reported beside it:
//    cost_busiest = parallelism × max busy / Σ records. It is conservative: it charges the hot
//    subtask's load to every subtask.
//  - Key skew: the spread of per-subtask input rates, max/mean (1 = even) and their coefficient of
//    variation; for a vertex with a HASH input, the Zipf exponent whose expected largest subtask
//    share (model/key_distribution.h, with `key_count` keys) matches the observed max/mean.
//  - Least squares over every (subtask, sample) point: busy_ms_per_s ≈ slope × rate + intercept
//    (Eigen), with the RMS residual; the slope is the marginal cost, the intercept the time spent
//    busy regardless of records (timers, flushes). With all rates equal the problem is singular
//    and the fit goes through the origin.
//  - Sources: the rate they could reach, rate / (1 − backPressuredTimeMsPerSecond/1000).
//  - Selectivity: records out / in per operator (operator metrics) and per chain (task metrics);
//    record size: numBytesOutPerSecond / numRecordsOutPerSecond.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "calibrate/cluster_reader.h"
#include "calibrate/job_reader.h"

namespace flinksim::calibrate {

// One snapshot of the cluster and the job, at one time.
struct Sample {
  ClusterInfo cluster;
  JobInfo job;
  // When, on the JobManager's clock (epoch ms; read_sample takes job.now_ms): the time base of
  // Status.JVM.CPU.Time's rate. nullopt without a job or its `now` (a Prometheus scrape).
  std::optional<std::int64_t> time_ms;
};

struct FitOptions {
  // Share of a TaskManager's cores in use at which it counts as saturated: cores used (the rate
  // of Status.JVM.CPU.Time) ÷ usable_cores, or, without that rate, Status.JVM.CPU.Load.
  double saturation_share = 0.85;
  std::int64_t key_count = 1'000'000;  // keys assumed for the Zipf fit (Flink does not report it)
  std::uint64_t seed = 42;         // key-to-key-group hashing, as the scenario's seed
};

struct OperatorFit {
  std::string name;
  std::optional<double> selectivity;  // out/in from operator metrics, when Flink reported them
};

struct VertexFit {
  std::string id;
  std::string name;
  int parallelism = 1;
  bool measured = false;            // busy time and rates were available
  bool from_aggregates = false;     // only aggregated metrics: no skew, no contention correction
  double input_rate = 0;            // records/s into the vertex, Σ over subtasks, mean over samples
  double source_max_rate = 0;       // sources: Σ rate/(1 − bp/1000)
  double cost_ns = 0;               // CPU per record (contention-corrected), ns
  double cost_uncorrected_ns = 0;   // the same without the contention correction
  double cost_busiest_ns = 0;       // the autoscaler MAX view
  double tpr = 0;                   // records/s the vertex can take at 100 % busy: p × 1e9 / cost_ns
  double tpr_busiest = 0;
  double rate_spread = 1;           // max/mean of per-subtask input rates
  double rate_cv = 0;
  std::optional<double> key_skew;   // Zipf exponent, for vertices with a HASH input
  std::optional<double> selectivity;  // chain: task records out / in
  std::vector<OperatorFit> operators;
  std::optional<double> record_size;  // bytes per emitted record
  double lsq_slope_ns = 0;
  double lsq_intercept_ms = 0;
  double residual_ms = 0;           // RMS of busy_ms − (slope × rate + intercept)
  int points = 0;
  double contention_factor = 1;     // busy-weighted mean of the scaling applied (1: none)
  std::vector<std::string> notes;
};

// What decided whether a TaskManager is saturated (besides demand > cores).
enum class SaturationEvidence {
  CpuTime,  // the rate of Status.JVM.CPU.Time: cores used against its cores
  Load,     // Status.JVM.CPU.Load (no rate): a share of the host's CPUs, right on a host of its own
  None,     // neither reported: saturated whenever demand > cores
};

struct TaskManagerLoad {
  std::string id;
  double cores = 0;                  // usable_cores
  double demand = 0;                 // Σ busy/1000 of its subtasks (busy cores wanted)
  std::optional<double> cores_used;  // ΔStatus.JVM.CPU.Time ÷ Δtime around the sample
  std::optional<double> cpu_load;    // Status.JVM.CPU.Load
  SaturationEvidence evidence = SaturationEvidence::None;
  bool saturated = false;
  double factor = 1;                 // applied to its subtasks' busy time
};

struct FitResult {
  std::vector<VertexFit> vertices;            // in the job's (topological) order
  std::vector<TaskManagerLoad> taskmanagers;  // of the last sample
  std::vector<std::string> warnings;          // e.g. a correction Load may have kept from firing
};

// The cores a TaskManager's threads can run on: hardware.cpuCores (the JVM's availableProcessors)
// unless totalResource.cpuCores is fractional and rounds up to it, when it is the container's CPU
// limit that availableProcessors rounded up (kubernetes.taskmanager.cpu = 2.5 → 3 processors).
double usable_cores(const TaskManagerInfo& tm);

// REQUIRES: !samples.empty(), and every sample's job has the vertices of the first (same job).
FitResult fit(const std::vector<Sample>& samples, const FitOptions& options = {});

// The Zipf exponent whose largest subtask share × parallelism equals `spread` (bisection on
// [0, 4]); 0 when spread ≤ 1.
double zipf_for_spread(double spread, std::int64_t key_count, int max_parallelism, int parallelism,
                       std::uint64_t seed);

}  // namespace flinksim::calibrate
