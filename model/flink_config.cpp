#include "model/flink_config.h"
#include "model/text.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string_view>

namespace flinksim::model {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

[[noreturn]] void fail_parse(const std::string& key, const FlinkConfig::Entry* entry,
                             std::string_view value, const std::string& expected) {
  SourcePos pos = entry ? entry->pos : SourcePos{};
  throw InputFailure({InputError{pos, key,
                                 "could not parse value '" + std::string(value) + "': expected " +
                                     expected}});
}

// Flink's Duration parsing (TimeUtils.parseDuration): a bare number is milliseconds.
std::optional<Nanos> parse_flink_duration(std::string_view text) {
  std::string_view s = trim(text);
  if (!s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    std::int64_t ms = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), ms);
    if (ec != std::errc() || ms > INT64_MAX / kMillisecond) return std::nullopt;
    return ms * kMillisecond;
  }
  return parse_duration(s);
}

}  // namespace

void FlinkConfig::set(const std::string& key, std::string value, SourcePos pos) {
  entries_[key] = Entry{std::move(value), std::move(pos)};
}

void FlinkConfig::erase(const std::string& key) { entries_.erase(key); }

const FlinkConfig::Entry* FlinkConfig::find(const OptionDef& option) const {
  if (auto it = entries_.find(std::string(option.key)); it != entries_.end()) return &it->second;
  for (std::string_view old_key : option.deprecated_keys) {
    if (auto it = entries_.find(std::string(old_key)); it != entries_.end()) return &it->second;
  }
  return nullptr;
}

std::string FlinkConfig::key_of(const OptionDef& option) const {
  if (entries_.count(std::string(option.key))) return std::string(option.key);
  for (std::string_view old_key : option.deprecated_keys) {
    if (entries_.count(std::string(old_key))) return std::string(old_key);
  }
  return std::string(option.key);
}

std::string FlinkConfig::get_string(const OptionDef& option) const {
  if (const Entry* entry = find(option)) return entry->value;
  return std::string(option.default_value);
}

bool FlinkConfig::get_bool(const OptionDef& option) const {
  const Entry* entry = find(option);
  const std::string value = get_string(option);
  if (iequals(trim(value), "true")) return true;
  if (iequals(trim(value), "false")) return false;
  fail_parse(key_of(option), entry, value, "true or false");
}

std::int64_t FlinkConfig::get_int(const OptionDef& option) const {
  auto value = get_int_opt(option);
  if (!value) throw std::logic_error("option without default: " + std::string(option.key));
  return *value;
}

std::optional<std::int64_t> FlinkConfig::get_int_opt(const OptionDef& option) const {
  const Entry* entry = find(option);
  const std::string text = get_string(option);
  if (!entry && text.empty()) return std::nullopt;
  std::string_view s = trim(text);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) {
    fail_parse(key_of(option), entry, text, "a whole number");
  }
  return value;
}

double FlinkConfig::get_double(const OptionDef& option) const {
  const Entry* entry = find(option);
  const std::string text = get_string(option);
  if (!entry && text.empty()) throw std::logic_error("option without default: " + std::string(option.key));
  std::string_view s = trim(text);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double value = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(value)) {
    fail_parse(key_of(option), entry, text, "a number");
  }
  return value;
}

Bytes FlinkConfig::get_memory(const OptionDef& option) const {
  auto value = get_memory_opt(option);
  if (!value) throw std::logic_error("option without default: " + std::string(option.key));
  return *value;
}

std::optional<Bytes> FlinkConfig::get_memory_opt(const OptionDef& option) const {
  const Entry* entry = find(option);
  const std::string text = get_string(option);
  if (!entry && text.empty()) return std::nullopt;
  auto value = parse_memory_size(text, /*require_unit=*/false);
  if (!value) fail_parse(key_of(option), entry, text, memory_units_hint());
  return value;
}

Nanos FlinkConfig::get_duration(const OptionDef& option) const {
  auto value = get_duration_opt(option);
  if (!value) throw std::logic_error("option without default: " + std::string(option.key));
  return *value;
}

std::optional<Nanos> FlinkConfig::get_duration_opt(const OptionDef& option) const {
  const Entry* entry = find(option);
  const std::string text = get_string(option);
  if (!entry && text.empty()) return std::nullopt;
  auto value = parse_flink_duration(text);
  if (!value) {
    fail_parse(key_of(option), entry, text,
               "a duration (a bare number is milliseconds) or " + duration_units_hint());
  }
  return value;
}

void FlinkConfig::check_keys(Diagnostics& diagnostics) const {
  std::vector<std::string> known;
  for (const OptionDef* option : all_options()) {
    known.emplace_back(option->key);
    for (std::string_view old_key : option->deprecated_keys) known.emplace_back(old_key);
  }
  for (const auto& [key, entry] : entries_) {
    for (const OptionDef* option : all_options()) {
      const auto& old = option->deprecated_keys;
      if (std::find(old.begin(), old.end(), key) != old.end()) {
        diagnostics.warning(entry.pos, key,
                            "deprecated key; Flink reads it as '" + std::string(option->key) + "'");
      }
    }
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    // Only a near-miss is reported: real Flink keys that flinksim does not model are many and
    // pass through silently.
    const std::string guess = closest_match(key, known);
    if (!guess.empty() && edit_distance(key, guess) <= 2) {
      diagnostics.warning(entry.pos, key, "unknown key; did you mean '" + guess + "'?");
    }
  }
}

}  // namespace flinksim::model
