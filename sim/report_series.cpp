#include "sim/report_series.h"

#include <algorithm>

namespace flinksim::sim {

ReportSeries::ReportSeries(const model::JobGraph& graph, int taskmanagers, model::Nanos interval,
                           model::Nanos horizon, int max_points) {
  interval = std::max<model::Nanos>(1, interval);
  const model::Nanos intervals = std::max<model::Nanos>(1, (horizon + interval - 1) / interval);
  const model::Nanos per_point = (intervals + max_points - 1) / max_points;
  span_ = per_point * interval;
  points_ = static_cast<int>((intervals + per_point - 1) / per_point);
  const auto n = static_cast<std::size_t>(points_);
  end_.assign(n, -1);
  job_samples_.assign(n, 0);
  for (auto* v : {&arrival_, &throughput_, &p50_, &p99_, &max_, &lag_}) v->assign(n, 0.0);
  lag_time_.assign(n, -1);
  for (const auto& vertex : graph.vertices) {
    vertices_.push_back({vertex.name, std::vector<double>(n, 0.0), std::vector<double>(n, 0.0)});
    vertex_samples_.emplace_back(n, 0);
  }
  cpu_.assign(static_cast<std::size_t>(taskmanagers), std::vector<double>(n, 0.0));
  cpu_samples_.assign(static_cast<std::size_t>(taskmanagers), std::vector<int>(n, 0));
}

int ReportSeries::point_of(model::Nanos time) const {
  return static_cast<int>(std::clamp<model::Nanos>((time - 1) / span_, 0, points_ - 1));
}

void ReportSeries::on_subtask(model::Nanos time, const SubtaskSample& s) {
  const int p = point_of(time);
  auto& v = vertices_.at(static_cast<std::size_t>(s.vertex));
  v.busy_ms_per_s[p] += s.busy_ms_per_s;
  v.backpressured_ms_per_s[p] += s.backpressured_ms_per_s;
  ++vertex_samples_[s.vertex][p];
  if (s.pending_records >= 0) {
    if (lag_time_[p] != time) {  // a newer interval: its sum replaces the older one
      lag_time_[p] = time;
      lag_[p] = 0;
    }
    lag_[p] += static_cast<double>(s.pending_records);
  }
}

void ReportSeries::on_taskmanager(model::Nanos time, int taskmanager, const TaskManagerSample& sample) {
  const int p = point_of(time);
  cpu_.at(static_cast<std::size_t>(taskmanager))[p] += sample.cpu_utilization;
  ++cpu_samples_[taskmanager][p];
}

void ReportSeries::on_job(model::Nanos time, const JobSample& s) {
  const int p = point_of(time);
  end_[p] = std::max(end_[p], time);
  ++job_samples_[p];
  arrival_[p] += s.arrival_rate;
  throughput_[p] += s.throughput;
  p50_[p] += s.latency_p50_ms;
  p99_[p] = std::max(p99_[p], s.latency_p99_ms);
  max_[p] = std::max(max_[p], s.latency_max_ms);
}

ReportSeries::Series ReportSeries::series() const {
  Series out;
  out.vertices.resize(vertices_.size());
  for (std::size_t v = 0; v < vertices_.size(); ++v) out.vertices[v].name = vertices_[v].name;
  out.taskmanager_cpu.resize(cpu_.size());
  const auto mean = [](double sum, int count) { return count > 0 ? sum / count : 0.0; };
  for (int p = 0; p < points_; ++p) {
    const int n = job_samples_[p];
    if (n == 0) continue;
    out.time_s.push_back(static_cast<double>(end_[p]) / 1e9);
    out.arrival_rate.push_back(arrival_[p] / n);
    out.throughput.push_back(throughput_[p] / n);
    out.latency_p50_ms.push_back(p50_[p] / n);
    out.latency_p99_ms.push_back(p99_[p]);
    out.latency_max_ms.push_back(max_[p]);
    out.source_lag.push_back(lag_[p]);
    for (std::size_t v = 0; v < vertices_.size(); ++v) {
      out.vertices[v].busy_ms_per_s.push_back(mean(vertices_[v].busy_ms_per_s[p], vertex_samples_[v][p]));
      out.vertices[v].backpressured_ms_per_s.push_back(
          mean(vertices_[v].backpressured_ms_per_s[p], vertex_samples_[v][p]));
    }
    for (std::size_t t = 0; t < cpu_.size(); ++t)
      out.taskmanager_cpu[t].push_back(mean(cpu_[t][p], cpu_samples_[t][p]));
  }
  return out;
}

}  // namespace flinksim::sim
