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
// A thread's inputs to its TaskManager's core-sharing solve: its demand, group, coupling, spread,
// of its FullBuffers at_tick, buffers, per_buffer, jitter and the deferred flush's delay (the rest
// follows from these and the thread's cost), and whom it follows: group, share, cycle and buffer's
// work.
constexpr int kKeyFields = 14;

// The standard normal's density and distribution function.
double normal_pdf(double x) { return std::exp(-x * x / 2) / std::sqrt(2 * std::acos(-1.0)); }
double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

// The records a channel brings over one buffer timeout.
double records_a_tick(double inflow, Nanos timeout) { return inflow * static_cast<double>(timeout) * 1e-9; }

// Whether n ~ Poisson(per_tick) records stay a buffer of r short by two standard deviations.
bool under_a_buffer(double per_tick, double r) { return per_tick + 2 * std::sqrt(per_tick) < r; }

// Whether a tick of the output flusher ships a hash or random channel's records: only while the
// count over a tick (about Poisson) stays a buffer's worth short by two standard deviations.
bool tick_ships_all(const Flow& f, double inflow, Nanos timeout) {
  return timeout > 0 && under_a_buffer(records_a_tick(inflow, timeout), f.records_per_buffer);
}

// The share of a channel's records that leave in full buffers, n ~ Poisson(per_tick) records a tick
// in buffers of r (the tick ships n mod r): 1 − E[n mod r] ÷ per_tick, E[n mod r] = per_tick −
// r · Σ_k P(n ≥ k r), or r ÷ 2 once n spreads over more than a buffer.
double in_full_buffers(double per_tick, double r) {
  if (under_a_buffer(per_tick, r)) return 0;
  const double sd = std::sqrt(per_tick);
  if (sd > r) return 1 - r / 2 / per_tick;
  double filled = 0;  // E[⌊n ÷ r⌋]
  for (int k = 1; k * r <= per_tick + 5 * sd; ++k)
    filled += k * r < per_tick - 5 * sd ? 1.0 : 0.5 * std::erfc((k * r - 0.5 - per_tick) / (sd * std::sqrt(2.0)));
  return std::min(1.0, r * filled / per_tick);
}

// Whether a dealt channel fills a buffer between ticks: its count a tick is the producer's spread
// evenly, so it does once the mean reaches a buffer.
bool dealt_past_tick(const Flow& f, double inflow, Nanos timeout) {
  return timeout > 0 && records_a_tick(inflow, timeout) >= f.records_per_buffer;
}

// A channel that brings n ~ Poisson(per_tick) records a tick in buffers of r: the k-th full
// buffer fills after k·r records, k·r ÷ per_tick into the tick, give or take √(k·r) ÷ per_tick,
// if n reaches k·r (only the last one may not: n stays within a few √per_tick ≤ r ÷ 9 of its
// mean), and the tick ships the rest. Past r ÷ 9 buffers a tick the later ones are as far apart as
// buffers come (their spread a third of the time between them), and past 32 they overlap the
// neighbouring buffers' batches, which the events leave out (8 s timeouts in sim/README.md's
// table: 36 ms/s too idle): none counts as in step (buffers < 0, the thread is left independent).
// That also bounds the events a solve integrates.
FullBuffers full_buffers(double per_tick, double r, double cost_cv2) {
  FullBuffers full;
  const double sd = std::sqrt(per_tick);
  if (per_tick / r > std::min(r / 9, 32.0)) {
    full.buffers = -1;
    return full;
  }
  full.buffers = static_cast<int>(std::floor((per_tick + 4 * sd) / r));
  if (full.buffers == 0) return full;  // all with the tick
  const double last = 0.5 * std::erfc((full.buffers * r - 0.5 - per_tick) / (sd * std::sqrt(2.0)));
  full.per_buffer = r / per_tick;
  full.last = last;
  full.jitter = std::sqrt(r) / per_tick;
  full.buffer_spread = std::sqrt(cost_cv2 / r);
  full.at_tick = std::max(0.0, 1 - full.per_buffer * (full.buffers - 1 + last));
  full.fill_gap = 1 - full.buffers * full.per_buffer;
  full.fill_sd = std::sqrt(static_cast<double>(full.buffers)) * full.jitter;
  // The last buffer, when it may fill within three standard deviations of the next tick, lands
  // with that tick's batch: one batch, which starts at min(X, 0), X ~ N(−gap, late²) the buffer's
  // fill time from the tick (the tick ships what has not filled), taken as a normal of that mean
  // and standard deviation.
  const double gap = 1 - full.buffers * full.per_buffer, late = std::sqrt(static_cast<double>(full.buffers)) * full.jitter;
  if (gap < 3 * late) {
    const double a = gap / late, below = normal_cdf(a),  // P(X < 0)
        density = normal_pdf(a);
    const double mean = -gap * below - late * density;
    const double square = (gap * gap + late * late) * below + gap * late * density;
    full.at_tick += last * full.per_buffer;
    full.tick_offset = mean;
    full.tick_jitter = std::sqrt(std::max(0.0, square - mean * mean));
    --full.buffers;
    full.last = 1;
  }
  return full;
}

// Flink's PipelinedSubpartition.flush with a finished buffer still queued or being read: the
// tick only requests the flush, and the channel starts over when its reader takes the partial
// buffer. The last full buffer fills at X ~ N(−fill_gap, fill_sd²) from the tick and is read for
// b = buffer_work ÷ speed: the tick is deferred when −b < X < 0, and the channel starts over X + b
// after the tick instead of at it. Sets the mean and spread of that delay (0 when not deferred).
void defer_flush(FullBuffers& full, double speed) {
  full.reset_offset = full.reset_jitter = 0;
  if (full.buffer_work <= 0 || full.fill_sd <= 0 || speed <= 0) return;
  const double b = full.buffer_work / speed, mu = -full.fill_gap, sd = full.fill_sd;
  const double a = (-b - mu) / sd, z = (0 - mu) / sd;
  const double p = normal_cdf(z) - normal_cdf(a);  // P(−b < X < 0)
  if (p < 1e-12) return;
  // the truncated normal's first two moments, then Y = X + b
  const double pa = normal_pdf(a), pz = normal_pdf(z);
  const double mean_x = mu + sd * (pa - pz) / p;
  const double square_x = mu * mu + sd * sd * (1 + (a * pa - z * pz) / p) + 2 * mu * sd * (pa - pz) / p;
  const double mean_y = mean_x + b, square_y = square_x + 2 * b * mean_x + b * b;
  full.reset_offset = p * mean_y;
  full.reset_jitter = std::sqrt(std::max(0.0, p * square_y - full.reset_offset * full.reset_offset));
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

RateSolver::RateSolver(const Network& net) : net_(net) {
  const std::size_t nt = net.threads.size(), nf = net.flows.size();
  for (auto* v : {&r_.take, &r_.offer, &r_.want, &r_.bp_cap, &r_.cpu_cap, &r_.cpu, &r_.speed, &r_.busy,
                  &r_.backpressured})
    v->assign(nt, 0.0);
  previous_.assign(nt, 0.0);
  r_.inflow.assign(nf, 0.0);
  r_.drain.assign(nf, 0.0);
  r_.busy_high.assign(net.cores.size(), 0);
  r_.busy_low.assign(net.cores.size(), 0);
  std::size_t widest = nt;
  for (const auto& t : net.threads) widest = std::max(widest, static_cast<std::size_t>(t.ins));
  demand_.assign(widest, 0.0);
  share_.assign(widest, 0.0);
  order_.assign(widest, 0);
  group_.assign(widest, -1);
  spread_.assign(widest, 0.0);
  full_.assign(widest, FullBuffers{});
  follows_.assign(widest, Following{});
  members_.assign(widest, 0);
  local_.assign(nt, 0);
  for (const auto& on : net.threads_on)
    for (std::size_t k = 0; k < on.size(); ++k) local_[on[k]] = static_cast<int>(k);
  group_key_.assign(widest, -1);
  coupling_.assign(widest, Coupling::Together);
  tm_level_.assign(net.cores.size(), kUnbounded);
  for (const auto& on : net.threads_on) {
    sharing_key_.emplace_back(kKeyFields * on.size(), std::numeric_limits<double>::quiet_NaN());  // NaN: never equal
    sharing_shares_.emplace_back(on.size(), 0.0);
  }
}

const Rates& RateSolver::solve(const Conditions& c) {
  const std::size_t nt = net_.threads.size();
  std::fill(r_.bp_cap.begin(), r_.bp_cap.end(), kUnbounded);
  for (std::size_t i = 0; i < nt; ++i) {
    const double cost = net_.threads[i].cost;
    r_.cpu_cap[i] = cost > 0 ? 1.0 / cost : kMaxRate;  // a core each until shares say otherwise
  }
  r_.passes = 0;
  for (int pass = 0; pass < kMaxPasses; ++pass) {
    double moved = 0;
    previous_ = r_.take;  // same size: no allocation
    forward(c);
    backward(c);
    cpu_shares();
    for (std::size_t i = 0; i < nt; ++i)
      moved = std::max(moved, std::abs(r_.take[i] - previous_[i]) / (1.0 + std::abs(r_.take[i])));
    r_.passes = pass + 1;
    if (pass > 0 && moved <= 1e-12) break;
  }
  forward(c);  // takes and drains consistent with the final caps
  classify(c);
  return r_;
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

void RateSolver::cpu_shares() {
  for (std::size_t tm = 0; tm < net_.threads_on.size(); ++tm) {
    const auto& on = net_.threads_on[tm];
    const int n = static_cast<int>(on.size());
    for (int k = 0; k < n; ++k) {
      const Thread& t = net_.threads[on[k]];
      demand_[k] = t.cost > 0 ? std::min(1.0, r_.want[on[k]] * t.cost) : 0.0;
    }
    tm_level_[tm] = water_fill(demand_.data(), share_.data(), n, net_.cores[tm], 1.0, order_.data());
    for (int k = 0; k < n; ++k) {
      const Thread& t = net_.threads[on[k]];
      r_.cpu_cap[on[k]] = t.cost > 0 ? share_[k] / t.cost : kMaxRate;
    }
  }
}

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

// The producer whose output flush wakes a thread: the lowest of its producers, when every channel
// that brings it records hands them over with the producer's other channels — dealt in turn (their
// buffers fill at the same moment), shipped at the output flusher's tick, or filled in step after
// it (every channel the tick emptied) — or −1. The consumers
// of one producer's flush are runnable together (sim/core_sharing.h); `spread` is how much their
// batches' work varies, `full` how much of it comes in full buffers between ticks (hash and random
// channels that carry about a buffer a tick or more). A zero timeout ships each record alone; a
// disabled one only full buffers, which a dealt partition still fills together and a hash one
// fills apart.
int RateSolver::flush_waker(int i, double& spread, FullBuffers& full) const {
  const Thread& t = net_.threads[i];
  const Nanos timeout = net_.params.buffer_timeout;
  if (t.source || t.ins == 0 || timeout == 0 || blocked(i)) return -1;
  int waker = -1;
  double records = 0, count_variance = 0;
  int batches = 0, past = 0;  // channels, and of them those that fill buffers between ticks
  double per_tick = 0, per_buffer = 0;
  for (int k = 0; k < t.ins; ++k) {
    const int q = net_.in_flows[t.first_in + k];
    const Flow& f = net_.flows[q];
    if (!(r_.inflow[q] > 0)) continue;
    waker = waker < 0 ? f.from : std::min(waker, f.from);
    if (!f.dealt) count_variance = 1;
    ++batches;
    if (!f.dealt && !tick_ships_all(f, r_.inflow[q], timeout)) {
      if (timeout < 0) return -1;  // only full buffers leave, each when it fills
      ++past;
      per_tick += records_a_tick(r_.inflow[q], timeout);
      per_buffer += f.records_per_buffer;
      continue;
    }
    records += records_per_flush(f, net_.params, r_.inflow[q]);
  }
  if (past > 0) {
    // Every channel past a buffer a tick (a mix with channels the tick empties is left
    // independent): the tick empties them all, so the next full buffers of each fill in step.
    if (past < batches) return -1;
    per_tick /= past;
    per_buffer /= past;
    full = full_buffers(per_tick, per_buffer, t.cost_cv2);
    if (full.buffers < 0) return -1;
    full.buffer_work = t.cost * per_buffer / (static_cast<double>(timeout) * 1e-9);
    records = full.at_tick * per_tick * batches;  // what the tick ships, on average
  }
  // A batch of n records costs n · cost, n about Poisson unless dealt: its spread is
  // √((cv² of a record's cost + the count's) ÷ n).
  if (batches > 0) spread = std::sqrt((t.cost_cv2 + count_variance) / std::max(1.0, records / batches));
  return waker;
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
                                      : in_full_buffers(records_a_tick(r_.inflow[q], timeout), from.records_per_buffer);
      share += r_.inflow[q] * full / total;
    }
    if (share > best.share) {
      best = Following{g, share};
      // The group's spells: one per batch from each producer, a tick's or, sooner, a full buffer's
      // (every buffer is a batch event of the group then: flush_waker, full_buffers).
      const Thread& member = net_.threads[f.from];
      double batches = 0;  // a second
      for (int j = 0; j < member.ins; ++j) {
        const int q = net_.in_flows[member.first_in + j];
        if (!(r_.inflow[q] > 0)) continue;
        const double per_buffer = net_.flows[q].records_per_buffer / r_.inflow[q];
        batches += 1 / (timeout > 0 ? std::min(static_cast<double>(timeout) * 1e-9, per_buffer) : per_buffer);
      }
      best.cycle = batches > 0 ? 1 / batches : 0;
      best.buffer_work = t.cost * f.records_per_buffer;
    }
  }
  return best;
}

// Flink's deferred flush on a dealt channel that fills a buffer between ticks: its buffers fill
// together, the last ⌊n ÷ r⌋-th one gap before the tick, and the tick finds it still being read
// when gap < its work ÷ speed. Buffer level then shows the consumers falling into sets that take
// turns, which the fluid level does not model (sim/README.md).
bool RateSolver::dealt_flush_deferred(int i, double speed) const {
  const Thread& t = net_.threads[i];
  const Nanos timeout = net_.params.buffer_timeout;
  if (timeout <= 0 || speed <= 0) return false;
  for (int k = 0; k < t.ins; ++k) {
    const int q = net_.in_flows[t.first_in + k];
    const Flow& f = net_.flows[q];
    if (!f.dealt || !(r_.inflow[q] > 0) || !dealt_past_tick(f, r_.inflow[q], timeout)) continue;
    const double per_tick = records_a_tick(r_.inflow[q], timeout);
    const double gap = (per_tick - std::floor(per_tick / f.records_per_buffer) * f.records_per_buffer) / r_.inflow[q];
    if (gap < t.cost * f.records_per_buffer / speed) return true;
  }
  return false;
}

// A hash or random channel that brings six buffers a tick or more: the in-step events spread
// further than the threads do (sim/README.md: 6–12% too idle from 2 s timeouts at 16k/s).
bool RateSolver::many_full_buffers(int i) const {
  const Thread& t = net_.threads[i];
  const Nanos timeout = net_.params.buffer_timeout;
  if (t.source || timeout <= 0) return false;
  for (int k = 0; k < t.ins; ++k) {
    const int q = net_.in_flows[t.first_in + k];
    const Flow& f = net_.flows[q];
    if (!f.dealt && records_a_tick(r_.inflow[q], timeout) >= 6 * f.records_per_buffer) return true;
  }
  return false;
}

void RateSolver::classify(const Conditions& c) {
  for (std::size_t i = 0; i < net_.threads.size(); ++i) r_.cpu[i] = r_.take[i] * net_.threads[i].cost;
  for (std::size_t tm = 0; tm < net_.threads_on.size(); ++tm) {
    const auto& on = net_.threads_on[tm];
    const int n = static_cast<int>(on.size());
    int groups = 0;
    // Threads of one group: released by the same consumer (take turns) or woken by the same
    // producer's flush (together); group_key_ holds (coupling, that thread) per group.
    const auto join = [&](int k, Coupling coupling, int key) {
      for (int g = 0; g < groups; ++g)
        if (coupling_[g] == coupling && group_key_[g] == key) {
          group_[k] = g;
          return;
        }
      coupling_[groups] = coupling;
      group_key_[groups] = key;
      group_[k] = groups++;
    };
    for (int k = 0; k < n; ++k) {
      const int i = on[k];
      // A thread whose rate its CPU share caps is runnable all the time (busy 1 whatever the overlap).
      const bool cpu_bound = net_.threads[i].cost > 0 && r_.cpu_cap[i] < r_.want[i] * (1 - 1e-9);
      demand_[k] = cpu_bound ? 1.0 : r_.cpu[i];
      group_[k] = -1;
      spread_[k] = 0;
      full_[k] = FullBuffers{};
      if (cpu_bound) continue;
      if (const int releaser = local_releaser(c, i); releaser >= 0) join(k, Coupling::TakeTurns, releaser);
      else if (const int waker = flush_waker(i, spread_[k], full_[k]); waker >= 0) join(k, Coupling::Together, waker);
    }
    // A thread alone in its group lines up with nobody (core_sharing.h): it may follow a group.
    std::fill(members_.begin(), members_.begin() + n, 0);
    for (int k = 0; k < n; ++k)
      if (group_[k] >= 0) ++members_[group_[k]];
    // The speed of a Together group's threads while all of them run.
    const auto all_running = [&](int k) { return std::min(1.0, net_.cores[tm] / members_[group_[k]]); };
    // Full buffers in step: whether the tick finds the last one still being read.
    for (int k = 0; k < n; ++k)
      if (group_[k] >= 0 && coupling_[group_[k]] == Coupling::Together && full_[k].buffers >= 0)
        defer_flush(full_[k], all_running(k));
    for (int k = 0; k < n; ++k)
      follows_[k] = (group_[k] < 0 || members_[group_[k]] < 2) && demand_[k] < 1 ? follows(on[k], tm) : Following{};
    // The same inputs as this TaskManager's last solve (most events change a few TaskManagers' rates
    // only): the same shares, without solving again.
    auto& key = sharing_key_[tm];
    auto& shares = sharing_shares_[tm];
    bool same = true;
    for (int k = 0; k < n; ++k) {
      const FullBuffers& fb = full_[k];
      const double in[kKeyFields] = {demand_[k],
                                     static_cast<double>(group_[k]),
                                     group_[k] >= 0 ? static_cast<double>(coupling_[group_[k]]) : -1.0,
                                     spread_[k],
                                     fb.at_tick,
                                     static_cast<double>(fb.buffers),
                                     fb.per_buffer,
                                     fb.jitter,
                                     fb.reset_offset,
                                     fb.reset_jitter,
                                     static_cast<double>(follows_[k].group),
                                     follows_[k].share,
                                     follows_[k].cycle,
                                     follows_[k].buffer_work};
      for (int f = 0; f < kKeyFields; ++f) {
        same &= key[kKeyFields * k + f] == in[f];
        key[kKeyFields * k + f] = in[f];
      }
    }
    if (same) {
      std::copy(shares.begin(), shares.end(), share_.begin());
    } else {
      sharing_.solve(demand_.data(), group_.data(), coupling_.data(), spread_.data(), n, net_.cores[tm], share_.data(),
                     full_.data(), follows_.data());
      std::copy(share_.begin(), share_.begin() + n, shares.begin());
    }
    r_.busy_high[tm] = r_.busy_low[tm] = 0;
    for (int k = 0; k < n; ++k) {
      if (share_[k] - demand_[k] >= 0.01) {  // waits for a core
        const bool together = group_[k] >= 0 && coupling_[group_[k]] == Coupling::Together && members_[group_[k]] > 1;
        if (together && dealt_flush_deferred(on[k], all_running(k)))
          r_.busy_high[tm] = 1;
        if (many_full_buffers(on[k])) r_.busy_low[tm] = 1;
      }
      r_.busy[on[k]] = share_[k];
      // The speed while runnable, as the latency estimate's service time needs it.
      r_.speed[on[k]] = share_[k] > 0 ? std::min(1.0, r_.cpu[on[k]] / share_[k]) : std::min(1.0, tm_level_[tm]);
    }
  }
  for (std::size_t i = 0; i < net_.threads.size(); ++i) {
    r_.backpressured[i] = blocked(static_cast<int>(i)) ? 1.0 - r_.busy[i] : 0.0;
  }
}

}  // namespace flinksim::sim::fluid
