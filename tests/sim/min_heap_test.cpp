// min_heap.h against std::sort: random keys pushed and popped in random interleavings must leave
// in sorted order; and it must pop exactly what std::priority_queue pops (the engine's results
// depend on that being the same sequence).
#include "sim/min_heap.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <queue>
#include <random>
#include <utility>
#include <vector>

using flinksim::sim::heap_pop;
using flinksim::sim::heap_push;

namespace {
using Key = std::pair<std::int64_t, std::uint64_t>;  // (time, seq): a strict total order
constexpr auto less = [](const Key& a, const Key& b) { return a < b; };
}  // namespace

TEST_CASE("pushes then pops leave in sorted order at every size", "[min_heap]") {
  std::mt19937_64 rng(3);
  for (std::size_t n = 0; n <= 70; ++n) {
    std::vector<Key> heap, all;
    for (std::uint64_t i = 0; i < n; ++i) {
      const Key k{static_cast<std::int64_t>(rng() % 16), i};  // many equal times
      heap_push(heap, k, less);
      all.push_back(k);
    }
    std::sort(all.begin(), all.end());
    for (const Key& expected : all) REQUIRE(heap_pop(heap, less) == expected);
    CHECK(heap.empty());
  }
}

TEST_CASE("a hold loop pops what std::priority_queue pops", "[min_heap]") {
  std::mt19937_64 rng(11);
  std::vector<Key> heap;
  std::priority_queue<Key, std::vector<Key>, std::greater<>> oracle;
  std::uint64_t seq = 0;
  for (int i = 0; i < 1000; ++i) {
    const Key k{static_cast<std::int64_t>(rng() % 1000), seq++};
    heap_push(heap, k, less);
    oracle.push(k);
  }
  for (int step = 0; step < 20000; ++step) {
    REQUIRE(heap.size() == oracle.size());
    const Key got = heap_pop(heap, less);
    REQUIRE(got == oracle.top());
    oracle.pop();
    // Mostly reschedule later (the engine's pattern), sometimes push two or none.
    const int pushes = step % 7 == 0 ? 2 : step % 11 == 0 ? 0 : 1;
    for (int p = 0; p < pushes; ++p) {
      const Key k{got.first + static_cast<std::int64_t>(rng() % 50), seq++};
      heap_push(heap, k, less);
      oracle.push(k);
    }
  }
}
