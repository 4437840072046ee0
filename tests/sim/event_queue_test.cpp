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
