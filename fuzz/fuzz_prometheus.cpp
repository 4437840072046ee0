// libFuzzer target: the Prometheus text-format reader and Flink's reporter-name mapping
// (calibrate/prometheus_text.h) on arbitrary text.
#include <cstddef>
#include <cstdint>
#include <string>

#include "calibrate/prometheus_text.h"
#include "calibrate/remote_error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto scrape = flinksim::calibrate::parse_prometheus_text(text);
    const auto metrics = flinksim::calibrate::flink_metrics_from_scrape(scrape);
    (void)flinksim::calibrate::job_from_prometheus(metrics);
  } catch (const flinksim::calibrate::RemoteError&) {
  }
  return 0;
}
