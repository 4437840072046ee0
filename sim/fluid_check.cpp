// The fluid level checked against buffer level over the peak (fluid_check.h).
#include "sim/fluid_check.h"

#include <algorithm>
#include <cmath>

#include "model/traffic.h"
#include "sim/fluid_engine.h"

namespace flinksim::sim {
namespace {

// Left out of the figures at both levels: both start empty at the window, and what is compared
// is the rates at the peak, not the fill.
constexpr model::Nanos kCheckWarmupMax = 20 * model::kSecond;

}  // namespace

CheckedFigure compare_ms_per_s(double buffer, double fluid) {
  const double gap = std::abs(fluid - buffer);
  return {buffer, fluid,
          gap > kCheckMsPerS || (buffer > kCheckShareAbove && gap > kCheckShare * buffer)};
}

CheckedFigure compare_within(double buffer, double fluid, double bound) {
  return {buffer, fluid, std::abs(fluid - buffer) > bound};
}

bool FluidCheck::apart() const {
  if (throughput.apart) return true;
  for (const auto& v : vertices)
    if (v.busy.apart || v.backpressured.apart) return true;
  return std::any_of(taskmanagers.begin(), taskmanagers.end(),
                     [](const CheckedFigure& c) { return c.apart; });
}

FluidCheck check_fluid(const model::Scenario& scenario, model::Nanos horizon) {
  FluidCheck check;
  const std::int64_t budget = scenario.simulation.check_budget;
  if (budget <= 0) {
    check.skipped = "check_budget = 0";
    return check;
  }
  model::TrafficSpec span = scenario.traffic;  // the peak is looked for within the run
  if (horizon > 0 && horizon < span.duration) span.duration = horizon;

  // The busiest kCheckLength of the run, or as much of it as the budget buys at buffer level (a
  // shorter window's peak may run hotter: estimated again, and shrunk again).
  model::Window peak = model::peak_window(span, std::min(kCheckLength, span.duration));
  model::Nanos length = peak.end - peak.start;
  double peak_events = estimated_events(scenario, peak.start, peak.end);
  const bool bought =
      peak_events > static_cast<double>(budget);  // the budget, not the run, is short
  for (int shrink = 0; shrink < 2 && peak_events > static_cast<double>(budget); ++shrink) {
    length = static_cast<model::Nanos>(static_cast<double>(length) * static_cast<double>(budget) /
                                       peak_events);
    peak = model::peak_window(span, length);
    peak_events = estimated_events(scenario, peak.start, peak.end);
  }
  length -= length % model::kSecond;  // whole seconds: "over 48s of the peak", not 48.278s
  check.warmup = std::min(kCheckWarmupMax, length / 4 - length / 4 % model::kSecond);
  check.window = length - check.warmup;
  check.start = peak.start;
  if (check.window < kCheckMinimum && !bought) {
    check.skipped = "the run is too short to check: " + model::format_duration(check.window) +
                    " after " + model::format_duration(check.warmup) + " to warm up, under " +
                    model::format_duration(kCheckMinimum);
    return check;
  }
  if (check.window < kCheckMinimum) {
    // What would buy the minimum: the peak's events per second × (minimum + its warm-up).
    const double per_second =
        peak_events / std::max(1e-9, static_cast<double>(peak.end - peak.start) / 1e9);
    const double wanted = per_second * 1.25 * static_cast<double>(kCheckMinimum) / 1e9;
    check.skipped = "check_budget buys " + model::format_duration(check.window) +
                    " of the peak at buffer level, under " + model::format_duration(kCheckMinimum) +
                    " (about " + std::to_string(std::llround(wanted / 1e6)) + "M events would do)";
    return check;
  }

  model::Scenario steady = scenario;
  steady.failures.clear();
  RunOptions options;
  options.start = check.start;
  options.horizon = length;
  options.warmup = check.warmup;
  const RunResult buffer = simulate(steady, options);
  if (!buffer.conserved) {
    check.skipped = "buffer level did not conserve records: " + buffer.conservation_error;
    return check;
  }
  const RunResult fluid = simulate_fluid(steady, options);
  check.ran = true;
  check.events = static_cast<std::int64_t>(buffer.events);
  check.wall_seconds = buffer.wall_seconds + fluid.wall_seconds;
  check.throughput = compare_within(buffer.throughput_mean, fluid.throughput_mean,
                                    kCheckThroughput * buffer.throughput_mean);
  for (std::size_t v = 0; v < buffer.vertices.size() && v < fluid.vertices.size(); ++v) {
    const VertexSummary& b = buffer.vertices[v];
    const VertexSummary& f = fluid.vertices[v];
    check.vertices.push_back(
        {b.name, compare_ms_per_s(b.busy_ms_per_s, f.busy_ms_per_s),
         compare_ms_per_s(b.backpressured_ms_per_s, f.backpressured_ms_per_s)});
  }
  for (std::size_t t = 0; t < buffer.taskmanagers.size() && t < fluid.taskmanagers.size(); ++t)
    check.taskmanagers.push_back(compare_within(buffer.taskmanagers[t].cpu_utilization,
                                                fluid.taskmanagers[t].cpu_utilization, kCheckCpu));
  return check;
}

}  // namespace flinksim::sim
