// The back-of-the-envelope sizing of Robert Metzger's Flink Forward 2017 talk (Ververica blog
// "How To Size Your Apache Flink Cluster"), held against the steady-state model: the bundled
// scenarios/sizing-example.toml must give the blog's per-machine network figures within 0.5 %.
#include <catch2/catch.hpp>

#include "model/job_graph.h"
#include "model/placement.h"
#include "model/scenario_reader.h"
#include "model/steady_state.h"
#include "test_paths.h"

using namespace flinksim::model;

namespace {

constexpr double kMB = 1e6;  // the blog's MB/s are decimal
constexpr double kTolerance = 0.005;

struct Planned {
  Scenario scenario;
  JobGraph graph;
  Placement placement;
  SteadyState steady;
};

Planned plan_sizing_example() {
  Planned p;
  p.scenario = read_scenario_file(flinksim::testing::source_dir() + "/scenarios/sizing-example.toml");
  p.graph = build_job_graph(p.scenario);
  p.placement = place_job(p.graph, p.scenario);
  p.steady = compute_steady_state(p.scenario, p.graph, p.placement);
  return p;
}

}  // namespace

TEST_CASE("sizing example: the layout is the blog's", "[validation][sizing]") {
  const Planned p = plan_sizing_example();
  REQUIRE(p.graph.vertices.size() == 2);  // the sink chains to the window (forward, p = 80)
  CHECK(p.graph.vertices[1].name == "sliding-window -> kafka-sink");
  CHECK(p.placement.fits);
  CHECK(p.placement.slots_required == 80);
  REQUIRE(p.steady.taskmanagers.size() == 5);
  CHECK(p.steady.source_rate == Approx(1e6));
}

TEST_CASE("sizing example: per-machine network figures of the blog", "[validation][sizing]") {
  const Planned p = plan_sizing_example();
  for (std::size_t t = 0; t < p.steady.taskmanagers.size(); ++t) {
    CAPTURE(t);
    const NetworkBreakdown& in = p.steady.taskmanagers[t].network_in;
    const NetworkBreakdown& out = p.steady.taskmanagers[t].network_out;
    CHECK(in.source_ingest == Approx(400 * kMB).epsilon(kTolerance));   // Kafka in
    CHECK(in.shuffle == Approx(320 * kMB).epsilon(kTolerance));         // 4/5 arrive from others
    CHECK(out.shuffle == Approx(320 * kMB).epsilon(kTolerance));        // 4/5 leave the machine
    CHECK(out.sink_output == Approx(66.67 * kMB).epsilon(kTolerance));  // window results to Kafka
    CHECK(in.state_access == Approx(40 * kMB).epsilon(kTolerance));     // RocksDB reads
    CHECK(out.state_access == Approx(40 * kMB).epsilon(kTolerance));    // RocksDB writes
    CHECK(out.checkpoint_upload == Approx(333.33 * kMB).epsilon(kTolerance));  // 20 GB per minute
    CHECK(in.total() == Approx(760 * kMB).epsilon(kTolerance));
    CHECK(out.total() == Approx(760 * kMB).epsilon(kTolerance));
    CHECK(p.steady.taskmanagers[t].state_bytes == Approx(20e9).epsilon(kTolerance));
  }
}

TEST_CASE("sizing example: the network is what binds", "[validation][sizing]") {
  const Planned p = plan_sizing_example();
  // IN grows 760 MB/s per million records/s; OUT 426.7 MB/s on top of a constant 333.3 MB/s of
  // checkpoints: IN reaches 1250 MB/s first, at 1250/760 million records/s.
  CHECK(p.steady.bottleneck.kind == BottleneckKind::NetworkIn);
  CHECK(p.steady.max_source_rate == Approx(1e6 * 1250.0 / 760.0).epsilon(kTolerance));
  CHECK(p.steady.warnings.empty());
}
