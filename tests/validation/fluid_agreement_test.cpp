// Both granularities on the same inputs must tell the same story (architecture.md, "One engine,
// two granularities"; issue 4): throughput and source lag within 2%, per-vertex busy /
// back-pressured / idle and TaskManager CPU within 2% of the second (20 ms/s; 0.02 of the cores),
// over the peak window of each bundled scenario and on loaded adversarial jobs built in code.
//
// Bundled scenarios: the window is the scenario's peak hour (its whole run when shorter), moved to
// t = 0 by shifting the profile (diurnal peak, step time, trace points); only sizing-example, a
// million records a second, is cut to a few seconds (its hour at buffer level takes ~14 minutes;
// the hour's figures are in the issue note). Lag is compared relative to the records that arrived
// (a lag of a few records at buffer level is Poisson noise, not a disagreement).
//
// Every figure is printed (FLUID_AGREEMENT lines) so the report can quote it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>

#include "model/job_graph.h"
#include "model/key_distribution.h"
#include "model/placement.h"
#include "model/scenario_reader.h"
#include "model/traffic.h"
#include "sim/engine.h"
#include "sim/fluid_engine.h"
#include "test_paths.h"
#include "../sim/job_builder.h"

using namespace flinksim;
using model::kMicrosecond;
using model::kSecond;
using model::Nanos;

namespace {

struct Tolerance {
  double throughput = 0.02;  // relative
  double ms_per_s = 20;      // absolute, ms per second (2% of a second)
  double cpu = 0.02;         // absolute, fraction of the TaskManager's cores
  double lag = 0.02;         // of records in (or of the lag itself when larger)
};

void compare(const std::string& name, const sim::RunResult& b, const sim::RunResult& f, Tolerance tol = {}) {
  INFO(name);
  REQUIRE(b.conserved);
  INFO(f.conservation_error);
  REQUIRE(f.conserved);
  std::printf("FLUID_AGREEMENT %-28s throughput buffer %.2f fluid %.2f (%+.2f%%)  events buffer %llu fluid %llu\n",
              name.c_str(), b.throughput_mean, f.throughput_mean,
              100 * (f.throughput_mean / b.throughput_mean - 1), static_cast<unsigned long long>(b.events),
              static_cast<unsigned long long>(f.events));
  CHECK(f.throughput_mean == Approx(b.throughput_mean).epsilon(tol.throughput));
  REQUIRE(b.vertices.size() == f.vertices.size());
  for (std::size_t v = 0; v < b.vertices.size(); ++v) {
    const auto &bv = b.vertices[v], &fv = f.vertices[v];
    INFO(bv.name);
    std::printf("FLUID_AGREEMENT %-28s   %-24s busy %7.2f/%7.2f  bp %7.2f/%7.2f  idle %7.2f/%7.2f  in/s %.1f/%.1f",
                name.c_str(), bv.name.c_str(), bv.busy_ms_per_s, fv.busy_ms_per_s, bv.backpressured_ms_per_s,
                fv.backpressured_ms_per_s, bv.idle_ms_per_s, fv.idle_ms_per_s, bv.records_in_per_s,
                fv.records_in_per_s);
    CHECK(fv.busy_ms_per_s == Approx(bv.busy_ms_per_s).margin(tol.ms_per_s));
    CHECK(fv.backpressured_ms_per_s == Approx(bv.backpressured_ms_per_s).margin(tol.ms_per_s));
    CHECK(fv.idle_ms_per_s == Approx(bv.idle_ms_per_s).margin(tol.ms_per_s));
    if (bv.pending_records >= 0) {
      std::printf("  lag %lld/%lld", static_cast<long long>(bv.pending_records),
                  static_cast<long long>(fv.pending_records));
      const double scale = std::max(static_cast<double>(b.records.in), 1.0);
      const double off = std::abs(static_cast<double>(fv.pending_records - bv.pending_records));
      CHECK(off <= tol.lag * std::max(scale, static_cast<double>(bv.pending_records)) * 1.0);
      if (bv.pending_records > 0.05 * scale) CHECK(off <= tol.lag * static_cast<double>(bv.pending_records));
    }
    std::printf("\n");
  }
  for (std::size_t t = 0; t < b.taskmanagers.size(); ++t) {
    INFO("taskmanager " << t);
    std::printf("FLUID_AGREEMENT %-28s   taskmanager %zu cpu %.4f/%.4f\n", name.c_str(), t,
                b.taskmanagers[t].cpu_utilization, f.taskmanagers[t].cpu_utilization);
    CHECK(f.taskmanagers[t].cpu_utilization == Approx(b.taskmanagers[t].cpu_utilization).margin(tol.cpu));
  }
}

// The scenario's peak window of `length`, moved to start at t = 0.
model::Scenario peak_window_at_zero(model::Scenario sc, Nanos length) {
  auto& tr = sc.traffic;
  const auto window = model::peak_window(tr, length);
  const Nanos start = window.start;
  switch (tr.shape) {
    case model::TrafficShape::Diurnal:
      tr.diurnal_peak_at = ((tr.diurnal_peak_at - start) % model::kDiurnalPeriod + model::kDiurnalPeriod) %
                           model::kDiurnalPeriod;
      break;
    case model::TrafficShape::Step: tr.step_at = std::max<Nanos>(0, tr.step_at - start); break;
    case model::TrafficShape::Trace: {
      std::vector<std::pair<Nanos, double>> shifted{{0, model::arrival_rate(tr, start)}};
      for (const auto& [t, rate] : tr.trace)
        if (t > start) shifted.emplace_back(t - start, rate);
      tr.trace = shifted;
      break;
    }
    default: break;  // constant; burst windows start on a burst
  }
  tr.duration = length;
  return sc;
}

// The scenario's peak window of at most `longest` (its whole run when shorter), after a warm-up of
// a tenth of it, at most a minute.
void agree_on(const std::string& file, Nanos longest = model::kHour) {
  const auto read = model::read_scenario_file(testing::source_dir() + "/scenarios/" + file);
  const Nanos horizon = std::min(longest, read.traffic.duration);
  const auto sc = peak_window_at_zero(read, horizon);
  sim::RunOptions options;
  options.horizon = horizon;
  options.warmup = std::min(horizon / 10, model::kMinute);
  options.metrics_interval = std::min(kSecond, horizon / 10);
  const auto b = sim::simulate(sc, options);
  const auto f = sim::simulate_fluid(sc, options);
  compare(file, b, f);
}

testing::StageSpec stage(int p, Nanos cost, model::Partition partition, std::vector<int> tms,
                         model::CostDistribution d = model::CostDistribution::Exponential) {
  testing::StageSpec s;
  s.parallelism = p;
  s.cost = cost;
  s.partition = partition;
  s.distribution = d;
  s.taskmanager = std::move(tms);
  return s;
}

void agree_on(const std::string& name, const testing::TestJob& job, Nanos horizon, Nanos warmup, Tolerance tol = {}) {
  sim::RunOptions options;
  options.horizon = horizon;
  options.warmup = warmup;
  const auto b = sim::simulate(job.scenario, job.graph, job.placement, job.params, options);
  const auto f = sim::simulate_fluid(job.scenario, job.graph, job.placement, job.params, options);
  compare(name, b, f, tol);
}

// Buffer level averaged over seeds: what a thread's busy time is also depends on where the
// flushers' phases fall (each seed draws them anew, as each deployment of a Flink job starts its
// tasks at other instants), and the fluid level estimates the average over phases. The figures
// a compare() reads are averaged; the rest are the first seed's.
sim::RunResult buffer_over_seeds(testing::TestJob job, const std::vector<std::uint64_t>& seeds, Nanos horizon, Nanos warmup) {
  sim::RunOptions options;
  options.horizon = horizon;
  options.warmup = warmup;
  sim::RunResult mean;
  for (std::size_t k = 0; k < seeds.size(); ++k) {
    job.scenario.seed = seeds[k];
    auto r = sim::simulate(job.scenario, job.graph, job.placement, job.params, options);
    REQUIRE(r.conserved);
    if (k == 0) {
      mean = std::move(r);
      continue;
    }
    mean.throughput_mean += r.throughput_mean;
    for (std::size_t v = 0; v < r.vertices.size(); ++v) {
      auto &m = mean.vertices[v], &x = r.vertices[v];
      m.busy_ms_per_s += x.busy_ms_per_s;
      m.backpressured_ms_per_s += x.backpressured_ms_per_s;
      m.idle_ms_per_s += x.idle_ms_per_s;
      m.records_in_per_s += x.records_in_per_s;
    }
    for (std::size_t t = 0; t < r.taskmanagers.size(); ++t)
      mean.taskmanagers[t].cpu_utilization += r.taskmanagers[t].cpu_utilization;
  }
  const auto n = static_cast<double>(seeds.size());
  mean.throughput_mean /= n;
  for (auto& v : mean.vertices) {
    v.busy_ms_per_s /= n;
    v.backpressured_ms_per_s /= n;
    v.idle_ms_per_s /= n;
    v.records_in_per_s /= n;
  }
  for (auto& t : mean.taskmanagers) t.cpu_utilization /= n;
  return mean;
}

// Returns the fluid level's run (its caveats included).
sim::RunResult agree_over_seeds(const std::string& name, const testing::TestJob& job,
                                Tolerance tol = {}, Nanos horizon = 60 * kSecond) {
  sim::RunOptions options;
  options.horizon = horizon;
  options.warmup = 10 * kSecond;
  const auto b = buffer_over_seeds(job, {13, 14, 15, 16, 17, 18, 19, 20}, options.horizon, options.warmup);
  auto f = sim::simulate_fluid(job.scenario, job.graph, job.placement, job.params, options);
  compare(name, b, f, tol);
  return f;
}

// A gap known and left open (sim/README.md, "What is left"): the busy time within `ms_per_s`, and
// the fluid level saying where it may be off.
void known_gap(const std::string& name, const testing::TestJob& job, double ms_per_s, const std::string& caveat) {
  Tolerance loose;
  loose.ms_per_s = ms_per_s;
  const auto f = agree_over_seeds(name, job, loose);
  INFO(name);
  REQUIRE(f.caveats.size() == 1);
  CHECK_THAT(f.caveats[0], Catch::Contains(caveat));
}

// line_job puts stage subtasks where `taskmanager` says; subtasks_on must list them per TM.
using model::Partition;
using model::CostDistribution;

}  // namespace

TEST_CASE("fluid and buffer level agree on the bundled scenarios' peak windows", "[fluid][agreement]") {
  agree_on("staging.toml");
  agree_on("streaming-etl.toml");
  agree_on("enrichment-lookup-join.toml");
  agree_on("windowed-kpis-rocksdb.toml");
  agree_on("fraud-detection-skew.toml");
  agree_on("nexmark-q5.toml");
  agree_on("sizing-example.toml", 5 * kSecond);
  agree_on("shared-cores-record-sizes.toml");  // threads wait for cores; records of varied size
}

// The recommend command's scenarios as written (their whole 10–30 minutes, checkpoints included):
// recommend-cpu-bound's layout takes ~44.5k of its 100k records/s, so its sources are back-pressured
// and its lag grows through the run.
TEST_CASE("fluid and buffer level agree on the recommend scenarios as written", "[fluid][agreement]") {
  agree_on("recommend-cpu-bound.toml");
  agree_on("recommend-state-bound.toml");
  agree_on("recommend-checkpoint-bound.toml");
  agree_on("recommend-recovery-bound.toml");
}

// Both levels follow Flink's output flusher: PipelinedSubpartition.flush() ships a slice of the
// segment being filled and never finishes it, and with segments queued ahead it only sets
// flushRequested (the reader takes the slice when it reaches it), so a blocked channel holds full
// segments (sim/channel.cpp, sim/fluid_network.h held_records). Source lag after a short (60 s)
// overload: overloaded-sink 165253 vs 165286, slow-subtask 570070 vs 575802 (8 seeds),
// cpu-contention 270117 vs 269730. cpu-contention's back-pressured sources share a core with the
// workers. Their consumers release them one freed local segment at a time, so they take turns: op0
// 417.4 ms/s at buffer level, which the fluid level gave as 447.0 while it took every thread as
// runnable independently and gives as 416.7 now that threads released by the same consumer through
// local channels take turns (sim/core_sharing.h; the sink, 449.8 vs 448.7, stays independent).
// Over remote channels (slow-subtask) the sources stay independent (credits come back at the
// workers' steady pace and wake the sources less in step than Poisson arrivals).
TEST_CASE("fluid and buffer level agree under an overloaded sink", "[fluid][agreement][adversarial]") {
  // 2 sources → rebalance → 2 sinks at 130% of their capacity, each stage on its own TaskManager.
  auto job = testing::line_job({stage(2, 10 * kMicrosecond, Partition::Forward, {0, 0}),
                                stage(2, 200 * kMicrosecond, Partition::Rebalance, {1, 1})},
                               13'000, 2, 4.0, 3);
  agree_on("overloaded-sink", job, 60 * kSecond, 10 * kSecond);
}

TEST_CASE("fluid and buffer level agree with a hot key", "[fluid][agreement][adversarial]") {
  // keyBy with Zipf 1.0 over 1000 keys: the hottest subtask of 4 is saturated, back-pressures
  // every source (each sends it its share), the others idle part of the time.
  auto job = testing::line_job({stage(4, 5 * kMicrosecond, Partition::Forward, {0, 0, 0, 0}),
                                stage(4, 100 * kMicrosecond, Partition::Hash, {1, 1, 1, 1}),
                                stage(1, 5 * kMicrosecond, Partition::Rebalance, {0})},
                               12'000, 2, 4.0, 5);
  job.scenario.operators[1].key_count = 1000;
  job.scenario.operators[1].key_skew = 1.0;
  agree_on("hot-key", job, 60 * kSecond, 10 * kSecond);
}

// Over flusher phases: the sources' busy time at buffer level is bimodal from seed to seed (110–111
// ms/s in six of seeds 9–16, 130 and 143 in the other two, where the sources run together more
// often); over seeds 13–20, 114.6 against the fluid level's 122.3.
TEST_CASE("fluid and buffer level agree with a single slow subtask", "[fluid][agreement][adversarial]") {
  // Rebalance to 4 workers, one core per TaskManager; worker 3 shares its core with worker 2, so
  // both are slow and round-robin makes every source wait for them.
  auto job = testing::line_job({stage(2, 10 * kMicrosecond, Partition::Forward, {0, 0}),
                                stage(4, 100 * kMicrosecond, Partition::Rebalance, {1, 2, 3, 3}),
                                stage(1, 5 * kMicrosecond, Partition::Rebalance, {0})},
                               30'000, 4, 1.0, 9);
  agree_over_seeds("slow-subtask (8 seeds)", job);
}

// Sources of `cost` dealing 20k records/s to four 100 µs workers and a sink, all on one 2-core
// TaskManager.
// Sources → `workers` 100 µs workers (rebalance) → a sink, all on one TaskManager of `cores`.
testing::TestJob sources_behind(int sources, Nanos cost, int workers, double cores, double rate) {
  return testing::line_job(
      {stage(sources, cost, Partition::Forward, std::vector<int>(sources, 0)),
       stage(workers, 100 * kMicrosecond, Partition::Rebalance, std::vector<int>(workers, 0)),
       stage(1, 10 * kMicrosecond, Partition::Rebalance, {0})},
      rate, 1, cores, 13);
}

testing::TestJob contended_sources(int sources, Nanos cost) {
  return sources_behind(sources, cost, 4, 2.0, 20'000);
}

TEST_CASE("fluid and buffer level agree under CPU contention", "[fluid][agreement][adversarial]") {
  // Seven threads on one 2-core TaskManager demanding 2.6 cores at the offered rate: max-min
  // sharing caps the workers and back-pressures the sources.
  agree_on("cpu-contention", contended_sources(2, 20 * kMicrosecond), 60 * kSecond, 10 * kSecond);
}

// Poisson-fed threads that wait for cores at 85–93% of them: nine on 3 cores, three on one, four on
// 2 (100 µs records of exponential cost, a sink of no cost on a TaskManager of its own). The
// product form with 1 − b for a thread's chance to leave the runnable set at a record's end read
// them 7–11% too idle (4 seeds over 4 min, busy ms/s: 397.2 against 429.0, 672.3 against 752.2,
// 693.3 against 744.4); with the chance half-way to the one its queue settles at at each speed
// (core_sharing.cpp exit_chance), as below.
testing::TestJob poisson_fed(int threads, double cores, double load) {
  return testing::line_job(
      {stage(threads, 100 * kMicrosecond, Partition::Forward, std::vector<int>(threads, 0)),
       stage(1, 0, Partition::Rebalance, {1})},
      load * cores / 100e-6, 2, cores, 13);
}

TEST_CASE(
    "fluid and buffer level agree on Poisson-fed threads that wait for the cores most of the time",
    "[fluid][agreement][adversarial]") {
  agree_over_seeds("poisson-fed-9-on-3-at-85% (8 seeds)", poisson_fed(9, 3.0, 0.85));
  agree_over_seeds("poisson-fed-3-on-1-at-93% (8 seeds)", poisson_fed(3, 1.0, 0.93));
  agree_over_seeds("poisson-fed-4-on-2-at-93% (8 seeds)", poisson_fed(4, 2.0, 0.93));
}

// The same contention with slower sources: taking turns holds while their shares sum below one
// and above it they overlap by the excess (40 µs sources: 833.9 against 821.4 ms/s; independent
// would say 855).
TEST_CASE("fluid and buffer level agree on sources that take turns", "[fluid][agreement][adversarial]") {
  agree_on("turns-2x40us", contended_sources(2, 40 * kMicrosecond), 60 * kSecond, 10 * kSecond);
}

// Three sources or more do not take turns: dealt in turn, a source's segments to the four workers
// end together, so it is released for a long run once all four are back, and the runs of three
// overlap (buffer level, seed 13: two of them runnable 26% of the time, taking turns says none),
// less than independent threads would. With 1 KB records of varied sizes, whose segments do not end
// together, buffer level reads 298.6 all the same: the segments ending together are not the whole
// cause, and no mechanism is known. The fluid level reads such groups 0.7 of the way from taking
// turns to independence (fluid_rates.cpp kTurnsToIndependent, fitted on nine jobs: sim/README.md).
// Over seeds 13–20, sources' busy ms/s, buffer level / fluid (taking turns, independent): three
// 20 µs sources 299.7 / 299.9 (277.8, 309.4), held out of the fit five 15 µs ones 142.5 / 140.1
// (130.4, 144.3) and three 15 µs sources behind eight workers on 4 cores 433.1 / 419.7 (405.8,
// 425.7).
TEST_CASE(
    "fluid and buffer level agree on three or more sources that overlap more than taking turns",
    "[fluid][agreement][adversarial]") {
  const auto three =
      agree_over_seeds("turns-3x20us (8 seeds)", contended_sources(3, 20 * kMicrosecond));
  CHECK(three.caveats.empty());
  agree_over_seeds("turns-5x15us (8 seeds)", sources_behind(5, 15 * kMicrosecond, 4, 2.0, 20'000));
  agree_over_seeds("turns-3x15us-8-workers (8 seeds)",
                   sources_behind(3, 15 * kMicrosecond, 8, 4.0, 40'000));
}

// Consumers that one output flush wakes: two sources deal records to six workers on one 3-core
// TaskManager (nine threads), the default 100 ms timeout ships a third of a segment per channel
// and tick, so each source's flush hands all six workers a batch in the same instant and they
// share the cores for the whole batch. Taking the workers as independent said 135.3 ms/s busy at
// 8k records/s (buffer level 275.7) and 297.4 at 16k (615.9); runnable together it is 277.1 and
// 615.6, and the sources, Poisson-fed, meet the workers' spells as regimes (111.8 vs 111.5).
testing::TestJob six_workers(double rate, std::uint64_t seed = 13) {
  return testing::line_job({stage(2, 20 * kMicrosecond, Partition::Forward, {0, 0}),
                            stage(6, 100 * kMicrosecond, Partition::Rebalance, {0, 0, 0, 0, 0, 0}),
                            stage(1, 10 * kMicrosecond, Partition::Rebalance, {0})},
                           rate, 1, 3.0, seed);
}

TEST_CASE("fluid and buffer level agree on consumers that one flush wakes together", "[fluid][agreement][adversarial]") {
  agree_on("flush-woken-8k", six_workers(8'000), 60 * kSecond, 10 * kSecond);
}

// Behind them, the sink is woken by the workers' own flushes, and whether its batches land in the
// workers' spells depends on the phases, from seed to seed by ±20%; over the eight seeds' average:
// sink 322.2 vs 323.5 and 478.6 vs 462.6, workers 615.9 vs 615.6 and 813.0 vs 806.5, sources
// 316.8 vs 316.4 and 472.3 vs 467.1 at 16k and 20k.
TEST_CASE("fluid and buffer level agree, over flusher phases, behind consumers that one flush wakes", "[fluid][agreement][adversarial]") {
  agree_over_seeds("flush-woken-16k (8 seeds)", six_workers(16'000));
  agree_over_seeds("flush-woken-20k (8 seeds)", six_workers(20'000));
}

// The same six workers behind a hash partition whose channels carry from 0.6 to 4 segments a tick
// (1333 records a second a channel at 16k/s, 327 to a segment). Flink's flush ships a slice and the
// segment goes on filling, so each channel's segments end at a phase of their own: a worker gets
// part of its work with a source's flush, together with the others, and the rest at its own
// segment ends (fluid_rates.cpp segment_ends, core_sharing.cpp stream_profile). Taken as
// independent, the fluid level says 314.5 ms/s for the workers at every timeout here (buffer
// level 444.1 at 250 ms, 350.3 at 1 s); as segments that all fill in step after the tick (the
// model while buffer level started a new segment at every flush), 561.7 and 411.7.
testing::TestJob hash_workers(double rate, Nanos timeout) {
  auto job = testing::line_job({stage(2, 20 * kMicrosecond, Partition::Forward, {0, 0}),
                                stage(6, 100 * kMicrosecond, Partition::Hash, {0, 0, 0, 0, 0, 0}),
                                stage(1, 10 * kMicrosecond, Partition::Rebalance, {0})},
                               rate, 1, 3.0, 13);
  job.scenario.operators[1].key_count = 100'000;
  job.params.buffer_timeout = timeout;
  return job;
}

// A flush takes what the segment holds, so the first end after it ships only what came since: the
// segment ends' work ramps up from the flush. And a flush finds a worker with at least what it had
// left of its last segment (core_sharing.cpp stream_profile). At 150–200 ms, under one end a tick,
// the fluid level read the workers 3% too idle without these (477.6 and 455.7 against 492.7 and
// 467.8); with them 486.5 and 462.6. Taken as the derivation gives it (without kFloor), that floor
// read them 5% too busy at one end a tick.
TEST_CASE("fluid and buffer level agree, over flusher phases, on segment ends of their own", "[fluid][agreement][adversarial]") {
  for (const auto& [name, timeout] : {std::pair{"150ms", 150 * model::kMillisecond},
                                      std::pair{"200ms", 200 * model::kMillisecond},
                                      std::pair{"250ms", 250 * model::kMillisecond},
                                      std::pair{"300ms", 300 * model::kMillisecond},
                                      std::pair{"400ms", 400 * model::kMillisecond},
                                      std::pair{"500ms", 500 * model::kMillisecond}}) {
    agree_over_seeds(std::string("hash-segments-") + name + " (8 seeds)", hash_workers(16'000, timeout));
  }
}

// With more segment ends a tick the fluid level read the workers too busy, more and more (500 ms,
// two a tick: 404.8 against 388.0; 1 s, four: 370.0 against 350.3, 5.6%) while it spread the
// segment ends' work evenly over the tick and took them as present independently; with the ramp
// and the product form (core_sharing.cpp stream_profile) 387.9 and 355.5. The sink that follows
// them still reads 6% too busy at 1 s (216.2 against 203.5), and the fluid level says so from two
// ends a tick on.
TEST_CASE("fluid and buffer level: four segment ends a tick", "[fluid][agreement][adversarial]") {
  const auto f = agree_over_seeds("hash-segments-1s (8 seeds)", hash_workers(16'000, kSecond));
  REQUIRE(f.caveats.size() == 1);
  CHECK_THAT(f.caveats[0], Catch::Contains("TaskManager 0 may be too high throughout"));
}

// The sink behind such workers, once their channels to it end segments between ticks: those
// records leave the workers while they run, so it runs while they do, each segment a little later
// (core_sharing.cpp follower_busy). Taken as independent of them, the fluid level said 316.4 ms/s
// behind rebalance workers at 200 ms and 195.5 behind hash workers at 12k/s and 300 ms (buffer
// level now 330.8 and 166.4; following, 350.4 and 171.2). Behind the rebalance workers the
// segments to the sink end together, as one lump, which the model spreads out: it reads the sink
// too busy there (6% here, up to 55% at higher rates, sim/README.md), and says so.
TEST_CASE("fluid and buffer level agree on a sink that follows the workers' segments", "[fluid][agreement][adversarial]") {
  auto rebalance = six_workers(16'000);
  rebalance.params.buffer_timeout = 200 * model::kMillisecond;
  Tolerance lump_gap;  // the sink 20.4 ms/s too busy (6%), and said so
  lump_gap.ms_per_s = 25;
  const auto lumps = agree_over_seeds("follows-rebalance-200ms (8 seeds)", rebalance, lump_gap);
  REQUIRE(lumps.caveats.size() == 1);
  CHECK_THAT(lumps.caveats[0], Catch::Contains("may be too high"));
  agree_over_seeds("follows-hash-12k-300ms (8 seeds)", hash_workers(12'000, 300 * model::kMillisecond));
}

// Records whose sizes vary (record_size_distribution) take away what the two cases above rest on:
// each channel's segment holds a count of its own, so a source's segments to the six workers no
// longer end together and the workers' segments to the sink no longer end with their batches.
// Buffer level finds the dealt workers as busy as hash ones then (337.3 ms/s at 300 ms over 8
// seeds; 601.8 with 1 KB records of one size, seed 13, engine_test), and the fluid level reads
// dealt channels of varied sizes as segment ends of their own (Flow::ends_apart). 1 KB records (32
// a segment) part within seconds. The sink follows the workers, but its records no longer come at
// the end of their batches: lagged as for records of one size, the follower model read it 7% too
// idle (206.5 against 222.0); lagged only for the share that comes with the flush, 223.7.
testing::TestJob varied_sizes(testing::TestJob job, Nanos timeout, model::Bytes size = 1000,
                              double cv = 0.3) {
  for (auto& op : job.scenario.operators) {
    op.record_size = size;
    op.record_size_cv = cv;
  }
  job.params.buffer_timeout = timeout;
  return job;
}

TEST_CASE("fluid and buffer level agree on dealt records whose sizes vary",
          "[fluid][agreement][adversarial]") {
  const auto dealt = agree_over_seeds("varied-sizes-rebalance-300ms (8 seeds)",
                                      varied_sizes(six_workers(16'000), 300 * model::kMillisecond));
  CHECK(dealt.caveats.empty());  // no lumps: the segments to the sink end apart
  agree_over_seeds("varied-sizes-rebalance-1s (8 seeds)",
                   varied_sizes(six_workers(16'000), kSecond));
  // At Flink's default timeout, 100 ms, 3.6 segment ends a tick a channel: the segment ends' work
  // spread evenly over the tick met the flush's batches in full, and read the workers 4% too busy
  // at 14k/s and 7% at 20k/s (310.7 against 299.6, 555.8 against 519.3); ramping up from the
  // flush, 297.4 and 524.9 (core_sharing.cpp stream_profile).
  agree_over_seeds("varied-sizes-rebalance-100ms-14k (8 seeds)",
                   varied_sizes(six_workers(14'000), 100 * model::kMillisecond));
  agree_over_seeds("varied-sizes-rebalance-100ms-20k (8 seeds)",
                   varied_sizes(six_workers(20'000), 100 * model::kMillisecond));
  // Hash channels of varied sizes with 40 segment ends a tick: the workers agree (324.7 against
  // 327.8), as records of one size now do too (the case above; the sink there reads too busy).
  const auto hashed = agree_over_seeds("varied-sizes-hash-1s (8 seeds)",
                                       varied_sizes(hash_workers(16'000, kSecond), kSecond));
  CHECK(hashed.caveats.empty());
}

// Short buffer timeouts: at 14k records/s and 1 ms each channel ships a record or two a tick, so
// a flush hands the six workers batches whose work varies as much as a record's cost does
// (exponential: a cv of 1), besides where in the tick each channel's segment ended. Taking the
// second only, the batches were alike and the workers ran together to their end: busy 517.1 ms/s
// against buffer level's 366.1 at 1 ms, 473.7 against 434.2 at 5 ms (8 seeds). With the batch's
// own variation (core_sharing.h BatchLeft) 368.2 and 428.0, with the carry of a batch that
// outlasts its tick (below) 379.1 and 427.9, and with the segment ends' ramp and the batch's floor
// (core_sharing.cpp stream_profile) 373.0 and 423.4; the sink at 5 ms reads 213.5 against 231.2,
// 8% low, which the fluid level says (sim/README.md, "Short buffer timeouts").
TEST_CASE("fluid and buffer level agree on batches of a record or two (short buffer timeouts)",
          "[fluid][agreement][adversarial]") {
  const auto one = agree_over_seeds("short-timeout-1ms (8 seeds)",
                                    varied_sizes(six_workers(14'000), model::kMillisecond));
  CHECK(one.caveats.empty());
  const auto five = agree_over_seeds("short-timeout-5ms (8 seeds)",
                                     varied_sizes(six_workers(14'000), 5 * model::kMillisecond));
  REQUIRE(five.caveats.size() == 1);
  CHECK_THAT(five.caveats[0], Catch::Contains("may be too low") && Catch::Contains("3-30 ms"));
}

// A zero buffer timeout flushes every record as it is written (Flink's flushAlways), and rebalance
// deals each to the next consumer in turn, most likely one that is idle: the six workers run
// together more than threads fed at random (core_sharing.h Dealing). Read as fed at random they
// were 3.8% too idle at 14k/s and 5.7% at 17k/s, 74% of the cores (264.3 against 274.7, 357.0
// against 378.4: 4 seeds over 4 min); now 275.2 and 377.9. Hash channels, which do route at
// random, agreed as they were (357.0 against 357.4). The sources, whose busy spells bring the
// workers' records, are still read 3% too idle at 17k/s, and the caveat says so. Tolerance 2% of
// the workers' busy time rather than 2% of the second.
TEST_CASE("fluid and buffer level agree on records dealt one at a time (a zero buffer timeout)",
          "[fluid][agreement][adversarial]") {
  Tolerance close;
  close.ms_per_s = 8;
  const auto dealt = agree_over_seeds("zero-timeout-rebalance-17k (8 seeds)",
                                      varied_sizes(six_workers(17'000), 0), close);
  REQUIRE(dealt.caveats.size() == 1);
  CHECK_THAT(dealt.caveats[0],
             Catch::Contains("may be off by up to 6%") && Catch::Contains("buffer timeout of 0"));
  // Workers whose records cost the same each: the record a turn ago is done more surely, so they
  // run together more still. On shared-cores-record-sizes.toml at 17k/s (4 seeds over 4 min)
  // buffer level reads them 395.5 ms/s; with exponential costs' chance to find a worker busy the
  // fluid level read 377.9, with their own 389.4.
  const auto constant = testing::line_job({stage(2, 20 * kMicrosecond, Partition::Forward, {0, 0}),
                                           stage(6, 100 * kMicrosecond, Partition::Rebalance,
                                                 {0, 0, 0, 0, 0, 0}, CostDistribution::Constant),
                                           stage(1, 10 * kMicrosecond, Partition::Rebalance, {0})},
                                          17'000, 1, 3.0, 13);
  agree_over_seeds("zero-timeout-rebalance-constant-17k (8 seeds)", varied_sizes(constant, 0));
  // A rescale deals each source's records over its own block of three: two deals of one producer
  // each. Taken as one deal of six, it read the workers 389.1 against buffer level's 378.5 (4 seeds
  // over 4 min); as two, 379.3.
  const auto rescale =
      testing::line_job({stage(2, 20 * kMicrosecond, Partition::Forward, {0, 0}),
                         stage(6, 100 * kMicrosecond, Partition::Rescale, {0, 0, 0, 0, 0, 0}),
                         stage(1, 10 * kMicrosecond, Partition::Rebalance, {0})},
                        17'000, 1, 3.0, 13);
  agree_over_seeds("zero-timeout-rescale-17k (8 seeds)", varied_sizes(rescale, 0), close);
}

// A source that the cores cap (its TaskManager saturated, its backlog growing) writes its records
// at the speed the cores give it, and so do the threads it feeds: where more threads run, all of
// them run slower alike, the source too, and its records come slower (core_sharing.h, paced). Sweep
// case #14 (scripts/agreement_sweep.py --seed 1): a 50 µs source dealing to eight 200 µs enrich
// subtasks, six beside it on 1.5 cores and two on another TaskManager, a 30 µs sink beside it, a
// zero timeout. The rate solve swung there and left enrich capped (890 ms/s against buffer level's
// 448, the sink 1000 against 632, 4 seeds over 90 s); searched for as one water level
// (fluid_rates.cpp next_level) with the threads fed at random, 571 and 803; paced, 457 and 651.
// Paced, dealt records run together no more than random ones (core_sharing.cpp). The sink behind
// them reads up to 22 ms/s (3.5%) too busy: it runs mostly while its producers do not, having just
// been handed their records (buffer level: P(sink runnable) 0.41 with all six enrich subtasks
// runnable, 0.98 with one), which runnable sets of independent threads cannot show.
TEST_CASE("fluid and buffer level agree behind a source the cores cap",
          "[fluid][agreement][adversarial]") {
  const auto capped = [](std::vector<int> enrich_on, double rate) {
    auto job = testing::line_job(
        {stage(1, 50 * kMicrosecond, Partition::Forward, {0}, CostDistribution::Constant),
         stage(static_cast<int>(enrich_on.size()), 200 * kMicrosecond, Partition::Rebalance,
               enrich_on),
         stage(1, 30 * kMicrosecond, Partition::Rebalance, {0})},
        rate, 2, 1.5, 13);
    return varied_sizes(job, 0, 4000);
  };
  Tolerance tandem;
  tandem.ms_per_s = 25;
  agree_over_seeds("capped-source-2-tms (8 seeds)", capped({0, 0, 0, 0, 0, 0, 1, 1}, 6'982),
                   tandem);
  agree_over_seeds("capped-source-1-tm (8 seeds)", capped({0, 0, 0, 0, 0, 0}, 8'000), tandem);
}

// A thread that a whole core caps, on a TaskManager with cores to spare, still shares them: while
// more threads than cores are runnable it gets less than its core (processor sharing). Two 5 µs
// sources forward to two 20 µs enrich subtasks, all into a 30 µs sink, one TaskManager of 2 cores,
// offered 40k/s against the sink's 33.3k: buffer level passes 31.0k/s (CPU 0.853, seed 13). Given
// its whole core the sink passed 33.3k/s (+7.4%); given E[min(1, cores ÷ runnable)] of one
// (fluid_rates.cpp core_speed), 31.6k/s (sweep case #18 of scripts/agreement_sweep.py --seed 4).
// Over 8 seeds that is still 2.1% high, and the sources' backlog after 60 s 7.5% low: the runnable
// count is taken from the others' busy shares as if independent (but for threads that take turns),
// and buffer level has them runnable together more often. A known gap: throughput within 3%, the
// backlog within 8%.
TEST_CASE("fluid and buffer level agree on a thread a whole core caps beside others",
          "[fluid][agreement][adversarial]") {
  const auto job = testing::line_job(
      {stage(2, 5 * kMicrosecond, Partition::Forward, {0, 0}, CostDistribution::Constant),
       stage(2, 20 * kMicrosecond, Partition::Forward, {0, 0}, CostDistribution::Constant),
       stage(1, 30 * kMicrosecond, Partition::Rebalance, {0})},
      40'000, 1, 2.0, 13);
  Tolerance shared;
  shared.throughput = 0.03;
  shared.lag = 0.08;
  agree_over_seeds("whole-core-sink (8 seeds)", varied_sizes(job, model::kMillisecond), shared);
}

// A broadcast copies each record to every consumer, and Flink writes it once into a BufferBuilder
// that every subpartition shares, so its segments end together whatever the sizes: the six workers
// get each one at once (a Together group; buffer level drew a size per channel and read them apart
// until session 13). At 100 ms they agree. With a zero timeout each record wakes all six at once:
// taken as a group woken a record at a time they read 294.5 against 315.9 (4 seeds over 4 min;
// 209.0 taken as independent), and the sink behind them 153.4 against 185.2: the caveat says so.
TEST_CASE("fluid and buffer level on a broadcast's consumers", "[fluid][agreement][adversarial]") {
  const auto broadcast =
      testing::line_job({stage(2, 20 * kMicrosecond, Partition::Forward, {0, 0}),
                         stage(6, 100 * kMicrosecond, Partition::Broadcast, {0, 0, 0, 0, 0, 0}),
                         stage(1, 10 * kMicrosecond, Partition::Rebalance, {0})},
                        2'000, 1, 3.0, 13);
  const auto copied = agree_over_seeds("broadcast-100ms (8 seeds)",
                                       varied_sizes(broadcast, 100 * model::kMillisecond));
  CHECK(copied.caveats.empty());
  known_gap("broadcast-zero-timeout (8 seeds)", varied_sizes(broadcast, 0), 40,
            "TaskManager 0 may be too low by up to 20% throughout");
}

// Two network edges in a row on one TaskManager: three 20 µs sources deal 1 KB records (cv 0.3) to
// six 20 µs enrich subtasks, which deal them to six 30 µs sinks, 2 cores at 54% (15.5k/s, 300 ms).
// An enrich subtask takes a segment's 32 records in one go and ends a segment to each sink with
// chance 1/6 in that spell: it wakes sinks in clusters, which run together and while it does. The
// estimate takes the sinks as waking on their own and the two groups' counts as independent:
// buffer level (8 seeds over 60 s) reads 164.6, 93.8 and 155.2 ms/s busy, the estimate 136.7,
// 65.2 and 109.6; throughput and CPU agree (sim/README.md, "Two network edges in a row"). Left
// open, and said.
TEST_CASE("fluid and buffer level on two network edges in a row (a known gap)",
          "[fluid][agreement][adversarial]") {
  const auto three = varied_sizes(
      testing::line_job({stage(3, 20 * kMicrosecond, Partition::Forward, {0, 0, 0}),
                         stage(6, 20 * kMicrosecond, Partition::Rebalance, {0, 0, 0, 0, 0, 0}),
                         stage(6, 30 * kMicrosecond, Partition::Rebalance, {0, 0, 0, 0, 0, 0})},
                        15'535, 1, 2.0, 13),
      300 * model::kMillisecond);
  known_gap("two-edges-in-a-row (8 seeds)", three, 50,
            "TaskManager 0 may be off by up to 50% throughout");
}

// The same at 20k/s, 87% of the cores: a batch often outlasts its tick, and what is left of it
// comes before the next one (core_sharing.cpp stream_profile's carry). Without it the workers
// read 567 ms/s against buffer level's 642 (4 seeds over 4 min); with it 615.8 against 643.5 (8
// seeds), on a TaskManager near its cores' limit, which the fluid level says.
TEST_CASE("fluid and buffer level near the cores' limit with batches of a record or two",
          "[fluid][agreement][adversarial]") {
  known_gap("short-timeout-1ms-20k (8 seeds)",
            varied_sizes(six_workers(20'000), model::kMillisecond), 30,
            "TaskManager 0 may be off by up to 10% throughout");
}

// A checkpoint barrier ends every channel's segment at once (Flink's broadcastEvent finishes the
// BufferBuilders), and so does a start: a dealt partition's segment ends are in step again and
// part only as the records' sizes drift, for seconds to minutes with small records that vary
// little (Rates::lock_time). 100 B records (327 to a segment), a cv of 0.3, 8 seeds over 120 s,
// workers' busy ms/s, buffer level / fluid (as parted throughout 437.9, in step throughout 632.3):
// a checkpoint every 20 s 524.4 / 524.4, every 60 s 487.2 / 478.3; the sink 318.4 / 309.1 and
// 300.0 / 286.3 (266.3, 362.4).
TEST_CASE("fluid and buffer level agree when barriers end dealt segments together",
          "[fluid][agreement][adversarial]") {
  for (const auto& [name, interval] : {std::pair{"relocked-every-20s (8 seeds)", "20s"},
                                       std::pair{"relocked-every-60s (8 seeds)", "60s"}}) {
    auto job = varied_sizes(six_workers(16'000), 300 * model::kMillisecond, 100);
    job.scenario.flink.set("execution.checkpointing.interval", interval);
    const auto f = agree_over_seeds(name, job, {}, 120 * kSecond);
    CHECK(f.caveats.empty());
  }
}

// The fluid level's latency is an estimate, but under overload it must follow the growing backlog
// as the record leaving now experienced it (its age in the backlog = the records behind it over
// the arrival rate), not stay at the unloaded figure. recommend-cpu-bound's starting layout takes
// ~44.5k of 100k records/s: over 20 s and 60 s buffer level measures a mean of ~5.6 s and ~16.7 s.
TEST_CASE("fluid latency follows a growing backlog as buffer level measures it", "[fluid][agreement][latency]") {
  const auto base = model::read_scenario_file(testing::source_dir() + "/scenarios/recommend-cpu-bound.toml");
  for (const Nanos horizon : {20 * kSecond, 60 * kSecond}) {
    sim::RunOptions options;
    options.horizon = horizon;
    model::Scenario scenario = base;
    const auto graph = model::build_job_graph(scenario);
    const auto placement = model::place_job(graph, scenario);
    const auto buffer = sim::simulate(scenario, graph, placement, sim::engine_params(scenario), options);
    const auto fluid = sim::simulate_fluid(scenario, options);
    std::printf("FLUID_AGREEMENT overload-latency %3llds mean %.0f/%.0f ms p99 %.0f/%.0f ms\n",
                static_cast<long long>(horizon / kSecond), fluid.latency.mean / 1e6, buffer.latency.mean / 1e6,
                fluid.latency.p99 / 1e6, buffer.latency.p99 / 1e6);
    CHECK(buffer.latency.mean > 1e9);  // the backlog dominates: seconds, not milliseconds
    CHECK(fluid.latency.mean == Approx(buffer.latency.mean).epsilon(0.05));
    CHECK(fluid.latency.p99 == Approx(buffer.latency.p99).epsilon(0.05));
  }
}
