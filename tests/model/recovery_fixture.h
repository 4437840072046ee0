// A small keyed job as TOML, built through the same path as `flinksim plan` (reader, job graph,
// placement, memory, steady state, state layout), so model tests see what users see.
#pragma once

#include <string>

#include "model/job_graph.h"
#include "model/memory.h"
#include "model/placement.h"
#include "model/scenario_reader.h"
#include "model/state_model.h"
#include "model/steady_state.h"

namespace flinksim::testing {

// source (p=4) → keyBy → window (p=4, state keys × bytes) → sink; 2 TaskManagers × 2 slots,
// 4 cores each, 1k/s. `extra` is appended verbatim ([flink] lines go before any other table).
inline std::string keyed_job(const std::string& flink, const std::string& state,
                             const std::string& rest = "") {
  return "name = \"keyed\"\nseed = 7\n[cluster]\ntaskmanagers = 2\ncpu_per_taskmanager = 4.0\n"
         "pod_start = \"40s\"\n[flink]\n\"taskmanager.numberOfTaskSlots\" = 2\n"
         "\"parallelism.default\" = 4\n\"taskmanager.memory.process.size\" = \"4g\"\n" +
         flink +
         "\n[storage]\nwrite_bandwidth = \"100MB/s\"\nread_bandwidth = \"200MB/s\"\n"
         "[[operator]]\nname = \"src\"\nkind = \"source\"\ncpu_per_record = \"5us\"\n"
         "record_size = \"100b\"\n[[operator]]\nname = \"window\"\n"
         "inputs = [{ from = \"src\", partition = \"hash\" }]\ncpu_per_record = \"20us\"\n"
         "state = " + state + "\n[[operator]]\nname = \"sink\"\nkind = \"sink\"\n"
         "inputs = [\"window\"]\ncpu_per_record = \"5us\"\n"
         "[traffic]\nshape = \"constant\"\npeak = \"1k/s\"\nduration = \"1h\"\n" + rest;
}

struct Built {
  model::Scenario scenario;
  model::JobGraph graph;
  model::Placement placement;
  model::TaskManagerMemory memory;
  model::SteadyState steady;
  model::StateLayout layout;
};

inline Built build(const std::string& toml, model::StateModelParams params = {}) {
  Built b;
  b.scenario = model::read_scenario_text(toml, "test.toml");
  b.graph = model::build_job_graph(b.scenario);
  b.placement = model::place_job(b.graph, b.scenario);
  b.memory = model::derive_taskmanager_memory(b.scenario.flink);
  b.steady = model::compute_steady_state(b.scenario, b.graph, b.placement);
  b.layout = model::layout_state(b.scenario, b.graph, b.placement, b.memory, params);
  return b;
}

}  // namespace flinksim::testing
