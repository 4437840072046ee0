// Metrics as Flink names them, sampled every metrics interval and streamed to the MetricsSink;
// only running sums are kept for the summary, so memory does not grow with the horizon.
#include <algorithm>

#include "sim/checkpoint_summary.h"
#include "sim/state_usage.h"
#include "sim/world.h"

namespace flinksim::sim::detail {

void Engine::record_leave(Nanos origin, std::int64_t count) {
  const auto latency = static_cast<double>(now_ - origin);
  left_total_ += count;
  interval_latency_sum_ += latency * static_cast<double>(count);
  interval_latency_count_ += count;
  interval_latency_max_ = std::max(interval_latency_max_, latency);
  if (now_ >= warmup_) (recovering_ ? recovery_latency_ : latency_).record(now_ - origin, static_cast<std::uint64_t>(count));
  if (options_.sink) interval_latency_.record(now_ - origin, static_cast<std::uint64_t>(count));
}

// Samples the interval (now − period, now]. Intervals that start before the warm-up ends go to
// the sink but not into the summary.
void Engine::metrics_sample(Nanos period) {
  if (period <= 0) return;
  const bool measured = now_ - period >= warmup_;
  const auto dt = static_cast<double>(period);
  const double per_s = 1e9 / dt;
  count_arrivals(now_);
  // Catch-up after a restart ends at the first sample where the job is no further behind than
  // before the failure (failure.cpp).
  if (!failure_done_.empty() || checkpoint_.enabled) {
    behind_recent_[2] = behind_recent_[1];
    behind_recent_[1] = behind_recent_[0];
    behind_recent_[0] = behind();
  }
  if (catching_up_ >= 0 && !job_down_ && behind_recent_[0] <= caught_up_level(recoveries_[catching_up_].lag_before)) {
    RecoveryRecord& r = recoveries_[catching_up_].record;
    r.caught_up = now_;
    r.catch_up = now_ - r.restarted;
    r.total = now_ - r.at;
    catching_up_ = -1;
    recovering_ = false;
  }
  for (auto& s : subtasks_) {
    account(s);
    if (options_.sink) {
      SubtaskSample sample;
      sample.vertex = s.vertex;
      sample.subtask = s.index;
      sample.busy_ms_per_s = s.busy_ns / dt * 1000;
      sample.backpressured_ms_per_s = s.backpressured_ns / dt * 1000;
      sample.idle_ms_per_s = std::max(0.0, 1000 - sample.busy_ms_per_s - sample.backpressured_ms_per_s);
      const bool source = vertices_[s.vertex].is_source;
      sample.records_in_per_s = source ? 0 : static_cast<double>(s.sample_in) * per_s;
      sample.records_out_per_s = static_cast<double>(s.sample_out) * per_s;
      if (source) {
        const auto& src = sources_[&s - subtasks_.data()];
        sample.pending_records = src.arrived - src.taken;
      }
      options_.sink->on_subtask(now_, sample);
    }
    if (measured) {
      s.total_busy_ns += s.busy_ns;
      s.total_backpressured_ns += s.backpressured_ns;
      s.total_ns += dt;
      s.total_in += vertices_[s.vertex].is_source ? 0 : s.sample_in;
      s.total_out += s.sample_out;
    }
    s.busy_ns = s.backpressured_ns = 0;
    s.sample_in = s.sample_out = 0;
  }
  // heapUsed / managedUsed as the state model has them now (state grows with time): once per
  // interval, only when a sink listens.
  std::vector<model::TaskManagerState> state_now;
  if (options_.sink && state_layout_.taskmanagers > 0) state_now = model::state_per_taskmanager(state_layout_, start_ + now_);
  for (int t = 0; t < static_cast<int>(taskmanagers_.size()); ++t) {
    auto& tm = taskmanagers_[t];
    cpu_advance(tm);
    if (options_.sink) {
      TaskManagerSample sample;
      sample.cpu_utilization = tm.cpu_ns / (tm.cores * dt);
      if (static_cast<std::size_t>(t) < state_now.size()) {
        sample.heap_used = static_cast<Bytes>(state_now[t].heap_used);
        sample.managed_used = static_cast<Bytes>(state_now[t].managed_used);
      }
      options_.sink->on_taskmanager(now_, t, sample);
    }
    if (measured) tm.total_cpu_ns += tm.cpu_ns;
    tm.cpu_ns = 0;
  }
  const double throughput = static_cast<double>(interval_taken_) * per_s;
  if (options_.sink) {
    std::int64_t arrived = 0;
    for (const auto& src : sources_) arrived += src.arrived;
    JobSample job;
    job.arrival_rate = static_cast<double>(arrived - arrived_at_sample_) * per_s;
    arrived_at_sample_ = arrived;
    job.throughput = throughput;
    job.latency_mean_ms = interval_latency_count_
                              ? interval_latency_sum_ / static_cast<double>(interval_latency_count_) / 1e6
                              : 0.0;
    job.latency_p50_ms = interval_latency_.quantile(0.5) / 1e6;
    job.latency_p99_ms = interval_latency_.quantile(0.99) / 1e6;
    job.latency_max_ms = interval_latency_max_ / 1e6;
    options_.sink->on_job(now_, job);
    interval_latency_ = Histogram{};
  }
  if (measured) {
    throughput_sum_ += throughput * dt;
    throughput_max_ = std::max(throughput_max_, throughput);
    measured_ns_ += dt;
  }
  interval_taken_ = 0;
  interval_latency_sum_ = interval_latency_max_ = 0;
  interval_latency_count_ = 0;
  last_sample_ = now_;
}

void Engine::metrics_tick() {
  metrics_sample(now_ - last_sample_);
  if (now_ + interval_ <= horizon_) schedule(now_ + interval_, kMetricsTick, 0);
}

RunResult Engine::summarize(double wall_seconds) {
  RunResult r;
  r.throughput_mean = measured_ns_ > 0 ? throughput_sum_ / measured_ns_ : 0;
  r.throughput_max = throughput_max_;
  auto summary = [](const Histogram& h) {
    LatencySummary s;
    s.count = h.count();
    s.mean = h.mean();
    s.p50 = h.quantile(0.5);
    s.p99 = h.quantile(0.99);
    s.max = static_cast<double>(h.max());
    return s;
  };
  r.latency_outside_recovery = summary(latency_);
  if (recovery_latency_.count() == 0) {
    r.latency = r.latency_outside_recovery;
  } else {
    Histogram all = latency_;
    all.merge(recovery_latency_);
    r.latency = summary(all);
  }
  for (int v = 0; v < static_cast<int>(vertices_.size()); ++v) {
    const auto& vs = vertices_[v];
    VertexSummary out;
    out.name = graph_.vertices[v].name;
    out.parallelism = vs.parallelism;
    for (int i = 0; i < vs.parallelism; ++i) {
      const auto& s = subtasks_[vs.first_subtask + i];
      if (s.total_ns <= 0) continue;
      const double busy = s.total_busy_ns / s.total_ns * 1000;
      const double bp = s.total_backpressured_ns / s.total_ns * 1000;
      out.busy_ms_per_s += busy / vs.parallelism;
      out.busy_ms_per_s_max = std::max(out.busy_ms_per_s_max, busy);
      out.backpressured_ms_per_s += bp / vs.parallelism;
      out.idle_ms_per_s += std::max(0.0, 1000 - busy - bp) / vs.parallelism;
      out.records_in_per_s += static_cast<double>(s.total_in) / s.total_ns * 1e9;
      out.records_out_per_s += static_cast<double>(s.total_out) / s.total_ns * 1e9;
    }
    if (vs.is_source) {
      out.pending_records = 0;
      for (int i = 0; i < vs.parallelism; ++i) {
        const auto& src = sources_[vs.first_subtask + i];
        out.pending_records += src.arrived - src.taken;
      }
    }
    r.vertices.push_back(std::move(out));
  }
  for (std::size_t t = 0; t < taskmanagers_.size(); ++t) {
    const auto& tm = taskmanagers_[t];
    TaskManagerSummary summary;
    summary.cpu_utilization = measured_ns_ > 0 ? tm.total_cpu_ns / (tm.cores * measured_ns_) : 0;
    r.taskmanagers.push_back(summary);
  }
  set_state_peaks(state_layout_, start_, start_ + horizon_, r.taskmanagers);
  if (checkpoint_.enabled) summarize_checkpoints(history_, r);
  r.recovery = result_recoveries(recoveries_, ran_no_task_);
  r.job_lost = job_lost_;
  r.events = event_count_;
  r.max_pending = max_pending_;
  r.simulated = horizon_;
  r.wall_seconds = wall_seconds;
  return r;
}

}  // namespace flinksim::sim::detail
