// The fluid level's rate solve: given which queues are empty or full, the rate at which every
// thread takes records and every flow drains, constant until the next event.
//
// Constraints (all at once, solved as a fixed point):
//  - CPU: a TaskManager's cores are shared max-min fair among its threads, one core at most per
//    thread (water_fill below); a thread's demand is the rate it would take without a CPU limit
//    × its cost per record. A thread takes at most share ÷ cost records/s. A TaskManager whose
//    threads would use up its cores offers only what its runnable threads can use,
//    E[min(cores, runnable)] (idle_cores: a bottleneck that runs alone at times leaves cores idle),
//    solved with the rates; one with cores to spare gives a thread at most E[min(1, cores ÷
//    runnable)] of a core (core_speed), not a whole one. Where the passes cycle (past kRelaxFrom),
//    every thread of a TaskManager is capped at one water level instead, searched for by regula
//    falsi (next_level): a capped producer whose consumers share its cores leaves itself a share
//    that swings against its own, 4.6 times as far in sweep case #14.
//  - Input: a source with an empty backlog takes at most its arrival rate; a downstream thread
//    reads an empty channel at most as fast as records flow in. A non-empty channel holds work,
//    and the gate serves channels with data in turn (Flink's inputChannelsWithData), so the
//    thread's rate is split max-min fair over its channels: an empty channel asks for its inflow,
//    a non-empty one for as much as it can get.
//  - Backpressure: a thread blocks when the record in hand has no buffer, so into a full channel
//    it writes no faster than the channel drains: take × gain ≤ drain for every full out-flow.
// Gauss–Seidel: a forward pass in thread order (a topological order) sets takes and drains, a
// backward pass sets the backpressure caps, then the CPU shares; repeated until no take moves by
// more than a relative 1e-12 (typically graph depth + 2 passes).
//
// Metrics per thread, as the buffer level defines them: busy = the time the thread wants a core =
// CPU used ÷ the speed a runnable thread gets. The rates come from the water level, but the speed
// while runnable from how often the others are runnable at the same time (sim/core_sharing.h: an
// estimate of the overlap buffer level simulates), so a thread sharing cores with busy neighbours
// is busier than its CPU use even when the TaskManager is not saturated. Which threads line up:
// back-pressured threads released by the same consumer through local channels take turns
// (local_releaser; three or more are read between that and independence, blended_shares);
// consumers that the same producer's flush wakes are runnable together (flush_waker: every
// channel into them ships at the flusher's tick, at most half a buffer a timeout unless the
// partition deals records in turn); threads whose records a thread capped by the cores writes, or
// whose buffers it frees, are paced by it (pace). The rest of the second is back-pressured when a
// full out-flow is what limits the thread, else idle.
//
// Cost: O(passes × (flows log flows + threads log threads)); no allocation after construction.
#pragma once

#include <array>
#include <vector>

#include "sim/core_sharing.h"
#include "sim/fluid_network.h"

namespace flinksim::sim::fluid {

// Max-min fair split of `capacity` over n demands, each also capped at `cap`: shares[i] =
// min(demand[i], cap, level). Returns the level (kUnbounded when every capped demand is met).
// `order` is scratch of size ≥ n. Ties are broken by index, so the result is deterministic.
double water_fill(const double* demand, double* share, int n, double capacity, double cap, int* order);

// What the state allows at this instant.
struct Conditions {
  std::vector<double> arrival;      // per thread: records/s arriving at a source's backlog
  std::vector<char> backlog_empty;  // per thread (sources)
  std::vector<char> flow_empty;     // per flow
  std::vector<char> flow_full;      // per flow
};

// Where a TaskManager's busy estimate is known to be off (sim/README.md has the figures), in the
// order the run reports them (FluidRun::add_caveat, with the time each held).
enum Off : int {
  // Too high: a thread waits for a core (≥ 10 ms/s by the estimate) and either its hash or random
  // channels of one record size end two segments a tick or more, or it gets its records in lumps
  // from threads that read dealt channels in step (sim/README.md, what is left).
  kBusyHigh,
  // A thread waits for a core and gets segment ends of its own from hash or random channels, which
  // every checkpoint barrier ends together for about a second (not modelled: sim/README.md,
  // "Segment ends made to end together"); reported where checkpoints come often.
  kRoutedEnds,
  // Below kLoadedCores: a thread follows a group's batches of a short buffer timeout and waits for
  // a core, measured too low (sim/README.md, "Short buffer timeouts").
  kShortTimeout,
  // Below kLoadedCores: a thread waits for a core with a zero timeout, from kTandemCores of the
  // cores in use, measured off both ways (sim/README.md, "Short buffer timeouts").
  kZeroTimeout,
  // With a zero buffer timeout, consumers that each broadcast record wakes together wait for a
  // core: measured too low, they and the thread they feed (sim/README.md, "Records dealt one at a
  // time").
  kBroadcastZero,
  // Below kLoadedCores: a thread waits for a core and gets most of its records in segments that
  // fill before the flusher ships them, from threads beside it that run on their own
  // (reads_full_segments): measured off both ways (sim/README.md, "Jobs nobody thought of").
  kFullSegments,
  // Below kLoadedCores: a thread waits for a core in a group that one flush wakes, and most of its
  // records come from threads that a flush wakes themselves (reads_grouped_writers): measured off,
  // mostly too low (sim/README.md, "Two network edges in a row").
  kGroupedWriters,
  // Below kLoadedCores, fewer than kFewCoresUnder cores with a buffer timeout of up to
  // kShortTimeoutFrom, or a single core (kOneCoreUnder) at any timeout above 0: a thread waits for
  // a core, measured off both ways (sim/README.md, "Jobs nobody thought of").
  kFewCores,
  // Its threads use kLoadedCores of its cores or more and one waits for a core without being
  // CPU-bound: where the busy estimate was measured furthest off, both ways (sim/README.md, "A
  // TaskManager near its cores' limit").
  kNearLimit,
  kOffCases
};

struct Rates {
  std::vector<double> take;           // per thread: records/s taken (read or from the backlog)
  std::vector<double> offer;          // per thread: what its input allows
  std::vector<double> want;           // per thread: min(offer, backpressure cap)
  std::vector<double> bp_cap;         // per thread: the cap from full out-flows
  std::vector<double> cpu_cap;        // per thread: share ÷ cost
  std::vector<double> cpu;            // per thread: cores used
  std::vector<double> speed;          // per thread: speed while runnable (≤ 1)
  std::vector<double> busy;           // per thread: fraction of the second
  std::vector<double> backpressured;  // per thread: fraction of the second
  std::vector<double> inflow;         // per flow: records/s written
  std::vector<double> drain;          // per flow: records/s read
  // Per TaskManager, which of the cases where the busy estimate is known to be off (Off) it is in.
  std::vector<std::array<char, kOffCases>> off;
  // Segment ends that part only with time (sim/README.md, "Segment ends made to end together"):
  // Flink's barrier finishes every channel's BufferBuilder (BufferWritingResultPartition
  // .broadcastEvent), so at a start, restart or checkpoint the segments of a dealt partition whose
  // record sizes vary end together, and part as the sizes drift. Per TaskManager: the seconds
  // that lock takes to fade (lock_time, e^(−t ÷ lock_time) of it left t seconds on; 0: no such
  // channel); per thread, its busy time while in step (busy_locked).
  std::vector<double> lock_time, busy_locked;
  bool locked = false;  // some lock_time > 0
  int passes = 0;

  // Every vector sized for `net` and zero.
  void size_for(const Network& net);
};

class RateSolver {
 public:
  explicit RateSolver(const Network& net);
  // REQUIRES: conditions sized for the network. The result stays valid until the next solve.
  const Rates& solve(const Conditions& conditions);

 private:
  void forward(const Conditions& c);
  void backward(const Conditions& c);
  void cpu_shares(bool by_level);  // by_level: caps from a searched water level (settle)
  void classify(const Conditions& c);
  bool capped(int thread) const;  // its CPU share caps its rate (busy all the time)
  bool always_runnable(int thread) const;
  bool blocked(int thread) const;
  int local_releaser(const Conditions& c, int thread) const;
  bool released_by_one(const Conditions& c, int thread) const;
  void settle(const Conditions& c);  // the passes to a fixed point at capacity_, then classify
  int runnable_count(const Conditions& c, std::size_t taskmanager);  // into idle_dist_
  double idle_cores(const Conditions& c, std::size_t taskmanager);
  double core_speed(const Conditions& c, std::size_t taskmanager);
  int flush_waker(int thread, bool in_step, double& spread, SegmentEnds& segments) const;
  Dealing dealt_to(int thread) const;
  // drive_ for the TaskManager's threads: how far a thread capped there paces them.
  void pace(const Conditions& c, std::size_t taskmanager);
  double lock_time(int thread) const;
  Following follows(int thread, int taskmanager) const;
  bool follows_in_lumps(int k, std::size_t taskmanager) const;
  bool reads_full_segments(int k, std::size_t taskmanager) const;
  bool reads_grouped_writers(int k, std::size_t taskmanager) const;
  // The TaskManager's threads' busy shares into share_, as they line up (groups, segment ends,
  // followers) in `mode` (kInStep: dealt segment ends in step, else parted; kTurnsApart: groups of
  // three or more that take turns counted as independent threads), reusing the last solve's shares
  // in that mode when its inputs are unchanged. Returns kBusyHigh's flag; `taking_turns`:
  // such a group is there.
  bool share_cores(const Conditions& c, std::size_t tm, int mode, bool& taking_turns);
  // share_cores with groups of three or more that take turns read between the two (see the .cpp).
  bool blended_shares(const Conditions& c, std::size_t tm, bool in_step);
  bool reads_one_size(int thread) const;
  bool reads_routed(int thread) const;

  const Network& net_;
  Rates r_;
  std::vector<double> demand_, share_, previous_, previous_cpu_cap_, previous_bp_cap_;  // scratch
  std::vector<int> order_;
  std::vector<int> group_, group_key_;  // per thread of a TaskManager, per group (scratch)
  std::vector<Coupling> coupling_;      // per group
  std::vector<double> spread_;          // per thread of a TaskManager: its batch's spread
  std::vector<SegmentEnds> segments_;   // per thread of a TaskManager: its own segment ends
  std::vector<Following> follows_;      // per thread of a TaskManager: the group whose running feeds it
  std::vector<double> paced_;  // per thread of a TaskManager: its records' share paced by the cores
  bool pacing_ = false;  // classify: the TaskManager being classified has paced threads (drive_)
  std::vector<double> drive_;  // per thread: its records' share paced by one TaskManager's cores
  std::vector<Dealing> dealing_;  // per thread of a TaskManager: the deal that brings its records
  std::vector<int> members_;            // per group of a TaskManager: its threads
  std::vector<int> local_;              // per thread: its index on its TaskManager
  static constexpr int kInStep = 1, kTurnsApart = 2, kSolveModes = 4;
  // Per solve mode and TaskManager, the last core-sharing solve's inputs (kKeyFields per thread)
  // and shares.
  std::array<std::vector<std::vector<double>>, kSolveModes> sharing_key_, sharing_shares_;
  std::vector<double> turns_share_;  // scratch: shares with the groups taking turns
  bool parting_ = false;             // a dealt partition's segment ends part with time (lock_time)
  std::vector<double> tm_level_;
  // Per TaskManager: the water level the CPU caps use (cpu_shares), and the search for it: the
  // ends of the bracket, h at each (level − the water-fill's level), which end moved last.
  struct LevelSearch {
    double low = 0, high = 1, h_low = 0, h_high = 0;
    int side = 0;
  };
  double next_level(std::size_t taskmanager, double target);
  void cap_at_level(std::size_t taskmanager);
  std::vector<double> level_;
  std::vector<LevelSearch> level_search_;
  std::vector<double> capacity_;   // per TaskManager: the cores its runnable threads can use
  // Per TaskManager: the most of a core one thread gets (core_speed).
  std::vector<double> core_cap_;
  std::vector<double> idle_dist_;  // scratch: a TaskManager's runnable count
  std::vector<int> releaser_;      // scratch: per thread of a TaskManager, its one releaser or −1
  CoreSharing sharing_;
};

}  // namespace flinksim::sim::fluid
