#include "sim/slo_evaluation.h"

#include <algorithm>

namespace flinksim::sim {
namespace {

double ms(double ns) { return ns / 1e6; }

// The analytic figure of an objective, if the assessment has it.
std::optional<SloResult> analytic_slo(const model::LayoutAssessment* analytic, const std::string& name) {
  if (analytic == nullptr) return std::nullopt;
  for (const auto& check : analytic->slos)
    if (check.name == name) return SloResult{name, check.value, check.limit, check.met, "analytic"};
  return std::nullopt;
}

}  // namespace

std::vector<SloResult> evaluate_slos(const model::Scenario& scenario, const RunResult& r,
                                     const model::LayoutAssessment* analytic) {
  std::vector<SloResult> slos;
  if (scenario.slo.max_latency_p99) {
    // Outside recoveries: records re-read after a failure carry the outage, which max_recovery judges.
    const double limit = ms(static_cast<double>(*scenario.slo.max_latency_p99));
    const double p99 = ms(r.recovery.empty() ? r.latency.p99 : r.latency_outside_recovery.p99);
    slos.push_back({"latencyP99", p99, limit, p99 <= limit, "simulated"});
  }
  if (scenario.slo.target_utilization) {
    double busiest = 0;
    for (const auto& v : r.vertices) busiest = std::max(busiest, v.busy_ms_per_s_max / 1000);
    const double limit = *scenario.slo.target_utilization;
    slos.push_back({"utilization", busiest, limit, busiest <= limit, "simulated"});
  }
  if (scenario.slo.max_checkpoint_duration) {
    const double limit = ms(static_cast<double>(*scenario.slo.max_checkpoint_duration));
    const auto& c = r.checkpoints;
    if (c.simulated && c.completed + c.expired > 0) {
      // The slowest completed checkpoint; one that expired misses the objective (no figure if none completed).
      const std::optional<double> value =
          c.completed > 0 ? std::optional<double>(ms(static_cast<double>(c.duration_max))) : std::nullopt;
      slos.push_back({"checkpointDuration", value, limit, value && *value <= limit && c.expired == 0, "simulated"});
    } else if (auto a = analytic_slo(analytic, "checkpointDuration")) {
      slos.push_back(*a);
    } else {
      slos.push_back({"checkpointDuration", std::nullopt, limit, std::nullopt, ""});
    }
  }
  if (scenario.slo.max_recovery) {
    const double limit = ms(static_cast<double>(*scenario.slo.max_recovery));
    if (!r.recovery.empty()) {
      std::optional<double> worst = 0.0;
      for (const auto& rec : r.recovery)
        worst = rec.total < 0 || rec.job_lost || !worst ? std::nullopt
                                                        : std::optional<double>(std::max(*worst, ms(static_cast<double>(rec.total))));
      slos.push_back({"recovery", worst, limit, worst && *worst <= limit, "simulated"});
    } else if (auto a = analytic_slo(analytic, "recovery")) {
      slos.push_back(*a);
    } else {
      slos.push_back({"recovery", std::nullopt, limit, std::nullopt, ""});
    }
  }
  return slos;
}

}  // namespace flinksim::sim
