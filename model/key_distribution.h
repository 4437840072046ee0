// How a keyed stream (keyBy, ship strategy HASH) spreads its records over the subtasks of the
// receiving vertex: key popularity (Zipf), keys hashed to key groups, key groups assigned to
// subtasks in contiguous ranges as Flink's KeyGroupRangeAssignment does (flink-facts.md c.3).
//
// Model (deterministic, so a plan is reproducible from the scenario's seed):
//  - key k (1 = hottest) has popularity k^-skew / H(key_count, skew); skew 0 = uniform;
//  - Flink hashes the user's key (murmur of hashCode) to a key group; we do not know the user's
//    keys, so each of the hottest min(key_count, kExplicitKeys) keys is sent to a key group by a
//    seeded hash of its rank (splitmix64 of seed and rank) — the same seed for every keyed
//    operator, as in Flink the same key lands in the same key group after every keyBy;
//  - the popularity of the remaining tail keys is spread evenly over all key groups (many keys
//    per key group, so the law of large numbers does the rest); with skew 0 and more keys than
//    kExplicitKeys every key group gets exactly 1/max_parallelism;
//  - subtasks own contiguous key-group ranges (job_graph.h key_groups_of_subtask);
//  - key_count ≤ 0 means "unknown, many": uniform over key groups.
//
// Cost: O(min(key_count, kExplicitKeys) + max_parallelism), no allocation beyond the result, so
// the engine may call it per keyed edge at set-up.
#pragma once

#include <cstdint>
#include <vector>

namespace flinksim::model {

// Keys placed one by one on key groups; beyond this the tail is spread evenly.
inline constexpr std::int64_t kExplicitKeys = 16'384;

// Share of the records that lands in each key group; sums to 1.
std::vector<double> key_group_shares(std::int64_t key_count, double skew, int max_parallelism,
                                     std::uint64_t seed);

// Share of the records each subtask receives (key group shares summed over its range); sums to 1.
// REQUIRES: 1 ≤ parallelism ≤ max_parallelism.
std::vector<double> subtask_shares(std::int64_t key_count, double skew, int max_parallelism,
                                   int parallelism, std::uint64_t seed);

// Share of the keys (hence of the keyed state) each subtask owns: keys hash evenly over key
// groups whatever their popularity, so this is the count of owned key groups ÷ max_parallelism.
std::vector<double> subtask_key_fractions(int max_parallelism, int parallelism);

}  // namespace flinksim::model
