#include "sim/core_sharing.h"

#include <algorithm>
#include <cmath>

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

// A turn-taking group's runnable count: `low` = ⌊S⌋, one more with probability `up` = S − ⌊S⌋.
struct TurnCount {
  int low = 0;
  double up = 0;
  double sum = 0;  // S
};

TurnCount turn_count(double sum, int size) {
  TurnCount c;
  c.sum = sum;
  c.low = std::min(size, static_cast<int>(std::floor(sum)));
  c.up = c.low == size ? 0.0 : sum - c.low;
  return c;
}

// In place over n entries: dist ⊗ the group's count (what falls past n − 1 cannot happen: the
// counts of k threads stay below k + 1).
void add_group(std::vector<double>& dist, int n, const TurnCount& c) {
  for (int m = n - 1; m >= 0; --m) {
    const int hi = m - c.low - 1, lo = m - c.low;
    dist[m] = (lo >= 0 ? dist[lo] * (1 - c.up) : 0.0) + (hi >= 0 ? dist[hi] * c.up : 0.0);
  }
}

double core_share(double cores, int others) { return std::min(1.0, cores / static_cast<double>(1 + others)); }

// E[min(1, cores ÷ (1 + X))] for X distributed as dist over n entries, renormalised against
// rounding in the deconvolution.
double mean_speed(const std::vector<double>& dist, int n, double cores) {
  double speed = 0, mass = 0;
  for (int m = 0; m < n; ++m) {
    speed += dist[m] * core_share(cores, m);
    mass += dist[m];
  }
  return mass > 0 ? speed / mass : 1.0;
}

}  // namespace

void CoreSharing::solve(const double* cpu, const int* turns, int k, double cores, double* busy) {
  if (k <= 0) return;
  const int n = k + 1;
  if (all_.size() < static_cast<std::size_t>(n)) {
    for (auto* v : {&all_, &others_, &next_, &with_groups_, &without_}) v->resize(static_cast<std::size_t>(n));
  }
  double demand = 0;
  int groups = 0;
  for (int i = 0; i < k; ++i) {
    busy[i] = std::min(1.0, std::max(0.0, cpu[i]));
    demand += busy[i];
    if (turns && turns[i] >= 0) groups = std::max(groups, turns[i] + 1);
  }
  // Enough cores for every thread at once: nobody waits.
  if (static_cast<double>(k) <= cores || demand <= 0) return;
  group_sum_.assign(static_cast<std::size_t>(groups), 0.0);  // no allocation once grown
  group_size_.assign(static_cast<std::size_t>(groups), 0);
  const auto group_of = [&](int i) { return turns ? turns[i] : -1; };
  for (int round = 0; round < 200; ++round) {
    // The distribution of how many independent threads are runnable, all `free` of them.
    std::fill(all_.begin(), all_.begin() + n, 0.0);
    all_[0] = 1;
    int free = 0;
    std::fill(group_sum_.begin(), group_sum_.end(), 0.0);
    std::fill(group_size_.begin(), group_size_.end(), 0);
    for (int j = 0; j < k; ++j) {
      if (const int g = group_of(j); g >= 0) {
        group_sum_[g] += busy[j];
        ++group_size_[g];
        continue;
      }
      const double p = busy[j];
      for (int m = free + 1; m >= 1; --m) all_[m] = all_[m] * (1 - p) + all_[m - 1] * p;
      all_[0] *= 1 - p;
      ++free;
    }
    double moved = 0;
    const auto settle = [&](int i, double speed) {
      next_[i] = std::min(1.0, cpu[i] / speed);
      moved = std::max(moved, std::abs(next_[i] - busy[i]));
    };
    // Independent threads: the others independent (deconvolved) and every group's count.
    for (int i = 0; i < k; ++i) {
      if (group_of(i) >= 0) continue;
      if (cpu[i] <= 0) {
        next_[i] = 0;
        continue;
      }
      remove_thread(all_, free, busy[i], others_);
      std::fill(others_.begin() + free, others_.begin() + n, 0.0);
      for (int g = 0; g < groups; ++g)
        if (group_size_[g] > 0) add_group(others_, n, turn_count(group_sum_[g], group_size_[g]));
      settle(i, mean_speed(others_, n, cores));
    }
    // A group's threads: the independent ones, the other groups, and their own group size-biased.
    for (int g = 0; g < groups; ++g) {
      if (group_size_[g] == 0) continue;
      std::copy(all_.begin(), all_.begin() + n, without_.begin());
      for (int h = 0; h < groups; ++h)
        if (h != g && group_size_[h] > 0) add_group(without_, n, turn_count(group_sum_[h], group_size_[h]));
      const TurnCount own = turn_count(group_sum_[g], group_size_[g]);
      // Given that this thread is one of the c runnable, c·P(c)/S, and the others are c − 1.
      const double at_low = own.sum > 0 ? (1 - own.up) * own.low / own.sum : 0.0;
      const double at_high = own.sum > 0 ? own.up * (own.low + 1) / own.sum : 1.0;
      double speed = 0, mass = 0;
      for (int m = 0; m < n; ++m) {
        if (own.low >= 1) speed += without_[m] * at_low * core_share(cores, m + own.low - 1);
        speed += without_[m] * at_high * core_share(cores, m + own.low);
        mass += without_[m];
      }
      speed = mass > 0 ? speed / mass : 1.0;
      for (int i = 0; i < k; ++i) {
        if (group_of(i) != g) continue;
        if (cpu[i] <= 0) next_[i] = 0;
        else settle(i, speed);
      }
    }
    for (int i = 0; i < k; ++i) busy[i] = next_[i];
    if (moved < 1e-9) break;
  }
}

}  // namespace flinksim::sim
