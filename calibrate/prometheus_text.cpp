#include "calibrate/prometheus_text.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>
#include <sstream>

#include "calibrate/remote_error.h"

namespace flinksim::calibrate {
namespace {

[[noreturn]] void bad_line(int line, const std::string& what) {
  throw RemoteError(RemoteFailure::Malformed,
                    "Prometheus scrape, line " + std::to_string(line) + ": " + what);
}

bool name_char(char c, bool first) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':' ||
         (!first && std::isdigit(static_cast<unsigned char>(c)));
}

double parse_value(const std::string& text, int line) {
  if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (text == "+Inf" || text == "Inf") return std::numeric_limits<double>::infinity();
  if (text == "-Inf") return -std::numeric_limits<double>::infinity();
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size()) bad_line(line, "bad value \"" + text + "\"");
  return v;
}

PromSample parse_sample(const std::string& s, int line) {
  PromSample sample;
  std::size_t i = 0;
  while (i < s.size() && name_char(s[i], i == 0)) ++i;
  if (i == 0) bad_line(line, "expected a metric name");
  sample.name = s.substr(0, i);
  if (i < s.size() && s[i] == '{') {
    ++i;
    while (true) {
      while (i < s.size() && (s[i] == ' ' || s[i] == ',')) ++i;
      if (i < s.size() && s[i] == '}') { ++i; break; }
      const std::size_t start = i;
      while (i < s.size() && name_char(s[i], i == start)) ++i;
      if (i == start || i >= s.size() || s[i] != '=') bad_line(line, "expected label=\"value\"");
      const std::string label = s.substr(start, i - start);
      ++i;
      if (i >= s.size() || s[i] != '"') bad_line(line, "label value must be quoted");
      ++i;
      std::string value;
      while (i < s.size() && s[i] != '"') {
        if (s[i] == '\\' && i + 1 < s.size()) {
          const char e = s[++i];
          value += e == 'n' ? '\n' : e;  // \\ and \" stand for themselves
        } else {
          value += s[i];
        }
        ++i;
      }
      if (i >= s.size()) bad_line(line, "unterminated label value");
      ++i;
      sample.labels[label] = value;
    }
  }
  std::istringstream rest(s.substr(i));
  std::string value, timestamp;
  if (!(rest >> value)) bad_line(line, "sample without a value");
  rest >> timestamp;  // optional, ignored: a scrape is one instant
  sample.value = parse_value(value, line);
  return sample;
}

// A subtask index: a whole number in [0, 32768), as Flink's parallelism is at most 2^15. Anything
// else names no subtask (and would size a vertex of -7 or 2^31 subtasks): nullopt.
std::optional<int> subtask_index(const std::string& text) {
  int index = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), index);
  if (ec != std::errc() || end != text.data() + text.size() || index < 0 || index >= 32768)
    return std::nullopt;
  return index;
}

}  // namespace

PromScrape parse_prometheus_text(const std::string& text) {
  PromScrape scrape;
  std::istringstream in(text);
  std::string raw;
  int line = 0;
  while (std::getline(in, raw)) {
    ++line;
    if (!raw.empty() && raw.back() == '\r') raw.pop_back();
    const auto first = raw.find_first_not_of(" \t");
    if (first == std::string::npos) continue;
    const std::string s = raw.substr(first);
    if (s[0] == '#') {
      std::istringstream words(s.substr(1));
      std::string keyword, family, rest;
      words >> keyword >> family;
      std::getline(words, rest);
      if (!rest.empty() && rest[0] == ' ') rest.erase(0, 1);
      if (keyword == "TYPE") scrape.types[family] = rest;
      if (keyword == "HELP") scrape.help[family] = rest;
      continue;
    }
    scrape.samples.push_back(parse_sample(s, line));
  }
  return scrape;
}

std::string prometheus_label_value(const std::string& text) {
  std::string out = text;
  for (char& c : out)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == ':' || c == '_')) c = '_';
  return out;
}

PromTaskMetrics flink_metrics_from_scrape(const PromScrape& scrape, const std::string& job_id) {
  static const std::string kOperator = "flink_taskmanager_job_task_operator_";
  static const std::string kTask = "flink_taskmanager_job_task_";
  static const std::string kTm = "flink_taskmanager_Status_";
  PromTaskMetrics out;
  auto label = [](const PromSample& s, const char* name) {
    auto it = s.labels.find(name);
    return it == s.labels.end() ? std::string() : it->second;
  };
  for (const auto& sample : scrape.samples) {
    if (sample.name.rfind(kTask, 0) == 0) {
      if (!job_id.empty() && label(sample, "job_id") != job_id) continue;
      const std::string task = label(sample, "task_name");
      const auto index = subtask_index(label(sample, "subtask_index"));
      if (task.empty() || !index) continue;
      SubtaskInfo& st = out.tasks[task][*index];
      st.index = *index;
      st.taskmanager_id = label(sample, "tm_id");
      if (sample.name.rfind(kOperator, 0) == 0) {
        // Operator ids in REST are "<operator name, metric form>.<metric>"; the label form of
        // the operator name is what the scrape has, and the REST prefix maps ' ' and ':' to '_'
        // as well, so for names of letters, digits, '-', ' ', ':' and '.' the two agree up to '-'.
        std::string op = label(sample, "operator_name");
        st.metrics[op + "." + sample.name.substr(kOperator.size())] = sample.value;
      } else {
        st.metrics[sample.name.substr(kTask.size())] = sample.value;
      }
    } else if (sample.name.rfind(kTm, 0) == 0) {
      // flink_taskmanager_Status_JVM_CPU_Load → Status.JVM.CPU.Load (group names joined by '_').
      std::string id = "Status." + sample.name.substr(kTm.size());
      for (char& c : id) if (c == '_') c = '.';
      out.taskmanagers[label(sample, "tm_id")][id] = sample.value;
    }
  }
  return out;
}

namespace {

// REST operator prefixes keep '-', Prometheus labels turn it into '_': compare label forms.
std::map<std::string, double> to_rest_ids(const std::map<std::string, double>& metrics,
                                          const std::vector<std::string>& operators) {
  std::map<std::string, double> out;
  for (const auto& [id, value] : metrics) {
    const auto dot = id.find('.');
    std::string rest_id = id;
    if (dot != std::string::npos) {
      const std::string op_label = id.substr(0, dot);
      for (const auto& op : operators)
        if (prometheus_label_value(op) == op_label)
          rest_id = operator_metric_prefix(op) + id.substr(dot);
    }
    out[rest_id] = value;
  }
  return out;
}

}  // namespace

int merge_prometheus(const PromTaskMetrics& metrics, JobInfo& job, ClusterInfo& cluster) {
  int matched = 0;
  for (auto& vertex : job.vertices) {
    auto task = metrics.tasks.find(prometheus_label_value(vertex.name));
    if (task == metrics.tasks.end()) {
      job.warnings.push_back("the Prometheus scrape has no metrics for vertex \"" + vertex.name + "\"");
      continue;
    }
    for (const auto& [index, st] : task->second) {
      if (index < 0 || index >= static_cast<int>(vertex.subtasks.size())) continue;
      for (const auto& [id, value] : to_rest_ids(st.metrics, vertex.operators))
        vertex.subtasks[index].metrics[id] = value;
      if (vertex.subtasks[index].taskmanager_id.empty()) {
        for (const auto& tm : cluster.taskmanagers)
          if (prometheus_label_value(tm.id) == st.taskmanager_id)
            vertex.subtasks[index].taskmanager_id = tm.id;
      }
      ++matched;
    }
  }
  for (auto& tm : cluster.taskmanagers) {
    auto it = metrics.taskmanagers.find(prometheus_label_value(tm.id));
    if (it == metrics.taskmanagers.end()) continue;
    for (const auto& [id, value] : it->second)
      if (id != "Status.JVM.CPU.Time" || !tm.cpu_time_ns()) tm.metrics[id] = value;
  }
  return matched;
}

JobInfo job_from_prometheus(const PromTaskMetrics& metrics) {
  JobInfo job;
  job.name = "from a Prometheus scrape";
  for (const auto& [task, subtasks] : metrics.tasks) {
    VertexInfo vertex;
    vertex.id = task;
    vertex.name = task;
    vertex.operators = {task};
    vertex.parallelism = subtasks.empty() ? 1 : subtasks.rbegin()->first + 1;
    vertex.subtasks.resize(vertex.parallelism);
    for (const auto& [index, st] : subtasks) vertex.subtasks[index] = st;
    vertex.is_source = task.rfind("Source:", 0) == 0;
    job.vertices.push_back(std::move(vertex));
  }
  job.warnings.push_back("a Prometheus scrape carries no job graph: vertices have no edges; "
                         "pass --url or --from as well to write a scenario");
  if (job.vertices.empty())
    job.warnings.push_back("the scrape has no task metric of Flink's reporter with a task_name and "
                           "a subtask_index from 0 to 32767: nothing to fit");
  return job;
}

}  // namespace flinksim::calibrate
