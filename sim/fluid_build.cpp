// Set-up of the fluid level: a placed JobGraph to threads and flows (fluid_network.h). Source
// shares and record sizes come from the steady-state model, key shares from key_distribution, so
// the fluid level routes exactly as the analytic model and the buffer level do.
#include <algorithm>
#include <cassert>
#include <cmath>

#include "model/key_distribution.h"
#include "model/network_buffers.h"
#include "model/steady_state.h"
#include "sim/fluid_network.h"

namespace flinksim::sim::fluid {
namespace {

// Per record entering the chain: cost, records leaving, emitted per operator, ledger terms.
struct ChainFactors {
  std::vector<double> emitted;  // m_k per chain position
  double cost = 0, leave = 0, created = 0, dropped = 0;
  double cost_variance = 0;  // of the CPU seconds per record taken
};

ChainFactors chain_factors(const model::Scenario& sc, const model::JobGraph& g, int v) {
  const auto& jv = g.vertices[v];
  const int nops = static_cast<int>(jv.operators.size());
  std::vector<double> reach(nops, 0.0);
  std::vector<int> consumers(nops, 0);
  ChainFactors f;
  f.emitted.assign(nops, 0.0);
  for (int k = 0; k < nops; ++k) {
    // As the buffer level: only the head has no parent; a chain built without parents is a line.
    const int parent = k == 0 ? -1 : (jv.operators[k].parent >= 0 ? jv.operators[k].parent : k - 1);
    if (parent >= 0) ++consumers[parent];
    const auto& spec = sc.operators[jv.operators[k].op];
    reach[k] = parent < 0 ? 1.0 : f.emitted[parent];
    f.emitted[k] = reach[k] * spec.selectivity;
    const double mean = static_cast<double>(spec.cpu_per_record) * 1e-9;
    f.cost += reach[k] * mean;
    // The records one takes cost independently: variances add, reach[k] of them at operator k.
    const double cv = spec.cpu_distribution == model::CostDistribution::Exponential ? 1.0
                      : spec.cpu_distribution == model::CostDistribution::Lognormal   ? spec.cpu_cv
                                                                                       : 0.0;
    f.cost_variance += reach[k] * (cv * mean) * (cv * mean);
    f.created += std::max(0.0, f.emitted[k] - reach[k]);
    f.dropped += std::max(0.0, reach[k] - f.emitted[k]);
  }
  for (int e : jv.outputs)
    for (int k = 0; k < nops; ++k)
      if (jv.operators[k].op == g.edges[e].from_operator) ++consumers[k];
  for (int k = 0; k < nops; ++k) {
    if (consumers[k] == 0) {
      f.leave += f.emitted[k];
      consumers[k] = 1;
    }
    f.created += f.emitted[k] * (consumers[k] - 1);
  }
  return f;
}

int emitting_position(const model::JobVertex& jv, int op) {
  int pos = static_cast<int>(jv.operators.size()) - 1;
  for (int k = 0; k < static_cast<int>(jv.operators.size()); ++k)
    if (jv.operators[k].op == op) pos = k;
  return pos;
}

// Share of an upstream subtask's records on `edge` that go to downstream subtask d.
double channel_share(const model::JobEdge& edge, const model::SubtaskRange& consumers, int d,
                     const std::vector<double>& hash_shares) {
  switch (edge.partition) {
    case model::Partition::Forward:
    case model::Partition::Rescale:
    case model::Partition::Rebalance:
    case model::Partition::Random: return 1.0 / consumers.size();
    case model::Partition::Hash: return hash_shares[d];
    case model::Partition::Broadcast: return 1.0;
    case model::Partition::Global: return d == 0 ? 1.0 : 0.0;
  }
  return 0.0;
}

}  // namespace

double records_per_flush(const Flow& flow, const EngineParams& params, double rate) {
  if (params.buffer_timeout == 0 || rate <= 0) return 1.0;
  if (params.buffer_timeout < 0) return flow.records_per_buffer;
  return std::max(1.0, std::min(flow.records_per_buffer, rate * static_cast<double>(params.buffer_timeout) * 1e-9));
}

double held_records(const Flow& flow) {
  return (flow.buffers - flow.partial) * flow.records_per_buffer;
}

Network build_network(const model::Scenario& sc, const model::JobGraph& g, const model::Placement& placement,
                      const EngineParams& params) {
  assert(placement.fits);
  Network net;
  net.params = params;
  if (net.params.max_buffers_per_channel < 1) net.params.max_buffers_per_channel = 1;
  const int ntm = std::max(placement.taskmanagers, 1);
  net.cores.assign(ntm, sc.cluster.cpu_per_taskmanager);
  net.threads_on.assign(ntm, {});
  const auto steady = model::compute_steady_state(sc, g, placement, 1.0);  // per unit source rate

  const int nv = static_cast<int>(g.vertices.size());
  std::vector<ChainFactors> factors;
  for (int v = 0; v < nv; ++v) {
    factors.push_back(chain_factors(sc, g, v));
    net.first_thread.push_back(static_cast<int>(net.threads.size()));
    const auto& jv = g.vertices[v];
    for (int i = 0; i < jv.parallelism; ++i) {
      Thread t;
      t.vertex = v;
      t.index = i;
      t.taskmanager = placement.taskmanager_of[v][i];
      assert(t.taskmanager >= 0 && t.taskmanager < ntm);
      t.source = jv.is_source;
      t.cost = factors[v].cost;
      t.cost_cv2 = t.cost > 0 ? factors[v].cost_variance / (t.cost * t.cost) : 0.0;
      t.leave = factors[v].leave;
      t.created = factors[v].created;
      t.dropped = factors[v].dropped;
      if (t.source) t.arrival_share = steady.vertices[v].subtask_records_in[i];
      for (int e : jv.outputs) t.emit += factors[v].emitted[emitting_position(jv, g.edges[e].from_operator)];
      net.threads_on[t.taskmanager].push_back(static_cast<int>(net.threads.size()));
      net.threads.push_back(t);
    }
  }

  // Flows, producer by producer (so out_flows is the flow order itself).
  std::vector<std::vector<double>> hash(g.edges.size());
  for (std::size_t e = 0; e < g.edges.size(); ++e) {
    const auto& edge = g.edges[e];
    if (edge.partition != model::Partition::Hash) continue;
    const auto& target = g.vertices[edge.target];
    const auto& op = sc.operators[edge.to_operator];
    const std::int64_t keys = op.key_count ? *op.key_count : (op.state ? op.state->keys : 0);
    hash[e] = model::subtask_shares(keys, op.key_skew, target.max_parallelism, target.parallelism, sc.seed);
  }
  const auto& p = net.params;
  for (int u = 0; u < static_cast<int>(net.threads.size()); ++u) {
    Thread& t = net.threads[u];
    const auto& jv = g.vertices[t.vertex];
    t.first_out = static_cast<int>(net.flows.size());
    for (int e : jv.outputs) {
      const auto& edge = g.edges[e];
      const auto consumers = model::subpartitions_of(g, edge, t.index);
      const double m = factors[t.vertex].emitted[emitting_position(jv, edge.from_operator)];
      const double size = steady.operators[edge.from_operator].buffered_record_size();
      const double size_cv = steady.operators[edge.from_operator].record_size_cv;
      const double rpb = std::max(1.0, std::floor(static_cast<double>(p.segment_size) / size));
      const int pool_max = consumers.size() * p.buffers_per_channel + p.floating_buffers_per_gate;
      // Flink's BroadcastPartitioner serializes each record into every subpartition: the copies
      // beyond the first are created, as at buffer level (subtask.cpp).
      if (edge.partition == model::Partition::Broadcast)
        t.created += m * static_cast<double>(std::max(0, consumers.size() - 1));
      for (int d = consumers.first; d < consumers.end; ++d) {
        const double gain = m * channel_share(edge, consumers, d, hash[e]);
        if (gain <= 0) continue;
        Flow f;
        f.from = u;
        f.to = net.first_thread[edge.target] + d;
        f.edge = e;
        f.gain = gain;
        f.records_per_buffer = rpb;
        f.remote = !model::is_local_channel(placement, edge, t.index, d);
        f.dealt = edge.partition == model::Partition::Rebalance || edge.partition == model::Partition::Rescale ||
                  edge.partition == model::Partition::Broadcast;
        if (edge.partition == model::Partition::Rebalance ||
            edge.partition == model::Partition::Rescale)
          f.turns = static_cast<int>(consumers.size());
        f.ends_apart = !f.dealt || (edge.partition != model::Partition::Broadcast && size_cv > 0);
        f.size_cv = size_cv;
        // The partition's pool is shared by its subpartitions: under backpressure each holds an
        // even part of it, at most max_buffers_per_channel.
        double buffers = std::min(static_cast<double>(p.max_buffers_per_channel),
                                  static_cast<double>(pool_max) / consumers.size());
        const int gate_channels = std::max(model::channels_of(g, edge, d).size(), 1);
        if (f.remote)
          buffers += p.buffers_per_channel + static_cast<double>(p.floating_buffers_per_gate) / gate_channels;
        f.buffers = buffers;
        // Not every buffer of the bound is full: the sender fills one (half full on average) and
        // the consumer reads one buffer at a time from its gate (half read on average), a
        // 1 ÷ gate_channels share of that one for this channel (a zero timeout too: its flush
        // per record leaves a blocked channel's buffer open like any flush). Never more than
        // half the bound.
        f.partial = std::min(buffers / 2, 0.5 + 0.5 / gate_channels);
        f.capacity = held_records(f);
        net.flows.push_back(f);
      }
    }
    t.outs = static_cast<int>(net.flows.size()) - t.first_out;
  }
  net.out_flows.resize(net.flows.size());
  for (std::size_t q = 0; q < net.flows.size(); ++q) net.out_flows[q] = static_cast<int>(q);
  // in_flows: counting sort by consumer, stable in flow order.
  std::vector<int> count(net.threads.size() + 1, 0);
  for (const auto& f : net.flows) ++count[f.to + 1];
  for (std::size_t i = 1; i < count.size(); ++i) count[i] += count[i - 1];
  for (std::size_t i = 0; i < net.threads.size(); ++i) {
    net.threads[i].first_in = count[i];
    net.threads[i].ins = count[i + 1] - count[i];
  }
  net.in_flows.resize(net.flows.size());
  for (std::size_t q = 0; q < net.flows.size(); ++q) net.in_flows[count[net.flows[q].to]++] = static_cast<int>(q);
  return net;
}

}  // namespace flinksim::sim::fluid
