// The cores a TaskManager used, from the rate of Status.JVM.CPU.Time between samples.
//
// Status.JVM.CPU.Time is the JDK's getProcessCpuTime(): the CPU time of the whole JVM process
// (task threads, GC, network, timers) since it started, in ns. Its rate, ΔCPU time ÷ Δwall, is
// the cores the process used, whatever else runs on the machine. Status.JVM.CPU.Load cannot say
// that on Kubernetes: getProcessCpuLoad() is a share of ALL the host's CPUs (the node's, not the
// pod's: it is not container-aware), so a saturated 2-core pod on a 16-core node reads 0.125.
//
// Timing: the wall clock of a sample is the JobManager's (`now` of GET /jobs/:jid). Flink's REST
// API answers metrics from a cache that a request refreshes, in the background, when it is older
// than metrics.fetcher.update-interval (10 s by default): a sample shows what the previous refresh
// measured. Samples taken regularly are all late by about one refresh, which cancels in the
// difference. Samples closer together than the refresh see the same value twice: a repeated CPU
// time is no new measurement (a running JVM always uses some CPU), the value is timed where it
// first appeared, so rates stay right at any interval. A smaller CPU time is a restarted
// TaskManager (its count starts over): no rate across it. The first sample's value may be from any
// earlier refresh (whenever the REST metrics were last read); a rate above the TaskManager's cores
// (kMaxShareOfCores) is impossible and so taken for such a stale value, not a measurement.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace flinksim::calibrate {

// One TaskManager in one sample.
struct CpuTimeReading {
  std::optional<std::int64_t> time_ms;  // the sample's clock (epoch ms)
  std::optional<double> cpu_time_ns;    // Status.JVM.CPU.Time
};

// Cores used between readings `from` and `to` (ΔCPU time ÷ Δtime), or nullopt when either lacks
// a value, time did not advance, or the CPU time did not grow (see above).
std::optional<double> cores_used_between(const CpuTimeReading& from, const CpuTimeReading& to);

// A rate above this share of a TaskManager's cores is no measurement (CPU limits hold the process
// to its cores; 10% for the jitter of when the cache refreshed).
inline constexpr double kMaxShareOfCores = 1.1;

// Cores used around reading `i` of a series (in time order), from the readings that measured
// something (both values, a CPU time other than the previous one's): over the interval that ends
// where the value reading `i` shows first appeared, else over the one that starts there. `cores`:
// the TaskManager's (a rate above kMaxShareOfCores × cores is refused; 0: no bound). nullopt when
// reading `i` lacks a value or neither interval measures anything, e.g. with a single sample.
std::optional<double> cores_used_around(const std::vector<CpuTimeReading>& series, std::size_t i,
                                        double cores);

}  // namespace flinksim::calibrate
