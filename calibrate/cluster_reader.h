// The cluster as Flink's REST API describes it (flink-facts f): version, TaskManagers with their
// slots, cores and memory configuration, the effective configuration, and per-TaskManager
// process metrics (Status.JVM.CPU.Time and .Load, for the CPU-contention correction in fit.h).
//
// Endpoints read: /overview (required: it is how a Flink REST API is recognised), /config
// (optional: the web UI config, for flink-revision), /taskmanagers, /jobmanager/config, and
// /taskmanagers/:tmid/metrics?get=… (read_taskmanager_metrics).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "calibrate/rest_source.h"

namespace flinksim::calibrate {

struct TaskManagerInfo {
  std::string id;            // ResourceID: `ip:port-xxxxxx` standalone, pod name on Kubernetes
  int slots = 0;             // slotsNumber
  int free_slots = 0;
  double cpu_cores = 0;      // hardware.cpuCores: the JVM's availableProcessors()
  double resource_cpu_cores = 0;  // totalResource.cpuCores (taskmanager.cpu.cores, else slots)
  std::map<std::string, std::int64_t> memory;  // memoryConfiguration, bytes, Flink's field names
  std::map<std::string, double> metrics;       // Status.* ids → value (NaN when Flink says "NaN")
  // Status.JVM.CPU.Load: the JDK's getProcessCpuLoad(), the process's CPU since the gauge was
  // last read as a share (0..1) of ALL the host's CPUs: not of cpu_cores, and not container-aware,
  // so a saturated 2-core pod on a 16-core node reads at most 0.125. nullopt when absent, NaN or
  // negative (the JDK's "not available").
  std::optional<double> cpu_load() const;
  // Status.JVM.CPU.Time: getProcessCpuTime(), the process's CPU time since the JVM started, ns.
  // Its rate between two samples is the cores the TaskManager used (calibrate/cpu_time_rate.h).
  // nullopt when absent, NaN or negative (−1: not supported by the JVM).
  std::optional<double> cpu_time_ns() const;
};

struct ClusterInfo {
  std::string flink_version;   // "1.18.1"
  std::string flink_revision;  // "<commit> @ <date>", when /config answered
  int slots_total = 0;
  int slots_available = 0;
  int jobs_running = 0;
  std::vector<TaskManagerInfo> taskmanagers;
  std::vector<std::pair<std::string, std::string>> config;  // /jobmanager/config, in its order
  std::vector<std::string> warnings;

  std::optional<std::string> config_value(const std::string& key) const;
  const TaskManagerInfo* taskmanager(const std::string& id) const;
};

// The TaskManager metrics calibration asks for.
inline const std::vector<std::string> kTaskManagerMetricIds = {
    "Status.JVM.CPU.Load", "Status.JVM.CPU.Time", "Status.JVM.Memory.Heap.Used",
    "Status.JVM.Memory.Heap.Max", "Status.Flink.Memory.Managed.Used",
    "Status.Flink.Memory.Managed.Total"};
// What was asked before Status.JVM.CPU.Time: snapshot folders recorded then hold the answer under
// this query, so a snapshot that lacks the current one is asked this (a live cluster never is:
// Flink leaves unknown ids out rather than failing).
inline const std::vector<std::string> kTaskManagerMetricIdsWithoutCpuTime = {
    "Status.JVM.CPU.Load", "Status.JVM.Memory.Heap.Used", "Status.JVM.Memory.Heap.Max",
    "Status.Flink.Memory.Managed.Used", "Status.Flink.Memory.Managed.Total"};

// Throws RemoteError: NotFlink when /overview is JSON without Flink's fields, VersionMismatch
// when TaskManager entries lack theirs, and whatever the source reports for required endpoints.
ClusterInfo read_cluster(RestSource& source);

// Fills each TaskManager's `metrics`; a TaskManager whose metrics are missing (not measured yet,
// or the answer failed) gets a warning, not an error: fitting then skips its contention check.
// A snapshot without an answer to kTaskManagerMetricIds is asked
// kTaskManagerMetricIdsWithoutCpuTime.
void read_taskmanager_metrics(RestSource& source, ClusterInfo& cluster);

// Flink 1.16 up to 2.x has the REST shapes read here; other versions are read with a warning.
bool supported_flink_version(const std::string& version);

}  // namespace flinksim::calibrate
