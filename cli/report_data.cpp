#include "cli/report_data.h"

#include <algorithm>
#include <cstdio>

#include "model/traffic.h"
#include "model/units.h"

namespace flinksim::cli {
namespace {

double seconds(model::Nanos t) { return static_cast<double>(t) / 1e9; }

Json numbers(const std::vector<double>& values) {
  Json out = Json::array();
  for (double v : values) out.push_back(json_number(v));
  return out;
}

Json series_json(const sim::ReportSeries::Series& s) {
  Json out;
  out["timeSeconds"] = numbers(s.time_s);
  out["arrivalRate"] = numbers(s.arrival_rate);
  out["throughput"] = numbers(s.throughput);
  out["latencyP50Ms"] = numbers(s.latency_p50_ms);
  out["latencyP99Ms"] = numbers(s.latency_p99_ms);
  out["latencyMaxMs"] = numbers(s.latency_max_ms);
  out["sourceLag"] = numbers(s.source_lag);
  Json vertices = Json::array();
  for (const auto& v : s.vertices)
    vertices.push_back({{"name", v.name},
                        {"busyTimeMsPerSecond", numbers(v.busy_ms_per_s)},
                        {"backPressuredTimeMsPerSecond", numbers(v.backpressured_ms_per_s)}});
  out["vertices"] = std::move(vertices);
  Json tms = Json::array();
  for (const auto& cpu : s.taskmanager_cpu) tms.push_back(numbers(cpu));
  out["taskmanagerCpu"] = std::move(tms);
  return out;
}

// Checkpoints every interval over the run, at most ~200 of them drawn: duration and sizes as the
// analytic model gives them at each trigger time (state grows, rates follow the traffic).
Json checkpoints_json(const model::LayoutAssessment& plan, model::Nanos horizon) {
  Json out;
  out["source"] = "analytic";
  out["enabled"] = plan.checkpoint_settings.enabled;
  if (!plan.checkpoint_settings.enabled) return out;
  const model::Nanos interval = std::max<model::Nanos>(1, plan.checkpoint_settings.interval);
  const model::Nanos count = horizon / interval;
  const model::Nanos stride = std::max<model::Nanos>(1, (count + 199) / 200);
  out["intervalSeconds"] = json_number(seconds(interval));
  out["timeoutSeconds"] = json_number(seconds(plan.checkpoint_settings.timeout));
  Json points = Json::array();
  for (model::Nanos k = 1; k <= count; k += stride) {
    const model::Nanos t = k * interval;
    const auto c = model::checkpoint_at(plan, t, model::arrival_rate(plan.scenario.traffic, t));
    points.push_back({{"timeSeconds", json_number(seconds(t))},
                      {"durationSeconds", c.end_to_end_duration ? json_number(seconds(*c.end_to_end_duration))
                                                                : Json(nullptr)},
                      {"stateSize", json_number(c.state_size)},
                      {"checkpointedSize", json_number(c.checkpointed_size)},
                      {"expired", c.expired},
                      {"unaligned", c.unaligned}});
  }
  out["points"] = std::move(points);
  return out;
}

// Every checkpoint the engine triggered (at most ~400 drawn), as Flink's history lists them.
Json simulated_checkpoints_json(const model::LayoutAssessment& plan, const sim::RunResult& result) {
  Json out;
  out["source"] = "simulated";
  out["enabled"] = true;
  out["intervalSeconds"] = json_number(seconds(plan.checkpoint_settings.interval));
  out["timeoutSeconds"] = json_number(seconds(plan.checkpoint_settings.timeout));
  const auto& history = result.checkpoint_history;
  const std::size_t stride = std::max<std::size_t>(1, (history.size() + 399) / 400);
  Json points = Json::array();
  for (std::size_t i = 0; i < history.size(); i += stride) {
    const auto& c = history[i];
    const bool completed = c.status == sim::CheckpointStatus::Completed;
    points.push_back({{"timeSeconds", json_number(seconds(c.trigger_time))},
                      {"durationSeconds", completed ? json_number(seconds(c.end_to_end_duration)) : Json(nullptr)},
                      {"stateSize", json_number(static_cast<double>(c.state_size))},
                      {"checkpointedSize", json_number(static_cast<double>(c.checkpointed_size))},
                      {"alignmentSeconds", json_number(seconds(c.alignment_duration))},
                      {"expired", c.failure_reason == "expired"},
                      {"failed", !completed},
                      {"unaligned", c.unaligned}});
  }
  out["points"] = std::move(points);
  return out;
}

Json simulated_failures_json(const sim::RunResult& result) {
  const auto optional_seconds = [](model::Nanos t) { return t >= 0 ? json_number(seconds(t)) : Json(nullptr); };
  Json out = Json::array();
  for (const auto& r : result.recovery) {
    Json j;
    j["source"] = "simulated";
    j["kind"] = r.failure < 0 ? "checkpoints" : r.kind == model::FailureKind::TaskManager ? "taskmanager" : "jobmanager";
    j["atSeconds"] = json_number(seconds(r.at));
    j["jobLost"] = r.job_lost;
    if (!r.reason.empty()) j["reason"] = r.reason;
    j["downtimeSeconds"] = r.restarted >= 0 ? json_number(seconds(r.downtime)) : Json(nullptr);
    j["catchUpSeconds"] = optional_seconds(r.catch_up);
    j["totalSeconds"] = optional_seconds(r.total);
    out.push_back(std::move(j));
  }
  return out;
}

Json failures_json(const model::LayoutAssessment& plan) {
  Json out = Json::array();
  for (std::size_t i = 0; i < plan.recovery.size() && i < plan.scenario.failures.size(); ++i) {
    const auto& f = plan.scenario.failures[i];
    const auto& r = plan.recovery[i];
    Json j;
    j["source"] = "analytic";
    j["kind"] = f.kind == model::FailureKind::TaskManager ? "taskmanager" : "jobmanager";
    j["atSeconds"] = json_number(seconds(f.at));
    j["jobLost"] = r.job_lost;
    if (r.job_lost || r.ran_no_task) j["reason"] = r.reason;
    j["downtimeSeconds"] = json_number(seconds(r.downtime));
    j["catchUpSeconds"] = r.catch_up ? json_number(seconds(*r.catch_up)) : Json(nullptr);
    j["totalSeconds"] = r.total ? json_number(seconds(*r.total)) : Json(nullptr);
    out.push_back(std::move(j));
  }
  return out;
}

std::string short_number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

// "3 TM × 4 slots, 2 CPU, 4 GiB".
std::string layout_label(const sim::SweepRow& row) {
  return std::to_string(row.taskmanagers) + " TM × " + std::to_string(row.slots_per_taskmanager) + " slots, " +
         short_number(row.cpu_per_taskmanager) + " CPU, " + model::format_bytes(row.memory_per_taskmanager);
}

// The row's values: "key=value, …" when the keys are known, else the values as they are.
std::string varied_label(const sim::SweepRow& row, const std::vector<std::string>& keys) {
  std::string label;
  for (std::size_t i = 0; i < row.values.size(); ++i)
    label += (i ? ", " : "") + (i < keys.size() ? keys[i] + "=" : std::string()) + row.values[i];
  return label;
}

const char* objective_unit(const std::string& name) { return name == "utilization" ? "share of a core" : "ms"; }

}  // namespace

Json slot_plan_json(const model::JobGraph& graph, const model::Placement& placement) {
  Json out;
  out["taskmanagers"] = placement.taskmanagers;
  out["slotsPerTaskManager"] = placement.slots_per_taskmanager;
  out["fits"] = placement.fits;
  Json names = Json::array();
  for (const auto& v : graph.vertices) names.push_back(v.name);
  out["vertices"] = std::move(names);
  Json slots = Json::array();
  for (const auto& s : placement.slots) {
    Json subtasks = Json::array();
    for (const auto& id : s.subtasks) subtasks.push_back({id.vertex, id.index});
    slots.push_back({{"taskmanager", s.taskmanager},
                     {"slot", s.slot},
                     {"slotSharingGroup", s.slot_sharing_group},
                     {"subtasks", std::move(subtasks)}});
  }
  out["slots"] = std::move(slots);
  return out;
}

Json layouts_report_data(const LayoutsReportInputs& in) {
  Json out;
  out["kind"] = in.kind;
  out["scenario"] = in.scenario;
  // Objectives in the order rows first name them, with the first limit seen (all rows share [slo]).
  Json objectives = Json::array();
  std::vector<std::string> names;
  for (const auto& row : *in.rows)
    for (const auto& slo : row.slos)
      if (std::find(names.begin(), names.end(), slo.name) == names.end()) {
        names.push_back(slo.name);
        objectives.push_back({{"name", slo.name}, {"limit", json_number(slo.limit)}, {"unit", objective_unit(slo.name)}});
      }
  out["objectives"] = std::move(objectives);
  Json layouts = Json::array();
  for (const auto& row : *in.rows) {
    Json values = Json::object();
    for (const auto& name : names) values[name] = nullptr;
    for (const auto& slo : row.slos) values[slo.name] = slo.value ? json_number(*slo.value) : Json(nullptr);
    layouts.push_back({{"label", layout_label(row)},
                       {"varied", varied_label(row, in.keys)},
                       {"cost", json_number(row.cost_per_hour)},
                       {"values", std::move(values)},
                       {"simulated", row.simulated ? row.granularity : std::string("analytic")},
                       {"feasible", row.feasible},
                       {"why", row.why},
                       {"caveats", row.caveats}});
  }
  out["layouts"] = std::move(layouts);
  out["chosen"] = in.chosen ? Json(*in.chosen) : Json(nullptr);
  if (in.kind == "recommend") {
    out["found"] = in.found;
    out["binding"] = in.binding;
    out["needed"] = in.needed;
    out["evaluated"] = in.evaluated;
    out["considered"] = in.considered;
    if (in.chosen) {
      out["chosenLabel"] = (*out.find("layouts"))[*in.chosen]["label"];
      out["chosenCost"] = (*out.find("layouts"))[*in.chosen]["cost"];
    }
  }
  out["slotPlan"] = in.chosen_plan ? slot_plan_json(in.chosen_plan->graph, in.chosen_plan->placement) : Json(nullptr);
  return out;
}

Json run_report_data(const RunReportInputs& in) {
  Json out;
  out["kind"] = "run";
  out["scenario"] = in.plan->scenario.name;
  out["summary"] = *in.summary;
  out["series"] = series_json(*in.series);
  const bool simulated_checkpoints = in.result && in.result->checkpoints.simulated;
  out["checkpoints"] = simulated_checkpoints ? simulated_checkpoints_json(*in.plan, *in.result)
                                             : checkpoints_json(*in.plan, in.horizon);
  // Simulated recoveries when the engine ran the failures (buffer level fills checkpoints too).
  out["failures"] = simulated_checkpoints ? simulated_failures_json(*in.result) : failures_json(*in.plan);
  out["slotPlan"] = slot_plan_json(in.plan->graph, in.plan->placement);
  return out;
}

}  // namespace flinksim::cli
