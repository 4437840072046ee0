// Flink's restart strategies (RestartBackoffTimeStrategy implementations in flink-runtime;
// flink-facts.md d.4), 1.19+ semantics: which strategy applies, and for each failure whether the
// job may restart and after what delay.
//
// Which strategy: `restart-strategy.type` (old key `restart-strategy`) when set: none | off |
// disable, fixed-delay | fixeddelay, failure-rate | failurerate, exponential-delay |
// exponentialdelay. When unset: checkpointing disabled → none (the job fails at its first
// failure); enabled → exponential-delay (1.19+, FLINK-33735).
//
// Delays (each strategy's keys default to Flink's values, see flink_options.h):
//  - fixed-delay: `delay` each time, up to `attempts` restarts, then the job fails.
//  - failure-rate: `delay` each time, while at most `max-failures-per-interval` failures fall in
//    the trailing `failure-rate-interval` (this failure included).
//  - exponential-delay: the n-th consecutive failure waits initial × multiplier^(n−1), held in
//    [initial, max], plus a uniform jitter in ±jitter-factor of that backoff (so with the 1.19
//    defaults: 1 s, 1.5 s, 2.25 s, … 60 s, each ±10%). A failure more than
//    reset-backoff-threshold after the previous restart starts again at initial. Restarts fail
//    the job once more than attempts-before-reset-backoff happen without a reset.
//
// Determinism: jitter draws from the RNG the caller passes (seeded from the scenario), never
// from a clock or a global source, so a run is reproducible.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <random>

#include "model/flink_config.h"
#include "model/units.h"

namespace flinksim::model {

enum class RestartStrategyKind { None, FixedDelay, FailureRate, ExponentialDelay };

// Flink's spelling: "none", "fixed-delay", "failure-rate", "exponential-delay".
const char* to_string(RestartStrategyKind kind);

struct RestartStrategy {
  RestartStrategyKind kind = RestartStrategyKind::None;
  bool configured = false;  // false: derived from whether checkpointing is enabled
  // fixed-delay
  std::int64_t fixed_attempts = 1;
  Nanos fixed_delay = kSecond;
  // failure-rate
  std::int64_t max_failures_per_interval = 1;
  Nanos failure_rate_interval = kMinute;
  Nanos failure_rate_delay = kSecond;
  // exponential-delay
  Nanos initial_backoff = kSecond;
  Nanos max_backoff = kMinute;
  double multiplier = 1.5;
  double jitter = 0.1;
  Nanos reset_threshold = kHour;
  std::int64_t attempts_before_reset = 2147483647;
};

// Throws InputFailure (field restart-strategy.type) for an unknown strategy name, or for an
// option value that does not parse.
RestartStrategy resolve_restart_strategy(const FlinkConfig& config);

// The strategy's memory of past failures: one per job, fed the failures in time order.
class RestartBackoff {
 public:
  explicit RestartBackoff(RestartStrategy strategy) : strategy_(strategy) {}

  // A failure at `now` (simulated time, non-decreasing across calls): the delay before the
  // restart, or nullopt when the strategy allows no more restarts (Flink fails the job).
  std::optional<Nanos> on_failure(Nanos now, std::mt19937_64& rng);

  const RestartStrategy& strategy() const { return strategy_; }
  std::int64_t restarts() const { return restarts_; }

 private:
  RestartStrategy strategy_;
  std::int64_t restarts_ = 0;   // restarts granted so far
  std::int64_t attempt_ = 0;    // exponential: consecutive attempts since the last reset
  double backoff_ns_ = 0.0;     // exponential: current backoff before jitter
  std::optional<Nanos> last_restart_;  // exponential: when the previous restart happened
  std::deque<Nanos> recent_;    // failure-rate: failure times in the trailing interval
};

}  // namespace flinksim::model
