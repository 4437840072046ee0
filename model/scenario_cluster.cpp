// [cluster], [storage] and [network]: the pods the job runs on, where its checkpoints go, and the
// network between its TaskManagers.
#include "model/scenario_sections.h"

namespace flinksim::model::scenario_reading {

void read_cluster(Reader& r, const toml::table& t, ClusterSpec& c) {
  r.check_keys(t, {"taskmanagers", "cpu_per_taskmanager", "pod_start"}, "cluster");
  assign_cast(c.taskmanagers, r.integer(t, "taskmanagers", "cluster", 1, 100'000));
  assign(c.cpu_per_taskmanager, r.number(t, "cpu_per_taskmanager", "cluster", 0.0, true));
  assign(c.pod_start, r.duration(t, "pod_start", "cluster"));
}

void read_storage(Reader& r, const toml::table& t, StorageSpec& s) {
  r.check_keys(t, {"write_bandwidth", "read_bandwidth", "state_disk"}, "storage");
  assign(s.write_bandwidth, r.bandwidth(t, "write_bandwidth", "storage"));
  assign(s.read_bandwidth, r.bandwidth(t, "read_bandwidth", "storage"));
  if (auto disk = r.word<std::string_view>(t, "state_disk", "storage",
                                           {{"local", "local"}, {"network", "network"}})) {
    s.state_disk = std::string(*disk);
  }
}

void read_network(Reader& r, const toml::table& t, NetworkSpec& n) {
  r.check_keys(t, {"bandwidth_per_taskmanager", "hop_latency"}, "network");
  assign(n.bandwidth_per_taskmanager, r.bandwidth(t, "bandwidth_per_taskmanager", "network"));
  assign(n.hop_latency, r.duration(t, "hop_latency", "network"));
}

}  // namespace flinksim::model::scenario_reading
