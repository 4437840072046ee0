// What report.html draws, as one JSON document embedded in the page (cli/report_html.h renders
// it). Built from results only; no clock, host or path goes in, so equal inputs give equal pages.
//
// A run's report holds: the `run --json` summary, the pooled time series (sim/report_series.h),
// the slot plan (model/placement.h), and checkpoints and recoveries as the engine simulated them,
// or, where it did not (fluid level), from the analytic model (model/layout_assessment.h) marked
// "source": "analytic".
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/json_output.h"
#include "model/layout_assessment.h"
#include "sim/report_series.h"
#include "sim/sweep.h"

namespace flinksim::cli {

// The slot plan: TaskManagers, their slots, and which subtasks (vertex index, subtask index) share
// each slot; vertex names listed once.
Json slot_plan_json(const model::JobGraph& graph, const model::Placement& placement);

struct RunReportInputs {
  const Json* summary = nullptr;  // the `run --json` document (without wallSeconds)
  const sim::ReportSeries::Series* series = nullptr;
  const model::LayoutAssessment* plan = nullptr;  // the same scenario, assessed
  model::Nanos horizon = 0;                        // the run's simulated time
  // Its checkpoints and recoveries when the engine simulated them (buffer level); the analytic
  // model's otherwise, marked "source": "analytic".
  const sim::RunResult* result = nullptr;
};

Json run_report_data(const RunReportInputs& inputs);

// A sweep's or a recommendation's report: one entry per layout (its cost, each objective's figure,
// feasible or why not), the chosen one marked, and the chosen layout's slot plan.
struct LayoutsReportInputs {
  std::string kind;      // "sweep" | "recommend"
  std::string scenario;  // the scenario's name
  const std::vector<sim::SweepRow>* rows = nullptr;
  std::vector<std::string> keys;  // sweep: the --vary keys, to label each row's values
  std::optional<std::size_t> chosen;  // index into rows
  const model::LayoutAssessment* chosen_plan = nullptr;  // its slot plan is drawn (optional)
  // recommend only
  bool found = false;
  std::string binding, needed;
  int evaluated = 0;
  long considered = 0;
};

Json layouts_report_data(const LayoutsReportInputs& inputs);

}  // namespace flinksim::cli
