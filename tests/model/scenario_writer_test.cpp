// Round trip: what write_scenario writes, read_scenario_text reads back field for field.
#include "model/scenario_writer.h"

#include <catch2/catch.hpp>

#include "model/scenario_reader.h"

using namespace flinksim::model;

namespace {

Scenario sample() {
  Scenario s;
  s.name = "round \"trip\"";
  s.seed = 7;
  s.cluster = {3, 2.5, 30 * kSecond};
  s.flink.set("taskmanager.numberOfTaskSlots", "4");
  s.flink.set("taskmanager.memory.process.size", "4g");
  s.flink.set("execution.checkpointing.interval", "30 s");
  s.flink.set("execution.checkpointing.unaligned.enabled", "true");
  s.storage = {123.5e6, 400e6, "network"};
  s.network = {1.25e9, 150 * kMicrosecond};
  OperatorSpec src;
  src.name = "src";
  src.kind = OperatorKind::Source;
  src.parallelism = 6;
  src.cpu_per_record = 1500 * kMicrosecond / 1000;  // 1.5us
  src.record_size = 2000;
  src.record_size_cv = 0.4;
  src.source_partitions = 12;
  src.chaining = Chaining::Head;
  OperatorSpec window;
  window.name = "window";
  window.inputs = {{"src", Partition::Hash, {}}};
  window.max_parallelism = 256;
  window.cpu_per_record = 12 * kMicrosecond;
  window.cpu_distribution = CostDistribution::Lognormal;
  window.cpu_cv = 0.75;
  window.selectivity = 1.0 / 3;
  window.state = StateSpec{1'000'000, 300, "rocksdb-get-put", 600, 0.01, 0.2};
  window.key_skew = 1.1;
  window.key_count = 5000;
  window.slot_sharing_group = "heavy";
  window.slot_sharing_group_set = true;
  OperatorSpec sink;
  sink.name = "sink";
  sink.kind = OperatorKind::Sink;
  sink.inputs = {{"window", std::nullopt, {}}};
  sink.cpu_distribution = CostDistribution::Exponential;
  s.operators = {src, window, sink};
  s.traffic.shape = TrafficShape::Burst;
  s.traffic.peak = 12345.678;
  s.traffic.trough = 100;
  s.traffic.duration = 2 * kHour;
  s.traffic.arrival = Arrival::Uniform;
  s.traffic.burst_every = 10 * kMinute;
  s.traffic.burst_length = 90 * kSecond;
  s.failures = {{30 * kMinute, FailureKind::TaskManager, 2, {}},
                {kHour, FailureKind::JobManager, 0, {}},
                {90 * kMinute, FailureKind::TaskManager, -1, {}}};  // none named: the worst
  s.simulation = {Granularity::Buffer, 5'000'000, 2'000'000, 500 * kMillisecond, 5 * kMinute};
  s.slo = {2 * kSecond, 10 * kMinute, std::nullopt, 0.7};
  s.search.taskmanagers = std::make_pair(2, 16);
  s.search.slots_per_taskmanager = {1, 4};
  s.search.cpu_per_taskmanager = {0.5, 2};
  s.search.memory_per_taskmanager = {1728 * kMiB, 4 * kGiB};
  s.search.price_per_core_hour = 0.04;
  return s;
}

}  // namespace

TEST_CASE("exact text forms") {
  CHECK(duration_text(24 * kHour) == "24h");
  CHECK(duration_text(90 * kSecond) == "90s");
  CHECK(duration_text(1500 * kMicrosecond) == "1500us");
  CHECK(duration_text(1500) == "1500ns");
  CHECK(duration_text(0) == "0s");
  CHECK(size_text(1728 * kMiB) == "1728m");
  CHECK(size_text(2000) == "2000b");
  CHECK(size_text(0) == "0b");
  CHECK(parse_rate(rate_text(12345.678)) == 12345.678);
}

TEST_CASE("a written scenario reads back field for field") {
  const Scenario s = sample();
  const std::string text = write_scenario(s);
  INFO(text);
  const Scenario r = read_scenario_text(text, "written.toml");
  CHECK(r.name == s.name);
  CHECK(r.seed == s.seed);
  CHECK(r.cluster.taskmanagers == 3);
  CHECK(r.cluster.cpu_per_taskmanager == 2.5);
  CHECK(r.cluster.pod_start == s.cluster.pod_start);
  for (const auto& [key, entry] : s.flink.entries()) CHECK(r.flink.entries().at(key).value == entry.value);
  CHECK(r.flink.entries().at("jobmanager.memory.process.size").value == "1600m");
  CHECK(r.storage.write_bandwidth == s.storage.write_bandwidth);
  CHECK(r.storage.state_disk == "network");
  CHECK(r.network.bandwidth_per_taskmanager == s.network.bandwidth_per_taskmanager);
  CHECK(r.network.hop_latency == s.network.hop_latency);
  REQUIRE(r.operators.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    const OperatorSpec &a = s.operators[i], &b = r.operators[i];
    INFO(a.name);
    CHECK(b.name == a.name);
    CHECK(b.kind == a.kind);
    CHECK(b.parallelism == a.parallelism);
    CHECK(b.max_parallelism == a.max_parallelism);
    REQUIRE(b.inputs.size() == a.inputs.size());
    for (std::size_t j = 0; j < a.inputs.size(); ++j) {
      CHECK(b.inputs[j].from == a.inputs[j].from);
      CHECK(b.inputs[j].partition == a.inputs[j].partition);
    }
    CHECK(b.cpu_per_record == a.cpu_per_record);
    CHECK(b.cpu_distribution == a.cpu_distribution);
    CHECK(b.cpu_cv == a.cpu_cv);
    CHECK(b.selectivity == a.selectivity);
    CHECK(b.record_size == a.record_size);
    CHECK(b.record_size_cv == a.record_size_cv);
    REQUIRE(b.state.has_value() == a.state.has_value());
    if (a.state) {
      CHECK(b.state->keys == a.state->keys);
      CHECK(b.state->bytes_per_key == a.state->bytes_per_key);
      CHECK(b.state->access == a.state->access);
      CHECK(b.state->access_bytes_per_record == a.state->access_bytes_per_record);
      CHECK(b.state->growth_per_hour == a.state->growth_per_hour);
      CHECK(b.state->change_rate == a.state->change_rate);
    }
    CHECK(b.key_skew == a.key_skew);
    CHECK(b.key_count == a.key_count);
    CHECK(b.source_partitions == a.source_partitions);
    CHECK(b.slot_sharing_group == a.slot_sharing_group);
    CHECK(b.chaining == a.chaining);
  }
  CHECK(r.traffic.shape == s.traffic.shape);
  CHECK(r.traffic.peak == s.traffic.peak);
  CHECK(r.traffic.trough == s.traffic.trough);
  CHECK(r.traffic.duration == s.traffic.duration);
  CHECK(r.traffic.arrival == s.traffic.arrival);
  CHECK(r.traffic.burst_every == s.traffic.burst_every);
  CHECK(r.traffic.burst_length == s.traffic.burst_length);
  CHECK(r.traffic.diurnal_peak_at == s.traffic.diurnal_peak_at);
  REQUIRE(r.failures.size() == 3);
  CHECK(r.failures[2].taskmanager == -1);
  CHECK(r.failures[0].at == 30 * kMinute);
  CHECK(r.failures[0].taskmanager == 2);
  CHECK(r.failures[1].kind == FailureKind::JobManager);
  CHECK(r.simulation.granularity == Granularity::Buffer);
  CHECK(r.simulation.event_budget == 5'000'000);
  CHECK(r.simulation.check_budget == 2'000'000);
  CHECK(r.simulation.metrics_interval == 500 * kMillisecond);
  CHECK(r.simulation.warmup == 5 * kMinute);
  CHECK(r.slo.max_latency_p99 == s.slo.max_latency_p99);
  CHECK(r.slo.max_recovery == s.slo.max_recovery);
  CHECK_FALSE(r.slo.max_checkpoint_duration.has_value());
  CHECK(r.slo.target_utilization == 0.7);
  CHECK(r.search.taskmanagers == s.search.taskmanagers);
  CHECK(r.search.slots_per_taskmanager == s.search.slots_per_taskmanager);
  CHECK(r.search.cpu_per_taskmanager == s.search.cpu_per_taskmanager);
  CHECK(r.search.memory_per_taskmanager == s.search.memory_per_taskmanager);
  CHECK(r.search.price_per_core_hour == 0.04);
  // Writing what was read gives the same text: nothing drifts.
  CHECK(write_scenario(r) == text);
}
