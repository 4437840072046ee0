// water_fill: max-min fair shares with a per-item cap (a TaskManager's cores among its threads,
// one core at most per thread; a gate's read rate among its channels).
#include <catch2/catch.hpp>

#include <vector>

#include "sim/fluid_rates.h"

using flinksim::sim::fluid::kUnbounded;
using flinksim::sim::fluid::water_fill;

namespace {
std::vector<double> fill(std::vector<double> demand, double capacity, double cap, double* level = nullptr) {
  std::vector<double> share(demand.size());
  std::vector<int> order(demand.size());
  const double l = water_fill(demand.data(), share.data(), static_cast<int>(demand.size()), capacity, cap, order.data());
  if (level) *level = l;
  return share;
}
}  // namespace

TEST_CASE("water_fill: enough cores, every demand met and capped at one core", "[fluid][water]") {
  double level = 0;
  const auto s = fill({0.2, 3.0, 0.5}, 4.0, 1.0, &level);
  CHECK(s[0] == 0.2);
  CHECK(s[1] == 1.0);  // a thread never gets more than a core
  CHECK(s[2] == 0.5);
  CHECK(level == kUnbounded);
}

TEST_CASE("water_fill: contention shares max-min fair", "[fluid][water]") {
  // 2 cores, demands 0.2, 0.9, 1 (capped), 0.9: 0.2 met, the other three get 0.6 each.
  double level = 0;
  const auto s = fill({0.2, 0.9, 5.0, 0.9}, 2.0, 1.0, &level);
  CHECK(s[0] == Approx(0.2));
  CHECK(s[1] == Approx(0.6));
  CHECK(s[2] == Approx(0.6));
  CHECK(s[3] == Approx(0.6));
  CHECK(level == Approx(0.6));
  double sum = 0;
  for (double x : s) sum += x;
  CHECK(sum == Approx(2.0));
}

TEST_CASE("water_fill: unbounded demands share what the small ones leave", "[fluid][water]") {
  // A gate reading 1000 records/s: an empty channel asks for its inflow 100, two backlogged
  // channels for all they can get.
  const auto s = fill({100, kUnbounded, kUnbounded}, 1000, kUnbounded);
  CHECK(s[0] == Approx(100));
  CHECK(s[1] == Approx(450));
  CHECK(s[2] == Approx(450));
}

TEST_CASE("water_fill: ties broken by index, so equal inputs give identical shares", "[fluid][water]") {
  const auto a = fill({1, 1, 1}, 1.0, 1.0);
  CHECK(a[0] == a[1]);
  CHECK(a[1] == a[2]);
  CHECK(a[0] == Approx(1.0 / 3));
}
