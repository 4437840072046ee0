// The rate solve (fluid_rates.h): max-min water-filling and the fixed point of CPU shares, input
// limits and backpressure.
#include "sim/fluid_rates.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace flinksim::sim::fluid {
namespace {

// A zero-cost thread is never CPU-bound; a finite stand-in keeps every rate finite (a backlog in
// front of it empties within nanoseconds, as at buffer level where it takes no time at all).
constexpr double kMaxRate = 1e12;
constexpr int kMaxPasses = 500;
constexpr int kRelaxFrom = 50;
constexpr int kCapacityRounds = 12;
// A thread's inputs to its TaskManager's core-sharing solve: its demand, group, coupling, spread,
// its segment ends a tick, whom it follows (group, share, cycle and buffer's work), its deal (the
// deal, its channels and producers) and how far capped threads pace it.
constexpr int kKeyFields = 13;
// How far from taking turns toward independence three or more back-pressured threads that the
// same consumers release through local channels go: fitted to buffer level, nine jobs of 8 seeds
// (sim/README.md, "Threads that take turns"), each 0.40–0.88 of the way; with 0.7 all nine within
// 11 ms/s. A made-up interpolation, no mechanism. All nine are released by several consumers; those
// that one consumer releases take turns strictly (released_by_one).
constexpr double kTurnsToIndependent = 0.7;
// From this share of a TaskManager's cores in use, with threads waiting for them, the busy
// estimate was measured more than 5% off buffer level, up to 9% (sim/README.md, "A TaskManager
// near its cores' limit"): a caveat says so.
constexpr double kLoadedCores = 0.8;
// With a zero buffer timeout, from this share of a TaskManager's cores in use (threads waiting),
// buffer level measured the busy estimate more than 2% off (sim/README.md, "Short buffer
// timeouts": within 2.2% at 52% of the cores, up to 4% off at 61% and 6% at 74%, both ways); a
// caveat says so.
constexpr double kTandemCores = 0.5;
// The buffer timeouts over which a thread that follows a group was measured more than 2% too idle
// (at 14k/s: 1.7% at 2 ms, 4.6% at 3 ms, 6.5% at 5 ms, 4.4% at 20 ms, 3.0% at 30 ms, 1.6% at 40
// ms); below, a batch is a record or two (sim/README.md, "Batches of a record or two").
constexpr Nanos kShortTimeoutFrom = 2 * model::kMillisecond,
                kShortTimeoutTo = 30 * model::kMillisecond;
// Where threads wait for a core on a TaskManager of fewer cores than kFewCoresUnder with a buffer
// timeout of up to kShortTimeoutFrom, or of fewer than kOneCoreUnder at any timeout above 0, jobs
// drawn at random were mostly more than 5% off: 30 of the 51 such TaskManagers in the sweep's seeds
// 1-10, against 18 of 125 jobs on 3-4 cores. A caveat says so (sim/README.md, "Jobs nobody thought
// of").
constexpr double kFewCoresUnder = 2, kOneCoreUnder = 1.5;

// The records a channel brings over one buffer timeout.
double records_a_tick(double inflow, Nanos timeout) { return inflow * static_cast<double>(timeout) * 1e-9; }

// Flink's output flusher ships a slice of the segment being filled and the BufferBuilder goes on
// filling it (PipelinedSubpartition.pollBuffer keeps an unfinished BufferConsumer), so a channel's
// segments end where its bytes reach a segment, at a phase of its own that the flushes do not
// move. Of n records a tick into segments of r, the tick ships those since the last segment end
// and each end the rest of its segment: with n < r an end falls in a tick with probability n ÷ r,
// at a uniform point, and takes half the tick's records on average; with n ≥ r the ends come r
// apart from a uniform first one, the tick's slice is uniform over a segment.
// The share of a channel's records that leave at segment ends.
double at_segment_ends(double per_tick, double r) {
  if (!(per_tick > 0)) return 0;
  return per_tick < r ? per_tick / (2 * r) : 1 - r / (2 * per_tick);
}

// A hash or random channel's segment ends a tick (SegmentEnds::per_tick), n records a tick into
// segments of r.
SegmentEnds segment_ends(double per_tick, double r) {
  SegmentEnds ends;
  if (per_tick > 0) ends.per_tick = per_tick / r;
  return ends;
}

// The share of such a channel's records that the ticks ship (the rest leave at segment ends).
double tick_share(const SegmentEnds& ends) { return 1 - at_segment_ends(ends.per_tick, 1.0); }

// A dealt partition's channel whose record sizes vary: its segment ends part only with time, after
// a start or a barrier made them end together (Rates::lock_time).
bool parts_with_time(const Flow& f) { return f.dealt && f.ends_apart; }

// Whether a flow's segment ends fall at a phase of their own: those that part with time only once
// they have parted (`in_step`: not yet).
bool ends_apart(const Flow& f, bool in_step) {
  return f.ends_apart && !(in_step && parts_with_time(f));
}

// Seconds for the lock of a dealt channel's segment ends (made to end together by a barrier, or by
// the start) to fade: e^(−t ÷ L) of its effect on the consumers' busy time is left t seconds on.
// r records to a segment whose sizes vary by `cv`, `inflow` records/s, a buffer timeout of T.
// The ends drift apart as a random walk of the records' sizes, so L grows with r and shrinks with
// cv, but not as a bare random walk's (r ÷ cv)² ÷ inflow (off by up to 2.5×): the exponents and
// the factor are fitted to buffer level (sim/README.md, thirteen cases of 4 seeds each, L from
// 1 s to 25 s, the fit within 0.67–1.49×), a model made up to match it:
// L = 0.0062 s · r^1.5 ÷ cv · (inflow · 1 s)^−0.3 · (T ÷ 1 s)^0.25.
double parting_time(double r, double cv, double inflow, Nanos timeout) {
  return 0.0062 * std::pow(r, 1.5) / cv * std::pow(inflow, -0.3) *
         std::pow(static_cast<double>(timeout) * 1e-9, 0.25);
}

// Of thread t's records, the share that come over the flows `counts` holds true for.
template <typename Counts>
double input_share(const Network& net, const Rates& r, const Thread& t, const Counts& counts) {
  double some = 0, all = 0;
  for (int j = 0; j < t.ins; ++j) {
    const int q = net.in_flows[t.first_in + j];
    const double in = std::max(0.0, r.inflow[q]);
    all += in;
    if (in > 0 && counts(q)) some += in;
  }
  return all > 0 ? some / all : 0.0;
}

}  // namespace

double water_fill(const double* demand, double* share, int n, double capacity, double cap, int* order) {
  double total = 0;
  for (int i = 0; i < n; ++i) total += std::min(demand[i], cap);
  if (total <= capacity) {  // nobody is short: the common case, no sort
    for (int i = 0; i < n; ++i) share[i] = std::min(demand[i], cap);
    return kUnbounded;
  }
  for (int i = 0; i < n; ++i) order[i] = i;
  std::sort(order, order + n, [&](int a, int b) {
    const double da = std::min(demand[a], cap), db = std::min(demand[b], cap);
    return da != db ? da < db : a < b;
  });
  double remaining = capacity;
  for (int k = 0; k < n; ++k) {
    const int i = order[k];
    const double fair = remaining / (n - k);
    const double d = std::min(demand[i], cap);
    if (d <= fair) {
      share[i] = d;
      remaining -= d;
      continue;
    }
    for (int j = k; j < n; ++j) share[order[j]] = fair;
    return fair;
  }
  return kUnbounded;  // unreachable: total > capacity means someone is short
}

void Rates::size_for(const Network& net) {
  const std::size_t nt = net.threads.size(), nf = net.flows.size();
  for (auto* v :
       {&take, &offer, &want, &bp_cap, &cpu_cap, &cpu, &speed, &busy, &backpressured, &busy_locked})
    v->assign(nt, 0.0);
  lock_time.assign(net.cores.size(), 0.0);
  locked = false;
  inflow.assign(nf, 0.0);
  drain.assign(nf, 0.0);
  off.assign(net.cores.size(), {});
}

RateSolver::RateSolver(const Network& net) : net_(net) {
  const std::size_t nt = net.threads.size();
  r_.size_for(net);
  previous_.assign(nt, 0.0);
  previous_cpu_cap_.assign(nt, 0.0);
  previous_bp_cap_.assign(nt, 0.0);
  std::size_t widest = nt;
  for (const auto& t : net.threads) widest = std::max(widest, static_cast<std::size_t>(t.ins));
  demand_.assign(widest, 0.0);
  share_.assign(widest, 0.0);
  order_.assign(widest, 0);
  group_.assign(widest, -1);
  spread_.assign(widest, 0.0);
  segments_.assign(widest, SegmentEnds{});
  turns_share_.assign(widest, 0.0);
  for (const auto& f : net.flows) parting_ |= parts_with_time(f);
  follows_.assign(widest, Following{});
  dealing_.assign(widest, Dealing{});
  paced_.assign(widest, 0.0);
  drive_.assign(nt, 0.0);
  members_.assign(widest, 0);
  local_.assign(nt, 0);
  for (const auto& on : net.threads_on)
    for (std::size_t k = 0; k < on.size(); ++k) local_[on[k]] = static_cast<int>(k);
  group_key_.assign(widest, -1);
  coupling_.assign(widest, Coupling::Together);
  tm_level_.assign(net.cores.size(), kUnbounded);
  level_.assign(net.cores.size(), 1.0);
  level_search_.assign(net.cores.size(), LevelSearch{});
  capacity_ = net.cores;
  core_cap_.assign(net.cores.size(), 1.0);
  idle_dist_.assign(nt + 2, 0.0);
  releaser_.assign(widest, -1);
  for (const auto& on : net.threads_on) {
    for (int mode = 0; mode < kSolveModes; ++mode) {
      sharing_key_[mode].emplace_back(
          kKeyFields * on.size(), std::numeric_limits<double>::quiet_NaN());  // NaN: never equal
      sharing_shares_[mode].emplace_back(on.size(), 0.0);
    }
  }
}

const Rates& RateSolver::solve(const Conditions& c) {
  std::copy(net_.cores.begin(), net_.cores.end(), capacity_.begin());
  std::fill(core_cap_.begin(), core_cap_.end(), 1.0);
  for (int round = 0; round < kCapacityRounds; ++round) {
    settle(c);
    double moved = 0;
    for (std::size_t tm = 0; tm < capacity_.size(); ++tm) {
      // A TaskManager whose cores the threads would use up leaves some idle all the same while
      // fewer threads than cores are runnable (a bottleneck alone while those it releases wait):
      // its capacity is what the runnable threads can use, E[min(cores, runnable)].
      if (tm_level_[tm] < kUnbounded) {
        const double target = net_.cores[tm] - idle_cores(c, tm);
        const double next = round == 0 ? target : 0.5 * (capacity_[tm] + target);
        moved = std::max(moved, std::abs(next - capacity_[tm]) / net_.cores[tm]);
        capacity_[tm] = next;
        continue;
      }
      // One that has cores to spare still slows a thread that a whole core caps whenever more
      // threads than cores are runnable: it gets E[min(1, cores ÷ runnable)] of one, itself
      // runnable all the time (Flink: a task's mailbox thread is one thread; processor sharing).
      bool whole_core = false;
      for (const int i : net_.threads_on[tm]) whole_core |= capped(i);
      if (!whole_core && core_cap_[tm] == 1.0) continue;
      const double target = whole_core ? core_speed(c, tm) : 1.0;
      const double next = round == 0 ? target : 0.5 * (core_cap_[tm] + target);
      moved = std::max(moved, std::abs(next - core_cap_[tm]));
      core_cap_[tm] = next;
    }
    if (moved < 1e-4) break;
  }
  return r_;
}

// idle_dist_ ← P(n of the TaskManager's threads runnable), its threads runnable with their busy
// shares, independently but for back-pressured threads that one local consumer releases (they take
// turns: ⌊S⌋ or ⌈S⌉ of them) and threads capped by the cores (always). Returns the largest n.
int RateSolver::runnable_count(const Conditions& c, std::size_t tm) {
  const auto& on = net_.threads_on[tm];
  const int n = static_cast<int>(on.size());
  std::fill(idle_dist_.begin(), idle_dist_.begin() + n + 2, 0.0);
  idle_dist_[0] = 1;
  int size = 0;                                                    // the count's support so far
  const auto add = [&](double p0, double p1, double p2, int up) {  // a part with 0, up, up + 1
    for (int m = size + up + 1; m >= 0; --m) {
      double v = p0 * idle_dist_[m];
      if (m >= up) v += p1 * idle_dist_[m - up];
      if (m >= up + 1) v += p2 * idle_dist_[m - up - 1];
      idle_dist_[m] = v;
    }
    size += up + (p2 > 0 ? 1 : 0);
  };
  // Per thread: the one local consumer that alone releases it, or −1.
  for (int k = 0; k < n; ++k) {
    const int i = on[k];
    const int releaser = local_releaser(c, i);
    releaser_[k] = releaser >= 0 && released_by_one(c, i) ? releaser : -1;
  }
  for (int k = 0; k < n; ++k) {
    const int i = on[k];
    if (net_.threads[i].cost <= 0) continue;
    const double b = std::clamp(r_.busy[i], 0.0, 1.0);
    if (releaser_[k] >= 0) {
      bool first = true;  // the group once, at its first member
      double sum = 0;
      for (int j = 0; j < n; ++j) {
        if (releaser_[j] != releaser_[k]) continue;
        if (j < k) first = false;
        sum += std::clamp(r_.busy[on[j]], 0.0, 1.0);
      }
      if (!first) continue;
      const int low = static_cast<int>(std::floor(sum));
      const double up = sum - low;
      if (low == 0)
        add(1 - up, 0, up, 0);
      else
        add(0, 1 - up, up, low);
      continue;
    }
    add(1 - b, b, 0, 1);
  }
  return std::min(size, n);
}

// The cores a saturated TaskManager leaves idle: Σ (cores − n)⁺ P(n runnable).
double RateSolver::idle_cores(const Conditions& c, std::size_t tm) {
  const int most = runnable_count(c, tm);
  double idle = 0;
  for (int m = 0; m <= most; ++m) idle += std::max(0.0, net_.cores[tm] - m) * idle_dist_[m];
  return idle;
}

// The share of a core that a thread runnable all the time gets, E[min(1, cores ÷ runnable)] (the
// thread itself one of them).
double RateSolver::core_speed(const Conditions& c, std::size_t tm) {
  const int most = runnable_count(c, tm);
  double speed = 0, mass = 0;
  for (int m = 1; m <= most; ++m) {
    speed += idle_dist_[m] * std::min(1.0, net_.cores[tm] / m);
    mass += idle_dist_[m];
  }
  return mass > 0 ? speed / mass : 1.0;
}

void RateSolver::settle(const Conditions& c) {
  const std::size_t nt = net_.threads.size();
  std::fill(r_.bp_cap.begin(), r_.bp_cap.end(), kUnbounded);
  for (std::size_t i = 0; i < nt; ++i) {
    const double cost = net_.threads[i].cost;
    r_.cpu_cap[i] = cost > 0 ? 1.0 / cost : kMaxRate;  // a core each until shares say otherwise
  }
  r_.passes = 0;
  bool inner_settled = false;
  for (int pass = 0; pass < kMaxPasses; ++pass) {
    double moved = 0, inner = 0;
    previous_ = r_.take;  // same size: no allocation
    previous_cpu_cap_ = r_.cpu_cap;
    previous_bp_cap_ = r_.bp_cap;
    forward(c);
    backward(c);
    // Past kRelaxFrom passes the caps are caught in a cycle: a reader whose CPU share and
    // backpressure cap take turns binding, or a capped producer whose consumers share its cores
    // (their demand, and so the share left to it, moves against its own). From there the caps
    // come from one water level per TaskManager, searched for (cpu_shares), and moved only once
    // the takes and backpressure caps have settled at the last one.
    const bool searched = pass >= kRelaxFrom && (pass == kRelaxFrom || inner_settled);
    if (pass < kRelaxFrom) {
      cpu_shares(false);
    } else if (pass == kRelaxFrom) {  // the search starts at the last water level, no end known
      for (std::size_t tm = 0; tm < level_.size(); ++tm) {
        level_[tm] = std::min(1.0, tm_level_[tm]);
        level_search_[tm] = LevelSearch{};
        cap_at_level(tm);
      }
    } else if (searched) {
      cpu_shares(true);
    }
    // Settled when neither the takes nor the caps move: a cap that this pass changed moves the next
    // pass's takes and drains, and a writer's backpressure cap set from the old drains would let
    // it overfill a full channel.
    const auto change = [](double now, double before) {
      if (now == before) return 0.0;
      if (!std::isfinite(now) || !std::isfinite(before)) return 1.0;  // a cap came or went
      return std::abs(now - before) / (1.0 + std::abs(now));
    };
    for (std::size_t i = 0; i < nt; ++i)
      inner = std::max(
          {inner, change(r_.take[i], previous_[i]), change(r_.bp_cap[i], previous_bp_cap_[i])});
    inner_settled =
        inner <= 1e-9 && pass > kRelaxFrom && !searched;  // at caps set a pass ago or more
    for (std::size_t i = 0; i < nt; ++i)
      moved = std::max(moved, change(r_.cpu_cap[i], previous_cpu_cap_[i]));
    moved = std::max(moved, inner);
    r_.passes = pass + 1;
    if (pass > 0 && moved <= 1e-12 && (pass < kRelaxFrom || searched)) break;
  }
  forward(c);  // takes and drains consistent with the final caps
  classify(c);
}

void RateSolver::forward(const Conditions& c) {
  const std::size_t nt = net_.threads.size();
  for (std::size_t i = 0; i < nt; ++i) {
    const Thread& t = net_.threads[i];
    double offer = 0;
    if (t.source) {
      offer = c.backlog_empty[i] ? c.arrival[i] : kUnbounded;
    } else {
      for (int k = 0; k < t.ins; ++k) {
        const int q = net_.in_flows[t.first_in + k];
        const Flow& f = net_.flows[q];
        r_.inflow[q] = r_.take[f.from] * f.gain;
        demand_[k] = c.flow_empty[q] ? r_.inflow[q] : kUnbounded;
        offer += demand_[k];
      }
    }
    r_.offer[i] = offer;
    r_.want[i] = std::min(offer, r_.bp_cap[i]);
    r_.take[i] = std::min(r_.want[i], r_.cpu_cap[i]);
    if (t.ins > 0) {
      water_fill(demand_.data(), share_.data(), t.ins, r_.take[i], kUnbounded, order_.data());
      for (int k = 0; k < t.ins; ++k) r_.drain[net_.in_flows[t.first_in + k]] = share_[k];
    }
  }
}

void RateSolver::backward(const Conditions& c) {
  for (std::size_t i = net_.threads.size(); i-- > 0;) {
    const Thread& t = net_.threads[i];
    double cap = kUnbounded;
    for (int k = 0; k < t.outs; ++k) {
      const int q = net_.out_flows[t.first_out + k];
      if (c.flow_full[q]) cap = std::min(cap, r_.drain[q] / net_.flows[q].gain);
    }
    r_.bp_cap[i] = cap;
  }
}

void RateSolver::cpu_shares(bool by_level) {
  for (std::size_t tm = 0; tm < net_.threads_on.size(); ++tm) {
    const auto& on = net_.threads_on[tm];
    const int n = static_cast<int>(on.size());
    for (int k = 0; k < n; ++k) {
      const Thread& t = net_.threads[on[k]];
      demand_[k] = t.cost > 0 ? std::min(1.0, r_.want[on[k]] * t.cost) : 0.0;
    }
    tm_level_[tm] =
        water_fill(demand_.data(), share_.data(), n, capacity_[tm], core_cap_[tm], order_.data());
    if (!by_level) {
      for (int k = 0; k < n; ++k) {
        const Thread& t = net_.threads[on[k]];
        r_.cpu_cap[on[k]] = t.cost > 0 ? share_[k] / t.cost : kMaxRate;
      }
      continue;
    }
    // The level the caps use is the root of h(level) = level − the water-fill's level at the
    // demands that it lets through, within [0, 1] (a level of a core or more caps nobody). The
    // water level falls as the caps' level rises (more CPU to a capped producer, more demand from
    // its consumers), so h rises and each pass brackets the root: regula falsi (Illinois) once
    // both ends are known, a plain step before. Plain steps alone swing: a capped producer whose
    // consumers share its cores leaves a level that moves the other way by more than it did.
    level_[tm] = next_level(tm, std::min(1.0, tm_level_[tm]));
    cap_at_level(tm);
  }
}

// Every thread of the TaskManager capped at its level (and at what one thread gets of a core).
void RateSolver::cap_at_level(std::size_t tm) {
  const double share = std::min(level_[tm], core_cap_[tm]);
  for (const int i : net_.threads_on[tm]) {
    const double cost = net_.threads[i].cost;
    r_.cpu_cap[i] = cost > 0 ? share / cost : kMaxRate;
  }
}

double RateSolver::next_level(std::size_t tm, double target) {
  LevelSearch& s = level_search_[tm];
  const double level = level_[tm], h = level - target;
  if (h <= 0) {
    if (s.side < 0) s.h_high *= 0.5;  // the low end moved twice: Illinois
    s.low = level;
    s.h_low = h;
    s.side = -1;
  } else {
    if (s.side > 0) s.h_low *= 0.5;
    s.high = level;
    s.h_high = h;
    s.side = 1;
  }
  if (h == 0) return level;
  if (!(s.h_high > 0) || !(s.h_low < 0)) return target;  // one end known: a plain step
  const double next = s.low - s.h_low * (s.high - s.low) / (s.h_high - s.h_low);
  if (s.high - s.low < 1e-9 * std::max(1e-3, level) && std::abs(h) > 1e-6) {
    s = LevelSearch{};  // a bracket that other TaskManagers' rates moved: start again from here
    return target;
  }
  return next;
}

// A thread whose rate its CPU share caps. So is one whose demand meets the water level of a
// saturated TaskManager: fed exactly as fast as the cores let it read, its queue drifts neither
// way and is seldom empty (buffer level, a 50 µs source capped beside four 200 µs consumers that
// it feeds: 993 ms/s).
bool RateSolver::capped(int i) const {
  const double cost = net_.threads[i].cost, level = tm_level_[net_.threads[i].taskmanager];
  return cost > 0 && (r_.cpu_cap[i] < r_.want[i] * (1 - 1e-9) ||
                      (level < 1 && r_.want[i] * cost >= level * (1 - 1e-9)));
}

// Runnable all the time, whatever the overlap: capped, or using a whole core.
bool RateSolver::always_runnable(int i) const { return capped(i) || r_.cpu[i] >= 1; }

bool RateSolver::blocked(int i) const {
  return r_.bp_cap[i] < kUnbounded && r_.bp_cap[i] <= std::min(r_.offer[i], r_.cpu_cap[i]) * (1 + 1e-9);
}

// The consumer that releases a back-pressured thread through local channels only (the lowest of
// its full out-flows' consumers), or −1: such threads released by the same consumer take turns
// (sim/core_sharing.h).
int RateSolver::local_releaser(const Conditions& c, int i) const {
  if (!blocked(i)) return -1;
  const Thread& t = net_.threads[i];
  int releaser = -1;
  for (int k = 0; k < t.outs; ++k) {
    const int q = net_.out_flows[t.first_out + k];
    if (!c.flow_full[q]) continue;
    const Flow& f = net_.flows[q];
    if (f.remote) return -1;
    releaser = releaser < 0 ? f.to : std::min(releaser, f.to);
  }
  return releaser;
}

// Every full out-flow of a back-pressured thread goes to one consumer: that thread alone frees
// the buffers it waits for, one at a time, so the threads it releases take turns strictly.
bool RateSolver::released_by_one(const Conditions& c, int i) const {
  const Thread& t = net_.threads[i];
  int consumer = -1;
  for (int k = 0; k < t.outs; ++k) {
    const int q = net_.out_flows[t.first_out + k];
    if (!c.flow_full[q]) continue;
    if (consumer >= 0 && net_.flows[q].to != consumer) return false;
    consumer = net_.flows[q].to;
  }
  return consumer >= 0;
}

// The producer whose output flush wakes a thread: the lowest of its producers, when every channel
// that brings it records hands them over with the producer's other channels — dealt in turn, of
// one size (their segments fill and end at the same moment), or shipped at the output flusher's
// tick — or −1. The consumers of one producer's flush are runnable together (sim/core_sharing.h);
// `spread` is how much their batches' work varies, `segments` how much of it comes at segment ends
// of their own instead (hash and random channels, and dealt records whose sizes vary). A zero
// timeout ships each record alone; a disabled one only full segments, which a dealt partition of
// one record size still ends together and the others apart.
int RateSolver::flush_waker(int i, bool in_step, double& spread, SegmentEnds& segments) const {
  const Thread& t = net_.threads[i];
  const Nanos timeout = net_.params.buffer_timeout;
  if (t.source || t.ins == 0 || blocked(i)) return -1;
  // A zero timeout ships each record alone: only a copy to every channel (broadcast) wakes the
  // consumers together, a record at a time.
  if (timeout == 0)
    for (int k = 0; k < t.ins; ++k) {
      const int q = net_.in_flows[t.first_in + k];
      if (r_.inflow[q] > 0 && !(net_.flows[q].dealt && net_.flows[q].turns == 0)) return -1;
    }
  int waker = -1;
  double records = 0, count_variance = 0;
  int batches = 0, apart = 0;  // channels, and of them those whose segments end apart
  double per_tick = 0, per_segment = 0;
  for (int k = 0; k < t.ins; ++k) {
    const int q = net_.in_flows[t.first_in + k];
    const Flow& f = net_.flows[q];
    if (!(r_.inflow[q] > 0)) continue;
    waker = waker < 0 ? f.from : std::min(waker, f.from);
    if (!f.dealt) count_variance = 1;
    ++batches;
    if (ends_apart(f, in_step)) {
      if (timeout < 0) return -1;  // only full segments leave, each when it ends
      ++apart;
      per_tick += records_a_tick(r_.inflow[q], timeout);
      per_segment += f.records_per_buffer;
      continue;
    }
    records += records_per_flush(f, net_.params, r_.inflow[q]);
  }
  if (apart > 0) {
    // Every channel's segments end apart (a mix with dealt channels is left independent).
    if (apart < batches) return -1;
    segments = segment_ends(per_tick / apart, per_segment / apart);
    records = tick_share(segments) * per_tick;  // what the ticks ship, on average
  }
  // A batch of n records costs n · cost, n about Poisson unless dealt: its spread is
  // √((cv² of a record's cost + the count's) ÷ n).
  if (batches > 0) spread = std::sqrt((t.cost_cv2 + count_variance) / std::max(1.0, records / batches));
  return waker;
}

// With a zero buffer timeout, the deal whose producers hand a thread its records one at a time, in
// turn with the edge's other consumers (core_sharing.h Dealing): every channel that brings it
// records is of one edge that deals them. Consumers of the same producers share a deal (a
// rebalance's all, a rescale's block); its id is the edge's and the lowest producer's. None
// otherwise.
Dealing RateSolver::dealt_to(int i) const {
  const Thread& t = net_.threads[i];
  Dealing deal;
  if (t.source || net_.params.buffer_timeout != 0) return deal;
  int edge = -1, producers = 0, channels = 0, lowest = -1;
  for (int k = 0; k < t.ins; ++k) {
    const int q = net_.in_flows[t.first_in + k];
    const Flow& f = net_.flows[q];
    if (!(r_.inflow[q] > 0)) continue;
    if (f.turns < 2 || (edge >= 0 && f.edge != edge)) return deal;
    edge = f.edge;
    ++producers;
    channels = std::max(channels, f.turns);
    lowest = lowest < 0 ? f.from : std::min(lowest, f.from);
  }
  if (edge < 0) return deal;
  const int id = edge * static_cast<int>(net_.threads.size()) + lowest;
  return Dealing{id, channels, producers, t.cost_cv2};
}

// For a thread outside the groups: the Together group on its TaskManager whose threads write most
// of its records, and the share of its records that leave them in full buffers, finished while
// those threads run (what their output flushers ship comes at the flushers' own phases instead).
Following RateSolver::follows(int i, int tm) const {
  const Thread& t = net_.threads[i];
  const Nanos timeout = net_.params.buffer_timeout;
  Following best;
  if (t.source || timeout == 0) return best;
  double total = 0;
  for (int k = 0; k < t.ins; ++k) total += std::max(0.0, r_.inflow[net_.in_flows[t.first_in + k]]);
  if (!(total > 0)) return best;
  for (int k = 0; k < t.ins; ++k) {
    const Flow& f = net_.flows[net_.in_flows[t.first_in + k]];
    if (net_.threads[f.from].taskmanager != tm) continue;
    const int g = group_[local_[f.from]];
    if (g < 0 || coupling_[g] != Coupling::Together) continue;
    double share = 0;  // of this thread's records: in full buffers from group g
    for (int j = 0; j < t.ins; ++j) {
      const int q = net_.in_flows[t.first_in + j];
      const Flow& from = net_.flows[q];
      if (net_.threads[from.from].taskmanager != tm || group_[local_[from.from]] != g || !(r_.inflow[q] > 0)) continue;
      const double full = timeout < 0 ? 1.0
                                      : at_segment_ends(records_a_tick(r_.inflow[q], timeout), from.records_per_buffer);
      share += r_.inflow[q] * full / total;
    }
    if (share > best.share) {
      best = Following{g, share};
      // The group's spells: one per batch from each producer, at its ticks and at its segment ends
      // (which the ticks do not move).
      const Thread& member = net_.threads[f.from];
      double batches = 0;  // a second
      for (int j = 0; j < member.ins; ++j) {
        const int q = net_.in_flows[member.first_in + j];
        if (!(r_.inflow[q] > 0)) continue;
        batches += (timeout > 0 ? 1e9 / static_cast<double>(timeout) : 0) + r_.inflow[q] / net_.flows[q].records_per_buffer;
      }
      best.cycle = batches > 0 ? 1 / batches : 0;
      best.buffer_work = t.cost * f.records_per_buffer;
      // The lag moves a buffer's work later in the cycle, where fewer of the group run. So it is
      // when the segments to the follower end with the group's batches, as records of one size
      // in and out make them (sim/README.md, "Records whose sizes vary"). Records whose sizes vary
      // end them anywhere in the group's spells, in no order: only the share of the group's work
      // that comes with the flush, a spell from the top down, is lagged then.
      if (f.size_cv > 0 || !reads_one_size(f.from))
        best.buffer_work *= tick_share(segments_[local_[f.from]]);
    }
  }
  return best;
}

// A thread that follows a group whose threads all read dealt channels of one record size only:
// they read the same records in step, so their segments to it (of one size too) end together and
// it gets them as one lump, which the follower model spreads out (sim/README.md). Only once those
// channels end a segment a tick or more; below that the ticks ship most of it.
bool RateSolver::follows_in_lumps(int k, std::size_t tm) const {
  const Following& f = follows_[k];
  const Nanos timeout = net_.params.buffer_timeout;
  if (f.group < 0 || f.share <= 0 || timeout <= 0) return false;
  const Thread& t = net_.threads[net_.threads_on[tm][k]];
  for (int j = 0; j < t.ins; ++j) {
    const int q = net_.in_flows[t.first_in + j];
    const Flow& from = net_.flows[q];
    const auto& writer = net_.threads[from.from];
    if (writer.taskmanager != static_cast<int>(tm) || group_[local_[from.from]] != f.group) continue;
    bool dealt = writer.ins > 0;
    for (int w = 0; w < writer.ins; ++w)
      dealt &= !net_.flows[net_.in_flows[writer.first_in + w]].ends_apart;
    if (dealt && !from.ends_apart &&
        records_a_tick(r_.inflow[q], timeout) >= from.records_per_buffer)
      return true;
  }
  return false;
}

// Most of the thread's records come in segments that fill before the output flusher ships them,
// from threads beside it that run on their own (no group, not capped by the cores) and get their
// own records so too: a segment's work at a time, at a point of its writer's spell that depends on
// how the writer's input and output segments line up, which the estimate does not follow
// (sim/README.md, "Jobs nobody thought of": a sink behind a forward, 6–22% off either way). A
// source's records come one at a time, and its segments end anywhere in its spells: its readers
// agree (within 2.2% in three of the sweep's cases). A thread that follows a group's batches is
// modelled (Following).
bool RateSolver::reads_full_segments(int k, std::size_t tm) const {
  const Nanos timeout = net_.params.buffer_timeout;
  const int followed = follows_[k].group;
  if (timeout <= 0 || demand_[k] >= 1 || (followed >= 0 && members_[followed] > 1)) return false;
  if (group_[k] >= 0 && members_[group_[k]] > 1) return false;
  // Flows whose segments fill before a tick (full), and of those the ones from a writer beside it
  // that runs on its own and gets its records so too.
  const auto full = [&](int q) {
    return records_a_tick(r_.inflow[q], timeout) >= net_.flows[q].records_per_buffer;
  };
  const auto beside = [&](int q) {
    const Flow& f = net_.flows[q];
    if (!full(q) || f.remote || net_.threads[f.from].taskmanager != static_cast<int>(tm))
      return false;
    const int w = local_[f.from];
    const Thread& writer = net_.threads[f.from];
    return demand_[w] < 1 && !(group_[w] >= 0 && members_[group_[w]] > 1) && !writer.source &&
           input_share(net_, r_, writer, full) >= 0.5;
  };
  return input_share(net_, r_, net_.threads[net_.threads_on[tm][k]], beside) >= 0.5;
}

// A thread of a group that one flush wakes (Together), most of whose records come from threads
// that are consumers woken so themselves, on whatever TaskManager: each writer's busy spell over
// the records it took in one go (a segment's, a tick's slice) ends segments to several of the
// group at once, which then run together, and on this TaskManager while their writer does. The
// estimate takes the groups' counts as independent of each other and the segment ends as coming
// on their own: buffer level measured such readers, their writers and the sources beside them
// 17-50% busier on three stages of one TaskManager, and jobs drawn at random off either way
// (sim/README.md, "Two network edges in a row").
bool RateSolver::reads_grouped_writers(int k, std::size_t tm) const {
  const int g = group_[k];
  if (g < 0 || members_[g] < 2 || coupling_[g] != Coupling::Together) return false;
  const auto woken = [&](int q) {  // its writer is a consumer that a flush wakes
    const int w = net_.flows[q].from;
    double spread = 0;
    SegmentEnds ends;
    return !capped(w) && flush_waker(w, false, spread, ends) >= 0;
  };
  return input_share(net_, r_, net_.threads[net_.threads_on[tm][k]], woken) >= 0.5;
}

// How long a lock of the thread's dealt channels whose record sizes vary lasts (parting_time,
// weighted by their records), or 0. Without a timeout nothing was measured: 0.
double RateSolver::lock_time(int i) const {
  const Thread& t = net_.threads[i];
  const Nanos timeout = net_.params.buffer_timeout;
  if (timeout <= 0) return 0;
  double weighted = 0, records = 0;
  for (int k = 0; k < t.ins; ++k) {
    const int q = net_.in_flows[t.first_in + k];
    const Flow& f = net_.flows[q];
    if (!(r_.inflow[q] > 0) || !parts_with_time(f)) continue;
    weighted += r_.inflow[q] * parting_time(f.records_per_buffer, f.size_cv, r_.inflow[q], timeout);
    records += r_.inflow[q];
  }
  return records > 0 ? weighted / records : 0;
}

// Some hash or random channel brings the thread records.
bool RateSolver::reads_routed(int i) const {
  const Thread& t = net_.threads[i];
  for (int k = 0; k < t.ins; ++k) {
    const int q = net_.in_flows[t.first_in + k];
    if (r_.inflow[q] > 0 && !net_.flows[q].dealt) return true;
  }
  return false;
}

// Every channel that brings the thread records carries them at one size.
bool RateSolver::reads_one_size(int i) const {
  const Thread& t = net_.threads[i];
  for (int k = 0; k < t.ins; ++k) {
    const int q = net_.in_flows[t.first_in + k];
    if (r_.inflow[q] > 0 && net_.flows[q].size_cv > 0) return false;
  }
  return true;
}

void RateSolver::classify(const Conditions& c) {
  r_.locked = false;
  for (std::size_t i = 0; i < net_.threads.size(); ++i) r_.cpu[i] = r_.take[i] * net_.threads[i].cost;
  for (std::size_t tm = 0; tm < net_.threads_on.size(); ++tm) {
    const auto& on = net_.threads_on[tm];
    const int n = static_cast<int>(on.size());
    // Paced threads (pace), on a TaskManager whose cores cap some of them; elsewhere the cores are
    // shared as the other threads were measured at buffer level, fed at random. The same for
    // every way of lining the threads up below.
    pacing_ = false;
    if (tm_level_[tm] < kUnbounded)
      for (const int i : on) pacing_ |= always_runnable(i);
    if (pacing_) pace(c, tm);
    auto& off = r_.off[tm];
    off = {};
    off[kBusyHigh] = blended_shares(c, tm, false);
    // Near the limit but below it: a TaskManager whose cores cap a thread is back-pressured, a
    // regime that agrees (fluid_agreement_test, CPU contention, sources that take turns).
    double used = 0;
    bool capped = false;
    for (int k = 0; k < n; ++k) {
      used += r_.cpu[on[k]];
      capped |= demand_[k] >= 1;
    }
    const bool near_limit = !capped && used >= kLoadedCores * net_.cores[tm];
    // Short buffer timeouts where the threads line up in ways not modelled (sim/README.md): a zero
    // timeout, whose producers' busy spells are their consumers' arrivals, from kTandemCores on
    // (from 80% the near-limit caveat says more); a thread that follows a group's batches of
    // (kShortTimeoutFrom, kShortTimeoutTo].
    const Nanos timeout = net_.params.buffer_timeout;
    const bool tandem =
        timeout == 0 && !capped && !near_limit && used >= kTandemCores * net_.cores[tm];
    const bool short_batches =
        !near_limit && timeout > kShortTimeoutFrom && timeout <= kShortTimeoutTo;
    double lock = 0, weight = 0;  // the lock time of its Together groups, weighted by their CPU
    for (int k = 0; k < n; ++k) {
      const bool waits = share_[k] - demand_[k] >= 0.01;
      if (near_limit && waits) off[kNearLimit] = 1;
      if (waits && tandem) off[kZeroTimeout] = 1;
      if (waits && timeout == 0 && group_[k] >= 0 && members_[group_[k]] > 1 &&
          coupling_[group_[k]] == Coupling::Together)
        off[kBroadcastZero] = 1;
      if (waits && short_batches && follows_[k].group >= 0 && follows_[k].share > 0)
        off[kShortTimeout] = 1;
      if (waits && timeout > 0 && !near_limit && reads_full_segments(k, tm)) off[kFullSegments] = 1;
      if (waits && timeout > 0 && !near_limit && !off[kGroupedWriters] &&
          reads_grouped_writers(k, tm))
        off[kGroupedWriters] = 1;
      if (waits && timeout > 0 && !near_limit &&
          ((timeout <= kShortTimeoutFrom && net_.cores[tm] < kFewCoresUnder) ||
           net_.cores[tm] < kOneCoreUnder))
        off[kFewCores] = 1;
      r_.busy[on[k]] = share_[k];
      // The speed while runnable, as the latency estimate's service time needs it.
      r_.speed[on[k]] = share_[k] > 0 ? std::min(1.0, r_.cpu[on[k]] / share_[k]) : std::min(1.0, tm_level_[tm]);
      r_.busy_locked[on[k]] = share_[k];
      if (share_[k] - demand_[k] >= 0.01 && segments_[k].per_tick > 0 && reads_routed(on[k]))
        off[kRoutedEnds] = 1;
      if (!parting_ || group_[k] < 0 || members_[group_[k]] < 2 ||
          coupling_[group_[k]] != Coupling::Together)
        continue;
      if (const double l = lock_time(on[k]); l > 0) {
        lock += r_.cpu[on[k]] * l;
        weight += r_.cpu[on[k]];
      }
    }
    r_.lock_time[tm] = weight > 0 ? lock / weight : 0;
    r_.locked |= weight > 0;
    if (!(weight > 0)) continue;
    // The caveats are the parted solve's: in step, records whose sizes vary still do not come in
    // lumps (no caveat's case: sim/README.md).
    blended_shares(c, tm, true);
    for (int k = 0; k < n; ++k) r_.busy_locked[on[k]] = share_[k];
  }
  for (std::size_t i = 0; i < net_.threads.size(); ++i) {
    r_.backpressured[i] = blocked(static_cast<int>(i)) ? 1.0 - r_.busy[i] : 0.0;
  }
}

// Three or more back-pressured threads that the same consumers release neither take turns nor run
// independently of each other (sim/README.md, "Threads that take turns"): their busy time is read
// kTurnsToIndependent of the way from the one to the other. Not when one consumer releases them
// all: it frees their buffers one at a time, and they take turns.
bool RateSolver::blended_shares(const Conditions& c, std::size_t tm, bool in_step) {
  const int n = static_cast<int>(net_.threads_on[tm].size());
  const int mode = in_step ? kInStep : 0;
  bool taking_turns = false;
  const bool high = share_cores(c, tm, mode, taking_turns);
  if (!taking_turns) return high;
  std::copy(share_.begin(), share_.begin() + n, turns_share_.begin());
  share_cores(c, tm, mode | kTurnsApart, taking_turns);
  for (int k = 0; k < n; ++k)
    share_[k] = turns_share_[k] + kTurnsToIndependent * (share_[k] - turns_share_[k]);
  return high;
}

// drive_ ← per thread, the share of its records that threads of TaskManager `tm` capped by its
// cores write, directly or through any threads (sim/core_sharing.h, paced): those come at the
// speed the cores give their writer, so they come slower where more threads are runnable. A thread
// of another TaskManager passes them on a record's service later, which the pacing outlasts: a
// TaskManager's runnable count changes at its threads' records, not faster. A back-pressured
// thread is woken by its readers instead, as they free buffers: paced as they are. Threads in
// thread order, a topological one: the back-pressured ones backwards from their readers, then the
// others forwards again.
void RateSolver::pace(const Conditions& c, std::size_t tm) {
  const std::size_t nt = net_.threads.size();
  const auto pacer = [&](std::size_t i) {
    return net_.threads[i].taskmanager == static_cast<int>(tm) &&
           always_runnable(static_cast<int>(i));
  };
  const auto from_inputs = [&](std::size_t i) {
    const Thread& t = net_.threads[i];
    double paced = 0, total = 0;
    for (int k = 0; k < t.ins; ++k) {
      const int q = net_.in_flows[t.first_in + k];
      total += r_.drain[q];
      paced += r_.drain[q] * drive_[net_.flows[q].from];
    }
    return total > 0 ? paced / total : 0.0;
  };
  const auto from_releasers = [&](std::size_t i) {
    const Thread& t = net_.threads[i];
    double paced = 0, total = 0;
    for (int k = 0; k < t.outs; ++k) {
      const int q = net_.out_flows[t.first_out + k];
      if (!c.flow_full[q]) continue;
      total += r_.drain[q];
      paced += r_.drain[q] * drive_[net_.flows[q].to];
    }
    return total > 0 ? paced / total : 0.0;
  };
  const auto woken_by_readers = [&](std::size_t i) {
    return !pacer(i) && blocked(static_cast<int>(i));
  };
  for (std::size_t i = 0; i < nt; ++i)
    drive_[i] = pacer(i) ? 1.0 : woken_by_readers(i) ? 0.0 : from_inputs(i);
  for (std::size_t i = nt; i-- > 0;)
    if (woken_by_readers(i)) drive_[i] = from_releasers(i);
  for (std::size_t i = 0; i < nt; ++i)
    if (!pacer(i) && !woken_by_readers(i)) drive_[i] = from_inputs(i);
}

bool RateSolver::share_cores(const Conditions& c, std::size_t tm, int mode, bool& taking_turns) {
  const bool in_step = mode & kInStep;
  auto& key = sharing_key_[mode][tm];
  auto& shares = sharing_shares_[mode][tm];
  const auto& on = net_.threads_on[tm];
  const int n = static_cast<int>(on.size());
  int groups = 0;
  // Threads of one group: released by the same consumer (take turns) or woken by the same
  // producer's flush (together); group_key_ holds (coupling, that thread) per group.
  const auto join = [&](int k, Coupling coupling, int key_thread) {
    for (int g = 0; g < groups; ++g)
      if (coupling_[g] == coupling && group_key_[g] == key_thread) {
        group_[k] = g;
        return;
      }
    coupling_[groups] = coupling;
    group_key_[groups] = key_thread;
    group_[k] = groups++;
  };
  for (int k = 0; k < n; ++k) {
    const int i = on[k];
    // A thread whose rate its CPU share caps is runnable all the time (busy 1 whatever the
    // overlap).
    const bool cpu_bound = capped(i);
    demand_[k] = cpu_bound ? 1.0 : r_.cpu[i];  // 1 exactly where always_runnable
    group_[k] = -1;
    spread_[k] = 0;
    segments_[k] = SegmentEnds{};
    if (cpu_bound) continue;
    if (const int releaser = local_releaser(c, i); releaser >= 0)
      join(k, Coupling::TakeTurns, releaser);
    else if (const int waker = flush_waker(i, in_step, spread_[k], segments_[k]); waker >= 0)
      join(k, Coupling::Together, waker);
  }
  // A thread alone in its group lines up with nobody (core_sharing.h): it may follow a group.
  std::fill(members_.begin(), members_.begin() + n, 0);
  for (int k = 0; k < n; ++k)
    if (group_[k] >= 0) ++members_[group_[k]];
  taking_turns = false;
  for (int k = 0; k < n; ++k) {
    const int g = group_[k];
    if (g < 0 || coupling_[g] != Coupling::TakeTurns || members_[g] < 3 ||
        released_by_one(c, on[k]))
      continue;
    taking_turns = true;
    if (mode & kTurnsApart) group_[k] = -1;  // each on its own, independent of the others
  }
  for (int k = 0; k < n; ++k) {
    const bool alone = (group_[k] < 0 || members_[group_[k]] < 2) && demand_[k] < 1;
    follows_[k] = alone ? follows(on[k], tm) : Following{};
    dealing_[k] = alone ? dealt_to(on[k]) : Dealing{};
    paced_[k] = alone && pacing_ ? drive_[on[k]] : 0.0;
  }
  // The same inputs as this TaskManager's last solve (most events change a few TaskManagers' rates
  // only): the same shares, without solving again.
  bool same = true;
  for (int k = 0; k < n; ++k) {
    const SegmentEnds& ends = segments_[k];
    const double in[kKeyFields] = {
        demand_[k],
        static_cast<double>(group_[k]),
        group_[k] >= 0 ? static_cast<double>(coupling_[group_[k]]) : -1.0,
        spread_[k],
        ends.per_tick,
        static_cast<double>(follows_[k].group),
        follows_[k].share,
        follows_[k].cycle,
        follows_[k].buffer_work,
        static_cast<double>(dealing_[k].deal),
        static_cast<double>(dealing_[k].channels),
        static_cast<double>(dealing_[k].producers),
        paced_[k]};
    for (int f = 0; f < kKeyFields; ++f) {
      same &= key[kKeyFields * k + f] == in[f];
      key[kKeyFields * k + f] = in[f];
    }
  }
  if (same) {
    std::copy(shares.begin(), shares.end(), share_.begin());
  } else {
    sharing_.solve(demand_.data(), group_.data(), coupling_.data(), spread_.data(), n,
                   net_.cores[tm], share_.data(), segments_.data(), follows_.data(),
                   dealing_.data(), paced_.data());
    std::copy(share_.begin(), share_.begin() + n, shares.begin());
  }
  bool high = false;
  for (int k = 0; k < n; ++k) {
    if (share_[k] - demand_[k] < 0.01) continue;  // does not wait for a core
    const int g = group_[k];
    const bool grouped = g >= 0 && members_[g] > 1;
    if (grouped && coupling_[g] == Coupling::Together && segments_[k].per_tick >= 2 &&
        reads_one_size(on[k]))
      high = true;
    if (!grouped && follows_in_lumps(k, tm)) high = true;
  }
  return high;
}

}  // namespace flinksim::sim::fluid
