#include "calibrate/credentials.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "model/diagnostics.h"

namespace flinksim::calibrate {
namespace {

std::string trim(std::string s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

[[noreturn]] void refuse(const std::string& file, const std::string& field, const std::string& why) {
  throw model::InputFailure({model::InputError{model::SourcePos{file, 0, 0}, field, why}});
}

std::string read_whole(const std::string& file, const std::string& field) {
  std::ifstream in(file, std::ios::binary);
  if (!in) refuse(file, field, "cannot read the file");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

Credentials Credentials::load(const std::optional<std::string>& token_file,
                              const std::optional<std::string>& header_file, bool use_env) {
  Credentials c;
  auto add_token = [&c](const std::string& token) {
    c.headers_.push_back("Authorization: Bearer " + token);
    c.secrets_.push_back(token);
  };
  if (token_file) {
    const std::string token = trim(read_whole(*token_file, "--token-file"));
    if (token.empty()) refuse(*token_file, "--token-file", "the file is empty");
    if (token.find_first_of("\r\n") != std::string::npos)
      refuse(*token_file, "--token-file", "a token file holds one line");
    add_token(token);
  }
  if (header_file) {
    std::istringstream lines(read_whole(*header_file, "--header-file"));
    std::string line;
    int number = 0;
    while (std::getline(lines, line)) {
      ++number;
      line = trim(line);
      if (line.empty() || line[0] == '#') continue;
      const auto colon = line.find(':');
      if (colon == std::string::npos || colon == 0)
        throw model::InputFailure({model::InputError{model::SourcePos{*header_file, number, 1},
                                                     "--header-file",
                                                     "expected a \"Name: value\" line"}});
      const std::string value = trim(line.substr(colon + 1));
      c.headers_.push_back(trim(line.substr(0, colon)) + ": " + value);
      if (!value.empty()) c.secrets_.push_back(value);
    }
    if (c.headers_.empty()) refuse(*header_file, "--header-file", "the file holds no header");
  }
  if (!token_file && !header_file && use_env) {
    if (const char* env = std::getenv("FLINKSIM_TOKEN"); env && *env) add_token(trim(env));
  }
  return c;
}

std::string Credentials::scrub(std::string text) const {
  // Values first, then their "; "-separated parts (a cookie header's individual cookies), so a
  // server that echoes one cookie of several does not leak it either.
  std::vector<std::string> needles = secrets_;
  for (const auto& secret : secrets_) {
    std::size_t start = 0;
    while (start < secret.size()) {
      auto end = secret.find(';', start);
      if (end == std::string::npos) end = secret.size();
      std::string part = trim(secret.substr(start, end - start));
      const auto eq = part.find('=');
      if (eq != std::string::npos && part.size() - eq > 8) needles.push_back(part.substr(eq + 1));
      if (part.size() >= 8) needles.push_back(part);
      start = end + 1;
    }
  }
  for (const auto& needle : needles) {
    if (needle.empty()) continue;
    for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos))
      text.replace(pos, needle.size(), "***");
  }
  return text;
}

}  // namespace flinksim::calibrate
