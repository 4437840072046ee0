#include "sim/core_sharing.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

namespace flinksim::sim {

// G(u) = u · Q((c − ln u) ÷ s) − v · e^(s²) · Q((c − ln u) ÷ s + s), c = ln v + s² ÷ 2, Q the
// normal tail: d/du of G is P(L > v ÷ u) for L lognormal with mean 1, so the share of batches
// U · L (U uniform over [lo, hi]) with more than v is (G(hi) − G(lo)) ÷ (hi − lo).
BatchLeft::BatchLeft(double lo, double hi, double cv2) : lo_(lo), hi_(hi), cv2_(cv2) {
  if (hi <= 0 || cv2 <= 0) return;  // none, or uniform: exact without a table
  const double s2 = std::log1p(cv2), s = std::sqrt(s2), e_s2 = std::exp(s2);
  const auto tail = [](double z) { return 0.5 * std::erfc(z * 0.7071067811865476); };
  // From where 1 in 1000 batches has ended to where 1 in 1000 has not: P(lo · L < bottom) and
  // P(hi · L > top) are 1e−3.
  bottom_ = lo * std::exp(-3.0902 * s - s2 / 2);
  top_ = hi * std::exp(3.0902 * s - s2 / 2);
  for (int q = 0; q < kKnots; ++q) {
    const double v = knot(q);
    if (v <= 0) {
      table_[q] = 1;
      continue;
    }
    const double c = std::log(v) + s2 / 2;
    if (hi - lo <= 1e-12 * hi) {
      table_[q] = tail((c - std::log(hi)) / s);
      continue;
    }
    const auto g = [&](double u) {
      if (u <= 0) return 0.0;
      const double z = (c - std::log(u)) / s;
      return u * tail(z) - v * e_s2 * tail(z + s);
    };
    table_[q] = std::clamp((g(hi) - g(lo)) / (hi - lo), 0.0, 1.0);
  }
}

// The table's knots, square-spaced (closer together near bottom_).
double BatchLeft::knot(int q) const {
  const double x = static_cast<double>(q) / (kKnots - 1);
  return bottom_ + (top_ - bottom_) * x * x;
}

double BatchLeft::left(double v) const {
  if (hi_ <= 0) return 0.0;  // no batch
  if (top_ <= 0) return v >= hi_ ? 0.0 : v <= lo_ ? 1.0 : (hi_ - v) / (hi_ - lo_);
  if (v >= top_) return 0.0;  // fewer than 1 in 1000 batches left
  if (v <= bottom_) return 1.0;
  const double x = std::sqrt((v - bottom_) / (top_ - bottom_)) * (kKnots - 1);
  const int q = std::min(kKnots - 2, static_cast<int>(x));
  return table_[q] + (x - q) * (table_[q + 1] - table_[q]);
}

double BatchLeft::beyond(double d) const {
  if (hi_ <= 0) return 0.0;
  if (d <= 0) return mean() - d;
  if (top_ <= 0) {  // uniform over [lo, hi]
    if (d <= lo_) return mean() - d;
    return d >= hi_ ? 0.0 : (hi_ - d) * (hi_ - d) / (2 * (hi_ - lo_));
  }
  if (d >= top_) return 0.0;
  // The table's knots, trapezoids from d on (the part below bottom_ all left).
  double total = d < bottom_ ? bottom_ - d : 0.0;
  double from = std::max(d, bottom_), at = left(from);
  for (int q = 1; q < kKnots; ++q) {
    const double v = knot(q);
    if (v <= from) continue;
    total += (v - from) * (at + table_[q]) / 2;
    from = v;
    at = table_[q];
  }
  return total;
}

namespace {

// others[m] for m < k: the distribution of the k − 1 threads without the one runnable with p,
// from the distribution `all` of all k. Forward when p ≤ ½, backward otherwise (each is stable
// on its side).
void remove_thread(const double* all, int k, double p, double* others) {
  if (p <= 0.5) {
    const double q = 1 - p;
    double previous = 0;
    for (int m = 0; m < k; ++m) {
      previous = std::max(0.0, (all[m] - previous * p) / q);
      others[m] = previous;
    }
    return;
  }
  double next = 0;
  for (int m = k - 1; m >= 0; --m) {
    next = std::max(0.0, (all[m + 1] - next * (1 - p)) / p);
    others[m] = next;
  }
}

// The most a paced thread's unhurried busy share may be (its odds stay finite).
constexpr double kMostBusy = 0.999;

double core_share(double cores, int others) { return std::min(1.0, cores / static_cast<double>(1 + others)); }

// In place over n entries: dist ⊗ a group's count (entries 0..size). What would fall past n − 1
// cannot happen: the counts of k threads stay below k + 1.
void add_count(double* dist, int n, const double* count, int size) {
  for (int m = n - 1; m >= 0; --m) {
    double v = 0;
    for (int c = 0; c <= std::min(size, m); ++c) v += count[c] * dist[m - c];
    dist[m] = v;
  }
}

// The runnable count of a group whose shares (largest first) are b[0..size).
void group_count(Coupling coupling, const double* b, int size, double* count) {
  std::fill(count, count + size + 1, 0.0);
  if (size == 0) {
    count[0] = 1;
    return;
  }
  if (coupling == Coupling::TakeTurns) {  // ⌊S⌋, or ⌈S⌉ with probability S − ⌊S⌋
    double sum = 0;
    for (int j = 0; j < size; ++j) sum += b[j];
    const int low = std::min(size, static_cast<int>(std::floor(sum)));
    const double up = low == size ? 0.0 : sum - low;
    count[low] += 1 - up;
    if (low < size) count[low + 1] += up;
    return;
  }
  // Together: at least m runnable while t < b₍m₎, t uniform over the second.
  count[0] = 1 - b[0];
  for (int m = 1; m <= size; ++m) count[m] = b[m - 1] - (m < size ? b[m] : 0.0);
}

// P(the group has c runnable | a thread of share `mine` is runnable), c = 1..size.
void count_given(Coupling coupling, const double* b, int size, const double* count, double mine, double* given) {
  std::fill(given, given + size + 1, 0.0);
  if (coupling == Coupling::TakeTurns) {  // size-biased: c · P(c) / S
    double sum = 0;
    for (int c = 1; c <= size; ++c) sum += c * count[c];
    for (int c = 1; c <= size; ++c) given[c] = sum > 0 ? c * count[c] / sum : 0.0;
    if (sum <= 0) given[1] = 1;
    return;
  }
  // Together: while t < mine, c = #{b > t}; c runnable for t in [b₍c+1₎, b₍c₎).
  if (mine <= 0) {
    given[1] = 1;
    return;
  }
  for (int c = 1; c <= size; ++c) {
    const double top = std::min(b[c - 1], mine), bottom = c < size ? b[c] : 0.0;
    given[c] = std::max(0.0, top - bottom) / mine;
  }
}

// Together, when the batches spread: thread j's batch is w_j · L_j of work (w_j its CPU share per
// unit of time, L_j lognormal with mean 1 and coefficient of variation σ_j). The group's threads
// run at the same speed while they run (equal shares of the cores, at most one each), so they
// progress alike in work and end in the order of their batches: at work done v, those with
// more than v run: P(batch > v) = ½ erfc((ln v − ln w + s²/2) ÷ (s √2)), s² = ln(1 + σ²).
double batch_left(double v, double log_v, double log_median, double scale, double mean) {
  if (mean <= 0) return 0;
  if (scale == 0) return v < mean ? 1.0 : 0.0;
  return 0.5 * std::erfc((log_v - log_median) * scale);
}

// An independent thread's chance that the record it ends leaves its queue empty, while it runs at
// `speed` (u its CPU share, b its busy share). The product form's r_j takes 1 − b, the chance over
// the whole second; a queue that runs slowly while many run holds more then, and left long at one
// speed it would settle at 1 − u ÷ speed. Half of each (kExitLocal): measured at buffer level,
// 2 to 9 Poisson-fed threads on 1 to 4 cores at 70–93% (sim/README.md), within 1% but for 9 on 3
// cores at 85% and 93% (1.9% and 4.3% low); 1 − b alone read them up to 13% low. For two threads
// on a core it matches the exact chain within 1% (0.413 at 30% each, 0.777 at 45%).
constexpr double kExitLocal = 0.5;
double exit_chance(double u, double b, double speed) {
  return (1 - kExitLocal) * (1 - std::min(1.0, b)) + kExitLocal * std::max(0.0, 1 - u / speed);
}

// The product form's weight of an independent thread of CPU share u and busy share b:
// r ÷ (1 + r) with r = u ÷ (1 − b); 1 for a thread that never leaves the runnable set.
double untilted(double u, double b) {
  if (u <= 0) return 0;
  if (b >= 1) return 1;
  return u / (1 - b + u);
}

// phi[m] ∝ Φ_z(m) = Π_{l=1..m} 1 ÷ (speed(z + l) · exit[l]) for m = 0..free, scaled so that the
// largest of dist[m] · phi[m] is 1 (Φ grows like m! ÷ cores^m; the weights stay in range). Paced
// threads (`paced` of them, core_sharing.h) wake at the speed of the state they join: each step
// also has speed(z + l − 1)^paced.
void tilt(const double* dist, int free, double cores, int z, const double* exit, double paced,
          double* phi) {
  double log_phi = 0, top = -std::numeric_limits<double>::infinity();
  for (int m = 0; m <= free; ++m) {
    if (m > 0) log_phi -= std::log(core_share(cores, z + m - 1) * exit[m]);
    if (m > 0 && paced > 0 && z + m >= 2) log_phi += paced * std::log(core_share(cores, z + m - 2));
    phi[m] = log_phi;
    if (dist[m] > 0) top = std::max(top, std::log(dist[m]) + log_phi);
  }
  for (int m = 0; m <= free; ++m) phi[m] = std::exp(std::min(700.0, phi[m] - top));
}

// dist[0..size] ← the Poisson-binomial of p[0..size).
void poisson_binomial(const double* p, int size, double* dist) {
  std::fill(dist, dist + size + 1, 0.0);
  dist[0] = 1;
  for (int j = 0; j < size; ++j)
    for (int m = j + 1; m >= 0; --m) dist[m] = dist[m] * (1 - p[j]) + (m > 0 ? dist[m - 1] * p[j] : 0.0);
}

// I_x(a, b), the regularized incomplete beta function, for a whole a ≥ 1: 1 − P(N < a), N negative
// binomial (failures before the b-th success of chance 1 − x).
double incomplete_beta(double x, int a, double b) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  double term = std::pow(1 - x, b), below = term;
  for (int j = 1; j < a; ++j) {
    term *= (b + j - 1) / j * x;
    below += term;
  }
  return std::clamp(1 - below, 0.0, 1.0);
}

// The chance that a record dealt in turn finds its consumer runnable, b the consumer's busy share,
// dealt over g channels by n producers, its records' cost of squared coefficient of variation cv2
// (core_sharing.h Dealing). A producer's own records reach it g of that producer's records apart,
// a gap G of Erlang-g for Poisson arrivals, and find it busy when the one before, g records ago,
// is still there: σ = P(T > G), T that record's time at the consumer. For exponential costs (a
// GI/M/1 queue) T is exponential of mean S ÷ (1 − σ) (S the cost at its speed), so
// σ = (g·b ÷ (g·b + 1 − σ))^g. For other costs T is taken as gamma of the costs' cv2, its wait
// σ ÷ (1 − σ) of S scaled by (1 ÷ g + cv2) ÷ (1 ÷ g + 1) (Allen–Cunneen's GI/G/1 against GI/M/1),
// so σ = I_x(g, κ) with κ = 1 ÷ cv2 and x = g·b ÷ (g·b + κ ÷ (E[T] ÷ S)): the least root, by
// bisection. The other producers' records come at random times for it: b. Weighted 1 ÷ n and
// 1 − 1 ÷ n. Against a simulation of six consumers at a fixed speed (a temporary script, not kept),
// 20–60% busy, exponential, gamma (cv² 0.5, 0.25) or constant costs: within 0.02 with one producer
// (exponential exact: 0.028 at 20% to 0.392 at 60%; constant 0.002 to 0.174 against 0.182), up to
// 0.04 high with two and four (two, exponential, at 50%: 0.386 against 0.347), that is, a little
// nearer random than it is.
double dealt_found_busy(double b, int channels, int producers, double cv2) {
  b = std::clamp(b, 0.0, 0.999);
  if (channels < 2 || producers < 1 || b <= 0) return b;
  const double g = channels, gb = g * b;
  cv2 = std::max(cv2, 0.01);
  const double kappa = 1 / cv2, wait_scale = (1 / g + cv2) / (1 / g + 1);
  // P(T > G) − σ is positive at 0 and negative just below the least root: bisection.
  double lo = 0, hi = 1;
  for (int step = 0; step < 40; ++step) {
    const double mid = (lo + hi) / 2;
    const double sojourn = 1 + mid / (1 - mid) * wait_scale;  // E[T] ÷ S
    const double x = gb / (gb + kappa / sojourn);
    (incomplete_beta(x, channels, kappa) > mid ? lo : hi) = mid;
  }
  const double own = (lo + hi) / 2, n = producers;
  return own / n + (1 - 1 / n) * b;
}

// count[0..size] ∝ the weights of a deal's runnable count c, before the cores' tilt: a birth–death
// chain whose births are its records that find their consumer idle and whose deaths are spells
// that end. With a the deal's CPU share (its records' work a second at full speed) and σ the
// chance that a record finds its consumer busy, a spell ends with a record at rate 1 − σ over its
// cost, and a record finds its consumer busy, with c of `size` runnable, with chance θ · c ÷ size
// (θ of the records go as if at random, the rest to an idle consumer while there is one):
// count[c] = count[c − 1] · a · (1 − θ · (c − 1) ÷ size) ÷ (c · (1 − σ)). θ = 1 and σ = b are
// `size` threads fed at random, the product form's binomial; θ = 0 an M/M/size queue. With σ and
// θ measured in the simulation above, the chain reads its count within 0.006 of the time at every
// count (two producers, 40%: 0.063, 0.201, 0.290, 0.246, 0.136, 0.051, 0.013 of the time against
// 0.067, 0.199, 0.284, 0.245, 0.142, 0.053, 0.010).
void dealt_count(double a, double sigma, double theta, int size, double* count) {
  count[0] = 1;
  double total = 1;
  for (int c = 1; c <= size; ++c) {
    const double found = theta * static_cast<double>(c - 1) / size;
    count[c] = count[c - 1] * a * (1 - found) / (c * std::max(1e-12, 1 - sigma));
    total += count[c];
  }
  for (int c = 0; c <= size; ++c) count[c] /= total;
}

// A spread-out group over the work done v (midpoints of kBatchGrid steps, from 0 to where nearly
// every batch has ended), added to work[c] (the work with c running) and given[j·(size+1) + c] (the
// work with thread j and c in all running). Thread j's batch runs for w_j · L_j of work, all from
// the flush: the group's threads progress alike in work while they run, so a step of work dv with
// c running takes dv ÷ (their speed) of time, and the time shares follow from these and the speeds
// alone, which is all that changes from round to round. scratch: 3 · (size + 1) + 2 · size.
constexpr int kBatchGrid = 32;
void batch_work(const double* w, const double* sigma, int size, double* work, double* given, double* scratch) {
  double* p = scratch;
  double* all = scratch + (size + 1);
  double* others = scratch + 2 * (size + 1);
  double* log_median = scratch + 3 * (size + 1);  // ln w − s²/2
  double* scale = log_median + size;              // 1 ÷ (s √2); 0 for a batch that does not spread
  double hi = 0;
  for (int j = 0; j < size; ++j) {
    scale[j] = 0;
    double end = w[j];
    if (w[j] > 0 && sigma[j] > 0) {
      const double s2 = std::log1p(sigma[j] * sigma[j]);
      log_median[j] = std::log(w[j]) - s2 / 2;
      scale[j] = 1 / std::sqrt(2 * s2);
      end = std::exp(log_median[j] + 4 * std::sqrt(s2));  // all but 3·10⁻⁵ have ended
    }
    if (w[j] > 0) hi = std::max(hi, end);
  }
  if (!(hi > 0)) return;
  const double dv = hi / kBatchGrid;
  for (int step = 0; step < kBatchGrid; ++step) {
    const double v = (step + 0.5) * dv;
    for (int j = 0; j < size; ++j)
      p[j] = w[j] > 0 ? batch_left(v, std::log(v), log_median[j], scale[j], w[j]) : 0.0;
    poisson_binomial(p, size, all);
    for (int c = 1; c <= size; ++c) work[c] += all[c] * dv;
    for (int j = 0; j < size; ++j) {
      if (p[j] <= 0) continue;
      std::swap(p[j], p[size - 1]);  // the others: the first size − 1
      poisson_binomial(p, size - 1, others);
      std::swap(p[j], p[size - 1]);
      for (int c = 1; c <= size; ++c) given[j * (size + 1) + c] += p[j] * others[c - 1] * dv;
    }
  }
}

// A group whose threads also get segment ends at phases of their own (SegmentEnds), in time over
// a tick (length 1), thread j with work[j] of work a tick and ends[j] segment ends a tick (a; 0:
// none, all its work comes with the flush).
//  - The flush's batch. The last end x before the flush (x uniform over [0, 1 ÷ a)) shipped what
//    came since the end before it or the last flush; at its speed v the thread has done v · x of
//    that since, so with c = work ÷ v it is still at it for x < x* = min(c ÷ a, c ÷ (1 + c)). Then
//    the slice since that end comes on top of what is left, so the flush finds at least
//    work · x* to do, and up to a segment's work (work ÷ a), or the tick's (a < 1, where with
//    chance 1 − a no end came in the tick): buffer level (six workers, 3.6 ends a tick) found what
//    a flush had not yet started between 0.15 and 1 segment, never near 0 (the slice is small only
//    with the segment before it still queued). The batch is read as uniform over
//    [kFloor · work · x*, work ÷ a] (a < 1: the uniform of the same mean and variance as the
//    mixture), times the variation of its records' costs and count (spread[j]: a batch of a
//    record or two varies as much as a record's cost).
//  - The stream. The flush took what the segment held, so the first end after it ships only what
//    came since: the segment ends' work ramps up from 0 at the flush to work[j] a tick at 1 ÷ a
//    (buffer level: six workers ran 0.8 on average a tenth of a tick after the flush, 1.45 once
//    it had ramped up; spread evenly, the model read them 2–4% too busy at 50–200 ms). A thread
//    runs on a segment for its work ÷ its speed after it came (stream_share).
// While its batch lasts a thread runs; after it, the chance its stream keeps it running. The count
// at t is the Poisson-binomial of the threads' chances to run, and a running thread's speed is
// speed[c] at the count c it sees (the others' count, deconvolved out of the whole). Once every
// batch is worked off and every stream has ramped up, the threads are as the stream alone leaves
// them for the rest of the tick (in the product form, below), so only the start of the tick is
// followed step by step. Near the cores' limit a batch may outlast the tick: then, with the chance
// that it has, its mean rest comes before the next tick's batch, passes of the tick repeated until
// both settle (without it, 1 ms at 87% of the cores read six workers 12% low, at 95% 21%).
// Writes count[0..size] (time shares) and busy[j] (the time thread j is runnable); batch[j] (kept
// from the call before, if built for the same batch).
// scratch: 10 · (size + 1).
constexpr int kStreamSteps = 128;
constexpr int kCoarse = 8;
constexpr int kCarryPasses = 12;
// The batch's floor, as a share of work · x* (above): fitted to buffer level, hash channels of one
// record size at 0.6–1.7 segment ends a tick (six workers on three cores, 16k records/s, buffer
// timeouts of 150–400 ms, 4 seeds): with 0.85 the workers within 1% (−1.0, −0.9, +0.7, −0.2,
// +0.6%); with 1, 5% too busy at one end a tick, with 0.5, 7% too idle. The derivation's hard
// floor leaves out that a slice taken late (behind a queued segment, Flink's flushRequested)
// shortens the next segment's shipment. Made up to match.
constexpr double kFloor = 0.85;
void stream_profile(BatchLeft* batch, const double* work, const double* spread,
                    const SegmentEnds* ends, int size, const double* speed, double* count,
                    double* busy, double* scratch) {
  double* drained = scratch;  // work done on the batch since the flush
  double* p = drained + (size + 1);
  double* all = p + (size + 1);
  double* others = all + (size + 1);
  double* v = others + (size + 1);
  double* rest = v + (size + 1);  // the stream alone: each thread's chance to run
  double* rest_all = rest + (size + 1);
  double* carry = rest_all + (size + 1);
  double* carried = carry + (size + 1);
  double* phi = carried + (size + 1);
  // p ← the chances to run (batch left, else the stream's share at speed v); all ← their count;
  // v ← each thread's speed given the others.
  const auto settle_speeds = [&]() {
    poisson_binomial(p, size, all);
    for (int j = 0; j < size; ++j) {
      remove_thread(all, size, p[j], others);
      double at = 0, mass = 0;
      for (int m = 0; m < size; ++m) {
        at += others[m] * speed[m + 1];
        mass += others[m];
      }
      v[j] = mass > 0 ? at / mass : speed[1];
    }
  };
  const auto ramp = [&](int j) { return ends[j].per_tick; };
  const auto streams = [&](int j) { return ramp(j) > 0 && work[j] > 0; };
  // Thread j's segment ends' work at t into the tick.
  const auto stream_at = [&](int j, double at) {
    return streams(j) ? work[j] * std::min(1.0, ramp(j) * at) : 0.0;
  };
  // The end at s ships work · min(s, 1 ÷ a) (what came since the flush, or a whole segment), and
  // with c = work ÷ v the thread runs at t on ends in (t ÷ (1 + c), min(t, 1 ÷ a)] and
  // (max(1 ÷ a, t − c ÷ a), t]: c once t ≥ (1 + c) ÷ a (at: none given, the stream alone). What
  // it was working on at the flush is in the flush's batch instead.
  const auto stream_share = [&](int j, double at = -1) {
    if (!streams(j)) return 0.0;
    if (!(v[j] > 0)) return 1.0;
    const double c = work[j] / v[j], a = ramp(j);
    if (at < 0) return std::min(1.0, c);
    const double first = std::max(0.0, std::min(at, 1 / a) - at / (1 + c));
    const double later = std::max(0.0, at - std::max(1 / a, at - c / a));
    return std::min(1.0, a * (first + later));
  };
  const auto ramped_up = [&](double at) {
    for (int j = 0; j < size; ++j)
      if (streams(j) && v[j] > 0 && at < (1 + work[j] / v[j]) / ramp(j)) return false;
    return true;
  };
  // The stream alone: first independent presence, for the speeds (v) the batch starts from...
  std::fill(v, v + size, speed[1]);
  std::fill(p, p + size, 0.0);
  for (int round = 0; round < 100; ++round) {
    double moved = 0;
    for (int j = 0; j < size; ++j) {
      const double next = stream_share(j);
      moved = std::max(moved, std::abs(next - p[j]));
      p[j] = next;
    }
    settle_speeds();
    if (round > 0 && moved < 1e-12) break;
  }
  std::copy(p, p + size, rest);
  // ...then in the product form (core_sharing.h, Independent): a thread working on a segment slows
  // while others run and so stays runnable longer with them, which independent presence misses.
  // P(S) ∝ Π_{j∈S} r_j · Φ(|S|), r_j = work_j ÷ (1 − busy_j), Φ(m) = Π_{l≤m} 1 ÷ speed[l].
  // Measured at buffer level (six workers on three cores at 57% of them, 300 ms), the share of
  // the time with 0–6 running: 13.3, 30.1, 29.5, 16.1, 7.0, 2.5, 1.5%; this 12.5, 29.9, 30.0,
  // 16.5, 7.1, 2.4, 1.5%; independent presence 12.1, 29.9, 31.2, 17.7, 6.1, 1.6, 1.3%.
  phi[0] = 1;
  for (int m = 1; m <= size; ++m) phi[m] = phi[m - 1] / speed[m];
  for (int round = 0; round < 200; ++round) {
    for (int j = 0; j < size; ++j) {
      const double odds = (streams(j) ? work[j] : 0.0) / std::max(1e-12, 1 - rest[j]);
      drained[j] = odds / (1 + odds);  // as a chance, for the Poisson-binomial
    }
    poisson_binomial(drained, size, all);
    double norm = 0;
    for (int m = 0; m <= size; ++m) norm += all[m] * phi[m];
    double moved = 0;
    for (int j = 0; j < size; ++j) {
      remove_thread(all, size, drained[j], others);
      double in = 0;
      for (int m = 0; m < size; ++m) in += others[m] * phi[m + 1];
      const double next = std::min(1.0, drained[j] * in / norm);
      moved = std::max(moved, std::abs(next - rest[j]));
      rest[j] = next;
    }
    for (int m = 0; m <= size; ++m) rest_all[m] = all[m] * phi[m] / norm;
    if (moved < 1e-10) break;
  }
  // The flush's batches (above); a table is worked out again only where its batch moved (from
  // round to round of the solve, less and less).
  const auto set_batch = [&](int j, double lo, double hi, double cv2) {
    if (!batch[j].built_for(lo, hi, cv2)) batch[j] = BatchLeft(lo, hi, cv2);
  };
  for (int j = 0; j < size; ++j) {
    const double u = work[j], a = ramp(j), cv2 = spread[j] * spread[j];
    if (!streams(j)) {
      set_batch(j, u, u, cv2);
      continue;
    }
    const double c = v[j] > 0 ? std::min(1.0, u / v[j]) : 1.0;
    const double floor = kFloor * std::min(c / a, c / (1 + c));  // × u
    if (a >= 1) {
      set_batch(j, floor * u, u / a, cv2);
      continue;
    }
    const double mean = 1 - a + a * (1 + floor) / 2,
                 square = 1 - a + a * (1 + floor + floor * floor) / 3;
    const double half = std::sqrt(3 * std::max(0.0, square - mean * mean));
    set_batch(j, u * std::max(0.0, mean - half), u * (mean + half), cv2);
  }
  // Near the cores' limit a batch may outlast the tick: with the chance carried[j] what is left of
  // it, carry[j] on average then, comes before the next tick's batch, until both settle.
  std::fill(carry, carry + size, 0.0);
  std::fill(carried, carried + size, 0.0);
  const auto left_of = [&](int j, double done) {
    const double shifted = done < carry[j] ? 1.0 : batch[j].left(done - carry[j]);
    return (1 - carried[j]) * batch[j].left(done) + carried[j] * shifted;
  };
  const double dt = 1.0 / kStreamSteps;
  double t = 0;
  for (int pass = 0; pass < kCarryPasses; ++pass) {
    std::fill(drained, drained + size, 0.0);
    std::fill(count, count + size + 1, 0.0);
    std::fill(busy, busy + size, 0.0);
    t = 0;
    bool any = true;
    while (t < 1) {
      // Once every batch is worked off, only the streams' ramps move: kCoarse steps at once.
      const double h = any ? dt : std::min(kCoarse * dt, 1 - t);
      const double mid = t + h / 2;
      any = false;
      for (int j = 0; j < size; ++j) {
        // Its batch at mid-step, at the speed of the step before.
        const double left =
            left_of(j, drained[j] + std::max(0.0, v[j] - stream_at(j, mid)) * h / 2);
        any |= left > 0;
        p[j] = left + (1 - left) * stream_share(j, mid);
      }
      if (!any && ramped_up(t))
        break;  // every batch worked off, every stream up: the stream alone from here
      settle_speeds();
      for (int j = 0; j < size; ++j) {
        drained[j] += std::max(0.0, v[j] - stream_at(j, mid)) * h;  // its stream comes meanwhile
        busy[j] += p[j] * h;
      }
      for (int c = 0; c <= size; ++c) count[c] += all[c] * h;
      t += h;
    }
    if (t < 1 - 1e-9 || !any)
      break;  // every batch worked off within the tick: nothing carries over
    double moved = 0;
    for (int j = 0; j < size; ++j) {
      const double d = drained[j];
      const double shifted =
          d < carry[j] ? carry[j] - d + batch[j].mean() : batch[j].beyond(d - carry[j]);
      const double rest_of = (1 - carried[j]) * batch[j].beyond(d) + carried[j] * shifted;
      const double chance = left_of(j, d);
      const double next = chance > 1e-12 ? rest_of / chance : 0.0;
      moved = std::max({moved, std::abs(next - carry[j]), std::abs(chance - carried[j])});
      carry[j] = next;
      carried[j] = chance;
    }
    if (moved < 1e-6) break;
  }
  for (int j = 0; j < size; ++j) busy[j] += rest[j] * (1 - t);
  for (int c = 0; c <= size; ++c) count[c] += rest_all[c] * (1 - t);
}

// The time shares from the work: count[c] (count[0] the rest of the unit of time), or given[c]
// normalised.
void time_from_work(const double* work, const double* speed, int size, double* count) {
  double busy = 0;
  for (int c = 1; c <= size; ++c) busy += count[c] = work[c] / speed[c];
  if (busy > 1)  // more work than time: the group runs throughout
    for (int c = 1; c <= size; ++c) count[c] /= busy;
  count[0] = std::max(0.0, 1 - busy);
}

void given_from_work(const double* work, const double* speed, int size, double* given) {
  double mine = 0;
  given[0] = 0;
  for (int c = 1; c <= size; ++c) mine += given[c] = work[c] / speed[c];
  if (mine > 0)
    for (int c = 1; c <= size; ++c) given[c] /= mine;
  else
    given[1] = 1;
}

// A follower's records come while the group runs, in buffers that each keep it busy about
// buffer_work ÷ speed after they arrive (half that on average: the mean lag of a record's buffer
// behind it). Over a cycle of the regimes, the groups' count from the top down to none (a flush
// starts every member's spell at once; they end one by one), the follower is busy at t with the
// work that came in the last buffer's time; what it cannot take there carries on as a fluid
// backlog (into the spell's tail and past it, where it runs faster). Returns its busy share;
// busy[z]: its share while the count is z.
double follower_busy(const double* p, const double* arrival, const double* speed, int n, const Following& f,
                     double* busy, CycleScratch& s) {
  const double cycle = f.cycle > 0 ? f.cycle : 1.0;  // no cycle: no lag, the length does not matter then
  const double buffer_work = f.cycle > 0 ? f.buffer_work : 0.0;
  s.time.clear();
  s.rate.clear();
  s.speed.clear();
  s.z.clear();
  s.at.assign(1, 0.0);
  s.cum.assign(1, 0.0);
  for (int z = n - 1; z >= 0; --z) {
    if (p[z] <= 0) continue;
    const int pieces = std::max(1, static_cast<int>(std::ceil(p[z] * 256)));
    for (int piece = 0; piece < pieces; ++piece) {
      s.time.push_back(p[z] * cycle / pieces);
      s.rate.push_back(arrival[z]);
      s.speed.push_back(speed[z]);
      s.z.push_back(z);
      s.at.push_back(s.at.back() + s.time.back());
      s.cum.push_back(s.cum.back() + s.time.back() * s.rate.back());
    }
  }
  const int m = static_cast<int>(s.time.size());
  for (int z = 0; z < n; ++z) busy[z] = 0;
  if (m == 0) return 0;
  // the work that has come by t, t anywhere (the cycle repeats)
  const double per_cycle = s.cum[m], span = s.at[m];
  const auto arrived = [&](double t) {
    const double laps = std::floor(t / span);
    const double r = t - laps * span;
    const auto j = std::clamp(
        static_cast<int>(std::upper_bound(s.at.begin(), s.at.begin() + m + 1, r) - s.at.begin()) - 1, 0, m - 1);
    return laps * per_cycle + s.cum[j] + s.rate[j] * (r - s.at[j]);
  };
  double q = 0, start = -1, total = 0;  // the backlog, in work; passes until it repeats
  for (int pass = 0; pass < 50 && std::abs(q - start) > 1e-12; ++pass) {
    start = q;
    total = 0;
    for (int z = 0; z < n; ++z) busy[z] = 0;
    for (int j = 0; j < m; ++j) {
      const double v = s.speed[j], dt = s.time[j], window = buffer_work / v;
      const double t = s.at[j] + dt / 2;
      const double a = window > 0 ? (arrived(t) - arrived(t - window)) / window : s.rate[j];
      double on = dt;
      if (q + a * dt >= v * dt) {
        q += (a - v) * dt;
      } else {
        on = (q + a * dt) / v;
        q = 0;
      }
      total += on;
      busy[s.z[j]] += on;
    }
  }
  for (int z = 0; z < n; ++z)
    if (p[z] > 0) busy[z] /= p[z] * cycle;
  return total / cycle;
}

}  // namespace

void CoreSharing::solve(const double* cpu, const int* group, const Coupling* coupling,
                        const double* spread, int k, double cores, double* busy,
                        const SegmentEnds* segments, const Following* follows,
                        const Dealing* dealing, const double* paced) {
  if (k <= 0) return;
  const int n = k + 1;
  const auto need = static_cast<std::size_t>(n);
  if (all_.size() < need)
    for (auto* v : {&all_, &others_, &next_, &without_, &given_, &shares_, &slow_, &member_share_,
                    &member_spread_, &free_share_, &tilt_, &rate_, &follow_arrival_, &follow_speed_,
                    &follow_busy_, &exit_})
      v->resize(need);
  if (member_segments_.size() < need) member_segments_.resize(need);
  if (batch_.size() < need) batch_.resize(need);
  if (stream_busy_.size() < need * need) stream_busy_.resize(need * need);
  if (spell_scratch_.size() < 10 * need + need * need)
    spell_scratch_.resize(10 * need + need * need);
  double demand = 0;
  int groups = 0;
  for (int i = 0; i < k; ++i) {
    busy[i] = std::min(1.0, std::max(0.0, cpu[i]));
    demand += busy[i];
    if (group && group[i] >= 0) groups = std::max(groups, group[i] + 1);
  }
  // Enough cores for every thread at once: nobody waits.
  if (static_cast<double>(k) <= cores || demand <= 0) return;
  group_size_.assign(static_cast<std::size_t>(groups), 0);  // no allocation once grown
  group_dist_.assign(static_cast<std::size_t>(groups) * need, 0.0);
  for (int i = 0; i < k; ++i)
    if (group && group[i] >= 0) ++group_size_[group[i]];
  // A group of one lines up with nobody: that thread is independent.
  const auto group_of = [&](int i) { return group && group[i] >= 0 && group_size_[group[i]] > 1 ? group[i] : -1; };
  // shares_ ← group g's busy shares, largest first; returns how many.
  const auto gather = [&](int g) {
    int size = 0;
    for (int j = 0; j < k; ++j)
      if (group_of(j) == g) shares_[size++] = busy[j];
    std::sort(shares_.begin(), shares_.begin() + size, std::greater<>());
    return size;
  };
  const auto dist_of = [&](int g) { return group_dist_.data() + static_cast<std::size_t>(g) * need; };
  // Deals of two consumers or more among the independent threads (core_sharing.h Dealing); the
  // others fed by a deal are independent as they were.
  deal_of_.assign(static_cast<std::size_t>(k), -1);
  deal_first_.clear();
  int deals = 0;
  if (dealing)
    for (int i = 0; i < k; ++i) {
      const Dealing& d = dealing[i];
      // Records that a paced writer deals (paced[i], below) run together no more than records
      // routed at random: measured at buffer level, a 50 µs source that 1.5 cores cap dealing to
      // six 200 µs consumers beside it, 697.4 ms/s dealt against 694.3 at random (the deal's chain
      // read them 668.3, at random 706.5).
      if (group_of(i) >= 0 || cpu[i] <= 0 || d.deal < 0 || d.channels < 2 ||
          (follows && follows[i].group >= 0) || (paced && paced[i] >= 0.5))
        continue;
      int found = 0;
      while (found < deals && dealing[deal_first_[found]].deal != d.deal) ++found;
      if (found == deals) {
        deal_first_.push_back(i);
        ++deals;
      }
      deal_of_[i] = found;
    }
  deal_size_.assign(static_cast<std::size_t>(deals), 0);
  deal_rate_.assign(static_cast<std::size_t>(deals), 0.0);
  // σ for deal d at its consumers' busy share b (the deal's channels, producers and costs are its
  // first member's, as every member's).
  const auto found_busy = [&](int d, double b) {
    const Dealing& first = dealing[deal_first_[d]];
    return dealt_found_busy(b, first.channels, first.producers, first.cost_cv2);
  };
  for (int i = 0; i < k; ++i)
    if (deal_of_[i] >= 0) ++deal_size_[deal_of_[i]];
  for (int i = 0; i < k; ++i)
    if (deal_of_[i] >= 0 && deal_size_[deal_of_[i]] < 2) deal_of_[i] = -1;  // alone: as it was
  deal_theta_.assign(static_cast<std::size_t>(deals) * need, 1.0);
  if (deal_count_.size() < static_cast<std::size_t>(deals) * need)
    deal_count_.resize(static_cast<std::size_t>(deals) * need);
  if (deal_rest_.size() < 2 * need) deal_rest_.resize(2 * need);
  // Paced threads (core_sharing.h): their share of the independent threads' work, the tilt's
  // exponent; the speed of the threads that pace them, E[speed], from the last round.
  double paced_share = 0, paced_speed = 1;
  if (paced) {
    double work = 0;
    for (int i = 0; i < k; ++i)
      if (group_of(i) < 0 && cpu[i] > 0 && cpu[i] < 1) {
        paced_share += cpu[i] * std::clamp(paced[i], 0.0, 1.0);
        work += cpu[i];
      }
    paced_share = work > 0 ? paced_share / work : 0;
  }
  const auto paced_of = [&](int i) {
    return paced_share > 0 ? std::clamp(paced[i], 0.0, 1.0) : 0.0;
  };
  // A paced thread's busy share were the cores unlimited (its work over the speed it is paced at).
  const auto unhurried = [&](double u) { return std::min(kMostBusy, u / paced_speed); };
  // An independent thread's weight in the count (the product form's, as if the cores were its
  // own). An unhurried weight goes with the paced tilt: mixed as far as the tilt is paced.
  const auto mixed = [&](int j) { return paced_of(j) * paced_share; };
  const auto weight_of = [&](int j, double u, double b) {
    const double q = mixed(j), own = untilted(u, b);
    return q > 0 && b < 1 ? (1 - q) * own + q * unhurried(u) : own;
  };
  // Per group, the speed of its threads while c of them run (from the last round; a spread-out
  // group's time follows from it).
  group_speed_.assign(static_cast<std::size_t>(groups) * need, 1.0);
  const auto speed_of = [&](int g) { return group_speed_.data() + static_cast<std::size_t>(g) * need; };
  for (int g = 0; g < groups; ++g)
    for (int c = 1; c < n; ++c) speed_of(g)[c] = core_share(cores, c - 1);
  // member_share_/member_spread_ ← group g's CPU shares and spreads in thread order; returns how
  // many.
  const auto members = [&](int g) {
    int size = 0;
    for (int j = 0; j < k; ++j) {
      if (group_of(j) != g) continue;
      member_share_[size] = cpu[j];  // the batch's mean work per unit of time
      member_spread_[size] = spread ? spread[j] : 0.0;
      member_segments_[size] = segments ? segments[j] : SegmentEnds{};
      ++size;
    }
    return size;
  };
  // A spread-out group's work by count, and its members', once (they depend on the CPU shares and
  // spreads only): work_of(g) holds the group's, then each member's in thread order, need apart.
  group_work_offset_.assign(static_cast<std::size_t>(groups), 0);
  std::size_t work_size = 0;
  for (int g = 0; g < groups; ++g) {
    group_work_offset_[g] = work_size;
    if (group_size_[g] > 1) work_size += static_cast<std::size_t>(group_size_[g] + 1) * need;
  }
  if (group_work_.size() < work_size) group_work_.resize(work_size);
  const auto work_of = [&](int g) { return group_work_.data() + group_work_offset_[g]; };
  // Whether a group's batches spread (Together with some spread) or its threads also get segment
  // ends of their own (streams): fixed for the solve.
  group_spreads_.assign(group_size_.size(), 0);
  group_streams_.assign(group_size_.size(), 0);
  for (int g = 0; g < groups; ++g) {
    if (group_size_[g] < 2 || coupling[g] != Coupling::Together) continue;
    const int size = members(g);
    for (int j = 0; j < size; ++j) {
      group_spreads_[g] |= member_spread_[j] > 0 ? 1 : 0;
      group_streams_[g] |= member_segments_[j].per_tick > 0 ? 1 : 0;
    }
    if (group_streams_[g]) group_spreads_[g] = 0;  // stream_profile takes the batch's spread itself
    if (!group_spreads_[g]) continue;
    // members' work laid out size + 1 apart by batch_work; spread them need apart
    double* members_work = spell_scratch_.data() + 8 * need;
    std::fill(work_of(g), work_of(g) + need, 0.0);
    std::fill(members_work, members_work + static_cast<std::ptrdiff_t>(size) * (size + 1), 0.0);
    batch_work(member_share_.data(), member_spread_.data(), size, work_of(g), members_work, spell_scratch_.data());
    for (int j = 0; j < size; ++j)
      std::copy(members_work + static_cast<std::ptrdiff_t>(j) * (size + 1),
                members_work + static_cast<std::ptrdiff_t>(j + 1) * (size + 1),
                work_of(g) + static_cast<std::ptrdiff_t>(j + 1) * need);
  }
  // Stream groups' batches, group by group in member order, none built yet in this solve.
  batch_first_.assign(static_cast<std::size_t>(groups), 0);
  int stream_members = 0;
  for (int g = 0; g < groups; ++g) {
    batch_first_[g] = stream_members;
    if (group_streams_[g]) stream_members += group_size_[g];
  }
  batch_.assign(static_cast<std::size_t>(stream_members), BatchLeft{});  // no allocation once grown
  // The group's count, nested spells or spread-out ones.
  const auto count_group = [&](int g) {
    const int size = gather(g);
    if (group_streams_[g]) {  // in time, from the speeds of this round
      const int m = members(g);
      stream_profile(batch_.data() + batch_first_[g], member_share_.data(), member_spread_.data(),
                     member_segments_.data(), m, speed_of(g), dist_of(g),
                     stream_busy_.data() + static_cast<std::ptrdiff_t>(g) * need,
                     spell_scratch_.data());
    } else if (group_spreads_[g]) {
      time_from_work(work_of(g), speed_of(g), size, dist_of(g));
    } else {
      group_count(coupling[g], shares_.data(), size, dist_of(g));
    }
    return size;
  };
  // Per regime z (the groups' count) and independent thread: its share while the groups have z
  // runnable, and the independent threads' count in that regime.
  if (regime_busy_.size() < need * need) {
    regime_busy_.resize(need * need);
    regime_all_.resize(need * need);
    regime_speed_.resize(need * need);
    regime_done_.resize(need * need);
  }
  const auto speed_in = [&](int z, int j) -> double& { return regime_speed_[static_cast<std::size_t>(z) * need + j]; };
  const auto done_in = [&](int z, int j) -> double& { return regime_done_[static_cast<std::size_t>(z) * need + j]; };
  for (int z = 0; z < n; ++z)
    for (int j = 0; j < k; ++j) done_in(z, j) = -1;
  const auto in_regime = [&](int z, int j) -> double& { return regime_busy_[static_cast<std::size_t>(z) * need + j]; };
  const auto all_in = [&](int z) { return regime_all_.data() + static_cast<std::size_t>(z) * need; };
  for (int z = 0; z < n; ++z)
    for (int j = 0; j < k; ++j) in_regime(z, j) = busy[j];
  // without_ ← the count of every group but g (over n entries).
  const auto count_without = [&](int g) {
    std::fill(without_.begin(), without_.begin() + n, 0.0);
    without_[0] = 1;
    for (int h = 0; h < groups; ++h)
      if (h != g) add_count(without_.data(), n, dist_of(h), group_size_[h]);
  };
  for (int round = 0; round < 200; ++round) {
    for (int g = 0; g < groups; ++g) group_size_[g] = count_group(g);
    // Z, the groups' count, over n entries.
    std::fill(slow_.begin(), slow_.begin() + n, 0.0);
    slow_[0] = 1;
    for (int g = 0; g < groups; ++g) add_count(slow_.data(), n, dist_of(g), group_size_[g]);
    double moved = 0;
    const auto settle = [&](int i, double share) {
      next_[i] = std::min(1.0, share);
      moved = std::max(moved, std::abs(next_[i] - busy[i]));
    };
    // Where a followed group does its work: G_z = Σ_c P_g(c) · c · speed_g(c) · P(others' Z = z − c),
    // normalised.
    group_work_by_z_.assign(static_cast<std::size_t>(groups) * need, 0.0);
    if (follows)
      for (int g = 0; g < groups; ++g) {
        bool followed = false;
        for (int i = 0; i < k; ++i) followed |= follows[i].group == g && follows[i].share > 0 && group_of(i) < 0;
        if (!followed || group_size_[g] < 2) continue;
        count_without(g);
        double* by_z = group_work_by_z_.data() + static_cast<std::size_t>(g) * need;
        double total = 0;
        for (int c = 1; c <= group_size_[g]; ++c)
          for (int zo = 0; zo + c < n; ++zo) {
            const double part = dist_of(g)[c] * c * speed_of(g)[c] * without_[zo];
            by_z[zo + c] += part;
            total += part;
          }
        if (total > 0)
          for (int z = 0; z < n; ++z) by_z[z] /= total;
      }
    // An independent thread's CPU share in regime z: steady, or part of it where its group works.
    const auto following = [&](int i) {
      return follows && follows[i].group >= 0 && follows[i].share > 0 && follows[i].group < groups &&
             group_size_[follows[i].group] >= 2;
    };
    const auto arrival_in = [&](int i, int z) {
      if (!following(i)) return cpu[i];
      const double* by_z = group_work_by_z_.data() + static_cast<std::size_t>(follows[i].group) * need;
      if (slow_[z] <= 0) return cpu[i];
      return cpu[i] * ((1 - follows[i].share) + follows[i].share * by_z[z] / slow_[z]);
    };
    const auto rate_in = [&](int i, int z) {
      if (!following(i) || done_in(z, i) < 0) return arrival_in(i, z);
      return done_in(z, i);
    };
    // Independent threads, regime by regime (a group's spell lasts many of an independent
    // thread's records, so within a regime they settle): the product form. A set S of them is
    // runnable with probability ∝ Π_{j∈S} r_j · Φ_z(|S|), r_j = u_j ÷ (1 − busy_j) and
    // Φ_z(m) = Π_{l=1..m} 1 ÷ speed(z + l), so busy_i = u_i · E[1 ÷ speed(z + 1 + others) | i not
    // runnable]. In r_j form the weights are the Poisson-binomial of r_j ÷ (1 + r_j), tilted by Φ_z.
    for (int i = 0; i < k; ++i) next_[i] = 0;
    double next_speed = 0;
    for (int z = 0; z < n; ++z) {
      if (slow_[z] == 0) continue;
      double* all = all_in(z);
      int free = 0, dealt = 0;
      for (int j = 0; j < k; ++j) {
        rate_[j] = rate_in(j, z);
        if (group_of(j) >= 0) continue;
        if (deal_of_[j] >= 0) {
          ++dealt;
        } else {
          free_share_[free++] = weight_of(j, rate_[j], in_regime(z, j));
        }
      }
      poisson_binomial(free_share_.data(), free, all);
      for (int m = free + 1; m < n; ++m) all[m] = 0;
      // The deals' counts (dealt_count) on top of the threads fed at random; deal_rest_ keeps the
      // latter's.
      std::copy(all, all + n, deal_rest_.begin());
      for (int d = 0; d < deals; ++d) {
        if (deal_size_[d] < 2) continue;
        // Paced consumers: their records and their chance to find one busy as they are unhurried.
        double& a = deal_rate_[d];
        double b = 0, births = 0;
        a = 0;
        for (int j = 0; j < k; ++j)
          if (deal_of_[j] == d) {
            const double q = mixed(j);
            a += rate_[j];
            births += (1 - q) * rate_[j] + q * unhurried(rate_[j]);
            b += (1 - q) * in_regime(z, j) + q * unhurried(rate_[j]);
          }
        const double sigma = found_busy(d, b / deal_size_[d]);
        double* count = deal_count_.data() + static_cast<std::size_t>(d) * need;
        dealt_count(births, sigma, deal_theta_[static_cast<std::size_t>(d) * need + z],
                    deal_size_[d], count);
        add_count(all, n, count, deal_size_[d]);
      }
      free += dealt;
      std::copy(all, all + n, all_.begin());
      // exit_[m]: the threads' chance to leave the runnable set at a record's end with m of them
      // runnable, over the (1 − busy) that r_j assumes, busy-weighted (one factor for all).
      exit_[0] = 1;
      for (int m = 1; m <= free; ++m) {
        const double speed = core_share(cores, z + m - 1);
        double weighted = 0, weight = 0;
        for (int j = 0; j < k; ++j) {
          const double b = in_regime(z, j);
          if (group_of(j) >= 0 || cpu[j] <= 0 || b >= 1) continue;
          weighted += b * exit_chance(rate_[j], b, speed) / (1 - b);
          weight += b;
        }
        exit_[m] = weight > 0 ? weighted / weight : 1.0;
        // Unhurried, paced threads are as independent as their queues: no exit chance to tilt by.
        if (paced_share > 0) exit_[m] = std::pow(exit_[m], 1 - paced_share);
      }
      tilt(all, free, cores, z, exit_.data(), paced_share, tilt_.data());
      for (int i = 0; i < k; ++i) {
        if (group_of(i) >= 0 || cpu[i] <= 0 || deal_of_[i] >= 0) continue;
        const double b = in_regime(z, i), p = paced_of(i);
        remove_thread(all_.data(), free, weight_of(i, rate_[i], b), others_.data());
        // busy ÷ (1 − busy) = u · E[1 ÷ (speed · its own exit chance) | i not runnable]; paced,
        // ρ ÷ (1 − ρ) · E[speed(others) ÷ speed | i not runnable] with ρ its unhurried busy share.
        const double rho = unhurried(rate_[i]);
        const double weight = (1 - p) * rate_[i] + p * rho / (1 - rho);
        // Its own step into the count, not the tilt's (which mixes paced and other threads).
        double asleep = 0, awake = 0;
        for (int m = 0; m < free; ++m) {
          asleep += others_[m] * tilt_[m];
          const double own = exit_chance(rate_[i], b, core_share(cores, z + m));
          double step =
              tilt_[m + 1] * exit_[m + 1] / std::max(1e-12, p > 0 ? std::pow(own, 1 - p) : own);
          if (paced_share > 0 && z + m > 0)
            step *= std::pow(core_share(cores, z + m - 1), p - paced_share);
          awake += others_[m] * step;
        }
        const double odds = asleep > 0 ? weight * awake / asleep : 0.0;
        const double share =
            asleep > 0 ? (b >= 1 ? 1.0 : odds / (1 + odds)) : rate_[i] / core_share(cores, z);
        speed_in(z, i) = share > 0 ? std::min(1.0, rate_[i] / share) : core_share(cores, z);
        in_regime(z, i) = share;
        next_[i] += slow_[z] * std::min(1.0, share);
      }
      // A deal's consumers: its count c with the rest (the others fed at random, the other deals)
      // as they come, tilted; each busy E[c] ÷ its consumers, in proportion to its CPU share. θ for
      // the next round from σ at the new busy share b: σ = θ · b + (1 − θ) · P(all runnable).
      for (int d = 0; d < deals; ++d) {
        const int size = deal_size_[d];
        if (size < 2) continue;
        double* rest = deal_rest_.data() + need;
        std::copy(deal_rest_.begin(), deal_rest_.begin() + n, rest);
        for (int e = 0; e < deals; ++e)
          if (e != d && deal_size_[e] >= 2)
            add_count(rest, n, deal_count_.data() + static_cast<std::size_t>(e) * need,
                      deal_size_[e]);
        const double* count = deal_count_.data() + static_cast<std::size_t>(d) * need;
        double weight = 0, runnable = 0, all_busy = 0;
        for (int c = 0; c <= size; ++c)
          for (int m = 0; m + c <= free; ++m) {
            const double w = count[c] * rest[m] * tilt_[m + c];
            weight += w;
            runnable += c * w;
            if (c == size) all_busy += w;
          }
        if (!(weight > 0)) continue;
        runnable /= weight;
        all_busy /= weight;
        const double a = deal_rate_[d];
        for (int i = 0; i < k; ++i) {
          if (deal_of_[i] != d) continue;
          const double share = a > 0 ? runnable * rate_[i] / a : runnable / size;
          speed_in(z, i) = share > 0 ? std::min(1.0, rate_[i] / share) : core_share(cores, z);
          in_regime(z, i) = share;
          next_[i] += slow_[z] * std::min(1.0, share);
        }
        const double b = runnable / size;
        const double sigma = found_busy(d, b);
        deal_theta_[static_cast<std::size_t>(d) * need + z] =
            b - all_busy > 1e-12 ? std::clamp((sigma - all_busy) / (b - all_busy), 0.0, 1.0) : 1.0;
      }
      // what the groups' threads meet: the count as it is, tilted
      double total = 0;
      for (int m = 0; m <= free; ++m) total += all[m] *= tilt_[m];
      if (total > 0)
        for (int m = 0; m <= free; ++m) all[m] /= total;
      // The pacing threads' speed: always runnable, one of the count.
      if (paced_share > 0)
        for (int m = 1; m <= free; ++m)
          next_speed += slow_[z] * all[m] * core_share(cores, z + m - 1);
    }
    // A follower: where its records come, not where they would come at random.
    for (int i = 0; i < k; ++i) {
      if (group_of(i) >= 0 || cpu[i] <= 0 || !following(i)) continue;
      for (int z = 0; z < n; ++z) {
        follow_arrival_[z] = arrival_in(i, z);
        follow_speed_[z] = speed_in(z, i);
      }
      next_[i] = follower_busy(slow_.data(), follow_arrival_.data(), follow_speed_.data(), n, follows[i],
                               follow_busy_.data(), cycle_);
      for (int z = 0; z < n; ++z) {
        in_regime(z, i) = follow_busy_[z];
        done_in(z, i) = follow_busy_[z] * follow_speed_[z];
      }
    }
    for (int i = 0; i < k; ++i)
      if (group_of(i) < 0) settle(i, next_[i]);
    // A group's threads: the other groups' count z', their own group's count c given that they are
    // runnable (themselves included, hence c − 1 others), and the independent threads as they are
    // in that regime, z = c + z'.
    for (int g = 0; g < groups; ++g) {
      if (group_size_[g] == 0) continue;
      count_without(g);
      const int size = gather(g);
      // The speed of the group's threads while c of them run: the other groups as they come, the
      // independent threads as they are in that regime. A thread of the group runs at the mean of
      // these over the counts it sees.
      for (int c = 1; c <= size; ++c) {
        double speed = 0, mass = 0;
        for (int zo = 0; zo + c < n; ++zo) {
          if (without_[zo] == 0 || slow_[zo + c] == 0) continue;  // a regime that cannot happen was not worked out
          const double* all = all_in(zo + c);
          double at = 0, there = 0;
          for (int m = 0; m + zo + c - 1 < n; ++m) {
            at += all[m] * core_share(cores, m + zo + c - 1);
            there += all[m];
          }
          if (there > 0) {
            speed += without_[zo] * at / there;
            mass += without_[zo];
          }
        }
        if (mass > 0) speed_of(g)[c] = speed / mass;
      }
      for (int i = 0, at = 0; i < k; ++i) {
        if (group_of(i) != g) continue;
        const int member = at++;
        if (cpu[i] <= 0) {
          next_[i] = 0;
          continue;
        }
        if (group_streams_[g]) {  // runnable as stream_profile found it
          settle(i, stream_busy_[static_cast<std::size_t>(g) * need + member]);
          continue;
        }
        if (group_spreads_[g])
          given_from_work(work_of(g) + static_cast<std::ptrdiff_t>(member + 1) * need, speed_of(g), size,
                          given_.data());
        else
          count_given(coupling[g], shares_.data(), size, dist_of(g), busy[i], given_.data());
        double speed = 0, mass = 0;
        for (int c = 1; c <= size; ++c) {
          speed += given_[c] * speed_of(g)[c];
          mass += given_[c];
        }
        settle(i, cpu[i] / (mass > 0 ? speed / mass : 1.0));
      }
    }
    for (int i = 0; i < k; ++i) busy[i] = next_[i];
    if (paced_share > 0 && next_speed > 0) {
      moved = std::max(moved, std::abs(next_speed - paced_speed));
      paced_speed = next_speed;
    }
    if (moved < 1e-9) break;
  }
}

}  // namespace flinksim::sim
