#include "model/checkpoint_model.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

namespace flinksim::model {
namespace {

Nanos seconds_to_nanos(double seconds) {
  return static_cast<Nanos>(std::llround(seconds * static_cast<double>(kSecond)));
}

}  // namespace

CheckpointSettings resolve_checkpoint_settings(const FlinkConfig& config) {
  CheckpointSettings s;
  const std::optional<Nanos> interval = config.get_duration_opt(options::kCheckpointInterval);
  s.enabled = interval && *interval > 0;
  s.interval = s.enabled ? *interval : 0;
  s.timeout = config.get_duration(options::kCheckpointTimeout);
  s.min_pause = config.get_duration(options::kCheckpointMinPause);
  s.max_concurrent = config.get_int(options::kCheckpointMaxConcurrent);
  s.tolerable_failures = config.get_int(options::kTolerableFailedCheckpoints);
  std::string mode = config.get_string(options::kCheckpointMode);
  for (char& c : mode) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  s.exactly_once = mode != "AT_LEAST_ONCE";
  // Flink: unaligned checkpoints need EXACTLY_ONCE (at-least-once never blocks channels anyway).
  s.unaligned = s.exactly_once && config.get_bool(options::kUnalignedCheckpoints);
  s.aligned_timeout = config.get_duration(options::kAlignedCheckpointTimeout);
  s.backend = state_backend(config);
  // The heap backend has no incremental snapshots in Flink 1.x (changelog aside).
  s.incremental = s.backend == StateBackend::RocksDb &&
                  config.get_bool(options::kIncrementalCheckpoints);
  return s;
}

Nanos sync_phase(StateBackend backend) {
  return backend == StateBackend::RocksDb ? kSyncPhaseRocksDb : kSyncPhaseHeap;
}

CheckpointEstimate estimate_checkpoint(const CheckpointSettings& settings,
                                       const CheckpointInputs& inputs, double write_bandwidth,
                                       double taskmanager_bandwidth) {
  CheckpointEstimate e;
  e.state_size = inputs.state_size;
  e.checkpointed_size = inputs.checkpointed_size;
  e.sync = sync_phase(settings.backend);
  // AT_LEAST_ONCE never blocks a channel: a barrier waits behind queued data, no alignment.
  const bool blocking = settings.exactly_once && inputs.backpressured;
  if (!blocking) {
    e.alignment = inputs.pipeline_latency;
  } else if (settings.unaligned) {
    // Starts aligned for aligned-checkpoint-timeout (0: unaligned from the start), then the
    // barrier overtakes the queued buffers, which are persisted with the checkpoint.
    e.unaligned = true;
    e.alignment = inputs.pipeline_latency + settings.aligned_timeout;
    e.persisted_data = inputs.in_flight_bytes;
  }
  const double uploaded = e.checkpointed_size + e.persisted_data;
  double upload_s = write_bandwidth > 0 ? uploaded / write_bandwidth : 0.0;
  if (taskmanager_bandwidth > 0) {
    upload_s = std::max(upload_s, inputs.busiest_taskmanager_upload / taskmanager_bandwidth);
  }
  e.async = seconds_to_nanos(upload_s);
  if (e.alignment) e.end_to_end_duration = *e.alignment + e.sync + e.async;
  e.expired = !e.end_to_end_duration || *e.end_to_end_duration > settings.timeout;
  if (!e.expired) {
    const Nanos next = settings.max_concurrent <= 1 ? *e.end_to_end_duration + settings.min_pause
                                                    : settings.min_pause;
    e.effective_interval = std::max(settings.interval, next);
  }
  return e;
}

CheckpointInputs checkpoint_inputs(const CheckpointSettings& settings, const StateLayout& layout,
                                   const SteadyState& steady, const JobGraph& graph,
                                   const Scenario& scenario, Nanos t) {
  CheckpointInputs in;
  const std::vector<TaskManagerState> tms = state_per_taskmanager(layout, t);
  const double interval_s = static_cast<double>(settings.interval) / static_cast<double>(kSecond);
  for (std::size_t tm = 0; tm < tms.size(); ++tm) {
    const double held = tms[tm].heap_state + tms[tm].rocksdb_state;
    double uploaded = held;
    if (settings.incremental && tm < steady.taskmanagers.size()) {
      // steady_state's checkpointUpload is bytes/s averaged over one interval.
      uploaded = std::min(held, steady.taskmanagers[tm].network_out.checkpoint_upload * interval_s);
    }
    in.state_size += held;
    in.checkpointed_size += uploaded;
    in.busiest_taskmanager_upload = std::max(in.busiest_taskmanager_upload, uploaded);
  }
  // Longest path in job edges; vertices are in topological order.
  std::vector<int> depth(graph.vertices.size(), 0);
  int longest = 0;
  for (const JobEdge& edge : graph.edges) {
    depth[edge.target] = std::max(depth[edge.target], depth[edge.source] + 1);
    longest = std::max(longest, depth[edge.target]);
  }
  in.pipeline_latency = longest * scenario.network.hop_latency;
  return in;
}

}  // namespace flinksim::model
