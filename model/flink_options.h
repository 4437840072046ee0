// The catalogue of Flink configuration options that flinksim models: each declared once, with
// Flink's key, Flink's default (1.18–1.20 semantics; see ../shared/reference/flink-facts.md), and
// the deprecated keys Flink still reads. Code reads options only through these declarations.
#pragma once

#include <span>
#include <string_view>
#include <vector>

namespace flinksim::model {

struct OptionDef {
  std::string_view key;
  std::string_view default_value;  // Flink's default as Flink would print it; "" = no default
  std::string_view description;
  std::vector<std::string_view> deprecated_keys{};
};

// Every option of the catalogue, for "did you mean" and for `flinksim validate --list-options`.
std::span<const OptionDef* const> all_options();

namespace options {
// --- slots, parallelism, scheduling ---
extern const OptionDef kNumberOfTaskSlots;        // taskmanager.numberOfTaskSlots = 1
extern const OptionDef kParallelismDefault;       // parallelism.default = 1
extern const OptionDef kMaxParallelism;           // pipeline.max-parallelism = -1 (derived)
extern const OptionDef kOperatorChaining;         // pipeline.operator-chaining.enabled = true
extern const OptionDef kChainDifferentMaxParallelism;  // ...chain-operators-with-different-max-parallelism = true
extern const OptionDef kEvenlySpreadOutSlots;     // cluster.evenly-spread-out-slots = false
extern const OptionDef kLoadBalanceMode;          // taskmanager.load-balance.mode = NONE
extern const OptionDef kTaskManagerCpuCores;      // taskmanager.cpu.cores (internal)
extern const OptionDef kKubernetesTaskManagerCpu; // kubernetes.taskmanager.cpu

// --- TaskManager memory ---
extern const OptionDef kTmProcessSize;
extern const OptionDef kTmFlinkSize;
extern const OptionDef kTmFrameworkHeap;
extern const OptionDef kTmTaskHeap;
extern const OptionDef kTmFrameworkOffHeap;
extern const OptionDef kTmTaskOffHeap;
extern const OptionDef kTmManagedSize;
extern const OptionDef kTmManagedFraction;
extern const OptionDef kTmNetworkFraction;
extern const OptionDef kTmNetworkMin;
extern const OptionDef kTmNetworkMax;
extern const OptionDef kTmNetworkNumberOfBuffers;  // legacy taskmanager.network.numberOfBuffers
extern const OptionDef kTmMetaspace;
extern const OptionDef kTmOverheadFraction;
extern const OptionDef kTmOverheadMin;
extern const OptionDef kTmOverheadMax;
extern const OptionDef kTmSegmentSize;

// --- JobManager memory ---
extern const OptionDef kJmProcessSize;
extern const OptionDef kJmFlinkSize;
extern const OptionDef kJmHeap;
extern const OptionDef kJmOffHeap;
extern const OptionDef kJmMetaspace;
extern const OptionDef kJmOverheadFraction;
extern const OptionDef kJmOverheadMin;
extern const OptionDef kJmOverheadMax;

// --- network stack ---
extern const OptionDef kBuffersPerChannel;        // 2
extern const OptionDef kFloatingBuffersPerGate;   // 8
extern const OptionDef kMaxBuffersPerChannel;     // 10
extern const OptionDef kMaxOverdraftBuffersPerGate;  // 5
extern const OptionDef kReadBufferRequiredPerGateMax;  // unset (unlimited for streaming)
extern const OptionDef kBufferTimeout;            // execution.buffer-timeout.interval = 100 ms
extern const OptionDef kBufferTimeoutEnabled;     // execution.buffer-timeout.enabled = true

// --- checkpointing and state ---
extern const OptionDef kCheckpointInterval;       // none → disabled
extern const OptionDef kCheckpointMode;           // EXACTLY_ONCE
extern const OptionDef kCheckpointTimeout;        // 10 min
extern const OptionDef kCheckpointMinPause;       // 0 ms
extern const OptionDef kCheckpointMaxConcurrent;  // 1
extern const OptionDef kTolerableFailedCheckpoints;  // 0
extern const OptionDef kUnalignedCheckpoints;     // false (…unaligned.enabled; 1.x: …unaligned)
extern const OptionDef kAlignedCheckpointTimeout; // 0 ms
extern const OptionDef kStateBackendType;         // hashmap
extern const OptionDef kIncrementalCheckpoints;   // false
extern const OptionDef kLocalRecovery;            // false
extern const OptionDef kRocksDbManagedMemory;     // state.backend.rocksdb.memory.managed = true
extern const OptionDef kRocksDbWriteBufferRatio;  // state.backend.rocksdb.memory.write-buffer-ratio = 0.5

// --- restarts, failures, HA ---
extern const OptionDef kRestartStrategy;          // restart-strategy.type (unset: derived)
extern const OptionDef kFixedDelayAttempts;
extern const OptionDef kFixedDelayDelay;
extern const OptionDef kExpInitialBackoff;
extern const OptionDef kExpMaxBackoff;
extern const OptionDef kExpBackoffMultiplier;
extern const OptionDef kExpJitterFactor;
extern const OptionDef kExpResetBackoffThreshold;
extern const OptionDef kExpAttemptsBeforeReset;
extern const OptionDef kFailureRateMaxFailures;
extern const OptionDef kFailureRateInterval;
extern const OptionDef kFailureRateDelay;
extern const OptionDef kHeartbeatInterval;        // 10 s
extern const OptionDef kHeartbeatTimeout;         // 50 s
extern const OptionDef kHighAvailabilityType;     // NONE
extern const OptionDef kK8sLeaseDuration;         // high-availability.kubernetes.leader-election.lease-duration = 15 s
extern const OptionDef kZkSessionTimeout;         // high-availability.zookeeper.client.session-timeout = 60 s
extern const OptionDef kFailoverStrategy;         // region
extern const OptionDef kSlotRequestTimeout;       // 5 min
}  // namespace options

}  // namespace flinksim::model
