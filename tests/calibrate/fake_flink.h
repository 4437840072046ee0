// The replaying fake of calibrate/rest_source.h (style §11): answers Flink REST paths from a
// fixture folder (tests/calibrate/fixtures/<name>/, copied from the project's hand-written
// flink-rest fixtures), computing the metric-query endpoints from vertex-<id>-subtasks.json as
// Flink's MetricStore would (ids in request order, unknown ids left out, aggregates in subtask
// order). `faults` maps a path prefix to a failure, for the faulty variant.
#pragma once

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "calibrate/json_fields.h"
#include "calibrate/rest_source.h"
#include "test_paths.h"

namespace flinksim::testing {

inline std::string fixture_dir(const std::string& name) {
  return source_dir() + "/tests/calibrate/fixtures/" + name;
}

class FakeFlink : public calibrate::RestSource {
 public:
  explicit FakeFlink(std::string dir) : dir_(std::move(dir)) {}
  std::map<std::string, calibrate::RemoteError> faults;  // path prefix → failure
  std::vector<std::string> log;                          // every path asked for

  calibrate::RestResult get(const std::string& path) override {
    log.push_back(path);
    calibrate::RestResult r;
    for (const auto& [prefix, error] : faults)
      if (path.rfind(prefix, 0) == 0) { r.failure = error; return r; }
    const auto q = path.find('?');
    const std::string route = path.substr(0, q);
    const std::string get = q == std::string::npos ? "" : path.substr(path.find("get=") + 4);
    std::vector<std::string> parts;
    std::stringstream ss(route);
    for (std::string p; std::getline(ss, p, '/');) if (!p.empty()) parts.push_back(p);
    std::string file;
    if (route == "/overview") file = "overview.json";
    else if (route == "/config") file = "config.json";
    else if (route == "/taskmanagers") file = "taskmanagers.json";
    else if (route == "/jobmanager/config") file = "jobmanager-config.json";
    else if (route == "/jobs/overview") file = "jobs-overview.json";
    else if (parts.size() == 3 && parts[0] == "taskmanagers" && parts[2] == "metrics") return tm_metrics(parts[1]);
    else if (parts.size() == 2 && parts[0] == "jobs") file = "job-details.json";
    else if (parts.size() == 3 && parts[2] == "plan") file = "job-plan.json";
    else if (parts.size() == 3 && parts[2] == "config") file = "job-config.json";
    else if (parts.size() == 3 && parts[2] == "checkpoints") file = "checkpoints.json";
    else if (parts.size() == 4 && parts[2] == "checkpoints") file = "checkpoints-config.json";
    else if (parts.size() == 4 && parts[2] == "vertices") file = "vertex-" + parts[3] + "-details.json";
    else if (parts.size() == 5 && parts[4] == "metrics") return per_subtask(parts[3], get);
    else if (parts.size() == 6 && parts[4] == "subtasks") return aggregated(parts[3], get);
    if (route == "/jobs/overview" && !exists(file)) { r.body = R"({"jobs":[]})"; return r; }
    if (file.empty() || !exists(file)) {
      r.failure = calibrate::RemoteError(calibrate::RemoteFailure::HttpStatus, "404 " + route, 404);
      return r;
    }
    r.body = read(file);
    return r;
  }
  std::string describe() const override { return "fake " + dir_; }

 private:
  bool exists(const std::string& file) const { return std::ifstream(dir_ + "/" + file).good(); }
  std::string read(const std::string& file) const {
    std::ifstream in(dir_ + "/" + file);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  static std::vector<std::string> split(const std::string& get) {
    std::vector<std::string> ids;
    std::stringstream ss(get);
    for (std::string id; std::getline(ss, id, ',');) ids.push_back(id);
    return ids;
  }
  nlohmann::json subtasks(const std::string& vid) const {
    const std::string file = "vertex-" + vid + "-subtasks.json";
    return exists(file) ? nlohmann::json::parse(read(file))["subtasks"] : nlohmann::json::array();
  }
  calibrate::RestResult per_subtask(const std::string& vid, const std::string& get) const {
    const auto sts = subtasks(vid);
    nlohmann::json out = nlohmann::json::array();
    for (const auto& id : split(get)) {
      const auto dot = id.find('.');
      const int index = std::stoi(id.substr(0, dot));
      for (const auto& st : sts)
        if (st["subtask"] == index && st["metrics"].contains(id.substr(dot + 1)))
          out.push_back({{"id", id}, {"value", st["metrics"][id.substr(dot + 1)]}});
    }
    return {out.dump(), std::nullopt};
  }
  calibrate::RestResult aggregated(const std::string& vid, const std::string& get) const {
    const auto sts = subtasks(vid);
    nlohmann::json out = nlohmann::json::array();
    for (const auto& id : split(get)) {
      double mn = 0, mx = 0, sum = 0;
      int n = 0;
      for (const auto& st : sts) {
        if (!st["metrics"].contains(id)) continue;
        auto v = calibrate::json_number(st["metrics"][id]);
        if (!v) continue;
        mn = n ? std::min(mn, *v) : *v;
        mx = n ? std::max(mx, *v) : *v;
        sum += *v;
        ++n;
      }
      if (n) out.push_back({{"id", id}, {"min", mn}, {"max", mx}, {"avg", sum / n}, {"sum", sum}});
    }
    return {out.dump(), std::nullopt};
  }
  calibrate::RestResult tm_metrics(const std::string& tmid) const {
    const auto tms = nlohmann::json::parse(read("taskmanagers.json"))["taskmanagers"];
    for (std::size_t i = 0; i < tms.size(); ++i) {
      const std::string file = "taskmanager-tm" + std::to_string(i + 1) + "-metrics.json";
      if (tms[i]["id"] == tmid && exists(file)) return {read(file), std::nullopt};
    }
    return {"[]", std::nullopt};
  }
  std::string dir_;
};

}  // namespace flinksim::testing
