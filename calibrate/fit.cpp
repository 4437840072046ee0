#include "calibrate/fit.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <map>
#include <set>
#include <sstream>

#include <Eigen/Dense>

#include "calibrate/cpu_time_rate.h"
#include "model/key_distribution.h"

namespace flinksim::calibrate {
namespace {

std::optional<double> source_rate(const VertexInfo& v, const SubtaskInfo& st) {
  const std::string head = operator_metric_prefix(v.operators.front());
  for (const std::string& id : {head + ".numRecordsInPerSecond", head + ".numRecordsOutPerSecond"})
    if (auto r = st.metric(id)) return r;
  return st.metric("numRecordsOutPerSecond");
}

std::optional<double> input_rate(const VertexInfo& v, const SubtaskInfo& st) {
  return v.is_source ? source_rate(v, st) : st.metric("numRecordsInPerSecond");
}

// One TaskManager's Status.JVM.CPU.Time over the samples, on their clock.
std::vector<CpuTimeReading> cpu_time_series(const std::vector<Sample>& samples,
                                            const std::string& tm_id) {
  std::vector<CpuTimeReading> series;
  for (const auto& sample : samples) {
    const TaskManagerInfo* tm = sample.cluster.taskmanager(tm_id);
    series.push_back({sample.time_ms, tm ? tm->cpu_time_ns() : std::nullopt});
  }
  return series;
}

// Per TaskManager of samples[i]: busy cores wanted vs cores (and used), and the factor applied to
// busy time there.
std::map<std::string, TaskManagerLoad> contention(const std::vector<Sample>& samples, std::size_t i,
                                                  const FitOptions& options) {
  const Sample& sample = samples[i];
  std::map<std::string, TaskManagerLoad> loads;
  for (const auto& tm : sample.cluster.taskmanagers) {
    TaskManagerLoad& load = loads[tm.id];
    load.id = tm.id;
    load.cores = usable_cores(tm);
    load.cpu_load = tm.cpu_load();
    load.cores_used = cores_used_around(cpu_time_series(samples, tm.id), i, load.cores);
  }
  for (const auto& v : sample.job.vertices)
    for (const auto& st : v.subtasks)
      if (auto busy = st.metric("busyTimeMsPerSecond"); busy && !st.taskmanager_id.empty())
        loads[st.taskmanager_id].demand += *busy / 1000.0;
  for (auto& [id, load] : loads) {
    bool cores_in_use = true;  // nothing reported says otherwise
    if (load.cores_used) {
      load.evidence = SaturationEvidence::CpuTime;
      cores_in_use = *load.cores_used >= options.saturation_share * load.cores;
    } else if (load.cpu_load) {
      load.evidence = SaturationEvidence::Load;
      cores_in_use = *load.cpu_load >= options.saturation_share;
    }
    load.saturated = load.cores > 0 && load.demand > load.cores && cores_in_use;
    const double used = load.cores_used ? std::min(*load.cores_used, load.cores) : load.cores;
    load.factor = load.saturated ? used / load.demand : 1.0;
  }
  return loads;
}

// A TaskManager whose threads want more cores than it has, left uncorrected on Load's word alone:
// on a node shared with other pods Load stays low however saturated the TaskManager is.
void warn_load_decided(const std::vector<std::map<std::string, TaskManagerLoad>>& loads,
                       FitResult& result) {
  std::set<std::string> warned;
  for (const auto& sample : loads)
    for (const auto& [id, load] : sample) {
      if (load.evidence != SaturationEvidence::Load || load.saturated || load.cores <= 0 ||
          load.demand <= load.cores || !warned.insert(id).second)
        continue;
      std::ostringstream text;
      text << std::fixed << std::setprecision(2) << "TaskManager " << id
           << ": its busy threads want " << load.demand << " cores of its " << load.cores
           << ", but Status.JVM.CPU.Load " << std::setprecision(3) << *load.cpu_load
           << " kept busy time uncorrected. Load is the process's share of ALL the host's CPUs, "
              "so on a node shared with other pods it stays low however saturated the "
              "TaskManager is; take two samples or more (--samples) so that the rate of "
              "Status.JVM.CPU.Time decides";
      result.warnings.push_back(text.str());
    }
}

struct Accumulator {
  double busy = 0, busy_corrected = 0, rate = 0, busiest_cost_sum = 0;
  double out = 0, in_for_selectivity = 0, bytes_out = 0, records_out = 0, source_max = 0;
  double spread_sum = 0, cv_sum = 0;
  int samples = 0, spread_samples = 0;
  std::vector<double> x, y;  // (rate, corrected busy) points
  std::map<std::string, std::pair<double, double>> op_io;  // operator → (Σ in, Σ out)
};

void add_vertex_sample(const VertexInfo& v, const std::map<std::string, TaskManagerLoad>& loads,
                       Accumulator& acc) {
  double rate_sum = 0, busy_max = 0;
  std::vector<double> rates;
  for (const auto& st : v.subtasks) {
    const auto busy = st.metric("busyTimeMsPerSecond");
    const auto rate = input_rate(v, st);
    if (!busy || !rate) continue;
    auto load = loads.find(st.taskmanager_id);
    const double factor = load == loads.end() ? 1.0 : load->second.factor;
    acc.busy += *busy;
    acc.busy_corrected += *busy * factor;
    acc.rate += *rate;
    acc.x.push_back(*rate);
    acc.y.push_back(*busy * factor);
    rate_sum += *rate;
    busy_max = std::max(busy_max, *busy);
    rates.push_back(*rate);
    const double bp = st.metric("backPressuredTimeMsPerSecond").value_or(0.0);
    acc.source_max += bp < 1000 ? *rate / (1 - bp / 1000) : *rate;
    const double out = st.metric("numRecordsOutPerSecond").value_or(0.0);
    acc.out += out;
    acc.in_for_selectivity += *rate;
    acc.bytes_out += st.metric("numBytesOutPerSecond").value_or(0.0);
    acc.records_out += out;
    for (const auto& op : v.operators) {
      const std::string prefix = operator_metric_prefix(op);
      auto in = st.metric(prefix + ".numRecordsInPerSecond");
      auto op_out = st.metric(prefix + ".numRecordsOutPerSecond");
      if (in && op_out) {
        acc.op_io[op].first += *in;
        acc.op_io[op].second += *op_out;
      }
    }
  }
  if (rates.empty()) return;
  ++acc.samples;
  if (rate_sum > 0) acc.busiest_cost_sum += v.parallelism * busy_max / 1000.0 / rate_sum;
  const double mean = rate_sum / rates.size();
  if (mean > 0 && rates.size() > 1) {
    double var = 0;
    for (double r : rates) var += (r - mean) * (r - mean);
    acc.spread_sum += *std::max_element(rates.begin(), rates.end()) / mean;
    acc.cv_sum += std::sqrt(var / rates.size()) / mean;
    ++acc.spread_samples;
  }
}

void least_squares(const Accumulator& acc, VertexFit& fit) {
  const int n = static_cast<int>(acc.x.size());
  fit.points = n;
  if (n == 0) return;
  Eigen::MatrixXd a(n, 2);
  Eigen::VectorXd b(n);
  for (int i = 0; i < n; ++i) {
    a(i, 0) = acc.x[i];
    a(i, 1) = 1.0;
    b(i) = acc.y[i];
  }
  const double lo = *std::min_element(acc.x.begin(), acc.x.end());
  const double hi = *std::max_element(acc.x.begin(), acc.x.end());
  Eigen::VectorXd coef(2);
  if (n >= 3 && hi > lo * 1.0001 + 1e-12) {
    coef = a.colPivHouseholderQr().solve(b);
  } else {
    // All points at one rate: slope and intercept cannot be told apart; go through the origin.
    const double xx = a.col(0).squaredNorm();
    coef << (xx > 0 ? a.col(0).dot(b) / xx : 0.0), 0.0;
    fit.notes.push_back("least squares through the origin: every point has the same rate");
  }
  fit.lsq_slope_ns = coef(0) * 1e6;  // ms per record → ns
  fit.lsq_intercept_ms = coef(1);
  fit.residual_ms = std::sqrt((a * coef - b).squaredNorm() / n);
}

bool has_hash_input(const VertexInfo& v) {
  return std::any_of(v.inputs.begin(), v.inputs.end(),
                     [](const InputInfo& in) { return in.ship_strategy == "HASH"; });
}

// Vertex-level fallback from /subtasks/metrics aggregates (no per-subtask values).
void fit_from_aggregates(const VertexInfo& v, VertexFit& fit) {
  auto get = [&](const char* id) -> const AggregatedMetric* {
    auto it = v.aggregated.find(id);
    return it == v.aggregated.end() || std::isnan(it->second.avg) ? nullptr : &it->second;
  };
  const auto* busy = get("busyTimeMsPerSecond");
  const auto* rate = get(v.is_source ? "numRecordsOutPerSecond" : "numRecordsInPerSecond");
  if (!busy || !rate || rate->sum <= 0) return;
  fit.measured = true;
  fit.from_aggregates = true;
  fit.input_rate = rate->sum;
  fit.cost_ns = fit.cost_uncorrected_ns = busy->avg * v.parallelism / 1000.0 / rate->sum * 1e9;
  fit.cost_busiest_ns = busy->max * v.parallelism / 1000.0 / rate->sum * 1e9;
  fit.notes.push_back("from aggregated metrics only: no per-subtask skew or contention correction");
}

}  // namespace

// availableProcessors() is a container's CPU limit rounded up (2.5 cores → 3), so a fractional
// configured CPU that rounds up to it is the limit itself; otherwise availableProcessors is the
// better figure (standalone: totalResource.cpuCores is the slot count, not the machine).
double usable_cores(const TaskManagerInfo& tm) {
  const double hardware = tm.cpu_cores, configured = tm.resource_cpu_cores;
  const bool fractional = configured > 0 && configured != std::floor(configured);
  if (hardware <= 0 || (fractional && std::ceil(configured) == hardware)) return configured;
  return hardware;
}

double zipf_for_spread(double spread, std::int64_t key_count, int max_parallelism, int parallelism,
                       std::uint64_t seed) {
  if (spread <= 1.0 || parallelism < 2) return 0.0;
  auto predicted = [&](double s) {
    const auto shares = model::subtask_shares(key_count, s, max_parallelism, parallelism, seed);
    return *std::max_element(shares.begin(), shares.end()) * parallelism;
  };
  double lo = 0.0, hi = 4.0;
  if (predicted(hi) < spread) return hi;
  for (int i = 0; i < 50; ++i) {
    const double mid = 0.5 * (lo + hi);
    (predicted(mid) < spread ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

FitResult fit(const std::vector<Sample>& samples, const FitOptions& options) {
  FitResult result;
  const JobInfo& first = samples.front().job;
  std::vector<Accumulator> acc(first.vertices.size());
  std::vector<std::map<std::string, TaskManagerLoad>> loads;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    loads.push_back(contention(samples, i, options));
    for (std::size_t v = 0; v < first.vertices.size(); ++v) {
      const VertexInfo* vertex = samples[i].job.vertex(first.vertices[v].id);
      if (vertex) add_vertex_sample(*vertex, loads.back(), acc[v]);
    }
  }
  for (const auto& [id, load] : loads.back()) result.taskmanagers.push_back(load);
  warn_load_decided(loads, result);

  for (std::size_t i = 0; i < first.vertices.size(); ++i) {
    const VertexInfo& v = first.vertices[i];
    const Accumulator& a = acc[i];
    VertexFit fit;
    fit.id = v.id;
    fit.name = v.name;
    fit.parallelism = v.parallelism;
    for (const auto& op : v.operators) {
      OperatorFit of{op, std::nullopt};
      if (auto io = a.op_io.find(op); io != a.op_io.end() && io->second.first > 0)
        of.selectivity = io->second.second / io->second.first;
      fit.operators.push_back(of);
    }
    if (a.samples == 0 || a.rate <= 0) {
      fit_from_aggregates(v, fit);
      if (!fit.measured)
        fit.notes.push_back("no busy time or input rate (missing or NaN): cost not measured");
    } else {
      fit.measured = true;
      fit.input_rate = a.rate / a.samples;
      fit.source_max_rate = a.source_max / a.samples;
      fit.cost_ns = a.busy_corrected / 1000.0 / a.rate * 1e9;
      fit.cost_uncorrected_ns = a.busy / 1000.0 / a.rate * 1e9;
      fit.cost_busiest_ns = a.busiest_cost_sum / a.samples * 1e9;
      fit.contention_factor = a.busy > 0 ? a.busy_corrected / a.busy : 1.0;
      if (a.spread_samples > 0) {
        fit.rate_spread = a.spread_sum / a.spread_samples;
        fit.rate_cv = a.cv_sum / a.spread_samples;
      }
      if (a.in_for_selectivity > 0 && !v.is_sink) fit.selectivity = a.out / a.in_for_selectivity;
      if (a.records_out > 0) fit.record_size = a.bytes_out / a.records_out;
      least_squares(a, fit);
      if (fit.contention_factor < 0.999)
        fit.notes.push_back("busy time scaled by cores used ÷ demand on saturated TaskManagers");
    }
    if (fit.cost_ns > 0) fit.tpr = v.parallelism * 1e9 / fit.cost_ns;
    if (fit.cost_busiest_ns > 0) fit.tpr_busiest = v.parallelism * 1e9 / fit.cost_busiest_ns;
    if (has_hash_input(v) && !fit.from_aggregates)
      fit.key_skew = zipf_for_spread(fit.rate_spread, options.key_count, v.max_parallelism,
                                     v.parallelism, options.seed);
    result.vertices.push_back(std::move(fit));
  }
  return result;
}

}  // namespace flinksim::calibrate
