// Random numbers for the engine: a small, fast generator (xoshiro256**) seeded per entity through
// splitmix64, so that each source, subtask and partitioner draws from its own stream and a result
// does not depend on how events of different entities interleave.
//
// Invariant: the same (seed, stream) pair always yields the same sequence, on every platform
// (no std::*_distribution, whose algorithms differ between standard libraries).
#pragma once

#include <cmath>
#include <cstdint>

namespace flinksim::sim {

// Sebastiano Vigna's splitmix64: a seed expander, also a decent hash of 64-bit integers.
constexpr std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Stream ids name what an entity draws for, so two entities never share a stream.
enum class Stream : std::uint64_t {
  kArrivals = 1,
  kCost = 2,
  kRouting = 3,
  kCheckpoint = 4,
  kFlusher = 5,
  kRecordSize = 6
};

class Rng {
 public:
  Rng() = default;
  // REQUIRES: nothing; any seed is fine (splitmix64 never yields an all-zero state in practice).
  Rng(std::uint64_t seed, Stream stream, std::uint64_t entity) {
    std::uint64_t x = seed ^ (static_cast<std::uint64_t>(stream) << 56) ^ (entity * 0x2545F4914F6CDD1DULL);
    for (auto& word : s_) word = splitmix64(x);
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1), 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // Uniform integer in [0, n). REQUIRES: n > 0. (Lemire's multiply-shift; bias < n / 2^64.)
  std::uint32_t below(std::uint32_t n) {
    return static_cast<std::uint32_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
  }
  // Exponential with the given mean.
  double exponential(double mean) { return -mean * std::log(1.0 - uniform()); }
  // Standard normal (Box–Muller; one of the pair is dropped to keep the generator stateless).
  double normal() {
    const double u1 = 1.0 - uniform();  // (0, 1]
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  // A lognormal's parameters in log space (mu, sigma of the underlying normal) for a mean and a
  // coefficient of variation: a log1p, a log and a sqrt that a caller drawing often computes once.
  struct LognormalParams {
    double mu = 0, sigma = 0;
  };
  static LognormalParams lognormal_params(double mean, double cv) {
    const double sigma2 = std::log1p(cv * cv);
    return {std::log(mean) - 0.5 * sigma2, std::sqrt(sigma2)};
  }
  double lognormal(const LognormalParams& p) { return std::exp(p.mu + p.sigma * normal()); }
  // Lognormal with the given mean and coefficient of variation.
  double lognormal(double mean, double cv) { return lognormal(lognormal_params(mean, cv)); }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4] = {1, 2, 3, 4};
};

}  // namespace flinksim::sim
