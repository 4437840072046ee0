// The hold model (Vaucher & Duval 1975; ns-3's bench-scheduler): a pending set of N events; each
// step pops the earliest and pushes one at its time plus an exponential increment, so N stays
// constant. Compares sim::EventQueue with a bare std::priority_queue<pair<int64, uint64>> hold
// loop (the baseline) and with a 4-ary heap of the same events (the alternative architecture.md
// measured, kept here so the choice stays checked).
//
//   build-queue/bench/event_queue_bench [--benchmark_min_time=0.5]
#include <cmath>
#include <cstdint>
#include <functional>
#include <queue>
#include <utility>
#include <vector>

#include "bench/baseline_ratio.h"
#include "sim/event_queue.h"

namespace {

using flinksim::sim::Event;
using flinksim::sim::EventQueue;

// Exponential increments (mean 1 µs), drawn once so that every variant sees the same sequence
// and the generator's cost is not measured. Seed 12345.
const std::vector<std::int64_t>& increments() {
  static const std::vector<std::int64_t> table = [] {
    std::vector<std::int64_t> t(1 << 16);
    std::uint64_t x = 12345;
    for (auto& v : t) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      const double u = static_cast<double>(x >> 11) * 0x1.0p-53;
      v = 1 + static_cast<std::int64_t>(-1000.0 * std::log1p(-u));
    }
    return t;
  }();
  return table;
}
constexpr std::size_t kMask = (1 << 16) - 1;

void hold_baseline(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto& inc = increments();
  using Item = std::pair<std::int64_t, std::uint64_t>;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> q;
  std::uint64_t seq = 0;
  for (std::size_t i = 0; i < n; ++i) q.emplace(inc[i & kMask], seq++);
  std::size_t k = n;
  for (auto _ : state) {
    const Item e = q.top();
    q.pop();
    q.emplace(e.first + inc[k++ & kMask], seq++);
  }
  benchmark::DoNotOptimize(q.top());
  state.SetItemsProcessed(state.iterations());
}

// A 4-ary min-heap of Events (children of i are 4i+1..4i+4): shallower than a binary heap, more
// comparisons per level. Hole-based sift, no swaps.
class QuaternaryHeap {
 public:
  void reserve(std::size_t n) { h_.reserve(n); }
  void push(std::int64_t time, std::uint32_t kind, std::uint32_t target, std::uint32_t gen) {
    const Event e{time, seq_++, kind, target, gen};
    std::size_t i = h_.size();
    h_.push_back(e);
    while (i > 0) {
      const std::size_t parent = (i - 1) / 4;
      if (!flinksim::sim::earlier(e, h_[parent])) break;
      h_[i] = h_[parent];
      i = parent;
    }
    h_[i] = e;
  }
  Event pop() {
    const Event top = h_.front();
    const Event last = h_.back();
    h_.pop_back();
    const std::size_t n = h_.size();
    if (n == 0) return top;
    std::size_t i = 0;
    for (;;) {
      const std::size_t first = 4 * i + 1;
      if (first >= n) break;
      std::size_t best = first;
      const std::size_t end = first + 4 < n ? first + 4 : n;
      for (std::size_t c = first + 1; c < end; ++c)
        if (flinksim::sim::earlier(h_[c], h_[best])) best = c;
      if (!flinksim::sim::earlier(h_[best], last)) break;
      h_[i] = h_[best];
      i = best;
    }
    h_[i] = last;
    return top;
  }
  const Event& top() const { return h_.front(); }

 private:
  std::vector<Event> h_;
  std::uint64_t seq_ = 0;
};

// The same hold loop over any queue with EventQueue's push/pop/top/reserve.
template <class Queue>
void hold(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto& inc = increments();
  Queue q;
  q.reserve(n + 1);
  for (std::size_t i = 0; i < n; ++i) q.push(inc[i & kMask], 0, static_cast<std::uint32_t>(i), 0);
  std::size_t k = n;
  for (auto _ : state) {
    const Event e = q.pop();
    q.push(e.time + inc[k++ & kMask], e.kind, e.target, e.generation);
  }
  benchmark::DoNotOptimize(q.top());
  state.SetItemsProcessed(state.iterations());
}

const bool registered = [] {
  for (auto [name, fn] : {std::pair{"hold/baseline", &hold_baseline},
                          std::pair{"hold/EventQueue", &hold<EventQueue>},
                          std::pair{"hold/4-ary", &hold<QuaternaryHeap>}})
    benchmark::RegisterBenchmark(name, fn)->Arg(16)->Arg(1000)->Arg(100000);
  return true;
}();

}  // namespace

int main(int argc, char** argv) { return flinksim::bench::run_with_ratios(argc, argv); }
