// Scenarios built in code for the job graph, placement and network buffer tests (the TOML
// reader is tested on its own): a fluent list of operators plus Flink keys.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "model/scenario.h"

namespace flinksim::testing {

struct ScenarioBuilder {
  model::Scenario scenario;

  ScenarioBuilder& flink(const std::string& key, std::string value) {
    scenario.flink.set(key, std::move(value));
    return *this;
  }
  ScenarioBuilder& cluster(int taskmanagers, int slots) {
    scenario.cluster.taskmanagers = taskmanagers;
    return flink("taskmanager.numberOfTaskSlots", std::to_string(slots));
  }
  // An operator reading `inputs` (each "name" or "name:hash" etc.); parallelism 0 = unset.
  model::OperatorSpec& op(const std::string& name, int parallelism = 0,
                          const std::vector<std::string>& inputs = {}) {
    model::OperatorSpec spec;
    spec.name = name;
    spec.kind = inputs.empty() ? model::OperatorKind::Source : model::OperatorKind::Operator;
    if (parallelism > 0) spec.parallelism = parallelism;
    spec.pos = {"job.toml", static_cast<int>(scenario.operators.size()) * 10 + 1, 1};
    for (const std::string& text : inputs) {
      model::InputSpec input;
      const auto colon = text.find(':');
      input.from = text.substr(0, colon);
      input.pos = {"job.toml", spec.pos.line + 1, 10};
      if (colon != std::string::npos) input.partition = partition(text.substr(colon + 1));
      spec.inputs.push_back(input);
    }
    scenario.operators.push_back(spec);
    return scenario.operators.back();
  }

  static model::Partition partition(const std::string& word) {
    using model::Partition;
    if (word == "forward") return Partition::Forward;
    if (word == "rebalance") return Partition::Rebalance;
    if (word == "rescale") return Partition::Rescale;
    if (word == "hash") return Partition::Hash;
    if (word == "broadcast") return Partition::Broadcast;
    if (word == "random") return Partition::Random;
    return Partition::Global;
  }
};

// Puts an operator in a slot sharing group of its own choosing (slotSharingGroup("name") in Flink),
// rather than the group it would inherit from its inputs.
inline model::OperatorSpec& explicit_group(model::OperatorSpec& op, const std::string& group) {
  op.slot_sharing_group = group;
  op.slot_sharing_group_set = true;
  return op;
}

}  // namespace flinksim::testing
