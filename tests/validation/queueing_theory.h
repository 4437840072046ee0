// Closed forms of classic queueing theory that the engine is held against. Rates are per second,
// times in seconds. Every function REQUIRES a stable queue (ρ < 1) and positive rates.
//
// Sources
//  [K] L. Kleinrock, Queueing Systems Vol. 1 (1975).  [GH] Gross & Harris, Fundamentals of
//  Queueing Theory, 4th ed. (2008).  [E] A. K. Erlang (1909) / C. D. Crommelin (1932), the M/D/1
//  waiting-time distribution, as given by Franx, "A simple solution for the M/D/c waiting time
//  distribution", Oper. Res. Letters 29 (2001).
#pragma once

#include <algorithm>
#include <cmath>

namespace flinksim::validation {

// M/M/1: the sojourn time (wait + service, FCFS) is exponential with rate μ − λ [K §3.2 (3.23)].
inline double mm1_sojourn_mean(double lambda, double mu) { return 1.0 / (mu - lambda); }
inline double mm1_sojourn_quantile(double lambda, double mu, double q) {
  return -std::log1p(-q) / (mu - lambda);  // median ln2/(μ−λ), p99 ln100/(μ−λ)
}

// M/G/1 Pollaczek–Khinchine mean sojourn: E[S] + λE[S²] / (2(1 − ρ)), ρ = λE[S] [K §5.5 (5.72)].
inline double mg1_sojourn_mean(double lambda, double mean_s, double second_moment_s) {
  const double rho = lambda * mean_s;
  return mean_s + lambda * second_moment_s / (2.0 * (1.0 - rho));
}

// Service moments of the operators the engine has: constant and exponential costs of mean m.
inline double second_moment_constant(double m) { return m * m; }
inline double second_moment_exponential(double m) { return 2.0 * m * m; }
// A chain of two operators is one server whose service is the sum of two independent draws:
// E[(X+Y)²] = E[X²] + 2E[X]E[Y] + E[Y²].
inline double second_moment_sum(double m1, double s1, double m2, double s2) {
  return s1 + 2.0 * m1 * m2 + s2;
}

// M/D/1 mean sojourn, P-K with E[S²] = D²: D + ρD / (2(1 − ρ)) [K §5.6].
inline double md1_sojourn_mean(double lambda, double d) {
  return mg1_sojourn_mean(lambda, d, second_moment_constant(d));
}

// M/D/1 waiting-time CDF [E]: P(W ≤ t) = (1 − ρ) Σ_{k=0}^{⌊t/D⌋} (λ(kD − t))^k / k! · e^{−λ(kD − t)}.
// The terms alternate in sign and grow like e^{λt}; long double keeps ~19 digits, so the sum is
// good to ~1e-9 while e^{λt} < 1e10, i.e. λt < 23 — ample for the p99 of ρ ≤ 0.85.
inline double md1_wait_cdf(double lambda, double d, double t) {
  if (t < 0) return 0.0;
  const long double rho = static_cast<long double>(lambda) * d;
  long double sum = 0;
  const long k_max = static_cast<long>(std::floor(t / d));
  for (long k = 0; k <= k_max; ++k) {
    const long double x = static_cast<long double>(lambda) * (k * static_cast<long double>(d) - t);
    // x^k / k! · e^{−x}, in logs for the magnitude (x ≤ 0, so the sign is (−1)^k).
    long double term = std::exp(-x);
    if (k > 0) term *= std::exp(k * std::log(-x) - std::lgamma(static_cast<long double>(k) + 1));
    sum += (k % 2 == 0 ? term : -term);
  }
  return static_cast<double>(std::clamp((1 - rho) * sum, 0.0L, 1.0L));
}

// The q-quantile of the M/D/1 sojourn T = W + D, by bisection on the CDF above.
inline double md1_sojourn_quantile(double lambda, double d, double q) {
  if (md1_wait_cdf(lambda, d, 0.0) >= q) return d;  // the atom of W at 0 holds mass 1 − ρ
  double lo = 0, hi = d;
  while (md1_wait_cdf(lambda, d, hi) < q) hi *= 2;
  for (int i = 0; i < 100; ++i) {
    const double mid = 0.5 * (lo + hi);
    (md1_wait_cdf(lambda, d, mid) < q ? lo : hi) = mid;
  }
  return d + 0.5 * (lo + hi);
}

// Jackson tandem of M/M/1 queues [GH §4.1]: each station behaves as M/M/1 at the same λ, so the
// mean sojourn is Σ 1/(μ_i − λ).
inline double tandem_mm1_sojourn_mean(double lambda, double mu1, double mu2) {
  return mm1_sojourn_mean(lambda, mu1) + mm1_sojourn_mean(lambda, mu2);
}

// A Poisson stream split at random over k branches gives k independent Poisson streams of rate
// λ/k [K §2.8]; each branch is M/M/1.
inline double random_split_mm1_sojourn_mean(double lambda, int k, double mu) {
  return mm1_sojourn_mean(lambda / k, mu);
}

// GI/M/1 [K §6.3]: with A*(s) the Laplace–Stieltjes transform of the interarrival time, σ is the
// root in (0, 1) of σ = A*(μ(1 − σ)) and the sojourn is exponential with rate μ(1 − σ).
// Round-robin of a Poisson(λ) stream over k servers gives each Erlang-k interarrivals of phase rate
// λ (mean k/λ): A*(s) = (λ / (λ + s))^k.
inline double ekm1_sigma(double lambda, int k, double mu) {
  auto excess = [&](double s) { return std::pow(lambda / (lambda + mu * (1.0 - s)), k) - s; };
  // excess > 0 just above 0 and < 0 just below 1 when ρ = λ/(kμ) < 1: bisect.
  double lo = 0.0, hi = 1.0 - 1e-15;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (excess(mid) > 0 ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}
inline double ekm1_sojourn_mean(double lambda, int k, double mu) {
  return 1.0 / (mu * (1.0 - ekm1_sigma(lambda, k, mu)));
}
inline double ekm1_sojourn_quantile(double lambda, int k, double mu, double q) {
  return -std::log1p(-q) * ekm1_sojourn_mean(lambda, k, mu);
}

}  // namespace flinksim::validation
