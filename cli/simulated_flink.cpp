#include "cli/simulated_flink.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <sstream>
#include <thread>

#include "calibrate/job_reader.h"
#include "cli/json_output.h"
#include "cli/memory_json.h"
#include "model/checkpoint_model.h"
#include "model/memory.h"

namespace flinksim::cli {
namespace {

constexpr const char* kFlinkVersion = "1.20.0";  // the REST shapes served are Flink 1.20's

// A 32-hex-digit id like Flink's JobID / JobVertexID, derived from a name (FNV-1a, twice), so the
// same scenario always gets the same ids.
std::string hex_id(const std::string& name) {
  auto fnv = [](const std::string& text, std::uint64_t h) {
    for (unsigned char c : text) h = (h ^ c) * 1099511628211ULL;
    return h;
  };
  const std::uint64_t a = fnv(name, 14695981039346656037ULL);
  const std::uint64_t b = fnv(name + "#", a);
  char out[33];
  std::snprintf(out, sizeof out, "%016llx%016llx", static_cast<unsigned long long>(a),
                static_cast<unsigned long long>(b));
  return out;
}

// Flink's MetricStore answers values as strings.
std::string metric_string(double value) {
  char out[64];
  std::snprintf(out, sizeof out, "%.10g", value);
  return out;
}

std::vector<std::string> split_ids(const std::string& ids) {
  std::vector<std::string> out;
  std::stringstream ss(ids);
  for (std::string id; std::getline(ss, id, ',');)
    if (!id.empty()) out.push_back(id);
  return out;
}

std::string query_value(const std::string& target, const std::string& key) {
  const auto q = target.find('?');
  if (q == std::string::npos) return "";
  std::stringstream ss(target.substr(q + 1));
  for (std::string pair; std::getline(ss, pair, '&');)
    if (pair.rfind(key + "=", 0) == 0) return pair.substr(key.size() + 1);
  return "";
}

SimulatedFlink::Answer json_answer(const Json& json) { return {200, json.dump()}; }
SimulatedFlink::Answer not_found(const std::string& path) {
  return {404, Json{{"errors", {"Not found: " + path}}}.dump()};
}

}  // namespace

SimulatedFlink::SimulatedFlink(const model::Scenario& scenario, const model::JobGraph& graph,
                               const model::Placement& placement)
    : scenario_(scenario), graph_(graph), placement_(placement) {
  job_id_ = hex_id("job:" + scenario.name);
  for (std::size_t v = 0; v < graph.vertices.size(); ++v)
    vertex_ids_.push_back(hex_id("vertex:" + std::to_string(v) + ":" + graph.vertices[v].name));
  for (int t = 0; t < placement.taskmanagers; ++t)
    // As the Kubernetes operator names TaskManager pods (<cluster>-taskmanager-<attempt>-<n>).
    taskmanager_ids_.push_back("flinksim-taskmanager-1-" + std::to_string(t + 1));
  for (const auto& vertex : graph.vertices) {
    double bytes = 0;
    for (int e : vertex.outputs)
      bytes = std::max(bytes, static_cast<double>(scenario.operators[graph.edges[e].from_operator].record_size));
    vertex_record_bytes_.push_back(bytes);
  }
  staging_.subtasks.resize(graph.vertices.size());
  for (std::size_t v = 0; v < graph.vertices.size(); ++v)
    staging_.subtasks[v].resize(graph.vertices[v].parallelism);
  staging_.cpu.assign(placement.taskmanagers, 0.0);
  staging_.cpu_time_ns.assign(placement.taskmanagers, 0.0);
  published_ = staging_;
}

void SimulatedFlink::set_speed(double speed) { speed_ = speed; }

void SimulatedFlink::set_node_cores(double cores) { node_cores_ = cores; }

void SimulatedFlink::on_subtask(model::Nanos /*time*/, const sim::SubtaskSample& sample) {
  staging_.subtasks[sample.vertex][sample.subtask] = sample;
}

void SimulatedFlink::on_taskmanager(model::Nanos time, int taskmanager, const sim::TaskManagerSample& sample) {
  const double cpu_utilization = sample.cpu_utilization;
  staging_.cpu[taskmanager] = cpu_utilization;
  // The interval began where the previous one ended (staging_.time, set by on_job), or at 0.
  const auto interval = static_cast<double>(time - std::max<model::Nanos>(staging_.time, 0));
  staging_.cpu_time_ns[taskmanager] +=
      cpu_utilization * scenario_.cluster.cpu_per_taskmanager * interval;
}

void SimulatedFlink::on_job(model::Nanos time, const sim::JobSample& /*sample*/) {
  staging_.time = time;
  {
    std::lock_guard lock(mutex_);
    published_ = staging_;
  }
  if (stop_) throw Stopped{};
  if (speed_ <= 0) return;
  if (!paced_) {
    wall_start_ = std::chrono::steady_clock::now();
    paced_ = true;
  }
  const auto due = wall_start_ + std::chrono::nanoseconds(static_cast<std::int64_t>(
                                     static_cast<double>(time) / speed_));
  while (std::chrono::steady_clock::now() < due) {  // in short steps, so stop() is heard
    if (stop_) throw Stopped{};
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        due - std::chrono::steady_clock::now(), std::chrono::milliseconds(50)));
  }
}

namespace {

constexpr std::size_t kSummaryWindow = 10'000;  // completed checkpoints the summary's statistics cover
constexpr std::size_t kHistorySize = 10;        // web.checkpoints.history

std::int64_t millis(model::Nanos t) { return t / model::kMillisecond; }

// One entry of `history` / `latest`, as Flink's CheckpointStatistics serialises it.
Json checkpoint_json(const sim::CheckpointRecord& c, const std::string& job_id, int subtasks) {
  const bool completed = c.status == sim::CheckpointStatus::Completed;
  Json j = {{"className", completed ? "completed" : "failed"},
            {"id", c.id},
            {"status", completed ? "COMPLETED" : "FAILED"},
            {"is_savepoint", false},
            {"savepointFormat", nullptr},
            {"trigger_timestamp", millis(c.trigger_time)},
            {"latest_ack_timestamp", millis(c.trigger_time + c.end_to_end_duration)},
            {"checkpointed_size", c.checkpointed_size},
            {"state_size", c.state_size},
            {"end_to_end_duration", millis(c.end_to_end_duration)},
            {"alignment_buffered", 0},
            {"processed_data", 0},
            {"persisted_data", c.persisted_data},
            {"num_subtasks", subtasks},
            {"num_acknowledged_subtasks", completed ? subtasks : 0},
            {"checkpoint_type", c.unaligned ? "UNALIGNED_CHECKPOINT" : "CHECKPOINT"},
            {"tasks", Json::object()}};
  if (completed) {
    j["external_path"] = "s3://flink-checkpoints/" + job_id + "/chk-" + std::to_string(c.id);
    j["discarded"] = false;
  } else {
    j["failure_timestamp"] = millis(c.trigger_time + c.end_to_end_duration);
    j["failure_message"] = c.failure_reason == "expired" ? "Checkpoint expired before completing." : c.failure_reason;
  }
  return j;
}

// min, max, avg as longs and the percentiles as doubles (Flink's StatsSummaryDto), nearest rank.
Json summary_json(std::vector<double> values) {
  if (values.empty())
    return {{"min", 0}, {"max", 0}, {"avg", 0}, {"p50", 0.0}, {"p90", 0.0}, {"p95", 0.0}, {"p99", 0.0}, {"p999", 0.0}};
  std::sort(values.begin(), values.end());
  double sum = 0;
  for (double v : values) sum += v;
  const auto at = [&](double q) {
    const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
    return values[std::min(values.size() - 1, rank > 0 ? rank - 1 : 0)];
  };
  return {{"min", std::llround(values.front())}, {"max", std::llround(values.back())},
          {"avg", std::llround(sum / static_cast<double>(values.size()))},
          {"p50", at(0.5)}, {"p90", at(0.9)}, {"p95", at(0.95)}, {"p99", at(0.99)}, {"p999", at(0.999)}};
}

}  // namespace

void SimulatedFlink::on_checkpoint(const sim::CheckpointRecord& c) {
  std::lock_guard lock(mutex_);
  if (c.status == sim::CheckpointStatus::Completed) {
    ++checkpoints_completed_;
    latest_completed_ = c;
    if (checkpoint_window_.size() < kSummaryWindow) {
      checkpoint_window_.push_back(c);
    } else {
      checkpoint_window_[checkpoint_window_next_] = c;
      checkpoint_window_next_ = (checkpoint_window_next_ + 1) % kSummaryWindow;
    }
  } else {
    ++checkpoints_failed_;
    latest_failed_ = c;
  }
  checkpoint_history_.push_back(c);
  if (checkpoint_history_.size() > kHistorySize) checkpoint_history_.erase(checkpoint_history_.begin());
}

std::string SimulatedFlink::checkpoints_answer() const {
  int subtasks = 0;
  for (const auto& v : graph_.vertices) subtasks += v.parallelism;
  const auto field = [&](auto get) {
    std::vector<double> values;
    for (const auto& c : checkpoint_window_) values.push_back(static_cast<double>(get(c)));
    return summary_json(std::move(values));
  };
  Json history = Json::array();
  for (auto it = checkpoint_history_.rbegin(); it != checkpoint_history_.rend(); ++it)
    history.push_back(checkpoint_json(*it, job_id_, subtasks));
  const Json doc = {
      {"counts", {{"restored", 0}, {"total", checkpoints_completed_ + checkpoints_failed_}, {"in_progress", 0},
                  {"completed", checkpoints_completed_}, {"failed", checkpoints_failed_}}},
      {"summary",
       {{"checkpointed_size", field([](const sim::CheckpointRecord& c) { return c.checkpointed_size; })},
        {"state_size", field([](const sim::CheckpointRecord& c) { return c.state_size; })},
        {"end_to_end_duration", field([](const sim::CheckpointRecord& c) { return millis(c.end_to_end_duration); })},
        {"alignment_buffered", summary_json({})},
        {"processed_data", summary_json({})},
        {"persisted_data", field([](const sim::CheckpointRecord& c) { return c.persisted_data; })}}},
      {"latest",
       {{"completed", latest_completed_ ? checkpoint_json(*latest_completed_, job_id_, subtasks) : Json(nullptr)},
        {"savepoint", nullptr},
        {"failed", latest_failed_ ? checkpoint_json(*latest_failed_, job_id_, subtasks) : Json(nullptr)},
        {"restored", nullptr}}},
      {"history", std::move(history)}};
  return doc.dump();
}

model::Nanos SimulatedFlink::simulated_time() const {
  std::lock_guard lock(mutex_);
  return published_.time;
}

int SimulatedFlink::vertex_index(const std::string& id) const {
  for (std::size_t v = 0; v < vertex_ids_.size(); ++v)
    if (vertex_ids_[v] == id) return static_cast<int>(v);
  return -1;
}

std::string SimulatedFlink::metric_value(int vertex, int subtask, const std::string& name,
                                         const Sample& sample) const {
  const sim::SubtaskSample& s = sample.subtasks[vertex][subtask];
  const model::JobVertex& v = graph_.vertices[vertex];
  if (sample.time < 0) return "";  // no interval has ended yet: Flink has no values either
  if (name == "busyTimeMsPerSecond") return metric_string(s.busy_ms_per_s);
  if (name == "backPressuredTimeMsPerSecond") return metric_string(s.backpressured_ms_per_s);
  if (name == "idleTimeMsPerSecond") return metric_string(s.idle_ms_per_s);
  if (name == "numRecordsInPerSecond") return metric_string(s.records_in_per_s);
  if (name == "numRecordsOutPerSecond") return metric_string(s.records_out_per_s);
  if (name == "numBytesOutPerSecond" && vertex_record_bytes_[vertex] > 0)
    return metric_string(s.records_out_per_s * vertex_record_bytes_[vertex]);
  // Per chained operator: records entering the chain × the operator's rate factor. A source's
  // chain input is what it reads from its backlog; the sample has its network output, so divide
  // by the rate factor of what the chain emits on its first output.
  const auto dot = name.rfind('.');
  if (dot == std::string::npos) return "";
  const std::string scope = name.substr(0, dot), metric = name.substr(dot + 1);
  double chain_in = s.records_in_per_s;
  if (v.is_source) {
    chain_in = 0;
    if (!v.outputs.empty()) {
      const int from = graph_.edges[v.outputs.front()].from_operator;
      for (const auto& op : v.operators)
        if (op.op == from && op.rate_factor * scenario_.operators[from].selectivity > 0)
          chain_in = s.records_out_per_s / (op.rate_factor * scenario_.operators[from].selectivity);
    }
  }
  for (std::size_t k = 0; k < v.operators.size(); ++k) {
    const model::OperatorSpec& spec = scenario_.operators[v.operators[k].op];
    if (calibrate::operator_metric_prefix(spec.name) != scope) continue;
    const double in = chain_in * v.operators[k].rate_factor;
    if (metric == "numRecordsInPerSecond") return metric_string(in);
    if (metric == "numRecordsOutPerSecond") return metric_string(in * spec.selectivity);
    if (metric == "pendingRecords" && k == 0 && v.is_source && s.pending_records >= 0)
      return metric_string(static_cast<double>(s.pending_records));
  }
  return "";
}

std::string SimulatedFlink::subtask_metrics(int vertex, const std::string& ids, const Sample& sample) const {
  Json out = Json::array();
  if (ids.empty()) {  // no ?get=: the list of available metric ids, as Flink answers it
    for (const char* id : {"busyTimeMsPerSecond", "backPressuredTimeMsPerSecond", "idleTimeMsPerSecond",
                           "numRecordsInPerSecond", "numRecordsOutPerSecond"})
      for (int i = 0; i < graph_.vertices[vertex].parallelism; ++i)
        out.push_back({{"id", std::to_string(i) + "." + id}});
    return out.dump();
  }
  for (const auto& id : split_ids(ids)) {
    const auto dot = id.find('.');
    if (dot == std::string::npos) continue;
    const int index = std::atoi(id.substr(0, dot).c_str());
    if (index < 0 || index >= graph_.vertices[vertex].parallelism) continue;
    const std::string value = metric_value(vertex, index, id.substr(dot + 1), sample);
    if (!value.empty()) out.push_back({{"id", id}, {"value", value}});  // unknown ids left out, as Flink does
  }
  return out.dump();
}

std::string SimulatedFlink::aggregated_metrics(int vertex, const std::string& ids, const Sample& sample) const {
  Json out = Json::array();
  for (const auto& id : split_ids(ids)) {
    double mn = 0, mx = 0, sum = 0;
    int n = 0;
    for (int i = 0; i < graph_.vertices[vertex].parallelism; ++i) {
      const std::string value = metric_value(vertex, i, id, sample);
      if (value.empty()) continue;
      const double x = std::stod(value);
      mn = n ? std::min(mn, x) : x;
      mx = n ? std::max(mx, x) : x;
      sum += x;
      ++n;
    }
    if (n) out.push_back({{"id", id}, {"min", mn}, {"max", mx}, {"avg", sum / n}, {"sum", sum}});
  }
  return out.dump();
}

std::string SimulatedFlink::taskmanager_metrics(int taskmanager, const std::string& ids, const Sample& sample) const {
  const model::TaskManagerMemory memory = model::derive_taskmanager_memory(scenario_.flink);
  Json out = Json::array();
  const double cores = scenario_.cluster.cpu_per_taskmanager;
  const double host_cores = node_cores_ > 0 ? node_cores_ : cores;
  for (const auto& id : split_ids(ids)) {
    std::string value;
    if (id == "Status.JVM.CPU.Load" && sample.time >= 0)
      value = metric_string(sample.cpu[taskmanager] * cores / host_cores);
    if (id == "Status.JVM.CPU.Time" && sample.time >= 0)
      value = std::to_string(std::llround(sample.cpu_time_ns[taskmanager]));
    if (id == "Status.JVM.Memory.Heap.Max") value = metric_string(static_cast<double>(memory.jvm_heap()));
    if (id == "Status.Flink.Memory.Managed.Total") value = metric_string(static_cast<double>(memory.managed));
    if (!value.empty()) out.push_back({{"id", id}, {"value", value}});
  }
  return out.dump();
}

SimulatedFlink::Answer SimulatedFlink::get(const std::string& target) const {
  Sample sample;
  {
    std::lock_guard lock(mutex_);
    sample = published_;
  }
  const std::string path = target.substr(0, target.find('?'));
  std::vector<std::string> parts;
  {
    std::stringstream ss(path);
    for (std::string p; std::getline(ss, p, '/');)
      if (!p.empty()) parts.push_back(p);
  }
  const int slots = placement_.slots_per_taskmanager;
  const int total_slots = slots * placement_.taskmanagers;
  const int used_slots = static_cast<int>(placement_.slots.size());
  const double elapsed_ms = sample.time < 0 ? 0.0 : static_cast<double>(sample.time) / 1e6;

  if (path == "/overview")
    return json_answer({{"taskmanagers", placement_.taskmanagers}, {"slots-total", total_slots},
                        {"slots-available", total_slots - used_slots}, {"jobs-running", 1},
                        {"jobs-finished", 0}, {"jobs-cancelled", 0}, {"jobs-failed", 0},
                        {"flink-version", kFlinkVersion}, {"flink-commit", "flinksim"}});
  if (path == "/config")
    return json_answer({{"refresh-interval", 3000}, {"timezone-name", "Coordinated Universal Time"},
                        {"timezone-offset", 0}, {"flink-version", kFlinkVersion},
                        {"flink-revision", "flinksim simulation of " + scenario_.name}});
  if (path == "/jobmanager/config") {
    Json out = Json::array();
    for (const auto& [key, entry] : scenario_.flink.entries()) out.push_back({{"key", key}, {"value", entry.value}});
    return json_answer(out);
  }
  if (parts.size() >= 1 && parts[0] == "taskmanagers") {
    const model::TaskManagerMemory memory = model::derive_taskmanager_memory(scenario_.flink);
    auto describe = [&](int t) {
      int used = 0;
      for (const auto& slot : placement_.slots) used += slot.taskmanager == t ? 1 : 0;
      const double cores = scenario_.cluster.cpu_per_taskmanager;
      return Json{{"id", taskmanager_ids_[t]},
                  {"path", "pekko.tcp://flink@" + taskmanager_ids_[t] + ":6122/user/rpc/taskmanager_0"},
                  {"dataPort", 6121}, {"jmxPort", -1}, {"timeSinceLastHeartbeat", 0},
                  {"slotsNumber", slots}, {"freeSlots", slots - used},
                  {"totalResource", {{"cpuCores", cores}, {"taskHeapMemory", memory.task_heap >> 20},
                                     {"managedMemory", memory.managed >> 20}, {"networkMemory", memory.network >> 20}}},
                  {"hardware", {{"cpuCores", static_cast<int>(std::ceil(cores))},
                                {"physicalMemory", memory.total_process}, {"managedMemory", memory.managed}}},
                  {"memoryConfiguration", memory_configuration_json(memory)}};
    };
    if (parts.size() == 1) {
      Json list = Json::array();
      for (int t = 0; t < placement_.taskmanagers; ++t) list.push_back(describe(t));
      return json_answer({{"taskmanagers", list}});
    }
    for (int t = 0; t < placement_.taskmanagers; ++t) {
      if (parts[1] != taskmanager_ids_[t]) continue;
      if (parts.size() == 2) return json_answer(describe(t));
      if (parts.size() == 3 && parts[2] == "metrics")
        return {200, taskmanager_metrics(t, query_value(target, "get"), sample)};
    }
    return not_found(path);
  }
  if (path == "/jobs/overview")
    return json_answer({{"jobs", Json::array({Json{{"jid", job_id_}, {"name", scenario_.name}, {"state", "RUNNING"},
                                                    {"start-time", 0}, {"end-time", -1}, {"duration", elapsed_ms}}})}});
  if (parts.size() < 2 || parts[0] != "jobs" || parts[1] != job_id_) return not_found(path);

  if (parts.size() == 2) {
    Json vertices = Json::array();
    for (std::size_t v = 0; v < graph_.vertices.size(); ++v)
      vertices.push_back({{"id", vertex_ids_[v]}, {"name", graph_.vertices[v].name},
                          {"maxParallelism", graph_.vertices[v].max_parallelism},
                          {"parallelism", graph_.vertices[v].parallelism}, {"status", "RUNNING"}});
    return json_answer({{"jid", job_id_}, {"name", scenario_.name}, {"isStoppable", false}, {"state", "RUNNING"},
                        {"job-type", "STREAMING"}, {"start-time", 0}, {"end-time", -1}, {"duration", elapsed_ms},
                        {"now", std::max<model::Nanos>(sample.time, 0) / model::kMillisecond},
                        {"vertices", vertices}});
  }
  if (parts.size() == 3 && parts[2] == "plan") {
    Json nodes = Json::array();
    for (std::size_t v = 0; v < graph_.vertices.size(); ++v) {
      Json node = {{"id", vertex_ids_[v]}, {"parallelism", graph_.vertices[v].parallelism},
                   {"operator", ""}, {"operator_strategy", ""}, {"description", graph_.vertices[v].name}};
      if (!graph_.vertices[v].inputs.empty()) {
        Json inputs = Json::array();
        int num = 0;
        for (int e : graph_.vertices[v].inputs)
          inputs.push_back({{"num", num++}, {"id", vertex_ids_[graph_.edges[e].source]},
                            {"ship_strategy", model::ship_strategy_name(graph_.edges[e].partition)},
                            {"exchange", "pipelined_bounded"}});
        node["inputs"] = inputs;
      }
      nodes.push_back(node);
    }
    return json_answer({{"plan", {{"jid", job_id_}, {"name", scenario_.name}, {"type", "STREAMING"}, {"nodes", nodes}}}});
  }
  if (parts.size() == 3 && parts[2] == "config")
    return json_answer({{"jid", job_id_}, {"name", scenario_.name},
                        {"execution-config", {{"execution-mode", "PIPELINED"},
                                              {"job-parallelism", graph_.vertices.empty() ? 1 : graph_.vertices.front().parallelism},
                                              {"object-reuse-mode", false}, {"user-config", Json::object()}}}});
  if (parts.size() == 3 && parts[2] == "checkpoints") {
    std::lock_guard lock(mutex_);
    return {200, checkpoints_answer()};
  }
  if (parts.size() == 4 && parts[2] == "checkpoints" && parts[3] == "config") {
    const auto settings = model::resolve_checkpoint_settings(scenario_.flink);
    // Flink answers a disabled interval as Long.MAX_VALUE.
    const std::int64_t interval = settings.enabled ? settings.interval / model::kMillisecond : INT64_MAX;
    return json_answer({{"mode", settings.exactly_once ? "exactly_once" : "at_least_once"}, {"interval", interval},
                        {"timeout", settings.timeout / model::kMillisecond},
                        {"min_pause", settings.min_pause / model::kMillisecond},
                        {"max_concurrent", settings.max_concurrent},
                        {"state_backend", settings.backend == model::StateBackend::RocksDb
                                              ? "EmbeddedRocksDBStateBackend" : "HashMapStateBackend"},
                        {"unaligned_checkpoints", settings.unaligned}});
  }
  if (parts.size() >= 4 && parts[2] == "vertices") {
    const int v = vertex_index(parts[3]);
    if (v < 0) return not_found(path);
    if (parts.size() == 4) {
      Json subtasks = Json::array();
      for (int i = 0; i < graph_.vertices[v].parallelism; ++i) {
        const int t = placement_.taskmanager_of[v][i];
        subtasks.push_back({{"subtask", i}, {"status", "RUNNING"}, {"attempt", 0},
                            {"endpoint", t >= 0 ? taskmanager_ids_[t] + ":6121" : ""},
                            {"taskmanager-id", t >= 0 ? taskmanager_ids_[t] : ""}, {"start-time", 0}});
      }
      return json_answer({{"id", vertex_ids_[v]}, {"name", graph_.vertices[v].name},
                          {"parallelism", graph_.vertices[v].parallelism},
                          {"maxParallelism", graph_.vertices[v].max_parallelism}, {"now", elapsed_ms},
                          {"subtasks", subtasks}});
    }
    if (parts.size() == 5 && parts[4] == "metrics")
      return {200, subtask_metrics(v, query_value(target, "get"), sample)};
    if (parts.size() == 6 && parts[4] == "subtasks" && parts[5] == "metrics")
      return {200, aggregated_metrics(v, query_value(target, "get"), sample)};
  }
  return not_found(path);
}

}  // namespace flinksim::cli
