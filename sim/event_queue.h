// The pending-event set of the engine: a flat binary heap of small plain events.
//
// Order (total, and the reason a run is reproducible from its seed)
//   Events leave in increasing (time, seq). `seq` is assigned by push() from a counter that only
//   grows, so it is unique: no two events compare equal, and events scheduled for the same time
//   leave in the order they were pushed (FIFO). No pointer and no double takes part in the key.
//
// Complexity (n = heap events, k = timers)
//   push  O(log n)           top   O(1)        pop  O(log n + log k)
//   arm, disarm O(log k)
//   empty, size O(1)         reserve O(capacity) once; no allocation by push while
//                                                size() < the reserved capacity.
//
// Why a binary heap over a vector (min_heap.h: std::priority_queue's layout with a reservable
// vector and a branch-free choice of child): architecture.md measured a binary heap within noise
// of a 4-ary heap at the sizes that matter, and bench/event_queue_bench.cpp keeps the queue running
// against a bare std::priority_queue hold loop.
//
// Timers: besides the heap, the queue holds a fixed set of keyed timers (one per TaskManager for
// its next CPU completion). A timer is armed, re-armed or disarmed in place — a tournament tree
// over the timers keeps the earliest at its root, O(log timers) per change — so an entity whose
// "next" event moves often (every time a TaskManager's runnable set changes) leaves no stale
// events behind and never touches the heap. Arming takes a seq from the same counter as push(),
// so the (time, seq) order over heap and timers together is exactly what pushing a fresh event
// (and skipping the old one) would give.
//
// Other stale events are not removed: a handler compares `generation` with its entity's and skips
// the event.
//
// Thread safety: none; one queue per run.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "model/units.h"
#include "sim/min_heap.h"

namespace flinksim::sim {

// 32 bytes; the payload lives in the entity `target` addresses, never in the event.
struct Event {
  model::Nanos time = 0;
  std::uint64_t seq = 0;          // insertion count; the tie-break that makes the order total
  std::uint32_t kind = 0;         // which handler
  std::uint32_t target = 0;       // index of the entity the handler acts on
  std::uint32_t generation = 0;   // the entity's generation when scheduled (stale if it moved on)
};

// Strict "a leaves before b". REQUIRES: times ≥ 0, so (time, seq) packs into one unsigned 128-bit
// key: compared branch-free, which measured ~10% faster than `time != ? : seq <` at 100k pending
// events (heap sifts mispredict the branch) and within noise at 16 and 1000.
constexpr bool earlier(const Event& a, const Event& b) {
  using Key = unsigned __int128;
  return ((static_cast<Key>(a.time) << 64) | a.seq) < ((static_cast<Key>(b.time) << 64) | b.seq);
}

class EventQueue {
 public:
  // Pre-sizes the heap so that up to `capacity` pending events need no allocation.
  void reserve(std::size_t capacity) { heap_.reserve(capacity); }

  // Schedules an event; returns the sequence number it was given. O(log n).
  // REQUIRES: time ≥ 0 (simulated time starts at 0 and never runs backwards).
  std::uint64_t push(model::Nanos time, std::uint32_t kind, std::uint32_t target,
                     std::uint32_t generation = 0) {
    assert(time >= 0 && "events are scheduled at simulated times, which start at 0");
    const std::uint64_t seq = next_seq_++;
    heap_push(heap_, Event{time, seq, kind, target, generation}, Earlier{});
    return seq;
  }

  // Makes `count` timers (all disarmed) whose events carry `kind` and target = the timer's index.
  // Call before the run: allocates.
  void make_timers(std::size_t count, std::uint32_t kind) {
    leaves_ = 1;
    while (leaves_ < count) leaves_ *= 2;
    timers_.assign(leaves_, Event{kNever, ~std::uint64_t{0}, kind, 0, 0});
    for (std::size_t i = 0; i < leaves_; ++i) timers_[i].target = static_cast<std::uint32_t>(i);
    tree_.assign(2 * leaves_, 0);
    for (std::size_t i = 0; i < leaves_; ++i) tree_[leaves_ + i] = static_cast<std::uint32_t>(i);
    for (std::size_t n = leaves_ == 0 ? 0 : leaves_ - 1; n >= 1; --n) tree_[n] = winner(tree_[2 * n], tree_[2 * n + 1]);
    armed_ = 0;
    cache_root();
  }

  // Arms (or moves) timer `t` to fire at `time`, with a fresh seq. O(log timers).
  void arm(std::uint32_t t, model::Nanos time) {
    assert(time >= 0 && t < leaves_);
    if (timers_[t].time == kNever) ++armed_;
    const std::uint64_t seq = next_seq_++;
    timers_[t].time = time;
    timers_[t].seq = seq;
    replay(t, time, seq);
  }
  void disarm(std::uint32_t t) {
    if (timers_[t].time == kNever) return;
    --armed_;
    timers_[t].time = kNever;
    timers_[t].seq = ~std::uint64_t{0};
    replay(t, kNever, ~std::uint64_t{0});
  }
  bool armed(std::uint32_t t) const { return timers_[t].time != kNever; }

  // Drops every pending event and disarms every timer, keeping the capacity and the seq counter
  // (the engine's failures: no event of the attempt that failed survives). O(n + timers).
  void clear() {
    heap_.clear();
    for (auto& timer : timers_) {
      timer.time = kNever;
      timer.seq = ~std::uint64_t{0};
    }
    for (std::size_t n = leaves_ == 0 ? 0 : leaves_ - 1; n >= 1; --n) tree_[n] = winner(tree_[2 * n], tree_[2 * n + 1]);
    armed_ = 0;
    cache_root();
  }

  bool empty() const { return heap_.empty() && armed_ == 0; }
  // Pending events: the heap's and the armed timers.
  std::size_t size() const { return heap_.size() + armed_; }
  // Events pushed (or timers armed) so far (the next seq to be assigned).
  std::uint64_t pushed() const { return next_seq_; }

  // The earliest event. REQUIRES: !empty(). O(1).
  const Event& top() const {
    if (armed_ == 0) return heap_.front();
    const Event& timer = timers_[tree_[1]];
    return heap_.empty() || earlier(timer, heap_.front()) ? timer : heap_.front();
  }

  // The engine loop's step split by where the earliest event waits, so that the loop branches once
  // on it: a timer (a TaskManager's CPU completion, two thirds of a run's events) goes straight to
  // its handler, and only heap events take the dispatch's indirect jump (engine_bench under
  // valgrind's branch simulation: 1.13M of its 2.38M events' jumps mispredicted before, 0.37M
  // after). kNone: nothing due at or before `until` (or empty). The same (time, seq) order as
  // pop().
  enum class Due { kNone, kTimer, kHeap };
  Due due(model::Nanos until) const {
    if (armed_ != 0) {
      const Event timer{root_time_, root_seq_};
      if (heap_.empty() || earlier(timer, heap_.front())) return timer.time > until ? Due::kNone : Due::kTimer;
    } else if (heap_.empty()) {
      return Due::kNone;
    }
    return heap_.front().time > until ? Due::kNone : Due::kHeap;
  }
  // After due() said kTimer: the earliest timer's time and index. The timer stays armed: its
  // handler re-arms it (arm moves it in place: one replay of the tree, where disarming it first
  // and arming it again took two, and the pending count need not go down and up again) or
  // disarms it. REQUIRES: the handler does one or the other before the next due(), else the same
  // timer is due again.
  model::Nanos timer_time() const { return root_time_; }
  std::uint32_t due_timer() const { return tree_[1]; }
  // After due() said kHeap: removes the heap's earliest event.
  Event pop_heap() { return heap_pop(heap_, Earlier{}); }

  // Removes and returns the earliest event (a timer that fires is disarmed). REQUIRES: !empty().
  Event pop() {
    if (armed_ != 0) {
      const std::uint32_t t = tree_[1];
      if (heap_.empty() || earlier(timers_[t], heap_.front())) {
        const Event e = timers_[t];
        disarm(t);
        return e;
      }
    }
    return heap_pop(heap_, Earlier{});
  }

 private:
  static constexpr model::Nanos kNever = std::numeric_limits<model::Nanos>::max();

  // Arithmetic, not a branch: which of two TaskManagers completes first is a coin toss to the
  // branch predictor.
  std::uint32_t winner(std::uint32_t a, std::uint32_t b) const {
    return a + (b - a) * static_cast<std::uint32_t>(earlier(timers_[b], timers_[a]));
  }
  // Replays the matches on the path from timer t's leaf to the root, t's new key given, and keeps
  // the root's key. The path's winner (index and key) is carried in registers and only each
  // sibling's winner is loaded, so neither this nor due() reads back the timer just stored: the
  // way from a CPU completion's new time to the next due()'s choice is the latency a mispredicted
  // choice waits for (engine_bench: more instructions, 598.8 against 586.5 an event, but ~3% less
  // time; sim/README.md). Arithmetic, not branches, as in winner(). Keys tie only between disarmed
  // timers, so which of those wins (winner() takes the left one, this the sibling) never reaches
  // the root while a timer is armed, and due() looks at the root only then.
  void replay(std::uint32_t t, model::Nanos time, std::uint64_t seq) {
    using Key = unsigned __int128;
    std::uint32_t w = t;
    auto w_time = static_cast<std::uint64_t>(time);
    std::uint64_t w_seq = seq;
    for (std::size_t node = leaves_ + t; node > 1; node /= 2) {
      const std::uint32_t o = tree_[node ^ 1];
      const auto o_time = static_cast<std::uint64_t>(timers_[o].time);
      const std::uint64_t o_seq = timers_[o].seq;
      const Key wk = (static_cast<Key>(w_time) << 64) | w_seq, ok = (static_cast<Key>(o_time) << 64) | o_seq;
      const auto path_wins = static_cast<std::uint64_t>(wk < ok);
      const std::uint64_t keep = 0 - path_wins;
      w = o + (w - o) * static_cast<std::uint32_t>(path_wins);
      w_time = (w_time & keep) | (o_time & ~keep);
      w_seq = (w_seq & keep) | (o_seq & ~keep);
      tree_[node / 2] = w;
    }
    root_time_ = static_cast<model::Nanos>(w_time);
    root_seq_ = w_seq;
  }
  void cache_root() {
    root_time_ = leaves_ == 0 ? kNever : timers_[tree_[1]].time;
    root_seq_ = leaves_ == 0 ? ~std::uint64_t{0} : timers_[tree_[1]].seq;
  }

  struct Earlier {
    constexpr bool operator()(const Event& a, const Event& b) const { return earlier(a, b); }
  };
  std::vector<Event> heap_;
  std::uint64_t next_seq_ = 0;
  // Timers: leaves_ (a power of two ≥ the count asked for) events, a tournament tree over them
  // (tree_[1] = index of the earliest; tree_[leaves_ + i] = i), and how many are armed.
  std::vector<Event> timers_;
  std::vector<std::uint32_t> tree_;
  std::size_t leaves_ = 0;
  std::size_t armed_ = 0;
  // The root's key (the earliest timer's), kept by replay: due() reads it without the two
  // dependent loads through tree_[1].
  model::Nanos root_time_ = kNever;
  std::uint64_t root_seq_ = ~std::uint64_t{0};
};

}  // namespace flinksim::sim
