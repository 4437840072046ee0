// What report.html draws, as one JSON document embedded in the page (cli/report_html.h renders
// it). Built from results only; no clock, host or path goes in, so equal inputs give equal pages.
//
// A run's report holds: the `run --json` summary, the pooled time series (sim/report_series.h),
// the slot plan (model/placement.h), and, until the engine simulates them, checkpoints and
// recoveries from the analytic model (model/layout_assessment.h) marked "source": "analytic".
#pragma once

#include <string>

#include "cli/json_output.h"
#include "model/layout_assessment.h"
#include "sim/report_series.h"

namespace flinksim::cli {

// The slot plan: TaskManagers, their slots, and which subtasks (vertex index, subtask index) share
// each slot; vertex names listed once.
Json slot_plan_json(const model::JobGraph& graph, const model::Placement& placement);

struct RunReportInputs {
  const Json* summary = nullptr;  // the `run --json` document (without wallSeconds)
  const sim::ReportSeries::Series* series = nullptr;
  const model::LayoutAssessment* plan = nullptr;  // the same scenario, assessed
  model::Nanos horizon = 0;                        // the run's simulated time
};

Json run_report_data(const RunReportInputs& inputs);

}  // namespace flinksim::cli
