// Every traffic shape: exact rate, the fluid staircase, records, the peak window, source shares.
#include "model/traffic.h"

#include <catch2/catch.hpp>

using namespace flinksim::model;

namespace {

TrafficSpec shape(TrafficShape s) {
  TrafficSpec t;
  t.shape = s;
  t.peak = 1000;
  t.trough = 200;
  t.duration = 24 * kHour;
  return t;
}

// Records under the staircase, summed step by step through next_rate_change.
double staircase_records(const TrafficSpec& t, Nanos from, Nanos to) {
  double total = 0;
  for (Nanos at = from; at < to;) {
    const Nanos next = std::min(to, next_rate_change(t, at));
    REQUIRE(next > at);
    total += fluid_rate(t, at) * static_cast<double>(next - at) / 1e9;
    at = next;
  }
  return total;
}

}  // namespace

TEST_CASE("constant: the peak throughout, one change at the end") {
  const TrafficSpec t = shape(TrafficShape::Constant);
  CHECK(arrival_rate(t, 0) == 1000);
  CHECK(arrival_rate(t, 20 * kHour) == 1000);
  CHECK(next_rate_change(t, 5 * kSecond) == t.duration);
  CHECK(next_rate_change(t, t.duration) > t.duration);
  CHECK(records_between(t, 0, kHour) == Approx(3.6e6));
  const Window w = peak_window(t);
  CHECK(w.start == 0);
  CHECK(w.mean_rate == Approx(1000));
}

TEST_CASE("step: trough before step_at, peak from it on") {
  TrafficSpec t = shape(TrafficShape::Step);
  t.step_at = 90 * kMinute;
  CHECK(arrival_rate(t, 90 * kMinute - 1) == 200);
  CHECK(arrival_rate(t, 90 * kMinute) == 1000);
  CHECK(next_rate_change(t, 0) == 90 * kMinute);
  CHECK(next_rate_change(t, 90 * kMinute) == t.duration);
  CHECK(records_between(t, 80 * kMinute, 100 * kMinute) == Approx(600 * 200 + 600 * 1000));
  CHECK(peak_window(t).start == 90 * kMinute);
  CHECK(peak_window(t).mean_rate == Approx(1000));
}

TEST_CASE("diurnal: a cosine with its peak at diurnal_peak_at and trough 12 h away") {
  TrafficSpec t = shape(TrafficShape::Diurnal);
  t.diurnal_peak_at = 14 * kHour;
  CHECK(arrival_rate(t, 14 * kHour) == Approx(1000));
  CHECK(arrival_rate(t, 2 * kHour) == Approx(200));
  CHECK(arrival_rate(t, 26 * kHour) == Approx(200));
  CHECK(arrival_rate(t, 8 * kHour) == Approx(600));  // halfway, a quarter period away
  CHECK(arrival_rate(t, 13 * kHour) == Approx(arrival_rate(t, 15 * kHour)));
  // A whole day carries the mean rate.
  CHECK(records_between(t, 0, 24 * kHour) == Approx(600.0 * 86400));
  // The staircase: one step per minute, each at its midpoint's rate, same records.
  CHECK(next_rate_change(t, 30 * kSecond) == kMinute);
  CHECK(fluid_rate(t, 10 * kSecond) == arrival_rate(t, 30 * kSecond));
  CHECK(fluid_rate(t, 10 * kSecond) == fluid_rate(t, 50 * kSecond));
  CHECK(staircase_records(t, 0, 24 * kHour) ==
        Approx(records_between(t, 0, 24 * kHour)).epsilon(1e-6));
  const Window w = peak_window(t);
  CHECK(w.start == 13 * kHour + 30 * kMinute);
  CHECK(w.end == 14 * kHour + 30 * kMinute);
  CHECK(w.mean_rate < 1000);
  CHECK(w.mean_rate > 995);
}

TEST_CASE("burst: peak for burst_length of every burst_every") {
  TrafficSpec t = shape(TrafficShape::Burst);
  t.duration = 2 * kHour;
  t.burst_every = 10 * kMinute;
  t.burst_length = 1 * kMinute;
  CHECK(arrival_rate(t, 30 * kSecond) == 1000);
  CHECK(arrival_rate(t, 5 * kMinute) == 200);
  CHECK(arrival_rate(t, 10 * kMinute + 1) == 1000);
  CHECK(next_rate_change(t, 0) == kMinute);
  CHECK(next_rate_change(t, kMinute) == 10 * kMinute);
  CHECK(records_between(t, 0, 10 * kMinute) == Approx(60 * 1000 + 540 * 200));
  CHECK(staircase_records(t, 0, 2 * kHour) == Approx(records_between(t, 0, 2 * kHour)));
  CHECK(peak_window(t, 30 * kSecond).mean_rate == Approx(1000));
}

TEST_CASE("trace: linear between points, flat outside them") {
  TrafficSpec t = shape(TrafficShape::Trace);
  t.duration = 3 * kHour;
  t.trace = {{kHour, 100}, {2 * kHour, 500}};
  CHECK(arrival_rate(t, 0) == 100);
  CHECK(arrival_rate(t, 90 * kMinute) == Approx(300));
  CHECK(arrival_rate(t, 3 * kHour) == 500);
  CHECK(records_between(t, kHour, 2 * kHour) == Approx(300.0 * 3600));
  CHECK(staircase_records(t, 0, 3 * kHour) == Approx(records_between(t, 0, 3 * kHour)).epsilon(1e-6));
  const Window w = peak_window(t);
  CHECK(w.start == 2 * kHour);
  CHECK(w.mean_rate == Approx(500));
}

TEST_CASE("a run shorter than the window: the window is the whole run") {
  TrafficSpec t = shape(TrafficShape::Step);
  t.duration = 10 * kMinute;
  t.step_at = 5 * kMinute;
  const Window w = peak_window(t);
  CHECK(w.start == 0);
  CHECK(w.end == 10 * kMinute);
  CHECK(w.mean_rate == Approx(600));
}

TEST_CASE("the total rate splits equally over source operators") {
  Scenario s;
  s.operators.resize(4);
  s.operators[0].kind = OperatorKind::Source;
  s.operators[2].kind = OperatorKind::Source;
  const auto shares = source_shares(s);
  CHECK(shares == std::vector<double>{0.5, 0.0, 0.5, 0.0});
}
