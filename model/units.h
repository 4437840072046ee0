// Units of flinksim: simulated time, sizes, rates, bandwidths, and the parsers for their text forms.
//
// Invariants
//  - Simulated time is an integer count of nanoseconds (Nanos); no double ever orders events.
//  - Sizes are bytes in signed 64-bit, as in Flink's MemorySize (all memory arithmetic is in bytes).
//  - Rates are records per second and bandwidths bytes per second, as doubles: they are model
//    parameters, not keys of anything.
//
// Parsers return std::nullopt for text they do not accept; callers turn that into an InputError
// that lists the accepted units (see the *_units_hint() functions).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace flinksim::model {

using Nanos = std::int64_t;  // simulated time and durations, ns
using Bytes = std::int64_t;  // sizes, bytes

constexpr Nanos kMicrosecond = 1'000;
constexpr Nanos kMillisecond = 1'000'000;
constexpr Nanos kSecond = 1'000'000'000;
constexpr Nanos kMinute = 60 * kSecond;
constexpr Nanos kHour = 60 * kMinute;

constexpr Bytes kKiB = 1024;
constexpr Bytes kMiB = 1024 * kKiB;
constexpr Bytes kGiB = 1024 * kMiB;

// "250us", "4ms", "60s", "15min", "24h", "1.5s", "2 d". Also Flink's duration words
// ("100 ms", "1 min", "10 s", "5 minutes"). A bare number is refused.
std::optional<Nanos> parse_duration(std::string_view text);
std::string duration_units_hint();

// Flink's MemorySize syntax: a whole number of bytes, or a number with b, k/kb/kibibytes,
// m/mb/mebibytes, g/gb/gibibytes, t/tb/tebibytes (all powers of 1024, case-insensitive, an
// optional space). Flink accepts a bare number as bytes; `require_unit` refuses it, as the
// scenario contract does.
std::optional<Bytes> parse_memory_size(std::string_view text, bool require_unit);
std::string memory_units_hint();

// "800/s", "120k/s", "1.5M/s", "2G/s", "10/ms", "3600/h": records per second.
std::optional<double> parse_rate(std::string_view text);
std::string rate_units_hint();

// "200MB/s", "1.5GB/s", "10Gb/s", "100Mbit/s", "512KiB/s": bytes per second. SI prefixes are
// powers of 1000 (network and storage vendors' convention), KiB/MiB/GiB powers of 1024;
// a lower-case "b" or "bit" means bits.
std::optional<double> parse_bandwidth(std::string_view text);
std::string bandwidth_units_hint();

// Human-readable forms for tables (JSON always carries raw ns / bytes / per-second numbers).
std::string format_duration(Nanos ns);
std::string format_bytes(Bytes bytes);  // "1.688 GiB", "32 KiB", "402653174 B" for odd sizes
std::string format_rate(double per_second);  // "1.20M/s"

}  // namespace flinksim::model
