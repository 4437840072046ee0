// Latency estimate of the fluid level (fluid_latency.h).
#include "sim/fluid_latency.h"

#include <algorithm>

namespace flinksim::sim::fluid {
namespace {

// Mean wait of a record for its buffer's flush, and how many records a flushed buffer holds.
void buffering(const EngineParams& p, const Flow& f, double inflow, double& wait, double& records) {
  if (p.buffer_timeout == 0 || inflow <= 0) {
    wait = 0;
    records = 1;
    return;
  }
  const double fill = f.records_per_buffer / inflow;  // seconds to fill a buffer by size
  const double timeout = static_cast<double>(p.buffer_timeout) * 1e-9;
  const double flush = p.buffer_timeout < 0 ? fill : std::min(fill, timeout);
  wait = flush / 2;
  records = records_per_flush(f, p, inflow);
}

}  // namespace

void estimate_latency(const Network& net, const Rates& r, const std::vector<double>& arrival,
                      const std::vector<double>& backlog,
                      const std::vector<double>& level, std::vector<double>& delay,
                      std::vector<double>& batching) {
  const double hop = static_cast<double>(net.params.hop_latency) * 1e-9;
  for (std::size_t i = 0; i < net.threads.size(); ++i) {
    const Thread& t = net.threads[i];
    const double service = r.speed[i] > 0 ? t.cost / r.speed[i] : 0;
    if (t.source) {
      const double fed = std::max(arrival[i], r.take[i]);
      const double queued = backlog[i] > 0 && r.take[i] > 0 ? backlog[i] / fed : 0;
      delay[i] = queued + service;
      batching[i] = 0;
      continue;
    }
    double weight = 0, sum = 0, batch = 0;
    for (int k = 0; k < t.ins; ++k) {
      const int q = net.in_flows[t.first_in + k];
      const Flow& f = net.flows[q];
      const double w = r.drain[q];
      if (w <= 0) continue;
      double wait = 0, records = 1;
      buffering(net.params, f, r.inflow[q], wait, records);
      const double queued = std::max(0.0, level[q]) / std::max(w, r.inflow[q]);
      const double ahead = (records - 1) / 2 * service;
      sum += w * (delay[f.from] + queued + wait + ahead + (f.remote ? hop : 0));
      batch += w * (batching[f.from] + wait);
      weight += w;
    }
    delay[i] = (weight > 0 ? sum / weight : 0) + service;
    batching[i] = weight > 0 ? batch / weight : 0;
  }
}

}  // namespace flinksim::sim::fluid
