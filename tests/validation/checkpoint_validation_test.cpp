// The engine's checkpoints held against their closed forms (flink-facts.md d.1; the analytic
// model/checkpoint_model.h): a full checkpoint of S bytes at storage bandwidth B takes S/B plus
// alignment plus the synchronous part; an incremental one uploads the changed bytes only; under
// backpressure aligned checkpoints wait behind the in-flight data and expire, unaligned ones stay
// short. Seeds stated per job (42 unless said).
#include <catch2/catch.hpp>

#include <algorithm>

#include "../sim/job_builder.h"
#include "model/checkpoint_model.h"
#include "sim/engine.h"

using namespace flinksim;
using model::kMillisecond;
using model::kMicrosecond;
using model::kSecond;
using testing::stage;

namespace {

constexpr model::Nanos kHop = 50 * kMillisecond;

// Two sources (TaskManagers 0 and 1) → rebalance → 4 stateful subtasks (2 per TaskManager) →
// sink on TaskManager 0; 2k/s evenly spaced; `bytes` of state split evenly; 50 ms between
// TaskManagers, so every operator subtask sees its remote barrier one hop after its local one.
testing::TestJob job(double bytes, double write_bandwidth) {
  auto j = testing::line_job({stage(2, 10 * kMicrosecond, model::Partition::Forward, {0, 1}),
                              stage(4, 20 * kMicrosecond, model::Partition::Rebalance, {0, 0, 1, 1}),
                              stage(1, 0, model::Partition::Rebalance, {0})},
                             2'000, 2, 4);
  j.scenario.traffic.arrival = model::Arrival::Uniform;
  j.params.hop_latency = kHop;
  model::StateSpec state;
  state.bytes_per_key = 1000;
  state.keys = static_cast<std::int64_t>(bytes / 1000);
  j.scenario.operators[1].state = state;
  j.scenario.storage.write_bandwidth = write_bandwidth;
  j.scenario.flink.set("taskmanager.memory.process.size", "1728m");
  j.scenario.flink.set("execution.checkpointing.interval", "20s");
  return j;
}

std::vector<sim::CheckpointRecord> completed(const sim::RunResult& r) {
  std::vector<sim::CheckpointRecord> out;
  for (const auto& c : r.checkpoint_history)
    if (c.status == sim::CheckpointStatus::Completed) out.push_back(c);
  return out;
}

double seconds(model::Nanos ns) { return static_cast<double>(ns) / 1e9; }

}  // namespace

TEST_CASE("a full checkpoint of S bytes at bandwidth B takes S/B plus alignment plus its sync part",
          "[validation][checkpoint]") {
  constexpr double kBandwidth = 200e6;
  for (const double bytes : {100e6, 400e6, 1.6e9}) {
    INFO("state " << bytes / 1e6 << " MB");
    const auto r = testing::simulate_job(job(bytes, kBandwidth), 60 * kSecond);
    INFO(r.conservation_error);
    REQUIRE(r.conserved);
    const auto done = completed(r);
    REQUIRE(done.size() >= 2);
    const double closed_form = bytes / kBandwidth + seconds(kHop) + seconds(model::kSyncPhaseHeap);
    for (const auto& c : done) {
      CHECK(c.alignment_duration == Approx(kHop).epsilon(0.05));
      CHECK(static_cast<double>(c.state_size) == Approx(bytes));
      CHECK(c.checkpointed_size == c.state_size);
      CHECK(seconds(c.end_to_end_duration) == Approx(closed_form).epsilon(0.05));
    }
    WARN(bytes / 1e6 << " MB: engine " << seconds(done[0].end_to_end_duration) << " s, S/B + alignment + sync "
                      << closed_form << " s");
  }
}

TEST_CASE("an incremental checkpoint is shorter when little changes", "[validation][checkpoint][incremental]") {
  constexpr double kBytes = 1.6e9, kBandwidth = 200e6;
  auto rocksdb = [](testing::TestJob j, bool incremental) {
    j.scenario.flink.set("state.backend.type", "rocksdb");
    j.scenario.flink.set("execution.checkpointing.incremental", incremental ? "true" : "false");
    return j;
  };
  const auto full = completed(testing::simulate_job(rocksdb(job(kBytes, kBandwidth), false), 60 * kSecond));
  auto changed = rocksdb(job(kBytes, kBandwidth), true);
  changed.scenario.operators[1].state->change_rate = 0.05;
  const auto five_percent = completed(testing::simulate_job(changed, 60 * kSecond));
  // No change_rate: the keys touched since the last checkpoint (2k/s over 1.6M keys): a few MB.
  const auto touched = completed(testing::simulate_job(rocksdb(job(kBytes, kBandwidth), true), 60 * kSecond));
  REQUIRE(!full.empty());
  REQUIRE(!five_percent.empty());
  REQUIRE(touched.size() >= 2);
  const double sync = seconds(model::kSyncPhaseRocksDb);
  CHECK(seconds(full[0].end_to_end_duration) == Approx(kBytes / kBandwidth + seconds(kHop) + sync).epsilon(0.05));
  CHECK(static_cast<double>(five_percent[0].checkpointed_size) == Approx(0.05 * kBytes));
  CHECK(seconds(five_percent[0].end_to_end_duration) ==
        Approx(0.05 * kBytes / kBandwidth + seconds(kHop) + sync).epsilon(0.05));
  // The second checkpoint's delta covers the records of one interval (20 s × 2k/s = 40k updates).
  const double touched_bytes = 1.6e6 * (1 - std::exp(-40'000 / 1.6e6)) * 1000;
  CHECK(static_cast<double>(touched[1].checkpointed_size) == Approx(touched_bytes).epsilon(0.05));
  CHECK(touched[1].state_size == full[0].state_size);
  CHECK(touched[1].end_to_end_duration < five_percent[0].end_to_end_duration);
  CHECK(five_percent[0].end_to_end_duration < full[0].end_to_end_duration / 10);
}

TEST_CASE("under backpressure aligned checkpoints expire while unaligned ones stay short",
          "[validation][checkpoint][unaligned]") {
  // A source at 2k/s into a 1 ms operator (1k/s) on another TaskManager: every buffer between
  // them is full, ~20 buffers of 327 records: an aligned barrier waits ~6.5 s behind them. The
  // timeout is 3 s (tolerated, so the job runs on).
  auto make = [](bool unaligned) {
    auto j = testing::line_job({stage(1, 0, model::Partition::Forward, {0}),
                                stage(1, kMillisecond, model::Partition::Forward, {1}),
                                stage(1, 0, model::Partition::Forward, {1})},
                               2'000, 2, 2);
    j.scenario.flink.set("execution.checkpointing.interval", "5s");
    j.scenario.flink.set("execution.checkpointing.timeout", "3s");
    j.scenario.flink.set("execution.checkpointing.tolerable-failed-checkpoints", "1000");
    j.scenario.flink.set("execution.checkpointing.unaligned.enabled", unaligned ? "true" : "false");
    return testing::simulate_job(j, 60 * kSecond);
  };
  const auto aligned = make(false);
  const auto unaligned = make(true);
  REQUIRE(aligned.conserved);
  REQUIRE(unaligned.conserved);
  // Once the buffers are full (after ~7 s), every aligned checkpoint expires.
  int late = 0;
  for (const auto& c : aligned.checkpoint_history) {
    if (c.trigger_time < 10 * kSecond) continue;
    ++late;
    CHECK(c.status == sim::CheckpointStatus::Failed);
    CHECK(c.failure_reason == "expired");
  }
  CHECK(late >= 8);
  CHECK(aligned.checkpoints.expired >= 8);
  // Unaligned: all complete, within one buffer's drain (327 records × 1 ms) of the trigger.
  CHECK(unaligned.checkpoints.failed == 0);
  CHECK(unaligned.checkpoints.completed >= 10);
  CHECK(unaligned.checkpoints.duration_max < 400 * kMillisecond);
  for (const auto& c : completed(unaligned))
    if (c.trigger_time >= 10 * kSecond) CHECK(c.persisted_data > 300'000);  // the overtaken buffers
  WARN("aligned: " << aligned.checkpoints.expired << " expired of " << aligned.checkpoint_history.size()
                   << "; unaligned: max " << seconds(unaligned.checkpoints.duration_max) << " s");
}
