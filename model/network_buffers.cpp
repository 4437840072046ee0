// Network buffer needs of a placed job, per TaskManager (see network_buffers.h for the rules and
// the Flink classes they come from).
#include "model/network_buffers.h"

#include <algorithm>
#include <cassert>
#include <limits>

namespace flinksim::model {
namespace {

// Replays deployment on one TaskManager's NetworkBufferPool: every pool minimum and exclusive
// request adds to the reserved count (Flink: NetworkBufferPool.numTotalRequiredBuffers), and the
// first request that does not fit is the one Flink's exception names.
struct PoolReplay {
  std::int64_t available = 0;
  Bytes segment_size = 0;
  std::int64_t reserved = 0;
  std::string error;

  void request(std::int64_t buffers) {
    if (error.empty() && reserved + buffers > available) {
      error = insufficient_buffers_message(buffers, std::max<std::int64_t>(available - reserved, 0),
                                           available, segment_size);
    }
    reserved += buffers;
  }
};

}  // namespace

NetworkBufferSettings network_buffer_settings(const FlinkConfig& config) {
  NetworkBufferSettings settings;
  settings.buffers_per_channel = static_cast<int>(config.get_int(options::kBuffersPerChannel));
  settings.floating_per_gate = static_cast<int>(config.get_int(options::kFloatingBuffersPerGate));
  if (auto cap = config.get_int_opt(options::kReadBufferRequiredPerGateMax)) {
    settings.required_per_gate_max = static_cast<int>(*cap);
  }
  settings.segment_size = config.get_memory(options::kTmSegmentSize);
  return settings;
}

SubtaskRange subpartitions_of(const JobGraph& graph, const JobEdge& edge, int upstream) {
  const int p_up = graph.vertices[edge.source].parallelism;
  const int p_down = graph.vertices[edge.target].parallelism;
  if (edge.all_to_all()) return {0, p_down};
  return pointwise_consumers(upstream, p_up, p_down);
}

SubtaskRange channels_of(const JobGraph& graph, const JobEdge& edge, int downstream) {
  const int p_up = graph.vertices[edge.source].parallelism;
  const int p_down = graph.vertices[edge.target].parallelism;
  if (edge.all_to_all()) return {0, p_up};
  return pointwise_producers(downstream, p_up, p_down);
}

bool is_local_channel(const Placement& placement, const JobEdge& edge, int upstream,
                      int downstream) {
  const int a = placement.taskmanager_of[edge.source][upstream];
  const int b = placement.taskmanager_of[edge.target][downstream];
  assert(a >= 0 && b >= 0);
  return a == b;
}

PartitionBuffers partition_buffers(const NetworkBufferSettings& settings, int subpartitions) {
  // Flink: NettyShuffleUtils.getMinMaxNetworkBuffersPerResultPartition (pipelined bounded).
  return {subpartitions, subpartitions + 1,
          subpartitions * settings.buffers_per_channel + settings.floating_per_gate};
}

GateBuffers gate_buffers(const NetworkBufferSettings& settings, int channels, int remote_channels) {
  assert(channels >= 1 && remote_channels >= 0 && remote_channels <= channels);
  // Flink: InputGateSpecUtils.createGateBuffersSpec (1.x); streaming has no cap unless configured.
  const std::int64_t per_channel = settings.buffers_per_channel;
  const std::int64_t cap = settings.required_per_gate_max.value_or(std::numeric_limits<int>::max());
  const std::int64_t required = std::min(cap, channels * per_channel + 1);
  const std::int64_t exclusive = std::min(per_channel, std::max<std::int64_t>(required - 1, 0) / channels);
  const std::int64_t total = channels * per_channel + settings.floating_per_gate;
  GateBuffers gate;
  gate.channels = channels;
  gate.remote_channels = remote_channels;
  gate.exclusive_per_channel = static_cast<int>(exclusive);
  gate.floating_required = static_cast<int>(required - exclusive * channels);
  gate.floating_max = static_cast<int>(total - exclusive * channels);
  gate.required = gate.floating_required + gate.exclusive_per_channel * remote_channels;
  gate.target = gate.floating_max + gate.exclusive_per_channel * remote_channels;
  return gate;
}

bool NetworkBufferReport::sufficient() const {
  return std::all_of(taskmanagers.begin(), taskmanagers.end(),
                     [](const TaskManagerBuffers& tm) { return tm.sufficient(); });
}

std::string NetworkBufferReport::first_error() const {
  for (const TaskManagerBuffers& tm : taskmanagers) {
    if (!tm.error.empty()) return tm.error;
  }
  return "";
}

NetworkBufferReport network_buffer_needs(const JobGraph& graph, const Placement& placement,
                                         const NetworkBufferSettings& settings,
                                         std::int64_t available_per_taskmanager) {
  NetworkBufferReport report;
  const int ntm = placement.taskmanagers;
  report.taskmanagers.assign(ntm, {});
  PoolReplay empty;
  empty.available = available_per_taskmanager;
  empty.segment_size = settings.segment_size;
  std::vector<PoolReplay> pools(ntm, empty);

  // Deployment order: vertices topologically, subtasks by index; a task sets up its result
  // partitions, then its input gates (Flink: Task.setupPartitionsAndGates).
  for (std::size_t v = 0; v < graph.vertices.size(); ++v) {
    const JobVertex& vertex = graph.vertices[v];
    for (int i = 0; i < vertex.parallelism; ++i) {
      const int tm = placement.taskmanager_of[v][i];
      if (tm < 0) continue;
      TaskManagerBuffers& out = report.taskmanagers[tm];
      PoolReplay& pool = pools[tm];
      for (int e : vertex.outputs) {
        const PartitionBuffers p =
            partition_buffers(settings, subpartitions_of(graph, graph.edges[e], i).size());
        out.required += p.required;
        out.required_all_remote += p.required;
        out.target += p.max;
        pool.request(p.required);
      }
      for (int e : vertex.inputs) {
        const JobEdge& edge = graph.edges[e];
        const SubtaskRange from = channels_of(graph, edge, i);
        int remote = 0;
        for (int u = from.first; u < from.end; ++u) {
          const int up_tm = placement.taskmanager_of[edge.source][u];
          remote += up_tm != tm ? 1 : 0;  // an unplaced producer cannot be local
        }
        const GateBuffers gate = gate_buffers(settings, from.size(), remote);
        out.required += gate.required;
        out.target += gate.target;
        out.required_all_remote += gate_buffers(settings, from.size(), from.size()).required;
        pool.request(gate.floating_required);
        for (int r = 0; r < remote && gate.exclusive_per_channel > 0; ++r) {
          pool.request(gate.exclusive_per_channel);  // one request per RemoteInputChannel
        }
      }
    }
  }
  for (int t = 0; t < ntm; ++t) {
    report.taskmanagers[t].available = available_per_taskmanager;
    report.taskmanagers[t].error = pools[t].error;
  }
  return report;
}

std::string insufficient_buffers_message(std::int64_t required, std::int64_t available,
                                         std::int64_t total, Bytes segment_size) {
  return "Insufficient number of network buffers: required " + std::to_string(required) +
         ", but only " + std::to_string(available) +
         " available. The total number of network buffers is currently set to " +
         std::to_string(total) + " of " + std::to_string(segment_size) +
         " bytes each. You can increase this number by setting the configuration keys "
         "'taskmanager.memory.network.fraction', 'taskmanager.memory.network.min', and "
         "'taskmanager.memory.network.max'.";
}

}  // namespace flinksim::model
