// Reading Flink's configuration files as GlobalConfiguration does: the standard `config.yaml`
// (Flink 1.19+, real YAML, nested maps flattened to dotted keys) and the legacy `flink-conf.yaml`
// (one `key: value` per line, everything after '#' a comment, values kept as plain strings).
#include <yaml-cpp/yaml.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "model/flink_config.h"

namespace flinksim::model {
namespace {

std::string trim_copy(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

SourcePos pos_of(const std::string& file, const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return SourcePos{file, 0, 0};
  return SourcePos{file, mark.line + 1, mark.column + 1};
}

// Flink's legacy parser (GlobalConfiguration.loadYAMLResource): split at the first ": ".
void load_legacy(const std::string& path, const std::string& text, FlinkConfig& config,
                 Diagnostics& diagnostics) {
  std::istringstream in(text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::string content = line.substr(0, line.find('#'));
    if (trim_copy(content).empty()) continue;
    const auto colon = content.find(": ");
    const std::string key = colon == std::string::npos ? "" : trim_copy(content.substr(0, colon));
    const std::string value =
        colon == std::string::npos ? "" : trim_copy(content.substr(colon + 2));
    if (key.empty() || value.empty()) {
      // Flink logs a warning and skips the line; so do we.
      diagnostics.warning(SourcePos{path, number, 1}, trim_copy(content),
                          "not a 'key: value' line; Flink ignores it");
      continue;
    }
    const auto column = static_cast<int>(content.find(value, colon + 2)) + 1;
    config.set(key, value, SourcePos{path, number, column});
  }
}

std::string scalar_text(const YAML::Node& node) {
  if (node.IsScalar()) return node.Scalar();
  // Flink stores a YAML list as a list; read back as a string it is joined with ';'.
  std::string out;
  for (const auto& item : node) {
    if (!out.empty()) out += ';';
    out += item.IsScalar() ? item.Scalar() : YAML::Dump(item);
  }
  return out;
}

// Keys must be text: a complex key (`? [a, b]`) names no Flink option. A key twice in one map is
// an error, as in Flink (YamlParserUtils refuses duplicate keys); the same dotted key reached
// through two different maps is not, and the later one wins, as in Flink's flattening.
void flatten(const std::string& path, const std::string& prefix, const YAML::Node& map,
             FlinkConfig& config, Diagnostics& diagnostics) {
  std::map<std::string, int> lines;  // key → line, within this map
  for (const auto& item : map) {
    if (!item.first.IsScalar()) {
      diagnostics.error(pos_of(path, item.first), prefix,
                        "a key must be text, not a YAML list or map");
      continue;
    }
    const std::string key = prefix + item.first.Scalar();
    const auto [first, inserted] = lines.emplace(key, pos_of(path, item.first).line);
    if (!inserted) {
      diagnostics.error(pos_of(path, item.first), key,
                        "duplicate key (first on line " + std::to_string(first->second) +
                            "); Flink refuses a config.yaml that sets a key twice");
      continue;
    }
    const YAML::Node& value = item.second;
    if (value.IsMap()) {
      flatten(path, key + ".", value, config, diagnostics);
    } else if (value.IsNull()) {
      diagnostics.warning(pos_of(path, item.first), key, "no value; Flink ignores the key");
    } else {
      config.set(key, scalar_text(value), pos_of(path, value));
    }
  }
}

// yaml-cpp's message for a tab in the indentation ("illegal map value") does not say why.
std::string tab_hint(const std::string& text, int line) {
  std::istringstream in(text);
  std::string content;
  for (int i = 0; std::getline(in, content); ++i) {
    if (i != line && i + 1 != line) continue;  // the mark is on the line or the one after it
    const auto indent = content.find_first_not_of(" \t");
    if (content.substr(0, indent).find('\t') != std::string::npos)
      return " (line " + std::to_string(i + 1) +
             " is indented with a tab; YAML allows only spaces)";
  }
  return "";
}

bool has_nested_map(const YAML::Node& root) {
  for (const auto& item : root) {
    if (item.second.IsMap()) return true;
  }
  return false;
}

}  // namespace

void load_flink_config_file(const std::string& path, FlinkConfig& config,
                            Diagnostics& diagnostics) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diagnostics.error(SourcePos{path, 0, 0}, "", "cannot read the Flink configuration file");
    return;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  const std::string name = std::filesystem::path(path).filename().string();

  if (name == "flink-conf.yaml") {
    load_legacy(path, text, config, diagnostics);
    return;
  }
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    if (name != "config.yaml") {  // a legacy file need not be valid YAML
      load_legacy(path, text, config, diagnostics);
      return;
    }
    diagnostics.error(SourcePos{path, e.mark.line + 1, e.mark.column + 1}, "",
                      "YAML syntax: " + e.msg + tab_hint(text, e.mark.line));
    return;
  }
  if (root.IsNull()) return;  // empty file
  if (!root.IsMap()) {
    diagnostics.error(pos_of(path, root), "", "a Flink configuration must be a map of keys");
    return;
  }
  // Without nesting a file reads the same either way, except for quoting: fall back to the legacy
  // reading unless the name says config.yaml.
  if (name == "config.yaml" || has_nested_map(root)) {
    flatten(path, "", root, config, diagnostics);
  } else {
    load_legacy(path, text, config, diagnostics);
  }
}

void apply_dynamic_properties(const std::vector<std::string>& properties, FlinkConfig& config,
                              Diagnostics& diagnostics) {
  for (const std::string& property : properties) {
    std::string_view text = property;
    if (text.substr(0, 2) == "-D") text.remove_prefix(2);
    const auto equals = text.find('=');
    const std::string key = equals == std::string_view::npos ? "" : trim_copy(text.substr(0, equals));
    if (key.empty()) {
      diagnostics.error(SourcePos{"-D", 0, 0}, std::string(text),
                        "a dynamic property must look like -Dkey=value");
      continue;
    }
    config.set(key, trim_copy(text.substr(equals + 1)), SourcePos{"-D", 0, 0});
  }
}

}  // namespace flinksim::model
