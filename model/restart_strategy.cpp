#include "model/restart_strategy.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

namespace flinksim::model {
namespace {

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

const char* to_string(RestartStrategyKind kind) {
  switch (kind) {
    case RestartStrategyKind::None: return "none";
    case RestartStrategyKind::FixedDelay: return "fixed-delay";
    case RestartStrategyKind::FailureRate: return "failure-rate";
    case RestartStrategyKind::ExponentialDelay: return "exponential-delay";
  }
  return "none";
}

RestartStrategy resolve_restart_strategy(const FlinkConfig& config) {
  RestartStrategy s;
  const FlinkConfig::Entry* entry = config.find(options::kRestartStrategy);
  if (entry == nullptr) {
    // Flink 1.19+: no strategy configured → none without checkpointing, else exponential-delay.
    const std::optional<Nanos> interval = config.get_duration_opt(options::kCheckpointInterval);
    s.kind = interval && *interval > 0 ? RestartStrategyKind::ExponentialDelay
                                       : RestartStrategyKind::None;
  } else {
    s.configured = true;
    const std::string name = lower(entry->value);
    if (name == "none" || name == "off" || name == "disable") {
      s.kind = RestartStrategyKind::None;
    } else if (name == "fixed-delay" || name == "fixeddelay") {
      s.kind = RestartStrategyKind::FixedDelay;
    } else if (name == "failure-rate" || name == "failurerate") {
      s.kind = RestartStrategyKind::FailureRate;
    } else if (name == "exponential-delay" || name == "exponentialdelay") {
      s.kind = RestartStrategyKind::ExponentialDelay;
    } else {
      throw InputFailure({{entry->pos, config.key_of(options::kRestartStrategy),
                           "unknown restart strategy '" + entry->value +
                               "'; Flink accepts none, fixed-delay, failure-rate or "
                               "exponential-delay"}});
    }
  }
  s.fixed_attempts = config.get_int(options::kFixedDelayAttempts);
  s.fixed_delay = config.get_duration(options::kFixedDelayDelay);
  s.max_failures_per_interval = config.get_int(options::kFailureRateMaxFailures);
  s.failure_rate_interval = config.get_duration(options::kFailureRateInterval);
  s.failure_rate_delay = config.get_duration(options::kFailureRateDelay);
  s.initial_backoff = config.get_duration(options::kExpInitialBackoff);
  s.max_backoff = config.get_duration(options::kExpMaxBackoff);
  s.multiplier = config.get_double(options::kExpBackoffMultiplier);
  s.jitter = config.get_double(options::kExpJitterFactor);
  s.reset_threshold = config.get_duration(options::kExpResetBackoffThreshold);
  s.attempts_before_reset = config.get_int(options::kExpAttemptsBeforeReset);
  return s;
}

std::optional<Nanos> RestartBackoff::on_failure(Nanos now, std::mt19937_64& rng) {
  const RestartStrategy& s = strategy_;
  switch (s.kind) {
    case RestartStrategyKind::None:
      return std::nullopt;
    case RestartStrategyKind::FixedDelay:
      if (restarts_ >= s.fixed_attempts) return std::nullopt;
      ++restarts_;
      return s.fixed_delay;
    case RestartStrategyKind::FailureRate:
      recent_.push_back(now);
      while (!recent_.empty() && recent_.front() <= now - s.failure_rate_interval) recent_.pop_front();
      if (static_cast<std::int64_t>(recent_.size()) > s.max_failures_per_interval) return std::nullopt;
      ++restarts_;
      return s.failure_rate_delay;
    case RestartStrategyKind::ExponentialDelay: {
      // Flink's ExponentialDelayRestartBackoffTimeStrategy: reset after a quiet threshold,
      // else grow the backoff, held in [initial, max]; jitter on top of the held value.
      const double initial = static_cast<double>(s.initial_backoff);
      const double max = static_cast<double>(s.max_backoff);
      if (!last_restart_ || now - *last_restart_ >= s.reset_threshold) {
        attempt_ = 1;
        backoff_ns_ = initial;
      } else {
        if (backoff_ns_ < max) backoff_ns_ *= s.multiplier;
        backoff_ns_ = std::max(initial, std::min(backoff_ns_, max));
        ++attempt_;
      }
      if (attempt_ > s.attempts_before_reset) return std::nullopt;
      double jitter = 0.0;
      if (s.jitter > 0.0) {
        const double offset = backoff_ns_ * s.jitter;
        jitter = std::uniform_real_distribution<double>(-offset, offset)(rng);
      }
      const Nanos delay = std::max<Nanos>(0, std::llround(backoff_ns_ + jitter));
      last_restart_ = now + delay;
      ++restarts_;
      return delay;
    }
  }
  return std::nullopt;
}

}  // namespace flinksim::model
