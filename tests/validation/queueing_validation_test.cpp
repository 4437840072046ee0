// The buffer-level engine held against queueing theory (scenario.md, "Semantics that tests rely
// on"): with a zero buffer timeout (one record per buffer), zero hop latency, Poisson arrivals,
// ample network buffers and a core per thread, every unchained operator is a FCFS single server,
// so the engine's end-to-end latency must match the closed forms of queueing_theory.h.
//
// Every job: a zero-cost source → the operators under test → a zero-cost sink, all on one
// TaskManager with more cores than threads. Latency runs from arrival in the source backlog to
// leaving the sink, i.e. the sojourn through the operators under test. Most jobs are built by hand
// (tests/sim/job_builder.h) to state the topology exactly; the last two go through Flink's
// chaining rules and the scheduler (model/job_graph.h, model/placement.h) and engine_params().
//
// Statistical error (measured with the Lindley Monte Carlo of queueing_theory_test.cpp, 40
// replications): at ρ = 0.6 the sample mean of the M/M/1 sojourn over 300k records has a relative
// standard error of 0.75% (0.52% at ρ = 0.5; 1.1% at ρ = 0.7), its p99 1.7%; M/D/1 0.31% and 0.9%.
// The cases measure 1.5M records after warm-up, so the 3% tolerance on a mean is
// ≈ 9σ for M/M/1 (σ ≈ 0.34%) and 5% on a p99 ≈ 6σ (σ ≈ 0.76%). The histogram adds ≤ 0.4% to
// quantiles.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "../sim/job_builder.h"
#include "model/job_graph.h"
#include "model/placement.h"
#include "sim/engine.h"
#include "validation/queueing_theory.h"

using namespace flinksim;
namespace qt = flinksim::validation;
using model::CostDistribution;
using model::kMicrosecond;
using model::kSecond;
using model::Partition;
using testing::StageSpec;

namespace {

constexpr double kRate = 6'000;                       // records/s offered per single server
constexpr double kRecords = 1.5e6;                    // measured per case, after warm-up
constexpr model::Nanos kWarmup = 5 * kSecond;          // ≫ the relaxation time (~ms)
constexpr model::Nanos kCost = 100 * kMicrosecond;     // mean service: μ = 10k/s, ρ = 0.6

StageSpec stage(int parallelism, model::Nanos cost, CostDistribution dist = CostDistribution::Constant,
                Partition partition = Partition::Forward) {
  StageSpec s;
  s.parallelism = parallelism;
  s.cost = cost;
  s.distribution = dist;
  s.partition = partition;
  return s;
}

// A line job made into a textbook queueing network: one record per buffer, no wire, buffers
// enough that no channel ever back-pressures (the queue then sits where theory puts it).
testing::TestJob textbook(const std::vector<StageSpec>& stages, std::uint64_t seed, double rate = kRate) {
  auto job = testing::line_job(stages, rate, 1, 16.0, seed);
  job.scenario.traffic.arrival = model::Arrival::Poisson;
  job.params.buffer_timeout = 0;
  job.params.hop_latency = 0;
  job.params.buffers_per_channel = 4096;
  job.params.floating_buffers_per_gate = 4096;
  job.params.max_buffers_per_channel = 4096;
  return job;
}

// Chains operator `second` (a new scenario operator) after the head of vertex `v`, as Flink's
// chaining would: one thread, per-record cost the sum of the two draws.
void chain_after(testing::TestJob& job, int v, const StageSpec& second) {
  model::OperatorSpec op;
  op.name = "chained";
  op.cpu_per_record = second.cost;
  op.cpu_distribution = second.distribution;
  op.record_size = 100;
  const int index = static_cast<int>(job.scenario.operators.size());
  job.scenario.operators.push_back(op);
  job.graph.vertex_of_operator.push_back(v);
  job.graph.vertices[v].operators.push_back({index, 1.0});
  for (int e : job.graph.vertices[v].outputs) job.graph.edges[e].from_operator = index;
}

sim::RunResult run(const testing::TestJob& job) {
  sim::RunOptions options;
  options.warmup = kWarmup;
  options.horizon = kWarmup + static_cast<model::Nanos>(kRecords / job.scenario.traffic.peak * 1e9);
  const auto r = sim::simulate(job.scenario, job.graph, job.placement, job.params, options);
  INFO(r.conservation_error);
  REQUIRE(r.conserved);
  REQUIRE(r.latency.count > 0.99 * kRecords);
  CHECK(r.throughput_mean == Approx(job.scenario.traffic.peak).epsilon(0.01));
  return r;
}

double seconds(double ns) { return ns * 1e-9; }
constexpr double kMu = 1e9 / kCost;

}  // namespace

TEST_CASE("M/M/1: one operator with exponential cost", "[validation][queueing]") {
  // seed 1001
  const auto r = run(textbook({stage(1, 0), stage(1, kCost, CostDistribution::Exponential), stage(1, 0)}, 1001));
  CHECK(seconds(r.latency.mean) == Approx(qt::mm1_sojourn_mean(kRate, kMu)).epsilon(0.03));
  CHECK(seconds(r.latency.p50) == Approx(qt::mm1_sojourn_quantile(kRate, kMu, 0.5)).epsilon(0.03));
  CHECK(seconds(r.latency.p99) == Approx(qt::mm1_sojourn_quantile(kRate, kMu, 0.99)).epsilon(0.05));
}

TEST_CASE("M/D/1: one operator with constant cost", "[validation][queueing]") {
  // seed 1002
  const double d = seconds(kCost);
  const auto r = run(textbook({stage(1, 0), stage(1, kCost, CostDistribution::Constant), stage(1, 0)}, 1002));
  CHECK(seconds(r.latency.mean) == Approx(qt::md1_sojourn_mean(kRate, d)).epsilon(0.03));
  CHECK(seconds(r.latency.p50) == Approx(qt::md1_sojourn_quantile(kRate, d, 0.5)).epsilon(0.03));
  CHECK(seconds(r.latency.p99) == Approx(qt::md1_sojourn_quantile(kRate, d, 0.99)).epsilon(0.05));
}

// The same two operators (exponential, means 40 µs and 60 µs), chained and unchained.
constexpr model::Nanos kFirst = 40 * kMicrosecond, kSecondOp = 60 * kMicrosecond;

TEST_CASE("a chain of two operators is one M/G/1 server (Pollaczek–Khinchine)", "[validation][queueing]") {
  // seed 1003
  auto job = textbook({stage(1, 0), stage(1, kFirst, CostDistribution::Exponential), stage(1, 0)}, 1003);
  chain_after(job, 1, stage(1, kSecondOp, CostDistribution::Exponential));
  const auto r = run(job);
  const double m1 = seconds(kFirst), m2 = seconds(kSecondOp);
  const double es2 = qt::second_moment_sum(m1, qt::second_moment_exponential(m1), m2,
                                           qt::second_moment_exponential(m2));
  CHECK(seconds(r.latency.mean) == Approx(qt::mg1_sojourn_mean(kRate, m1 + m2, es2)).epsilon(0.03));
  REQUIRE(r.vertices.size() == 3);
  CHECK(r.vertices[1].busy_ms_per_s == Approx(600).epsilon(0.02));  // ρ = 0.6 on one thread
}

TEST_CASE("the same two operators unchained are a Jackson tandem", "[validation][queueing]") {
  // seed 1004
  const auto r = run(textbook({stage(1, 0), stage(1, kFirst, CostDistribution::Exponential),
                               stage(1, kSecondOp, CostDistribution::Exponential), stage(1, 0)},
                              1004));
  const double mu1 = 1e9 / kFirst, mu2 = 1e9 / kSecondOp;
  CHECK(seconds(r.latency.mean) == Approx(qt::tandem_mm1_sojourn_mean(kRate, mu1, mu2)).epsilon(0.03));
}

// One source subtask fanning out over k exponential subtasks (ρ = 0.6 each), then k sinks.
constexpr int kFanOut = 3;
sim::RunResult fan_out(Partition partition, std::uint64_t seed) {
  return run(textbook({stage(1, 0), stage(kFanOut, kCost, CostDistribution::Exponential, partition),
                       stage(kFanOut, 0)},
                      seed, kFanOut * kRate));
}

TEST_CASE("a random partitioner splits a Poisson stream into Poisson streams", "[validation][queueing]") {
  const auto r = fan_out(Partition::Random, 1005);  // seed 1005
  CHECK(seconds(r.latency.mean) ==
        Approx(qt::random_split_mm1_sojourn_mean(kFanOut * kRate, kFanOut, kMu)).epsilon(0.03));
  CHECK(seconds(r.latency.p99) == Approx(qt::mm1_sojourn_quantile(kRate, kMu, 0.99)).epsilon(0.05));
}

TEST_CASE("rebalance deals a Poisson stream round-robin: each subtask is E_k/M/1", "[validation][queueing]") {
  const auto r = fan_out(Partition::Rebalance, 1006);  // seed 1006; Erlang-3 interarrivals
  CHECK(seconds(r.latency.mean) == Approx(qt::ekm1_sojourn_mean(kFanOut * kRate, kFanOut, kMu)).epsilon(0.03));
  CHECK(seconds(r.latency.p99) ==
        Approx(qt::ekm1_sojourn_quantile(kFanOut * kRate, kFanOut, kMu, 0.99)).epsilon(0.05));
  // And it is measurably not M/M/1 (Poisson arrivals would wait ~40% longer here).
  CHECK(seconds(r.latency.mean) < 0.85 * qt::mm1_sojourn_mean(kRate, kMu));
}

// The same through Flink's own chaining rules (model/job_graph.h) instead of a graph built by hand:
// source → A → B → sink with default chaining is one task, one thread (M/G/1); B with
// chaining = "never" splits it into [source → A], [B], [sink], a tandem.
model::Scenario flink_job(model::Chaining b_chaining, std::uint64_t seed) {
  model::Scenario sc;
  sc.seed = seed;
  sc.cluster.taskmanagers = 1;
  sc.cluster.cpu_per_taskmanager = 8.0;
  sc.flink.set("taskmanager.numberOfTaskSlots", "4");
  sc.flink.set("parallelism.default", "1");
  sc.flink.set("execution.buffer-timeout.interval", "0ms");
  sc.network.hop_latency = 0;
  sc.traffic.shape = model::TrafficShape::Constant;
  sc.traffic.peak = kRate;
  sc.traffic.arrival = model::Arrival::Poisson;
  auto op = [&](std::string name, model::OperatorKind kind, model::Nanos cost, std::string input) {
    model::OperatorSpec o;
    o.name = std::move(name);
    o.kind = kind;
    o.cpu_per_record = cost;
    o.cpu_distribution = cost > 0 ? CostDistribution::Exponential : CostDistribution::Constant;
    o.record_size = 100;
    if (!input.empty()) o.inputs.push_back(model::InputSpec{input, std::nullopt, {}});
    sc.operators.push_back(o);
  };
  op("source", model::OperatorKind::Source, 0, "");
  op("a", model::OperatorKind::Operator, kFirst, "source");
  op("b", model::OperatorKind::Operator, kSecondOp, "a");
  op("sink", model::OperatorKind::Sink, 0, "b");
  sc.operators[2].chaining = b_chaining;
  return sc;
}

sim::RunResult run_flink_job(const model::Scenario& sc, std::size_t expect_vertices) {
  testing::TestJob job;
  job.scenario = sc;
  job.graph = model::build_job_graph(sc);
  REQUIRE(job.graph.vertices.size() == expect_vertices);
  std::string why;
  job.placement = model::place_job(job.graph, sc, &why);
  INFO(why);
  REQUIRE(job.placement.fits);
  job.params = sim::engine_params(sc);
  REQUIRE(job.params.buffer_timeout == 0);
  job.params.buffers_per_channel = 4096;
  job.params.floating_buffers_per_gate = 4096;
  job.params.max_buffers_per_channel = 4096;
  return run(job);
}

TEST_CASE("Flink's chaining rules: a chained job is one M/G/1 server", "[validation][queueing]") {
  const auto r = run_flink_job(flink_job(model::Chaining::Always, 1007), 1);  // seed 1007
  const double m1 = seconds(kFirst), m2 = seconds(kSecondOp);
  const double es2 = qt::second_moment_sum(m1, qt::second_moment_exponential(m1), m2,
                                           qt::second_moment_exponential(m2));
  CHECK(seconds(r.latency.mean) == Approx(qt::mg1_sojourn_mean(kRate, m1 + m2, es2)).epsilon(0.03));
}

TEST_CASE("Flink's chaining rules: chaining = never makes the same job a tandem", "[validation][queueing]") {
  const auto r = run_flink_job(flink_job(model::Chaining::Never, 1008), 3);  // seed 1008
  CHECK(seconds(r.latency.mean) ==
        Approx(qt::tandem_mm1_sojourn_mean(kRate, 1e9 / kFirst, 1e9 / kSecondOp)).epsilon(0.03));
}
