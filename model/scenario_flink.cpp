// [flink]: Flink's configuration keys verbatim, merged into the FlinkConfig over any --config
// file (-D is applied after, by scenario_reader.cpp); then the values the model reads are checked
// and the memory defaults of scenario_reader.h filled in.
#include <charconv>

#include "model/scenario_reader.h"
#include "model/scenario_sections.h"

namespace flinksim::model::scenario_reading {
namespace {

constexpr std::string_view kDefaultOrigin = "(flinksim default: Flink's shipped config.yaml)";

std::string flink_text(const toml::node& node) {
  if (auto s = node.value_exact<std::string>()) return *s;
  if (auto b = node.value_exact<bool>()) return *b ? "true" : "false";
  if (auto i = node.value_exact<std::int64_t>()) return std::to_string(*i);
  if (auto d = node.value_exact<double>()) {
    char buffer[64];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, *d);
    return ec == std::errc() ? std::string(buffer, end) : std::to_string(*d);
  }
  return {};
}

enum class OptionType { Int, Bool, Duration };

}  // namespace

void read_flink_table(Reader& r, const toml::table& table, const std::string& prefix,
                      FlinkConfig& config) {
  for (const auto& [key, node] : table) {
    const std::string name = prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
    if (const toml::table* nested = node.as_table()) {
      read_flink_table(r, *nested, name, config);
    } else if (node.is_string() || node.is_boolean() || node.is_number()) {
      config.set(name, flink_text(node), r.pos(node));
    } else {
      r.error(node, "flink." + name,
              "a Flink configuration value must be a string, number or boolean (Flink lists are "
              "written as one string, e.g. \"a;b\")");
    }
  }
}

void check_flink_values(const FlinkConfig& config, Diagnostics& diag) {
  namespace o = options;
  const std::pair<const OptionDef*, OptionType> checked[] = {
      {&o::kNumberOfTaskSlots, OptionType::Int}, {&o::kParallelismDefault, OptionType::Int},
      {&o::kMaxParallelism, OptionType::Int}, {&o::kBuffersPerChannel, OptionType::Int},
      {&o::kFloatingBuffersPerGate, OptionType::Int}, {&o::kCheckpointMaxConcurrent, OptionType::Int},
      {&o::kOperatorChaining, OptionType::Bool}, {&o::kUnalignedCheckpoints, OptionType::Bool},
      {&o::kIncrementalCheckpoints, OptionType::Bool}, {&o::kLocalRecovery, OptionType::Bool},
      {&o::kCheckpointInterval, OptionType::Duration}, {&o::kCheckpointTimeout, OptionType::Duration},
      {&o::kCheckpointMinPause, OptionType::Duration}, {&o::kBufferTimeout, OptionType::Duration},
      {&o::kHeartbeatTimeout, OptionType::Duration},
  };
  for (const auto& [option, type] : checked) {
    const FlinkConfig::Entry* entry = config.find(*option);
    if (!entry) continue;
    try {
      if (type == OptionType::Int) {
        const std::int64_t v = config.get_int(*option);
        const std::int64_t lo = option == &o::kMaxParallelism ? -1 : 1;
        const std::int64_t hi = option == &o::kMaxParallelism ? 32768 : INT32_MAX;
        if (v < lo || v > hi || (option == &o::kMaxParallelism && v == 0)) {
          diag.error(entry->pos, std::string(option->key),
                     entry->value + " is out of range; must be between " +
                         (lo < 0 ? "1 and 32768 (or -1: derived)" : "1 and " + std::to_string(hi)));
        }
      } else if (type == OptionType::Bool) {
        config.get_bool(*option);
      } else {
        config.get_duration(*option);
      }
    } catch (const InputFailure& failure) {
      for (const auto& e : failure.errors()) diag.error(e.pos, e.field, e.message);
    }
  }
}

void apply_memory_defaults(FlinkConfig& config) {
  namespace o = options;
  const bool tm_sized = config.is_set(o::kTmProcessSize) || config.is_set(o::kTmFlinkSize) ||
                        (config.is_set(o::kTmTaskHeap) && config.is_set(o::kTmManagedSize));
  if (!tm_sized) {
    config.set(std::string(o::kTmProcessSize.key), std::string(kDefaultTmProcessSize),
               {std::string(kDefaultOrigin), 0, 0});
  }
  const bool jm_sized = config.is_set(o::kJmProcessSize) || config.is_set(o::kJmFlinkSize) ||
                        config.is_set(o::kJmHeap);
  if (!jm_sized) {
    config.set(std::string(o::kJmProcessSize.key), std::string(kDefaultJmProcessSize),
               {std::string(kDefaultOrigin), 0, 0});
  }
}

}  // namespace flinksim::model::scenario_reading
