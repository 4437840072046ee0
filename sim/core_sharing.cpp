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

}  // namespace

void CoreSharing::solve(const double* cpu, int k, double cores, double* busy) {
  if (k <= 0) return;
  const auto n = static_cast<std::size_t>(k) + 1;
  if (all_.size() < n) {
    all_.resize(n);
    others_.resize(n);
    next_.resize(n);
  }
  double demand = 0;
  for (int i = 0; i < k; ++i) {
    busy[i] = std::min(1.0, std::max(0.0, cpu[i]));
    demand += busy[i];
  }
  // Enough cores for every thread at once: nobody waits.
  if (static_cast<double>(k) <= cores || demand <= 0) return;
  for (int round = 0; round < 200; ++round) {
    // The distribution of how many threads are runnable, all k of them.
    std::fill(all_.begin(), all_.begin() + static_cast<long>(n), 0.0);
    all_[0] = 1;
    for (int j = 0; j < k; ++j) {
      const double p = busy[j];
      for (int m = j + 1; m >= 1; --m) all_[m] = all_[m] * (1 - p) + all_[m - 1] * p;
      all_[0] *= 1 - p;
    }
    double moved = 0;
    for (int i = 0; i < k; ++i) {
      if (cpu[i] <= 0) {
        next_[i] = 0;
        continue;
      }
      remove_thread(all_, k, busy[i], others_);
      double speed = 0, mass = 0;
      for (int m = 0; m < k; ++m) {
        speed += others_[m] * std::min(1.0, cores / static_cast<double>(1 + m));
        mass += others_[m];
      }
      speed = mass > 0 ? speed / mass : 1.0;  // renormalised against rounding in the deconvolution
      next_[i] = std::min(1.0, cpu[i] / speed);
      moved = std::max(moved, std::abs(next_[i] - busy[i]));
    }
    for (int i = 0; i < k; ++i) busy[i] = next_[i];
    if (moved < 1e-9) break;
  }
}

}  // namespace flinksim::sim
