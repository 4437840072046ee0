// ReportSeries pools metrics intervals into a bounded number of points: means for rates and busy
// time, the worst interval for p99 and max, the latest interval for source lag.
#include "sim/report_series.h"

#include <catch2/catch.hpp>

using namespace flinksim;
using model::kSecond;

namespace {

model::JobGraph two_vertices() {
  model::JobGraph graph;
  graph.vertices.resize(2);
  graph.vertices[0].name = "source";
  graph.vertices[0].parallelism = 2;
  graph.vertices[0].is_source = true;
  graph.vertices[1].name = "sink";
  graph.vertices[1].parallelism = 1;
  return graph;
}

// One metrics interval ending at `t` seconds, every figure derived from `x`.
void feed(sim::ReportSeries& r, int t, double x) {
  const model::Nanos time = t * kSecond;
  for (int i = 0; i < 2; ++i) {
    sim::SubtaskSample s;
    s.vertex = 0;
    s.subtask = i;
    s.busy_ms_per_s = x + i;  // subtasks differ: the point holds their mean
    s.pending_records = static_cast<std::int64_t>(10 * x);
    r.on_subtask(time, s);
  }
  sim::SubtaskSample sink;
  sink.vertex = 1;
  sink.backpressured_ms_per_s = 2 * x;
  r.on_subtask(time, sink);
  r.on_taskmanager(time, 0, {x / 100, 0, 0});
  sim::JobSample job;
  job.arrival_rate = 100 * x;
  job.throughput = 90 * x;
  job.latency_p50_ms = x;
  job.latency_p99_ms = 5 * x;
  job.latency_max_ms = 7 * x;
  r.on_job(time, job);
}

}  // namespace

TEST_CASE("one point per interval when the run is short") {
  sim::ReportSeries r(two_vertices(), 1, kSecond, 3 * kSecond, 10);
  for (int t = 1; t <= 3; ++t) feed(r, t, t);
  const auto s = r.series();
  REQUIRE(s.time_s == std::vector<double>{1, 2, 3});
  CHECK(s.arrival_rate == std::vector<double>{100, 200, 300});
  CHECK(s.vertices[0].busy_ms_per_s == std::vector<double>{1.5, 2.5, 3.5});
  CHECK(s.vertices[1].backpressured_ms_per_s == std::vector<double>{2, 4, 6});
  CHECK(s.source_lag == std::vector<double>{20, 40, 60});  // Σ over the two source subtasks
  CHECK(s.taskmanager_cpu[0] == std::vector<double>{0.01, 0.02, 0.03});
}

TEST_CASE("a long run is pooled into at most max_points points") {
  // 100 intervals into at most 10 points: 10 intervals each.
  sim::ReportSeries r(two_vertices(), 1, kSecond, 100 * kSecond, 10);
  for (int t = 1; t <= 100; ++t) feed(r, t, t);
  const auto s = r.series();
  REQUIRE(s.time_s.size() == 10);
  CHECK(s.time_s.front() == 10);
  CHECK(s.time_s.back() == 100);
  // First point pools t = 1..10: means of rates and busy time, the worst p99/max, the last lag.
  CHECK(s.throughput[0] == Approx(90 * 5.5));
  CHECK(s.latency_p50_ms[0] == Approx(5.5));
  CHECK(s.latency_p99_ms[0] == Approx(50));
  CHECK(s.latency_max_ms[0] == Approx(70));
  CHECK(s.vertices[0].busy_ms_per_s[0] == Approx(6.0));
  CHECK(s.source_lag[0] == Approx(200));
  CHECK(s.taskmanager_cpu[0][9] == Approx(0.955));
}

TEST_CASE("intervals past the expected horizon land in the last point, nothing is dropped") {
  sim::ReportSeries r(two_vertices(), 1, kSecond, 4 * kSecond, 2);
  for (int t = 1; t <= 6; ++t) feed(r, t, t);
  const auto s = r.series();
  REQUIRE(s.time_s.size() == 2);
  CHECK(s.time_s.back() == 6);
  CHECK(s.arrival_rate.back() == Approx(100 * (3 + 4 + 5 + 6) / 4.0));
}
