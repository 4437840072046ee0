// checkpoint_model: Flink's checkpoint settings and the closed form of one checkpoint:
// S/B + sync + alignment for a full snapshot, the changed bytes for an incremental one, expiry at
// the timeout, aligned vs unaligned under backpressure.
#include <catch2/catch.hpp>

#include "model/checkpoint_model.h"
#include "tests/model/recovery_fixture.h"

using namespace flinksim::model;
using flinksim::testing::build;
using flinksim::testing::keyed_job;

namespace {
double seconds(Nanos ns) { return static_cast<double>(ns) / kSecond; }
}  // namespace

TEST_CASE("settings: Flink's defaults, disabled without an interval, deprecated keys") {
  FlinkConfig none;
  const CheckpointSettings off = resolve_checkpoint_settings(none);
  CHECK_FALSE(off.enabled);
  CHECK(off.timeout == 10 * kMinute);
  CHECK(off.min_pause == 0);
  CHECK(off.max_concurrent == 1);
  CHECK(off.tolerable_failures == 0);
  CHECK_FALSE(off.unaligned);
  CHECK(off.aligned_timeout == 0);
  CHECK_FALSE(off.incremental);

  FlinkConfig c;
  c.set("execution.checkpointing.interval", "30 s");
  c.set("state.backend", "rocksdb");
  c.set("state.backend.incremental", "true");
  c.set("execution.checkpointing.unaligned", "true");
  const CheckpointSettings on = resolve_checkpoint_settings(c);
  CHECK(on.enabled);
  CHECK(on.interval == 30 * kSecond);
  CHECK(on.incremental);
  CHECK(on.unaligned);
  // Heap backend: incremental is not a thing in Flink 1.x, always a full snapshot.
  c.set("state.backend", "hashmap");
  CHECK_FALSE(resolve_checkpoint_settings(c).incremental);
}

TEST_CASE("full checkpoint of S bytes at bandwidth B takes S/B + sync + alignment (within 5%)") {
  // 10M keys x 1 KB = 10.24 GB at 100 MB/s: ~102 s of upload.
  const auto b = build(keyed_job("\"execution.checkpointing.interval\" = \"5min\"",
                                 "{ keys = 10_000_000, bytes_per_key = \"1kb\" }"));
  const CheckpointSettings s = resolve_checkpoint_settings(b.scenario.flink);
  const CheckpointInputs in = checkpoint_inputs(s, b.layout, b.steady, b.graph, b.scenario, 0);
  CHECK(in.state_size == Approx(1.024e10));
  CHECK(in.checkpointed_size == Approx(in.state_size));  // full: everything
  const CheckpointEstimate e = estimate_checkpoint(s, in, 100e6, b.scenario.network.bandwidth_per_taskmanager);
  REQUIRE(e.end_to_end_duration);
  const double closed = 1.024e10 / 100e6 + seconds(kSyncPhaseHeap) + seconds(*e.alignment);
  CHECK(seconds(*e.end_to_end_duration) == Approx(closed).epsilon(0.05));
  CHECK_FALSE(e.expired);
  CHECK(*e.effective_interval == 5 * kMinute);
}

TEST_CASE("incremental uploads the changed bytes only: shorter when little changes") {
  const std::string flink = "\"execution.checkpointing.interval\" = \"2min\"\n"
                            "\"state.backend.type\" = \"rocksdb\"\n";
  const auto full = build(keyed_job(flink, "{ keys = 10_000_000, bytes_per_key = \"1kb\" }"));
  const auto incr = build(keyed_job(flink + "\"execution.checkpointing.incremental\" = true",
                                    "{ keys = 10_000_000, bytes_per_key = \"1kb\", change_rate = 0.05 }"));
  auto estimate = [](const flinksim::testing::Built& b) {
    const CheckpointSettings s = resolve_checkpoint_settings(b.scenario.flink);
    return estimate_checkpoint(s, checkpoint_inputs(s, b.layout, b.steady, b.graph, b.scenario, 0),
                               b.scenario.storage.write_bandwidth,
                               b.scenario.network.bandwidth_per_taskmanager);
  };
  const CheckpointEstimate f = estimate(full), i = estimate(incr);
  CHECK(i.state_size == Approx(f.state_size));
  CHECK(i.checkpointed_size == Approx(0.05 * f.checkpointed_size));
  CHECK(seconds(*i.end_to_end_duration) ==
        Approx(0.05 * 1.024e10 / 100e6 + seconds(kSyncPhaseRocksDb)).epsilon(0.05));
  CHECK(*i.end_to_end_duration < *f.end_to_end_duration);
}

TEST_CASE("a checkpoint longer than the timeout expires; longer than the interval delays the next") {
  CheckpointSettings s;
  s.enabled = true;
  s.interval = kMinute;
  s.timeout = 2 * kMinute;
  s.min_pause = 5 * kSecond;
  CheckpointInputs in;
  in.state_size = in.checkpointed_size = 9e9;  // 90 s at 100 MB/s
  CheckpointEstimate e = estimate_checkpoint(s, in, 100e6, 0);
  CHECK_FALSE(e.expired);
  CHECK(seconds(*e.effective_interval) == Approx(90.0 + 0.010 + 5.0));
  in.state_size = in.checkpointed_size = 1.5e10;  // 150 s
  e = estimate_checkpoint(s, in, 100e6, 0);
  CHECK(e.expired);
  CHECK_FALSE(e.effective_interval);
}

TEST_CASE("larger state, longer checkpoint; a busy TaskManager network bounds the upload") {
  CheckpointSettings s;
  s.enabled = true;
  s.interval = 10 * kMinute;
  CheckpointInputs small, big;
  small.checkpointed_size = 1e9;
  big.checkpointed_size = 4e9;
  CHECK(*estimate_checkpoint(s, small, 200e6, 0).end_to_end_duration <
        *estimate_checkpoint(s, big, 200e6, 0).end_to_end_duration);
  big.busiest_taskmanager_upload = 4e9;  // one TaskManager holds it all, 100 MB/s network
  CHECK(seconds(estimate_checkpoint(s, big, 200e6, 100e6).async) == Approx(40.0));
}

TEST_CASE("under backpressure aligned checkpoints never complete, unaligned ones do") {
  CheckpointSettings s;
  s.enabled = true;
  s.interval = kMinute;
  CheckpointInputs in;
  in.checkpointed_size = 1e9;
  in.backpressured = true;
  in.in_flight_bytes = 64e6;
  const CheckpointEstimate aligned = estimate_checkpoint(s, in, 100e6, 0);
  CHECK_FALSE(aligned.alignment);
  CHECK(aligned.expired);
  s.unaligned = true;
  s.aligned_timeout = 2 * kSecond;
  const CheckpointEstimate unaligned = estimate_checkpoint(s, in, 100e6, 0);
  REQUIRE(unaligned.end_to_end_duration);
  CHECK(unaligned.unaligned);
  CHECK(unaligned.persisted_data == 64e6);
  CHECK(seconds(*unaligned.end_to_end_duration) == Approx(2.0 + 0.010 + 10.64));
  CHECK_FALSE(unaligned.expired);
}
