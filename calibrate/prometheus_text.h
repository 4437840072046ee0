// Flink's Prometheus reporter (flink-facts e.4) as a calibration input (`--prometheus URL|FILE`):
// parse a scrape in the Prometheus text exposition format, then map Flink's reporter names and
// labels onto the same structs the REST readers fill (SubtaskInfo metrics, TaskManager metrics).
//
// Text format handled: `# HELP` / `# TYPE` lines (kept per family), comments, samples
// `name{label="value",…} value [timestamp]` with escaped label values (\\, \", \n), and the
// special values NaN, +Inf, -Inf. A malformed line is an error naming its line number.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "calibrate/cluster_reader.h"
#include "calibrate/job_reader.h"

namespace flinksim::calibrate {

struct PromSample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct PromScrape {
  std::vector<PromSample> samples;
  std::map<std::string, std::string> types;  // family → gauge | counter | summary | …
  std::map<std::string, std::string> help;
};

// Throws RemoteError(Malformed) with "line N: what" on a line it cannot read.
PromScrape parse_prometheus_text(const std::string& text);

// Flink's label-value form of a name: every character outside [a-zA-Z0-9:_] becomes '_'
// (metrics.reporter.prom.filterLabelValueCharacters, default true).
std::string prometheus_label_value(const std::string& text);

// Task and operator metrics of one job, keyed as the REST readers key them:
// task_name (label form) → subtask_index → {REST metric id → value}, plus each subtask's tm_id.
struct PromTaskMetrics {
  std::map<std::string, std::map<int, SubtaskInfo>> tasks;  // task_name label → subtasks
  std::map<std::string, std::map<std::string, double>> taskmanagers;  // tm_id label → Status.* ids
};

// `job_id` empty: every job in the scrape. Task metrics come from flink_taskmanager_job_task_<id>,
// operator metrics from flink_taskmanager_job_task_operator_<id> as "<operator_name label>.<id>",
// TaskManager metrics from flink_taskmanager_Status_JVM_CPU_Load etc. as "Status.JVM.CPU.Load".
PromTaskMetrics flink_metrics_from_scrape(const PromScrape& scrape, const std::string& job_id = "");

// Replaces the REST metrics of `job` and `cluster` by those of the scrape where it has them,
// matching vertices by their label-form name and TaskManagers by label-form id. Returns how many
// subtasks were matched; warns (job.warnings) about vertices the scrape lacks. A
// Status.JVM.CPU.Time that REST answered is kept: its rate is taken against the REST sample's
// clock (`now`), and the scrape was read at another moment.
int merge_prometheus(const PromTaskMetrics& metrics, JobInfo& job, ClusterInfo& cluster);

// A job built from the scrape alone: one vertex per task_name, no edges (the reporter carries no
// job graph). Enough for the fit table; not for a scenario.
JobInfo job_from_prometheus(const PromTaskMetrics& metrics);

}  // namespace flinksim::calibrate
