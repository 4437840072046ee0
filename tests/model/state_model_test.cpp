// state_model: where state lives (task heap vs RocksDB in managed memory), whether it fits,
// the block-cache hit ratio and Flink's Managed.Used, state growth over time.
#include <catch2/catch.hpp>

#include "tests/model/recovery_fixture.h"

using namespace flinksim::model;
using flinksim::testing::build;
using flinksim::testing::keyed_job;

TEST_CASE("state splits over subtasks by key groups and sums to keys x bytes_per_key") {
  const auto b = build(keyed_job("", "{ keys = 1_000_000, bytes_per_key = \"100b\" }"));
  REQUIRE(b.layout.backend == StateBackend::HashMap);
  REQUIRE(b.layout.subtasks.size() == 4);
  CHECK(total_state_at(b.layout, 0) == Approx(1e8));
  // maxParallelism 128 over 4 subtasks: 32 key groups each, a quarter of the state.
  for (const SubtaskState& s : b.layout.subtasks) CHECK(s.initial_bytes == Approx(2.5e7));
  const auto tms = state_per_taskmanager(b.layout, 0);
  REQUIRE(tms.size() == 2);
  CHECK(tms[0].heap_state + tms[1].heap_state == Approx(1e8));
  CHECK(tms[0].managed_used == 0);  // the heap backend reserves no managed memory
}

TEST_CASE("heap state beyond the GC headroom of the task heap does not fit") {
  const auto small = build(keyed_job("", "{ keys = 1_000_000, bytes_per_key = \"100b\" }"));
  for (const auto& tm : state_per_taskmanager(small.layout, 0)) {
    CHECK(tm.fits);
    CHECK(tm.heap_available == Approx(0.5 * static_cast<double>(small.memory.task_heap)));
  }
  // 4 GB of state on two TaskManagers of 4g process memory (~1.4 GiB task heap each).
  const auto big = build(keyed_job("", "{ keys = 4_000_000, bytes_per_key = \"1kb\" }"));
  for (const auto& tm : state_per_taskmanager(big.layout, 0)) {
    CHECK_FALSE(tm.fits);
    CHECK(tm.heap_used > tm.heap_available);
  }
}

TEST_CASE("growth_per_hour adds that fraction of the initial state every hour") {
  const auto b = build(keyed_job("", "{ keys = 1_000_000, bytes_per_key = \"100b\", "
                                     "growth_per_hour = 0.25 }"));
  CHECK(total_state_at(b.layout, 2 * kHour) == Approx(1.5e8));
  // Heap state that fits at start may stop fitting later.
  const auto grows = build(keyed_job("", "{ keys = 2_000_000, bytes_per_key = \"500b\", "
                                         "growth_per_hour = 1.0 }"));
  CHECK(state_per_taskmanager(grows.layout, 0)[0].fits);
  CHECK_FALSE(state_per_taskmanager(grows.layout, 3 * kHour)[0].fits);
}

TEST_CASE("RocksDB: Managed.Used = slots with state x share; hit ratio = data cache / slot state") {
  const auto b = build(keyed_job("\"state.backend.type\" = \"rocksdb\"",
                                 "{ keys = 10_000_000, bytes_per_key = \"1kb\" }"));
  REQUIRE(b.layout.backend == StateBackend::RocksDb);
  CHECK(b.layout.managed_share == b.memory.managed / 2);
  const auto tms = state_per_taskmanager(b.layout, 0);
  for (const auto& tm : tms) {
    CHECK(tm.fits);  // RocksDB spills to disk
    CHECK(tm.rocksdb_slots == 2);
    CHECK(tm.managed_used == Approx(2.0 * static_cast<double>(b.layout.managed_share)));
    CHECK(tm.managed_total == Approx(static_cast<double>(b.memory.managed)));
    CHECK(tm.heap_used == 0);
  }
  // Each slot holds a quarter of 10.24 GB; half the share caches data blocks.
  const double expected = 0.5 * static_cast<double>(b.layout.managed_share) / 2.56e9;
  CHECK(slot_cache_hit_ratio(b.layout, b.layout.subtasks[0].slot, 0) == Approx(expected));
  CHECK(tms[0].cache_hit_ratio == Approx(expected));
  CHECK(miss_cpu_per_record(b.layout, b.layout.subtasks[0], 0) ==
        Approx((1 - expected) * 20'000.0));
}

TEST_CASE("RocksDB: larger state, lower hit ratio, more CPU per record; small state all hits") {
  auto at = [](const char* keys) {
    const auto b = build(keyed_job("\"state.backend.type\" = \"rocksdb\"",
                                   std::string("{ keys = ") + keys + ", bytes_per_key = \"1kb\" }"));
    return std::pair{slot_cache_hit_ratio(b.layout, b.layout.subtasks[0].slot, 0),
                     miss_cpu_per_record(b.layout, b.layout.subtasks[0], 0)};
  };
  const auto [tiny_hit, tiny_cpu] = at("1000");
  const auto [mid_hit, mid_cpu] = at("5_000_000");
  const auto [big_hit, big_cpu] = at("50_000_000");
  CHECK(tiny_hit == 1.0);
  CHECK(tiny_cpu == 0.0);
  CHECK(mid_hit > big_hit);
  CHECK(mid_cpu < big_cpu);
}

TEST_CASE("miss cost and heap headroom are parameters") {
  StateModelParams params;
  params.miss_cost = 50 * kMicrosecond;
  params.heap_headroom = 0.8;
  const auto b = build(keyed_job("\"state.backend.type\" = \"rocksdb\"",
                                 "{ keys = 50_000_000, bytes_per_key = \"1kb\", access = \"append\" }"),
                       params);
  CHECK(miss_cpu_per_record(b.layout, b.layout.subtasks[0], 0) == 0.0);  // append never reads
  CHECK(state_per_taskmanager(b.layout, 0)[0].heap_available ==
        Approx(0.8 * static_cast<double>(b.memory.task_heap)));
}
