// The fluid run (fluid_engine.h): advance from event to event, integrate levels and metrics over
// each stretch of constant rates, sample the time series at metrics intervals.
#include "sim/fluid_engine.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>

#include "model/traffic.h"
#include "sim/checkpoint_summary.h"
#include "sim/fluid_latency.h"
#include "sim/fluid_network.h"
#include "sim/fluid_rates.h"
#include "sim/fluid_run.h"
#include "sim/state_usage.h"

namespace flinksim::sim::fluid {
namespace {

// Checkpoints closer than this make hash and random channels' segment ends, which every barrier
// ends together, in step often enough to matter (kRoutedEnds; 3% at 10 s, sim/README.md).
constexpr Nanos kRoutedRelock = 10 * model::kSecond;

}  // namespace

FluidRun::FluidRun(const model::Scenario& sc, const model::JobGraph& g, const model::Placement& pl,
                   const EngineParams& params, const RunOptions& options)
    : sc_(sc), g_(g), net_(build_network(sc, g, pl, params)), solver_(net_), options_(options), restart_(sc) {
  start_ = std::max<Nanos>(options.start, 0);
  horizon_ =
      options.horizon > 0 ? options.horizon : std::max<Nanos>(sc.traffic.duration - start_, 0);
  warmup_ = options.warmup >= 0 ? options.warmup : sc.simulation.warmup.value_or(0);
  interval_ = options.metrics_interval > 0 ? options.metrics_interval : sc.simulation.metrics_interval;
  if (interval_ <= 0) interval_ = model::kSecond;
  const std::size_t nt = net_.threads.size(), nf = net_.flows.size();
  backlog_.assign(nt, 0.0);
  level_.assign(nf, 0.0);
  slack_.assign(nf, 0.0);
  delay_.assign(nt, 0.0);
  batching_.assign(nt, 0.0);
  backlog_ahead_.assign(nt, 0.0);
  level_ahead_.assign(nf, 0.0);
  delay_ahead_.assign(nt, 0.0);
  batching_ahead_.assign(nt, 0.0);
  sample_.assign(nt, {});
  total_.assign(nt, {});
  measured_s_.assign(nt, 0.0);
  tm_cpu_.assign(net_.cores.size(), 0.0);
  tm_total_.assign(net_.cores.size(), 0.0);
  c_.arrival.assign(nt, 0.0);
  c_.backlog_empty.assign(nt, 1);
  c_.flow_empty.assign(nf, 1);
  c_.flow_full.assign(nf, 0);
  failure_done_.assign(sc.failures.size(), 0);
  for (std::size_t i = 0; i < sc.failures.size(); ++i)  // outside the run: never happens
    failure_done_[i] = failure_at(i) < 0 || failure_at(i) > horizon_;
  stopped_rates_.size_for(net_);
  off_s_.assign(net_.cores.size(), {});
  position_.assign(nt, 0.0);
  processed_.assign(nt, 0.0);
  processed_at_completed_.assign(nt, 0.0);
  snapshot_at_.assign(nt, 0.0);
  build_state(pl);
}

// The state at now_ → what it allows → rates → latency estimate.
void FluidRun::resolve() {
  const double total_rate = model::fluid_rate(sc_.traffic, start_ + now_);
  const double* inflow = r_ ? r_->inflow.data() : nullptr;
  for (std::size_t i = 0; i < net_.threads.size(); ++i) {
    const auto& t = net_.threads[i];
    c_.arrival[i] = t.source ? total_rate * t.arrival_share : 0.0;
    const double rate = r_ ? c_.arrival[i] + r_->take[i] : 0.0;
    c_.backlog_empty[i] = backlog_[i] <= 1e-6 + 2e-9 * rate;
  }
  for (std::size_t q = 0; q < net_.flows.size(); ++q) {
    // Within the distance a nanosecond's rounding of the event time can leave.
    slack_[q] = 1e-6 + 1e-9 * net_.flows[q].capacity + (inflow ? 2e-9 * (inflow[q] + r_->drain[q]) : 0);
    c_.flow_empty[q] = level_[q] <= slack_[q];
  }
  set_full();
  ++events_;
  if (stopped()) {  // nothing runs; sources' backlogs grow by the arrivals
    r_ = &stopped_rates_;
    resolved_at_ = now_;
    arrivals_now_ = 0;
    for (double a : c_.arrival) arrivals_now_ += a;
    leave_now_ = taken_now_ = created_now_ = dropped_now_ = 0;
    latency_now_ = latency_slope_ = latency_worst_slope_ = latency_worst_now_ = latency_spread_now_ = 0;
    return;
  }
  r_ = &solver_.solve(c_);
  passes_ += static_cast<std::uint64_t>(r_->passes);
  fluid::estimate_latency(net_, *r_, c_.arrival, backlog_, level_, delay_, batching_);
  for (std::size_t i = 0; i < net_.threads.size(); ++i)
    backlog_ahead_[i] = std::max(0.0, backlog_[i] + c_.arrival[i] - r_->take[i]);
  for (std::size_t q = 0; q < net_.flows.size(); ++q) level_ahead_[q] = level_[q] + r_->inflow[q] - r_->drain[q];
  fluid::estimate_latency(net_, *r_, c_.arrival, backlog_ahead_, level_ahead_, delay_ahead_, batching_ahead_);
  resolved_at_ = now_;
  arrivals_now_ = leave_now_ = taken_now_ = created_now_ = dropped_now_ = 0;
  double weighted = 0, worst = 0, spread = 0, weighted_slope = 0, worst_slope = 0;
  for (std::size_t i = 0; i < net_.threads.size(); ++i) {
    const auto& t = net_.threads[i];
    const double x = r_->take[i];
    arrivals_now_ += c_.arrival[i];
    if (t.source) taken_now_ += x;
    created_now_ += x * t.created;
    dropped_now_ += x * t.dropped;
    const double left = x * t.leave;
    if (left > 0) {
      leave_now_ += left;
      weighted += left * delay_[i];
      weighted_slope += left * (delay_ahead_[i] - delay_[i]);
      if (delay_[i] + batching_[i] > worst) {
        worst = delay_[i] + batching_[i];
        spread = batching_[i];
        worst_slope = delay_ahead_[i] + batching_ahead_[i] - worst;
      }
    }
  }
  latency_now_ = leave_now_ > 0 ? weighted / leave_now_ : 0;
  latency_slope_ = leave_now_ > 0 ? weighted_slope / leave_now_ : 0;
  latency_worst_slope_ = worst_slope;
  latency_worst_now_ = worst;
  latency_spread_now_ = spread;
}

// Which channels are at their credit bound (Flow::capacity) and block their sender. A channel that
// is not full becomes full only while it fills (at the rates r_ holds, those of the interval that
// just ended): one at its bound that drains because its sender slowed is not blocking it.
void FluidRun::set_full() {
  for (std::size_t q = 0; q < net_.flows.size(); ++q) {
    const bool filling = r_ && r_->inflow[q] > r_->drain[q];
    const bool at_bound = level_[q] >= net_.flows[q].capacity - slack_[q];
    c_.flow_full[q] = at_bound && (c_.flow_full[q] || filling);
  }
}

Nanos FluidRun::next_event() const {
  double dt = kUnbounded;
  for (std::size_t q = 0; q < net_.flows.size(); ++q) {
    const double d = r_->inflow[q] - r_->drain[q];
    if (d > 0 && !c_.flow_full[q]) dt = std::min(dt, std::max(0.0, net_.flows[q].capacity - level_[q]) / d);
    if (d < 0 && !c_.flow_empty[q]) dt = std::min(dt, level_[q] / -d);
  }
  for (std::size_t i = 0; i < net_.threads.size(); ++i) {
    if (!net_.threads[i].source) continue;
    const double d = c_.arrival[i] - r_->take[i];
    if (d < 0 && !c_.backlog_empty[i]) dt = std::min(dt, backlog_[i] / -d);
  }
  Nanos next =
      std::min(model::next_rate_change(sc_.traffic, start_ + now_) - start_, next_milestone());
  if (dt < static_cast<double>(horizon_ - now_) * 1e-9)
    next = std::min(next, now_ + std::max<Nanos>(1, static_cast<Nanos>(std::ceil(dt * 1e9))));
  return std::min(next, horizon_);
}

// Metrics over dt seconds of the current rates (levels move apart, in integrate_levels).
void FluidRun::accumulate(double dt) {
  for (std::size_t i = 0; i < net_.threads.size(); ++i) {
    const auto& t = net_.threads[i];
    auto& a = sample_[i];
    a.busy += r_->busy[i] * dt;
    a.backpressured += r_->backpressured[i] * dt;
    if (!t.source) a.in += r_->take[i] * dt;
    a.out += r_->take[i] * t.emit * dt;
    tm_cpu_[t.taskmanager] += r_->cpu[i] * dt;
  }
  if (r_->locked) {
    // Of the lock of dealt segment ends (Rates::lock_time), what is left over [a, a + dt] seconds
    // after the last start or barrier, integrated: L · (e^(−a ÷ L) − e^(−(a + dt) ÷ L)).
    const double since = static_cast<double>(now_ - locked_at_) * 1e-9;
    for (std::size_t i = 0; i < net_.threads.size(); ++i) {
      const double lock = r_->lock_time[net_.threads[i].taskmanager];
      if (!(lock > 0)) continue;
      const double more = (r_->busy_locked[i] - r_->busy[i]) * lock *
                          (std::exp(-since / lock) - std::exp(-(since + dt) / lock));
      sample_[i].busy += more;
      if (r_->backpressured[i] > 0) sample_[i].backpressured -= more;  // the rest of the second
    }
  }
  if (now_ >= warmup_) {
    const bool frequent = checkpoint_.enabled && checkpoint_.interval < kRoutedRelock;
    for (std::size_t tm = 0; tm < off_s_.size(); ++tm)
      for (int which = 0; which < kOffCases; ++which)
        if (r_->off[tm][which] && (which != kRoutedEnds || frequent)) off_s_[tm][which] += dt;
  }
  interval_taken_ += taken_now_ * dt;
  interval_left_ += leave_now_ * dt;
  // The stretch [a, b] seconds after the rates were resolved; latency moves linearly over it.
  const double a = static_cast<double>(now_ - resolved_at_) * 1e-9, b = a + dt;
  interval_latency_ += leave_now_ * (latency_now_ * dt + latency_slope_ * (b * b - a * a) / 2);
  interval_arrived_ += arrivals_now_ * dt;
  // The worst path at whichever end of the stretch is worse.
  const double worst = latency_worst_now_ + std::max(0.0, latency_worst_slope_ * b) + std::min(0.0, latency_worst_slope_ * a);
  if (leave_now_ > 0) {
    interval_latency_max_ = std::max(interval_latency_max_, worst);
    interval_latency_p99_ = std::max(interval_latency_p99_, worst - 0.02 * latency_spread_now_);
  }
  if (now_ >= warmup_ && leave_now_ > 0) {
    latency_p99_ = std::max(latency_p99_, worst - 0.02 * latency_spread_now_);
    latency_max_ = std::max(latency_max_, worst);
    if (!recovering_) {
      outside_p99_ = std::max(outside_p99_, worst - 0.02 * latency_spread_now_);
      outside_max_ = std::max(outside_max_, worst);
    }
  }
  interval_recovering_ = interval_recovering_ || recovering_;
}

void FluidRun::integrate_levels(double dt) {
  for (std::size_t q = 0; q < net_.flows.size(); ++q) level_[q] += (r_->inflow[q] - r_->drain[q]) * dt;
  for (std::size_t i = 0; i < net_.threads.size(); ++i) {
    processed_[i] += r_->take[i] * dt;
    if (!net_.threads[i].source) continue;
    backlog_[i] += (c_.arrival[i] - r_->take[i]) * dt;
    position_[i] += r_->take[i] * dt;
  }
  in_ += arrivals_now_ * dt;
  out_ += leave_now_ * dt;
  created_ += created_now_ * dt;
  dropped_ += dropped_now_ * dt;
}

// Samples (now_ − period, now_], as the buffer level does; only intervals that start after the
// warm-up count in the summary.
void FluidRun::sample(Nanos period) {
  if (period <= 0) return;
  ++samples_;
  check_caught_up();
  const bool measured = now_ - period >= warmup_;
  const double dt = static_cast<double>(period) * 1e-9;
  const double since_levels = static_cast<double>(now_ - level_time_) * 1e-9;
  for (std::size_t i = 0; i < net_.threads.size(); ++i) {
    const auto& t = net_.threads[i];
    auto& a = sample_[i];
    if (options_.sink) {
      SubtaskSample s;
      s.vertex = t.vertex;
      s.subtask = t.index;
      s.busy_ms_per_s = a.busy / dt * 1000;
      s.backpressured_ms_per_s = a.backpressured / dt * 1000;
      s.idle_ms_per_s = std::max(0.0, 1000 - s.busy_ms_per_s - s.backpressured_ms_per_s);
      s.records_in_per_s = a.in / dt;
      s.records_out_per_s = a.out / dt;
      if (t.source)
        s.pending_records = std::llround(std::max(0.0, backlog_[i] + (c_.arrival[i] - r_->take[i]) * since_levels));
      options_.sink->on_subtask(now_, s);
    }
    if (measured) {
      total_[i].busy += a.busy;
      total_[i].backpressured += a.backpressured;
      total_[i].in += a.in;
      total_[i].out += a.out;
      measured_s_[i] += dt;
    }
    a = {};
  }
  std::vector<model::TaskManagerState> state_now;  // once per interval, only when a sink listens
  if (options_.sink && state_layout_.taskmanagers > 0)
    state_now = model::state_per_taskmanager(state_layout_, start_ + now_);
  for (std::size_t tm = 0; tm < tm_cpu_.size(); ++tm) {
    if (options_.sink) {
      TaskManagerSample s;
      s.cpu_utilization = tm_cpu_[tm] / (net_.cores[tm] * dt);
      if (tm < state_now.size()) {
        s.heap_used = static_cast<Bytes>(state_now[tm].heap_used);
        s.managed_used = static_cast<Bytes>(state_now[tm].managed_used);
      }
      options_.sink->on_taskmanager(now_, static_cast<int>(tm), s);
    }
    if (measured) tm_total_[tm] += tm_cpu_[tm];
    tm_cpu_[tm] = 0;
  }
  const double throughput = interval_taken_ / dt;
  if (options_.sink) {
    JobSample job;
    job.arrival_rate = interval_arrived_ / dt;
    job.throughput = throughput;
    job.latency_mean_ms = interval_left_ > 0 ? interval_latency_ / interval_left_ * 1e3 : 0.0;
    // The summary's rules (summarize()): p50 is the mean, p99 the worst path less 2% of the spread.
    job.latency_p50_ms = job.latency_mean_ms;
    job.latency_p99_ms = std::max(job.latency_mean_ms, interval_latency_p99_ * 1e3);
    job.latency_max_ms = interval_latency_max_ * 1e3;
    options_.sink->on_job(now_, job);
  }
  if (measured) {
    throughput_sum_ += interval_taken_;
    throughput_max_ = std::max(throughput_max_, throughput);
    measured_ += dt;
    left_measured_ += interval_left_;
    latency_sum_ += interval_latency_;
    if (!interval_recovering_) {
      outside_left_ += interval_left_;
      outside_latency_sum_ += interval_latency_;
    }
  }
  interval_recovering_ = recovering_;
  interval_taken_ = interval_left_ = interval_latency_ = interval_latency_max_ = 0;
  interval_arrived_ = interval_latency_p99_ = 0;
  last_sample_ = now_;
}

RunResult FluidRun::run(FluidStats* stats) {
  const auto wall_start = std::chrono::steady_clock::now();
  start_checkpoint_scheduler();
  resolve();
  Nanos next_sample = interval_;
  for (;;) {
    const Nanos until = next_event();
    // Samples inside (now_, until]: the rates hold over the whole stretch.
    while (next_sample <= until) {
      accumulate(static_cast<double>(next_sample - now_) * 1e-9);
      now_ = next_sample;
      sample(now_ - last_sample_);
      next_sample += interval_;
    }
    accumulate(static_cast<double>(until - now_) * 1e-9);
    now_ = until;
    integrate_levels(static_cast<double>(now_ - level_time_) * 1e-9);
    level_time_ = now_;
    if (now_ >= horizon_) break;
    milestones();
    resolve();
  }
  if (last_sample_ < horizon_) sample(horizon_ - last_sample_);  // the last partial interval

  RecordLedger ledger;
  const std::string error = check_conservation(ledger);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  RunResult result = summarize(wall);
  result.records = ledger;
  result.conserved = error.empty();
  result.conservation_error = error;
  if (stats) {
    stats->samples = samples_;
    stats->passes = passes_;
    stats->flows = net_.flows.size();
  }
  return result;
}

std::string FluidRun::check_conservation(RecordLedger& ledger) const {
  double held = 0;
  for (double b : backlog_) held += b;
  for (double l : level_) held += l;
  const double imbalance = in_ + reread_ + created_ - out_ - duplicated_ - dropped_ - discarded_ - held;
  ledger.in = std::llround(in_);
  ledger.reread = std::llround(reread_);
  ledger.created = std::llround(created_);
  ledger.out = std::llround(out_);
  ledger.duplicated = std::llround(duplicated_);
  ledger.dropped = std::llround(dropped_);
  ledger.discarded = std::llround(discarded_);
  // Rounded consistently: the whole-record ledger balances by construction.
  ledger.in_flight = ledger.in + ledger.reread + ledger.created - ledger.out - ledger.duplicated - ledger.dropped -
                     ledger.discarded;
  if (std::abs(imbalance) <= 1e-9 * (in_ + reread_ + created_) + 1e-6) return "";
  std::ostringstream why;
  why << "fluid job: in " << in_ << " + reread " << reread_ << " + created " << created_ << " != out " << out_
      << " + duplicated " << duplicated_ << " + dropped " << dropped_ << " + discarded " << discarded_ << " + held "
      << held << " (off by " << imbalance << ")";
  return why.str();
}

// A caveat for the TaskManagers that spent measured time where the busy estimate is known to be
// off (Rates::off): which, for how long, why, and what measures it.
void FluidRun::add_caveat(Off which, const std::string& how, const std::string& why,
                          RunResult& r) const {
  std::string tms;
  double longest = 0;
  int count = 0;
  for (std::size_t tm = 0; tm < off_s_.size(); ++tm) {
    const double seconds = off_s_[tm][which];
    if (seconds <= 0) continue;
    tms += (tms.empty() ? "" : ", ") + std::to_string(tm);
    longest = std::max(longest, seconds);
    ++count;
  }
  if (tms.empty()) return;
  const auto duration = [](double s) { return model::format_duration(static_cast<Nanos>(s * 1e9)); };
  const std::string when = longest >= measured_ * (1 - 1e-9)
                               ? "throughout"
                               : "for up to " + duration(longest) + " of the " + duration(measured_) + " measured";
  r.caveats.push_back("busy time on TaskManager" + std::string(count > 1 ? "s " : " ") + tms + " " +
                      how + " " + when + ": " + why +
                      " (sim/README.md); granularity = \"buffer\" measures it");
}

RunResult FluidRun::summarize(double wall) {
  RunResult r;
  r.throughput_mean = measured_ > 0 ? throughput_sum_ / measured_ : 0;
  r.throughput_max = throughput_max_;
  r.latency.count = static_cast<std::uint64_t>(std::llround(left_measured_));
  r.latency.mean = left_measured_ > 0 ? latency_sum_ / left_measured_ * 1e9 : 0;
  r.latency.p50 = r.latency.mean;
  r.latency.p99 = std::max(r.latency.mean, latency_p99_ * 1e9);
  r.latency.max = std::max(r.latency.p99, latency_max_ * 1e9);
  r.latency_outside_recovery = r.latency;
  if (!recoveries_.empty()) {
    LatencySummary& o = r.latency_outside_recovery;
    o.count = static_cast<std::uint64_t>(std::llround(outside_left_));
    o.mean = outside_left_ > 0 ? outside_latency_sum_ / outside_left_ * 1e9 : 0;
    o.p50 = o.mean;
    o.p99 = std::max(o.mean, outside_p99_ * 1e9);
    o.max = std::max(o.p99, outside_max_ * 1e9);
  }
  for (int v = 0; v < static_cast<int>(g_.vertices.size()); ++v) {
    VertexSummary out;
    out.name = g_.vertices[v].name;
    out.parallelism = g_.vertices[v].parallelism;
    const int first = net_.first_thread[v];
    for (int i = first; i < first + out.parallelism; ++i) {
      if (measured_s_[i] <= 0) continue;
      const double busy = total_[i].busy / measured_s_[i] * 1000;
      const double bp = total_[i].backpressured / measured_s_[i] * 1000;
      out.busy_ms_per_s += busy / out.parallelism;
      out.busy_ms_per_s_max = std::max(out.busy_ms_per_s_max, busy);
      out.backpressured_ms_per_s += bp / out.parallelism;
      out.idle_ms_per_s += std::max(0.0, 1000 - busy - bp) / out.parallelism;
      out.records_in_per_s += total_[i].in / measured_s_[i];
      out.records_out_per_s += total_[i].out / measured_s_[i];
    }
    if (g_.vertices[v].is_source) {
      out.pending_records = 0;
      for (int i = first; i < first + out.parallelism; ++i) out.pending_records += std::llround(std::max(0.0, backlog_[i]));
    }
    r.vertices.push_back(std::move(out));
  }
  for (std::size_t tm = 0; tm < tm_total_.size(); ++tm) {
    TaskManagerSummary summary;
    summary.cpu_utilization = measured_ > 0 ? tm_total_[tm] / (net_.cores[tm] * measured_) : 0;
    r.taskmanagers.push_back(summary);
  }
  set_state_peaks(state_layout_, start_, start_ + horizon_, r.taskmanagers);
  add_caveat(kBusyHigh, "may be too high",
             "a consumer's hash or random channels, carrying records of one size, end two "
             "segments or more per buffer timeout (buffer level measured up to 33 ms/s, 8%, less "
             "busy time in the cases measured, most of it a thread those consumers feed), or a "
             "thread gets its records from consumers of a dealt partition (rebalance, rescale) of "
             "one record size, whose segments to it end together, a segment or more per timeout "
             "(up to 55% less); only records of one size lock so: if yours vary, set "
             "record_size_distribution",
             r);
  add_caveat(kRoutedEnds, "may be too low",
             "checkpoints come less than 10s apart, and each barrier ends every hash or random "
             "channel's segment at once, so a consumer's segment ends are in step for about a "
             "second after it (buffer level measured 12 ms/s, 3%, more busy time every 10s, "
             "25 ms/s, 6%, every 5s)",
             r);
  add_caveat(kShortTimeout, "may be too low",
             "with a buffer timeout of 3-30 ms a thread fed by consumers that one flush wakes "
             "waits for a core (buffer level measured up to 7% more busy time)",
             r);
  add_caveat(kZeroTimeout, "may be off by up to 6%",
             "with a buffer timeout of 0 its threads use half its cores or more and wait for them: "
             "each record a producer writes wakes its consumer at once, so a producer's busy "
             "spells bring its consumers' records, which the estimate does not follow (buffer "
             "level measured the producers, and a thread behind a rebalance's consumers, up to 4% "
             "busier than the estimate at 61-74% of the cores, and the consumers of a single "
             "producer's rebalance up to 5% less busy)",
             r);
  add_caveat(kBroadcastZero, "may be too low by up to 20%",
             "with a buffer timeout of 0 each record of a broadcast wakes all its consumers at "
             "once, and they wait for a core (buffer level measured them 2% busier than the "
             "estimate at 23% of the cores, 7% at 45% and 13% at 68%, and the thread they feed up "
             "to 19%)",
             r);
  add_caveat(kFullSegments, "may be off by up to 25%",
             "a thread waits for a core and gets most of its records in segments that fill before "
             "the buffer timeout ships them, from a thread beside it: a segment's work at a time, "
             "at a point of its writer's busy spell that the estimate does not follow (buffer "
             "level measured such threads 6-22% off either way, mostly busier, in jobs drawn at "
             "random)",
             r);
  add_caveat(kGroupedWriters, "may be off by up to 50%",
             "threads that one flush wakes together wait for a core and get most of their "
             "records from threads that are woken so themselves (two network edges in a row): a "
             "writer's busy spell over the records it took in one go ends segments to several "
             "readers at once, which run together and while it does; the estimate takes them as "
             "waking on their own (in jobs drawn at random buffer level measured 13 of 18 such "
             "TaskManagers more than 5% apart, 8 of them busier than the estimate, by up to 30%, "
             "and 5 less busy, by up to 40%; three stages on one TaskManager 17-50% busier)",
             r);
  add_caveat(
      kFewCores, "may be off by up to 60%",
      "its threads wait for one of its few cores (fewer than 2 with a buffer timeout of "
      "1-2 ms, a single one at any timeout above 0): a flush's or a segment's work is a large part "
      "of their time there, and how their busy spells line up is followed only in part "
      "(in jobs drawn at random buffer level measured 30 of 51 such TaskManagers more than "
      "5% apart, by up to 57% where no other caveat applied; at 1-2 ms most of them less "
      "busy than the estimate)",
      r);
  add_caveat(
      kNearLimit, "may be off by up to 10%",
      "its threads use 80% of its cores or more and wait for them; there buffer level "
      "measured the estimate up to 9% too low (buffer timeouts of 0-1 ms) and 4% too "
      "high (100 ms), at 60-75% of the cores within 3% but for a zero timeout (up to 5% off)",
      r);
  if (checkpoint_.enabled) summarize_checkpoints(history_, r);
  r.recovery = result_recoveries(recoveries_, ran_no_task_);
  r.job_lost = job_lost_;
  r.events = events_;
  r.simulated = horizon_;
  r.wall_seconds = wall;
  return r;
}

}  // namespace flinksim::sim::fluid

namespace flinksim::sim {

// A layout that does not fit is refused with the buffer level's own error (same text, one place).
RunResult simulate_fluid(const model::Scenario& scenario, const model::JobGraph& graph,
                         const model::Placement& placement, const EngineParams& params,
                         const RunOptions& options, FluidStats* stats) {
  if (!placement.fits) return simulate(scenario, graph, placement, params, options);  // throws
  fluid::FluidRun run(scenario, graph, placement, params, options);
  return run.run(stats);
}

RunResult simulate_fluid(const model::Scenario& scenario, const RunOptions& options, FluidStats* stats) {
  const model::JobGraph graph = model::build_job_graph(scenario);
  const model::Placement placement = model::place_job(graph, scenario);
  if (!placement.fits) return simulate(scenario, options);  // throws with the scheduler's reason
  return simulate_fluid(scenario, graph, placement, engine_params(scenario), options, stats);
}

}  // namespace flinksim::sim
