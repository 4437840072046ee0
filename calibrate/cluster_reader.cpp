#include "calibrate/cluster_reader.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <vector>

#include "calibrate/json_fields.h"

namespace flinksim::calibrate {

namespace {

// A process gauge's value; the JDK answers a negative one when it cannot measure.
std::optional<double> measured(const std::map<std::string, double>& metrics, const char* id) {
  auto it = metrics.find(id);
  if (it == metrics.end() || std::isnan(it->second) || it->second < 0) return std::nullopt;
  return it->second;
}

std::string metrics_path(const std::string& tm_id, const std::vector<std::string>& ids) {
  std::string get;
  for (const auto& id : ids) get += (get.empty() ? "" : ",") + id;
  return "/taskmanagers/" + tm_id + "/metrics?get=" + get;
}

}  // namespace

std::optional<double> TaskManagerInfo::cpu_load() const {
  return measured(metrics, "Status.JVM.CPU.Load");
}

std::optional<double> TaskManagerInfo::cpu_time_ns() const {
  return measured(metrics, "Status.JVM.CPU.Time");
}

std::optional<std::string> ClusterInfo::config_value(const std::string& key) const {
  for (const auto& [k, v] : config)
    if (k == key) return v;
  return std::nullopt;
}

const TaskManagerInfo* ClusterInfo::taskmanager(const std::string& id) const {
  for (const auto& tm : taskmanagers)
    if (tm.id == id) return &tm;
  return nullptr;
}

bool supported_flink_version(const std::string& version) {
  int major = 0, minor = 0;
  if (std::sscanf(version.c_str(), "%d.%d", &major, &minor) != 2) return false;
  return (major == 1 && minor >= 16) || major == 2;
}

namespace {

// Slots are a count Flink always sends: a whole number of at least `least` that fits an int. A
// "NaN" or 1e48 there is no Flink answer (and, cast to int, undefined behaviour).
int require_slots(const nlohmann::json& obj, const char* field, const std::string& what,
                  int least) {
  const double slots = require_number(obj, field, what);
  if (slots >= least && slots <= std::numeric_limits<int>::max()) return static_cast<int>(slots);
  throw RemoteError(RemoteFailure::VersionMismatch,
                    what + ": \"" + field + "\" is " + obj.at(field).dump() +
                        ", not a number of slots");
}

// A count only shown (free slots, running jobs), clamped so that any number casts to an int.
int shown_count(const nlohmann::json& obj, const char* field) {
  return static_cast<int>(std::clamp(number_or(obj, field, 0), 0.0, 1e9));
}

}  // namespace

ClusterInfo read_cluster(RestSource& source) {
  ClusterInfo cluster;
  const std::string where = " at " + source.describe();

  // /overview first: every Flink JobManager answers it, so its fields tell a Flink REST API
  // from anything else that speaks JSON on that address.
  const auto overview = parse_json(source.get("/overview").value(), "GET /overview" + where);
  if (!overview.is_object() || !overview.contains("slots-total") || !overview.contains("taskmanagers")) {
    throw RemoteError(RemoteFailure::NotFlink,
                      "GET /overview" + where + " answered JSON without Flink's fields "
                      "(\"taskmanagers\", \"slots-total\"): not a Flink REST API; is --url the "
                      "JobManager's REST address (rest.port, default 8081)?");
  }
  cluster.flink_version = string_or(overview, "flink-version", "");
  cluster.slots_total = require_slots(overview, "slots-total", "GET /overview", 0);
  cluster.slots_available = shown_count(overview, "slots-available");
  cluster.jobs_running = shown_count(overview, "jobs-running");
  if (!supported_flink_version(cluster.flink_version)) {
    cluster.warnings.push_back("Flink version \"" + cluster.flink_version +
                               "\" is outside 1.16–2.x; its REST answers may differ");
  }

  if (auto config = source.get("/config"); config.ok()) {
    const auto json = parse_json(config.body, "GET /config" + where);
    cluster.flink_revision = string_or(json, "flink-revision", "");
    if (cluster.flink_version.empty()) cluster.flink_version = string_or(json, "flink-version", "");
  }

  try {
    const auto tms = parse_json(source.get("/taskmanagers").value(), "GET /taskmanagers" + where);
    const std::string what = "GET /taskmanagers";
    for (const auto& tm : require_array(tms, "taskmanagers", what)) {
      TaskManagerInfo info;
      info.id = require_string(tm, "id", what);
      info.slots = require_slots(tm, "slotsNumber", what, 1);
      info.free_slots = shown_count(tm, "freeSlots");
      if (auto hw = tm.find("hardware"); hw != tm.end())
        info.cpu_cores = number_or(*hw, "cpuCores", 0);
      if (auto res = tm.find("totalResource"); res != tm.end())
        info.resource_cpu_cores = number_or(*res, "cpuCores", 0);
      if (auto mem = tm.find("memoryConfiguration"); mem != tm.end() && mem->is_object()) {
        for (const auto& [name, value] : mem->items())
          if (auto n = json_number(value); n && *n >= 0 && *n < 0x1p63)  // bytes, a Java long
            info.memory[name] = static_cast<std::int64_t>(*n);
      } else {
        cluster.warnings.push_back("TaskManager " + info.id +
                                   " has no memoryConfiguration (Flink < 1.12?)");
      }
      cluster.taskmanagers.push_back(std::move(info));
    }

    if (auto config = source.get("/jobmanager/config"); config.ok()) {
      const auto json = parse_json(config.body, "GET /jobmanager/config" + where);
      if (!json.is_array())
        throw RemoteError(RemoteFailure::VersionMismatch, "GET /jobmanager/config" + where +
                                                              " is not an array of {key, value}");
      for (const auto& entry : json)
        cluster.config.emplace_back(string_or(entry, "key", ""), string_or(entry, "value", ""));
    } else {
      cluster.warnings.push_back(std::string("no /jobmanager/config: ") + config.failure->what());
    }
  } catch (const RemoteError& error) {
    rethrow_naming_version(error, cluster.flink_version);
  }
  return cluster;
}

void read_taskmanager_metrics(RestSource& source, ClusterInfo& cluster) {
  for (auto& tm : cluster.taskmanagers) {
    std::string path = metrics_path(tm.id, kTaskManagerMetricIds);
    auto answer = source.get(path);
    if (!answer.ok() && answer.failure->kind() == RemoteFailure::MissingData) {
      path = metrics_path(tm.id, kTaskManagerMetricIdsWithoutCpuTime);  // an older snapshot
      answer = source.get(path);
    }
    if (!answer.ok()) {
      if (answer.failure->kind() == RemoteFailure::AuthRefused) throw *answer.failure;
      cluster.warnings.push_back("no metrics for TaskManager " + tm.id + ": " + answer.failure->what());
      continue;
    }
    const auto json = parse_json(answer.body, "GET " + path.substr(0, path.find('?')));
    if (json.is_array()) {
      for (const auto& m : json)
        if (auto v = m.contains("value") ? json_number(m["value"]) : std::nullopt)
          tm.metrics[string_or(m, "id", "")] = *v;
    }
    if (!tm.cpu_load() && !tm.cpu_time_ns())
      cluster.warnings.push_back("TaskManager " + tm.id +
                                 " reports neither Status.JVM.CPU.Time nor Status.JVM.CPU.Load "
                                 "yet; its CPU contention cannot be checked");
  }
}

}  // namespace flinksim::calibrate
