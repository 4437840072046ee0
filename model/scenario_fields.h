// Private to the scenario reader (scenario_reader.cpp and the scenario_*.cpp files of each
// section): the machinery every section shares. Positions of values, the collection of errors,
// typed field readers that check a value and report what is wrong with it, and the "did you mean"
// of unknown keys and words. Not part of the interface of model/: include scenario_reader.h.
//
// Every reader returns std::nullopt both when the key is absent and when its value is wrong (the
// error is then already recorded), so a section reads each field in one line and goes on: the
// reader reports every problem in a file, not only the first. Errors are recorded in the order
// the fields are read, and that order is what `validate` prints.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "model/diagnostics.h"
#include "model/units.h"

namespace flinksim::model::scenario_reading {

using Names = std::vector<std::string>;

// Where values that have no line in the scenario file come from (--set, or built by the reader).
inline constexpr std::string_view kSetOrigin = "--set";

std::string in_quotes(std::string_view s);
// "; did you mean 'x'?" for the candidate closest to `word`, or "" when none is close.
std::string did_you_mean(std::string_view word, const Names& candidates);
std::string join(const Names& names, std::string_view separator);

// One accepted word of a closed set (`kind = "source"`) and the value it stands for.
template <class E>
struct EnumWord {
  std::string_view word;
  E value;
};

// Interprets one parsed TOML tree into a Scenario, recording every problem in `diag`. Each
// `prefix` is the dotted field path of the table being read (`operator "enrich".state`), so that
// an error names the field as the user wrote it.
class Reader {
 public:
  Reader(std::string file, Diagnostics& diag) : file_(std::move(file)), diag_(diag) {}

  SourcePos pos(const toml::source_region& region) const;
  SourcePos pos(const toml::node& node) const { return pos(node.source()); }
  void error(SourcePos at, std::string field, std::string message) {
    diag_.error(std::move(at), std::move(field), std::move(message));
  }
  void error(const toml::node& node, std::string field, std::string message) {
    error(pos(node), std::move(field), std::move(message));
  }
  const std::string& file() const { return file_; }
  Diagnostics& diag() { return diag_; }

  // Unknown keys are errors: a typo must not silently fall back to a default.
  void check_keys(const toml::table& table, const Names& known, const std::string& prefix);

  static std::string field(const std::string& prefix, std::string_view key) {
    return prefix.empty() ? std::string(key) : prefix + "." + std::string(key);
  }

  const toml::table* table(const toml::table& parent, std::string_view key,
                           const std::string& prefix);
  std::optional<std::int64_t> integer(const toml::table& t, std::string_view key,
                                      const std::string& prefix, std::int64_t lo,
                                      std::int64_t hi = INT64_MAX);
  // Integers are numbers too (`cpu_per_taskmanager = 4`). `lo_open`: lo itself is refused.
  std::optional<double> number(const toml::node& node, const std::string& name, double lo,
                               bool lo_open = false, std::optional<double> hi = std::nullopt);
  std::optional<double> number(const toml::table& t, std::string_view key,
                               const std::string& prefix, double lo, bool lo_open = false,
                               std::optional<double> hi = std::nullopt);
  std::optional<std::string> string(const toml::table& t, std::string_view key,
                                    const std::string& prefix);

  // Values with a unit must be strings; a bare number is refused with the accepted units.
  std::optional<Nanos> duration(const toml::node& node, const std::string& name);
  std::optional<Nanos> duration(const toml::table& t, std::string_view key,
                                const std::string& prefix);
  std::optional<Bytes> size(const toml::node& node, const std::string& name);
  std::optional<Bytes> size(const toml::table& t, std::string_view key, const std::string& prefix);
  std::optional<double> rate(const toml::table& t, std::string_view key, const std::string& prefix);
  std::optional<double> bandwidth(const toml::table& t, std::string_view key,
                                  const std::string& prefix);

  // One of `words`; anything else is reported with the accepted words and a "did you mean".
  template <class E>
  std::optional<E> word(const toml::node& node, const std::string& name,
                        std::initializer_list<EnumWord<E>> words) {
    Names known;
    for (const auto& w : words) known.emplace_back(w.word);
    const std::optional<std::size_t> index = word_index(node, name, known);
    if (!index) return std::nullopt;
    return (words.begin() + *index)->value;
  }
  template <class E>
  std::optional<E> word(const toml::table& t, std::string_view key, const std::string& prefix,
                        std::initializer_list<EnumWord<E>> words) {
    const toml::node* node = t.get(key);
    return node ? word<E>(*node, field(prefix, key), words) : std::nullopt;
  }

 private:
  // The index in `known` of the node's word, or std::nullopt once the error is recorded.
  std::optional<std::size_t> word_index(const toml::node& node, const std::string& name,
                                        const Names& known);

  std::string file_;
  Diagnostics& diag_;
};

// Fields the scenario leaves out keep the defaults of scenario.h.
template <class T>
void assign(T& target, const std::optional<T>& value) {
  if (value) target = *value;
}
template <class T, class U>
void assign_cast(T& target, const std::optional<U>& value) {
  if (value) target = static_cast<T>(*value);
}

}  // namespace flinksim::model::scenario_reading
