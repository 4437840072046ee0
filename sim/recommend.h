// `recommend`: the cheapest layout in the scenario's [search] space that meets every [slo].
//
// 1. Parallelism per vertex, as DS2 and Flink's autoscaler size it: p = ceil(demand ÷ (true
//    processing rate of one subtask × target utilization)) = ceil(CPU cores the vertex needs at
//    the traffic peak ÷ U) (model/steady_state.h gives both). Then aligned as the autoscaler's
//    JobVertexScaler#scale aligns a scale-up (EVENLY_SPREAD): a vertex with a HASH input, or a
//    source with a known number of Kafka partitions, takes the smallest p' ≥ p that divides its
//    key groups (max parallelism) or partitions, else the smallest p' whose share
//    (N ÷ p') is no larger than N ÷ p. Chained operators share their vertex's p.
// 2. Every (TaskManagers, slots, cores, memory) of [search] is a candidate ("considered"),
//    ordered by cost per hour (sim/sweep.h's cost model). Candidates are screened analytically
//    first (model/layout_assessment.h: slots, network buffers, memory, CPU at peak, state fit,
//    checkpoint expiry, recovery; and utilization: the busiest subtask's busy time estimated with
//    waiting for a core, and no TaskManager's cores busier than the objective — see
//    sim/sweep.h screen_failure), cheapest first. A utilization miss raises the busiest vertex's
//    parallelism (aligned) and the candidate is screened again, before anything is simulated.
// 3. Candidates that pass the screen are simulated at fluid level over the whole traffic profile,
//    cheapest first; the first that meets every SLO is confirmed at buffer level over the peak
//    window (model::peak_window, 5 minutes, shortened to about 3M events for large jobs). The first
//    confirmed is the recommendation. A vertex
//    whose busiest subtask misses the utilization objective in simulation gets its next aligned
//    parallelism and the candidate is tried again (stricter objectives only ever add).
// "evaluated" counts simulations run; "binding" is the objective that rejected the
// next-cheaper candidate (what keeps the recommendation from being cheaper).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/scenario.h"
#include "model/scenario_reader.h"
#include "sim/sweep.h"

namespace flinksim::sim {

// Flink autoscaler's EVENLY_SPREAD alignment of a scale-up to `p` for N key groups or partitions.
int align_parallelism(int p, int n);

// The DS2 / autoscaler parallelism of every operator (by scenario operator name) at the peak.
std::map<std::string, int> sized_parallelism(const model::Scenario& scenario, double target_utilization);

struct Layout {
  int taskmanagers = 1;
  int slots_per_taskmanager = 1;
  double cpu_per_taskmanager = 1;
  model::Bytes memory_per_taskmanager = 0;
  std::map<std::string, int> parallelism;  // by operator name
};

// The overrides that turn the scenario into `layout`.
model::ScenarioOverrides layout_overrides(const model::ScenarioOverrides& base, const Layout& layout);

struct Alternative {
  Layout layout;
  double cost_per_hour = 0;
  std::string fails;    // the objective that rejected it (binding names)
  std::string why;      // in words
  bool simulated = false;
};

struct Recommendation {
  bool found = false;
  Layout layout;
  SweepRow row;                         // the buffer-level confirmation of the recommendation
  std::string binding;                  // slots | networkBuffers | memory | cpu | state | checkpointDuration | recovery | latencyP99 | utilization | searchSpace
  std::vector<Alternative> alternatives;  // the next-cheaper candidates and why they fail (≤ 5)
  int evaluated = 0;                    // simulations run (fluid and buffer)
  // Every candidate looked at, cheapest first, with the figures that judged it: screened out by
  // the analytic assessment (its SLO figures, source "analytic"), or simulated (a fluid row over
  // the profile, then a buffer row over the peak window). `values` holds "operator=parallelism".
  // What the report draws: cost against each objective across layouts.
  std::vector<SweepRow> examined;
  long considered = 0;                  // layouts in the [search] space
  std::string needed;                   // when none is found: what would be needed
};

struct RecommendOptions {
  model::ScenarioOverrides base;
  model::Nanos confirm_window = 5 * model::kMinute;
  // The exhaustive search the screen is checked against: every candidate that deploys is
  // simulated (CPU and utilization are judged by simulation only, not screened), none is skipped
  // after the first feasible one; the result is the cheapest feasible.
  bool exhaustive = false;
};

Recommendation recommend(const std::string& scenario_path, const RecommendOptions& options);

}  // namespace flinksim::sim
