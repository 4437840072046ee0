// Credentials for a Flink REST API behind an SSO/auth layer (cli.md, credentials paragraph):
// a bearer token from `--token-file FILE` or the FLINKSIM_TOKEN environment variable, or extra
// request headers from `--header-file FILE` ("Name: value" lines, e.g. SSO cookies). Never from a
// command-line value (it would show in `ps` and shell history).
//
// Contract: the secret values live only here and in the libcurl header list of a request.
// They are never printed, logged, written into a snapshot or scenario, or put into an error
// message; scrub() removes them from any text that might echo them (curl errors, server pages).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace flinksim::calibrate {

class Credentials {
 public:
  // Reads the sources in order: token file, else header file, else FLINKSIM_TOKEN (if `use_env`).
  // An unreadable or empty file, or a header line without "Name:", throws InputFailure (exit 2)
  // naming the file, never its content.
  static Credentials load(const std::optional<std::string>& token_file,
                          const std::optional<std::string>& header_file, bool use_env = true);

  // Request headers to send ("Authorization: Bearer …", "Cookie: …").
  const std::vector<std::string>& headers() const { return headers_; }
  bool empty() const { return headers_.empty(); }

  // `text` with every secret value (token, header values, and their long fragments) replaced
  // by "***".
  std::string scrub(std::string text) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::string> secrets_;
};

}  // namespace flinksim::calibrate
