// Reading Flink's REST JSON defensively: Flink writes numbers as JSON numbers in some answers and
// as strings in others ("405.0", "NaN" for the busy time of a fresh task, flink-facts f), and
// field sets differ between versions. Helpers here turn each surprise into the right failure:
// unparsable text → Malformed; JSON without the fields Flink always sends → NotFlink (when the
// answer does not look like Flink at all) or VersionMismatch (when it does, with other fields).
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace flinksim::calibrate {

// Parses `body`; throws RemoteError(Malformed) naming `what` (e.g. "GET /overview").
nlohmann::json parse_json(const std::string& body, const std::string& what);

// A number written as a JSON number or as a string. "NaN" gives NaN; text that is not a number
// (e.g. "false" for isBackPressured) and null give nullopt.
std::optional<double> json_number(const nlohmann::json& value);

// obj[field] as a number; throws RemoteError(VersionMismatch) when absent or not a number.
double require_number(const nlohmann::json& obj, const char* field, const std::string& what);
std::string require_string(const nlohmann::json& obj, const char* field, const std::string& what);
// obj[field] as an array/object; VersionMismatch when absent or of another type.
const nlohmann::json& require_array(const nlohmann::json& obj, const char* field, const std::string& what);

// obj[field] as a number / string, or the fallback when absent.
double number_or(const nlohmann::json& obj, const char* field, double fallback);
std::string string_or(const nlohmann::json& obj, const char* field, std::string fallback);

}  // namespace flinksim::calibrate
