#include "job_builder.h"

#include <string>

namespace flinksim::testing {

sim::RunResult simulate_job(const TestJob& job, model::Nanos horizon, model::Nanos warmup) {
  sim::RunOptions options;
  options.horizon = horizon;
  options.warmup = warmup;
  return sim::simulate(job.scenario, job.graph, job.placement, job.params, options);
}

StageSpec stage(int parallelism, model::Nanos cost, model::Partition partition, std::vector<int> taskmanager) {
  StageSpec s;
  s.parallelism = parallelism;
  s.cost = cost;
  s.partition = partition;
  s.taskmanager = std::move(taskmanager);
  return s;
}

TestJob line_job(const std::vector<StageSpec>& stages, double rate, int taskmanagers,
                 double cores_per_taskmanager, std::uint64_t seed) {
  TestJob job;
  auto& sc = job.scenario;
  sc.seed = seed;
  sc.cluster.taskmanagers = taskmanagers;
  sc.cluster.cpu_per_taskmanager = cores_per_taskmanager;
  sc.traffic.shape = model::TrafficShape::Constant;
  sc.traffic.peak = rate;
  sc.traffic.duration = 10 * model::kSecond;
  job.placement.taskmanagers = taskmanagers;
  job.placement.subtasks_on.resize(taskmanagers);
  for (std::size_t i = 0; i < stages.size(); ++i) {
    const auto& st = stages[i];
    model::OperatorSpec op;
    op.name = "op" + std::to_string(i);
    op.kind = i == 0 ? model::OperatorKind::Source
                     : (i + 1 == stages.size() ? model::OperatorKind::Sink : st.kind);
    op.parallelism = st.parallelism;
    op.cpu_per_record = st.cost;
    op.cpu_distribution = st.distribution;
    op.selectivity = st.selectivity;
    op.record_size = 100;
    sc.operators.push_back(op);

    model::JobVertex v;
    v.name = op.name;
    v.operators.push_back({static_cast<int>(i), 1.0});
    v.parallelism = st.parallelism;
    v.is_source = i == 0;
    v.is_sink = i + 1 == stages.size();
    job.graph.vertices.push_back(v);
    job.graph.vertex_of_operator.push_back(static_cast<int>(i));
    if (i > 0) {
      model::JobEdge e;
      e.source = static_cast<int>(i) - 1;
      e.target = static_cast<int>(i);
      e.partition = st.partition;
      e.from_operator = static_cast<int>(i) - 1;
      e.to_operator = static_cast<int>(i);
      job.graph.edges.push_back(e);
      const int ei = static_cast<int>(job.graph.edges.size()) - 1;
      job.graph.vertices[i - 1].outputs.push_back(ei);
      job.graph.vertices[i].inputs.push_back(ei);
    }
    std::vector<int> where(st.parallelism, 0);
    for (int s = 0; s < st.parallelism; ++s) {
      if (s < static_cast<int>(st.taskmanager.size())) where[s] = st.taskmanager[s];
      job.placement.subtasks_on[where[s]].push_back({static_cast<int>(i), s});
    }
    job.placement.taskmanager_of.push_back(where);
  }
  return job;
}

TestJob catch_up_job(double rate) {
  auto job = line_job({stage(1, 0, model::Partition::Forward, {0}),
                       stage(1, 100 * model::kMicrosecond, model::Partition::Forward, {1}),
                       stage(1, 0, model::Partition::Forward, {1})},
                      rate, 2, 2);
  job.scenario.traffic.arrival = model::Arrival::Uniform;
  job.scenario.simulation.metrics_interval = 50 * model::kMillisecond;  // catch-up is read off the samples
  auto& flink = job.scenario.flink;
  flink.set("taskmanager.numberOfTaskSlots", "4");
  flink.set("execution.checkpointing.interval", "5s");
  flink.set("heartbeat.timeout", "5s");
  flink.set("restart-strategy.type", "fixed-delay");
  flink.set("restart-strategy.fixed-delay.delay", "1s");
  model::FailureSpec failure;
  failure.at = 20 * model::kSecond;
  failure.taskmanager = 1;
  job.scenario.failures.push_back(failure);
  return job;
}

}  // namespace flinksim::testing
