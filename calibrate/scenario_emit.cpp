#include "calibrate/scenario_emit.h"

#include <cmath>
#include <map>
#include <set>
#include <sstream>

#include "model/flink_options.h"
#include "model/scenario_writer.h"

namespace flinksim::calibrate {
namespace {

std::string fixed(double v, int digits = 1) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(digits);
  out << v;
  return out.str();
}

bool in_catalogue(const std::string& key) {
  for (const auto* option : model::all_options()) {
    if (option->key == key) return true;
    for (auto deprecated : option->deprecated_keys)
      if (deprecated == key) return true;
  }
  return false;
}

// Keys copied from /jobmanager/config: the ones flinksim models, minus the JobManager memory
// values the start scripts resolve into dynamic properties (they would pin every derived size).
void copy_config(const ClusterInfo& cluster, model::FlinkConfig& flink, std::vector<std::string>& header) {
  model::SourcePos from{"GET /jobmanager/config", 0, 0};
  int copied = 0;
  for (const auto& [key, value] : cluster.config) {
    if (value == "******" || !in_catalogue(key)) continue;
    if (key.rfind("jobmanager.memory.", 0) == 0 && key != "jobmanager.memory.process.size") continue;
    flink.set(key, value, from);
    ++copied;
  }
  header.push_back("[flink]: " + std::to_string(copied) + " keys copied from GET /jobmanager/config "
                   "(the ones flinksim models; values Flink masks as secrets are never copied)");
}

std::string state_backend_word(const std::string& class_name) {
  if (class_name.find("RocksDB") != std::string::npos) return "rocksdb";
  if (class_name.find("HashMap") != std::string::npos) return "hashmap";
  return "";
}

}  // namespace

model::Partition partition_of(const std::string& s, bool* exact) {
  using model::Partition;
  static const std::map<std::string, Partition> kMap = {
      {"FORWARD", Partition::Forward},     {"REBALANCE", Partition::Rebalance},
      {"RESCALE", Partition::Rescale},     {"HASH", Partition::Hash},
      {"BROADCAST", Partition::Broadcast}, {"SHUFFLE", Partition::Random},
      {"GLOBAL", Partition::Global}};
  auto it = kMap.find(s);
  if (exact) *exact = it != kMap.end();
  return it == kMap.end() ? Partition::Hash : it->second;
}

CalibratedScenario build_scenario(const Sample& latest, const FitResult& fit,
                                  const FitOptions& options, const std::string& source,
                                  int sample_count) {
  const ClusterInfo& cluster = latest.cluster;
  const JobInfo& job = latest.job;
  CalibratedScenario out;
  model::Scenario& s = out.scenario;
  s.name = "Calibrated: " + job.name;
  s.seed = options.seed;
  out.header = {
      "Calibrated by `flinksim calibrate` from " + source + " (Flink " +
          (cluster.flink_version.empty() ? "?" : cluster.flink_version) + "), job \"" + job.name +
          "\" (" + job.jid + "), " + std::to_string(sample_count) + " sample(s).",
      "CPU per record is per task (chain): the chain's cost sits on its head operator, the",
      "chained operators carry 0 (Flink measures busy time per task, not per operator).",
      "Costs are Σ busy / Σ records over all subtasks (true processing rate, FLIP-271), with",
      "busy time scaled by cores used ÷ demand on CPU-saturated TaskManagers; key skew is fitted",
      "from the spread of per-subtask input rates. Edit freely: this is a starting point."};

  // [cluster]
  s.cluster.taskmanagers = std::max<int>(1, static_cast<int>(cluster.taskmanagers.size()));
  // The cores the fit counted (usable_cores; the fewest, if TaskManagers differ), so the scenario
  // runs its costs on the cores they were measured on; the configuration only when no TaskManager
  // reports any.
  double cores = 0;
  for (const auto& tm : cluster.taskmanagers)
    if (const double usable = usable_cores(tm); usable > 0 && (cores == 0 || usable < cores))
      cores = usable;
  std::string cores_from =
      "GET /taskmanagers: hardware.cpuCores (the JVM's availableProcessors), or the fractional "
      "totalResource.cpuCores it rounds up (a container's CPU limit)";
  for (const char* key : {"kubernetes.taskmanager.cpu", "taskmanager.cpu.cores"}) {
    if (cores > 0) break;
    if (auto v = cluster.config_value(key); v && std::atof(v->c_str()) > 0) {
      cores = std::atof(v->c_str());
      cores_from = std::string(key) + " in GET /jobmanager/config";
    }
  }
  s.cluster.cpu_per_taskmanager = cores > 0 ? cores : 1.0;
  out.header.push_back("cluster.taskmanagers = " + std::to_string(s.cluster.taskmanagers) +
                       ": GET /taskmanagers; cpu_per_taskmanager from " + cores_from);

  // [flink]
  copy_config(cluster, s.flink, out.header);
  model::SourcePos measured{"GET /taskmanagers", 0, 0};
  if (!cluster.taskmanagers.empty()) {
    const auto& tm = cluster.taskmanagers.front();
    s.flink.set("taskmanager.numberOfTaskSlots", std::to_string(tm.slots), measured);
    const bool memory_set = cluster.config_value("taskmanager.memory.process.size") ||
                            cluster.config_value("taskmanager.memory.flink.size") ||
                            cluster.config_value("taskmanager.memory.task.heap.size");
    if (auto total = tm.memory.find("totalProcessMemory"); total != tm.memory.end() && !memory_set) {
      s.flink.set("taskmanager.memory.process.size", model::size_text(total->second), measured);
      out.header.push_back("taskmanager.memory.process.size: memoryConfiguration.totalProcessMemory "
                           "of GET /taskmanagers");
    }
  }
  if (job.job_parallelism > 0)
    s.flink.set("parallelism.default", std::to_string(job.job_parallelism),
                {"GET /jobs/:jid/config", 0, 0});
  if (job.checkpoints.answered && !job.checkpoints.enabled) {
    // The job runs without checkpoints whatever the cluster's default interval says (a job that
    // disables them, or sets none where the cluster sets none): so does the scenario.
    s.flink.erase("execution.checkpointing.interval");
  }
  if (job.checkpoints.enabled) {
    model::SourcePos cp{"GET /jobs/:jid/checkpoints/config", 0, 0};
    s.flink.set("execution.checkpointing.interval", std::to_string(job.checkpoints.interval_ms) + "ms", cp);
    s.flink.set("execution.checkpointing.unaligned.enabled", job.checkpoints.unaligned ? "true" : "false", cp);
    if (!job.checkpoints.mode.empty()) {
      std::string mode = job.checkpoints.mode;
      for (char& c : mode) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      s.flink.set("execution.checkpointing.mode", mode, cp);
    }
    if (auto word = state_backend_word(job.checkpoints.state_backend); !word.empty())
      s.flink.set("state.backend.type", word, cp);
  }

  // Operators, vertex by vertex in topological order.
  std::set<std::string> used_names;
  std::map<std::string, std::string> tail_of;  // vertex id → scenario name of its last operator
  int keyed_vertices = 0;
  for (const auto& v : job.vertices)
    for (const auto& in : v.inputs)
      if (in.ship_strategy == "HASH") { ++keyed_vertices; break; }
  const bool rocksdb = state_backend_word(job.checkpoints.state_backend) == "rocksdb" ||
                       cluster.config_value("state.backend.type") == std::optional<std::string>("rocksdb");
  double source_rate = 0;

  for (std::size_t vi = 0; vi < job.vertices.size(); ++vi) {
    const VertexInfo& v = job.vertices[vi];
    const VertexFit& f = fit.vertices[vi];
    std::string previous;
    for (std::size_t oi = 0; oi < v.operators.size(); ++oi) {
      model::OperatorSpec op;
      std::vector<std::string> notes;
      std::string name = v.operators[oi];
      for (int n = 2; used_names.count(name); ++n) name = v.operators[oi] + " (" + std::to_string(n) + ")";
      used_names.insert(name);
      op.name = name;
      op.parallelism = v.parallelism;
      op.max_parallelism = v.max_parallelism;
      const bool head = oi == 0;
      const bool last = oi + 1 == v.operators.size();
      op.kind = head && v.is_source && v.inputs.empty() ? model::OperatorKind::Source
                : last && v.is_sink                    ? model::OperatorKind::Sink
                                                       : model::OperatorKind::Operator;
      if (head) {
        op.chaining = model::Chaining::Head;
        for (const auto& in : v.inputs) {
          bool exact = true;
          model::InputSpec input{tail_of[in.from_vertex], partition_of(in.ship_strategy, &exact), {}};
          if (!exact) notes.push_back("ship strategy " + in.ship_strategy + " written as hash");
          op.inputs.push_back(input);
        }
        op.cpu_per_record = static_cast<model::Nanos>(std::llround(f.cost_ns));
        notes.push_back("vertex \"" + v.name + "\" (" + v.id + "), p=" + std::to_string(v.parallelism) +
                        ", maxParallelism=" + std::to_string(v.max_parallelism) + ": GET /jobs/:jid");
        if (f.measured) {
          notes.push_back("cpu_per_record: the chain's Σ busyTimeMsPerSecond / Σ records in over " +
                          std::to_string(f.points) + " subtask points = " + fixed(f.cost_ns / 1000, 2) +
                          "us (busiest subtask, autoscaler MAX view: " +
                          fixed(f.cost_busiest_ns / 1000, 2) + "us; least squares slope " +
                          fixed(f.lsq_slope_ns / 1000, 2) + "us, residual " + fixed(f.residual_ms, 2) +
                          " ms/s)");
          if (f.contention_factor < 0.999)
            notes.push_back("busy time scaled by " + fixed(f.contention_factor, 3) +
                            " on average for CPU contention on saturated TaskManagers");
        } else {
          notes.push_back("cpu_per_record NOT MEASURED (no busy time or rates): set it by hand");
        }
        if (op.kind == model::OperatorKind::Source) {
          source_rate += f.input_rate;
          notes.push_back("source rate " + fixed(f.input_rate) + "/s from the source operator's "
                          "numRecordsInPerSecond; unthrottled it could reach " +
                          fixed(f.source_max_rate) + "/s (rate / (1 − backPressured/1000))");
        }
        if (f.key_skew) {
          op.key_skew = *f.key_skew;
          op.key_count = options.key_count;
          notes.push_back("key_skew: Zipf exponent matching the per-subtask input rates' max/mean = " +
                          fixed(f.rate_spread, 3) + " (CV " + fixed(f.rate_cv, 3) + ") with key_count " +
                          std::to_string(options.key_count) + " assumed (Flink does not report it)");
          if (job.checkpoints.state_size_avg > 0 && keyed_vertices > 0) {
            model::StateSpec state;
            state.keys = options.key_count;
            const double bytes = job.checkpoints.state_size_avg / keyed_vertices;
            state.bytes_per_key = std::max<model::Bytes>(1, std::llround(bytes / state.keys));
            state.access = rocksdb ? "rocksdb-get-put" : "heap-get-put";
            op.state = state;
            notes.push_back("state: checkpoint state_size avg " + fixed(job.checkpoints.state_size_avg, 0) +
                            " B from GET /jobs/:jid/checkpoints, split evenly over the " +
                            std::to_string(keyed_vertices) + " keyed vertices");
          }
        }
      } else {
        op.chaining = model::Chaining::Always;
        op.inputs.push_back({previous, model::Partition::Forward, {}});
        op.cpu_per_record = 0;
        notes.push_back("chained in \"" + v.name + "\": its cost is in the head's cpu_per_record");
      }
      if (f.operators[oi].selectivity) {
        op.selectivity = *f.operators[oi].selectivity;
        notes.push_back("selectivity: " + operator_metric_prefix(v.operators[oi]) +
                        ".numRecordsOutPerSecond / numRecordsInPerSecond");
      } else if (last && f.selectivity && op.kind != model::OperatorKind::Sink) {
        op.selectivity = *f.selectivity;
        notes.push_back("selectivity: the task's numRecordsOut / In (no operator metrics)");
      }
      if (f.record_size && op.kind != model::OperatorKind::Sink) {
        op.record_size = std::max<model::Bytes>(1, std::llround(*f.record_size));
        if (last) notes.push_back("record_size: numBytesOutPerSecond / numRecordsOutPerSecond");
      }
      previous = name;
      s.operators.push_back(std::move(op));
      out.operator_notes.push_back(std::move(notes));
    }
    tail_of[v.id] = previous;
  }

  s.traffic.shape = model::TrafficShape::Constant;
  s.traffic.peak = source_rate;
  s.traffic.trough = source_rate;
  out.header.push_back("traffic.peak: the sources' measured rate, " + fixed(source_rate) + "/s");
  if (job.checkpoints.completed > 0)
    out.header.push_back("checkpoints: " + std::to_string(job.checkpoints.completed) +
                         " completed, end-to-end avg " + fixed(job.checkpoints.duration_avg_ms, 0) +
                         " ms, max " + fixed(job.checkpoints.duration_max_ms, 0) +
                         " ms; incremental size avg " + fixed(job.checkpoints.checkpointed_size_avg, 0) + " B");
  for (const auto& warning : fit.warnings) out.header.push_back("warning: " + warning);
  return out;
}

std::string scenario_text(const CalibratedScenario& calibrated) {
  std::ostringstream out;
  for (const auto& line : calibrated.header) out << "# " << line << "\n";
  out << "\n";
  std::istringstream body(model::write_scenario(calibrated.scenario));
  std::string line;
  std::size_t op = 0;
  while (std::getline(body, line)) {
    out << line << "\n";
    if (line.rfind("[[operator]]", 0) == 0 && op < calibrated.operator_notes.size()) {
      for (const auto& note : calibrated.operator_notes[op]) out << "# " << note << "\n";
      ++op;
    }
  }
  return out.str();
}

}  // namespace flinksim::calibrate
