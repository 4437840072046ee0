// End-to-end latency of records leaving the job: count, mean, max exactly, and quantiles from a
// bounded log-linear histogram (memory independent of the number of records).
//
// Interim: a local histogram, until sim/histogram.h (the shared one) lands.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>

namespace flinksim::sim {

class LatencyStats {
 public:
  // Records `count` records of latency `ns` (≥ 0).
  void add(double ns, std::int64_t count = 1) {
    if (count <= 0) return;
    count_ += count;
    sum_ += ns * static_cast<double>(count);
    if (ns > max_) max_ = ns;
    buckets_[bucket(ns)] += count;
  }
  std::uint64_t count() const { return static_cast<std::uint64_t>(count_); }
  double mean() const { return count_ ? sum_ / static_cast<double>(count_) : 0.0; }
  double max() const { return max_; }
  // The q-quantile (0 ≤ q ≤ 1), to within 1/kSub relative error.
  double quantile(double q) const {
    if (!count_) return 0.0;
    const double rank = q * static_cast<double>(count_);
    std::int64_t seen = 0;
    for (std::size_t i = 0; i < buckets_.size(); ++i) {
      seen += buckets_[i];
      if (static_cast<double>(seen) >= rank && buckets_[i] > 0) {
        const double mid = midpoint(i);
        return mid > max_ ? max_ : mid;
      }
    }
    return max_;
  }

 private:
  // Octaves of ns from 1 ns to 2^48 ns (~3 days), each cut into kSub linear sub-buckets.
  static constexpr int kSub = 64;
  static constexpr int kOctaves = 48;
  static std::size_t bucket(double ns) {
    if (ns < 1.0) return 0;
    int exp = 0;
    const double frac = std::frexp(ns, &exp);  // ns = frac × 2^exp, frac in [0.5, 1)
    if (exp > kOctaves) return kSub * kOctaves;
    const int sub = static_cast<int>((frac - 0.5) * 2 * kSub);
    return static_cast<std::size_t>(exp - 1) * kSub + static_cast<std::size_t>(sub) + 1;
  }
  static double midpoint(std::size_t i) {
    if (i == 0) return 0.5;
    const std::size_t k = i - 1;
    const int exp = static_cast<int>(k / kSub) + 1;
    const double frac = 0.5 + (static_cast<double>(k % kSub) + 0.5) / (2.0 * kSub);
    return std::ldexp(frac, exp);
  }
  std::int64_t count_ = 0;
  double sum_ = 0, max_ = 0;
  std::array<std::int64_t, kSub * kOctaves + 1> buckets_{};
};

}  // namespace flinksim::sim
