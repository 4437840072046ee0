// How busy a thread is when the threads of a TaskManager share its cores: Flink's
// busyTimeMsPerSecond counts the time a thread wants a core, waiting for one included, so a thread
// that uses u of a core is busy more than u whenever it waits. At buffer level that follows from
// the actual overlap of runnable threads (processor sharing, at most one core each). Here it is
// estimated from how the threads' runnable spells line up, solved as a fixed point (Jacobi rounds
// until no share moves by 1e-9, at most 200):
//  - Independent (the default): the product form of threads that wake on their own (Poisson-fed).
//    A set S of them is runnable with probability ∝ Π_{j∈S} r_j · Φ(|S|), with
//    Φ(m) = Π_{l=1..m} 1 ÷ (speed(l) · h(l)), speed(l) = min(1, cores ÷ l), and
//    r_j = u_j ÷ (1 − busy_j): a thread wakes at its arrival rate while idle and, running at speed
//    s, ends its spell at rate s ÷ (its record's cost) times the chance e that the record leaves
//    its queue empty. With e = 1 − busy (h = 1), busy_i = u_i · E[1 ÷ speed(1 + others) | i is
//    not runnable]. Threads that slow each other stay runnable longer together, which independent
//    presence (busy = u ÷ E[speed] over the others runnable with their busy shares, the model
//    before) missed: measured at buffer level, 9 Poisson-fed threads on 3 cores at 78%, workers
//    332.0 ms/s, this 318.4, the other 291.9. But a queue that runs slowly while many run holds
//    more records then, and leaves the set less often: e is taken half-way between 1 − busy and
//    the 1 − u ÷ speed(l) it would settle at if l stayed runnable (core_sharing.cpp exit_chance;
//    h(l) the busy-weighted e ÷ (1 − busy), thread i's own e in its odds busy ÷ (1 − busy)).
//    That reads 2–9 Poisson-fed threads of exponential cost on 1–4 cores at 70–93% within 1% of
//    buffer level (4.3% low at worst: 9 on 3 cores at 93%), where e = 1 − busy read them up to 13%
//    low; two threads of 0.3 on one core, 0.4135 against the exact chain's 0.4130 (0.400
//    with e = 1 − busy), 0.368 the other model, 3/7 for processor sharing of exponential records.
//    Consumers dealt records one at a time in turn (Dealing: rebalance with a zero buffer timeout)
//    are runnable together more than threads fed at random: a record goes to the consumer that
//    got one longest ago, most likely idle. Their count replaces their binomial in the product
//    form with a birth–death chain between that and an M/M/c queue (core_sharing.cpp
//    dealt_count), from the chance that a record finds its consumer busy (dealt_found_busy, a
//    GI/M/1 queue for a producer's own records). Read as fed at random, six workers on 3 cores at
//    74% were 5.7% too idle; this reads them within 0.2% (sim/README.md, "Records dealt one at a
//    time").
//    Paced threads get their records from a thread that the cores cap (cpu 1: always runnable,
//    its speed the cores' share), directly or through others, or are woken by it as it frees
//    their buffers: their records come at the speed every runnable thread has, so where more run,
//    all of them run slower alike and fewer records come. Counted in work done instead of time,
//    nobody waits: each is runnable independently with ρ = u ÷ E[speed], and a set lasts
//    1 ÷ its speed, so P(S) ∝ Π ρ_j ÷ speed(|S|) (each step of Φ is speed(l − 1) ÷ speed(l)).
//    Taken as fed at random, six 200 µs threads that a 50 µs source beside them on 1.5 cores feeds
//    read up to 705 ms/s against buffer level's 566; paced, 554 (sim/README.md, "Threads that a
//    capped thread paces").
//    Where some threads are paced and some not, the tilt is paced as far as their work is, and
//    each thread's own odds take its own step.
//  - Taking turns: back-pressured threads that their consumers release through local channels
//    (a LocalInputChannel recycles the buffer it has read straight into the producer's pool) are
//    woken one freed buffer at a time, at the steady pace of consumers that are themselves
//    saturated. Their runnable count has the least variance its mean S = Σ busy allows: ⌊S⌋ or
//    ⌈S⌉, never all together while S < 1. Measured at buffer level (two sources feeding four
//    saturated workers on one 2-core TaskManager, tests/validation/fluid_agreement_test.cpp
//    cpu-contention and its variants): both sources runnable 1.0% of the time at S = 0.83 (this
//    says 0), 23.8% at S = 1.23 (22.9%), 65.0% at S = 1.64 (64%); independence says 17%, 38%, 67%.
//    A thread of such a group sees the others size-biased: the group has c runnable with
//    probability c·P(c)/S given that it is one of them.
//    Three or more overlap more than this (fluid_rates.cpp blended_shares reads them between
//    taking turns and independence).
//  - Together: threads that the same producer's output flush wakes. Flink's OutputFlusher flushes
//    every channel of a task at once (and records dealt in turn fill a producer's buffers at the
//    same moment), so its consumers get their batches in the same instant. While they run they get
//    the same speed (equal shares, at most a core each), so they progress alike in work and end in
//    the order of their batches: thread i's batch is u_i · L_i of work, L_i lognormal with mean 1
//    and coefficient of variation spread[i]; at work done v those with more than v run, and a step
//    of work takes work ÷ (their speed) of time. Without spread the spells nest (comonotone): the
//    group has at least m running a fraction b₍m₎ of the time (the m-th largest share).
//    A hash or random channel also ends segments between flushes, each at a phase of its own
//    (Flink's flush ships a slice and the segment goes on filling; SegmentEnds): its consumers get
//    part of their work with the flush, together, and the rest at their own times. Such a group
//    is followed in time over a tick instead (stream_profile): each thread's batch from the flush
//    is a backlog that lasts while it is worked off (what came since its last segment end, on
//    top of what it had left of that segment, and varying, as above, with its records' costs and
//    count); the segment ends' work ramps up from the flush (it took what the segment held); the
//    count at each instant is the Poisson-binomial of the threads' chances to run, and once the
//    ramp is over the product form of threads that wake on their own. Taking where the segment
//    ended only, a record or two a tick (1 ms) read six workers 41% too busy; a steady stream
//    instead of the ramp, 4–7% at Flink's default 100 ms (tests/validation
//    fluid_agreement_test.cpp).
// A group of one is independent. A group's spells last many of an independent thread's records (a
// batch, a buffer's worth), so the independent threads live in regimes, one per value z of the
// groups' count Z: in each, the product form with the groups' z threads already runnable
// (Φ_z(m) = Π_{l=1..m} 1 ÷ speed(z + l)), and busy_i = Σ_z P(Z = z) · its share there (a thread
// stays runnable longer where it runs slower). A group's thread meets the independent ones as they
// are in the regime its own spell makes (their count tilted by Φ_z).
//
// An independent thread whose records a group writes in full buffers while it runs (Following)
// gets them where the group does its work, each buffer's work a little after it came: over a
// cycle of the regimes it is busy with the work of the last buffer's time, a backlog carrying on.
// What it cannot see (sim/README.md has the figures): where a thread that the groups' own flushes
// wake lands in their spells (the flushers' phases decide it: ±20% from seed to seed at buffer
// level, the estimate is the average); segments of threads that read the same records in step
// ending together (behind dealt channels), so that their follower gets them as one lump.
//
// Cost: O(k²) per round and value of Z for k threads (the distribution of the independent ones,
// then each thread removed by deconvolution), plus O(k · g) per thread of a group of g and value of
// the other groups' count, once per solve O(32 · g³) for a group whose batches spread, and per
// round O(64 · g²) for a group with segment ends of its own; with no group, Z is 0 and it is the
// plain product form. No allocation once the scratch has grown.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

namespace flinksim::sim {

enum class Coupling : unsigned char { TakeTurns, Together };

// A Together thread whose hash or random channels also end segments between the producers'
// flushes (Flink: the output flusher ships a slice of the segment and the BufferBuilder goes on
// filling it, so a segment ends where the channel's bytes reach a segment, at a phase of its own):
// `per_tick` of them a tick. Part of its work comes with the flush, in step with its group, as a
// batch whose size differs from thread to thread, and the rest at the segment ends, which ramp up
// from the flush (core_sharing.cpp stream_profile).
struct SegmentEnds {
  double per_tick = 0;  // 0: none, all its work comes with the flush
};

// An independent thread whose records a Together group's threads write while they run (full
// buffers finished during their spells): `share` of its work arrives in proportion to the
// group's work, so it runs where the group does, each buffer's work a little after it came
// (core_sharing.cpp follower_busy).
struct Following {
  int group = -1;
  double share = 0;
  double cycle = 0;        // s: the group's spells come once a cycle (its flushers' ticks)
  double buffer_work = 0;  // s of work at full speed per buffer it receives from the group
};

// An independent thread whose records come one at a time, each of `producers` producers dealing its
// records in turn over `channels` consumers (Flink's RebalancePartitioner, rescale's too, with a
// zero buffer timeout: RecordWriter flushes every record as it is written). A record goes to the
// consumer that got one of that producer's longest ago, most likely idle, so the consumers of a
// deal on one TaskManager (the same `deal`) are runnable together more often than consumers fed
// at random (core_sharing.cpp dealt_count).
struct Dealing {
  int deal = -1;  // −1: not dealt
  int channels = 0;
  int producers = 0;
  double cost_cv2 = 1;  // the squared coefficient of variation of its records' cost (exponential 1)
};

// P(a stream group's batch from the flush has more than v of work left to do), v the work done
// (core_sharing.cpp stream_profile): the batch is U · L, U uniform over [lo, hi] (where in the
// tick the channel's segment ended), L its work's own variation (records' costs, their count),
// lognormal with mean 1 and s² = ln(1 + cv²). ∫ P(L > v ÷ u) du over [lo, hi] has a closed form
// (core_sharing.cpp), four normal tails a point: it is tabulated once, over kKnots points from
// where 1 in 1000 batches has ended to where 1 in 1000 has not (square-spaced), and read by linear
// interpolation.
class BatchLeft {
 public:
  BatchLeft() = default;
  BatchLeft(double lo, double hi, double cv2);
  // Built for these (within 1e-7 of hi): the table need not be worked out again.
  bool built_for(double lo, double hi, double cv2) const {
    const double near = 1e-7 * std::max(hi, hi_);
    return cv2 == cv2_ && std::abs(lo - lo_) <= near && std::abs(hi - hi_) <= near;
  }
  double left(double v) const;
  double mean() const { return (lo_ + hi_) / 2; }
  double beyond(double d) const;  // E[(batch − d)⁺]: the work left once d is done

 private:
  static constexpr int kKnots = 24;
  double knot(int q) const;  // v at knot q
  double lo_ = 0, hi_ = 0, cv2_ = -1;
  double bottom_ = 0, top_ = 0;  // the table's span in v (top_ 0: exact, uniform)
  double table_[kKnots] = {};
};

// Scratch for a follower's cycle of regimes (core_sharing.cpp follower_busy).
struct CycleScratch {
  std::vector<double> time, rate, speed, at, cum;
  std::vector<int> z;
};

class CoreSharing {
 public:
  // cpu[i]: cores thread i uses on average, in [0, 1]. Writes busy[i] ∈ [min(cpu[i], 1), 1].
  // group[i]: −1 for a thread runnable independently, else the index (0, 1, …) of its group, whose
  // threads line up as coupling[group] says; null means every thread is independent.
  // REQUIRES: cores > 0; cpu, group and busy of length k, coupling of one more than the largest
  // group index (busy may not alias the others).
  // spread[i]: the coefficient of variation of thread i's spell in a Together group (null: 0, the
  // spells nest exactly).
  // segments[i]: how a Together thread's work comes at segment ends as well (null: all with the
  // flush).
  // follows[i]: for an independent thread, the group whose running writes part of its work (null:
  // none).
  // dealing[i]: for an independent thread, the deal that brings it its records one at a time
  // (null: none).
  // paced[i]: for an independent thread, the share of its records that threads capped by the
  // cores (cpu 1) write, directly or through other paced threads of the TaskManager (null: none).
  void solve(const double* cpu, const int* group, const Coupling* coupling, const double* spread,
             int k, double cores, double* busy, const SegmentEnds* segments = nullptr,
             const Following* follows = nullptr, const Dealing* dealing = nullptr,
             const double* paced = nullptr);
  void solve(const double* cpu, int k, double cores, double* busy) {
    solve(cpu, nullptr, nullptr, nullptr, k, cores, busy);
  }

 private:
  std::vector<double> all_, others_, next_, without_, given_, slow_;
  std::vector<double> group_dist_;  // per group, its runnable count's distribution over k + 1
  std::vector<double> shares_;      // a group's busy shares, largest first
  std::vector<double> member_share_, member_spread_, spell_scratch_;  // a group's members, in thread order
  std::vector<SegmentEnds> member_segments_;
  std::vector<double> stream_busy_;  // stream_profile's busy, per group and member
  std::vector<BatchLeft> batch_;  // stream groups' batches by group, member order, kept over rounds
  std::vector<int> batch_first_;     // per group: where its members' batches start in batch_
  std::vector<double> group_speed_;  // per group and count running: its threads' speed
  std::vector<char> group_spreads_;  // per group: its batches spread (Together with some spread)
  std::vector<char> group_streams_;  // per group: its threads get segment ends of their own too
  std::vector<double> free_share_;   // the independent threads' weights in a regime
  std::vector<double> tilt_;         // Φ_z over the independent threads' count, scaled
  std::vector<double> exit_;         // per count of them: their chance to leave, over 1 − busy
  std::vector<double> group_work_;   // spread-out groups: work by count running, the group's and each member's
  std::vector<std::size_t> group_work_offset_;
  // Per value of the groups' count: the independent threads' shares, their count, their speed while
  // runnable, and the work they do there (a follower's, where its backlog has carried it).
  std::vector<double> regime_busy_, regime_all_, regime_speed_, regime_done_;
  std::vector<int> group_size_;
  std::vector<double> group_work_by_z_;  // per group: the share of its work done with Z = z
  std::vector<double> rate_;             // the independent threads' CPU share in a regime
  std::vector<double> follow_arrival_, follow_speed_, follow_busy_;  // a follower's, per regime
  // Deals of two consumers or more on the TaskManager: per independent thread its deal (−1: none);
  // per deal its first member (whose Dealing is the deal's), its consumers, their CPU share in the
  // regime, the share θ of its records that go to a consumer as if at random (the rest to an idle
  // one), its count's weights and the count of the others.
  std::vector<int> deal_of_, deal_first_, deal_size_;
  std::vector<double> deal_rate_, deal_theta_, deal_count_, deal_rest_;
  CycleScratch cycle_;
};

}  // namespace flinksim::sim
