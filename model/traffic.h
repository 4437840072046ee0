// The traffic profile: the total rate arriving at the sources as a function of simulated time,
// and how it splits across source operators.
//
// Shapes (TrafficSpec in scenario.h; t is simulated time since the start of the run):
//  - constant: `peak` throughout.
//  - step:     `trough` before `step_at`, `peak` from `step_at` on.
//  - diurnal:  a smooth cosine between `trough` and `peak` with a 24 h period, `peak` at
//              t ≡ diurnal_peak_at (mod 24 h) and `trough` twelve hours away from it. The run
//              starts at midnight (t = 0 is 00:00).
//  - burst:    `peak` during the first `burst_length` of every `burst_every`, else `trough`.
//  - trace:    the CSV points (time, rate), piecewise LINEAR between points (a measured rate is
//              a sample of a continuous curve, not a staircase), held flat before the first point
//              and after the last.
//
// A fluid simulator wants piecewise-constant input: `fluid_rate` and `next_rate_change` describe
// the same profile as a staircase. Constant, step and burst are staircases already (exact);
// diurnal and trace are sampled every kFluidStep (1 minute, on multiples of a minute): each step
// holds the exact rate at its midpoint. A diurnal curve moves at most π/1440 ≈ 0.2 % of its swing
// (peak − trough) within a minute, and the midpoint rule carries the curve's records to second
// order.
//
// Split over sources: every source operator receives an equal share of the total rate (the
// same rule as model/steady_state.h), and within an operator its subtasks share by Kafka
// partition. Rates are never negative.
#pragma once

#include <cstddef>
#include <vector>

#include "model/scenario.h"
#include "model/units.h"

namespace flinksim::model {

inline constexpr Nanos kDiurnalPeriod = 24 * kHour;
inline constexpr Nanos kFluidStep = kMinute;  // staircase step for diurnal and trace

// The exact total rate (records/s over all sources) at time t.
double arrival_rate(const TrafficSpec& traffic, Nanos t);

// arrival_rate for a caller that reads at nearby times again and again (the buffer-level engine
// draws every arrival): it remembers the trace segment of the last read, so a read inside it
// skips the search. Returns exactly arrival_rate(traffic, t), for any t in any order.
class RateCursor {
 public:
  double rate(const TrafficSpec& traffic, Nanos t);

 private:
  std::size_t next_ = 0;  // trace: index of the segment's end point; 0 = no segment remembered
};

// The staircase rate at t: constant between t's step boundaries (see above).
double fluid_rate(const TrafficSpec& traffic, Nanos t);

// The first time > t at which fluid_rate may change; `traffic.duration` (or later) when it stays
// constant until the end of the run. ENSURES: result > t.
Nanos next_rate_change(const TrafficSpec& traffic, Nanos t);

// Records arriving in [from, to) under the exact profile (numerical integration; exact for
// the staircase shapes).
double records_between(const TrafficSpec& traffic, Nanos from, Nanos to);

struct Window {
  Nanos start = 0;
  Nanos end = 0;
  double mean_rate = 0.0;  // records/s over the window
};

// The window of length `length` (default one hour) within [0, duration] with the highest mean
// rate; the earliest such one on ties. Candidates start on multiples of kFluidStep and at the
// profile's own change points. When duration < length the window is the whole run.
Window peak_window(const TrafficSpec& traffic, Nanos length = kHour);

// Each operator's share of the total rate (0 for non-sources; the source shares sum to 1 when
// there is a source), indexed like Scenario::operators.
std::vector<double> source_shares(const Scenario& scenario);

}  // namespace flinksim::model
