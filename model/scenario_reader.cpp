// Reading a scenario in three passes over one TOML tree: parse (syntax errors stop here, as
// TOML++ stops at the first), apply --set overrides to the tree, then interpret every table,
// collecting every error before throwing. Cross-field checks (names, inputs, parallelism against
// max parallelism, failures against the cluster) run after all tables are read, so a bad value
// in one place does not hide a problem in another.
#include "model/scenario_reader.h"
#include "model/text.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include <toml++/toml.h>

namespace flinksim::model {
namespace {

using Names = std::vector<std::string>;

constexpr std::string_view kSetOrigin = "--set";
constexpr std::string_view kDefaultOrigin = "(flinksim default: Flink's shipped config.yaml)";

std::string in_quotes(std::string_view s) { return "'" + std::string(s) + "'"; }

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

template <class E>
struct EnumWord {
  std::string_view word;
  E value;
};

// Interprets one parsed TOML tree into a Scenario, recording every problem in `diag`.
class Reader {
 public:
  Reader(std::string file, Diagnostics& diag) : file_(std::move(file)), diag_(diag) {}

  SourcePos pos(const toml::source_region& region) const {
    // Values from --set (or built by this reader) have no line in the scenario file.
    if (!region.path || *region.path != file_ || region.begin.line == 0) {
      return {std::string(kSetOrigin), 0, 0};
    }
    return {file_, static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
  }
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
  void check_keys(const toml::table& table, const Names& known, const std::string& prefix) {
    for (const auto& [key, node] : table) {
      const std::string k(key.str());
      if (std::find(known.begin(), known.end(), k) != known.end()) continue;
      SourcePos at = pos(key.source());
      if (at.line == 0) at = pos(node);
      error(at, field(prefix, k),
            "unknown key" + did_you_mean(k, known) + " (known here: " + join(known, ", ") + ")");
    }
  }

  static std::string field(const std::string& prefix, std::string_view key) {
    return prefix.empty() ? std::string(key) : prefix + "." + std::string(key);
  }

  const toml::table* table(const toml::table& parent, std::string_view key,
                           const std::string& prefix) {
    const toml::node* node = parent.get(key);
    if (!node) return nullptr;
    if (!node->is_table()) {
      error(*node, field(prefix, key), "expected a table ([" + std::string(key) + "] or { ... })");
      return nullptr;
    }
    return node->as_table();
  }

  std::optional<std::int64_t> integer(const toml::table& t, std::string_view key,
                                      const std::string& prefix, std::int64_t lo,
                                      std::int64_t hi = INT64_MAX) {
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

  // Integers are numbers too (`cpu_per_taskmanager = 4`). `lo_open`: lo itself is refused.
  std::optional<double> number(const toml::node& node, const std::string& name, double lo,
                               bool lo_open = false, std::optional<double> hi = std::nullopt) {
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
  std::optional<double> number(const toml::table& t, std::string_view key,
                               const std::string& prefix, double lo, bool lo_open = false,
                               std::optional<double> hi = std::nullopt) {
    const toml::node* node = t.get(key);
    return node ? number(*node, field(prefix, key), lo, lo_open, hi) : std::nullopt;
  }

  std::optional<std::string> string(const toml::table& t, std::string_view key,
                                    const std::string& prefix) {
    const toml::node* node = t.get(key);
    if (!node) return std::nullopt;
    if (!node->is_string()) {
      error(*node, field(prefix, key), "expected a string in double quotes");
      return std::nullopt;
    }
    return std::string(*node->value_exact<std::string>());
  }

  // A value with a unit: must be a string; a bare number is refused with the accepted units.
  template <class T>
  std::optional<T> with_unit(const toml::node& node, const std::string& name,
                             const std::function<std::optional<T>(std::string_view)>& parse,
                             std::string_view what, const std::string& hint) {
    if (node.is_number()) {
      error(node, name, "a bare number is not " + std::string(what) + "; write it with a unit, " +
                            hint);
      return std::nullopt;
    }
    if (!node.is_string()) {
      error(node, name, "expected " + std::string(what) + " as a string, " + hint);
      return std::nullopt;
    }
    const std::string text(*node.value_exact<std::string>());
    const auto first = text.find_first_not_of(" \t");
    if (first != std::string::npos && text[first] == '-') {
      error(node, name, in_quotes(text) + ": must not be negative");
      return std::nullopt;
    }
    std::optional<T> value = parse(text);
    if (!value) error(node, name, in_quotes(text) + " is not " + std::string(what) + "; accepted: " + hint);
    return value;
  }

  std::optional<Nanos> duration(const toml::node& node, const std::string& name) {
    return with_unit<Nanos>(node, name, parse_duration, "a duration", duration_units_hint());
  }
  std::optional<Nanos> duration(const toml::table& t, std::string_view key,
                                const std::string& prefix) {
    const toml::node* node = t.get(key);
    return node ? duration(*node, field(prefix, key)) : std::nullopt;
  }
  std::optional<Bytes> size(const toml::node& node, const std::string& name) {
    return with_unit<Bytes>(
        node, name, [](std::string_view s) { return parse_memory_size(s, true); }, "a size",
        memory_units_hint());
  }
  std::optional<Bytes> size(const toml::table& t, std::string_view key, const std::string& prefix) {
    const toml::node* node = t.get(key);
    return node ? size(*node, field(prefix, key)) : std::nullopt;
  }
  std::optional<double> rate(const toml::table& t, std::string_view key, const std::string& prefix) {
    const toml::node* node = t.get(key);
    return node ? with_unit<double>(*node, field(prefix, key), parse_rate, "a rate",
                                    rate_units_hint())
                : std::nullopt;
  }
  std::optional<double> bandwidth(const toml::table& t, std::string_view key,
                                  const std::string& prefix) {
    const toml::node* node = t.get(key);
    return node ? with_unit<double>(*node, field(prefix, key), parse_bandwidth, "a bandwidth",
                                    bandwidth_units_hint())
                : std::nullopt;
  }

  template <class E>
  std::optional<E> word(const toml::node& node, const std::string& name,
                        std::initializer_list<EnumWord<E>> words) {
    Names known;
    for (const auto& w : words) known.emplace_back(w.word);
    if (!node.is_string()) {
      error(node, name, "expected one of \"" + join(known, "\" | \"") + "\"");
      return std::nullopt;
    }
    const std::string text(*node.value_exact<std::string>());
    for (const auto& w : words) {
      if (w.word == text) return w.value;
    }
    error(node, name, in_quotes(text) + " is not one of " + join(known, " | ") + did_you_mean(text, known));
    return std::nullopt;
  }
  template <class E>
  std::optional<E> word(const toml::table& t, std::string_view key, const std::string& prefix,
                        std::initializer_list<EnumWord<E>> words) {
    const toml::node* node = t.get(key);
    return node ? word<E>(*node, field(prefix, key), words) : std::nullopt;
  }

 private:
  std::string file_;
  Diagnostics& diag_;
};

template <class T>
void assign(T& target, const std::optional<T>& value) {
  if (value) target = *value;
}
template <class T, class U>
void assign_cast(T& target, const std::optional<U>& value) {
  if (value) target = static_cast<T>(*value);
}

// ---------------------------------------------------------------- --set overrides

// "operator.<name>.<rest>": the longest operator name that the path continues with.
const toml::table* find_operator_by_name(toml::table& root, std::string_view rest,
                                         std::string& name_out) {
  toml::array* ops = root["operator"].as_array();
  if (!ops) return nullptr;
  const toml::table* best = nullptr;
  for (auto& element : *ops) {
    auto* t = element.as_table();
    if (!t) continue;
    const auto name = (*t)["name"].value<std::string>();
    if (!name) continue;
    if (rest.size() > name->size() && rest.substr(0, name->size()) == *name &&
        rest[name->size()] == '.' && (!best || name->size() > name_out.size())) {
      best = t;
      name_out = *name;
    }
  }
  return best;
}

Names operator_names(const toml::table& root) {
  Names names;
  if (const toml::array* ops = root["operator"].as_array()) {
    for (const auto& element : *ops) {
      if (const auto* t = element.as_table()) {
        if (auto name = (*t)["name"].value<std::string>()) names.push_back(*name);
      }
    }
  }
  return names;
}

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == separator) {
      out.emplace_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

// A TOML value when the text is one (`6`, `0.5`, `true`, `[1, 2]`, `"x"`), else the text as a
// string, so that `--set traffic.peak=200k/s` needs no shell quoting. Scalars are rebuilt without
// a source position so that errors point at --set, not at "line 1".
void assign_set_value(toml::table& target, const std::string& key, const std::string& text) {
  try {
    toml::table parsed = toml::parse("v = " + text, std::string(kSetOrigin));
    if (parsed.size() == 1 && parsed.contains("v")) {
      toml::node* v = parsed.get("v");
      if (auto i = v->value_exact<std::int64_t>()) return void(target.insert_or_assign(key, *i));
      if (auto d = v->value_exact<double>()) return void(target.insert_or_assign(key, *d));
      if (auto b = v->value_exact<bool>()) return void(target.insert_or_assign(key, *b));
      if (auto s = v->value_exact<std::string>()) return void(target.insert_or_assign(key, *s));
      if (auto* a = v->as_array()) return void(target.insert_or_assign(key, *a));
      if (auto* t = v->as_table()) return void(target.insert_or_assign(key, *t));
    }
  } catch (const toml::parse_error&) {
  }
  target.insert_or_assign(key, text);
}

void apply_set(toml::table& root, const std::string& assignment, Diagnostics& diag) {
  const SourcePos at{std::string(kSetOrigin), 0, 0};
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || trim(assignment.substr(0, eq)).empty()) {
    diag.error(at, assignment, "expected path=value, e.g. cluster.taskmanagers=6");
    return;
  }
  const std::string path(trim(assignment.substr(0, eq)));
  const std::string value(trim(assignment.substr(eq + 1)));

  toml::table* target = &root;
  std::vector<std::string> segments;
  if (path.rfind("flink.", 0) == 0) {
    // [flink] keys are verbatim dotted keys: the rest of the path is one key.
    target = root["flink"].as_table();
    if (!target) target = root.insert_or_assign("flink", toml::table{}).first->second.as_table();
    segments = {path.substr(6)};
  } else if (path.rfind("operator.", 0) == 0) {
    std::string name;
    const std::string rest = path.substr(9);
    target = const_cast<toml::table*>(find_operator_by_name(root, rest, name));
    const Names names = operator_names(root);
    if (!target && std::find(names.begin(), names.end(), rest) != names.end()) {
      diag.error(at, path, "name a field of the operator: operator." + rest + ".<field>=value");
      return;
    }
    if (!target) {
      const std::string wanted = rest.substr(0, rest.find('.'));
      diag.error(at, path, "no operator named " + in_quotes(wanted) + did_you_mean(wanted, names));
      return;
    }
    segments = split(rest.substr(name.size() + 1), '.');
  } else if (path.rfind("operator[", 0) == 0 || path.rfind("failure[", 0) == 0) {
    const auto open = path.find('['), close = path.find(']');
    int index = -1;
    if (close != std::string::npos) {
      std::from_chars(path.data() + open + 1, path.data() + close, index);
    }
    toml::array* array = root[path.substr(0, open)].as_array();
    if (index < 0 || !array || index >= static_cast<int>(array->size()) ||
        close + 1 >= path.size() || path[close + 1] != '.' || !(*array)[index].is_table()) {
      diag.error(at, path, "no such element; index from 0 up to the number of [[" +
                               path.substr(0, open) + "]] tables − 1");
      return;
    }
    target = (*array)[index].as_table();
    segments = split(path.substr(close + 2), '.');
  } else {
    segments = split(path, '.');
  }
  if (std::any_of(segments.begin(), segments.end(), [](const std::string& x) { return x.empty(); })) {
    diag.error(at, path, "a path needs a name between its dots, e.g. cluster.taskmanagers");
    return;
  }
  for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
    toml::node* next = target->get(segments[i]);
    if (!next) next = target->insert_or_assign(segments[i], toml::table{}).first->second.as_table();
    if (!next->is_table()) {
      diag.error(at, path, in_quotes(segments[i]) + " is not a table");
      return;
    }
    target = next->as_table();
  }
  assign_set_value(*target, segments.back(), value);
}

// ---------------------------------------------------------------- [flink]

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

// Unquoted dotted keys make nested tables; flattening them gives Flink's dotted key again.
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

enum class OptionType { Int, Bool, Duration };

// Values of the catalogue options that the model reads, checked now so that validate reports
// them all instead of the first getter that trips.
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

// ---------------------------------------------------------------- sections

void read_cluster(Reader& r, const toml::table& t, ClusterSpec& c) {
  r.check_keys(t, {"taskmanagers", "cpu_per_taskmanager", "pod_start"}, "cluster");
  assign_cast(c.taskmanagers, r.integer(t, "taskmanagers", "cluster", 1, 100'000));
  assign(c.cpu_per_taskmanager, r.number(t, "cpu_per_taskmanager", "cluster", 0.0, true));
  assign(c.pod_start, r.duration(t, "pod_start", "cluster"));
}

void read_storage(Reader& r, const toml::table& t, StorageSpec& s) {
  r.check_keys(t, {"write_bandwidth", "read_bandwidth", "state_disk"}, "storage");
  assign(s.write_bandwidth, r.bandwidth(t, "write_bandwidth", "storage"));
  assign(s.read_bandwidth, r.bandwidth(t, "read_bandwidth", "storage"));
  if (auto disk = r.word<std::string_view>(t, "state_disk", "storage",
                                           {{"local", "local"}, {"network", "network"}})) {
    s.state_disk = std::string(*disk);
  }
}

void read_network(Reader& r, const toml::table& t, NetworkSpec& n) {
  r.check_keys(t, {"bandwidth_per_taskmanager", "hop_latency"}, "network");
  assign(n.bandwidth_per_taskmanager, r.bandwidth(t, "bandwidth_per_taskmanager", "network"));
  assign(n.hop_latency, r.duration(t, "hop_latency", "network"));
}

const std::initializer_list<EnumWord<Partition>> kPartitions = {
    {"forward", Partition::Forward}, {"rebalance", Partition::Rebalance},
    {"rescale", Partition::Rescale}, {"hash", Partition::Hash},
    {"broadcast", Partition::Broadcast}, {"random", Partition::Random},
    {"global", Partition::Global}};

void read_inputs(Reader& r, const toml::node& node, const std::string& prefix, OperatorSpec& op) {
  const std::string name = prefix + ".inputs";
  const toml::array* array = node.as_array();
  if (!array) {
    r.error(node, name, "expected a list: [\"upstream\", { from = \"other\", partition = \"hash\" }]");
    return;
  }
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::node& element = *array->get(i);
    const std::string element_name = name + "[" + std::to_string(i) + "]";
    InputSpec input;
    input.pos = r.pos(element);
    if (auto s = element.value_exact<std::string>()) {
      input.from = *s;
    } else if (const toml::table* t = element.as_table()) {
      r.check_keys(*t, {"from", "partition"}, element_name);
      if (auto from = r.string(*t, "from", element_name)) {
        input.from = *from;
      } else if (!t->contains("from")) {
        r.error(element, element_name, "missing 'from' (the upstream operator's name)");
      }
      if (const toml::node* p = t->get("partition")) {
        input.partition = r.word<Partition>(*p, element_name + ".partition", kPartitions);
        if (const toml::node* from = t->get("from")) input.pos = r.pos(*from);
      }
    } else {
      r.error(element, element_name, "expected an operator name or { from = ..., partition = ... }");
      continue;
    }
    if (!input.from.empty()) op.inputs.push_back(std::move(input));
  }
}

void read_state(Reader& r, const toml::table& t, const std::string& prefix, StateSpec& s) {
  r.check_keys(t, {"keys", "bytes_per_key", "access", "access_bytes_per_record", "growth_per_hour",
                   "change_rate"},
               prefix);
  assign(s.keys, r.integer(t, "keys", prefix, 0));
  assign(s.bytes_per_key, r.size(t, "bytes_per_key", prefix));
  if (auto access = r.word<std::string_view>(
          t, "access", prefix,
          {{"get-put", "get-put"}, {"rocksdb-get-put", "rocksdb-get-put"},
           {"heap-get-put", "heap-get-put"}, {"append", "append"}, {"read-only", "read-only"}})) {
    s.access = std::string(*access);
  }
  if (auto bytes = r.size(t, "access_bytes_per_record", prefix)) s.access_bytes_per_record = bytes;
  assign(s.growth_per_hour, r.number(t, "growth_per_hour", prefix, 0.0));
  if (auto c = r.number(t, "change_rate", prefix, 0.0, false, 1.0)) s.change_rate = c;
}

void read_cpu_distribution(Reader& r, const toml::node& node, const std::string& name,
                           OperatorSpec& op) {
  const auto text = node.value_exact<std::string>();
  const std::string accepted = "constant | exponential | lognormal:<cv> (e.g. \"lognormal:0.5\")";
  if (!text) {
    r.error(node, name, "expected one of " + accepted);
    return;
  }
  if (*text == "constant") {
    op.cpu_distribution = CostDistribution::Constant;
  } else if (*text == "exponential") {
    op.cpu_distribution = CostDistribution::Exponential;
  } else if (text->rfind("lognormal:", 0) == 0) {
    const std::string cv_text = text->substr(10);
    double cv = -1;
    auto [end, ec] = std::from_chars(cv_text.data(), cv_text.data() + cv_text.size(), cv);
    if (ec != std::errc() || end != cv_text.data() + cv_text.size() || !(cv > 0) ||
        !std::isfinite(cv)) {
      r.error(node, name, in_quotes(*text) + ": the coefficient of variation after 'lognormal:' must be a number > 0");
      return;
    }
    op.cpu_distribution = CostDistribution::Lognormal;
    op.cpu_cv = cv;
  } else {
    r.error(node, name, in_quotes(*text) + " is not one of " + accepted +
                            did_you_mean(*text, {"constant", "exponential", "lognormal"}));
  }
}

OperatorSpec read_operator(Reader& r, const toml::table& t, int index) {
  OperatorSpec op;
  op.pos = r.pos(t);
  std::string prefix = "operator[" + std::to_string(index) + "]";
  if (auto name = r.string(t, "name", prefix)) {
    op.name = *name;
    if (op.name.empty()) r.error(*t.get("name"), prefix + ".name", "must not be empty");
    else prefix = "operator \"" + op.name + "\"";
  } else if (!t.contains("name")) {
    r.error(t, prefix, "missing 'name'");
  }
  r.check_keys(t,
               {"name", "kind", "parallelism", "max_parallelism", "inputs", "cpu_per_record",
                "cpu_distribution", "selectivity", "record_size", "state", "key_skew",
                "key_count", "source_partitions", "slot_sharing_group", "chaining"},
               prefix);
  assign(op.kind, r.word<OperatorKind>(t, "kind", prefix,
                                       {{"source", OperatorKind::Source},
                                        {"operator", OperatorKind::Operator},
                                        {"sink", OperatorKind::Sink}}));
  assign_cast(op.parallelism, r.integer(t, "parallelism", prefix, 1, 32768));
  assign_cast(op.max_parallelism, r.integer(t, "max_parallelism", prefix, 1, 32768));
  if (const toml::node* inputs = t.get("inputs")) read_inputs(r, *inputs, prefix, op);
  assign(op.cpu_per_record, r.duration(t, "cpu_per_record", prefix));
  if (const toml::node* d = t.get("cpu_distribution")) {
    read_cpu_distribution(r, *d, prefix + ".cpu_distribution", op);
  }
  assign(op.selectivity, r.number(t, "selectivity", prefix, 0.0));
  assign(op.record_size, r.size(t, "record_size", prefix));
  if (const toml::table* state = r.table(t, "state", prefix)) {
    op.state.emplace();
    read_state(r, *state, prefix + ".state", *op.state);
  }
  assign(op.key_skew, r.number(t, "key_skew", prefix, 0.0));
  if (auto keys = r.integer(t, "key_count", prefix, 1)) op.key_count = keys;
  assign(op.source_partitions, r.integer(t, "source_partitions", prefix, 0));
  if (auto group = r.string(t, "slot_sharing_group", prefix)) {
    op.slot_sharing_group = *group;
    op.slot_sharing_group_set = true;
  }
  assign(op.chaining, r.word<Chaining>(t, "chaining", prefix,
                                       {{"always", Chaining::Always},
                                        {"never", Chaining::Never},
                                        {"head", Chaining::Head}}));
  return op;
}

// "time,rate" per line; `time` a duration or bare seconds, `rate` a rate or bare records/s (the
// header names the units). '#' starts a comment; a first line without digits is the header.
void read_trace(Reader& r, const std::string& path, SourcePos from, TrafficSpec& traffic) {
  std::ifstream in(path);
  if (!in) {
    r.error(from, "traffic.trace", "cannot read trace file " + in_quotes(path));
    return;
  }
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (const auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (trim(line).empty()) continue;
    const auto comma = line.find(',');
    if (traffic.trace.empty() && line.find_first_of("0123456789") == std::string::npos) continue;
    const SourcePos at{path, number, 1};
    if (comma == std::string::npos) {
      r.error(at, "traffic.trace", "expected 'time,rate', e.g. '3600,1200' or '1h,1.2k/s'");
      continue;
    }
    const std::string time_text(trim(line.substr(0, comma)));
    const std::string rate_text(trim(line.substr(comma + 1)));
    auto bare = [](const std::string& s) -> std::optional<double> {
      double v = 0;
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec != std::errc() || end != s.data() + s.size() || !(v >= 0)) return std::nullopt;
      return v;
    };
    std::optional<Nanos> time = parse_duration(time_text);
    if (!time) {
      if (auto seconds = bare(time_text)) time = static_cast<Nanos>(*seconds * 1e9);
    }
    std::optional<double> rate = parse_rate(rate_text);
    if (!rate) rate = bare(rate_text);
    if (!time) {
      r.error(at, "traffic.trace", in_quotes(time_text) + " is not a time (seconds, or " +
                                       duration_units_hint() + ")");
    } else if (!rate) {
      r.error({path, number, static_cast<int>(comma) + 2}, "traffic.trace",
              in_quotes(rate_text) + " is not a rate (records/s, or " + rate_units_hint() + ")");
    } else if (!traffic.trace.empty() && *time <= traffic.trace.back().first) {
      r.error(at, "traffic.trace", "times must increase from line to line");
    } else {
      traffic.trace.emplace_back(*time, *rate);
    }
  }
  if (traffic.trace.empty() && r.diag().ok()) {
    r.error(from, "traffic.trace", "trace file " + in_quotes(path) + " has no 'time,rate' points");
  }
}

void read_traffic(Reader& r, const toml::table& t, TrafficSpec& traffic) {
  const std::string p = "traffic";
  traffic.pos = r.pos(t);
  r.check_keys(t, {"shape", "peak", "trough", "duration", "arrival", "step_at", "burst_every",
                   "burst_length", "diurnal_peak_at", "trace"},
               p);
  assign(traffic.shape, r.word<TrafficShape>(t, "shape", p,
                                             {{"constant", TrafficShape::Constant},
                                              {"step", TrafficShape::Step},
                                              {"diurnal", TrafficShape::Diurnal},
                                              {"burst", TrafficShape::Burst},
                                              {"trace", TrafficShape::Trace}}));
  assign(traffic.peak, r.rate(t, "peak", p));
  assign(traffic.trough, r.rate(t, "trough", p));
  const auto duration = r.duration(t, "duration", p);
  assign(traffic.duration, duration);
  assign(traffic.arrival, r.word<Arrival>(t, "arrival", p,
                                          {{"poisson", Arrival::Poisson},
                                           {"uniform", Arrival::Uniform}}));
  assign(traffic.step_at, r.duration(t, "step_at", p));
  assign(traffic.burst_every, r.duration(t, "burst_every", p));
  assign(traffic.burst_length, r.duration(t, "burst_length", p));
  assign(traffic.diurnal_peak_at, r.duration(t, "diurnal_peak_at", p));
  if (auto trace = r.string(t, "trace", p)) traffic.trace_file = *trace;

  auto at = [&](std::string_view key) { return t.get(key) ? r.pos(*t.get(key)) : r.pos(t); };
  if (duration && *duration == 0) r.error(at("duration"), p + ".duration", "must be longer than 0s");
  const bool needs_peak = traffic.shape != TrafficShape::Trace;
  if (needs_peak && !t.contains("peak")) {
    r.error(r.pos(t), p + ".peak", "missing: the total records/s arriving at the sources, e.g. \"120k/s\"");
  }
  if (traffic.trough > traffic.peak && t.contains("trough") && t.contains("peak")) {
    r.error(at("trough"), p + ".trough", "must not be above traffic.peak");
  }
  switch (traffic.shape) {
    case TrafficShape::Diurnal:
      if (traffic.diurnal_peak_at >= kHour * 24) {
        r.error(at("diurnal_peak_at"), p + ".diurnal_peak_at", "a time of day: must be below 24h");
      }
      break;
    case TrafficShape::Burst:
      if (traffic.burst_every <= 0) {
        r.error(at("burst_every"), p + ".burst_every", "shape = \"burst\" needs a period > 0s");
      } else if (traffic.burst_length <= 0 || traffic.burst_length > traffic.burst_every) {
        r.error(at("burst_length"), p + ".burst_length",
                "shape = \"burst\" needs a burst length > 0s and at most burst_every");
      }
      break;
    case TrafficShape::Trace:
      if (traffic.trace_file.empty()) {
        r.error(at("trace"), p + ".trace", "shape = \"trace\" needs trace = \"file.csv\" (columns time,rate)");
      } else {
        namespace fs = std::filesystem;
        fs::path file(traffic.trace_file);
        if (file.is_relative()) file = fs::path(r.file()).parent_path() / file;
        traffic.trace_file = file.string();
        read_trace(r, traffic.trace_file, at("trace"), traffic);
        if (!duration && !traffic.trace.empty()) traffic.duration = traffic.trace.back().first;
        if (!t.contains("peak")) {
          for (const auto& point : traffic.trace) traffic.peak = std::max(traffic.peak, point.second);
        }
      }
      break;
    default:
      break;
  }
}

FailureSpec read_failure(Reader& r, const toml::table& t, int index) {
  FailureSpec f;
  f.pos = r.pos(t);
  const std::string p = "failure[" + std::to_string(index) + "]";
  r.check_keys(t, {"at", "kind", "taskmanager"}, p);
  if (auto at = r.duration(t, "at", p)) f.at = *at;
  else if (!t.contains("at")) r.error(t, p + ".at", "missing: when the failure happens, e.g. \"14h\"");
  assign(f.kind, r.word<FailureKind>(t, "kind", p,
                                     {{"taskmanager", FailureKind::TaskManager},
                                      {"jobmanager", FailureKind::JobManager}}));
  assign_cast(f.taskmanager, r.integer(t, "taskmanager", p, 0));
  return f;
}

void read_simulation(Reader& r, const toml::table& t, SimulationSpec& s) {
  const std::string p = "simulation";
  r.check_keys(t, {"granularity", "event_budget", "metrics_interval", "warmup"}, p);
  assign(s.granularity, r.word<Granularity>(t, "granularity", p,
                                            {{"buffer", Granularity::Buffer},
                                             {"fluid", Granularity::Fluid},
                                             {"auto", Granularity::Auto}}));
  assign(s.event_budget, r.integer(t, "event_budget", p, 1));
  if (auto interval = r.duration(t, "metrics_interval", p)) {
    if (*interval <= 0) r.error(*t.get("metrics_interval"), p + ".metrics_interval", "must be longer than 0s");
    else s.metrics_interval = *interval;
  }
  if (auto warmup = r.duration(t, "warmup", p)) s.warmup = warmup;
}

void read_slo(Reader& r, const toml::table& t, SloSpec& s) {
  const std::string p = "slo";
  r.check_keys(t, {"max_latency_p99", "max_recovery", "max_checkpoint_duration",
                   "target_utilization"},
               p);
  if (auto v = r.duration(t, "max_latency_p99", p)) s.max_latency_p99 = v;
  if (auto v = r.duration(t, "max_recovery", p)) s.max_recovery = v;
  if (auto v = r.duration(t, "max_checkpoint_duration", p)) s.max_checkpoint_duration = v;
  if (auto v = r.number(t, "target_utilization", p, 0.0, true, 1.0)) s.target_utilization = v;
}

// A list of values each read by `one`; a missing key leaves `out` alone.
template <class T>
void read_list(Reader& r, const toml::table& t, std::string_view key, const std::string& prefix,
               std::vector<T>& out,
               const std::function<std::optional<T>(const toml::node&, const std::string&)>& one) {
  const toml::node* node = t.get(key);
  if (!node) return;
  const toml::array* array = node->as_array();
  if (!array || array->empty()) {
    r.error(*node, Reader::field(prefix, key), "expected a non-empty list [ ... ]");
    return;
  }
  out.clear();
  for (std::size_t i = 0; i < array->size(); ++i) {
    if (auto v = one(*array->get(i), Reader::field(prefix, key) + "[" + std::to_string(i) + "]")) {
      out.push_back(*v);
    }
  }
}

void read_search(Reader& r, const toml::table& t, SearchSpec& s) {
  const std::string p = "search";
  r.check_keys(t, {"taskmanagers", "slots_per_taskmanager", "cpu_per_taskmanager",
                   "memory_per_taskmanager", "price_per_core_hour", "price_per_gib_hour"},
               p);
  auto whole = [&r](const toml::node& n, const std::string& name) -> std::optional<int> {
    const auto v = n.value_exact<std::int64_t>();
    if (!v || *v < 1 || *v > 100'000) {
      r.error(n, name, "expected a whole number ≥ 1");
      return std::nullopt;
    }
    return static_cast<int>(*v);
  };
  if (const toml::node* node = t.get("taskmanagers")) {
    const toml::array* array = node->as_array();
    std::vector<int> range;
    if (array && array->size() == 2) read_list<int>(r, t, "taskmanagers", p, range, whole);
    if (range.size() == 2 && range[0] <= range[1]) {
      s.taskmanagers = std::make_pair(range[0], range[1]);
    } else if (!array || array->size() != 2 || range.size() == 2) {
      r.error(*node, p + ".taskmanagers", "expected an inclusive range [lowest, highest], e.g. [1, 32]");
    }
  }
  read_list<int>(r, t, "slots_per_taskmanager", p, s.slots_per_taskmanager, whole);
  read_list<double>(r, t, "cpu_per_taskmanager", p, s.cpu_per_taskmanager,
                    [&r](const toml::node& n, const std::string& name) {
                      return r.number(n, name, 0.0, true);
                    });
  read_list<Bytes>(r, t, "memory_per_taskmanager", p, s.memory_per_taskmanager,
                   [&r](const toml::node& n, const std::string& name) { return r.size(n, name); });
  assign(s.price_per_core_hour, r.number(t, "price_per_core_hour", p, 0.0));
  assign(s.price_per_gib_hour, r.number(t, "price_per_gib_hour", p, 0.0));
}

// ---------------------------------------------------------------- cross-field checks

void check_operators(Reader& r, const Scenario& s) {
  if (s.operators.empty()) {
    r.error(SourcePos{r.file(), 0, 0}, "operator", "no [[operator]]: a job needs at least a source");
    return;
  }
  Names names;
  std::map<std::string, int> first;
  for (std::size_t i = 0; i < s.operators.size(); ++i) {
    const OperatorSpec& op = s.operators[i];
    if (op.name.empty()) continue;
    if (auto [it, fresh] = first.emplace(op.name, static_cast<int>(i)); !fresh) {
      const SourcePos& other = s.operators[it->second].pos;
      r.error(op.pos, "operator \"" + op.name + "\".name",
              "duplicate operator name (first defined at line " + std::to_string(other.line) + ")");
    }
    names.push_back(op.name);
  }
  bool any_source = false;
  for (const OperatorSpec& op : s.operators) {
    const std::string p = "operator \"" + op.name + "\"";
    any_source |= op.kind == OperatorKind::Source;
    if (op.kind == OperatorKind::Source && !op.inputs.empty()) {
      r.error(op.inputs.front().pos, p + ".inputs",
              "a source has no inputs (kind = \"source\" reads from outside the job)");
    }
    if (op.kind != OperatorKind::Source && op.inputs.empty() && !op.name.empty()) {
      r.error(op.pos, p + ".inputs",
              "missing: an operator that is not a source needs inputs = [\"upstream\"]");
    }
    for (const InputSpec& input : op.inputs) {
      if (!first.count(input.from)) {
        r.error(input.pos, p + ".inputs",
                "no operator named " + in_quotes(input.from) + did_you_mean(input.from, names));
      }
    }
  }
  if (!any_source) {
    r.error(s.operators.front().pos, "operator", "no operator has kind = \"source\"");
  }
}

void check_parallelism(Reader& r, const Scenario& s, const toml::table& root) {
  std::optional<std::int64_t> default_p, pipeline_max;
  try {
    default_p = s.flink.get_int_opt(options::kParallelismDefault);
    pipeline_max = s.flink.get_int_opt(options::kMaxParallelism);
  } catch (const InputFailure&) {
    return;  // reported by check_flink_values
  }
  const toml::array* tables = root["operator"].as_array();
  for (std::size_t i = 0; i < s.operators.size(); ++i) {
    const OperatorSpec& op = s.operators[i];
    const std::int64_t p = op.parallelism ? *op.parallelism : default_p.value_or(1);
    std::optional<std::int64_t> max = op.max_parallelism;
    if (!max && pipeline_max && *pipeline_max > 0) max = pipeline_max;
    if (!max || p <= *max) continue;
    SourcePos at = op.pos;
    if (tables && i < tables->size()) {
      if (const toml::table* t = (*tables)[i].as_table()) {
        if (const toml::node* n = t->get(op.parallelism ? "parallelism" : "max_parallelism")) at = r.pos(*n);
      }
    }
    r.error(at, "operator \"" + op.name + "\".parallelism",
            "parallelism " + std::to_string(p) + " is above the max parallelism " +
                std::to_string(*max) + " (the number of key groups); Flink refuses that");
  }
}

void check_failures(Reader& r, const Scenario& s) {
  for (std::size_t i = 0; i < s.failures.size(); ++i) {
    const FailureSpec& f = s.failures[i];
    const std::string p = "failure[" + std::to_string(i) + "]";
    if (f.at >= s.traffic.duration) {
      r.error(f.pos, p + ".at", format_duration(f.at) + " is not before the end of the run (" +
                                    format_duration(s.traffic.duration) + ")");
    }
    if (f.kind == FailureKind::TaskManager && f.taskmanager >= s.cluster.taskmanagers) {
      r.error(f.pos, p + ".taskmanager",
              "TaskManager " + std::to_string(f.taskmanager) + " does not exist (0 to " +
                  std::to_string(s.cluster.taskmanagers - 1) + ")");
    }
  }
  if (s.simulation.warmup && *s.simulation.warmup >= s.traffic.duration) {
    r.error(SourcePos{r.file(), 0, 0}, "simulation.warmup", "must be shorter than traffic.duration");
  }
}

// [[key]] tables, each read by `one` (reader, table, index).
template <class T>
void read_tables(Reader& r, const toml::table& root, std::string_view key, std::vector<T>& out,
                 T (*one)(Reader&, const toml::table&, int)) {
  const toml::node* node = root.get(key);
  if (!node) return;
  const toml::array* array = node->as_array();
  if (!array || !array->is_array_of_tables()) {
    r.error(*node, std::string(key), "expected [[" + std::string(key) + "]] tables");
    return;
  }
  for (std::size_t i = 0; i < array->size(); ++i) {
    out.push_back(one(r, *array->get(i)->as_table(), static_cast<int>(i)));
  }
}

Scenario interpret(Reader& r, toml::table& root, const ScenarioOverrides& overrides) {
  Scenario s;
  s.path = r.file();
  s.name = std::filesystem::path(r.file()).stem().string();
  for (const std::string& assignment : overrides.sets) apply_set(root, assignment, r.diag());

  r.check_keys(root, {"name", "seed", "cluster", "flink", "storage", "network", "operator",
                      "traffic", "failure", "simulation", "slo", "search"},
               "");
  assign(s.name, r.string(root, "name", ""));
  assign_cast(s.seed, r.integer(root, "seed", "", 0));

  if (overrides.config_file) load_flink_config_file(*overrides.config_file, s.flink, r.diag());
  if (const toml::table* t = r.table(root, "flink", "")) read_flink_table(r, *t, "", s.flink);
  apply_dynamic_properties(overrides.dynamic_properties, s.flink, r.diag());
  s.flink.check_keys(r.diag());
  apply_memory_defaults(s.flink);
  check_flink_values(s.flink, r.diag());

  if (const toml::table* t = r.table(root, "cluster", "")) read_cluster(r, *t, s.cluster);
  if (const toml::table* t = r.table(root, "storage", "")) read_storage(r, *t, s.storage);
  if (const toml::table* t = r.table(root, "network", "")) read_network(r, *t, s.network);
  read_tables(r, root, "operator", s.operators, read_operator);
  if (const toml::table* t = r.table(root, "traffic", "")) {
    read_traffic(r, *t, s.traffic);
  } else if (!root.contains("traffic")) {
    r.error(SourcePos{r.file(), 0, 0}, "traffic", "missing [traffic]: what arrives at the sources");
  }
  read_tables(r, root, "failure", s.failures, read_failure);
  if (const toml::table* t = r.table(root, "simulation", "")) read_simulation(r, *t, s.simulation);
  if (const toml::table* t = r.table(root, "slo", "")) read_slo(r, *t, s.slo);
  if (const toml::table* t = r.table(root, "search", "")) read_search(r, *t, s.search);

  check_operators(r, s);
  check_parallelism(r, s, root);
  check_failures(r, s);
  return s;
}

}  // namespace

Scenario read_scenario_text(std::string_view toml, const std::string& source_path,
                            const ScenarioOverrides& overrides, Diagnostics* warnings) {
  Diagnostics diag;
  toml::table root;
  try {
    root = toml::parse(toml, source_path);
  } catch (const toml::parse_error& e) {
    diag.error({source_path, static_cast<int>(e.source().begin.line),
                static_cast<int>(e.source().begin.column)},
               "", "TOML syntax error: " + std::string(e.description()));
    throw_if_errors(diag);
  }
  Reader reader(source_path, diag);
  Scenario scenario = interpret(reader, root, overrides);
  if (warnings) {
    for (const InputError& w : diag.warnings()) warnings->warning(w.pos, w.field, w.message);
  }
  throw_if_errors(diag);
  return scenario;
}

Scenario read_scenario_file(const std::string& path, const ScenarioOverrides& overrides,
                            Diagnostics* warnings) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    Diagnostics diag;
    diag.error({path, 0, 0}, "", "cannot read the scenario file");
    throw_if_errors(diag);
  }
  std::ostringstream text;
  text << in.rdbuf();
  return read_scenario_text(text.str(), path, overrides, warnings);
}

}  // namespace flinksim::model
