// key_distribution: Flink's key-group ranges, and Zipf key popularity spread over subtasks.
#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>

#include "model/key_distribution.h"

using namespace flinksim::model;

namespace {
double sum(const std::vector<double>& values) {
  return std::accumulate(values.begin(), values.end(), 0.0);
}
}  // namespace

TEST_CASE("shares follow Flink's key-group ranges", "[key_distribution]") {
  // flink-facts.md c.3: with 128 key groups, p=48 owns 2 or 3 groups each.
  const auto fractions = subtask_key_fractions(128, 48);
  CHECK(*std::min_element(fractions.begin(), fractions.end()) == Approx(2.0 / 128));
  CHECK(*std::max_element(fractions.begin(), fractions.end()) == Approx(3.0 / 128));
  CHECK(sum(fractions) == Approx(1.0));
  // Uniform keys load subtasks by the key groups they own.
  const auto shares = subtask_shares(0, 0.0, 128, 48, 1);
  for (std::size_t i = 0; i < shares.size(); ++i) CHECK(shares[i] == Approx(fractions[i]));
}

TEST_CASE("uniform keys: equal shares when key groups divide evenly", "[key_distribution]") {
  const auto shares = subtask_shares(500'000'000, 0.0, 1280, 80, 7);
  REQUIRE(shares.size() == 80);
  for (double share : shares) CHECK(share == Approx(1.0 / 80).epsilon(1e-12));
  // With Flink's default 128 key groups and p = 80, subtasks own 1 or 2 groups: built-in skew.
  const auto uneven = subtask_shares(500'000'000, 0.0, 128, 80, 7);
  CHECK(*std::max_element(uneven.begin(), uneven.end()) == Approx(2.0 / 128));
  CHECK(*std::min_element(uneven.begin(), uneven.end()) == Approx(1.0 / 128));
  CHECK(sum(uneven) == Approx(1.0));
}

TEST_CASE("Zipf skew: shares sum to 1 and the hot subtask gets more", "[key_distribution]") {
  for (std::int64_t keys : {std::int64_t{50}, std::int64_t{10'000}, std::int64_t{10'000'000}}) {
    CAPTURE(keys);
    const auto shares = subtask_shares(keys, 1.2, 128, 8, 42);
    CHECK(sum(shares) == Approx(1.0).epsilon(1e-9));
    // Zipf(1.2): the hottest key alone carries a large share, so its subtask stands out.
    CHECK(*std::max_element(shares.begin(), shares.end()) > 1.5 / 8);
  }
  // Fewer keys than key groups, uniform: some subtasks own no key at all.
  const auto few = subtask_shares(3, 0.0, 128, 16, 42);
  CHECK(sum(few) == Approx(1.0));
  CHECK(std::count(few.begin(), few.end(), 0.0) >= 13);
}

TEST_CASE("key placement is deterministic per seed", "[key_distribution]") {
  const auto a = key_group_shares(1000, 1.0, 128, 1);
  const auto b = key_group_shares(1000, 1.0, 128, 1);
  const auto c = key_group_shares(1000, 1.0, 128, 2);
  CHECK(a == b);
  CHECK(a != c);
}

TEST_CASE("state follows key groups, not traffic", "[key_distribution]") {
  const auto fractions = subtask_key_fractions(128, 80);
  CHECK(sum(fractions) == Approx(1.0));
  CHECK(fractions[0] == Approx(2.0 / 128));  // subtask 0 owns key groups 0 and 1
  CHECK(fractions[1] == Approx(2.0 / 128));  // [ceil(1.6), floor(255/80)] = [2, 3]
  CHECK(fractions[2] == Approx(1.0 / 128));  // [ceil(3.2), floor(383/80)] = [4, 4]
}
