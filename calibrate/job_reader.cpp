#include "calibrate/job_reader.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "calibrate/json_fields.h"

namespace flinksim::calibrate {
namespace {

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// Kahn's algorithm; ties keep the order of the job details' vertices (Flink lists them
// topologically there already, so this only repairs answers that do not).
std::vector<VertexInfo> topological(std::vector<VertexInfo> vertices) {
  std::vector<VertexInfo> out;
  std::set<std::string> placed;
  while (!vertices.empty()) {
    auto ready = std::find_if(vertices.begin(), vertices.end(), [&](const VertexInfo& v) {
      return std::all_of(v.inputs.begin(), v.inputs.end(),
                         [&](const InputInfo& in) { return placed.count(in.from_vertex) > 0; });
    });
    if (ready == vertices.end()) ready = vertices.begin();  // a cycle (iterations): keep order
    placed.insert(ready->id);
    out.push_back(std::move(*ready));
    vertices.erase(ready);
  }
  return out;
}

// Fills each subtask's metrics from /vertices/:vid/metrics?get=<idx>.<id>,… in requests no longer
// than kMaxRequestLine.
void read_subtask_metrics(RestSource& source, const std::string& base, VertexInfo& vertex,
                          const std::vector<std::string>& ids, std::vector<std::string>& warnings) {
  std::vector<std::string> wanted;
  for (int i = 0; i < vertex.parallelism; ++i)
    for (const auto& id : ids) wanted.push_back(std::to_string(i) + "." + id);
  std::size_t next = 0;
  int answered = 0;
  int ignored = 0;
  std::string ignored_example;
  while (next < wanted.size()) {
    std::string path = base + "/metrics?get=";
    const std::size_t start = next;
    while (next < wanted.size() &&
           (next == start || path.size() + wanted[next].size() + 1 <= kMaxRequestLine)) {
      path += (next == start ? "" : ",") + wanted[next];
      ++next;
    }
    auto answer = source.get(path);
    if (!answer.ok()) {
      if (answer.failure->kind() == RemoteFailure::AuthRefused) throw *answer.failure;
      warnings.push_back("vertex \"" + vertex.name + "\": " + answer.failure->what());
      continue;
    }
    const auto json = parse_json(answer.body, "GET " + base + "/metrics");
    if (!json.is_array())
      throw RemoteError(RemoteFailure::VersionMismatch,
                        "GET " + base + "/metrics did not answer an array of {id, value}");
    for (const auto& m : json) {
      const std::string id = string_or(m, "id", "");
      const auto dot = id.find('.');
      if (dot == std::string::npos || !m.contains("value")) continue;
      const int index = std::atoi(id.substr(0, dot).c_str());
      auto value = json_number(m["value"]);
      if (index < 0 || index >= static_cast<int>(vertex.subtasks.size())) continue;
      if (!value || *value < 0) {  // "Infinity", a word, a negative figure: no measurement
        if (ignored++ == 0) ignored_example = id + " = " + m["value"].dump();
        continue;
      }
      vertex.subtasks[index].metrics[id.substr(dot + 1)] = *value;
      ++answered;
    }
  }
  if (ignored > 0)
    warnings.push_back("vertex \"" + vertex.name + "\": " + std::to_string(ignored) +
                       " metric value(s) are no measurement (e.g. " + ignored_example +
                       "); left out, as if Flink had not measured them");
  if (answered == 0)
    warnings.push_back("vertex \"" + vertex.name + "\": Flink returned no per-subtask metrics "
                       "(tasks just started? metrics.fetcher.update-interval not elapsed?)");
}

}  // namespace

// Flink's task metrics (times per second, rates, pending records) are never negative: a negative
// value is no measurement, like NaN, and would give a negative cost or selectivity.
std::optional<double> SubtaskInfo::metric(const std::string& id) const {
  auto it = metrics.find(id);
  if (it == metrics.end() || std::isnan(it->second) || it->second < 0) return std::nullopt;
  return it->second;
}

const VertexInfo* JobInfo::vertex(const std::string& id) const {
  for (const auto& v : vertices)
    if (v.id == id) return &v;
  return nullptr;
}

std::string operator_metric_prefix(const std::string& operator_name) {
  std::string out = operator_name;
  for (char& c : out)
    if (c == ' ' || c == '.' || c == ':' || c == ',') c = '_';
  return out.substr(0, 80);
}

std::vector<std::string> split_chain(const std::string& vertex_name) {
  std::vector<std::string> ops;
  std::size_t start = 0;
  for (auto pos = vertex_name.find(" -> "); pos != std::string::npos;
       pos = vertex_name.find(" -> ", start)) {
    ops.push_back(vertex_name.substr(start, pos - start));
    start = pos + 4;
  }
  ops.push_back(vertex_name.substr(start));
  return ops;
}

bool is_source_operator(const std::string& name) { return name.rfind("Source: ", 0) == 0; }

bool is_sink_operator(const std::string& name) {
  return name.rfind("Sink: ", 0) == 0 || ends_with(name, ": Writer") || ends_with(name, ": Committer") ||
         ends_with(name, ": Global Committer");
}

std::string select_job(RestSource& source, const std::optional<std::string>& jid) {
  if (jid) return *jid;
  const auto json = parse_json(source.get("/jobs/overview").value(), "GET /jobs/overview");
  std::vector<std::string> running;
  std::string listing;
  for (const auto& job : require_array(json, "jobs", "GET /jobs/overview")) {
    const std::string state = string_or(job, "state", "");
    listing += "\n  " + string_or(job, "jid", "?") + "  " + state + "  " + string_or(job, "name", "");
    if (state == "RUNNING") running.push_back(string_or(job, "jid", ""));
  }
  if (running.size() == 1) return running.front();
  throw RemoteError(RemoteFailure::MissingData,
                    (running.empty() ? std::string("no RUNNING job on ") + source.describe() +
                                           " to calibrate from"
                                     : "several RUNNING jobs; pick one with --job ID") +
                        (listing.empty() ? "" : ":" + listing));
}

JobInfo read_job(RestSource& source, const std::string& jid) {
  JobInfo job;
  job.jid = jid;
  const std::string base = "/jobs/" + jid;

  const auto details = parse_json(source.get(base).value(), "GET " + base);
  job.name = string_or(details, "name", jid);
  job.state = string_or(details, "state", "");
  if (details.is_object() && details.contains("now"))
    if (auto now = json_number(details["now"]); now && std::isfinite(*now))
      job.now_ms = std::llround(*now);
  if (job.state != "RUNNING")
    job.warnings.push_back("job " + jid + " is " + job.state + ", not RUNNING: its rates may be 0");
  for (const auto& v : require_array(details, "vertices", "GET " + base)) {
    VertexInfo vertex;
    vertex.id = require_string(v, "id", "GET " + base);
    vertex.name = require_string(v, "name", "GET " + base);
    const double parallelism = require_number(v, "parallelism", "GET " + base);
    if (!(parallelism >= 1 && parallelism <= 32768))  // Flink's bounds (max parallelism ≤ 2^15)
      throw RemoteError(RemoteFailure::VersionMismatch,
                        "GET " + base + ": vertex \"" + vertex.name + "\" has parallelism " +
                            v["parallelism"].dump() +
                            "; Flink's is a whole number from 1 to 32768");
    vertex.parallelism = static_cast<int>(parallelism);
    // Clamped so that any number casts to an int and the scenario written keeps p <= max.
    vertex.max_parallelism =
        static_cast<int>(std::clamp(number_or(v, "maxParallelism", 128), parallelism, 32768.0));
    vertex.operators = split_chain(vertex.name);
    vertex.subtasks.resize(vertex.parallelism);
    for (int i = 0; i < vertex.parallelism; ++i) vertex.subtasks[i].index = i;
    job.vertices.push_back(std::move(vertex));
  }

  // Edges from the plan: node inputs name the upstream vertex and the ship strategy.
  const auto plan = parse_json(source.get(base + "/plan").value(), "GET " + base + "/plan");
  const auto& nodes = require_array(require_array(plan, "plan", "GET " + base + "/plan"), "nodes",
                                    "GET " + base + "/plan");
  std::set<std::string> has_outputs;
  for (const auto& node : nodes) {
    const std::string id = string_or(node, "id", "");
    auto vertex = std::find_if(job.vertices.begin(), job.vertices.end(),
                               [&](const VertexInfo& v) { return v.id == id; });
    if (vertex == job.vertices.end()) continue;
    if (auto inputs = node.find("inputs"); inputs != node.end() && inputs->is_array()) {
      for (const auto& input : *inputs) {
        vertex->inputs.push_back({string_or(input, "id", ""), string_or(input, "ship_strategy", "")});
        has_outputs.insert(string_or(input, "id", ""));
      }
    }
  }
  for (auto& vertex : job.vertices) {
    vertex.is_source = vertex.inputs.empty() || is_source_operator(vertex.operators.front());
    vertex.is_sink = !has_outputs.count(vertex.id) ||
                     std::any_of(vertex.operators.begin(), vertex.operators.end(), is_sink_operator);
  }
  job.vertices = topological(std::move(job.vertices));

  if (auto config = source.get(base + "/config"); config.ok()) {
    const auto json = parse_json(config.body, "GET " + base + "/config");
    if (auto exec = json.find("execution-config"); exec != json.end())
      job.job_parallelism =
          static_cast<int>(std::clamp(number_or(*exec, "job-parallelism", 0), 0.0, 32768.0));
  }

  // Checkpoints: a job without checkpointing answers the config with no interval (or 404 on
  // older versions); neither is an error.
  if (auto config = source.get(base + "/checkpoints/config"); config.ok()) {
    const auto json = parse_json(config.body, "GET " + base + "/checkpoints/config");
    job.checkpoints.answered = true;
    // Flink answers Long.MAX_VALUE (2^63, as a double) when checkpointing is disabled: clamped
    // to 2^62, which reads as disabled below, before the cast.
    job.checkpoints.interval_ms =
        static_cast<std::int64_t>(std::clamp(number_or(json, "interval", 0), 0.0, 0x1p62));
    job.checkpoints.enabled = job.checkpoints.interval_ms > 0 &&
                              job.checkpoints.interval_ms < (std::int64_t{1} << 62);
    job.checkpoints.mode = string_or(json, "mode", "");
    job.checkpoints.state_backend = string_or(json, "state_backend", "");
    job.checkpoints.unaligned = json.value("unaligned_checkpoints", false);
  }
  if (auto stats = source.get(base + "/checkpoints"); stats.ok()) {
    const auto json = parse_json(stats.body, "GET " + base + "/checkpoints");
    if (auto counts = json.find("counts"); counts != json.end())
      job.checkpoints.completed =
          static_cast<std::int64_t>(std::clamp(number_or(*counts, "completed", 0), 0.0, 0x1p62));
    if (auto summary = json.find("summary"); summary != json.end() && summary->is_object()) {
      auto avg = [&](const char* field, const char* agg) {
        auto it = summary->find(field);
        return it == summary->end() ? 0.0 : number_or(*it, agg, 0.0);
      };
      job.checkpoints.state_size_avg = avg("state_size", "avg");
      job.checkpoints.checkpointed_size_avg = avg("checkpointed_size", "avg");
      job.checkpoints.duration_avg_ms = avg("end_to_end_duration", "avg");
      job.checkpoints.duration_max_ms = avg("end_to_end_duration", "max");
    }
  }

  for (auto& vertex : job.vertices) {
    const std::string vbase = base + "/vertices/" + vertex.id;
    // Placement: which TaskManager runs each subtask.
    const auto vdetails = parse_json(source.get(vbase).value(), "GET " + vbase);
    for (const auto& st : require_array(vdetails, "subtasks", "GET " + vbase)) {
      const int index = static_cast<int>(std::clamp(number_or(st, "subtask", -1), -1.0, 32768.0));
      if (index >= 0 && index < vertex.parallelism)
        vertex.subtasks[index].taskmanager_id = string_or(st, "taskmanager-id", "");
    }

    std::vector<std::string> ids = kTaskMetricIds;
    for (const auto& op : vertex.operators) {
      const std::string prefix = operator_metric_prefix(op);
      ids.push_back(prefix + ".numRecordsInPerSecond");
      ids.push_back(prefix + ".numRecordsOutPerSecond");
    }
    if (vertex.is_source) ids.push_back(operator_metric_prefix(vertex.operators.front()) + ".pendingRecords");

    std::string get;
    for (const auto& id : kTaskMetricIds) get += (get.empty() ? "" : ",") + id;
    if (auto agg = source.get(vbase + "/subtasks/metrics?get=" + get); agg.ok()) {
      const auto json = parse_json(agg.body, "GET " + vbase + "/subtasks/metrics");
      if (json.is_array()) {
        for (const auto& m : json) {
          auto measured = [&](const char* agg) {  // negative: no measurement, as in metric()
            const double value = number_or(m, agg, NAN);
            return value < 0 ? NAN : value;
          };
          AggregatedMetric a{measured("min"), measured("max"), measured("avg"), measured("sum")};
          vertex.aggregated[string_or(m, "id", "")] = a;
        }
      }
    } else if (agg.failure->kind() == RemoteFailure::AuthRefused) {
      throw *agg.failure;
    }
    read_subtask_metrics(source, vbase, vertex, ids, job.warnings);
    const auto busy = vertex.aggregated.find("busyTimeMsPerSecond");
    if ((busy == vertex.aggregated.end() || std::isnan(busy->second.avg)) &&
        std::none_of(vertex.subtasks.begin(), vertex.subtasks.end(),
                     [](const SubtaskInfo& s) { return s.metric("busyTimeMsPerSecond").has_value(); }))
      job.warnings.push_back("vertex \"" + vertex.name +
                             "\": no busyTimeMsPerSecond (missing, NaN or negative)");
  }
  return job;
}

}  // namespace flinksim::calibrate
