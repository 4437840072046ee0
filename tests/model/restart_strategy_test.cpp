// restart_strategy: Flink's strategy selection and delays (flink-facts.md d.4), 1.19+ defaults.
#include <catch2/catch.hpp>

#include <random>

#include "model/restart_strategy.h"

using namespace flinksim::model;

namespace {
FlinkConfig config(std::initializer_list<std::pair<const char*, const char*>> entries) {
  FlinkConfig c;
  for (const auto& [k, v] : entries) c.set(k, v);
  return c;
}
}  // namespace

TEST_CASE("nothing configured: no restart without checkpointing, exponential-delay with it") {
  const RestartStrategy off = resolve_restart_strategy(config({}));
  CHECK(off.kind == RestartStrategyKind::None);
  CHECK_FALSE(off.configured);
  const RestartStrategy on = resolve_restart_strategy(
      config({{"execution.checkpointing.interval", "60s"}}));
  CHECK(on.kind == RestartStrategyKind::ExponentialDelay);
  CHECK(on.initial_backoff == kSecond);
  CHECK(on.max_backoff == kMinute);
  CHECK(on.multiplier == 1.5);
  CHECK(on.jitter == 0.1);
  CHECK(on.reset_threshold == kHour);
}

TEST_CASE("strategy names, Flink's aliases and the deprecated key") {
  CHECK(resolve_restart_strategy(config({{"restart-strategy", "fixeddelay"}})).kind ==
        RestartStrategyKind::FixedDelay);
  CHECK(resolve_restart_strategy(config({{"restart-strategy.type", "off"}})).kind ==
        RestartStrategyKind::None);
  CHECK(resolve_restart_strategy(config({{"restart-strategy.type", "failure-rate"}})).kind ==
        RestartStrategyKind::FailureRate);
  CHECK_THROWS_AS(resolve_restart_strategy(config({{"restart-strategy.type", "sometimes"}})),
                  InputFailure);
}

TEST_CASE("exponential-delay: 1 s, 1.5 s, 2.25 s, ... capped at 1 min, each within +/-10%") {
  RestartBackoff backoff(resolve_restart_strategy(config({{"restart-strategy.type", "exponential-delay"}})));
  std::mt19937_64 rng(42);  // seed 42
  double expected = 1.0;
  Nanos now = 0;
  for (int n = 1; n <= 15; ++n) {
    const std::optional<Nanos> delay = backoff.on_failure(now, rng);
    REQUIRE(delay);
    const double seconds = static_cast<double>(*delay) / kSecond;
    INFO("restart " << n);
    CHECK(seconds >= expected * 0.9 - 1e-9);
    CHECK(seconds <= expected * 1.1 + 1e-9);
    expected = std::min(expected * 1.5, 60.0);
    now += *delay + 10 * kSecond;  // fails again 10 s after each restart
  }
  CHECK(expected == 60.0);
}

TEST_CASE("exponential-delay: same seed, same delays; an hour without failure resets") {
  const RestartStrategy s = resolve_restart_strategy(config({{"restart-strategy.type", "exponential-delay"}}));
  RestartBackoff a(s), b(s);
  std::mt19937_64 ra(7), rb(7);  // seed 7 for both
  for (Nanos t : {Nanos{0}, 5 * kSecond, 20 * kSecond}) CHECK(a.on_failure(t, ra) == b.on_failure(t, rb));
  const std::optional<Nanos> after_quiet_hour = a.on_failure(2 * kHour, ra);
  REQUIRE(after_quiet_hour);
  CHECK(*after_quiet_hour >= 900 * kMillisecond);
  CHECK(*after_quiet_hour <= 1100 * kMillisecond);
}

TEST_CASE("fixed-delay: its attempts, then the job fails; none never restarts") {
  RestartBackoff fixed(resolve_restart_strategy(config({{"restart-strategy.type", "fixed-delay"}})));
  std::mt19937_64 rng(1);  // seed 1 (unused: no jitter)
  CHECK(fixed.on_failure(0, rng) == kSecond);
  CHECK_FALSE(fixed.on_failure(kMinute, rng));
  RestartBackoff three(resolve_restart_strategy(config(
      {{"restart-strategy.type", "fixed-delay"}, {"restart-strategy.fixed-delay.attempts", "3"},
       {"restart-strategy.fixed-delay.delay", "10 s"}})));
  for (int i = 0; i < 3; ++i) CHECK(three.on_failure(i * kMinute, rng) == 10 * kSecond);
  CHECK_FALSE(three.on_failure(5 * kMinute, rng));
  RestartBackoff none(resolve_restart_strategy(config({{"restart-strategy.type", "none"}})));
  CHECK_FALSE(none.on_failure(0, rng));
}

TEST_CASE("failure-rate: more failures than allowed within the interval fail the job") {
  RestartBackoff rate(resolve_restart_strategy(config(
      {{"restart-strategy.type", "failure-rate"},
       {"restart-strategy.failure-rate.max-failures-per-interval", "2"}})));
  std::mt19937_64 rng(1);  // seed 1 (unused)
  CHECK(rate.on_failure(0, rng) == kSecond);
  CHECK(rate.on_failure(30 * kSecond, rng) == kSecond);
  CHECK(rate.on_failure(2 * kMinute, rng) == kSecond);  // the first two fell out of the window
  CHECK(rate.on_failure(2 * kMinute + 5 * kSecond, rng) == kSecond);
  CHECK_FALSE(rate.on_failure(2 * kMinute + 10 * kSecond, rng));  // a third within one minute
}
