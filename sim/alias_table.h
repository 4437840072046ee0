// Walker's alias method: draws an index with given probabilities in O(1) per draw (one uniform,
// one comparison), after O(n) set-up. Used for HASH partitioning with skewed key-group shares.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/rng.h"

namespace flinksim::sim {

class AliasTable {
 public:
  AliasTable() = default;
  // REQUIRES: weights non-empty, non-negative, with a positive sum (they need not sum to 1).
  explicit AliasTable(const std::vector<double>& weights);

  std::uint32_t draw(Rng& rng) const {
    const double u = rng.uniform() * static_cast<double>(prob_.size());
    auto i = static_cast<std::uint32_t>(u);
    if (i >= prob_.size()) i = static_cast<std::uint32_t>(prob_.size() - 1);
    return (u - i) < prob_[i] ? i : alias_[i];
  }
  std::size_t size() const { return prob_.size(); }

 private:
  std::vector<double> prob_;
  std::vector<std::uint32_t> alias_;
};

}  // namespace flinksim::sim
