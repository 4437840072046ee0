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

// No figure Flink reports is infinite, so "Infinity" (or "1e999") is no number here: a rate or
// cost derived from it would reach the calibrated scenario as inf or NaN.
std::optional<double> json_number(const nlohmann::json& value) {
  if (value.is_number()) {
    const double number = value.get<double>();  // 1e400 parses as infinity
    return std::isinf(number) ? std::nullopt : std::optional<double>(number);
  }
  if (!value.is_string()) return std::nullopt;
  const std::string& text = value.get_ref<const std::string&>();
  if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double number = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || std::isinf(number)) return std::nullopt;
  return number;
}

double require_number(const nlohmann::json& obj, const char* field, const std::string& what) {
  if (obj.is_object()) {
    if (auto it = obj.find(field); it != obj.end()) {
      // NaN is a gauge Flink has not measured yet, never a count such as slots or parallelism.
      if (auto number = json_number(*it); number && !std::isnan(*number)) return *number;
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
  const auto number = json_number(*it);
  return number && !std::isnan(*number) ? *number : fallback;  // "NaN": not measured, as if absent
}

std::string string_or(const nlohmann::json& obj, const char* field, std::string fallback) {
  if (!obj.is_object()) return fallback;
  auto it = obj.find(field);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : fallback;
}

}  // namespace flinksim::calibrate
