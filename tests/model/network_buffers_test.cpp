// Network buffer needs per TaskManager against Flink's Netty shuffle arithmetic
// (NettyShuffleUtils, InputGateSpecUtils, remote-only exclusive buffers) and its error text.
#include "model/network_buffers.h"

#include <catch2/catch.hpp>

#include "tests/model/job_graph_builder.h"

using namespace flinksim::model;
using flinksim::testing::ScenarioBuilder;

TEST_CASE("running-etl: V1 p=8 -HASH-> V2 p=16 on 4 TMs x 4 slots", "[network_buffers]") {
  ScenarioBuilder b;
  b.cluster(4, 4);
  b.op("orders-kafka", 8);
  b.op("enrich", 8, {"orders-kafka"});
  b.op("window-agg", 16, {"enrich:hash"});
  b.op("kafka-sink", 16, {"window-agg"}).kind = OperatorKind::Sink;
  const JobGraph g = build_job_graph(b.scenario);
  const Placement p = place_job(g, b.scenario);
  const NetworkBufferSettings settings = network_buffer_settings(b.scenario.flink);
  const NetworkBufferReport r = network_buffer_needs(g, p, settings, 10'977);
  REQUIRE(r.taskmanagers.size() == 4);
  // Fill-first: TM0 hosts V1 0..3 and V2 0..3, TM1 V1 4..7 and V2 4..7, TM2/TM3 V2 only.
  // TM0: 4 result partitions of S=16: required 4 × 17 = 68, max 4 × (2·16 + 8) = 160.
  //      4 gates of C=8, 4 producers local (V1 0..3) and 4 remote: required 1 + 2·4 = 9,
  //      target 8 + 2·4 = 16 → 36 and 64. Total: required 104, target 224.
  //      All channels remote (Flink's announced figure): gates 2·8 + 1 = 17 → 68 + 68 = 136.
  // TM2: 4 gates, all 8 channels remote: required 17, target 24 → 68 and 96.
  CHECK(r.taskmanagers[0].required == 104);
  CHECK(r.taskmanagers[0].target == 224);
  CHECK(r.taskmanagers[0].required_all_remote == 136);
  CHECK(r.taskmanagers[1].required == 104);
  CHECK(r.taskmanagers[2].required == 68);
  CHECK(r.taskmanagers[2].target == 96);
  CHECK(r.taskmanagers[3].required_all_remote == 68);
  CHECK(r.taskmanagers[0].available == 10'977);
  CHECK(r.sufficient());
  CHECK(r.first_error().empty());
}

TEST_CASE("insufficient buffers: Flink's message for the first request that fails",
          "[network_buffers]") {
  // p=100 -HASH-> p=100 on 5 TMs × 20 slots of a 1728m TM (4,096 buffers). TM0 hosts src 0..19
  // and agg 0..19. Deployment: 20 partitions of S=100 reserve 20 × 101 = 2,020; each agg gate has
  // 100 channels, 20 local and 80 remote: 1 floating + 80 × 2 exclusive = 161. After 12 gates
  // 2,020 + 1,932 = 3,952 are reserved (144 left); the 13th takes 1 + 71 × 2 = 143, leaving 1,
  // and its 72nd remote channel asks for 2: "required 2, but only 1 available".
  ScenarioBuilder b;
  b.cluster(5, 20);
  b.op("src", 100);
  b.op("agg", 100, {"src:hash"});
  const JobGraph g = build_job_graph(b.scenario);
  const Placement p = place_job(g, b.scenario);
  const NetworkBufferReport r =
      network_buffer_needs(g, p, network_buffer_settings(b.scenario.flink), 4096);
  CHECK(r.taskmanagers[0].required == 2020 + 20 * 161);
  CHECK_FALSE(r.sufficient());
  CHECK(r.first_error() ==
        "Insufficient number of network buffers: required 2, but only 1 available. The total "
        "number of network buffers is currently set to 4096 of 32768 bytes each. You can "
        "increase this number by setting the configuration keys "
        "'taskmanager.memory.network.fraction', 'taskmanager.memory.network.min', and "
        "'taskmanager.memory.network.max'.");
  SECTION("a partition pool that does not fit is named by its minimum S + 1") {
    const NetworkBufferReport small =
        network_buffer_needs(g, p, network_buffer_settings(b.scenario.flink), 2000);
    CHECK_THAT(small.first_error(), Catch::StartsWith("Insufficient number of network buffers: "
                                                      "required 101, but only 81 available."));
  }
}

TEST_CASE("gate and partition pools follow the configured counts", "[network_buffers]") {
  NetworkBufferSettings defaults;
  const PartitionBuffers part = partition_buffers(defaults, 16);
  CHECK(part.required == 17);
  CHECK(part.max == 40);
  const GateBuffers all_remote = gate_buffers(defaults, 100, 100);
  CHECK(all_remote.required == 201);
  CHECK(all_remote.target == 208);
  const GateBuffers all_local = gate_buffers(defaults, 100, 0);
  CHECK(all_local.required == 1);
  CHECK(all_local.target == 8);

  ScenarioBuilder b;
  b.flink("taskmanager.network.memory.buffers-per-channel", "4");
  b.flink("taskmanager.network.memory.floating-buffers-per-gate", "16");
  SECTION("buffers-per-channel and floating-buffers-per-gate") {
    const NetworkBufferSettings s = network_buffer_settings(b.scenario.flink);
    CHECK(partition_buffers(s, 10).max == 56);
    const GateBuffers gate = gate_buffers(s, 10, 6);
    CHECK(gate.exclusive_per_channel == 4);
    CHECK(gate.required == 1 + 24);
    CHECK(gate.target == 16 + 24);
  }
  SECTION("read-buffer.required-per-gate.max caps the gate: exclusive becomes floating") {
    b.flink("taskmanager.network.memory.read-buffer.required-per-gate.max", "10");
    const NetworkBufferSettings s = network_buffer_settings(b.scenario.flink);
    const GateBuffers gate = gate_buffers(s, 100, 100);
    CHECK(gate.exclusive_per_channel == 0);  // min(4, (10 − 1) / 100)
    CHECK(gate.required == 10);
    CHECK(gate.target == 100 * 4 + 16);
    const GateBuffers few = gate_buffers(s, 3, 3);  // (10 − 1) / 3 = 3 exclusive each
    CHECK(few.exclusive_per_channel == 3);
    CHECK(few.required == 10);
  }
}

TEST_CASE("channels per subtask, pointwise and all-to-all, and locality", "[network_buffers]") {
  ScenarioBuilder b;
  b.cluster(2, 4);
  b.op("src", 4);
  b.op("a", 8, {"src:rescale"});
  b.op("b", 8, {"a:broadcast"});
  b.op("c", 8, {"b"});  // forward, but chained: no job edge
  const JobGraph g = build_job_graph(b.scenario);
  const Placement p = place_job(g, b.scenario);
  REQUIRE(g.edges.size() == 2);
  const JobEdge& rescale = g.edges[0];
  const JobEdge& broadcast = g.edges[1];
  CHECK(subpartitions_of(g, rescale, 1).size() == 2);
  CHECK(subpartitions_of(g, rescale, 1).first == 2);
  CHECK(channels_of(g, rescale, 3).size() == 1);
  CHECK(channels_of(g, rescale, 3).first == 1);
  CHECK(subpartitions_of(g, broadcast, 0).size() == 8);
  CHECK(channels_of(g, broadcast, 5).size() == 8);
  CHECK(connected(rescale, g, 1, 3));
  CHECK_FALSE(connected(rescale, g, 1, 4));
  // b k sits in group k (groups 0..3 on TM0, 4..7 on TM1); a 0 joined src 0 in group 0.
  CHECK(is_local_channel(p, broadcast, 0, 3));
  CHECK_FALSE(is_local_channel(p, broadcast, 0, 4));
}
