// Flink's default placement: execution slot sharing groups, then one slot per group from the
// TaskManagers (see placement.h for the rules and their Flink sources).
#include "model/placement.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <tuple>

namespace flinksim::model {
namespace {

// An execution slot sharing group: the subtasks that will share one slot.
struct SharingGroup {
  std::string slot_sharing_group;
  std::vector<SubtaskId> subtasks;
  std::vector<bool> has_vertex;  // per vertex: already holds one of its subtasks
};

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

// Flink: LocalInputPreferredSlotSharingStrategy.ExecutionSlotSharingGroupBuilder.build().
std::vector<SharingGroup> build_sharing_groups(const JobGraph& graph,
                                               std::vector<std::vector<int>>& group_of) {
  const int nv = static_cast<int>(graph.vertices.size());
  std::vector<SharingGroup> groups;
  std::map<std::string, std::vector<int>> groups_by_ssg;  // in creation order
  group_of.assign(nv, {});
  auto add = [&](int group, int v, int i) {
    groups[group].subtasks.push_back({v, i});
    groups[group].has_vertex[v] = true;
    group_of[v][i] = group;
  };

  for (int v = 0; v < nv; ++v) {  // topological order
    const JobVertex& vertex = graph.vertices[v];
    group_of[v].assign(vertex.parallelism, -1);
    std::vector<int> remaining;
    for (int i = 0; i < vertex.parallelism; ++i) {
      int chosen = -1;
      // The producer of the first partition of each consumed partition group, gate by gate.
      for (int e : vertex.inputs) {
        const JobEdge& edge = graph.edges[e];
        const JobVertex& up = graph.vertices[edge.source];
        if (up.slot_sharing_group != vertex.slot_sharing_group) continue;
        const int producer = edge.all_to_all()
                                 ? 0
                                 : pointwise_producers(i, up.parallelism, vertex.parallelism).first;
        const int candidate = group_of[edge.source][producer];
        if (candidate >= 0 && !groups[candidate].has_vertex[v]) {
          chosen = candidate;
          break;
        }
      }
      if (chosen >= 0) {
        add(chosen, v, i);
      } else {
        remaining.push_back(i);
      }
    }
    std::vector<int>& mine = groups_by_ssg[vertex.slot_sharing_group];
    for (int i : remaining) {
      int chosen = -1;
      for (int g : mine) {
        if (!groups[g].has_vertex[v]) {
          chosen = g;
          break;
        }
      }
      if (chosen < 0) {
        chosen = static_cast<int>(groups.size());
        groups.push_back({vertex.slot_sharing_group, {}, std::vector<bool>(nv, false)});
        mine.push_back(chosen);
      }
      add(chosen, v, i);
    }
  }
  return groups;
}

}  // namespace

Placement place_job(const JobGraph& graph, const Scenario& scenario, std::string* why) {
  const FlinkConfig& flink = scenario.flink;
  Placement placement;
  placement.taskmanagers = std::max(scenario.cluster.taskmanagers, 0);
  const std::int64_t slots = flink.get_int(options::kNumberOfTaskSlots);
  if (slots < 1) {
    const auto* entry = flink.find(options::kNumberOfTaskSlots);
    throw InputFailure({{entry ? entry->pos : SourcePos{}, flink.key_of(options::kNumberOfTaskSlots),
                         "must be at least 1, got " + std::to_string(slots)}});
  }
  placement.slots_per_taskmanager = static_cast<int>(slots);
  placement.slots_required = graph.slots_required();
  // Flink 1.19 deprecated cluster.evenly-spread-out-slots for taskmanager.load-balance.mode;
  // SLOTS is the same behaviour.
  placement.spread_out = flink.get_bool(options::kEvenlySpreadOutSlots) ||
                         upper(flink.get_string(options::kLoadBalanceMode)) == "SLOTS";

  std::vector<std::vector<int>> group_of;
  const std::vector<SharingGroup> groups = build_sharing_groups(graph, group_of);
  const int total_slots = placement.taskmanagers * placement.slots_per_taskmanager;
  placement.fits = static_cast<int>(groups.size()) <= total_slots;
  if (!placement.fits && why) {
    *why = "the job needs " + std::to_string(placement.slots_required) + " slots but the cluster has " +
           std::to_string(total_slots) + " (" + std::to_string(placement.taskmanagers) +
           " TaskManagers × " + std::to_string(placement.slots_per_taskmanager) +
           " slots); Flink would wait slot.request.timeout (" +
           format_duration(flink.get_duration(options::kSlotRequestTimeout)) +
           ") and then fail with NoResourceAvailableException";
  }

  // One slot per group, in creation order.
  std::vector<int> used(placement.taskmanagers, 0);
  std::vector<int> tm_of_group(groups.size(), -1);
  for (std::size_t g = 0; g < groups.size(); ++g) {
    int tm = -1;
    for (int t = 0; t < placement.taskmanagers; ++t) {
      if (used[t] >= placement.slots_per_taskmanager) continue;
      // Fill-first takes the first TaskManager with a free slot; spread-out the least used one
      // (equal slot counts, so the fewest used slots is the smallest share).
      if (tm < 0 || (placement.spread_out && used[t] < used[tm])) tm = t;
      if (!placement.spread_out) break;
    }
    if (tm < 0) break;  // out of slots: the rest stay unplaced
    tm_of_group[g] = tm;
    placement.slots.push_back({tm, used[tm]++, groups[g].slot_sharing_group, groups[g].subtasks});
  }
  std::stable_sort(placement.slots.begin(), placement.slots.end(),
                   [](const SlotAssignment& a, const SlotAssignment& b) {
                     return std::tie(a.taskmanager, a.slot) < std::tie(b.taskmanager, b.slot);
                   });

  placement.taskmanager_of.resize(graph.vertices.size());
  for (std::size_t v = 0; v < graph.vertices.size(); ++v) {
    placement.taskmanager_of[v].assign(graph.vertices[v].parallelism, -1);
    for (int i = 0; i < graph.vertices[v].parallelism; ++i) {
      placement.taskmanager_of[v][i] = tm_of_group[group_of[v][i]];
    }
  }
  placement.subtasks_on.resize(placement.taskmanagers);
  for (const SlotAssignment& slot : placement.slots) {
    auto& on = placement.subtasks_on[slot.taskmanager];
    on.insert(on.end(), slot.subtasks.begin(), slot.subtasks.end());
  }
  return placement;
}

}  // namespace flinksim::model
