#include "sim/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace flinksim::sim {

std::size_t Histogram::bucket_of(model::Nanos value) {
  const auto v = static_cast<std::uint64_t>(std::max<model::Nanos>(value, 0));
  if (v < static_cast<std::uint64_t>(2 * kSub)) return static_cast<std::size_t>(v);
  const int e = 63 - std::countl_zero(v);  // v in [2^e, 2^(e+1)), e > kSubBits
  const std::uint64_t sub = v >> (e - kSubBits);  // in [kSub, 2·kSub)
  return static_cast<std::size_t>(2 * kSub + (e - kSubBits - 1) * kSub) +
         static_cast<std::size_t>(sub - kSub);
}

model::Nanos Histogram::bucket_lower(std::size_t bucket) {
  if (bucket < static_cast<std::size_t>(2 * kSub)) return static_cast<model::Nanos>(bucket);
  const std::size_t k = bucket - 2 * kSub;
  const int shift = static_cast<int>(k / kSub) + 1;
  const std::uint64_t sub = k % kSub + kSub;
  return static_cast<model::Nanos>(sub << shift);
}

model::Nanos Histogram::bucket_upper(std::size_t bucket) {
  if (bucket + 1 >= kBuckets) return std::numeric_limits<model::Nanos>::max();
  return bucket_lower(bucket + 1);
}

void Histogram::record(model::Nanos value, std::uint64_t count) {
  if (count == 0) return;
  value = std::max<model::Nanos>(value, 0);
  if (count_ == 0 || value < min_) min_ = value;
  if (value > max_) max_ = value;
  count_ += count;
  sum_ += static_cast<unsigned __int128>(value) * count;
  buckets_[bucket_of(value)] += count;
}

void Histogram::merge(const Histogram& other) {
  if (other.count_ == 0) return;
  if (count_ == 0 || other.min_ < min_) min_ = other.min_;
  max_ = std::max(max_, other.max_);
  count_ += other.count_;
  sum_ += other.sum_;
  for (std::size_t i = 0; i < kBuckets; ++i) buckets_[i] += other.buckets_[i];
}

double Histogram::mean() const {
  if (count_ == 0) return 0.0;
  // Split the quotient so no precision is lost to a 128-bit → double conversion of the sum.
  const unsigned __int128 whole = sum_ / count_;
  const unsigned __int128 rest = sum_ % count_;
  return static_cast<double>(whole) + static_cast<double>(rest) / static_cast<double>(count_);
}

double Histogram::quantile(double q) const {
  if (count_ == 0) return 0.0;
  q = std::clamp(q, 0.0, 1.0);
  const auto rank = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_))));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kBuckets; ++i) {
    seen += buckets_[i];
    if (seen >= rank) {
      const double lower = static_cast<double>(bucket_lower(i));
      const double width = static_cast<double>(bucket_upper(i)) - lower;
      const double mid = lower + (width - 1.0) / 2.0;  // middle of the integers it holds
      return std::clamp(mid, static_cast<double>(min_), static_cast<double>(max_));
    }
  }
  return static_cast<double>(max_);
}

}  // namespace flinksim::sim
