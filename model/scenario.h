// A scenario: the job, the traffic it must carry, the cluster it runs on, what may go wrong, and
// what "good enough" means. The in-memory form of the TOML contract in
// ../shared/design/scenario.md; scenario_reader.h reads it, scenario_writer.h writes it.
//
// Invariants after a successful read (scenario_reader enforces them, later code may rely on them):
//  - operator names are unique and every input names an existing operator;
//  - every rate, cost, size and duration is non-negative; parallelism ≥ 1 when set;
//  - the [flink] table is merged into `flink` (after any --config file, before -D overrides).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/diagnostics.h"
#include "model/flink_config.h"
#include "model/units.h"

namespace flinksim::model {

enum class OperatorKind { Source, Operator, Sink };

// Flink's ship strategies (plan `ship_strategy`): FORWARD, REBALANCE, RESCALE, HASH, BROADCAST,
// SHUFFLE (DataStream#shuffle(), called "random" in the scenario), GLOBAL.
enum class Partition { Forward, Rebalance, Rescale, Hash, Broadcast, Random, Global };

// Flink's ChainingStrategy as a user can set it: ALWAYS (default for user functions), NEVER
// (disableChaining()), HEAD (startNewChain(); FLIP-27 sources are HEAD).
enum class Chaining { Always, Never, Head };

enum class CostDistribution { Constant, Exponential, Lognormal };

struct InputSpec {
  std::string from;
  std::optional<Partition> partition;  // unset: forward when parallelisms match, else rebalance
  SourcePos pos;
};

// Keyed state of one operator (summed over its subtasks).
struct StateSpec {
  std::int64_t keys = 0;
  Bytes bytes_per_key = 0;
  // How a record touches state; "rocksdb-get-put" | "heap-get-put" | "append" | "read-only".
  std::string access = "get-put";
  // Bytes read and written in the state backend per record (default: bytes_per_key each way).
  std::optional<Bytes> access_bytes_per_record;
  double growth_per_hour = 0.0;  // fraction of keys added per hour (0 = steady)
  // Fraction of state that changes between checkpoints (for incremental checkpoints); unset:
  // derived from the access pattern and the interval.
  std::optional<double> change_rate;
};

struct OperatorSpec {
  std::string name;
  OperatorKind kind = OperatorKind::Operator;
  std::optional<int> parallelism;      // unset: parallelism.default
  std::optional<int> max_parallelism;  // unset: pipeline.max-parallelism, else Flink's derivation
  std::vector<InputSpec> inputs;

  Nanos cpu_per_record = 0;  // CPU time per input record (sources: per emitted record)
  CostDistribution cpu_distribution = CostDistribution::Constant;
  double cpu_cv = 0.0;       // coefficient of variation, for lognormal
  double selectivity = 1.0;  // records out per record in
  Bytes record_size = 0;     // serialized bytes of each record it emits (0: inherit from input)
  // record_size_distribution: the coefficient of variation of the sizes it emits (lognormal; 0:
  // constant). Unset: constant with its own record_size, else as its input's records.
  std::optional<double> record_size_cv;

  std::optional<StateSpec> state;
  double key_skew = 0.0;      // Zipf exponent of key popularity on its keyed input; 0 = uniform
  std::optional<std::int64_t> key_count;  // distinct keys on the keyed input (default: state.keys)
  std::int64_t source_partitions = 0;     // sources: Kafka partitions (0 = as many as subtasks)

  std::string slot_sharing_group = "default";
  // false: not written in the scenario, so the operator inherits its inputs' group as Flink does
  // (StreamGraphGenerator#determineSlotSharingGroup; see model/job_graph.cpp).
  bool slot_sharing_group_set = false;
  Chaining chaining = Chaining::Always;
  SourcePos pos;
};

struct ClusterSpec {
  int taskmanagers = 1;
  double cpu_per_taskmanager = 1.0;  // cores a TaskManager pod may use (Kubernetes CPU)
  Nanos pod_start = 45 * kSecond;    // time to get a replacement TaskManager after a loss
};

struct StorageSpec {
  double write_bandwidth = 200e6;  // bytes/s, whole cluster (checkpoint upload)
  double read_bandwidth = 400e6;   // bytes/s, whole cluster (restore)
  // Where the state backend keeps its working set: "local" disk (no network traffic) or
  // "network" (network-attached volumes: every state read/write crosses the TaskManager's network).
  std::string state_disk = "local";
};

struct NetworkSpec {
  double bandwidth_per_taskmanager = 10e9 / 8;  // bytes/s each way
  Nanos hop_latency = 200 * kMicrosecond;       // between TaskManagers
};

enum class TrafficShape { Constant, Step, Diurnal, Burst, Trace };
enum class Arrival { Poisson, Uniform };

struct TrafficSpec {
  TrafficShape shape = TrafficShape::Constant;
  double peak = 0.0;    // records/s, summed over all sources (each source gets its share, see traffic.h)
  double trough = 0.0;  // records/s (diurnal low point; step: the rate before `step_at`)
  Nanos duration = kHour;
  Arrival arrival = Arrival::Poisson;
  Nanos step_at = 0;          // step: when the rate jumps from trough to peak
  Nanos burst_every = 0;      // burst: period
  Nanos burst_length = 0;     // burst: how long each burst lasts at `peak` (else trough)
  Nanos diurnal_peak_at = 14 * kHour;  // diurnal: time of day of the peak
  std::string trace_file;     // trace: CSV with columns time,rate (resolved against the scenario)
  std::vector<std::pair<Nanos, double>> trace;  // trace points, filled by the reader
  SourcePos pos;
};

enum class FailureKind { TaskManager, JobManager };

struct FailureSpec {
  Nanos at = 0;
  FailureKind kind = FailureKind::TaskManager;
  // Which TaskManager is lost (index), for kind = taskmanager; −1 (not named): the worst one to
  // lose, model/recovery_model.h lost_taskmanager.
  int taskmanager = -1;
  SourcePos pos;
};

enum class Granularity { Buffer, Fluid, Auto };

struct SimulationSpec {
  Granularity granularity = Granularity::Auto;
  std::int64_t event_budget = 20'000'000;
  // At fluid level, `run` checks itself against buffer level over two minutes of the peak, or as
  // much as this many events buy (sim/fluid_check.h); 0 = no check. 25M: about 2 s of wall time,
  // 7 s of a job at a million records a second.
  std::int64_t check_budget = 25'000'000;
  Nanos metrics_interval = kSecond;  // sampling period of time series
  std::optional<Nanos> warmup;       // excluded from summary statistics (default: none)
};

struct SloSpec {
  std::optional<Nanos> max_latency_p99;
  std::optional<Nanos> max_recovery;
  std::optional<Nanos> max_checkpoint_duration;
  std::optional<double> target_utilization;
};

struct SearchSpec {
  std::optional<std::pair<int, int>> taskmanagers;  // inclusive range
  std::vector<int> slots_per_taskmanager;
  std::vector<double> cpu_per_taskmanager;
  std::vector<Bytes> memory_per_taskmanager;
  // Made-up list prices (about a cloud VM's hour per core and per GiB) so that a sweep ranks
  // layouts by cost out of the box; a customer's own prices belong in the scenario.
  double price_per_core_hour = 0.04;
  double price_per_gib_hour = 0.005;
};

struct Scenario {
  std::string path;  // the file it was read from ("" when built in code)
  std::string name;
  std::uint64_t seed = 1;
  ClusterSpec cluster;
  FlinkConfig flink;
  StorageSpec storage;
  NetworkSpec network;
  std::vector<OperatorSpec> operators;  // in file order
  TrafficSpec traffic;
  std::vector<FailureSpec> failures;
  SimulationSpec simulation;
  SloSpec slo;
  SearchSpec search;
};

}  // namespace flinksim::model
