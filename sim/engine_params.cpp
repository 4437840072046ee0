// Reads the Flink options the engine uses, through the option catalogue (model/flink_options.h),
// and the scenario's [network] table.
#include "model/flink_config.h"
#include "sim/engine.h"

namespace flinksim::sim {

EngineParams engine_params(const model::Scenario& scenario) {
  namespace o = model::options;
  const model::FlinkConfig& config = scenario.flink;
  EngineParams p;
  p.segment_size = config.get_memory(o::kTmSegmentSize);
  p.buffers_per_channel = static_cast<int>(config.get_int(o::kBuffersPerChannel));
  p.floating_buffers_per_gate = static_cast<int>(config.get_int(o::kFloatingBuffersPerGate));
  p.max_buffers_per_channel = static_cast<int>(config.get_int(o::kMaxBuffersPerChannel));
  // Flink: execution.buffer-timeout.enabled = false means flush only when a buffer is full.
  p.buffer_timeout = config.get_bool(o::kBufferTimeoutEnabled) ? config.get_duration(o::kBufferTimeout) : -1;
  p.bandwidth_per_taskmanager = scenario.network.bandwidth_per_taskmanager;
  p.hop_latency = scenario.network.hop_latency;
  return p;
}

}  // namespace flinksim::sim
