// How busy a thread is when the threads of a TaskManager share its cores: Flink's
// busyTimeMsPerSecond counts the time a thread wants a core, waiting for one included, so a thread
// that uses u of a core is busy u ÷ (the speed it gets while runnable). At buffer level that speed
// comes from the actual overlap of runnable threads (processor sharing, at most one core each).
// Here it is a mean-field estimate: the number X of other threads runnable at the same time, and
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
//
// What it cannot see: threads whose spells are correlated by the arrivals — consumers that one
// producer's output flush wakes together, or remote channels whose returning credits release
// several back-pressured sources at once (slow-subtask: 115.6 ms/s at buffer level against 112.1
// independent). sim/README.md has the figures. On one core with Poisson-fed threads it gives less
// than M/G/1-PS's 1/(1 − ρ), which counts a thread's own queue as sharing too.
//
// Cost: O(k²) per round for k threads (the distribution of the independent ones, then each thread
// removed by deconvolution), plus O(k) per thread for each turn-taking group's two-point count; no
// allocation once the scratch has grown to the largest k.
#pragma once

#include <vector>

namespace flinksim::sim {

class CoreSharing {
 public:
  // cpu[i]: cores thread i uses on average, in [0, 1]. Writes busy[i] ∈ [min(cpu[i], 1), 1].
  // turns[i]: −1 for a thread runnable independently, else the index (0, 1, …) of the group of
  // threads it takes turns with; null means every thread is independent.
  // REQUIRES: cores > 0, cpu, turns and busy of length k (busy may not alias the others).
  void solve(const double* cpu, const int* turns, int k, double cores, double* busy);
  void solve(const double* cpu, int k, double cores, double* busy) { solve(cpu, nullptr, k, cores, busy); }

 private:
  std::vector<double> all_, others_, next_, with_groups_, without_;
  std::vector<double> group_sum_;
  std::vector<int> group_size_;
};

}  // namespace flinksim::sim
