// A MetricsSink that keeps only the job's throughput, one value per metrics interval: what the
// tests of a traffic step read, at either granularity.
#pragma once

#include <vector>

#include "sim/engine.h"

namespace flinksim::testing {

struct ThroughputSink : sim::MetricsSink {
  std::vector<double> per_second;
  void on_subtask(model::Nanos, const sim::SubtaskSample&) override {}
  void on_taskmanager(model::Nanos, int, const sim::TaskManagerSample&) override {}
  void on_job(model::Nanos, const sim::JobSample& s) override { per_second.push_back(s.throughput); }
};

}  // namespace flinksim::testing
