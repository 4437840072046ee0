// The busy share of threads sharing a TaskManager's cores (sim/core_sharing.h).
#include "sim/core_sharing.h"

#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <vector>

#include "sim/rng.h"

using flinksim::sim::CoreSharing;

namespace {

std::vector<double> solve(const std::vector<double>& cpu, double cores) {
  std::vector<double> busy(cpu.size());
  CoreSharing sharing;
  sharing.solve(cpu.data(), static_cast<int>(cpu.size()), cores, busy.data());
  return busy;
}

// A thread's chance that the record it ends leaves its queue empty, at `speed`: half the product
// form's 1 − b, half the 1 − u ÷ speed a queue left at that speed settles at (core_sharing.cpp
// exit_chance).
double exit_chance(double u, double b, double speed) {
  return 0.5 * (1 - b) + 0.5 * std::max(0.0, 1 - u / speed);
}

// The same product form computed the plain way: every set S of the other threads weighed by
// Π_{j∈S} u_j ÷ (1 − b_j) · Π_{l=1..|S|} 1 ÷ (min(1, cores ÷ l) · h(l)), h(l) the busy-weighted
// mean of exit_chance ÷ (1 − b_j) with l runnable, and thread i's odds to be runnable
// b_i ÷ (1 − b_i) = u_i · E[h(|S| + 1) ÷ (speed(|S| + 1) · its own exit_chance) · Φ ratio],
// iterated until nothing moves (no Poisson-binomial, no deconvolution, no scaling of the tilt).
std::vector<double> reference(const std::vector<double>& cpu, double cores) {
  const std::size_t k = cpu.size();
  const auto speed = [&](int l) { return std::min(1.0, cores / l); };
  std::vector<double> busy(cpu), h(k + 1, 1.0), phi(k + 1, 1.0);
  for (int round = 0; round < 100000; ++round) {
    for (std::size_t l = 1; l <= k; ++l) {
      double weighted = 0, weight = 0;
      for (std::size_t j = 0; j < k; ++j) {
        weighted +=
            busy[j] * exit_chance(cpu[j], busy[j], speed(static_cast<int>(l))) / (1 - busy[j]);
        weight += busy[j];
      }
      h[l] = weighted / weight;
      phi[l] = phi[l - 1] / (speed(static_cast<int>(l)) * h[l]);
    }
    double moved = 0;
    std::vector<double> next(k);
    for (std::size_t i = 0; i < k; ++i) {
      double asleep = 0, awake = 0;
      for (unsigned set = 0; set < (1u << k); ++set) {
        if (set >> i & 1u) continue;
        double w = 1;
        int size = 0;
        for (std::size_t j = 0; j < k; ++j) {
          if (!(set >> j & 1u)) continue;
          ++size;
          w *= cpu[j] / std::max(1e-12, 1 - busy[j]);
        }
        asleep += w * phi[size];
        awake += w * phi[size + 1] * h[size + 1] / exit_chance(cpu[i], busy[i], speed(size + 1));
      }
      const double odds = cpu[i] * awake / asleep;
      next[i] = std::min(1.0, odds / (1 + odds));
      moved = std::max(moved, std::abs(next[i] - busy[i]));
    }
    for (std::size_t i = 0; i < k; ++i) busy[i] = 0.5 * busy[i] + 0.5 * next[i];
    if (moved < 1e-13) break;
  }
  return busy;
}

}  // namespace

TEST_CASE("with a core for every thread nobody waits") {
  CHECK(solve({0.3, 0.9, 0.1}, 3.0) == std::vector<double>{0.3, 0.9, 0.1});
  CHECK(solve({0.5, 0.5}, 4.0) == std::vector<double>{0.5, 0.5});
}

TEST_CASE("two Poisson-fed threads on one core: the exact chain within 1%") {
  // Two queues of exponential records at 0.3 of a core each, each runnable thread at the core's
  // speed shared (a core at most): the exact Markov chain over both queues' lengths gives 0.41299
  // (solved numerically to 1e-5). The product form with 1 − b for the chance to leave said 0.400;
  // the chance half-way to the queue's own at each speed (exit_chance) 0.41345.
  const auto busy = solve({0.3, 0.3}, 1.0);
  CHECK(busy[0] == Approx(0.41299).epsilon(0.01));
  CHECK(busy[0] > 0.405);
  CHECK(busy[1] == Approx(busy[0]));
  // At 0.45 each (90% of the core) the exact chain gives 0.77716; 1 − b alone said 0.732.
  const auto loaded = solve({0.45, 0.45}, 1.0);
  CHECK(loaded[0] == Approx(0.77716).epsilon(0.01));
  // Between taking the other as runnable independently of oneself (b (1 − b/2) = u: 0.368) and
  // processor sharing of exponential records, where the two queues are one (P(no record of mine) =
  // (1 − 0.6) ÷ (1 − 0.3): 3/7).
  CHECK(busy[0] > 1 - std::sqrt(0.4) + 0.03);
  CHECK(busy[0] < 3.0 / 7.0);
}

TEST_CASE("a thread that uses a whole core is always busy, and its neighbours wait for it") {
  const auto busy = solve({1.0, 0.2}, 1.5);
  CHECK(busy[0] == 1.0);
  // The other one runs at 0.75 whenever the first is runnable (always): 0.2 / 0.75.
  CHECK(busy[1] == Approx(0.2 / 0.75).epsilon(1e-9));
}

TEST_CASE("matches the plain computation on random TaskManagers, deconvolution and all") {
  flinksim::sim::Rng rng(7, flinksim::sim::Stream::kCost, 0);
  for (int trial = 0; trial < 40; ++trial) {
    const int k = 2 + static_cast<int>(rng.below(9));
    const double cores = 1.0 + static_cast<double>(rng.below(4));
    std::vector<double> cpu(static_cast<std::size_t>(k));
    double total = 0;
    for (auto& u : cpu) total += (u = 0.02 + 0.6 * rng.uniform());
    // Keep the TaskManager below saturation (the solver's domain: rates already fit the cores).
    if (total > 0.9 * cores)
      for (auto& u : cpu) u *= 0.9 * cores / total;
    INFO("trial " << trial << " k " << k << " cores " << cores);
    const auto fast = solve(cpu, cores), slow = reference(cpu, cores);
    for (std::size_t i = 0; i < cpu.size(); ++i) {
      CHECK(fast[i] == Approx(slow[i]).epsilon(1e-6));
      CHECK(fast[i] >= cpu[i]);
    }
  }
}

TEST_CASE("many light threads on one core stay finite and ordered") {
  // Φ grows like m! ÷ cores^m: 300 threads would overflow it unscaled.
  std::vector<double> cpu(300, 0.002);
  cpu[0] = 0.05;
  const auto busy = solve(cpu, 1.0);
  for (double b : busy) {
    CHECK(std::isfinite(b));
    CHECK(b >= 0.002);
    CHECK(b <= 1.0);
  }
  CHECK(busy[0] > busy[1]);
  CHECK(busy[0] > 0.05);
}

TEST_CASE("more load next door means more waiting") {
  const auto light = solve({0.2, 0.1, 0.1}, 1.0), heavy = solve({0.2, 0.3, 0.3}, 1.0);
  CHECK(heavy[0] > light[0]);
  CHECK(light[0] > 0.2);
}

namespace {

using flinksim::sim::Coupling;

std::vector<double> solve_groups(const std::vector<double>& cpu, const std::vector<int>& group,
                                 const std::vector<Coupling>& coupling, double cores) {
  std::vector<double> busy(cpu.size());
  CoreSharing sharing;
  sharing.solve(cpu.data(), group.data(), coupling.data(), nullptr, static_cast<int>(cpu.size()), cores, busy.data());
  return busy;
}

std::vector<double> solve_spread(const std::vector<double>& cpu, const std::vector<int>& group,
                                 const std::vector<Coupling>& coupling, const std::vector<double>& spread, double cores) {
  std::vector<double> busy(cpu.size());
  CoreSharing sharing;
  sharing.solve(cpu.data(), group.data(), coupling.data(), spread.data(), static_cast<int>(cpu.size()), cores,
                busy.data());
  return busy;
}

std::vector<double> solve_turns(const std::vector<double>& cpu, const std::vector<int>& turns, double cores) {
  return solve_groups(cpu, turns, std::vector<Coupling>(cpu.size(), Coupling::TakeTurns), cores);
}

}  // namespace

TEST_CASE("threads that take turns are never runnable together while their shares sum below one") {
  // Two back-pressured sources and a saturated worker on one core: taking turns, a source only
  // ever shares the core with the worker, so it runs at ½: busy = 2 u.
  const auto busy = solve_turns({0.2, 0.2, 1.0}, {0, 0, -1}, 1.0);
  CHECK(busy[0] == Approx(0.4).epsilon(1e-9));
  CHECK(busy[1] == Approx(0.4).epsilon(1e-9));
  CHECK(busy[2] == 1.0);
  // Independent, they would also meet each other: busier than that.
  const auto independent = solve({0.2, 0.2, 1.0}, 1.0);
  CHECK(independent[0] > 0.4 + 0.01);
}

TEST_CASE("threads that take turns overlap by the excess of their shares over one") {
  // Two threads on 1.5 cores (together each runs at ¾), busy b each with S = 2b ≥ 1: both runnable
  // 2b − 1 of the time, so given one is, the other is with probability (2b − 1)/b and
  // b · (1 − (2b − 1)/b · ¼) = u, i.e. b = (4u − 1)/2: 0.7 for u = 0.6.
  const auto busy = solve_turns({0.6, 0.6}, {0, 0}, 1.5);
  CHECK(busy[0] == Approx(0.7).epsilon(1e-9));
  CHECK(busy[1] == Approx(0.7).epsilon(1e-9));
  // Independent, they overlap more (the product form: 0.745; with 1 − b for the chance to leave,
  // b² − 2.2 b + 1.08 = 0, 0.739).
  const double independent = solve({0.6, 0.6}, 1.5)[0];
  CHECK(independent == Approx(reference({0.6, 0.6}, 1.5)[0]).epsilon(1e-6));
  CHECK(independent > (2.2 - std::sqrt(0.52)) / 2);
}

TEST_CASE("a group of one takes turns with nobody: the same as independent") {
  const std::vector<double> cpu{0.3, 0.25, 0.2, 0.4};
  const auto alone = solve_turns(cpu, {0, 1, -1, 2}, 1.0), independent = solve(cpu, 1.0);
  for (std::size_t i = 0; i < cpu.size(); ++i) CHECK(alone[i] == Approx(independent[i]).epsilon(1e-9));
}

TEST_CASE("threads one flush wakes together share the cores for their whole spell") {
  // Six equal threads on three cores, always runnable together: each runs at ½, busy = 2 u.
  const std::vector<double> cpu(6, 0.2);
  const auto busy = solve_groups(cpu, std::vector<int>(6, 0), {Coupling::Together}, 3.0);
  for (double b : busy) CHECK(b == Approx(0.4).epsilon(1e-9));
  // Independent, they would meet less often: less busy.
  CHECK(solve(cpu, 3.0)[0] < 0.4 - 0.05);
}

TEST_CASE("together, a lighter thread's spell lies within a heavier one's") {
  // Two threads on one core, u = 0.2 and 0.1, busy b₁ > b₂: the light one is always runnable with
  // the heavy one (speed ½: b₂ = 0.2), the heavy one is with it b₂ of its b₁:
  // (b₁ − b₂) + b₂/2 = 0.2, so b₁ = 0.3.
  const auto busy = solve_groups({0.2, 0.1}, {0, 0}, {Coupling::Together}, 1.0);
  CHECK(busy[0] == Approx(0.3).epsilon(1e-9));
  CHECK(busy[1] == Approx(0.2).epsilon(1e-9));
}

TEST_CASE("an independent thread meets a together group's spells as regimes") {
  // A thread with u = 0.1 beside two threads runnable together, on one core. The pair's spells last
  // many of its records, so it is busy u ÷ ⅓ = 0.3 during them and u ÷ 1 = 0.1 outside. The pair
  // meets it as it is during their spells, runnable 0.3 of the time: speed 0.3 · ⅓ + 0.7 · ½ = 0.45,
  // so b = 0.25 / 0.45, and the single thread's busy time is 0.1 (1 − b) + 0.3 b.
  const auto busy = solve_groups({0.25, 0.25, 0.1}, {0, 0, -1}, {Coupling::Together}, 1.0);
  const double pair = 0.25 / 0.45;
  CHECK(busy[0] == Approx(pair).epsilon(1e-9));
  CHECK(busy[1] == Approx(pair).epsilon(1e-9));
  CHECK(busy[2] == Approx(0.1 * (1 - pair) + 0.3 * pair).epsilon(1e-9));
}

TEST_CASE("a thread that follows a group's work runs in its spells, and its buffers' lag spreads it out") {
  // The pair and the single thread above, the single one's records now written by the pair while
  // they run (Following, share 1). With no lag it gets all of its work, 0.1, during their spells
  // (a fraction p of the time) at speed ⅓: busy 0.3 in all, 0.3 ÷ p of each spell. The pair meets
  // it there: speed (0.3 ÷ p) · ⅓ + (1 − 0.3 ÷ p) · ½ = 0.5 − 0.05 ÷ p, so p = 0.25 ÷ that: p = 0.6.
  const std::vector<double> cpu{0.25, 0.25, 0.1};
  const std::vector<int> group{0, 0, -1};
  const auto following = [&](double cycle, double buffer_work) {
    std::vector<flinksim::sim::Following> follows(3);
    follows[2] = flinksim::sim::Following{0, 1.0, cycle, buffer_work};
    std::vector<double> busy(3);
    CoreSharing sharing;
    sharing.solve(cpu.data(), group.data(), std::vector<Coupling>{Coupling::Together}.data(), nullptr, 3, 1.0,
                  busy.data(), nullptr, follows.data());
    return busy;
  };
  const auto at_once = following(0.1, 0.0);
  CHECK(at_once[0] == Approx(0.6).epsilon(1e-6));
  CHECK(at_once[2] == Approx(0.3).epsilon(1e-6));
  // Each buffer keeping it busy far longer than a cycle: its work comes as if at random, the
  // independent thread's closed form.
  const double pair = 0.25 / 0.45;
  const auto smeared = following(0.1, 10.0);
  CHECK(smeared[0] == Approx(pair).epsilon(1e-3));
  CHECK(smeared[2] == Approx(0.1 * (1 - pair) + 0.3 * pair).epsilon(1e-3));
  // In between, in order.
  const auto some = following(0.1, 0.01);
  CHECK(some[2] < at_once[2]);
  CHECK(some[2] > smeared[2]);
}

TEST_CASE("batches that spread end apart: between nested spells and independent threads") {
  // Six threads of 0.2 woken together on three cores, and a Poisson-fed one of 0.15.
  const std::vector<double> cpu{0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.15};
  const std::vector<int> group{0, 0, 0, 0, 0, 0, -1};
  const auto nested = solve_groups(cpu, group, {Coupling::Together}, 3.0);
  // A batch of work spreading by a millionth ends where nested spells do.
  const auto sharp = solve_spread(cpu, group, {Coupling::Together}, std::vector<double>(7, 1e-6), 3.0);
  for (std::size_t i = 0; i < cpu.size(); ++i) CHECK(sharp[i] == Approx(nested[i]).epsilon(2e-3));
  // The wider the batches spread, the sooner the first ones end and the others speed up.
  const auto some = solve_spread(cpu, group, {Coupling::Together}, std::vector<double>(7, 0.1), 3.0);
  const auto more = solve_spread(cpu, group, {Coupling::Together}, std::vector<double>(7, 0.4), 3.0);
  const auto independent = solve(cpu, 3.0);
  CHECK(some[0] < nested[0]);
  CHECK(more[0] < some[0]);
  CHECK(more[0] > independent[0]);
  for (double b : more) CHECK(b >= 0.15);
}

TEST_CASE("segment ends of their own overlap less the more of them a tick") {
  // Six threads of 0.2 in a Together group on three cores, and a Poisson-fed one of 0.15.
  const std::vector<double> cpu{0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.15};
  const std::vector<int> group{0, 0, 0, 0, 0, 0, -1};
  const std::vector<double> spread(7, 1e-6);
  const auto with = [&](double per_tick) {
    std::vector<flinksim::sim::SegmentEnds> segments(7, flinksim::sim::SegmentEnds{per_tick});
    std::vector<double> busy(7);
    CoreSharing sharing;
    sharing.solve(cpu.data(), group.data(), std::vector<Coupling>{Coupling::Together}.data(), spread.data(), 7, 3.0,
                  busy.data(), segments.data());
    return busy;
  };
  // No segment ends: the plain Together group, all of its work with the flush.
  const auto flush = solve_spread(cpu, group, {Coupling::Together}, spread, 3.0);
  const auto none = with(0);
  for (std::size_t i = 0; i < cpu.size(); ++i) CHECK(none[i] == Approx(flush[i]).epsilon(1e-9));
  // More ends a tick: less of the work comes with the flush (at most a segment's, never less than
  // what the thread had left of the segment before), and the threads overlap less; so does the
  // other thread with them.
  std::vector<double> before = none;
  for (double per_tick : {0.25, 1.0, 4.0, 16.0}) {
    INFO(per_tick);
    const auto busy = with(per_tick);
    CHECK(busy[0] < before[0] - 0.005);
    CHECK(busy[6] < before[6]);
    for (std::size_t i = 0; i < cpu.size(); ++i) CHECK(busy[i] >= cpu[i]);
    before = busy;
  }
  // With a thousand ends a tick the flush brings next to nothing: the threads run as Poisson-fed
  // ones do, in the product form.
  const auto many = with(1000);
  const auto independent = solve(cpu, 3.0);
  for (std::size_t i = 0; i < cpu.size(); ++i)
    CHECK(many[i] == Approx(independent[i]).epsilon(0.005));
}

TEST_CASE("threads whose work all comes at their own segment ends run in the product form") {
  // Two threads of 0.3 on one core, a million segment ends a tick: runnable together with the
  // product form's weight, P(both) ∝ r² ÷ speed(2), r = 0.3 ÷ (1 − b), so b = 0.4 (independent
  // presence would say 1 − √0.4 = 0.368; how many of six workers run at once, measured at buffer
  // level, agrees with the product form within 1% of the time: core_sharing.cpp stream_profile).
  const std::vector<double> cpu{0.3, 0.3};
  const std::vector<int> group{0, 0};
  const std::vector<double> spread(2, 0.0);
  const std::vector<flinksim::sim::SegmentEnds> segments(2, flinksim::sim::SegmentEnds{1e6});
  std::vector<double> busy(2);
  CoreSharing sharing;
  sharing.solve(cpu.data(), group.data(), std::vector<Coupling>{Coupling::Together}.data(), spread.data(), 2, 1.0,
                busy.data(), segments.data());
  for (double b : busy) CHECK(b == Approx(0.4).epsilon(1e-3));
}

namespace {

// Two sources of 0.17 and six consumers of 0.28 on three cores (shared-cores-record-sizes.toml at
// 17k/s), the consumers dealt `producers`' records in turn, or fed at random (producers 0).
std::vector<double> dealt_six(int producers, int channels = 6, double cost_cv2 = 1) {
  std::vector<double> cpu{0.17, 0.17};
  cpu.insert(cpu.end(), 6, 0.28);
  std::vector<flinksim::sim::Dealing> dealing(cpu.size());
  if (producers > 0)
    for (std::size_t i = 2; i < cpu.size(); ++i) dealing[i] = {7, channels, producers, cost_cv2};
  std::vector<double> busy(cpu.size());
  CoreSharing sharing;
  sharing.solve(cpu.data(), nullptr, nullptr, nullptr, static_cast<int>(cpu.size()), 3.0,
                busy.data(), nullptr, nullptr, dealing.data());
  return busy;
}

}  // namespace

TEST_CASE("consumers dealt records in turn run together more than consumers fed at random") {
  // A record goes to the consumer that got one longest ago, most likely idle: more of them run at
  // once than when each record picks one at random, the more so the fewer producers deal (with
  // many, a consumer's records come at random times all the same: the binomial of threads fed at
  // random, read with the threads' common chance to leave the runnable set rather than each one's
  // own, 0.2% apart).
  const auto random = dealt_six(0), two = dealt_six(2), one = dealt_six(1),
             many = dealt_six(100000);
  for (std::size_t i = 2; i < random.size(); ++i) {
    CHECK(two[i] > random[i] + 0.01);
    CHECK(one[i] > two[i] + 0.005);
    CHECK(many[i] == Approx(random[i]).epsilon(0.003));
  }
  // The sources wait for the consumers, which run together more often.
  CHECK(two[0] > random[0]);
  // Costs of one size: the record before, a turn ago, is done more surely than an exponential one
  // (buffer level, 17k/s: 395.5 ms/s against 378.4), so fewer records find their consumer busy.
  const auto constant = dealt_six(2, 6, 0.0);
  for (std::size_t i = 2; i < random.size(); ++i) CHECK(constant[i] > two[i] + 0.005);
  // Dealt over one channel there is no turn to take.
  const auto alone = dealt_six(2, 1);
  for (std::size_t i = 0; i < random.size(); ++i)
    CHECK(alone[i] == Approx(random[i]).margin(1e-12));
  // With a core each, nobody waits.
  std::vector<double> cpu(6, 0.28), busy(6);
  std::vector<flinksim::sim::Dealing> dealing(6, flinksim::sim::Dealing{0, 6, 2});
  CoreSharing sharing;
  sharing.solve(cpu.data(), nullptr, nullptr, nullptr, 6, 6.0, busy.data(), nullptr, nullptr,
                dealing.data());
  for (double b : busy) CHECK(b == Approx(0.28));
}

// Threads whose records a thread capped by the cores writes (a CPU-bound source and the threads it
// feeds on its TaskManager) get them at the speed the cores give it: where more threads run, all of
// them, the writer too, run slower alike. Measured in the work they do instead of in time, nobody
// waits, so each is runnable independently with its unhurried share ρ = u ÷ E[speed], and a state
// lasts 1 ÷ its speed: P(S) ∝ Π ρ ÷ speed(1 + |S|). Reference: every set of them, weighed so, with
// E[speed] iterated until it is the speed the writer gets over time.
namespace {
std::vector<double> paced_reference(const std::vector<double>& cpu, double cores) {
  const std::size_t k = cpu.size();
  const auto speed = [&](std::size_t runnable) {
    return std::min(1.0, cores / static_cast<double>(runnable));
  };
  double mean_speed = 1;
  std::vector<double> busy(k);
  for (int round = 0; round < 10000; ++round) {
    double time = 0;
    std::vector<double> runnable(k, 0.0);
    for (unsigned set = 0; set < (1u << k); ++set) {
      double w = 1;
      std::size_t size = 1;  // the writer, always runnable
      for (std::size_t j = 0; j < k; ++j) {
        const double rho = cpu[j] / mean_speed;
        w *= set >> j & 1u ? rho : 1 - rho;
        size += set >> j & 1u;
      }
      w /= speed(size);
      time += w;
      for (std::size_t j = 0; j < k; ++j)
        if (set >> j & 1u) runnable[j] += w;
    }
    const double next = 1 / time;  // E[speed] = 1 ÷ E[1 ÷ speed] over the sets as work weighs them
    for (std::size_t j = 0; j < k; ++j) busy[j] = runnable[j] / time;
    if (std::abs(next - mean_speed) < 1e-13) break;
    mean_speed = next;
  }
  return busy;
}
}  // namespace

TEST_CASE("threads paced by a thread the cores cap run as if the cores were theirs, slowed alike") {
  // A capped writer (cpu 1) and five threads it feeds, on 1.5 cores (sweep case #14's TaskManager:
  // a 50 µs source dealing to six 200 µs enrich subtasks, and their sink, at 6.5k/s).
  const std::vector<double> fed = {0.16, 0.16, 0.16, 0.12, 0.2};
  std::vector<double> cpu = {1.0};
  cpu.insert(cpu.end(), fed.begin(), fed.end());
  const int k = static_cast<int>(cpu.size());
  std::vector<double> paced(cpu.size(), 1.0), busy(cpu.size()), unpaced(cpu.size());
  paced[0] = 0;
  CoreSharing sharing;
  sharing.solve(cpu.data(), nullptr, nullptr, nullptr, k, 1.5, busy.data(), nullptr, nullptr,
                nullptr, paced.data());
  const auto expected = paced_reference(fed, 1.5);
  CHECK(busy[0] == 1.0);
  for (std::size_t j = 0; j < fed.size(); ++j)
    CHECK(busy[j + 1] == Approx(expected[j]).margin(1e-6));
  // None paced: as if not given.
  sharing.solve(cpu.data(), k, 1.5, unpaced.data());
  std::vector<double> none(cpu.size(), 0.0), same(cpu.size());
  sharing.solve(cpu.data(), nullptr, nullptr, nullptr, k, 1.5, same.data(), nullptr, nullptr,
                nullptr, none.data());
  for (std::size_t j = 0; j < cpu.size(); ++j) CHECK(same[j] == unpaced[j]);
}
