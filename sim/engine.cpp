// The engine loop: pops events in (time, seq) order, dispatches by kind to the entity's handler,
// then lets every woken subtask advance. At the end it checks that no record was lost or made up.
#include <algorithm>
#include <chrono>
#include <sstream>

#include "model/diagnostics.h"
#include "sim/world.h"

namespace flinksim::sim {
namespace detail {

Engine::Engine(const model::Scenario& scenario, const model::JobGraph& graph,
               const model::Placement& placement, const EngineParams& params, const RunOptions& options)
    : scenario_(scenario),
      graph_(graph),
      placement_(placement),
      params_(params),
      options_(options),
      restart_(scenario) {
  start_ = std::max<Nanos>(options.start, 0);
  horizon_ = options.horizon > 0 ? options.horizon : std::max<Nanos>(scenario.traffic.duration - start_, 0);
  warmup_ = options.warmup >= 0 ? options.warmup : scenario.simulation.warmup.value_or(0);
  interval_ = options.metrics_interval > 0 ? options.metrics_interval : scenario.simulation.metrics_interval;
  if (interval_ <= 0) interval_ = model::kSecond;
  if (params_.max_buffers_per_channel < 1) params_.max_buffers_per_channel = 1;
  checkpoint_ = model::resolve_checkpoint_settings(scenario.flink);
  // Coordinator slots: max-concurrent-checkpoints; unaligned checkpoints need it at 1 (Flink).
  slots_ = !checkpoint_.enabled ? 0
           : checkpoint_.unaligned ? 1
                                   : static_cast<int>(std::clamp<std::int64_t>(checkpoint_.max_concurrent, 1, 64));
  checkpoint_rng_ = Rng(scenario.seed, Stream::kCheckpoint, 0);
}

RunResult Engine::run() {
  const auto wall_start = std::chrono::steady_clock::now();
  build();
  for (int v = 0; v < static_cast<int>(vertices_.size()); ++v) {
    if (!vertices_[v].is_source) continue;
    for (int i = 0; i < vertices_[v].parallelism; ++i) wake(vertices_[v].first_subtask + i);
  }
  if (interval_ <= horizon_) schedule(interval_, kMetricsTick, 0);
  schedule_failures();
  start_checkpoint_scheduler();
  drain_work_list();

  for (;;) {
    const EventQueue::Due due = events_.due(horizon_);
    if (due == EventQueue::Due::kTimer) {  // a TaskManager's CPU completion: no dispatch
      now_ = events_.timer_time();
      ++event_count_;
      const int done = cpu_done(static_cast<int>(events_.due_timer()));  // re-arms or disarms it
      // The thread that finished goes on at once: woken, it would be the work list's first entry
      // (the list is empty between events), so advancing it before the list is the same order,
      // without its trip through the list.
      advance(done);
      drain_work_list();
      continue;
    }
    if (due == EventQueue::Due::kNone) break;
    const Event e = events_.pop_heap();
    now_ = e.time;
    ++event_count_;
    switch (e.kind) {
      case kSourceArrival: source_arrival(static_cast<int>(e.target)); break;
      // kCpuDone: a timer, never in the heap (above).
      case kChannelArrival: channel_arrival(static_cast<int>(e.target)); break;
      case kFlushTick: flush_tick(static_cast<int>(e.target)); break;
      case kMetricsTick: metrics_tick(); break;
      case kCreditArrival: credit_arrival(static_cast<int>(e.target)); break;
      case kCheckpointTrigger: checkpoint_trigger(e.generation); break;
      case kCheckpointExpire: checkpoint_expire(static_cast<int>(e.target), e.generation); break;
      case kAlignedTimeout: aligned_timeout(static_cast<int>(e.target), e.generation); break;
      case kPriorityBarrier: priority_barrier(static_cast<int>(e.target)); break;
      case kUploadDone: upload_done(e.generation); break;
      case kFailure: failure(static_cast<int>(e.target)); break;
      case kRestart: restart(static_cast<int>(e.target)); break;
    }
    drain_work_list();
  }
  now_ = horizon_;
  if (last_sample_ < horizon_) metrics_sample(horizon_ - last_sample_);  // the last partial interval

  RecordLedger ledger;
  const std::string error = check_conservation(ledger);
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  RunResult result = summarize(wall);
  result.records = ledger;
  result.conserved = error.empty();
  result.conservation_error = error;
  return result;
}

void Engine::drain_work_list() {
  for (std::size_t i = 0; i < work_list_.size(); ++i) advance(work_list_[i]);
  work_list_.clear();
}

// Balances every backlog, subtask and channel, then the whole job:
// in + reread + created = out + duplicated + dropped + in flight + discarded. Returns "" or what
// did not balance.
std::string Engine::check_conservation(RecordLedger& ledger) {
  std::ostringstream why;
  count_arrivals(horizon_);
  std::vector<std::int64_t> unread(channels_.size(), 0);
  for (std::size_t ci = 0; ci < channels_.size(); ++ci) {
    const ChannelState& c = channels_[ci];
    std::int64_t held = c.filling.records;
    for (auto k = c.head; k < c.tail; ++k) held += c.ring[k & c.mask].records;
    const SubtaskState& consumer = subtasks_[c.consumer];
    if (consumer.data_size > 0 && consumer.data_ring[consumer.data_head] == static_cast<int>(ci))
      held -= consumer.read_pos;
    unread[ci] = held;
    if (c.written + c.replayed != c.read + held + c.discarded)
      why << "channel " << ci << ": written " << c.written << " + replayed " << c.replayed << " != read " << c.read
          << " + held " << held << " + discarded " << c.discarded << "; ";
    ledger.in_flight += held;
    ledger.reread += c.replayed;
    ledger.discarded += c.discarded;
  }
  for (std::size_t i = 0; i < subtasks_.size(); ++i) {
    const SubtaskState& s = subtasks_[i];
    std::int64_t in_hand = s.pending_leave - (s.broadcast_next > 0 ? 1 : 0);
    for (auto p : s.pending) in_hand += p;
    if (s.taken + s.created - s.dropped != s.emitted + s.left + in_hand + s.discarded)
      why << "subtask " << i << ": taken " << s.taken << " + created " << s.created << " - dropped "
          << s.dropped << " != emitted " << s.emitted << " + left " << s.left << " + in hand " << in_hand
          << " + discarded " << s.discarded << "; ";
    ledger.in_flight += in_hand;
    ledger.created += s.created;
    ledger.dropped += s.dropped;
    ledger.out += s.left - s.rolled_back;
    ledger.duplicated += s.rolled_back;
    ledger.discarded += s.discarded;
    if (vertices_[s.vertex].is_source) {
      const SourceState& src = sources_[i];
      if (src.taken + src.rewound != s.taken)
        why << "source " << i << ": backlog handed out " << src.taken << " + rewound " << src.rewound << " != taken "
            << s.taken << "; ";
      if (src.taken > src.arrived) why << "source " << i << ": took " << src.taken << " of " << src.arrived << " arrived; ";
      ledger.in += src.arrived;
      ledger.reread += src.rewound;
      ledger.in_flight += src.arrived - src.taken;
    }
  }
  std::int64_t written = 0;
  for (const auto& c : channels_) written += c.written;
  std::int64_t emitted = 0;
  for (const auto& s : subtasks_) emitted += s.emitted;
  if (written != emitted) why << "records written to channels " << written << " != emitted " << emitted << "; ";
  if (ledger.in + ledger.reread + ledger.created !=
      ledger.out + ledger.duplicated + ledger.dropped + ledger.in_flight + ledger.discarded)
    why << "job: in " << ledger.in << " + reread " << ledger.reread << " + created " << ledger.created << " != out "
        << ledger.out << " + duplicated " << ledger.duplicated << " + dropped " << ledger.dropped << " + in flight "
        << ledger.in_flight << " + discarded " << ledger.discarded << "; ";
  return why.str();
}

}  // namespace detail

RunResult simulate(const model::Scenario& scenario, const model::JobGraph& graph,
                   const model::Placement& placement, const EngineParams& params,
                   const RunOptions& options) {
  if (!placement.fits) {
    model::InputError error;
    error.pos.file = scenario.path;
    error.field = "cluster";
    error.message = "the job needs " + std::to_string(placement.slots_required) +
                    " slots but the cluster has fewer; nothing to simulate";
    throw model::InputFailure({error});
  }
  detail::Engine engine(scenario, graph, placement, params, options);
  return engine.run();
}

}  // namespace flinksim::sim
