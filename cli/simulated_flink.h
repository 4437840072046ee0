// A simulated cluster seen through Flink's REST API: the answers `flinksim serve` gives, built from
// a scenario's layout (job graph, placement, memory model) and the latest metrics sample of a
// running buffer-level simulation. Shapes follow Flink 1.20's REST API (the answers in
// ../shared/reference/flink-rest/), so `flinksim calibrate --url` reads a simulation exactly as it
// reads a real JobManager — that is the calibration round trip.
//
// What is answered (GET only; anything else is the caller's 405):
//   /overview  /config  /jobmanager/config  /taskmanagers  /taskmanagers/:id  /taskmanagers/:id/metrics
//   /jobs/overview  /jobs/:jid  /jobs/:jid/plan  /jobs/:jid/config  /jobs/:jid/checkpoints
//   /jobs/:jid/checkpoints/config  /jobs/:jid/vertices/:vid  /jobs/:jid/vertices/:vid/metrics
//   /jobs/:jid/vertices/:vid/subtasks/metrics
// Metric values are strings, as Flink's MetricStore answers them. Per subtask: Flink's task metrics
// (busy/back-pressured/idle time, records and bytes in/out per second) and, per chained operator,
// `<operator>.numRecordsIn/OutPerSecond` (the vertex's input rate × the operator's rate factor in
// the chain) and a source's `<operator>.pendingRecords`. Per TaskManager, as Flink's JVM gauges
// read in a pod: Status.JVM.CPU.Time (getProcessCpuTime: the CPU time used since the start, ns,
// an integer as Flink's Long gauge prints it) and Status.JVM.CPU.Load (getProcessCpuLoad: CPU
// used over the latest interval as a share of the HOST's cores, set_node_cores — not the pod's:
// the JDK does not make it container-aware); heap max and managed total from the memory model.
// GET /jobs/:jid answers `now` as the end of the latest interval in simulated ms (start-time 0),
// the clock calibration times samples by. /jobs/:jid/checkpoints answers the checkpoints the engine
// has finished (completed or failed) as Flink's CheckpointingStatistics: counts, a summary over the
// last 10,000 completed, latest completed/failed and the newest `web.checkpoints.history` (10).
//
// Thread safety: the engine thread calls the MetricsSink side; any number of HTTP threads may call
// get() at the same time (a sample is published whole, under a mutex, at the end of an interval).
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "model/job_graph.h"
#include "model/placement.h"
#include "model/scenario.h"
#include "sim/engine.h"

namespace flinksim::cli {

class SimulatedFlink final : public sim::MetricsSink {
 public:
  SimulatedFlink(const model::Scenario& scenario, const model::JobGraph& graph,
                 const model::Placement& placement);

  // Simulated seconds per wall second; 0 = as fast as the engine goes. The engine thread sleeps
  // in on_job (once per metrics interval, never per event) to keep that pace.
  void set_speed(double speed);

  // The cores of the machine (Kubernetes node) each TaskManager runs on: what Status.JVM.CPU.Load
  // is a share of. 0 (the default): the TaskManager's own cores, a host to itself.
  // REQUIRES: 0, or ≥ the scenario's cpu_per_taskmanager.
  void set_node_cores(double cores);

  // MetricsSink: staged per interval, published at on_job (the last call of an interval).
  void on_subtask(model::Nanos time, const sim::SubtaskSample& sample) override;
  void on_taskmanager(model::Nanos time, int taskmanager, const sim::TaskManagerSample& sample) override;
  void on_job(model::Nanos time, const sim::JobSample& sample) override;
  void on_checkpoint(const sim::CheckpointRecord& checkpoint) override;

  struct Answer {
    int status = 200;
    std::string body;
  };
  // `target` is the request path with its query ("/jobs/x/vertices/y/metrics?get=0.busyTimeMsPerSecond").
  Answer get(const std::string& target) const;

  const std::string& job_id() const { return job_id_; }
  const std::string& vertex_id(int vertex) const { return vertex_ids_[vertex]; }
  const std::string& taskmanager_id(int taskmanager) const { return taskmanager_ids_[taskmanager]; }
  model::Nanos simulated_time() const;

  // Asks the engine thread to stop: its next on_job throws Stopped (once per metrics interval,
  // never per event), which unwinds the run.
  struct Stopped {};
  void stop() { stop_ = true; }

 private:
  struct Sample {
    model::Nanos time = -1;
    std::vector<std::vector<sim::SubtaskSample>> subtasks;  // [vertex][subtask]
    std::vector<double> cpu;          // [taskmanager] share of its cores over the last interval
    std::vector<double> cpu_time_ns;  // [taskmanager] CPU used since the start
  };
  std::string subtask_metrics(int vertex, const std::string& ids, const Sample& sample) const;
  std::string aggregated_metrics(int vertex, const std::string& ids, const Sample& sample) const;
  std::string taskmanager_metrics(int taskmanager, const std::string& ids, const Sample& sample) const;
  // The value of one metric of one subtask ("" when this subtask does not have it).
  std::string metric_value(int vertex, int subtask, const std::string& name, const Sample& sample) const;
  int vertex_index(const std::string& id) const;
  std::string checkpoints_answer() const;  // REQUIRES: mutex_ held

  const model::Scenario& scenario_;
  const model::JobGraph& graph_;
  const model::Placement& placement_;
  std::string job_id_;
  std::vector<std::string> vertex_ids_;
  std::vector<std::string> taskmanager_ids_;
  std::vector<double> vertex_record_bytes_;  // bytes per record a vertex emits (0: unknown)

  Sample staging_;
  mutable std::mutex mutex_;
  Sample published_;
  // Checkpoints the engine finished, under mutex_: counts, the window the summary is computed over
  // (completed only) and the newest ones for `history` and `latest`.
  std::int64_t checkpoints_completed_ = 0, checkpoints_failed_ = 0;
  std::vector<sim::CheckpointRecord> checkpoint_window_;  // completed, a ring of kSummaryWindow
  std::size_t checkpoint_window_next_ = 0;
  std::vector<sim::CheckpointRecord> checkpoint_history_;  // newest last, at most the history size
  std::optional<sim::CheckpointRecord> latest_completed_, latest_failed_;

  double node_cores_ = 0;
  double speed_ = 0;
  std::chrono::steady_clock::time_point wall_start_;
  bool paced_ = false;
  std::atomic<bool> stop_{false};
};

}  // namespace flinksim::cli
