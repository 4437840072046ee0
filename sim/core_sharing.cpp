#include "sim/core_sharing.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace flinksim::sim {
namespace {

// others[m] for m < k: the distribution of the k − 1 threads without the one runnable with p,
// from the distribution `all` of all k. Forward when p ≤ ½, backward otherwise (each is stable
// on its side).
void remove_thread(const std::vector<double>& all, int k, double p, std::vector<double>& others) {
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

double core_share(double cores, int others) { return std::min(1.0, cores / static_cast<double>(1 + others)); }

// In place over n entries: dist ⊗ a group's count (entries 0..size). What would fall past n − 1
// cannot happen: the counts of k threads stay below k + 1.
void add_count(std::vector<double>& dist, int n, const double* count, int size) {
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

}  // namespace

void CoreSharing::solve(const double* cpu, const int* group, const Coupling* coupling, int k, double cores,
                        double* busy) {
  if (k <= 0) return;
  const int n = k + 1;
  const auto need = static_cast<std::size_t>(n);
  if (all_.size() < need)
    for (auto* v : {&all_, &others_, &next_, &without_, &given_, &shares_, &slow_}) v->resize(need);
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
  // Per regime z (the groups' count) and independent thread: its share while the groups have z
  // runnable, and the independent threads' count in that regime.
  if (regime_busy_.size() < need * need) {
    regime_busy_.resize(need * need);
    regime_all_.resize(need * need);
  }
  const auto in_regime = [&](int z, int j) -> double& { return regime_busy_[static_cast<std::size_t>(z) * need + j]; };
  const auto all_in = [&](int z) { return regime_all_.data() + static_cast<std::size_t>(z) * need; };
  for (int z = 0; z < n; ++z)
    for (int j = 0; j < k; ++j) in_regime(z, j) = busy[j];
  for (int round = 0; round < 200; ++round) {
    for (int g = 0; g < groups; ++g) {
      group_size_[g] = gather(g);
      group_count(coupling[g], shares_.data(), group_size_[g], dist_of(g));
    }
    // Z, the groups' count, over n entries.
    std::fill(slow_.begin(), slow_.begin() + n, 0.0);
    slow_[0] = 1;
    for (int g = 0; g < groups; ++g) add_count(slow_, n, dist_of(g), group_size_[g]);
    double moved = 0;
    const auto settle = [&](int i, double share) {
      next_[i] = std::min(1.0, share);
      moved = std::max(moved, std::abs(next_[i] - busy[i]));
    };
    // Independent threads, regime by regime: the others independent (deconvolved) with their
    // shares in that regime. A group's spell lasts many of an independent thread's records, so
    // the thread is busy u ÷ (its speed in the regime) there, and busy = u · E_Z[1 ÷ speed].
    for (int i = 0; i < k; ++i) next_[i] = 0;
    for (int z = 0; z < n; ++z) {
      if (slow_[z] == 0) continue;
      double* all = all_in(z);
      std::fill(all, all + n, 0.0);
      all[0] = 1;
      int free = 0;
      for (int j = 0; j < k; ++j) {
        if (group_of(j) >= 0) continue;
        const double p = std::min(1.0, in_regime(z, j));
        for (int m = free + 1; m >= 1; --m) all[m] = all[m] * (1 - p) + all[m - 1] * p;
        all[0] *= 1 - p;
        ++free;
      }
      std::copy(all, all + n, all_.begin());
      for (int i = 0; i < k; ++i) {
        if (group_of(i) >= 0 || cpu[i] <= 0) continue;
        remove_thread(all_, free, std::min(1.0, in_regime(z, i)), others_);
        double speed = 0, mass = 0;
        for (int m = 0; m < free && m + z < n; ++m) {
          speed += others_[m] * core_share(cores, m + z);
          mass += others_[m];
        }
        // renormalised against rounding in the deconvolution
        const double share = cpu[i] / (mass > 0 ? speed / mass : core_share(cores, z));
        in_regime(z, i) = share;
        next_[i] += slow_[z] * share;
      }
    }
    for (int i = 0; i < k; ++i)
      if (group_of(i) < 0) settle(i, next_[i]);
    // A group's threads: the other groups' count z', their own group's count c given that they are
    // runnable (themselves included, hence c − 1 others), and the independent threads as they are
    // in that regime, z = c + z'.
    for (int g = 0; g < groups; ++g) {
      if (group_size_[g] == 0) continue;
      std::fill(without_.begin(), without_.begin() + n, 0.0);
      without_[0] = 1;
      for (int h = 0; h < groups; ++h)
        if (h != g) add_count(without_, n, dist_of(h), group_size_[h]);
      const int size = gather(g);
      for (int i = 0; i < k; ++i) {
        if (group_of(i) != g) continue;
        if (cpu[i] <= 0) {
          next_[i] = 0;
          continue;
        }
        count_given(coupling[g], shares_.data(), size, dist_of(g), busy[i], given_.data());
        double speed = 0, mass = 0;
        for (int zo = 0; zo < n; ++zo) {
          if (without_[zo] == 0) continue;
          for (int c = 1; c <= size && zo + c < n; ++c) {
            const double w = without_[zo] * given_[c];
            if (w == 0) continue;
            const double* all = all_in(zo + c);
            for (int m = 0; m + zo + c - 1 < n; ++m) speed += w * all[m] * core_share(cores, m + zo + c - 1);
            mass += w;
          }
        }
        settle(i, cpu[i] / (mass > 0 ? speed / mass : 1.0));
      }
    }
    for (int i = 0; i < k; ++i) busy[i] = next_[i];
    if (moved < 1e-9) break;
  }
}

}  // namespace flinksim::sim
