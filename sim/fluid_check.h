// A fluid-level run checked against buffer level on the job at hand. The fluid level is within 2%
// of buffer level on the cases the agreement suite holds it to, and it says where it knows it is
// off (RunResult::caveats), but on jobs drawn at random about one in sixteen is further apart
// with no caveat (sim/README.md, "Jobs nobody thought of"). So `run` at fluid level also runs the
// job at buffer level over the busiest two minutes of the run (less where `[simulation]
// check_budget` events buy less), runs the fluid level over the same window, and says whether the
// two agree, with the figures.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/scenario.h"
#include "sim/engine.h"

namespace flinksim::sim {

// Where the two levels count as apart. The same bounds as scripts/agreement_sweep.py: busy or
// back-pressured time more than 20 ms/s apart, or 5% where buffer level reads over 50 ms/s;
// throughput more than 2%; a TaskManager's CPU more than 0.02 of its cores.
inline constexpr double kCheckMsPerS = 20;
inline constexpr double kCheckShare = 0.05;
inline constexpr double kCheckShareAbove = 50;
inline constexpr double kCheckThroughput = 0.02;
inline constexpr double kCheckCpu = 0.02;

// One figure at both levels.
struct CheckedFigure {
  double buffer = 0;
  double fluid = 0;
  bool apart = false;
};

// A busy or back-pressured figure in ms/s, and a share (throughput, CPU) against a bound.
CheckedFigure compare_ms_per_s(double buffer, double fluid);
CheckedFigure compare_within(double buffer, double fluid, double bound);

struct VertexCheck {
  std::string name;
  CheckedFigure busy;           // busyTimeMsPerSecond
  CheckedFigure backpressured;  // backPressuredTimeMsPerSecond
};

struct FluidCheck {
  bool ran = false;
  std::string skipped;                // why not, when !ran
  model::Nanos start = 0;             // in the traffic profile: the peak window of this length
  model::Nanos warmup = 0;            // from start, left out of the figures at both levels
  model::Nanos window = 0;            // measured after the warm-up
  std::int64_t events = 0;            // buffer level's
  double wall_seconds = 0;            // both levels' (not in byte-stable output)
  CheckedFigure throughput;           // records/s read from the sources
  std::vector<VertexCheck> vertices;  // job vertices, in the run's order
  std::vector<CheckedFigure> taskmanagers;  // cpuUtilization
  bool apart() const;                       // any figure apart
};

// Runs the check for a run at fluid level over [0, horizon) of the traffic (0 = its duration): the
// window is the busiest kCheckLength of that span, shorter where check_budget buys less (rates
// settle within seconds; two minutes measure them as closely as the agreement sweep's 70 s).
// Failures are left out (the check is of the rates at the peak; recovery is held to buffer level
// by the agreement suite); checkpoints stay. Skipped, with the reason, when check_budget is 0, or
// it or the run is too short for kCheckMinimum after the warm-up. Throws model::InputFailure as
// simulate() does.
inline constexpr model::Nanos kCheckMinimum = 5 * model::kSecond;
inline constexpr model::Nanos kCheckLength = 2 * model::kMinute;
FluidCheck check_fluid(const model::Scenario& scenario, model::Nanos horizon);

}  // namespace flinksim::sim
