// How busy a thread is when the threads of a TaskManager share its cores: Flink's
// busyTimeMsPerSecond counts the time a thread wants a core, waiting for one included, so a thread
// that uses u of a core is busy u ÷ (the speed it gets while runnable). At buffer level that speed
// comes from the actual overlap of runnable threads (processor sharing, at most one core each).
// Here it is a mean-field estimate: the other threads are taken as independent, each runnable
// with its own busy share, so the number X of others runnable is Poisson-binomial, and
//   busy_i = min(1, u_i ÷ E[min(1, cores ÷ (1 + X_i))]),
// solved as a fixed point (Jacobi rounds until no share moves by 1e-9, at most 200).
//
// What it cannot see: threads that run together more (or less) often than independence says —
// e.g. back-pressured sources that their consumers release one full buffer at a time take turns
// and are less busy at buffer level (tests/validation/fluid_agreement_test.cpp, cpu-contention,
// and sim/README.md have the figures). On one core with Poisson-fed threads it
// gives less than M/G/1-PS's 1/(1 − ρ), which counts a thread's own queue as sharing too.
//
// Cost: O(k²) per round for k threads (the distribution of all k, then each thread removed by
// deconvolution); no allocation once the scratch has grown to the largest k.
#pragma once

#include <vector>

namespace flinksim::sim {

class CoreSharing {
 public:
  // cpu[i]: cores thread i uses on average, in [0, 1]. Writes busy[i] ∈ [min(cpu[i], 1), 1].
  // REQUIRES: cores > 0, cpu and busy of length k (they may not alias).
  void solve(const double* cpu, int k, double cores, double* busy);

 private:
  std::vector<double> all_, others_, next_;
};

}  // namespace flinksim::sim
