// Network buffers a placed job needs on each TaskManager, against what its NetworkBufferPool
// holds (flink-facts.md b). Per subtask, as Flink's 1.x Netty shuffle sets them up:
//  - each result partition (one per output job edge) with S subpartitions is a LocalBufferPool of
//    min S + 1 and max S × buffers-per-channel + floating-buffers-per-gate
//    (NettyShuffleUtils.getMinMaxNetworkBuffersPerResultPartition); sinks have none;
//  - each input gate (one per input job edge) with C channels (InputGateSpecUtils): required
//    R = min(read-buffer.required-per-gate.max, C × buffers-per-channel + 1), exclusive per
//    channel e = min(buffers-per-channel, (R − 1) / C), a floating pool of min R − e·C and max
//    C × buffers-per-channel + floating − e·C. Only REMOTE channels take their e exclusive buffers
//    (RemoteInputChannel.setup; a LocalInputChannel reads the producer's buffers), so a gate
//    requires (R − e·C) + e × remote channels: 2·remote + 1 by default. Sources have no gate.
// "required" is what deployment must reserve (short of it Flink fails the task with an
// IOException); "target" is what the pools may grow to (short of it costs only throughput).
// Overdraft buffers (best effort) are left out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/flink_config.h"
#include "model/job_graph.h"
#include "model/placement.h"

namespace flinksim::model {

struct NetworkBufferSettings {
  int buffers_per_channel = 2;       // taskmanager.network.memory.buffers-per-channel
  int floating_per_gate = 8;         // ...floating-buffers-per-gate
  std::optional<int> required_per_gate_max;  // ...read-buffer.required-per-gate.max (unset: ∞)
  Bytes segment_size = 32 * kKiB;    // taskmanager.memory.segment-size
};
NetworkBufferSettings network_buffer_settings(const FlinkConfig& config);

// Channels of one edge at one subtask: the downstream subtasks an upstream subtask's result
// partition has subpartitions for, and the upstream subtasks a downstream gate has channels
// from. All-to-all: every subtask of the other side; pointwise: see pointwise_consumers(). O(1).
SubtaskRange subpartitions_of(const JobGraph& graph, const JobEdge& edge, int upstream);
SubtaskRange channels_of(const JobGraph& graph, const JobEdge& edge, int downstream);

// Whether the channel from upstream subtask i to downstream subtask j stays inside one
// TaskManager (local: no Netty, no credit, no exclusive buffers).
// REQUIRES: both subtasks placed.
bool is_local_channel(const Placement& placement, const JobEdge& edge, int upstream, int downstream);

struct PartitionBuffers {
  int subpartitions = 0;
  int required = 0;  // S + 1
  int max = 0;       // S × buffers-per-channel + floating
};
PartitionBuffers partition_buffers(const NetworkBufferSettings& settings, int subpartitions);

struct GateBuffers {
  int channels = 0;
  int remote_channels = 0;
  int exclusive_per_channel = 0;  // e: taken by each remote channel
  int floating_required = 0;      // the floating pool's minimum (1 by default)
  int floating_max = 0;           // the floating pool's maximum (8 by default)
  int required = 0;               // floating_required + e × remote
  int target = 0;                 // floating_max + e × remote
};
GateBuffers gate_buffers(const NetworkBufferSettings& settings, int channels, int remote_channels);

struct TaskManagerBuffers {
  std::int64_t required = 0;  // reserved at deployment: Σ partition minima + Σ gate requirements
  std::int64_t target = 0;    // Σ partition maxima + Σ gate targets
  // The same as if every channel were remote (what Flink announces for fine-grained resources,
  // NettyShuffleUtils.computeNetworkBuffersForAnnouncing): placement-independent.
  std::int64_t required_all_remote = 0;
  std::int64_t available = 0;  // the TaskManager's NetworkBufferPool size
  // Flink's text when the pool cannot meet a request, for the first request (in deployment
  // order: subtasks by vertex then index; partitions, then gates, then remote channels) that
  // does not fit; "" when `required` ≤ `available`.
  std::string error;
  bool sufficient() const { return required <= available; }
};

struct NetworkBufferReport {
  std::vector<TaskManagerBuffers> taskmanagers;  // one per TaskManager of the placement
  bool sufficient() const;
  std::string first_error() const;  // the first TaskManager's error, "" when all suffice
};

// Network buffer needs per TaskManager. `available_per_taskmanager` comes from the memory model
// (derive_taskmanager_memory(config).network_buffers()); unplaced subtasks are skipped.
// REQUIRES: placement = place_job(graph, ...). Cost: O(Σ over edges of channels).
NetworkBufferReport network_buffer_needs(const JobGraph& graph, const Placement& placement,
                                         const NetworkBufferSettings& settings,
                                         std::int64_t available_per_taskmanager);

// Flink's NetworkBufferPool message: "Insufficient number of network buffers: required X, but
// only Y available. The total number of network buffers is currently set to N of B bytes each.
// You can increase this number by setting the configuration keys ...".
std::string insufficient_buffers_message(std::int64_t required, std::int64_t available,
                                         std::int64_t total, Bytes segment_size);

}  // namespace flinksim::model
