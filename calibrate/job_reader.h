// One job as Flink's REST API describes it: its vertices (chains) with parallelism and operator
// names, the edges between them with their ship strategies, where each subtask runs, the
// per-subtask metrics that calibration fits, and checkpoint statistics (flink-facts d.3, e, f).
//
// Endpoints read: /jobs/overview (select_job), /jobs/:jid, /jobs/:jid/plan, /jobs/:jid/config,
// /jobs/:jid/checkpoints, /jobs/:jid/checkpoints/config, /jobs/:jid/vertices/:vid (placement:
// each subtask's taskmanager-id), /jobs/:jid/vertices/:vid/subtasks/metrics?get=… (aggregated
// over subtasks) and /jobs/:jid/vertices/:vid/metrics?get=0.busyTimeMsPerSecond,… (per subtask).
//
// Per-subtask requests are split so that no request line exceeds kMaxRequestLine: Flink's REST
// server (Netty's HttpRequestDecoder) refuses request lines over 4096 bytes.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "calibrate/rest_source.h"

namespace flinksim::calibrate {

inline constexpr std::size_t kMaxRequestLine = 3500;

struct InputInfo {
  std::string from_vertex;    // upstream vertex id
  std::string ship_strategy;  // FORWARD, REBALANCE, RESCALE, HASH, BROADCAST, SHUFFLE, GLOBAL, CUSTOM
};

struct SubtaskInfo {
  int index = 0;
  std::string taskmanager_id;  // from vertex details; joins /taskmanagers ids (never join on host)
  std::map<std::string, double> metrics;  // task ids and "<operator>.<id>"; NaN when Flink says so
  std::optional<double> metric(const std::string& id) const;  // nullopt when absent or NaN
};

struct AggregatedMetric {
  double min = 0, max = 0, avg = 0, sum = 0;
};

struct VertexInfo {
  std::string id;
  std::string name;                    // operator names joined by " -> "
  int parallelism = 1;
  int max_parallelism = 128;
  std::vector<std::string> operators;  // the chain, head first
  bool is_source = false;              // head is "Source: …" or the vertex has no inputs
  bool is_sink = false;                // an operator is a sink ("Sink: …", "…: Writer", "…: Committer") or no outputs
  std::vector<InputInfo> inputs;
  std::vector<SubtaskInfo> subtasks;   // by index
  std::map<std::string, AggregatedMetric> aggregated;  // task-level ids over all subtasks
};

struct CheckpointInfo {
  bool answered = false;          // checkpoints/config answered (the job's own settings known)
  bool enabled = false;           // checkpoints/config answered with an interval
  std::int64_t interval_ms = 0;
  std::string mode;               // exactly_once | at_least_once
  std::string state_backend;      // e.g. EmbeddedRocksDBStateBackend
  bool unaligned = false;
  std::int64_t completed = 0;
  double state_size_avg = 0;         // bytes, full state
  double checkpointed_size_avg = 0;  // bytes, incremental upload
  double duration_avg_ms = 0;
  double duration_max_ms = 0;
};

struct JobInfo {
  std::string jid;
  std::string name;
  std::string state;
  // `now` of GET /jobs/:jid: the JobManager's clock (epoch ms) when it answered, nullopt when
  // absent. Samples are timed by it (sampling.h), so a simulated cluster's clock is used too.
  std::optional<std::int64_t> now_ms;
  int job_parallelism = 0;        // execution-config.job-parallelism (0 when unknown)
  std::vector<VertexInfo> vertices;  // topological order (plan order is not topological)
  CheckpointInfo checkpoints;
  std::vector<std::string> warnings;

  const VertexInfo* vertex(const std::string& id) const;
};

// The task-level metric ids read for every subtask (flink-facts e.1).
inline const std::vector<std::string> kTaskMetricIds = {
    "busyTimeMsPerSecond",   "backPressuredTimeMsPerSecond", "idleTimeMsPerSecond",
    "numRecordsInPerSecond", "numRecordsOutPerSecond",       "numBytesInPerSecond",
    "numBytesOutPerSecond"};

// --job ID, else the only RUNNING job. Throws RemoteError(MissingData) when there is none or
// several (naming them, so the user can pick one with --job).
std::string select_job(RestSource& source, const std::optional<std::string>& jid);

JobInfo read_job(RestSource& source, const std::string& jid);

// Flink's metric-name form of an operator name (REST operator metric ids are prefixed with it):
// space, '.', ':' and ',' become '_', truncated to 80 characters (flink-facts e.2).
std::string operator_metric_prefix(const std::string& operator_name);

// The chain's operator names from a vertex name ("a -> b -> c").
std::vector<std::string> split_chain(const std::string& vertex_name);

bool is_sink_operator(const std::string& operator_name);
bool is_source_operator(const std::string& operator_name);

}  // namespace flinksim::calibrate
