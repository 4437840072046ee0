// The pending-event set against a shadow list (OMNeT++'s cheap, trustworthy oracle): every pop must
// return what a stable sort of the pushed events by time would put first.
#include "sim/event_queue.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

using flinksim::sim::Event;
using flinksim::sim::EventQueue;

TEST_CASE("events at equal times leave in push order", "[event_queue]") {
  EventQueue q;
  for (std::uint32_t i = 0; i < 100; ++i) q.push(i % 2 == 0 ? 5 : 3, 0, i);
  std::vector<std::uint32_t> order;
  while (!q.empty()) order.push_back(q.pop().target);
  REQUIRE(order.size() == 100);
  for (std::size_t i = 0; i < 50; ++i) {
    CHECK(order[i] == 2 * i + 1);       // time 3 first, in push order
    CHECK(order[50 + i] == 2 * i);      // then time 5, in push order
  }
}

TEST_CASE("push assigns increasing sequence numbers and keeps the payload", "[event_queue]") {
  EventQueue q;
  CHECK(q.push(10, 7, 8, 9) == 0);
  CHECK(q.push(10, 1, 2, 3) == 1);
  CHECK(q.pushed() == 2);
  CHECK(q.size() == 2);
  const Event first = q.pop();
  CHECK(first.time == 10);
  CHECK(first.seq == 0);
  CHECK(first.kind == 7);
  CHECK(first.target == 8);
  CHECK(first.generation == 9);
  CHECK(q.top().seq == 1);
}

TEST_CASE("stress against a shadow sorted list", "[event_queue]") {
  // Seed 20240611. Few distinct times, so ties are frequent and FIFO among them is exercised;
  // pushes and pops interleave with a drifting balance so the size sweeps 0..~3000.
  std::mt19937_64 gen(20240611);
  EventQueue q;
  std::vector<Event> shadow;  // kept in the order events must leave
  std::int64_t now = 0;
  std::uint64_t pops = 0;
  for (int step = 0; step < 200'000; ++step) {
    const bool grow = (step / 20'000) % 2 == 0;
    const bool do_push = shadow.empty() || gen() % 100 < (grow ? 60u : 40u);
    if (do_push) {
      const std::int64_t t = now + static_cast<std::int64_t>(gen() % 50);  // never in the past
      const auto target = static_cast<std::uint32_t>(gen());
      const std::uint64_t seq = q.push(t, 1, target, 2);
      const Event e{t, seq, 1, target, 2};
      // After every event with time ≤ t: FIFO among equal times, by construction and independent
      // of the queue's own comparison.
      const auto at = std::upper_bound(shadow.begin(), shadow.end(), t,
                                       [](std::int64_t x, const Event& y) { return x < y.time; });
      shadow.insert(at, e);
    } else {
      REQUIRE(q.top().seq == shadow.front().seq);
      const Event e = q.pop();
      REQUIRE(e.time == shadow.front().time);
      REQUIRE(e.seq == shadow.front().seq);
      REQUIRE(e.target == shadow.front().target);
      REQUIRE(e.time >= now);
      now = e.time;
      shadow.erase(shadow.begin());
      ++pops;
    }
    REQUIRE(q.size() == shadow.size());
  }
  CHECK(pops > 50'000);
  while (!q.empty()) {
    REQUIRE(q.pop().seq == shadow.front().seq);
    shadow.erase(shadow.begin());
  }
  CHECK(shadow.empty());
}

TEST_CASE("no allocation after reserve", "[event_queue]") {
  EventQueue q;
  q.reserve(1000);
  q.push(0, 0, 0);
  const Event* before = &q.top();  // the heap's storage
  for (int i = 1; i < 1000; ++i) q.push(1000 - i, 0, 0);
  while (q.size() > 1) q.pop();
  for (int i = 1; i < 1000; ++i) q.push(i, 0, 0);
  CHECK(&q.top() == before);  // the vector never moved
}

TEST_CASE("order holds across the whole range of simulated time", "[event_queue]") {
  EventQueue q;
  const std::int64_t big = std::int64_t{1} << 62;
  q.push(big, 0, 0);
  q.push(1, 0, 1);
  q.push(big, 0, 2);
  q.push(0, 0, 3);
  q.push(std::int64_t{1} << 40, 0, 4);
  q.push(big - 1, 0, 5);
  std::vector<std::uint32_t> order;
  while (!q.empty()) order.push_back(q.pop().target);
  CHECK(order == std::vector<std::uint32_t>{3, 1, 4, 5, 0, 2});
}

// Timers (one per TaskManager in the engine): moving a timer must give exactly the order that
// pushing a fresh event and skipping the superseded one would give. Oracle: a plain queue where
// every arm is a push and superseded events are skipped on pop.
TEST_CASE("timers moved in place leave in the order of fresh pushes with stale ones skipped", "[event_queue]") {
  std::mt19937_64 gen(20261124);
  constexpr std::uint32_t kTimers = 5, kTimerKind = 9;
  EventQueue q;
  q.make_timers(kTimers, kTimerKind);
  EventQueue oracle;
  std::vector<std::uint64_t> live_seq(kTimers, ~std::uint64_t{0});  // oracle: the valid arm per timer
  std::int64_t now = 0;
  int timer_pops = 0;
  for (int step = 0; step < 50'000; ++step) {
    const auto r = gen() % 100;
    if (r < 30) {  // an ordinary event
      const std::int64_t t = now + static_cast<std::int64_t>(gen() % 40);
      q.push(t, 1, static_cast<std::uint32_t>(step));
      oracle.push(t, 1, static_cast<std::uint32_t>(step));
    } else if (r < 60) {  // arm or move a timer
      const auto k = static_cast<std::uint32_t>(gen() % kTimers);
      const std::int64_t t = now + static_cast<std::int64_t>(gen() % 40);
      q.arm(k, t);
      live_seq[k] = oracle.push(t, kTimerKind, k);
    } else if (r < 65) {  // disarm
      const auto k = static_cast<std::uint32_t>(gen() % kTimers);
      q.disarm(k);
      live_seq[k] = ~std::uint64_t{0};
    } else if (!q.empty()) {
      const Event e = q.pop();
      Event o = oracle.pop();
      while (o.kind == kTimerKind && o.seq != live_seq[o.target]) o = oracle.pop();  // stale
      REQUIRE(e.time == o.time);
      REQUIRE(e.kind == o.kind);
      REQUIRE(e.target == o.target);
      if (e.kind == kTimerKind) {
        ++timer_pops;
        live_seq[e.target] = ~std::uint64_t{0};
        CHECK_FALSE(q.armed(e.target));
      }
      now = e.time;
    }
  }
  CHECK(timer_pops > 1000);
  std::size_t armed = 0;
  for (std::uint32_t k = 0; k < kTimers; ++k) armed += q.armed(k) ? 1 : 0;
  std::size_t heap_events = 0;
  while (!oracle.empty()) {
    const Event o = oracle.pop();
    if (o.kind != kTimerKind) ++heap_events;
  }
  CHECK(q.size() == heap_events + armed);
}

TEST_CASE("clear drops every event and timer; the queue works on with fresh sequence numbers", "[event_queue]") {
  EventQueue q;
  q.make_timers(3, 9);
  for (std::uint32_t i = 0; i < 10; ++i) q.push(100 + i, 1, i);
  q.arm(0, 50);
  q.arm(2, 70);
  const std::uint64_t pushed = q.pushed();
  q.clear();
  CHECK(q.empty());
  CHECK(q.size() == 0);
  CHECK_FALSE(q.armed(0));
  CHECK_FALSE(q.armed(2));
  CHECK(q.pushed() == pushed);  // seq keeps counting: the order stays total across a clear
  q.push(200, 1, 42);
  q.arm(1, 150);
  CHECK(q.pop().target == 1);  // the timer (kind 9) first
  CHECK(q.pop().target == 42);
  CHECK(q.empty());
}

namespace {

// The engine loop's step (engine.cpp run): the earliest event if it is due at or before `until`,
// a due timer disarmed as a handler that schedules nothing more would leave it.
bool step_until(EventQueue& q, std::int64_t until, Event& e) {
  switch (q.due(until)) {
    case EventQueue::Due::kNone: return false;
    case EventQueue::Due::kTimer:
      e = q.top();
      q.disarm(q.due_timer());
      return true;
    case EventQueue::Due::kHeap: e = q.pop_heap(); return true;
  }
  return false;
}

}  // namespace

TEST_CASE("the loop's step takes what pop would while it is due, and leaves the rest", "[event_queue]") {
  std::mt19937_64 gen(7);
  EventQueue q, twin;
  q.make_timers(3, 9);
  twin.make_timers(3, 9);
  for (std::uint32_t i = 0; i < 200; ++i) {
    const auto t = static_cast<std::int64_t>(gen() % 1000);
    if (i % 5 == 0) {
      q.arm(i % 3, t);
      twin.arm(i % 3, t);
    } else {
      q.push(t, 1, i);
      twin.push(t, 1, i);
    }
  }
  Event e;
  int popped = 0;
  while (step_until(q, 600, e)) {
    const Event o = twin.pop();
    REQUIRE(e.time == o.time);
    REQUIRE(e.seq == o.seq);
    REQUIRE(e.target == o.target);
    CHECK(e.time <= 600);
    ++popped;
  }
  CHECK(popped > 50);
  REQUIRE_FALSE(q.empty());
  CHECK(q.top().time > 600);  // the first one not due is still there
  CHECK(q.size() == twin.size());
  while (step_until(q, 1000, e)) CHECK(e.seq == twin.pop().seq);
  CHECK(q.empty());
  CHECK_FALSE(step_until(q, 1000, e));  // an empty queue pops nothing
}

// The engine loop's step: due() says where the earliest event waits; a timer is left armed for
// its handler to move or disarm (due_timer), a heap event is popped (pop_heap). Given the same
// pushes and arms, that visits the same events, seqs included, as pop() on a twin queue.
TEST_CASE("the loop's step by due() leaves in pop()'s order, a due timer moved by its handler", "[event_queue]") {
  std::mt19937_64 gen(20261202);
  constexpr std::uint32_t kTimers = 3, kTimerKind = 9;
  EventQueue q, twin;
  q.make_timers(kTimers, kTimerKind);
  twin.make_timers(kTimers, kTimerKind);
  constexpr std::int64_t kUntil = std::int64_t{1} << 40;
  std::int64_t now = 0;
  int timer_steps = 0, heap_steps = 0;
  for (int step = 0; step < 50'000; ++step) {
    const auto r = gen() % 100;
    if (r < 30) {
      const std::int64_t t = now + static_cast<std::int64_t>(gen() % 40);
      q.push(t, 1, static_cast<std::uint32_t>(step));
      twin.push(t, 1, static_cast<std::uint32_t>(step));
    } else if (r < 50) {
      const auto k = static_cast<std::uint32_t>(gen() % kTimers);
      const std::int64_t t = now + static_cast<std::int64_t>(gen() % 40);
      q.arm(k, t);
      twin.arm(k, t);
    } else {
      const EventQueue::Due due = q.due(kUntil);
      if (due == EventQueue::Due::kNone) {
        REQUIRE(twin.empty());
        continue;
      }
      const Event o = twin.pop();
      if (due == EventQueue::Due::kTimer) {
        const std::uint32_t t = q.due_timer();
        REQUIRE(o.kind == kTimerKind);
        REQUIRE(o.target == t);
        REQUIRE(o.time == q.timer_time());
        REQUIRE(o.seq == q.top().seq);
        now = o.time;
        if (gen() % 2 == 0) {  // the handler moves it (the twin's fired timer was disarmed: armed again)
          const std::int64_t next = now + static_cast<std::int64_t>(gen() % 40);
          q.arm(t, next);
          twin.arm(t, next);
        } else {
          q.disarm(t);
        }
        CHECK(q.armed(t) == twin.armed(t));
        ++timer_steps;
      } else {
        const Event e = q.pop_heap();
        REQUIRE(e.seq == o.seq);
        REQUIRE(e.time == o.time);
        REQUIRE(e.target == o.target);
        now = e.time;
        ++heap_steps;
      }
      REQUIRE(q.size() == twin.size());
    }
  }
  CHECK(timer_steps > 1000);
  CHECK(heap_steps > 1000);
}
