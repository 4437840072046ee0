// build_job_graph against what Flink's StreamingJobGraphGenerator would produce: chaining,
// ship strategies, parallelism, max parallelism, slot sharing, and the key-group helpers.
#include "model/job_graph.h"

#include <catch2/catch.hpp>
#include <functional>

#include "tests/model/job_graph_builder.h"

using namespace flinksim::model;
using flinksim::testing::ScenarioBuilder;
using flinksim::testing::explicit_group;

namespace {

std::vector<std::string> names(const JobGraph& g) {
  std::vector<std::string> out;
  for (const JobVertex& v : g.vertices) out.push_back(v.name);
  return out;
}

std::vector<Partition> partitions(const JobGraph& g) {
  std::vector<Partition> out;
  for (const JobEdge& e : g.edges) out.push_back(e.partition);
  return out;
}

std::string failure_text(const Scenario& scenario) {
  try {
    build_job_graph(scenario);
  } catch (const InputFailure& failure) {
    std::string text;
    for (const InputError& e : failure.errors()) text += e.render() + "\n";
    return text;
  }
  return "";
}

struct ChainCase {
  const char* what;
  std::function<void(ScenarioBuilder&)> build;
  std::vector<std::string> vertices;
  std::vector<Partition> edges;
};

}  // namespace

TEST_CASE("chaining and ship strategies follow Flink's rules", "[job_graph]") {
  using P = Partition;
  const std::vector<ChainCase> cases = {
      {"equal parallelism, no partitioner: forward, one chain",
       [](ScenarioBuilder& b) {
         b.op("src", 4);
         b.op("map", 4, {"src"});
         b.op("sink", 4, {"map"}).kind = OperatorKind::Sink;
       },
       {"src -> map -> sink"}, {}},
      {"parallelism change, no partitioner: rebalance",
       [](ScenarioBuilder& b) {
         b.op("src", 4);
         b.op("map", 8, {"src"});
       },
       {"src", "map"}, {P::Rebalance}},
      {"keyBy at equal parallelism: HASH breaks the chain",
       [](ScenarioBuilder& b) {
         b.op("src", 4);
         b.op("win", 4, {"src:hash"});
       },
       {"src", "win"}, {P::Hash}},
      {"broadcast, rescale, shuffle and global all break the chain",
       [](ScenarioBuilder& b) {
         b.op("src", 4);
         b.op("a", 4, {"src:broadcast"});
         b.op("b", 8, {"a:rescale"});
         b.op("c", 8, {"b:random"});
         b.op("d", 1, {"c:global"});
       },
       {"src", "a", "b", "c", "d"}, {P::Broadcast, P::Rescale, P::Random, P::Global}},
      {"explicit rebalance at equal parallelism is kept",
       [](ScenarioBuilder& b) {
         b.op("src", 4);
         b.op("map", 4, {"src:rebalance"});
       },
       {"src", "map"}, {P::Rebalance}},
      {"chaining = never (disableChaining) isolates the operator",
       [](ScenarioBuilder& b) {
         b.op("src", 2);
         b.op("map", 2, {"src"}).chaining = Chaining::Never;
         b.op("sink", 2, {"map"});
       },
       {"src", "map", "sink"}, {P::Forward, P::Forward}},
      {"chaining = head (startNewChain) starts a chain that continues",
       [](ScenarioBuilder& b) {
         b.op("src", 2);
         b.op("map", 2, {"src"}).chaining = Chaining::Head;
         b.op("sink", 2, {"map"});
       },
       {"src", "map -> sink"}, {P::Forward}},
      {"pipeline.operator-chaining.enabled = false",
       [](ScenarioBuilder& b) {
         b.flink("pipeline.operator-chaining.enabled", "false");
         b.op("src", 2);
         b.op("map", 2, {"src"});
       },
       {"src", "map"}, {P::Forward}},
      {"different slot sharing groups never chain",
       [](ScenarioBuilder& b) {
         b.op("src", 2);
         explicit_group(b.op("sink", 2, {"src"}), "sink");
       },
       {"src", "sink"}, {P::Forward}},
      {"a union / two-input operator is never chained to its inputs",
       [](ScenarioBuilder& b) {
         b.op("left", 2);
         b.op("right", 2);
         b.op("join", 2, {"left", "right"});
         b.op("sink", 2, {"join"});
       },
       {"left", "right", "join -> sink"}, {P::Forward, P::Forward}},
      {"fan-out: every chainable output joins the chain, named as Flink does",
       [](ScenarioBuilder& b) {
         b.op("src", 3);
         b.op("a", 3, {"src"});
         b.op("b", 3, {"src"});
         b.op("c", 3, {"a"});
         b.op("k", 3, {"src:hash"});
       },
       {"src -> (a -> c, b)", "k"}, {P::Hash}},
      {"different max parallelism chains by default",
       [](ScenarioBuilder& b) {
         b.op("src", 2);
         b.op("map", 2, {"src"}).max_parallelism = 256;
       },
       {"src -> map"}, {}},
      {"...but not with chain-operators-with-different-max-parallelism = false",
       [](ScenarioBuilder& b) {
         b.flink("pipeline.operator-chaining.chain-operators-with-different-max-parallelism",
                 "false");
         b.op("src", 2);
         b.op("map", 2, {"src"}).max_parallelism = 256;
       },
       {"src", "map"}, {P::Forward}},
  };
  for (const ChainCase& c : cases) {
    SECTION(c.what) {
      ScenarioBuilder b;
      c.build(b);
      const JobGraph g = build_job_graph(b.scenario);
      CHECK(names(g) == c.vertices);
      CHECK(partitions(g) == c.edges);
    }
  }
}

TEST_CASE("job graph structure: edges, gates, rate factors, tree chains", "[job_graph]") {
  ScenarioBuilder b;
  b.op("src", 3).selectivity = 2.0;
  b.op("a", 3, {"src"}).selectivity = 0.5;
  b.op("b", 3, {"src"});
  b.op("c", 3, {"a"});
  b.op("join", 6, {"c:hash", "b:broadcast"});
  const JobGraph g = build_job_graph(b.scenario);
  REQUIRE(g.vertices.size() == 2);
  const JobVertex& chain = g.vertices[0];
  REQUIRE(chain.operators.size() == 4);
  // Depth first in Flink's order: src, a, c, b; each after its parent.
  CHECK(chain.operators[0].op == 0);
  CHECK(chain.operators[1].op == 1);
  CHECK(chain.operators[2].op == 3);
  CHECK(chain.operators[3].op == 2);
  CHECK(chain.operators[0].parent == -1);
  CHECK(chain.operators[1].parent == 0);
  CHECK(chain.operators[2].parent == 1);
  CHECK(chain.operators[3].parent == 0);
  CHECK(chain.operators[1].rate_factor == Approx(2.0));  // src emits 2 per record in
  CHECK(chain.operators[2].rate_factor == Approx(1.0));  // ... and a halves it
  CHECK(chain.operators[3].rate_factor == Approx(2.0));
  CHECK(chain.is_source);
  CHECK_FALSE(chain.is_sink);

  REQUIRE(g.edges.size() == 2);
  CHECK(g.edges[0].from_operator == 3);  // c emits on the hash edge, b on the broadcast one
  CHECK(g.edges[0].target_input == 0);
  CHECK(g.edges[1].from_operator == 2);
  CHECK(g.edges[1].target_input == 1);
  CHECK(g.edges[0].to_operator == 4);
  CHECK(g.vertices[1].inputs == std::vector<int>{0, 1});
  CHECK(chain.outputs == std::vector<int>{0, 1});
  CHECK(g.vertex_of_operator == std::vector<int>{0, 0, 0, 0, 1});
  CHECK(g.edges[0].all_to_all());
  CHECK(g.edges[1].all_to_all());
}

TEST_CASE("vertices come in topological order, ties by file order", "[job_graph]") {
  ScenarioBuilder b;
  b.op("sink", 2, {"mid:hash"});  // written before its inputs
  b.op("mid", 2, {"src2:hash", "src1:hash"});
  b.op("src2", 2);
  b.op("src1", 2);
  const JobGraph g = build_job_graph(b.scenario);
  CHECK(names(g) == std::vector<std::string>{"src2", "src1", "mid", "sink"});
  CHECK(g.vertices[2].inputs.size() == 2);
  CHECK(g.edges[g.vertices[2].inputs[1]].source == 1);  // gate 1 reads src1
}

TEST_CASE("parallelism: operator's, else parallelism.default", "[job_graph]") {
  ScenarioBuilder b;
  b.flink("parallelism.default", "6");
  b.op("src");
  b.op("map", 0, {"src"});
  b.op("sink", 3, {"map"});
  const JobGraph g = build_job_graph(b.scenario);
  REQUIRE(g.vertices.size() == 2);
  CHECK(g.vertices[0].name == "src -> map");
  CHECK(g.vertices[0].parallelism == 6);
  CHECK(g.vertices[1].parallelism == 3);
  CHECK(g.edges[0].partition == Partition::Rebalance);
}

TEST_CASE("max parallelism: operator's, else pipeline.max-parallelism, else derived",
          "[job_graph]") {
  ScenarioBuilder b;
  b.op("src", 100);
  b.op("a", 8, {"src"}).max_parallelism = 64;
  SECTION("derived and own") {
    const JobGraph g = build_job_graph(b.scenario);
    CHECK(g.vertices[0].max_parallelism == 256);
    CHECK(g.vertices[1].max_parallelism == 64);
  }
  SECTION("pipeline.max-parallelism applies where none is set") {
    b.flink("pipeline.max-parallelism", "1024");
    const JobGraph g = build_job_graph(b.scenario);
    CHECK(g.vertices[0].max_parallelism == 1024);
    CHECK(g.vertices[1].max_parallelism == 64);
  }
  SECTION("parallelism above max parallelism is an error at the operator") {
    b.flink("pipeline.max-parallelism", "50");
    const std::string text = failure_text(b.scenario);
    CHECK_THAT(text, Catch::Contains("job.toml:1:1: operator \"src\".parallelism"));
    CHECK_THAT(text, Catch::Contains("max parallelism 50"));
  }
  SECTION("max parallelism above 32768 is refused") {
    b.flink("pipeline.max-parallelism", "40000");
    CHECK_THAT(failure_text(b.scenario),
               Catch::Contains("Maximum parallelism must be between 1 and 32768. Found: 40000"));
  }
}

TEST_CASE("explicit forward between different parallelisms fails as in Flink", "[job_graph]") {
  ScenarioBuilder b;
  b.op("src", 4);
  b.op("map", 8, {"src:forward"});
  const std::string text = failure_text(b.scenario);
  CHECK_THAT(text, Catch::Contains("job.toml:12:10: operator \"map\".inputs[0].partition"));
  CHECK_THAT(text, Catch::Contains("Forward partitioning does not allow change of parallelism"));
  CHECK_THAT(text, Catch::Contains("Upstream operation: src parallelism: 4"));
}

TEST_CASE("a cycle is an error naming the operators on it", "[job_graph]") {
  ScenarioBuilder b;
  b.op("src", 2);
  b.op("a", 2, {"src", "c"});
  b.op("b", 2, {"a"});
  b.op("c", 2, {"b"});
  const std::string text = failure_text(b.scenario);
  CHECK_THAT(text, Catch::Contains("cycle (a -> b -> c -> a)"));
  CHECK_THAT(text, Catch::Contains("operator \"a\".inputs"));
}

TEST_CASE("slots required: Σ over slot sharing groups of the widest vertex", "[job_graph]") {
  ScenarioBuilder b;
  b.op("src", 8);
  b.op("win", 16, {"src:hash"});
  SECTION("p=8 and p=16 in default: 16") { CHECK(build_job_graph(b.scenario).slots_required() == 16); }
  SECTION("a sink in group \"sink\" at p=4: 20") {
    explicit_group(b.op("sink", 4, {"win"}), "sink");
    const JobGraph g = build_job_graph(b.scenario);
    CHECK(g.slots_required() == 20);
    CHECK(g.vertices.back().slot_sharing_group == "sink");
    CHECK(g.vertices.back().is_sink == false);  // kind was left as Operator here
  }
}

TEST_CASE("default max parallelism matches KeyGroupRangeAssignment", "[job_graph]") {
  // p + p/2 with integer division: 683 + 341 = 1024 still rounds to 1024 (not 2048).
  const std::vector<std::pair<int, int>> table = {
      {1, 128},    {85, 128},   {86, 256},    {171, 256},   {172, 512},
      {341, 512},  {342, 1024}, {683, 1024},  {684, 2048},  {21845, 32768},
      {21846, 32768}, {32768, 32768}};
  for (const auto& [p, expected] : table) {
    INFO("p = " << p);
    CHECK(default_max_parallelism(p) == expected);
  }
}

TEST_CASE("key groups: ranges, subtask of a key group, built-in skew", "[job_graph]") {
  for (const auto& [p, max_p] : std::vector<std::pair<int, int>>{{48, 128}, {96, 128}, {7, 128}, {100, 128}, {128, 128}}) {
    INFO("p = " << p << ", maxP = " << max_p);
    int covered = 0;
    for (int i = 0; i < p; ++i) {
      const KeyGroups range = key_groups_of_subtask(i, p, max_p);
      CHECK(range.first == covered);  // contiguous, in order
      covered = range.last + 1;
      for (int g = range.first; g <= range.last; ++g) CHECK(subtask_of_key_group(g, p, max_p) == i);
    }
    CHECK(covered == max_p);
  }
  int two = 0, three = 0;
  for (int i = 0; i < 48; ++i) {
    const int n = key_groups_of_subtask(i, 48, 128).count();
    two += n == 2;
    three += n == 3;
  }
  CHECK(two + three == 48);
  CHECK(two * 2 + three * 3 == 128);
  CHECK(three == 32);
  CHECK(key_group_skew(48, 128) == Approx(1.125));
  CHECK(key_group_skew(96, 128) == Approx(1.5));
  CHECK(key_group_skew(100, 128) == Approx(1.5625));
  CHECK(key_group_skew(64, 128) == Approx(1.0));
}

TEST_CASE("pointwise connections as Flink's EdgeManagerBuildUtil", "[job_graph]") {
  // 5 → 3: consumer ranges [0,1) [1,3) [3,5); 3 → 5: producer 0 feeds [0,2), 1 [2,4), 2 [4,5).
  CHECK(pointwise_producers(1, 5, 3).first == 1);
  CHECK(pointwise_producers(1, 5, 3).end == 3);
  CHECK(pointwise_consumers(1, 5, 3).first == 1);
  CHECK(pointwise_consumers(2, 5, 3).first == 1);
  CHECK(pointwise_consumers(1, 3, 5).first == 2);
  CHECK(pointwise_consumers(1, 3, 5).end == 4);
  CHECK(pointwise_producers(4, 3, 5).first == 2);
  for (int up = 1; up <= 9; ++up) {
    for (int down = 1; down <= 9; ++down) {
      INFO(up << " -> " << down);
      for (int i = 0; i < up; ++i) {
        const SubtaskRange to = pointwise_consumers(i, up, down);
        CHECK(to.size() >= 1);
        for (int j = to.first; j < to.end; ++j) CHECK(pointwise_producers(j, up, down).contains(i));
      }
      int links = 0;
      for (int j = 0; j < down; ++j) links += pointwise_producers(j, up, down).size();
      CHECK(links == std::max(up, down));  // Flink: max(p1, p2) channels
    }
  }
}

TEST_CASE("slot sharing groups are inherited from the inputs as Flink does", "[job_graph][slots]") {
  // Flink: StreamGraphGenerator#determineSlotSharingGroup — an operator without a group of its own
  // takes its inputs' group when they agree, else "default".
  ScenarioBuilder b;
  explicit_group(b.op("src", 4), "ingest");
  b.op("map", 4, {"src"});  // inherits "ingest", so it still chains with the source
  explicit_group(b.op("rules", 4), "rules");
  b.op("join", 4, {"map", "rules"});  // inputs disagree: "default"
  b.op("sink", 4, {"join"});          // inherits "default" from join
  const auto g = build_job_graph(b.scenario);
  REQUIRE(g.vertices.size() == 3);
  const auto vertex_named = [&](const std::string& name) -> const JobVertex& {
    for (const auto& v : g.vertices) if (v.name == name) return v;
    FAIL("no vertex " << name);
    return g.vertices.front();
  };
  CHECK(vertex_named("src -> map").slot_sharing_group == "ingest");
  CHECK(vertex_named("rules").slot_sharing_group == "rules");
  CHECK(vertex_named("join -> sink").slot_sharing_group == "default");
  CHECK(g.slots_required() == 12);  // three groups of 4
}
