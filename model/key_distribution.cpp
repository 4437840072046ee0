#include "model/key_distribution.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "model/job_graph.h"

namespace flinksim::model {
namespace {

// splitmix64: a stand-in for Flink's murmur hash of key.hashCode(), seeded, so that a rank maps to
// the same key group on every run and every platform.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Σ_{k=a+1}^{b} k^-s by the midpoint rule ∫_{a+½}^{b+½} x^-s dx: within 1e-6 relative for the
// a ≥ 16k tails it is used on.
double zipf_tail(double a, double b, double s) {
  const double lo = a + 0.5;
  const double hi = b + 0.5;
  if (std::abs(s - 1.0) < 1e-12) return std::log(hi / lo);
  return (std::pow(hi, 1.0 - s) - std::pow(lo, 1.0 - s)) / (1.0 - s);
}

}  // namespace

std::vector<double> key_group_shares(std::int64_t key_count, double skew, int max_parallelism,
                                     std::uint64_t seed) {
  assert(max_parallelism >= 1);
  const auto groups = static_cast<std::size_t>(max_parallelism);
  std::vector<double> shares(groups, 0.0);
  const bool many_keys = key_count <= 0 || key_count > kExplicitKeys;
  if (many_keys && skew <= 0.0) {
    std::fill(shares.begin(), shares.end(), 1.0 / static_cast<double>(groups));
    return shares;
  }
  const std::int64_t explicit_keys = many_keys ? kExplicitKeys : key_count;
  double head = 0.0;
  for (std::int64_t rank = 1; rank <= explicit_keys; ++rank) {
    const double weight = std::pow(static_cast<double>(rank), -skew);
    head += weight;
    shares[mix(seed ^ mix(static_cast<std::uint64_t>(rank))) % groups] += weight;
  }
  // key_count ≤ 0 with skew: take a large population; its tail mass is spread evenly.
  const double population = key_count > 0 ? static_cast<double>(key_count) : 1e9;
  const double tail =
      many_keys ? zipf_tail(static_cast<double>(explicit_keys), population, skew) : 0.0;
  const double total = head + tail;
  const double tail_per_group = tail / static_cast<double>(groups);
  for (double& share : shares) share = (share + tail_per_group) / total;
  return shares;
}

std::vector<double> subtask_shares(std::int64_t key_count, double skew, int max_parallelism,
                                   int parallelism, std::uint64_t seed) {
  const std::vector<double> groups = key_group_shares(key_count, skew, max_parallelism, seed);
  std::vector<double> shares(static_cast<std::size_t>(parallelism), 0.0);
  for (int i = 0; i < parallelism; ++i) {
    const KeyGroups range = key_groups_of_subtask(i, parallelism, max_parallelism);
    for (int g = range.first; g <= range.last; ++g) shares[i] += groups[g];
  }
  return shares;
}

std::vector<double> subtask_key_fractions(int max_parallelism, int parallelism) {
  std::vector<double> fractions(static_cast<std::size_t>(parallelism));
  for (int i = 0; i < parallelism; ++i) {
    fractions[i] = static_cast<double>(key_groups_of_subtask(i, parallelism, max_parallelism).count()) /
                   static_cast<double>(max_parallelism);
  }
  return fractions;
}

}  // namespace flinksim::model
