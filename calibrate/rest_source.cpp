#include "calibrate/rest_source.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "calibrate/http_client.h"

namespace flinksim::calibrate {
namespace fs = std::filesystem;
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool looks_like_html(const std::string& body, const std::string& content_type) {
  if (lower(content_type).find("text/html") != std::string::npos) return true;
  const auto first = body.find_first_not_of(" \t\r\n");
  return first != std::string::npos && body[first] == '<';
}

bool looks_like_login(const std::string& body) {
  const std::string text = lower(body.substr(0, 64 * 1024));
  for (const char* word : {"type=\"password\"", "login", "log in", "sign in", "signin", "sso",
                           "oauth", "saml", "authenticate"}) {
    if (text.find(word) != std::string::npos) return true;
  }
  return false;
}

void write_aside(const fs::path& file, const std::string& text) {
  const fs::path aside = file.string() + ".tmp";
  {
    std::ofstream out(aside, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush())
      throw RemoteError(RemoteFailure::MissingData, "cannot write " + aside.string());
  }
  fs::rename(aside, file);
}

}  // namespace

HttpRestSource::HttpRestSource(std::string base_url, HttpClient& client) : client_(client) {
  while (!base_url.empty() && base_url.back() == '/') base_url.pop_back();
  request_base_ = base_url;
  base_url_ = redact_url(base_url);
}

RestResult HttpRestSource::get(const std::string& path) {
  RestResult result;
  const std::string shown = base_url_ + path.substr(0, path.find('?'));
  HttpResponse response;
  try {
    response = client_.get(request_base_ + path);
  } catch (const RemoteError& error) {
    result.failure = error;
    return result;
  }
  const long status = response.status;
  if (status == 401 || status == 403 || (status >= 300 && status < 400)) {
    result.failure = RemoteError(RemoteFailure::AuthRefused,
                                 "GET " + shown + " answered HTTP " + std::to_string(status) +
                                     ": " + kAuthHint,
                                 static_cast<int>(status));
    return result;
  }
  if (status >= 400) {
    result.failure = RemoteError(RemoteFailure::HttpStatus,
                                 "GET " + shown + " answered HTTP " + std::to_string(status),
                                 static_cast<int>(status));
    return result;
  }
  if (looks_like_html(response.body, response.content_type)) {
    if (looks_like_login(response.body)) {
      result.failure = RemoteError(RemoteFailure::AuthRefused,
                                   "GET " + shown + " answered with an HTML login page: " + kAuthHint,
                                   static_cast<int>(status));
    } else {
      result.failure = RemoteError(RemoteFailure::NotFlink,
                                   "GET " + shown + " answered with an HTML page, not Flink's REST "
                                   "API; is --url the JobManager's REST address (rest.port, default 8081)?",
                                   static_cast<int>(status));
    }
    return result;
  }
  result.body = std::move(response.body);
  return result;
}

SnapshotRestSource::SnapshotRestSource(std::string dir) : dir_(std::move(dir)) {
  const fs::path index = fs::path(dir_) / "index.json";
  std::ifstream in(index);
  if (!in)
    throw RemoteError(RemoteFailure::MissingData,
                      "no snapshot in " + dir_ + ": " + index.string() + " is missing "
                      "(write one with `flinksim snapshot --url URL --out DIR`)");
  try {
    const auto json = nlohmann::json::parse(in);
    for (const auto& [path, file] : json.at("endpoints").items()) files_[path] = file.get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    throw RemoteError(RemoteFailure::Malformed, index.string() + " is not a snapshot index: " + e.what());
  }
}

RestResult SnapshotRestSource::get(const std::string& path) {
  RestResult result;
  const auto it = files_.find(path);
  if (it == files_.end()) {
    result.failure = RemoteError(RemoteFailure::MissingData,
                                 "the snapshot " + dir_ + " has no answer for GET " + path);
    return result;
  }
  const fs::path file = fs::path(dir_) / it->second;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    result.failure = RemoteError(RemoteFailure::MissingData, "cannot read " + file.string());
    return result;
  }
  std::ostringstream text;
  text << in.rdbuf();
  result.body = text.str();
  // A snapshot saved by hand (curl through an SSO proxy) can hold a login page where Flink's JSON
  // belongs: say so, as HttpRestSource does for a live answer, instead of "not valid JSON".
  if (looks_like_html(result.body, "")) {
    const bool login = looks_like_login(result.body);
    const std::string through = login ? "an SSO/auth layer that refused the request"
                                      : "something other than Flink's REST API";
    result.failure = RemoteError(
        login ? RemoteFailure::AuthRefused : RemoteFailure::NotFlink,
        "the snapshot " + dir_ + " answers GET " + path.substr(0, path.find('?')) + " with " +
            (login ? "an HTML login page" : "an HTML page") + " (" + file.filename().string() +
            "), not Flink's JSON: it was saved through " + through +
            "; take the snapshot again with `flinksim snapshot --url URL` (--token-file or "
            "--header-file for SSO)");
  }
  return result;
}

RestResult RecordingRestSource::get(const std::string& path) {
  RestResult result = inner_.get(path);
  if (result.ok()) answers_[path] = result.body;
  return result;
}

std::string snapshot_file_name(const std::string& path) {
  std::string name;
  bool changed = false;
  for (char c : path.substr(path.find_first_not_of('/') == std::string::npos ? 0 : 1)) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.') {
      name += c;
    } else {
      name += '_';
      changed |= c != '/';
    }
  }
  if (name.empty()) name = "root";
  if (changed || name.size() > 96) {
    std::uint64_t hash = 1469598103934665603ull;  // FNV-1a 64
    for (unsigned char c : path) hash = (hash ^ c) * 1099511628211ull;
    char suffix[24];
    std::snprintf(suffix, sizeof suffix, "-%016llx", static_cast<unsigned long long>(hash));
    name = name.substr(0, 96) + suffix;
  }
  return name + ".json";
}

void RecordingRestSource::save(const std::string& dir, const std::string& source) const {
  fs::create_directories(dir);
  nlohmann::ordered_json index;
  index["source"] = source;
  index["takenAt"] = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  index["endpoints"] = nlohmann::ordered_json::object();
  for (const auto& [path, body] : answers_) {
    const std::string file = snapshot_file_name(path);
    write_aside(fs::path(dir) / file, body);
    index["endpoints"][path] = file;
  }
  write_aside(fs::path(dir) / "index.json", index.dump(2) + "\n");
}

}  // namespace flinksim::calibrate
