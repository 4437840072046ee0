// libFuzzer target: the REST readers (calibrate/cluster_reader.h, job_reader.h) when every
// endpoint answers the fuzzer's bytes — a proxy, a wrong version or a broken JobManager. Must end
// in RemoteError (exit 3), never a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "calibrate/cluster_reader.h"
#include "calibrate/job_reader.h"
#include "calibrate/remote_error.h"
#include "calibrate/rest_source.h"

namespace {
class Echo : public flinksim::calibrate::RestSource {
 public:
  explicit Echo(std::string body) : body_(std::move(body)) {}
  flinksim::calibrate::RestResult get(const std::string&) override { return {body_, std::nullopt}; }
  std::string describe() const override { return "fuzz"; }

 private:
  std::string body_;
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Echo source(std::string(reinterpret_cast<const char*>(data), size));
  try {
    auto cluster = flinksim::calibrate::read_cluster(source);
    flinksim::calibrate::read_taskmanager_metrics(source, cluster);
  } catch (const flinksim::calibrate::RemoteError&) {
  }
  try {
    (void)flinksim::calibrate::read_job(source, "00000000000000000000000000000000");
  } catch (const flinksim::calibrate::RemoteError&) {
  }
  return 0;
}
