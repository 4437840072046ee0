// Placement of subtasks into slots and slots onto TaskManagers, as Flink's default scheduler does
// it (flink-facts.md c.4):
//  1. Execution slot sharing groups (Flink: LocalInputPreferredSlotSharingStrategy). Vertices in
//     topological order; a subtask joins the group of the producer of the first partition it
//     consumes on each input, if that producer shares its slot sharing group and the group holds
//     no subtask of this vertex yet; otherwise the first group of its slot sharing group without
//     a subtask of this vertex (in creation order), else a new group. With all-to-all edges this
//     pairs subtask i of every vertex of a group in slot i; forward edges keep i with i.
//  2. Each group takes one slot, in creation order (the order the scheduler requests them):
//     fill-first (TaskManager 0's slots, then 1's, ...), or with cluster.evenly-spread-out-slots
//     = true / taskmanager.load-balance.mode = SLOTS from the TaskManager with the smallest share
//     of used slots, ties to the lowest index.
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
  std::vector<SubtaskId> subtasks;  // in vertex order
};

struct Placement {
  int taskmanagers = 0;
  int slots_per_taskmanager = 0;
  int slots_required = 0;
  bool fits = true;  // false: the job needs more slots than the cluster has
  bool spread_out = false;  // slots taken from the least used TaskManager (else fill-first)
  std::vector<SlotAssignment> slots;  // only the slots in use, by (taskmanager, slot)
  // For each vertex, for each subtask index: the TaskManager it runs on (−1 if not placed).
  std::vector<std::vector<int>> taskmanager_of;
  std::vector<std::vector<SubtaskId>> subtasks_on;  // per TaskManager, in slot order
};

// Places the job. A job that needs more slots than exist gets fits = false and a message in
// `why` (Flink would wait slot.request.timeout and fail with NoResourceAvailableException); the
// groups that do find a slot are still placed, the others stay at −1.
// Throws InputFailure when taskmanager.numberOfTaskSlots < 1.
// REQUIRES: graph = build_job_graph(scenario). Cost: O(subtasks × inputs + groups × TaskManagers).
Placement place_job(const JobGraph& graph, const Scenario& scenario, std::string* why = nullptr);

}  // namespace flinksim::model
