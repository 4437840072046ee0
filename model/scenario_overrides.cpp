// --set path=value (ScenarioOverrides::sets) written into the parsed TOML tree before any table
// is read, so that an overridden value gets exactly the checks of one written in the file; its
// errors say `--set` instead of a line and column.
#include <algorithm>
#include <charconv>

#include "model/scenario_sections.h"
#include "model/text.h"

namespace flinksim::model::scenario_reading {
namespace {

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

}  // namespace

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

}  // namespace flinksim::model::scenario_reading
