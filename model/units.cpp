#include "model/units.h"
#include "model/text.h"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <utility>

namespace flinksim::model {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A non-negative decimal number at the start of `s` ("12", "1.5", ".5"); the rest is left in `s`.
std::optional<double> take_number(std::string_view& s) {
  std::size_t end = 0;
  bool digits = false;
  while (end < s.size() && std::isdigit(static_cast<unsigned char>(s[end]))) ++end, digits = true;
  if (end < s.size() && s[end] == '.') {
    ++end;
    while (end < s.size() && std::isdigit(static_cast<unsigned char>(s[end]))) ++end, digits = true;
  }
  if (!digits) return std::nullopt;
  double value = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + end, value);
  if (ec != std::errc() || ptr != s.data() + end || !std::isfinite(value)) return std::nullopt;
  s.remove_prefix(end);
  return value;
}

// Flink's TimeUtils unit labels (d, h, min/m, s, ms, µs, ns and their long forms).
std::optional<Nanos> duration_unit(std::string_view unit) {
  static const std::array<std::pair<std::string_view, Nanos>, 40> kUnits{{
      {"d", 24 * kHour}, {"day", 24 * kHour}, {"days", 24 * kHour},
      {"h", kHour}, {"hour", kHour}, {"hours", kHour},
      {"min", kMinute}, {"m", kMinute}, {"minute", kMinute}, {"minutes", kMinute}, {"mins", kMinute},
      {"s", kSecond}, {"sec", kSecond}, {"secs", kSecond}, {"second", kSecond}, {"seconds", kSecond},
      {"ms", kMillisecond}, {"milli", kMillisecond}, {"millis", kMillisecond},
      {"millisecond", kMillisecond}, {"milliseconds", kMillisecond},
      {"us", kMicrosecond}, {"\xc2\xb5s", kMicrosecond}, {"micro", kMicrosecond},
      {"micros", kMicrosecond}, {"microsecond", kMicrosecond}, {"microseconds", kMicrosecond},
      {"ns", 1}, {"nano", 1}, {"nanos", 1}, {"nanosecond", 1}, {"nanoseconds", 1},
  }};
  const std::string key = lower(unit);
  for (const auto& [label, factor] : kUnits) {
    if (!label.empty() && label == key) return factor;
  }
  return std::nullopt;
}

// Flink's MemorySize.MemoryUnit labels; all powers of 1024.
std::optional<Bytes> memory_unit(std::string_view unit) {
  static const std::array<std::pair<std::string_view, Bytes>, 15> kUnits{{
      {"b", 1}, {"bytes", 1},
      {"k", kKiB}, {"kb", kKiB}, {"kibibytes", kKiB},
      {"m", kMiB}, {"mb", kMiB}, {"mebibytes", kMiB},
      {"g", kGiB}, {"gb", kGiB}, {"gibibytes", kGiB},
      {"t", 1024 * kGiB}, {"tb", 1024 * kGiB}, {"tebibytes", 1024 * kGiB},
  }};
  const std::string key = lower(unit);
  for (const auto& [label, factor] : kUnits) {
    if (!label.empty() && label == key) return factor;
  }
  return std::nullopt;
}

// Up to `decimals` decimals, trailing zeros dropped: 1.6875 → "1.688", 32.0 → "32".
std::string trimmed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

}  // namespace

std::optional<Nanos> parse_duration(std::string_view text) {
  std::string_view s = trim(text);
  auto number = take_number(s);
  if (!number) return std::nullopt;
  s = trim(s);
  if (s.empty()) return std::nullopt;  // a bare number has no unit we could assume
  auto factor = duration_unit(s);
  if (!factor) return std::nullopt;
  const double ns = *number * static_cast<double>(*factor);
  if (ns >= 9.2e18) return std::nullopt;
  return static_cast<Nanos>(std::llround(ns));
}

std::string duration_units_hint() {
  return "a number with a unit: ns, us, ms, s, min (or m), h, d, or Flink's words (\"100 ms\", "
         "\"1 min\", \"5 minutes\"), e.g. \"250us\", \"4ms\", \"60s\", \"15min\", \"24h\"";
}

// Mirrors MemorySize.parse: whole digits, optional whitespace, a case-insensitive unit.
std::optional<Bytes> parse_memory_size(std::string_view text, bool require_unit) {
  std::string_view s = trim(text);
  std::size_t end = 0;
  while (end < s.size() && std::isdigit(static_cast<unsigned char>(s[end]))) ++end;
  if (end == 0) return std::nullopt;
  Bytes value = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + end, value);
  if (ec != std::errc() || ptr != s.data() + end) return std::nullopt;  // overflow
  std::string_view unit = trim(s.substr(end));
  Bytes factor = 1;
  if (unit.empty()) {
    if (require_unit) return std::nullopt;
  } else {
    auto f = memory_unit(unit);
    if (!f) return std::nullopt;
    factor = *f;
  }
  if (value > std::numeric_limits<Bytes>::max() / factor) return std::nullopt;
  return value * factor;
}

std::string memory_units_hint() {
  return "Flink's memory syntax: a whole number with b (bytes), k/kb (KiB), m/mb (MiB), g/gb "
         "(GiB) or t/tb (TiB), e.g. \"512b\", \"64kb\", \"1728m\", \"4g\", \"4 gb\"";
}

std::optional<double> parse_rate(std::string_view text) {
  std::string_view s = trim(text);
  auto number = take_number(s);
  if (!number) return std::nullopt;
  s = trim(s);
  double scale = 1;
  if (!s.empty() && s.front() != '/') {
    switch (s.front()) {
      case 'k': case 'K': scale = 1e3; break;
      case 'M': scale = 1e6; break;  // lower-case m would read as milli
      case 'G': case 'g': scale = 1e9; break;
      default: return std::nullopt;
    }
    s.remove_prefix(1);
    s = trim(s);
  }
  if (s.empty() || s.front() != '/') return std::nullopt;
  s = trim(s.substr(1));
  auto per = duration_unit(s);
  if (!per) return std::nullopt;
  return *number * scale * (static_cast<double>(kSecond) / static_cast<double>(*per));
}

std::string rate_units_hint() {
  return "records per time unit with an optional k, M or G multiplier: \"800/s\", \"120k/s\", "
         "\"1.5M/s\", \"10/ms\", \"3600/h\"";
}

std::optional<double> parse_bandwidth(std::string_view text) {
  std::string_view s = trim(text);
  auto number = take_number(s);
  if (!number) return std::nullopt;
  s = trim(s);
  std::string_view unit;
  bool per_second = false;
  if (auto slash = s.find('/'); slash != std::string_view::npos) {
    unit = trim(s.substr(0, slash));
    std::string per = lower(trim(s.substr(slash + 1)));
    if (per != "s" && per != "sec") return std::nullopt;
    per_second = true;
  } else if (s.size() > 3 && lower(s.substr(s.size() - 3)) == "bps") {
    unit = s.substr(0, s.size() - 2);  // "10Gbps" = "10Gb/s"
    per_second = true;
  }
  if (!per_second || unit.empty()) return std::nullopt;

  double prefix = 1;
  if (unit.size() > 1) {
    const bool binary = unit.size() > 2 && unit[1] == 'i';
    switch (unit.front()) {
      case 'k': case 'K': prefix = binary ? 1024.0 : 1e3; break;
      case 'M': prefix = binary ? 1024.0 * 1024 : 1e6; break;
      case 'G': case 'g': prefix = binary ? 1024.0 * 1024 * 1024 : 1e9; break;
      case 'T': case 't': prefix = binary ? 1024.0 * 1024 * 1024 * 1024 : 1e12; break;
      default: return std::nullopt;
    }
    unit.remove_prefix(binary ? 2 : 1);
  }
  double bytes_per_unit;
  if (unit == "B") {
    bytes_per_unit = 1;
  } else if (unit == "b" || unit == "bit" || unit == "bits") {
    bytes_per_unit = 1.0 / 8;
  } else {
    return std::nullopt;
  }
  return *number * prefix * bytes_per_unit;
}

std::string bandwidth_units_hint() {
  return "bytes or bits per second: B/s, kB/s, MB/s, GB/s (powers of 1000), KiB/s, MiB/s, GiB/s "
         "(powers of 1024), or bits as b/bit: \"200MB/s\", \"10Gb/s\", \"100Mbit/s\", \"512KiB/s\"";
}

std::string format_duration(Nanos ns) {
  const bool negative = ns < 0;
  const double v = std::abs(static_cast<double>(ns));
  std::string out;
  if (v >= static_cast<double>(kHour)) out = trimmed(v / kHour, 3) + "h";
  else if (v >= static_cast<double>(kMinute)) out = trimmed(v / kMinute, 3) + "min";
  else if (v >= static_cast<double>(kSecond)) out = trimmed(v / kSecond, 3) + "s";
  else if (v >= static_cast<double>(kMillisecond)) out = trimmed(v / kMillisecond, 3) + "ms";
  else if (v >= static_cast<double>(kMicrosecond)) out = trimmed(v / kMicrosecond, 3) + "us";
  else out = trimmed(v, 0) + "ns";
  return negative ? "-" + out : out;
}

// Sizes that are not whole KiB are shown in bytes, so the few extra bytes of Flink's fraction
// arithmetic stay visible.
std::string format_bytes(Bytes bytes) {
  if (bytes == 0 || bytes % kKiB != 0) return std::to_string(bytes) + " B";
  static const std::array<std::pair<const char*, double>, 4> kUnits{{
      {"TiB", 1024.0 * kGiB}, {"GiB", double(kGiB)}, {"MiB", double(kMiB)}, {"KiB", double(kKiB)}}};
  const double v = std::abs(static_cast<double>(bytes));
  for (const auto& [name, factor] : kUnits) {
    if (v >= factor) {
      std::string text = bytes < 0 ? "-" : "";
      text += trimmed(v / factor, 3);
      text += ' ';
      text += name;
      return text;
    }
  }
  return std::to_string(bytes) + " B";
}

std::string format_rate(double per_second) {
  const double v = std::abs(per_second);
  std::string sign = per_second < 0 ? "-" : "";
  char buf[64];
  if (v >= 1e9) std::snprintf(buf, sizeof buf, "%.2fG/s", v / 1e9);
  else if (v >= 1e6) std::snprintf(buf, sizeof buf, "%.2fM/s", v / 1e6);
  else if (v >= 1e3) std::snprintf(buf, sizeof buf, "%.2fk/s", v / 1e3);
  else return sign + trimmed(v, 2) + "/s";
  return sign + buf;
}

}  // namespace flinksim::model
