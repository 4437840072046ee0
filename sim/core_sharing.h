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
//    same moment), so its consumers get their batches in the same instant and stay runnable for
//    as long as their batch takes: the thread with the larger share is runnable whenever one with
//    a smaller share is (comonotone), and the group has at least m runnable a fraction b₍m₎ of the
//    time (the m-th largest share).
// A group of one is independent. A group's spells last many of an independent thread's records (a
// batch, a buffer's worth), so an independent thread meets each value Z of the groups' count as a
// regime: busy_i = u_i · E_Z[1 ÷ E_Y[speed]], Y the independent others (more than u ÷ E[speed]: a
// thread stays runnable longer where it runs slower).
//
// What it cannot see: how a thread that the groups' output wakes lines up with their spells (a
// sink behind workers woken together: sim/README.md has the figures, within 2% at some loads and
// 4% off at others), batches so small that the group's threads finish them at different times,
// and full buffers of a hash partition, which arrive apart yet overlap more than independence
// says. On one core with Poisson-fed threads it gives less than M/G/1-PS's 1/(1 − ρ), which counts
// a thread's own queue as sharing too.
//
// Cost: O(k²) per round for k threads (the distribution of the independent ones, then each thread
// removed by deconvolution), plus O(k · g) per thread for groups of g and per value of Z; no
// allocation once the scratch has grown to the largest k.
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
  void solve(const double* cpu, const int* group, const Coupling* coupling, int k, double cores, double* busy);
  void solve(const double* cpu, int k, double cores, double* busy) { solve(cpu, nullptr, nullptr, k, cores, busy); }

 private:
  std::vector<double> all_, others_, next_, without_, given_, slow_;
  std::vector<double> group_dist_;  // per group, its runnable count's distribution over k + 1
  std::vector<double> shares_;      // a group's busy shares, largest first
  std::vector<int> group_size_;
};

}  // namespace flinksim::sim
