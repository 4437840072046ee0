// [[failure]], [simulation], [slo] and [search]: what the scenario asks of the job beyond carrying
// its traffic. The failures injected, how the engine simulates the run, what "good enough" means,
// and the layouts sweep and recommend explore; then failures checked against the run's length and
// the cluster.
#include <functional>

#include "model/scenario_sections.h"

namespace flinksim::model::scenario_reading {
namespace {

// A list of values each read by `one`; a missing key leaves `out` alone.
template <class T>
void read_list(Reader& r, const toml::table& t, std::string_view key, const std::string& prefix,
               std::vector<T>& out,
               const std::function<std::optional<T>(const toml::node&, const std::string&)>& one) {
  const toml::node* node = t.get(key);
  if (!node) return;
  const toml::array* array = node->as_array();
  if (!array || array->empty()) {
    r.error(*node, Reader::field(prefix, key), "expected a non-empty list [ ... ]");
    return;
  }
  out.clear();
  for (std::size_t i = 0; i < array->size(); ++i) {
    if (auto v = one(*array->get(i), Reader::field(prefix, key) + "[" + std::to_string(i) + "]")) {
      out.push_back(*v);
    }
  }
}

}  // namespace

FailureSpec read_failure(Reader& r, const toml::table& t, int index) {
  FailureSpec f;
  f.pos = r.pos(t);
  const std::string p = "failure[" + std::to_string(index) + "]";
  r.check_keys(t, {"at", "kind", "taskmanager"}, p);
  if (auto at = r.duration(t, "at", p)) f.at = *at;
  else if (!t.contains("at")) r.error(t, p + ".at", "missing: when the failure happens, e.g. \"14h\"");
  assign(f.kind, r.word<FailureKind>(t, "kind", p,
                                     {{"taskmanager", FailureKind::TaskManager},
                                      {"jobmanager", FailureKind::JobManager}}));
  assign_cast(f.taskmanager, r.integer(t, "taskmanager", p, 0));
  return f;
}

void read_simulation(Reader& r, const toml::table& t, SimulationSpec& s) {
  const std::string p = "simulation";
  r.check_keys(t, {"granularity", "event_budget", "check_budget", "metrics_interval", "warmup"}, p);
  assign(s.granularity, r.word<Granularity>(t, "granularity", p,
                                            {{"buffer", Granularity::Buffer},
                                             {"fluid", Granularity::Fluid},
                                             {"auto", Granularity::Auto}}));
  assign(s.event_budget, r.integer(t, "event_budget", p, 1));
  assign(s.check_budget, r.integer(t, "check_budget", p, 0));
  if (auto interval = r.duration(t, "metrics_interval", p)) {
    if (*interval <= 0) r.error(*t.get("metrics_interval"), p + ".metrics_interval", "must be longer than 0s");
    else s.metrics_interval = *interval;
  }
  if (auto warmup = r.duration(t, "warmup", p)) s.warmup = warmup;
}

void read_slo(Reader& r, const toml::table& t, SloSpec& s) {
  const std::string p = "slo";
  r.check_keys(t, {"max_latency_p99", "max_recovery", "max_checkpoint_duration",
                   "target_utilization"},
               p);
  if (auto v = r.duration(t, "max_latency_p99", p)) s.max_latency_p99 = v;
  if (auto v = r.duration(t, "max_recovery", p)) s.max_recovery = v;
  if (auto v = r.duration(t, "max_checkpoint_duration", p)) s.max_checkpoint_duration = v;
  if (auto v = r.number(t, "target_utilization", p, 0.0, true, 1.0)) s.target_utilization = v;
}

void read_search(Reader& r, const toml::table& t, SearchSpec& s) {
  const std::string p = "search";
  r.check_keys(t, {"taskmanagers", "slots_per_taskmanager", "cpu_per_taskmanager",
                   "memory_per_taskmanager", "price_per_core_hour", "price_per_gib_hour"},
               p);
  auto whole = [&r](const toml::node& n, const std::string& name) -> std::optional<int> {
    const auto v = n.value_exact<std::int64_t>();
    if (!v || *v < 1 || *v > 100'000) {
      r.error(n, name, "expected a whole number ≥ 1");
      return std::nullopt;
    }
    return static_cast<int>(*v);
  };
  if (const toml::node* node = t.get("taskmanagers")) {
    const toml::array* array = node->as_array();
    std::vector<int> range;
    if (array && array->size() == 2) read_list<int>(r, t, "taskmanagers", p, range, whole);
    if (range.size() == 2 && range[0] <= range[1]) {
      s.taskmanagers = std::make_pair(range[0], range[1]);
    } else if (!array || array->size() != 2 || range.size() == 2) {
      r.error(*node, p + ".taskmanagers", "expected an inclusive range [lowest, highest], e.g. [1, 32]");
    }
  }
  read_list<int>(r, t, "slots_per_taskmanager", p, s.slots_per_taskmanager, whole);
  read_list<double>(r, t, "cpu_per_taskmanager", p, s.cpu_per_taskmanager,
                    [&r](const toml::node& n, const std::string& name) {
                      return r.number(n, name, 0.0, true);
                    });
  read_list<Bytes>(r, t, "memory_per_taskmanager", p, s.memory_per_taskmanager,
                   [&r](const toml::node& n, const std::string& name) { return r.size(n, name); });
  assign(s.price_per_core_hour, r.number(t, "price_per_core_hour", p, 0.0));
  assign(s.price_per_gib_hour, r.number(t, "price_per_gib_hour", p, 0.0));
}

void check_failures(Reader& r, const Scenario& s) {
  for (std::size_t i = 0; i < s.failures.size(); ++i) {
    const FailureSpec& f = s.failures[i];
    const std::string p = "failure[" + std::to_string(i) + "]";
    if (f.at >= s.traffic.duration) {
      r.error(f.pos, p + ".at", format_duration(f.at) + " is not before the end of the run (" +
                                    format_duration(s.traffic.duration) + ")");
    }
    if (f.kind == FailureKind::TaskManager && f.taskmanager >= 0 && f.taskmanager >= s.cluster.taskmanagers) {
      r.error(f.pos, p + ".taskmanager",
              "TaskManager " + std::to_string(f.taskmanager) + " does not exist (0 to " +
                  std::to_string(s.cluster.taskmanagers - 1) + ")");
    }
  }
  if (s.simulation.warmup && *s.simulation.warmup >= s.traffic.duration) {
    r.error(SourcePos{r.file(), 0, 0}, "simulation.warmup", "must be shorter than traffic.duration");
  }
}

}  // namespace flinksim::model::scenario_reading
