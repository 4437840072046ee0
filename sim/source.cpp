// Sources with a backlog (Flink's FLIP-27 source reading Kafka: `pendingRecords` is the lag).
// Arrivals are not events while the subtask is busy: the backlog is FIFO, so the records a subtask
// takes are exactly the arrival stream in order, drawn lazily when taken. A second copy of the
// same stream is advanced only when the time series is sampled, to count what has arrived (from
// where the taking copy is, when that is further on).
#include <cmath>

#include "model/traffic.h"
#include "sim/world.h"

namespace flinksim::sim::detail {

double Engine::total_rate(Nanos at) const { return rate_cursor_.rate(scenario_.traffic, start_ + at); }

// The rate is held over each gap (piecewise); where the rate is 0 the stream looks again every
// millisecond, so a step or burst out of silence starts within 1 ms.
Nanos Engine::draw_next(const SourceState& source, Rng& rng, Nanos from, int) const {
  constexpr Nanos kSilencePoll = model::kMillisecond;
  for (Nanos t = from; t <= horizon_; t += kSilencePoll) {
    const double rate = total_rate(t) * source.rate_share;
    if (rate <= 0) continue;
    if (rate != source.gap_rate) {  // the division only when the rate changes (a cache)
      source.gap_rate = rate;
      source.mean_gap = 1e9 / rate;
    }
    const double mean_gap = source.mean_gap;
    const double gap = scenario_.traffic.arrival == model::Arrival::Poisson ? rng.exponential(mean_gap)
                                                                           : mean_gap;
    // std::llround for gap ≥ 0 without the libm call: gap − trunc(gap) is exact in a double.
    auto whole = static_cast<Nanos>(gap);
    if (gap - static_cast<double>(whole) >= 0.5) ++whole;
    return t + whole;
  }
  return horizon_ + 1;
}

void Engine::source_arrival(int subtask) {
  sources_[subtask].event_pending = false;
  wake(subtask);
}

bool Engine::source_take(int subtask) {
  auto& src = sources_[subtask];
  if (src.next_arrival <= now_) {
    subtasks_[subtask].origin = src.next_arrival;
    src.next_arrival = draw_next(src, src.take_rng, src.next_arrival, subtask);
    ++src.taken;
    ++interval_taken_;
    return true;
  }
  if (!src.event_pending && src.next_arrival <= horizon_) {
    src.event_pending = true;
    schedule(src.next_arrival, kSourceArrival, static_cast<std::uint32_t>(subtask));
  }
  return false;
}

void Engine::count_arrivals(Nanos until) {
  for (int i = 0; i < static_cast<int>(sources_.size()); ++i) {
    auto& src = sources_[i];
    if (src.rate_share <= 0) continue;
    // Where the subtask has taken further into the stream than counted, the counting copy jumps
    // to the taking one: every record taken arrived by now (≤ until), and at the same position the
    // two copies hold the same generator state and next arrival. So in the steady state each
    // arrival is drawn once, not twice; the count is the same.
    if (src.taken > src.arrived) {
      src.arrived = src.taken;
      src.count_rng = src.take_rng;
      src.count_next = src.next_arrival;
    }
    while (src.count_next <= until) {
      ++src.arrived;
      src.count_next = draw_next(src, src.count_rng, src.count_next, i);
    }
  }
}

}  // namespace flinksim::sim::detail
