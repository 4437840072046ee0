#include "calibrate/cpu_time_rate.h"

#include <algorithm>

namespace flinksim::calibrate {
namespace {

// The readings that measured something, by index: both values, and a CPU time other than the
// previous such reading's (a repeat is the JobManager's cache answering again).
std::vector<std::size_t> measurements(const std::vector<CpuTimeReading>& series) {
  std::vector<std::size_t> out;
  std::optional<double> last;
  for (std::size_t i = 0; i < series.size(); ++i) {
    const CpuTimeReading& r = series[i];
    if (!r.time_ms || !r.cpu_time_ns || (last && *r.cpu_time_ns == *last)) continue;
    last = r.cpu_time_ns;
    out.push_back(i);
  }
  return out;
}

}  // namespace

std::optional<double> cores_used_between(const CpuTimeReading& from, const CpuTimeReading& to) {
  if (!from.time_ms || !to.time_ms || !from.cpu_time_ns || !to.cpu_time_ns) return std::nullopt;
  const std::int64_t wall_ms = *to.time_ms - *from.time_ms;
  const double cpu_ns = *to.cpu_time_ns - *from.cpu_time_ns;
  if (wall_ms <= 0 || cpu_ns <= 0) return std::nullopt;
  return cpu_ns / (static_cast<double>(wall_ms) * 1e6);
}

std::optional<double> cores_used_around(const std::vector<CpuTimeReading>& series, std::size_t i,
                                        double cores) {
  if (i >= series.size() || !series[i].time_ms || !series[i].cpu_time_ns) return std::nullopt;
  const std::vector<std::size_t> kept = measurements(series);
  // The measurement whose value reading i shows: the last one at or before it.
  const auto after = std::upper_bound(kept.begin(), kept.end(), i);
  if (after == kept.begin()) return std::nullopt;
  const std::size_t at = static_cast<std::size_t>(after - kept.begin()) - 1;
  auto rate = [&](std::size_t from, std::size_t to) -> std::optional<double> {
    auto used = cores_used_between(series[kept[from]], series[kept[to]]);
    if (used && cores > 0 && *used > kMaxShareOfCores * cores) return std::nullopt;
    return used;
  };
  if (at > 0)
    if (auto used = rate(at - 1, at)) return used;
  if (at + 1 < kept.size()) return rate(at, at + 1);
  return std::nullopt;
}

}  // namespace flinksim::calibrate
