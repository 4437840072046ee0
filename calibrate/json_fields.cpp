#include "calibrate/json_fields.h"

#include <cmath>
#include <cstdlib>
#include <limits>

#include "calibrate/remote_error.h"

namespace flinksim::calibrate {

nlohmann::json parse_json(const std::string& body, const std::string& what) {
  auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    throw RemoteError(RemoteFailure::Malformed,
                      what + " did not answer with valid JSON (" + std::to_string(body.size()) +
                          " bytes; a proxy error page or a truncated answer?)");
  }
  return json;
}

std::optional<double> json_number(const nlohmann::json& value) {
  if (value.is_number()) return value.get<double>();
  if (!value.is_string()) return std::nullopt;
  const std::string& text = value.get_ref<const std::string&>();
  if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (text == "Infinity") return std::numeric_limits<double>::infinity();
  if (text == "-Infinity") return -std::numeric_limits<double>::infinity();
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double number = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  return number;
}

double require_number(const nlohmann::json& obj, const char* field, const std::string& what) {
  if (obj.is_object()) {
    if (auto it = obj.find(field); it != obj.end()) {
      if (auto number = json_number(*it)) return *number;
    }
  }
  throw RemoteError(RemoteFailure::VersionMismatch,
                    what + ": the field \"" + field + "\" is missing or not a number; this Flink "
                    "version's REST answers differ from the 1.16–2.x shapes flinksim reads");
}

std::string require_string(const nlohmann::json& obj, const char* field, const std::string& what) {
  if (obj.is_object()) {
    if (auto it = obj.find(field); it != obj.end() && it->is_string()) return it->get<std::string>();
  }
  throw RemoteError(RemoteFailure::VersionMismatch,
                    what + ": the field \"" + field + "\" is missing or not a string; this Flink "
                    "version's REST answers differ from the 1.16–2.x shapes flinksim reads");
}

const nlohmann::json& require_array(const nlohmann::json& obj, const char* field, const std::string& what) {
  if (obj.is_object()) {
    if (auto it = obj.find(field); it != obj.end() && (it->is_array() || it->is_object())) return *it;
  }
  throw RemoteError(RemoteFailure::VersionMismatch,
                    what + ": the field \"" + field + "\" is missing; this Flink version's REST "
                    "answers differ from the 1.16–2.x shapes flinksim reads");
}

double number_or(const nlohmann::json& obj, const char* field, double fallback) {
  if (!obj.is_object()) return fallback;
  auto it = obj.find(field);
  if (it == obj.end()) return fallback;
  return json_number(*it).value_or(fallback);
}

std::string string_or(const nlohmann::json& obj, const char* field, std::string fallback) {
  if (!obj.is_object()) return fallback;
  auto it = obj.find(field);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : fallback;
}

}  // namespace flinksim::calibrate
