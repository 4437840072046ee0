// The option catalogue: keys and defaults as in Flink 1.18–1.20 (TaskManagerOptions,
// JobManagerOptions, NettyShuffleEnvironmentOptions, CheckpointingOptions, RestartStrategyOptions,
// ...; see ../shared/reference/flink-facts.md). Defaults are written as Flink would print them, in
// a form the typed getters of FlinkConfig parse.
#include "model/flink_options.h"

namespace flinksim::model::options {

// --- slots, parallelism, scheduling ---
const OptionDef kNumberOfTaskSlots{"taskmanager.numberOfTaskSlots", "1",
                                   "slots offered by each TaskManager"};
const OptionDef kParallelismDefault{"parallelism.default", "1",
                                    "parallelism of operators that set none"};
const OptionDef kMaxParallelism{"pipeline.max-parallelism", "-1",
                                "number of key groups; -1 derives it from the parallelism"};
const OptionDef kOperatorChaining{"pipeline.operator-chaining.enabled", "true",
                                  "chain forward-connected operators of equal parallelism",
                                  {"pipeline.operator-chaining"}};
const OptionDef kChainDifferentMaxParallelism{
    "pipeline.operator-chaining.chain-operators-with-different-max-parallelism", "true",
    "allow chaining operators whose max parallelism differs"};
const OptionDef kEvenlySpreadOutSlots{"cluster.evenly-spread-out-slots", "false",
                                      "take slots from the least used TaskManager (deprecated 1.19)"};
const OptionDef kLoadBalanceMode{"taskmanager.load-balance.mode", "NONE",
                                 "NONE fills TaskManagers in turn; SLOTS spreads slots out"};
const OptionDef kTaskManagerCpuCores{"taskmanager.cpu.cores", "",
                                     "CPU cores of a TaskManager (internal; default: slots)"};
const OptionDef kKubernetesTaskManagerCpu{"kubernetes.taskmanager.cpu", "1.0",
                                          "CPU requested for a TaskManager pod"};

// --- TaskManager memory (TaskManagerOptions) ---
const OptionDef kTmProcessSize{"taskmanager.memory.process.size", "",
                               "total process memory of a TaskManager"};
const OptionDef kTmFlinkSize{"taskmanager.memory.flink.size", "",
                             "total Flink memory of a TaskManager"};
const OptionDef kTmFrameworkHeap{"taskmanager.memory.framework.heap.size", "128m",
                                 "JVM heap reserved for the framework"};
const OptionDef kTmTaskHeap{"taskmanager.memory.task.heap.size", "",
                            "JVM heap for tasks; derived as the remainder if unset"};
const OptionDef kTmFrameworkOffHeap{"taskmanager.memory.framework.off-heap.size", "128m",
                                    "direct memory reserved for the framework"};
const OptionDef kTmTaskOffHeap{"taskmanager.memory.task.off-heap.size", "0b",
                               "direct memory for tasks"};
const OptionDef kTmManagedSize{"taskmanager.memory.managed.size", "",
                               "managed (native) memory; derived from the fraction if unset",
                               {"taskmanager.memory.size"}};
const OptionDef kTmManagedFraction{"taskmanager.memory.managed.fraction", "0.4",
                                   "managed memory as a fraction of total Flink memory"};
const OptionDef kTmNetworkFraction{"taskmanager.memory.network.fraction", "0.1",
                                   "network memory as a fraction of total Flink memory",
                                   {"taskmanager.network.memory.fraction"}};
const OptionDef kTmNetworkMin{"taskmanager.memory.network.min", "64m",
                              "lower bound of fraction-derived network memory",
                              {"taskmanager.network.memory.min"}};
// Unlimited (Long.MAX_VALUE bytes) since 1.17 (FLINK-30472); 1g before.
const OptionDef kTmNetworkMax{"taskmanager.memory.network.max", "9223372036854775807b",
                              "upper bound of fraction-derived network memory",
                              {"taskmanager.network.memory.max"}};
const OptionDef kTmNetworkNumberOfBuffers{
    "taskmanager.network.numberOfBuffers", "",
    "legacy: network memory = buffers x segment size, if no network min/max/fraction is set"};
const OptionDef kTmMetaspace{"taskmanager.memory.jvm-metaspace.size", "256m",
                             "JVM metaspace of a TaskManager"};
const OptionDef kTmOverheadFraction{"taskmanager.memory.jvm-overhead.fraction", "0.1",
                                    "JVM overhead as a fraction of total process memory"};
const OptionDef kTmOverheadMin{"taskmanager.memory.jvm-overhead.min", "192m",
                               "lower bound of fraction-derived JVM overhead"};
const OptionDef kTmOverheadMax{"taskmanager.memory.jvm-overhead.max", "1g",
                               "upper bound of fraction-derived JVM overhead"};
const OptionDef kTmSegmentSize{"taskmanager.memory.segment-size", "32kb",
                               "size of a memory segment = one network buffer"};

// --- JobManager memory (JobManagerOptions) ---
const OptionDef kJmProcessSize{"jobmanager.memory.process.size", "",
                               "total process memory of the JobManager"};
const OptionDef kJmFlinkSize{"jobmanager.memory.flink.size", "",
                             "total Flink memory of the JobManager"};
const OptionDef kJmHeap{"jobmanager.memory.heap.size", "", "JVM heap of the JobManager"};
const OptionDef kJmOffHeap{"jobmanager.memory.off-heap.size", "128m",
                           "off-heap memory of the JobManager"};
const OptionDef kJmMetaspace{"jobmanager.memory.jvm-metaspace.size", "256m",
                             "JVM metaspace of the JobManager"};
const OptionDef kJmOverheadFraction{"jobmanager.memory.jvm-overhead.fraction", "0.1",
                                    "JVM overhead as a fraction of total process memory"};
const OptionDef kJmOverheadMin{"jobmanager.memory.jvm-overhead.min", "192m",
                               "lower bound of fraction-derived JVM overhead"};
const OptionDef kJmOverheadMax{"jobmanager.memory.jvm-overhead.max", "1g",
                               "upper bound of fraction-derived JVM overhead"};

// --- network stack (NettyShuffleEnvironmentOptions, ExecutionOptions) ---
const OptionDef kBuffersPerChannel{"taskmanager.network.memory.buffers-per-channel", "2",
                                   "exclusive buffers per input channel"};
const OptionDef kFloatingBuffersPerGate{"taskmanager.network.memory.floating-buffers-per-gate", "8",
                                        "floating buffers shared by an input gate"};
const OptionDef kMaxBuffersPerChannel{"taskmanager.network.memory.max-buffers-per-channel", "10",
                                      "buffers one subpartition may hold"};
const OptionDef kMaxOverdraftBuffersPerGate{
    "taskmanager.network.memory.max-overdraft-buffers-per-gate", "5",
    "best-effort extra output buffers"};
const OptionDef kReadBufferRequiredPerGateMax{
    "taskmanager.network.memory.read-buffer.required-per-gate.max", "",
    "cap on required input buffers per gate (unset: unlimited for streaming)"};
const OptionDef kBufferTimeout{"execution.buffer-timeout.interval", "100 ms",
                               "flush interval of partly filled output buffers",
                               {"execution.buffer-timeout"}};
const OptionDef kBufferTimeoutEnabled{"execution.buffer-timeout.enabled", "true",
                                      "false flushes only full buffers"};

// --- checkpointing and state (CheckpointingOptions and their 1.20 names) ---
const OptionDef kCheckpointInterval{"execution.checkpointing.interval", "",
                                    "checkpoint interval; unset disables checkpointing"};
const OptionDef kCheckpointMode{"execution.checkpointing.mode", "EXACTLY_ONCE",
                                "EXACTLY_ONCE or AT_LEAST_ONCE"};
const OptionDef kCheckpointTimeout{"execution.checkpointing.timeout", "10 min",
                                   "a checkpoint not complete by then expires"};
const OptionDef kCheckpointMinPause{"execution.checkpointing.min-pause", "0 ms",
                                    "least time between the end of one checkpoint and the next"};
const OptionDef kCheckpointMaxConcurrent{"execution.checkpointing.max-concurrent-checkpoints", "1",
                                         "checkpoints in flight at once"};
const OptionDef kTolerableFailedCheckpoints{"execution.checkpointing.tolerable-failed-checkpoints",
                                            "0", "consecutive checkpoint failures tolerated"};
const OptionDef kUnalignedCheckpoints{"execution.checkpointing.unaligned.enabled", "false",
                                      "barriers overtake in-flight buffers",
                                      {"execution.checkpointing.unaligned"}};
const OptionDef kAlignedCheckpointTimeout{"execution.checkpointing.aligned-checkpoint-timeout",
                                          "0 ms", "switch to unaligned after this alignment time",
                                          {"execution.checkpointing.alignment-timeout"}};
const OptionDef kStateBackendType{"state.backend.type", "hashmap", "hashmap or rocksdb",
                                  {"state.backend"}};
const OptionDef kIncrementalCheckpoints{"execution.checkpointing.incremental", "false",
                                        "upload only new SST files (RocksDB)",
                                        {"state.backend.incremental"}};
const OptionDef kLocalRecovery{"execution.state-recovery.from-local", "false",
                               "keep a local copy of state for recovery",
                               {"state.backend.local-recovery"}};
const OptionDef kRocksDbManagedMemory{"state.backend.rocksdb.memory.managed", "true",
                                      "RocksDB takes its slot's share of managed memory"};
const OptionDef kRocksDbWriteBufferRatio{"state.backend.rocksdb.memory.write-buffer-ratio", "0.5",
                                         "share of RocksDB's memory for memtables (write buffers)"};

// --- restarts, failures, HA (RestartStrategyOptions, HeartbeatManagerOptions, ...) ---
const OptionDef kRestartStrategy{"restart-strategy.type", "",
                                 "none, fixed-delay, failure-rate or exponential-delay",
                                 {"restart-strategy"}};
const OptionDef kFixedDelayAttempts{"restart-strategy.fixed-delay.attempts", "1",
                                    "restarts before the job fails"};
const OptionDef kFixedDelayDelay{"restart-strategy.fixed-delay.delay", "1 s",
                                 "delay between restarts"};
const OptionDef kExpInitialBackoff{"restart-strategy.exponential-delay.initial-backoff", "1 s",
                                   "first restart delay"};
const OptionDef kExpMaxBackoff{"restart-strategy.exponential-delay.max-backoff", "1 min",
                               "largest restart delay (1.19+ default)"};
const OptionDef kExpBackoffMultiplier{"restart-strategy.exponential-delay.backoff-multiplier",
                                      "1.5", "delay growth per failure (1.19+ default)"};
const OptionDef kExpJitterFactor{"restart-strategy.exponential-delay.jitter-factor", "0.1",
                                 "random +/- share of the delay"};
const OptionDef kExpResetBackoffThreshold{
    "restart-strategy.exponential-delay.reset-backoff-threshold", "1 h",
    "failure-free time after which the delay resets"};
const OptionDef kExpAttemptsBeforeReset{
    "restart-strategy.exponential-delay.attempts-before-reset-backoff", "2147483647",
    "restarts allowed before the backoff resets"};
const OptionDef kFailureRateMaxFailures{
    "restart-strategy.failure-rate.max-failures-per-interval", "1",
    "failures per interval before the job fails"};
const OptionDef kFailureRateInterval{"restart-strategy.failure-rate.failure-rate-interval",
                                     "1 min", "window of the failure rate"};
const OptionDef kFailureRateDelay{"restart-strategy.failure-rate.delay", "1 s",
                                  "delay between restarts"};
// Flink 1.x declares these as milliseconds (long); a bare number is read as ms.
const OptionDef kHeartbeatInterval{"heartbeat.interval", "10000", "heartbeat period, ms"};
const OptionDef kHeartbeatTimeout{"heartbeat.timeout", "50000",
                                  "a TaskManager silent this long is lost, ms"};
const OptionDef kHighAvailabilityType{"high-availability.type", "NONE",
                                      "NONE, ZOOKEEPER or KUBERNETES", {"high-availability"}};
const OptionDef kK8sLeaseDuration{"high-availability.kubernetes.leader-election.lease-duration",
                                  "15 s", "a JobManager leader's lease; a new leader waits it out"};
const OptionDef kZkSessionTimeout{"high-availability.zookeeper.client.session-timeout", "60000",
                                  "ZooKeeper session timeout, ms; a lost leader's session ends then"};
const OptionDef kFailoverStrategy{"jobmanager.execution.failover-strategy", "region",
                                  "region restarts the failed pipelined region; full everything"};
const OptionDef kSlotRequestTimeout{"slot.request.timeout", "300000",
                                    "how long the scheduler waits for slots, ms"};

}  // namespace flinksim::model::options

namespace flinksim::model {

std::span<const OptionDef* const> all_options() {
  using namespace options;
  static const OptionDef* const kAll[] = {
      &kNumberOfTaskSlots, &kParallelismDefault, &kMaxParallelism, &kOperatorChaining,
      &kChainDifferentMaxParallelism, &kEvenlySpreadOutSlots, &kLoadBalanceMode,
      &kTaskManagerCpuCores, &kKubernetesTaskManagerCpu,
      &kTmProcessSize, &kTmFlinkSize, &kTmFrameworkHeap, &kTmTaskHeap, &kTmFrameworkOffHeap,
      &kTmTaskOffHeap, &kTmManagedSize, &kTmManagedFraction, &kTmNetworkFraction, &kTmNetworkMin,
      &kTmNetworkMax, &kTmNetworkNumberOfBuffers, &kTmMetaspace, &kTmOverheadFraction,
      &kTmOverheadMin, &kTmOverheadMax, &kTmSegmentSize,
      &kJmProcessSize, &kJmFlinkSize, &kJmHeap, &kJmOffHeap, &kJmMetaspace, &kJmOverheadFraction,
      &kJmOverheadMin, &kJmOverheadMax,
      &kBuffersPerChannel, &kFloatingBuffersPerGate, &kMaxBuffersPerChannel,
      &kMaxOverdraftBuffersPerGate, &kReadBufferRequiredPerGateMax, &kBufferTimeout,
      &kBufferTimeoutEnabled,
      &kCheckpointInterval, &kCheckpointMode, &kCheckpointTimeout, &kCheckpointMinPause,
      &kCheckpointMaxConcurrent, &kTolerableFailedCheckpoints, &kUnalignedCheckpoints,
      &kAlignedCheckpointTimeout, &kStateBackendType, &kIncrementalCheckpoints, &kLocalRecovery,
      &kRocksDbManagedMemory, &kRocksDbWriteBufferRatio,
      &kRestartStrategy, &kFixedDelayAttempts, &kFixedDelayDelay, &kExpInitialBackoff,
      &kExpMaxBackoff, &kExpBackoffMultiplier, &kExpJitterFactor, &kExpResetBackoffThreshold,
      &kExpAttemptsBeforeReset, &kFailureRateMaxFailures, &kFailureRateInterval,
      &kFailureRateDelay, &kHeartbeatInterval, &kHeartbeatTimeout, &kHighAvailabilityType,
      &kK8sLeaseDuration, &kZkSessionTimeout,
      &kFailoverStrategy, &kSlotRequestTimeout,
  };
  return kAll;
}

}  // namespace flinksim::model
