#include "model/traffic.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace flinksim::model {
namespace {

constexpr Nanos kNever = std::numeric_limits<Nanos>::max();

double seconds(Nanos ns) { return static_cast<double>(ns) / 1e9; }

// Position of t within a period, in [0, period).
Nanos phase(Nanos t, Nanos period) {
  const Nanos r = t % period;
  return r < 0 ? r + period : r;
}

double diurnal(const TrafficSpec& tr, Nanos t) {
  const double x = 2 * std::numbers::pi * seconds(phase(t - tr.diurnal_peak_at, kDiurnalPeriod)) /
                   seconds(kDiurnalPeriod);
  return tr.trough + (tr.peak - tr.trough) * (1 + std::cos(x)) / 2;
}

// The antiderivative of diurnal() in records, from the peak time (any fixed origin will do).
double diurnal_integral(const TrafficSpec& tr, Nanos t) {
  const double period = seconds(kDiurnalPeriod);
  const double s = seconds(t - tr.diurnal_peak_at);
  const double mean = (tr.peak + tr.trough) / 2;
  const double swing = (tr.peak - tr.trough) / 2;
  return mean * s + swing * period / (2 * std::numbers::pi) * std::sin(2 * std::numbers::pi * s / period);
}

// The linear rate at t between trace points prev and next (prev.first ≤ t < next.first).
double interpolate(const std::pair<Nanos, double>& prev, const std::pair<Nanos, double>& next, Nanos t) {
  const double f = seconds(t - prev.first) / seconds(next.first - prev.first);
  return prev.second + f * (next.second - prev.second);
}

double trace_rate(const TrafficSpec& tr, Nanos t) {
  const auto& pts = tr.trace;
  if (pts.empty()) return tr.peak;
  if (t <= pts.front().first) return pts.front().second;
  if (t >= pts.back().first) return pts.back().second;
  const auto next = std::upper_bound(pts.begin(), pts.end(), t,
                                     [](Nanos v, const auto& p) { return v < p.first; });
  return interpolate(*(next - 1), *next, t);
}

// Exact integral of the linear interpolation: trapezoids between the points clipped to [a, b].
double trace_records(const TrafficSpec& tr, Nanos a, Nanos b) {
  std::vector<Nanos> cuts{a};
  for (const auto& p : tr.trace) {
    if (p.first > a && p.first < b) cuts.push_back(p.first);
  }
  cuts.push_back(b);
  double total = 0;
  for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
    total += seconds(cuts[i + 1] - cuts[i]) * (trace_rate(tr, cuts[i]) + trace_rate(tr, cuts[i + 1])) / 2;
  }
  return total;
}

}  // namespace

double arrival_rate(const TrafficSpec& tr, Nanos t) {
  switch (tr.shape) {
    case TrafficShape::Constant: return tr.peak;
    case TrafficShape::Step: return t < tr.step_at ? tr.trough : tr.peak;
    case TrafficShape::Diurnal: return diurnal(tr, t);
    case TrafficShape::Burst:
      if (tr.burst_every <= 0) return tr.peak;
      return phase(t, tr.burst_every) < tr.burst_length ? tr.peak : tr.trough;
    case TrafficShape::Trace: return trace_rate(tr, t);
  }
  return tr.peak;
}

double RateCursor::rate(const TrafficSpec& tr, Nanos t) {
  const auto& pts = tr.trace;
  if (tr.shape != TrafficShape::Trace || pts.empty() || t <= pts.front().first || t >= pts.back().first)
    return arrival_rate(tr, t);
  // Inside the trace: the segment [pts[next_ − 1], pts[next_]) holding t, as trace_rate finds it.
  if (next_ == 0 || t < pts[next_ - 1].first || t >= pts[next_].first)
    next_ = static_cast<std::size_t>(std::upper_bound(pts.begin(), pts.end(), t,
                                                      [](Nanos v, const auto& p) { return v < p.first; }) -
                                     pts.begin());
  return interpolate(pts[next_ - 1], pts[next_], t);
}

double fluid_rate(const TrafficSpec& tr, Nanos t) {
  if (tr.shape != TrafficShape::Diurnal && tr.shape != TrafficShape::Trace) return arrival_rate(tr, t);
  const Nanos start = t - phase(t, kFluidStep);
  return arrival_rate(tr, start + kFluidStep / 2);
}

Nanos next_rate_change(const TrafficSpec& tr, Nanos t) {
  const Nanos end = t < tr.duration ? tr.duration : kNever;
  switch (tr.shape) {
    case TrafficShape::Constant: return end;
    case TrafficShape::Step: return t < tr.step_at ? tr.step_at : end;
    case TrafficShape::Burst: {
      if (tr.burst_every <= 0) return end;
      const Nanos cycle = t - phase(t, tr.burst_every);
      return phase(t, tr.burst_every) < tr.burst_length ? cycle + tr.burst_length
                                                        : cycle + tr.burst_every;
    }
    case TrafficShape::Diurnal:
    case TrafficShape::Trace: return t - phase(t, kFluidStep) + kFluidStep;
  }
  return end;
}

double records_between(const TrafficSpec& tr, Nanos from, Nanos to) {
  if (to <= from) return 0;
  switch (tr.shape) {
    case TrafficShape::Diurnal: return diurnal_integral(tr, to) - diurnal_integral(tr, from);
    case TrafficShape::Trace:
      if (!tr.trace.empty()) return trace_records(tr, from, to);
      return tr.peak * seconds(to - from);
    default: break;
  }
  // Staircases: the rate is constant up to each change point.
  double total = 0;
  for (Nanos t = from; t < to;) {
    const Nanos next = std::min(to, next_rate_change(tr, t));
    total += arrival_rate(tr, t) * seconds(next - t);
    t = next;
  }
  return total;
}

Window peak_window(const TrafficSpec& tr, Nanos length) {
  if (tr.duration <= length) {
    return {0, tr.duration, tr.duration > 0 ? records_between(tr, 0, tr.duration) / seconds(tr.duration) : 0};
  }
  const Nanos last = tr.duration - length;
  std::vector<Nanos> starts;
  for (Nanos s = 0; s <= last; s += kFluidStep) starts.push_back(s);
  // A window that starts or ends on a change point may beat every minute-aligned one.
  if (tr.shape == TrafficShape::Step || tr.shape == TrafficShape::Burst) {
    constexpr std::size_t kMaxChangePoints = 100'000;
    for (Nanos c = next_rate_change(tr, 0); c < tr.duration && starts.size() < kMaxChangePoints;
         c = next_rate_change(tr, c)) {
      if (c <= last) starts.push_back(c);
      if (c - length >= 0 && c - length <= last) starts.push_back(c - length);
    }
  }
  if (tr.shape == TrafficShape::Trace) {
    for (const auto& p : tr.trace) {
      if (p.first >= 0 && p.first <= last) starts.push_back(p.first);
      if (p.first - length >= 0 && p.first - length <= last) starts.push_back(p.first - length);
    }
  }
  std::sort(starts.begin(), starts.end());
  Window best{0, length, -1};
  for (Nanos s : starts) {
    const double mean = records_between(tr, s, s + length) / seconds(length);
    if (mean > best.mean_rate * (1 + 1e-12)) best = {s, s + length, mean};
  }
  return best;
}

std::vector<double> source_shares(const Scenario& scenario) {
  std::vector<double> shares(scenario.operators.size(), 0.0);
  const auto sources = std::count_if(scenario.operators.begin(), scenario.operators.end(),
                                     [](const OperatorSpec& op) { return op.kind == OperatorKind::Source; });
  for (std::size_t i = 0; i < shares.size(); ++i) {
    if (scenario.operators[i].kind == OperatorKind::Source) shares[i] = 1.0 / static_cast<double>(sources);
  }
  return shares;
}

}  // namespace flinksim::model
