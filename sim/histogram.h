// A bounded log-linear histogram of non-negative durations (HdrHistogram's layout): count, sum,
// min and max are exact; quantiles come from buckets whose width is at most 1/128 of their lower
// bound, so a quantile is within 1/256 (0.4%) of the exact sample quantile it stands for.
//
// Layout: values below 256 ns each have their own bucket (exact). Above, every octave
// [2^e, 2^(e+1)) is cut into 128 equal buckets. That covers every Nanos value in 7296 buckets
// (57 KiB), whatever the number of samples.
//
// Quantile definition: the nearest-rank quantile of the recorded sample, i.e. the value of rank
// max(1, ⌈q·count⌉) in sorted order, reported as its bucket's midpoint clamped to [min, max].
//
// Complexity: record O(1) (a count-leading-zeros and an add); quantile O(buckets) = O(7296);
// merge O(buckets); mean, min, max, count O(1).
//
// Thread safety: none; one histogram per run, merge() to combine runs.
#pragma once

#include <array>
#include <cstdint>

#include "model/units.h"

namespace flinksim::sim {

class Histogram {
 public:
  static constexpr int kSubBits = 7;                  // 128 buckets per octave
  static constexpr std::int64_t kSub = 1 << kSubBits;
  static constexpr std::size_t kBuckets = 2 * kSub + (62 - kSubBits) * kSub;  // 7296

  // Records `count` samples of `value`. REQUIRES: value ≥ 0 (negative values count as 0).
  void record(model::Nanos value, std::uint64_t count = 1);

  // Adds every sample of `other`, as if it had been recorded here.
  void merge(const Histogram& other);

  std::uint64_t count() const { return count_; }
  // Exact mean (from a 128-bit running sum); 0 when empty.
  double mean() const;
  model::Nanos min() const { return count_ ? min_ : 0; }
  model::Nanos max() const { return max_; }
  // The nearest-rank q-quantile, 0 ≤ q ≤ 1, within 1/256 relative error; 0 when empty.
  double quantile(double q) const;

  // The bucket of a value and the range [lower, upper) it covers (exposed for tests).
  static std::size_t bucket_of(model::Nanos value);
  static model::Nanos bucket_lower(std::size_t bucket);
  static model::Nanos bucket_upper(std::size_t bucket);

 private:
  std::array<std::uint64_t, kBuckets> buckets_{};
  std::uint64_t count_ = 0;
  unsigned __int128 sum_ = 0;
  model::Nanos min_ = 0, max_ = 0;
};

}  // namespace flinksim::sim
