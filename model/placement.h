// Placement of subtasks into slots and slots onto TaskManagers, as Flink's default scheduler does
// it (flink-facts.md c.4): subtask i of every vertex of a slot sharing group shares slot i of that
// group; slots are taken from TaskManagers one after another (fill-first), or from the least used
// TaskManager with cluster.evenly-spread-out-slots / taskmanager.load-balance.mode = SLOTS.
#pragma once

#include <string>
#include <vector>

#include "model/job_graph.h"

namespace flinksim::model {

struct SubtaskId {
  int vertex = 0;
  int index = 0;  // subtask index within the vertex
  bool operator==(const SubtaskId&) const = default;
};

struct SlotAssignment {
  int taskmanager = 0;
  int slot = 0;  // slot index within its TaskManager
  std::string slot_sharing_group;
  std::vector<SubtaskId> subtasks;
};

struct Placement {
  int taskmanagers = 0;
  int slots_per_taskmanager = 0;
  int slots_required = 0;
  bool fits = true;  // false: the job needs more slots than the cluster has
  std::vector<SlotAssignment> slots;  // only the slots in use
  // For each vertex, for each subtask index: the TaskManager it runs on (−1 if not placed).
  std::vector<std::vector<int>> taskmanager_of;
  std::vector<std::vector<SubtaskId>> subtasks_on;  // per TaskManager, in slot order
};

// Places the job. A job that needs more slots than exist gets fits = false and a message in
// `why` (Flink would wait slot.request.timeout and fail with NoResourceAvailableException).
Placement place_job(const JobGraph& graph, const Scenario& scenario, std::string* why = nullptr);

}  // namespace flinksim::model
