// [[operator]]: each operator with its inputs (and their partitioning), its keyed state and its
// per-record cost; then the checks across operators (names, sources, inputs, parallelism against
// max parallelism).
#include <charconv>
#include <cmath>
#include <map>

#include "model/scenario_sections.h"

namespace flinksim::model::scenario_reading {
namespace {

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

// "constant" | "exponential" | "lognormal:<cv>" as a distribution and its coefficient of
// variation (exponential: 1); without `exponential` the word is refused (record sizes).
std::optional<std::pair<CostDistribution, double>> read_distribution(Reader& r,
                                                                     const toml::node& node,
                                                                     const std::string& name,
                                                                     bool exponential) {
  const auto text = node.value_exact<std::string>();
  const std::string accepted = std::string("constant | ") + (exponential ? "exponential | " : "") +
                               "lognormal:<cv> (e.g. \"lognormal:0.5\")";
  if (!text) {
    r.error(node, name, "expected one of " + accepted);
    return std::nullopt;
  }
  if (*text == "constant") return std::pair{CostDistribution::Constant, 0.0};
  if (exponential && *text == "exponential") return std::pair{CostDistribution::Exponential, 1.0};
  if (text->rfind("lognormal:", 0) == 0) {
    const std::string cv_text = text->substr(10);
    double cv = -1;
    auto [end, ec] = std::from_chars(cv_text.data(), cv_text.data() + cv_text.size(), cv);
    if (ec != std::errc() || end != cv_text.data() + cv_text.size() || !(cv > 0) ||
        !std::isfinite(cv)) {
      r.error(node, name, in_quotes(*text) + ": the coefficient of variation after 'lognormal:' must be a number > 0");
      return std::nullopt;
    }
    return std::pair{CostDistribution::Lognormal, cv};
  }
  Names words = {"constant", "lognormal"};
  if (exponential) words.insert(words.begin() + 1, "exponential");
  r.error(node, name, in_quotes(*text) + " is not one of " + accepted + did_you_mean(*text, words));
  return std::nullopt;
}

}  // namespace

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
  r.check_keys(
      t,
      {"name", "kind", "parallelism", "max_parallelism", "inputs", "cpu_per_record",
       "cpu_distribution", "selectivity", "record_size", "record_size_distribution", "state",
       "key_skew", "key_count", "source_partitions", "slot_sharing_group", "chaining"},
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
    if (auto dist = read_distribution(r, *d, prefix + ".cpu_distribution", true)) {
      op.cpu_distribution = dist->first;
      op.cpu_cv = dist->first == CostDistribution::Lognormal ? dist->second : 0.0;
    }
  }
  assign(op.selectivity, r.number(t, "selectivity", prefix, 0.0));
  assign(op.record_size, r.size(t, "record_size", prefix));
  if (const toml::node* d = t.get("record_size_distribution")) {
    if (auto dist = read_distribution(r, *d, prefix + ".record_size_distribution", false))
      op.record_size_cv = dist->second;
  }
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

}  // namespace flinksim::model::scenario_reading
