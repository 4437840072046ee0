// The typed field readers of the scenario reader and their error messages (scenario_fields.h).
#include "model/scenario_fields.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace flinksim::model::scenario_reading {

// Appended, not `"'" + std::string(s) + "'"`: for that, in a function of its own, GCC 12 gives a
// false -Wrestrict warning (a known bug of its string inlining).
std::string in_quotes(std::string_view s) {
  std::string quoted;
  quoted.reserve(s.size() + 2);
  quoted.append(1, '\'').append(s).append(1, '\'');
  return quoted;
}

// closest_match, plus swapped letters ("prase" for "parse"), the commonest typo, which plain
// edit distance counts as two edits and so misses in short words.
std::string did_you_mean(std::string_view word, const Names& candidates) {
  std::string match = closest_match(word, candidates);
  if (match.empty()) {
    std::string sorted_word(word);
    std::sort(sorted_word.begin(), sorted_word.end());
    for (const auto& candidate : candidates) {
      std::string sorted_candidate = candidate;
      std::sort(sorted_candidate.begin(), sorted_candidate.end());
      if (sorted_candidate == sorted_word) match = candidate;
    }
  }
  return match.empty() ? "" : "; did you mean '" + match + "'?";
}

std::string join(const Names& names, std::string_view separator) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : std::string(separator)) + n;
  return out;
}

namespace {

// What a value with a unit is and how it is read: the parser of units.h, the word for it in
// errors, and the accepted units (computed only for an error).
template <class T>
struct Unit {
  std::optional<T> (*parse)(std::string_view);
  std::string_view what;
  std::string (*hint)();
};

const Unit<Nanos> kDuration{parse_duration, "a duration", duration_units_hint};
const Unit<Bytes> kSize{[](std::string_view s) { return parse_memory_size(s, true); }, "a size",
                        memory_units_hint};
const Unit<double> kRate{parse_rate, "a rate", rate_units_hint};
const Unit<double> kBandwidth{parse_bandwidth, "a bandwidth", bandwidth_units_hint};

// A value with a unit: must be a string; a bare number is refused with the accepted units.
template <class T>
std::optional<T> with_unit(Reader& r, const toml::node& node, const std::string& name,
                           const Unit<T>& unit) {
  const std::string what(unit.what);
  if (node.is_number()) {
    r.error(node, name, "a bare number is not " + what + "; write it with a unit, " + unit.hint());
    return std::nullopt;
  }
  if (!node.is_string()) {
    r.error(node, name, "expected " + what + " as a string, " + unit.hint());
    return std::nullopt;
  }
  const std::string text(*node.value_exact<std::string>());
  const auto first = text.find_first_not_of(" \t");
  if (first != std::string::npos && text[first] == '-') {
    r.error(node, name, in_quotes(text) + ": must not be negative");
    return std::nullopt;
  }
  std::optional<T> value = unit.parse(text);
  if (!value) r.error(node, name, in_quotes(text) + " is not " + what + "; accepted: " + unit.hint());
  return value;
}

// The same for the table's `key`; std::nullopt when the key is absent.
template <class T>
std::optional<T> with_unit(Reader& r, const toml::table& t, std::string_view key,
                           const std::string& prefix, const Unit<T>& unit) {
  const toml::node* node = t.get(key);
  return node ? with_unit(r, *node, Reader::field(prefix, key), unit) : std::nullopt;
}

}  // namespace

SourcePos Reader::pos(const toml::source_region& region) const {
  // Values from --set (or built by this reader) have no line in the scenario file.
  if (!region.path || *region.path != file_ || region.begin.line == 0) {
    return {std::string(kSetOrigin), 0, 0};
  }
  return {file_, static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
}

void Reader::check_keys(const toml::table& table, const Names& known, const std::string& prefix) {
  for (const auto& [key, node] : table) {
    const std::string k(key.str());
    if (std::find(known.begin(), known.end(), k) != known.end()) continue;
    SourcePos at = pos(key.source());
    if (at.line == 0) at = pos(node);
    error(at, field(prefix, k),
          "unknown key" + did_you_mean(k, known) + " (known here: " + join(known, ", ") + ")");
  }
}

const toml::table* Reader::table(const toml::table& parent, std::string_view key,
                                 const std::string& prefix) {
  const toml::node* node = parent.get(key);
  if (!node) return nullptr;
  if (!node->is_table()) {
    error(*node, field(prefix, key), "expected a table ([" + std::string(key) + "] or { ... })");
    return nullptr;
  }
  return node->as_table();
}

std::optional<std::int64_t> Reader::integer(const toml::table& t, std::string_view key,
                                            const std::string& prefix, std::int64_t lo,
                                            std::int64_t hi) {
  const toml::node* node = t.get(key);
  if (!node) return std::nullopt;
  const auto value = node->value_exact<std::int64_t>();
  if (!value) {
    error(*node, field(prefix, key), "expected a whole number");
    return std::nullopt;
  }
  if (*value < lo || *value > hi) {
    error(*node, field(prefix, key),
          std::to_string(*value) + " is out of range; must be " +
              (hi == INT64_MAX ? "at least " + std::to_string(lo)
                               : "between " + std::to_string(lo) + " and " + std::to_string(hi)));
    return std::nullopt;
  }
  return value;
}

std::optional<double> Reader::number(const toml::node& node, const std::string& name, double lo,
                                     bool lo_open, std::optional<double> hi) {
  std::optional<double> value;
  if (node.is_integer()) value = static_cast<double>(*node.value_exact<std::int64_t>());
  if (node.is_floating_point()) value = *node.value_exact<double>();
  if (!value) {
    error(node, name, "expected a number");
    return std::nullopt;
  }
  const bool low = lo_open ? !(*value > lo) : !(*value >= lo);
  if (low || (hi && *value > *hi) || !std::isfinite(*value)) {
    std::ostringstream why;
    why << *value << " is out of range; must be " << (lo_open ? "greater than " : "at least ")
        << lo;
    if (hi) why << " and at most " << *hi;
    error(node, name, why.str());
    return std::nullopt;
  }
  return value;
}

std::optional<double> Reader::number(const toml::table& t, std::string_view key,
                                     const std::string& prefix, double lo, bool lo_open,
                                     std::optional<double> hi) {
  const toml::node* node = t.get(key);
  return node ? number(*node, field(prefix, key), lo, lo_open, hi) : std::nullopt;
}

std::optional<std::string> Reader::string(const toml::table& t, std::string_view key,
                                          const std::string& prefix) {
  const toml::node* node = t.get(key);
  if (!node) return std::nullopt;
  if (!node->is_string()) {
    error(*node, field(prefix, key), "expected a string in double quotes");
    return std::nullopt;
  }
  return std::string(*node->value_exact<std::string>());
}

std::optional<Nanos> Reader::duration(const toml::node& node, const std::string& name) {
  return with_unit(*this, node, name, kDuration);
}
std::optional<Nanos> Reader::duration(const toml::table& t, std::string_view key,
                                      const std::string& prefix) {
  return with_unit(*this, t, key, prefix, kDuration);
}
std::optional<Bytes> Reader::size(const toml::node& node, const std::string& name) {
  return with_unit(*this, node, name, kSize);
}
std::optional<Bytes> Reader::size(const toml::table& t, std::string_view key,
                                  const std::string& prefix) {
  return with_unit(*this, t, key, prefix, kSize);
}
std::optional<double> Reader::rate(const toml::table& t, std::string_view key,
                                   const std::string& prefix) {
  return with_unit(*this, t, key, prefix, kRate);
}
std::optional<double> Reader::bandwidth(const toml::table& t, std::string_view key,
                                        const std::string& prefix) {
  return with_unit(*this, t, key, prefix, kBandwidth);
}

std::optional<std::size_t> Reader::word_index(const toml::node& node, const std::string& name,
                                              const Names& known) {
  if (!node.is_string()) {
    error(node, name, "expected one of \"" + join(known, "\" | \"") + "\"");
    return std::nullopt;
  }
  const std::string text(*node.value_exact<std::string>());
  for (std::size_t i = 0; i < known.size(); ++i) {
    if (known[i] == text) return i;
  }
  error(node, name, in_quotes(text) + " is not one of " + join(known, " | ") + did_you_mean(text, known));
  return std::nullopt;
}

}  // namespace flinksim::model::scenario_reading
