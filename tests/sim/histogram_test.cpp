// The latency histogram against exact statistics of the same sorted sample.
#include "sim/histogram.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

using flinksim::model::Nanos;
using flinksim::sim::Histogram;

namespace {

double uniform01(std::mt19937_64& gen) { return static_cast<double>(gen() >> 11) * 0x1.0p-53; }

// The nearest-rank quantile, with the rank computed exactly as the histogram documents it.
Nanos exact_quantile(const std::vector<Nanos>& sorted, double q) {
  const auto rank = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(sorted.size()))));
  return sorted[rank - 1];
}

void check_against_sample(const std::vector<Nanos>& sample) {
  Histogram h;
  long double sum = 0;
  for (Nanos v : sample) {
    h.record(v);
    sum += v;
  }
  std::vector<Nanos> sorted = sample;
  std::sort(sorted.begin(), sorted.end());
  REQUIRE(h.count() == sample.size());
  CHECK(h.min() == sorted.front());
  CHECK(h.max() == sorted.back());
  CHECK(h.mean() == Approx(static_cast<double>(sum / sample.size())).epsilon(1e-12));
  for (double q : {0.0, 0.001, 0.01, 0.25, 0.5, 0.9, 0.99, 0.999, 1.0}) {
    const double exact = static_cast<double>(exact_quantile(sorted, q));
    INFO("q = " << q << ", exact = " << exact << ", histogram = " << h.quantile(q));
    CHECK(std::abs(h.quantile(q) - exact) <= exact / 256.0 + 1e-9);
  }
}

}  // namespace

TEST_CASE("bucket boundaries tile the range with width at most 1/128 of the lower bound",
          "[histogram]") {
  for (std::size_t b = 0; b < Histogram::kBuckets; ++b) {
    const Nanos lo = Histogram::bucket_lower(b);
    const Nanos hi = Histogram::bucket_upper(b);
    INFO("bucket " << b);
    REQUIRE(lo < hi);
    REQUIRE(Histogram::bucket_of(lo) == b);
    REQUIRE(Histogram::bucket_of(hi - 1) == b);
    if (b + 1 < Histogram::kBuckets) REQUIRE(Histogram::bucket_lower(b + 1) == hi);
    if (lo >= 256) REQUIRE(static_cast<double>(hi - lo) <= static_cast<double>(lo) / 128.0);
  }
  CHECK(Histogram::bucket_of(std::numeric_limits<Nanos>::max()) == Histogram::kBuckets - 1);
  CHECK(Histogram::bucket_of(255) == 255);  // small values are exact
}

TEST_CASE("quantiles of an exponential sample are within 0.4% of the exact ones", "[histogram]") {
  std::mt19937_64 gen(7001);  // seed 7001
  std::vector<Nanos> sample;
  for (int i = 0; i < 200'000; ++i)
    sample.push_back(static_cast<Nanos>(-1e6 * std::log1p(-uniform01(gen))));  // mean 1 ms
  check_against_sample(sample);
}

TEST_CASE("quantiles of a wide lognormal sample, small values included", "[histogram]") {
  std::mt19937_64 gen(7002);  // seed 7002
  std::vector<Nanos> sample;
  for (int i = 0; i < 100'000; ++i) {
    const double u1 = 1.0 - uniform01(gen), u2 = uniform01(gen);
    const double z = std::sqrt(-2 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    sample.push_back(static_cast<Nanos>(std::exp(8.0 + 4.0 * z)));  // from 0 ns to hours
  }
  check_against_sample(sample);
}

TEST_CASE("merge equals recording everything in one histogram", "[histogram]") {
  std::mt19937_64 gen(7003);  // seed 7003
  Histogram a, b, all;
  for (int i = 0; i < 50'000; ++i) {
    const auto v = static_cast<Nanos>(gen() % 10'000'000);
    (i % 3 == 0 ? a : b).record(v);
    all.record(v);
  }
  a.merge(b);
  CHECK(a.count() == all.count());
  CHECK(a.mean() == all.mean());
  CHECK(a.min() == all.min());
  CHECK(a.max() == all.max());
  for (double q : {0.1, 0.5, 0.99}) CHECK(a.quantile(q) == all.quantile(q));
}

TEST_CASE("weighted records, empty histogram, huge values", "[histogram]") {
  Histogram h;
  CHECK(h.count() == 0);
  CHECK(h.mean() == 0);
  CHECK(h.quantile(0.5) == 0);
  h.record(100, 3);
  h.record(1'000'000, 1);
  CHECK(h.count() == 4);
  CHECK(h.mean() == Approx((300.0 + 1e6) / 4));
  CHECK(h.quantile(0.75) == 100);
  CHECK(h.quantile(0.76) == Approx(1e6).epsilon(1.0 / 256));
  const Nanos big = std::numeric_limits<Nanos>::max() / 2;
  h.record(big, 1'000);  // the 128-bit sum does not overflow
  CHECK(h.mean() == Approx(static_cast<double>(big) * 1000 / 1004).epsilon(1e-9));
  CHECK(h.max() == big);
}
