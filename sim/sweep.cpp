#include "sim/sweep.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cctype>
#include <cstdio>
#include <exception>
#include <mutex>
#include <thread>

#include "model/diagnostics.h"
#include "model/flink_options.h"
#include "model/layout_assessment.h"
#include "sim/core_sharing.h"
#include "sim/fluid_auto.h"

namespace flinksim::sim {
namespace {

[[noreturn]] void vary_error(const std::string& text, const std::string& message) {
  model::InputError error;
  error.field = "--vary " + text;
  error.message = message;
  throw model::InputFailure({error});
}

bool all_digits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

std::string number(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.3g", value);  // as the objectives read (model::format_slo_value)
  return text;
}

std::string first_reason(const SweepRow& row) {
  for (const auto& slo : row.slos)
    if (slo.met && !*slo.met)
      return slo.value ? model::slo_over_limit(slo.name, slo.value, slo.limit) + " (" + slo.source + ")"
                       : slo.name + ": no figure (the job is lost or never gets there), limit " +
                             model::format_slo_value(slo.name, slo.limit) + " (" + slo.source + ")";
  return "";
}


}  // namespace

// Busy time under processor sharing, estimated (sim/core_sharing.h, every thread waking on its own): the
// waiting for a core that Flink's busyTimeMsPerSecond includes and the bare demand does not. The
// fluid level also lines up the threads one flush wakes, which only adds waiting, so this stays a
// screen that passes what simulation must judge.
// Returns, per vertex, the largest estimated busy share of its subtasks.
std::vector<double> contended_busy(const model::LayoutAssessment& a) {
  const auto& graph = a.graph;
  std::vector<std::vector<std::pair<int, double>>> on_tm(a.placement.taskmanagers);  // (vertex, demand)
  for (std::size_t v = 0; v < graph.vertices.size(); ++v)
    for (std::size_t i = 0; i < a.steady.vertices[v].subtask_cpu.size(); ++i) {
      const int t = a.placement.taskmanager_of[v][i];
      if (t >= 0) on_tm[t].push_back({static_cast<int>(v), a.steady.vertices[v].subtask_cpu[i]});
    }
  std::vector<double> busiest(graph.vertices.size(), 0.0);
  const double cores = a.scenario.cluster.cpu_per_taskmanager;
  CoreSharing sharing;
  std::vector<double> cpu, busy;
  for (const auto& threads : on_tm) {
    cpu.clear();
    for (const auto& thread : threads) cpu.push_back(thread.second);
    busy.assign(cpu.size(), 0.0);
    sharing.solve(cpu.data(), static_cast<int>(cpu.size()), cores, busy.data());
    for (std::size_t i = 0; i < threads.size(); ++i)
      busiest[threads[i].first] = std::max(busiest[threads[i].first], busy[i]);
  }
  return busiest;
}


std::pair<std::string, std::string> screen_failure(const model::LayoutAssessment& a) {
  if (!a.placement.fits) return {"slots", a.warnings.empty() ? "not enough slots" : a.warnings.front()};
  for (const auto& buffers : a.buffers.taskmanagers)
    if (!buffers.sufficient()) return {"networkBuffers", buffers.error};
  for (const auto& state : a.state)
    if (!state.fits) return {"state", "heap state does not fit the task heap"};
  if (a.steady.source_rate > a.steady.max_source_rate)
    return {"cpu", "carries at most " + model::format_rate(a.steady.max_source_rate) + " of the " +
                       model::format_rate(a.steady.source_rate) + " at peak (" +
                       model::to_string(a.steady.bottleneck.kind) + ")"};
  // The busiest subtask's CPU demand is a floor under its simulated busy time (which adds waiting
  // for a core), so a layout over the utilization objective here fails it in simulation too.
  if (a.scenario.slo.target_utilization) {
    double busiest = 0;
    for (const auto& v : a.steady.vertices) busiest = std::max(busiest, v.utilization);
    if (busiest > *a.scenario.slo.target_utilization)
      return {"utilization", "the busiest subtask needs " + number(busiest) + " of a core at peak, over " +
                                 number(*a.scenario.slo.target_utilization)};
    const auto contended = contended_busy(a);
    const double worst = contended.empty() ? 0.0 : *std::max_element(contended.begin(), contended.end());
    if (worst > *a.scenario.slo.target_utilization)
      return {"utilization", "the busiest subtask would be busy " + number(worst) +
                                 " of the time at peak, waiting for a core included (estimate), over " +
                                 number(*a.scenario.slo.target_utilization)};
    // No screen on a TaskManager's cores being busier than the objective: how long its threads
    // wait for a core depends on which of them run together, which simulation judges (a layout
    // at 75% of its cores can keep every subtask under 0.7 busy: recommend-cpu-bound, 3 × 8 slots
    // on 2 cores, 0.695 at buffer level).
  }
  if (a.checkpoint && a.checkpoint->expired) return {"checkpointDuration", "checkpoints expire"};
  for (const auto& r : a.recovery)
    if (r.job_lost) return {"recovery", r.reason};
  for (const auto& slo : a.slos)
    if (!slo.met) return {slo.name, model::slo_over_limit(slo.name, slo.value, slo.limit)};
  return {"", ""};
}

Vary parse_vary(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
    vary_error(text, "expected KEY=V1,V2,… or KEY=A..B, e.g. cluster.taskmanagers=2..8");
  Vary vary;
  vary.key = text.substr(0, eq);
  vary.flink = vary.key.rfind("flink.", 0) == 0;
  if (vary.flink && vary.key.size() == 6) vary_error(text, "flink. needs a Flink key after it");
  std::string item;
  const std::string list = text.substr(eq + 1) + ",";
  for (char c : list) {
    if (c != ',') {
      item += c;
      continue;
    }
    if (item.empty()) vary_error(text, "an empty value in the list");
    const auto dots = item.find("..");
    if (dots != std::string::npos) {
      const std::string a = item.substr(0, dots), b = item.substr(dots + 2);
      if (!all_digits(a) || !all_digits(b) || std::stoll(a) > std::stoll(b))
        vary_error(text, "'" + item + "' is not a range A..B of integers with A ≤ B");
      if (std::stoll(b) - std::stoll(a) > 10'000) vary_error(text, "'" + item + "' has more than 10,000 values");
      for (long long v = std::stoll(a); v <= std::stoll(b); ++v) vary.values.push_back(std::to_string(v));
    } else {
      vary.values.push_back(item);
    }
    item.clear();
  }
  return vary;
}

std::vector<std::vector<std::string>> expand_grid(const std::vector<Vary>& vary) {
  std::vector<std::vector<std::string>> grid{{}};
  for (const auto& v : vary) {
    std::vector<std::vector<std::string>> next;
    next.reserve(grid.size() * v.values.size());
    for (const auto& point : grid)
      for (const auto& value : v.values) {
        next.push_back(point);
        next.back().push_back(value);
      }
    grid = std::move(next);
  }
  return grid;
}

model::ScenarioOverrides point_overrides(const model::ScenarioOverrides& base, const std::vector<Vary>& vary,
                                         const std::vector<std::string>& point) {
  model::ScenarioOverrides overrides = base;
  for (std::size_t i = 0; i < vary.size(); ++i) {
    if (vary[i].flink)
      overrides.dynamic_properties.push_back(vary[i].key.substr(6) + "=" + point[i]);
    else
      overrides.sets.push_back(vary[i].key + "=" + point[i]);
  }
  return overrides;
}

double cost_per_hour(const model::Scenario& scenario) {
  const double gib = static_cast<double>(scenario.flink.get_memory(model::options::kTmProcessSize)) /
                     static_cast<double>(model::kGiB);
  return scenario.cluster.taskmanagers * (scenario.cluster.cpu_per_taskmanager * scenario.search.price_per_core_hour +
                                          gib * scenario.search.price_per_gib_hour);
}

SweepRow evaluate_layout(const std::string& scenario_path, const model::ScenarioOverrides& overrides,
                         std::optional<model::Nanos> horizon) {
  SweepRow row;
  row.scenario = scenario_path;
  const model::Scenario scenario = model::read_scenario_file(scenario_path, overrides);
  row.taskmanagers = scenario.cluster.taskmanagers;
  row.slots_per_taskmanager = static_cast<int>(scenario.flink.get_int(model::options::kNumberOfTaskSlots));
  row.cpu_per_taskmanager = scenario.cluster.cpu_per_taskmanager;
  row.memory_per_taskmanager = scenario.flink.get_memory(model::options::kTmProcessSize);
  row.cost_per_hour = cost_per_hour(scenario);

  std::optional<model::LayoutAssessment> analytic;
  try {
    analytic = model::assess_layout(scenario);
  } catch (const model::InputFailure& e) {  // e.g. memory Flink would refuse
    row.why = e.what();
    return row;
  }
  row.deploys = analytic->placement.fits;
  for (const auto& buffers : analytic->buffers.taskmanagers) row.deploys = row.deploys && buffers.sufficient();
  if (!row.deploys) {
    row.why = analytic->warnings.empty() ? "does not deploy" : analytic->warnings.front();
    return row;
  }
  RunOptions run;
  if (horizon) run.horizon = *horizon;
  const AutoRun result = simulate_auto(scenario, run);
  row.simulated = true;
  row.granularity = to_string(result.granularity);
  row.throughput = result.result.throughput_mean;
  row.latency_p99_ms = result.result.latency.p99 / 1e6;
  row.caveats = result.result.caveats;
  if (result.granularity == model::Granularity::Fluid) {
    // recommend screens the checkpoint and recovery objectives with the analytic model, whose
    // rewind is a worst case (a whole interval); a fluid row is judged the same way so that
    // recommend returns exactly an exhaustive sweep's cheapest feasible row. The buffer-level
    // confirmation judges the simulated figures.
    RunResult judged = result.result;
    judged.checkpoints.simulated = false;
    judged.recovery.clear();
    judged.latency = judged.latency_outside_recovery;  // the outage's latency is recovery's to judge
    row.slos = evaluate_slos(scenario, judged, &*analytic);
  } else {
    row.slos = evaluate_slos(scenario, result.result, &*analytic);
  }
  if (!result.result.conserved) {
    row.why = "records not conserved (an engine bug): " + result.result.conservation_error;
    return row;
  }
  row.why = first_reason(row);
  // What the engine does not simulate yet decides by the screen: heap state that does not fit,
  // checkpoints that expire.
  if (row.why.empty()) {
    const auto [fails, why] = screen_failure(*analytic);
    if (fails == "state" || (fails == "checkpointDuration" && analytic->checkpoint && analytic->checkpoint->expired))
      row.why = why;
  }
  row.feasible = row.why.empty();
  return row;
}

std::vector<SweepPoint> sweep_points(const std::vector<std::string>& scenarios, const std::vector<Vary>& vary,
                                     const SweepOptions& options) {
  const auto grid = expand_grid(vary);
  std::vector<SweepPoint> points;
  for (const auto& file : scenarios) {
    // A typo in a key fails every layout: report it before anything runs (the first failure
    // when none of the first 200 grid points reads). A value the scenario refuses only in some
    // layouts (a [[failure]] naming a TaskManager a smaller cluster lacks) makes those rows
    // infeasible instead.
    {
      std::optional<model::InputFailure> first;
      bool any = false;
      for (std::size_t g = 0; g < grid.size() && g < 200 && !any; ++g) {
        try {
          model::read_scenario_file(file, point_overrides(options.base, vary, grid[g]));
          any = true;
        } catch (const model::InputFailure& e) {
          if (!first) first = e;
        }
      }
      if (!any && first) throw *first;
    }
    for (const auto& point : grid) points.push_back({file, point});
  }
  const std::size_t total = points.size(), n = static_cast<std::size_t>(std::max(options.shard_count, 1));
  const std::size_t i = static_cast<std::size_t>(std::clamp(options.shard_index, 0, static_cast<int>(n) - 1));
  const std::size_t first = i * total / n, last = (i + 1) * total / n;
  return std::vector<SweepPoint>(points.begin() + static_cast<std::ptrdiff_t>(first),
                                 points.begin() + static_cast<std::ptrdiff_t>(last));
}

std::vector<SweepRow> run_points(const std::vector<SweepPoint>& points, const std::vector<Vary>& vary,
                                 const SweepOptions& options) {
  std::vector<SweepRow> rows(points.size());
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto done = options.done.find(i);
    if (done != options.done.end())
      rows[i] = done->second;
    else
      todo.push_back(i);
  }
  std::atomic<std::size_t> next{0};
  std::mutex report_mutex;  // serializes the callbacks and guards `done` and `failure`
  std::size_t done = points.size() - todo.size();
  std::exception_ptr failure;
  auto worker = [&] {
    for (std::size_t k = next++; k < todo.size(); k = next++) {
      const std::size_t i = todo[k];
      try {
        rows[i] = evaluate_layout(points[i].scenario, point_overrides(options.base, vary, points[i].values),
                                  options.horizon);
      } catch (const std::exception& e) {
        rows[i].scenario = points[i].scenario;
        rows[i].why = e.what();
      }
      rows[i].values = points[i].values;
      std::lock_guard lock(report_mutex);
      if (failure) return;
      try {
        if (options.completed) options.completed(i, rows[i]);
        ++done;
        if (options.progress) options.progress(done, points.size());
      } catch (...) {
        failure = std::current_exception();
        next = todo.size();  // start no further row
        return;
      }
    }
  };
  const int jobs = std::max(1, std::min<int>(options.jobs, static_cast<int>(todo.size())));
  std::vector<std::thread> threads;
  for (int j = 1; j < jobs; ++j) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  if (failure) std::rethrow_exception(failure);
  return rows;
}

std::vector<SweepRow> run_sweep(const std::vector<std::string>& scenarios, const std::vector<Vary>& vary,
                                const SweepOptions& options) {
  return run_points(sweep_points(scenarios, vary, options), vary, options);
}

}  // namespace flinksim::sim
