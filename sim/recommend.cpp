#include "sim/recommend.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "model/diagnostics.h"
#include "model/flink_options.h"
#include "model/job_graph.h"
#include "model/layout_assessment.h"
#include "model/placement.h"
#include "model/steady_state.h"
#include "model/traffic.h"
#include "model/units.h"
#include "sim/fluid_auto.h"

namespace flinksim::sim {
namespace {

constexpr double kConfirmEvents = 3e6;  // buffer-level events per confirmation (~0.5 s)

std::string number(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.10g", value);
  return text;
}

std::pair<std::string, std::string> simulated_failure(const SweepRow& row) {
  for (const auto& slo : row.slos)
    if (slo.met && !*slo.met)
      return {slo.name, model::slo_over_limit(slo.name, slo.value, slo.limit) + " (" + slo.source + ", " +
                            row.granularity + " level)"};
  if (!row.why.empty()) return {"engine", row.why};
  return {"", ""};
}

// A row for a candidate layout; the figures are filled by whoever judged it.
SweepRow layout_row(const std::string& scenario_path, const Layout& layout, double cost) {
  SweepRow row;
  row.scenario = scenario_path;
  for (const auto& [name, p] : layout.parallelism) row.values.push_back(name + "=" + std::to_string(p));
  row.taskmanagers = layout.taskmanagers;
  row.slots_per_taskmanager = layout.slots_per_taskmanager;
  row.cpu_per_taskmanager = layout.cpu_per_taskmanager;
  row.memory_per_taskmanager = layout.memory_per_taskmanager;
  row.cost_per_hour = cost;
  return row;
}

// The vertex of the job whose busiest subtask is the busiest of all (for the utilization retry).
int busiest_vertex(const model::Scenario& scenario, const model::Nanos horizon) {
  RunOptions run;
  run.horizon = horizon;
  const auto result = simulate_auto(scenario, run);
  int best = -1;
  double busiest = -1;
  for (std::size_t v = 0; v < result.result.vertices.size(); ++v)
    if (result.result.vertices[v].busy_ms_per_s_max > busiest) {
      busiest = result.result.vertices[v].busy_ms_per_s_max;
      best = static_cast<int>(v);
    }
  return best;
}

}  // namespace

int align_parallelism(int p, int n) {
  // Flink autoscaler, JobVertexScaler#scale (EVENLY_SPREAD), for a scale-up to p:
  // phase 1, the smallest p' in [p, n] dividing n; phase 2, going down from p, the boundary where
  // the share per subtask (n / p', integer) grows, moved up by one unless p' divides n.
  if (n <= 0 || p >= n) return std::min(std::max(p, 1), std::max(n, 1));
  for (int q = p; q <= n; ++q)
    if (n % q == 0) return q;
  int q = p;
  for (; q > 0; --q)
    if (n / q > n / p) {
      if (n % q != 0) ++q;
      break;
    }
  return std::max(q, 1);
}

std::map<std::string, int> sized_parallelism(const model::Scenario& scenario, double target_utilization) {
  const model::JobGraph graph = model::build_job_graph(scenario);
  const model::Placement placement = model::place_job(graph, scenario);
  const model::SteadyState steady = model::compute_steady_state(scenario, graph, placement, std::nullopt);
  const long configured_max = scenario.flink.get_int(model::options::kMaxParallelism);
  std::map<std::string, int> out;
  for (std::size_t v = 0; v < graph.vertices.size(); ++v) {
    const model::JobVertex& vertex = graph.vertices[v];
    // DS2 / autoscaler: demand ÷ (true processing rate per subtask × U) = CPU cores needed ÷ U.
    int p = std::max(1, static_cast<int>(std::ceil(steady.vertices[v].cpu_demand / target_utilization - 1e-9)));
    const model::OperatorSpec& head = scenario.operators[vertex.operators.front().op];
    bool hash_input = false;
    for (int e : vertex.inputs) hash_input = hash_input || graph.edges[e].partition == model::Partition::Hash;
    int n = 0;
    if (vertex.is_source && head.source_partitions > 0) {
      n = static_cast<int>(head.source_partitions);
    } else if (hash_input) {
      // Key groups: as configured, else what Flink derives when the job is first deployed at p.
      n = head.max_parallelism ? *head.max_parallelism
                               : configured_max > 0 ? static_cast<int>(configured_max) : model::default_max_parallelism(p);
    }
    if (n > 0) p = align_parallelism(p, n);
    for (const auto& op : vertex.operators) out[scenario.operators[op.op].name] = p;
  }
  return out;
}

model::ScenarioOverrides layout_overrides(const model::ScenarioOverrides& base, const Layout& layout) {
  model::ScenarioOverrides o = base;
  o.sets.push_back("cluster.taskmanagers=" + std::to_string(layout.taskmanagers));
  o.sets.push_back("cluster.cpu_per_taskmanager=" + number(layout.cpu_per_taskmanager));
  o.dynamic_properties.push_back("taskmanager.numberOfTaskSlots=" + std::to_string(layout.slots_per_taskmanager));
  o.dynamic_properties.push_back("taskmanager.memory.process.size=" + std::to_string(layout.memory_per_taskmanager) + "b");
  for (const auto& [name, p] : layout.parallelism) o.sets.push_back("operator." + name + ".parallelism=" + std::to_string(p));
  return o;
}

Recommendation recommend(const std::string& scenario_path, const RecommendOptions& options) {
  Recommendation rec;
  const model::Scenario base = model::read_scenario_file(scenario_path, options.base);
  const double target = base.slo.target_utilization.value_or(0.7);
  std::map<std::string, int> parallelism = sized_parallelism(base, target);

  const model::SearchSpec& space = base.search;
  const auto [tm_lo, tm_hi] = space.taskmanagers.value_or(std::make_pair(base.cluster.taskmanagers, base.cluster.taskmanagers));
  std::vector<int> slots = space.slots_per_taskmanager;
  if (slots.empty()) slots = {static_cast<int>(base.flink.get_int(model::options::kNumberOfTaskSlots))};
  std::vector<double> cpus = space.cpu_per_taskmanager;
  if (cpus.empty()) cpus = {base.cluster.cpu_per_taskmanager};
  std::vector<model::Bytes> memories = space.memory_per_taskmanager;
  if (memories.empty()) memories = {base.flink.get_memory(model::options::kTmProcessSize)};

  struct Candidate {
    Layout layout;
    double cost = 0;
  };
  std::vector<Candidate> candidates;
  for (int n = tm_lo; n <= tm_hi; ++n)
    for (int s : slots)
      for (double c : cpus)
        for (model::Bytes m : memories) {
          Candidate cand;
          cand.layout = {n, s, c, m, parallelism};
          const double gib = static_cast<double>(m) / static_cast<double>(model::kGiB);
          cand.cost = n * (c * space.price_per_core_hour + gib * space.price_per_gib_hour);
          candidates.push_back(cand);
        }
  rec.considered = static_cast<long>(candidates.size());
  // Cheapest first; ties: fewer TaskManagers, fewer slots, fewer cores, less memory (total order).
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    return std::tie(a.cost, a.layout.taskmanagers, a.layout.slots_per_taskmanager, a.layout.cpu_per_taskmanager,
                    a.layout.memory_per_taskmanager) < std::tie(b.cost, b.layout.taskmanagers, b.layout.slots_per_taskmanager,
                                                                b.layout.cpu_per_taskmanager, b.layout.memory_per_taskmanager);
  });

  const model::Window peak = model::peak_window(base.traffic, options.confirm_window);
  std::vector<Alternative> rejected;  // in cost order
  for (auto& cand : candidates) {
    Alternative alt{cand.layout, cand.cost, "", "", false};
    model::ScenarioOverrides overrides = layout_overrides(options.base, cand.layout);
    std::optional<model::LayoutAssessment> analytic;
    try {
      analytic = model::assess_layout(model::read_scenario_file(scenario_path, overrides));
      // A TaskManager's CPU, network or heap over capacity, a checkpoint upload or a catch-up too
      // slow, while the sized parallelism leaves slots idle: Flink fills slots TaskManager by
      // TaskManager, so spread the job (its keyed state, its upload, its catch-up capacity) over
      // every slot — parallelism only grows — and judge again.
      const auto kind = analytic->steady.bottleneck.kind;
      const bool taskmanager_bound = kind == model::BottleneckKind::TaskManagerCpu ||
                                     kind == model::BottleneckKind::NetworkIn ||
                                     kind == model::BottleneckKind::NetworkOut;
      const int slots_total = cand.layout.taskmanagers * cand.layout.slots_per_taskmanager;
      const std::string first = screen_failure(*analytic).first;
      if ((first == "cpu" && taskmanager_bound) || first == "state" || first == "checkpointDuration" ||
          first == "recovery") {
        Layout spread = cand.layout;
        for (auto& [name, p] : spread.parallelism) p = std::max(p, slots_total);
        auto spread_overrides = layout_overrides(options.base, spread);
        auto spread_analytic = model::assess_layout(model::read_scenario_file(scenario_path, spread_overrides));
        if (screen_failure(spread_analytic).first != first ||
            spread_analytic.steady.max_source_rate > analytic->steady.max_source_rate) {
          cand.layout = spread;
          alt.layout = spread;
          overrides = spread_overrides;
          analytic = std::move(spread_analytic);
        }
      }
    } catch (const model::InputFailure& e) {
      // Flink refusing the memory configuration, or the scenario refusing the layout (a
      // [[failure]] naming a TaskManager this layout does not have).
      const std::string field = e.errors().empty() ? "" : e.errors().front().field;
      alt.fails = field.find("memory") != std::string::npos ? "memory" : "invalid";
      alt.why = e.what();
      rejected.push_back(alt);
      SweepRow row = layout_row(scenario_path, alt.layout, alt.cost_per_hour);
      row.why = alt.why;
      rec.examined.push_back(std::move(row));
      continue;
    }
    auto [fails, why] = screen_failure(*analytic);
    // Utilization over the objective (waiting for a core included): the busiest vertex gets one
    // more subtask (aligned) while the slots allow — parallelism only grows — judged again.
    for (int bump = 0; fails == "utilization" && !options.exhaustive && bump < 32; ++bump) {
      const auto busy = contended_busy(*analytic);
      const int v = static_cast<int>(std::max_element(busy.begin(), busy.end()) - busy.begin());
      const model::JobVertex& vertex = analytic->graph.vertices[v];
      bool hash_input = false;
      for (int e : vertex.inputs) hash_input = hash_input || analytic->graph.edges[e].partition == model::Partition::Hash;
      const int next = hash_input ? align_parallelism(vertex.parallelism + 1, vertex.max_parallelism) : vertex.parallelism + 1;
      if (next <= vertex.parallelism ||
          analytic->graph.slots_required() - vertex.parallelism + next > cand.layout.taskmanagers * cand.layout.slots_per_taskmanager)
        break;
      Layout bumped = cand.layout;
      for (const auto& op : vertex.operators) bumped.parallelism[analytic->scenario.operators[op.op].name] = next;
      auto bumped_overrides = layout_overrides(options.base, bumped);
      auto bumped_analytic = model::assess_layout(model::read_scenario_file(scenario_path, bumped_overrides));
      cand.layout = bumped;
      alt.layout = bumped;
      overrides = bumped_overrides;
      analytic = std::move(bumped_analytic);
      std::tie(fails, why) = screen_failure(*analytic);
    }
    const bool judged_by_simulation = fails == "cpu" || fails == "utilization";
    if (!fails.empty() && !(options.exhaustive && judged_by_simulation)) {
      alt.fails = fails;
      alt.why = why;
      rejected.push_back(alt);
      SweepRow row = layout_row(scenario_path, alt.layout, alt.cost_per_hour);
      row.deploys = fails != "slots" && fails != "networkBuffers" && fails != "memory";
      for (const auto& slo : analytic->slos)
        row.slos.push_back({slo.name, slo.value, slo.limit, slo.value ? std::optional<bool>(slo.met) : std::nullopt, "analytic"});
      row.why = why;
      rec.examined.push_back(std::move(row));
      continue;
    }
    // Simulate: fluid over the whole profile, then buffer over the peak window; a missed
    // utilization objective raises the busiest vertex's parallelism (aligned) and tries again.
    for (int attempt = 0; attempt < 4; ++attempt) {
      model::ScenarioOverrides fluid = overrides;
      fluid.sets.push_back("simulation.granularity=fluid");
      SweepRow screen = evaluate_layout(scenario_path, fluid, std::nullopt);
      ++rec.evaluated;
      alt.simulated = true;
      std::tie(fails, why) = simulated_failure(screen);
      {
        SweepRow row = layout_row(scenario_path, cand.layout, cand.cost);
        row.deploys = screen.deploys;
        row.simulated = screen.simulated;
        row.granularity = screen.granularity;
        row.throughput = screen.throughput;
        row.latency_p99_ms = screen.latency_p99_ms;
        row.slos = screen.slos;
        row.caveats = screen.caveats;
        row.feasible = fails.empty();
        row.why = why;
        rec.examined.push_back(std::move(row));
      }
      if (fails.empty()) {
        model::ScenarioOverrides buffer = overrides;
        buffer.sets.push_back("simulation.granularity=buffer");
        model::Scenario confirm_scenario = model::read_scenario_file(scenario_path, buffer);
        RunOptions run;
        run.start = peak.start;
        run.horizon = peak.end - peak.start;
        // Keep the confirmation within kConfirmEvents (seconds of wall time, not minutes): a
        // shorter stretch of the same peak window when the job is large.
        const double events = estimated_events(confirm_scenario, peak.start, peak.end);
        if (events > kConfirmEvents)
          run.horizon = std::max<model::Nanos>(5 * model::kSecond,
                                               static_cast<model::Nanos>(static_cast<double>(run.horizon) * kConfirmEvents / events));
        run.warmup = run.horizon / 5;
        const AutoRun confirm = simulate_auto(confirm_scenario, run);
        ++rec.evaluated;
        SweepRow row = layout_row(scenario_path, cand.layout, cand.cost);
        row.deploys = row.simulated = true;
        row.granularity = to_string(confirm.granularity);
        row.throughput = confirm.result.throughput_mean;
        row.latency_p99_ms = confirm.result.latency.p99 / 1e6;
        row.slos = evaluate_slos(confirm_scenario, confirm.result, &*analytic);
        std::tie(fails, why) = simulated_failure(row);
        row.feasible = fails.empty();
        row.why = why;
        rec.examined.push_back(row);
        if (fails.empty()) {
          if (!rec.found) {
            rec.found = true;
            rec.layout = cand.layout;
            rec.row = row;
          }
          break;
        }
      }
      if (fails != "utilization" || attempt == 3) break;
      // Stricter than the capacity rule: the busiest vertex gets its next aligned parallelism.
      const model::Scenario current = model::read_scenario_file(scenario_path, overrides);
      const int v = busiest_vertex(current, 5 * model::kMinute);
      ++rec.evaluated;
      if (v < 0) break;
      const model::JobGraph graph = model::build_job_graph(current);
      const model::JobVertex& vertex = graph.vertices[v];
      bool hash_input = false;
      for (int e : vertex.inputs) hash_input = hash_input || graph.edges[e].partition == model::Partition::Hash;
      const int p = vertex.parallelism;
      const int next = hash_input ? align_parallelism(p + 1, vertex.max_parallelism) : p + 1;
      if (graph.slots_required() - p + next > cand.layout.taskmanagers * cand.layout.slots_per_taskmanager) break;
      for (const auto& op : graph.vertices[v].operators) cand.layout.parallelism[current.operators[op.op].name] = next;
      overrides = layout_overrides(options.base, cand.layout);
      alt.layout = cand.layout;
    }
    if (rec.found && !options.exhaustive) break;
    if (rec.found && fails.empty()) continue;
    alt.fails = fails;
    alt.why = why;
    rejected.push_back(alt);
  }

  // The next-cheaper candidates (closest to the recommendation first) and why they fail.
  for (auto it = rejected.rbegin(); it != rejected.rend() && rec.alternatives.size() < 5; ++it)
    if (!rec.found || it->cost_per_hour <= rec.row.cost_per_hour) rec.alternatives.push_back(*it);
  if (rec.found) {
    // What keeps it from being cheaper: the closest strictly cheaper candidate's failure (one at
    // the same price only differs in slots, which cost nothing).
    rec.binding = "searchSpace";
    for (auto it = rejected.rbegin(); it != rejected.rend(); ++it)
      if (it->cost_per_hour < rec.row.cost_per_hour) {
        rec.binding = it->fails;
        break;
      }
  } else {
    // What would be needed: the reason the most expensive candidate fails.
    const Alternative& last = rejected.empty() ? Alternative{} : rejected.back();
    rec.binding = last.fails;
    rec.needed = "no layout in [search] meets every objective; the largest (" + std::to_string(last.layout.taskmanagers) +
                 " TaskManagers × " + std::to_string(last.layout.slots_per_taskmanager) + " slots, " +
                 number(last.layout.cpu_per_taskmanager) + " cores, " + model::format_bytes(last.layout.memory_per_taskmanager) +
                 ") fails on " + last.fails + ": " + last.why +
                 (last.fails == "slots" || last.fails == "cpu" ? "; allow more TaskManagers or cores in [search]"
                  : last.fails == "state" || last.fails == "memory" ? "; allow more memory per TaskManager in [search]"
                                                                    : "");
  }
  return rec;
}

}  // namespace flinksim::sim
