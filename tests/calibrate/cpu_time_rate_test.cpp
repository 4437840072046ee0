// calibrate/cpu_time_rate: cores used from Status.JVM.CPU.Time between samples, and the readings
// that are no measurement (a repeated cached value, a restarted TaskManager, no clock).
#include "calibrate/cpu_time_rate.h"

#include <catch2/catch.hpp>

using namespace flinksim::calibrate;

namespace {

constexpr double kSecondNs = 1e9;

CpuTimeReading at(std::int64_t ms, double cpu_ns) { return {ms, cpu_ns}; }

}  // namespace

TEST_CASE("cores used: CPU time gained over the time between two readings") {
  // 10 s apart, 20 CPU-seconds more: 2 cores. CPU.Time as Flink answers it, ns since JVM start.
  CHECK(*cores_used_between(at(1'000'000, 45'641.9 * kSecondNs),
                            at(1'010'000, 45'661.9 * kSecondNs)) == Approx(2.0));
  CHECK(*cores_used_between(at(0, 0), at(2'500, 0.5 * kSecondNs)) == Approx(0.2));
}

TEST_CASE("cores used: readings that measure nothing give no figure") {
  const CpuTimeReading base = at(10'000, 100 * kSecondNs);
  // The same cached value twice; a restarted TaskManager (counting from 0 again); no time between
  // them; out of order; no clock (no job's `now`); no CPU.Time (an older snapshot).
  CHECK_FALSE(cores_used_between(base, at(20'000, 100 * kSecondNs)));
  CHECK_FALSE(cores_used_between(base, at(20'000, 3 * kSecondNs)));
  CHECK_FALSE(cores_used_between(base, at(10'000, 120 * kSecondNs)));
  CHECK_FALSE(cores_used_between(base, at(5'000, 120 * kSecondNs)));
  CHECK_FALSE(cores_used_between(base, {std::nullopt, 120 * kSecondNs}));
  CHECK_FALSE(cores_used_between(base, {20'000, std::nullopt}));
}

TEST_CASE("cores used around a reading: the interval ending there, else the one starting there") {
  // 1 core over the first 10 s, then 3 cores.
  const std::vector<CpuTimeReading> series = {at(0, 0), at(10'000, 10 * kSecondNs),
                                              at(20'000, 40 * kSecondNs)};
  CHECK(*cores_used_around(series, 0, 4) == Approx(1.0));  // the first: the interval after it
  CHECK(*cores_used_around(series, 1, 4) == Approx(1.0));
  CHECK(*cores_used_around(series, 2, 4) == Approx(3.0));
  CHECK_FALSE(cores_used_around(series, 3, 4));
  CHECK_FALSE(cores_used_around({at(0, 5 * kSecondNs)}, 0, 4));              // one sample: no rate
  CHECK_FALSE(cores_used_around({at(0, 0), {10'000, std::nullopt}}, 1, 4));  // none in this sample
  // A TaskManager restarted between the second and third sample: no rate across it.
  const std::vector<CpuTimeReading> restart = {
      at(0, 0), at(10'000, 20 * kSecondNs), at(20'000, 5 * kSecondNs), at(30'000, 15 * kSecondNs)};
  CHECK(*cores_used_around(restart, 2, 4) == Approx(1.0));  // (20 s, 30 s] instead
}

TEST_CASE("cores used around a reading: a repeat is Flink's metric cache, timed where it began") {
  // Samples 5 s apart, the JobManager's cache refreshed every 10 s
  // (metrics.fetcher.update-interval): every other sample repeats the value before. The process
  // uses 2 cores throughout.
  const std::vector<CpuTimeReading> series = {
      at(0, 0), at(5'000, 10 * kSecondNs), at(10'000, 10 * kSecondNs), at(15'000, 30 * kSecondNs),
      at(20'000, 30 * kSecondNs)};
  for (std::size_t i = 0; i < series.size(); ++i) {
    INFO("sample " << i);
    CHECK(*cores_used_around(series, i, 4) == Approx(2.0));
  }
  // Timed where they were read instead, (10 s, 15 s] would read 20 CPU-seconds in 5 s: 4 cores.
  CHECK(*cores_used_between(series[2], series[3]) == Approx(4.0));
}

TEST_CASE("cores used around a reading: more cores than there are is a stale first value") {
  // The first sample's CPU time was refreshed long before (nobody read the metrics for a minute):
  // 62 CPU-seconds between the first two samples, 10 s apart, for a 2-core TaskManager.
  const std::vector<CpuTimeReading> series = {at(0, 100 * kSecondNs), at(10'000, 162 * kSecondNs),
                                              at(20'000, 172 * kSecondNs)};
  CHECK(*cores_used_around(series, 0, 0) == Approx(6.2));  // no bound given: taken as it is
  CHECK_FALSE(cores_used_around(series, 0, 2));            // 6.2 of 2 cores: no measurement
  CHECK(*cores_used_around(series, 1, 2) == Approx(1.0));  // (10 s, 20 s] instead
  CHECK(*cores_used_around(series, 2, 2) == Approx(1.0));
  CHECK(*cores_used_around({at(0, 0), at(10'000, 21.5 * kSecondNs)}, 1, 2) ==
        Approx(2.15));  // within 10%
}
