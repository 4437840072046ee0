// How busy a thread is when the threads of a TaskManager share its cores: Flink's
// busyTimeMsPerSecond counts the time a thread wants a core, waiting for one included, so a thread
// that uses u of a core is busy u ÷ (the speed it gets while runnable). At buffer level that speed
// comes from the actual overlap of runnable threads (processor sharing, at most one core each).
// Here it is estimated from the number X of other threads runnable at the same time,
//   busy_i = min(1, u_i ÷ E[min(1, cores ÷ (1 + X_i))]),
// solved as a fixed point (Jacobi rounds until no share moves by 1e-9, at most 200).
//
// How X is distributed depends on how the threads' runnable spells line up:
//  - Independent (the default): each other thread runnable with its own busy share, so X is
//    Poisson-binomial.
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
//  - Together: threads that the same producer's output flush wakes. Flink's OutputFlusher flushes
//    every channel of a task at once (and records dealt in turn fill a producer's buffers at the
//    same moment), so its consumers get their batches in the same instant. While they run they get
//    the same speed (equal shares, at most a core each), so they progress alike in work and end in
//    the order of their batches: thread i's batch is u_i · L_i of work, L_i lognormal with mean 1
//    and coefficient of variation spread[i]; at work done v those with more than v run, and a step
//    of work takes work ÷ (their speed) of time. Without spread the spells nest (comonotone): the
//    group has at least m running a fraction b₍m₎ of the time (the m-th largest share).
// A group of one is independent. A group's spells last many of an independent thread's records (a
// batch, a buffer's worth), so the independent threads live in regimes, one per value z of the
// groups' count Z: in each, a thread is busy u_i ÷ E_Y[speed] with Y the independent others as they
// are in that regime, and busy_i = Σ_z P(Z = z) · that (more than u ÷ E[speed]: a thread stays
// runnable longer where it runs slower). A group's thread meets the independent ones as they are
// in the regime its own spell makes.
//
// What it cannot see (sim/README.md has the figures): full buffers of a hash partition, which
// arrive apart yet overlap far more than independence says (20–30% too idle on a TaskManager at
// 70% of its cores with more threads than cores); where a thread that the groups' own flushes wake
// lands in their spells (the flushers' phases decide it: ±20% from seed to seed at buffer level,
// the estimate is the average). Without any group, Poisson-fed threads on a TaskManager near
// saturation wait longer than independence says (9 threads on 3 cores at 78%: 12% too idle).
//
// Cost: O(k²) per round and value of Z for k threads (the distribution of the independent ones,
// then each thread removed by deconvolution), plus O(k · g) per thread of a group of g and value of
// the other groups' count, and once per solve O(32 · g³) for a group whose batches spread; with no
// group, Z is 0 and it is the plain mean field. No allocation once the scratch has grown.
#pragma once

#include <vector>

namespace flinksim::sim {

enum class Coupling : unsigned char { TakeTurns, Together };

class CoreSharing {
 public:
  // cpu[i]: cores thread i uses on average, in [0, 1]. Writes busy[i] ∈ [min(cpu[i], 1), 1].
  // group[i]: −1 for a thread runnable independently, else the index (0, 1, …) of its group, whose
  // threads line up as coupling[group] says; null means every thread is independent.
  // REQUIRES: cores > 0; cpu, group and busy of length k, coupling of one more than the largest
  // group index (busy may not alias the others).
  // spread[i]: the coefficient of variation of thread i's spell in a Together group (null: 0, the
  // spells nest exactly).
  void solve(const double* cpu, const int* group, const Coupling* coupling, const double* spread, int k,
             double cores, double* busy);
  void solve(const double* cpu, int k, double cores, double* busy) {
    solve(cpu, nullptr, nullptr, nullptr, k, cores, busy);
  }

 private:
  std::vector<double> all_, others_, next_, without_, given_, slow_;
  std::vector<double> group_dist_;  // per group, its runnable count's distribution over k + 1
  std::vector<double> shares_;      // a group's busy shares, largest first
  std::vector<double> member_share_, member_spread_, spell_scratch_;  // a group's members, in thread order
  std::vector<double> group_speed_;  // per group and count running: its threads' speed
  std::vector<char> group_spreads_;  // per group: its batches spread (Together with some spread)
  std::vector<double> free_share_;   // the independent threads' shares in a regime
  std::vector<double> group_work_;   // spread-out groups: work by count running, the group's and each member's
  std::vector<std::size_t> group_work_offset_;
  std::vector<double> regime_busy_, regime_all_;  // per value of the groups' count: shares, and the independents' count
  std::vector<int> group_size_;
};

}  // namespace flinksim::sim
