// A calibrated cluster and job as a scenario (../shared/design/scenario.md): the layout and
// memory from the cluster, the job graph from the job, per-operator costs from the fit, each
// number commented with where it came from. The TOML itself is written by model/scenario_writer.h;
// this unit decides the values and adds the provenance comments.
//
// Chains: Flink measures busy time per task (a whole chain), so the fit gives the chain's cost
// per record entering it. The scenario puts that cost on the chain's head operator and 0 on the
// others; with the head's selectivity scaling nothing before it, the chain's cost per entering
// record is then exactly the measured one, whatever the chained operators' selectivities. (An
// even split would invent a division Flink never measured.) Each head gets chaining = "head" so
// that the scenario's chains are the cluster's vertices.
#pragma once

#include <string>
#include <vector>

#include "calibrate/fit.h"
#include "model/scenario.h"

namespace flinksim::calibrate {

struct CalibratedScenario {
  model::Scenario scenario;
  std::vector<std::string> header;                      // comment lines for the top of the file
  std::vector<std::vector<std::string>> operator_notes;  // per scenario operator, comment lines
};

// `source` names where the answers came from (a URL without credentials, a snapshot folder).
CalibratedScenario build_scenario(const Sample& latest, const FitResult& fit,
                                  const FitOptions& options, const std::string& source,
                                  int sample_count);

// The scenario's TOML with the comments; `flinksim validate` accepts it.
std::string scenario_text(const CalibratedScenario& calibrated);

// Flink's ship strategy name (plan `ship_strategy`) as a scenario partition; CUSTOM and unknown
// strategies become hash (with a note), the closest all-to-all keyed routing.
model::Partition partition_of(const std::string& ship_strategy, bool* exact = nullptr);

}  // namespace flinksim::calibrate
