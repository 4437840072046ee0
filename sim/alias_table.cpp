#include "sim/alias_table.h"

#include <cassert>

namespace flinksim::sim {

// Vose's stable variant: small and large work lists, leftovers get probability 1.
AliasTable::AliasTable(const std::vector<double>& weights)
    : prob_(weights.size(), 1.0), alias_(weights.size(), 0) {
  assert(!weights.empty());
  double sum = 0;
  for (double w : weights) sum += w;
  assert(sum > 0);
  const double n = static_cast<double>(weights.size());
  std::vector<double> scaled(weights.size());
  std::vector<std::uint32_t> small, large;
  for (std::uint32_t i = 0; i < weights.size(); ++i) {
    scaled[i] = weights[i] * n / sum;
    (scaled[i] < 1.0 ? small : large).push_back(i);
  }
  while (!small.empty() && !large.empty()) {
    const std::uint32_t s = small.back();
    small.pop_back();
    const std::uint32_t l = large.back();
    prob_[s] = scaled[s];
    alias_[s] = l;
    scaled[l] -= 1.0 - scaled[s];
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  for (auto i : small) prob_[i] = 1.0, alias_[i] = i;
  for (auto i : large) prob_[i] = 1.0, alias_[i] = i;
}

}  // namespace flinksim::sim
