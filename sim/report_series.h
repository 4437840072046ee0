// The time series a report draws, collected from a run as it goes (a MetricsSink) and downsampled
// so the report stays small whatever the horizon: consecutive metrics intervals are pooled into at
// most `max_points` points per series. Memory: (vertices + TaskManagers + 6) × points doubles.
//
// Pooling per point: rates, busy/back-pressured time, CPU and latency p50 are means over the
// intervals pooled; latency p99 and max are the worst interval's (a conservative reading: a p99
// averaged over intervals would hide the bad minute); source lag (Σ pendingRecords) is the last
// interval's. Busy and back-pressured time are means over the vertex's subtasks.
#pragma once

#include <string>
#include <vector>

#include "model/job_graph.h"
#include "sim/engine.h"

namespace flinksim::sim {

class ReportSeries final : public MetricsSink {
 public:
  struct VertexSeries {
    std::string name;
    std::vector<double> busy_ms_per_s;           // busyTimeMsPerSecond, mean over subtasks
    std::vector<double> backpressured_ms_per_s;  // backPressuredTimeMsPerSecond, mean over subtasks
  };

  // `interval`: the metrics interval; `horizon`: the run's simulated time (both > 0).
  ReportSeries(const model::JobGraph& graph, int taskmanagers, model::Nanos interval, model::Nanos horizon,
               int max_points = 720);

  void on_subtask(model::Nanos time, const SubtaskSample& sample) override;
  void on_taskmanager(model::Nanos time, int taskmanager, const TaskManagerSample& sample) override;
  void on_job(model::Nanos time, const JobSample& sample) override;

  // The end of each point's time span, in seconds from the run's start; then each series, one value
  // per point (points no interval fell into are dropped).
  struct Series {
    std::vector<double> time_s;
    std::vector<double> arrival_rate, throughput, latency_p50_ms, latency_p99_ms, latency_max_ms;
    std::vector<double> source_lag;  // Σ pendingRecords over source subtasks
    std::vector<VertexSeries> vertices;
    std::vector<std::vector<double>> taskmanager_cpu;  // per TaskManager: CPU used ÷ cores
  };
  Series series() const;

 private:
  int point_of(model::Nanos time) const;

  model::Nanos span_;  // metrics time per point (a whole number of intervals)
  int points_;
  std::vector<model::Nanos> end_;        // per point: the latest interval end seen
  std::vector<int> job_samples_;         // per point: intervals pooled
  std::vector<double> arrival_, throughput_, p50_, p99_, max_;
  std::vector<double> lag_;              // per point: Σ pending of the latest interval
  std::vector<model::Nanos> lag_time_;   // per point: the interval `lag_` belongs to
  std::vector<VertexSeries> vertices_;   // sums until series()
  std::vector<std::vector<int>> vertex_samples_;  // per vertex, per point: subtask samples pooled
  std::vector<std::vector<double>> cpu_;
  std::vector<std::vector<int>> cpu_samples_;
};

// Sends every sample to several sinks (e.g. CSV files and a report), in order.
class MetricsTee final : public MetricsSink {
 public:
  explicit MetricsTee(std::vector<MetricsSink*> sinks) : sinks_(std::move(sinks)) {}
  void on_subtask(model::Nanos time, const SubtaskSample& s) override {
    for (auto* sink : sinks_) sink->on_subtask(time, s);
  }
  void on_taskmanager(model::Nanos time, int tm, const TaskManagerSample& s) override {
    for (auto* sink : sinks_) sink->on_taskmanager(time, tm, s);
  }
  void on_job(model::Nanos time, const JobSample& s) override {
    for (auto* sink : sinks_) sink->on_job(time, s);
  }
  void on_checkpoint(const CheckpointRecord& c) override {
    for (auto* sink : sinks_) sink->on_checkpoint(c);
  }

 private:
  std::vector<MetricsSink*> sinks_;
};

}  // namespace flinksim::sim
