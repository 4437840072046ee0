// Flink configuration as flinksim sees it: raw key → value strings (as in config.yaml /
// flink-conf.yaml / `-Dkey=value` / the scenario's [flink] table), read through typed getters that
// apply Flink's defaults from the option catalogue (flink_options.h).
//
// Unknown keys are kept and passed through (a customer's config has many keys we do not model);
// only keys that look like misspellings of known ones get a warning (see check_keys()).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/diagnostics.h"
#include "model/flink_options.h"
#include "model/units.h"

namespace flinksim::model {

class FlinkConfig {
 public:
  struct Entry {
    std::string value;
    SourcePos pos;
  };

  // Last write wins (file, then scenario [flink], then -D overrides, in that order).
  void set(const std::string& key, std::string value, SourcePos pos = {});
  void erase(const std::string& key);

  // The entry for the option's key, or else for the first of its deprecated keys that is set.
  const Entry* find(const OptionDef& option) const;
  bool is_set(const OptionDef& option) const { return find(option) != nullptr; }
  // The key the option is set under (its own or a deprecated one), else its own key: the field
  // to name in an error about it.
  std::string key_of(const OptionDef& option) const;

  // Typed getters: the configured value, else the option's Flink default. A value that does not
  // parse throws InputFailure naming the key and where it was set. REQUIRES: for the
  // non-optional forms the option has a default.
  std::string get_string(const OptionDef& option) const;
  bool get_bool(const OptionDef& option) const;
  std::int64_t get_int(const OptionDef& option) const;
  double get_double(const OptionDef& option) const;
  Bytes get_memory(const OptionDef& option) const;   // Flink MemorySize syntax
  Nanos get_duration(const OptionDef& option) const; // Flink Duration syntax ("10 s", "1min", "500ms")

  std::optional<Bytes> get_memory_opt(const OptionDef& option) const;
  std::optional<Nanos> get_duration_opt(const OptionDef& option) const;
  std::optional<std::int64_t> get_int_opt(const OptionDef& option) const;

  const std::map<std::string, Entry>& entries() const { return entries_; }

  // Warnings for keys that are not in the catalogue but are within a typo of a catalogue key
  // ("did you mean ...?"). Unknown keys far from any known key are silently passed through.
  void check_keys(Diagnostics& diagnostics) const;

 private:
  std::map<std::string, Entry> entries_;
};

// Reads a Flink configuration file: `config.yaml` (standard nested YAML, Flink 1.19+) or legacy
// `flink-conf.yaml` (flat `key: value` lines). Nested maps are flattened to dotted keys. Errors
// (unreadable file, YAML syntax) are InputErrors with file:line:column.
void load_flink_config_file(const std::string& path, FlinkConfig& config, Diagnostics& diagnostics);

// Applies `-Dkey=value` dynamic properties; a malformed one is an InputError.
void apply_dynamic_properties(const std::vector<std::string>& properties, FlinkConfig& config,
                              Diagnostics& diagnostics);

}  // namespace flinksim::model
