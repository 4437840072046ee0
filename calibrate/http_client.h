// HTTP GET over libcurl, for Flink's REST API and Prometheus endpoints. GET only: calibration
// must never change a cluster (no job submission, cancel, savepoint or rescale), so no other
// method is reachable through this class (the request path asserts it).
//
// TLS certificates are always verified (CURLOPT_SSL_VERIFYPEER/HOST on); `ca_file` adds the
// cluster's own CA (`--cacert FILE`). Connection failures, timeouts and 5xx answers are retried
// `retries` times with exponential back-off (backoff, 2·backoff, 4·backoff, …); 4xx answers are
// not retried: a refusal will not change by asking again.
//
// Thread safety: one HttpClient per thread (libcurl easy handles are not shared).
#pragma once

#include <chrono>
#include <string>

#include "calibrate/credentials.h"

namespace flinksim::calibrate {

struct HttpOptions {
  std::string ca_file;  // extra CA bundle; "" = the system's
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds total_timeout{30000};
  int retries = 3;
  std::chrono::milliseconds backoff{200};
};

struct HttpResponse {
  long status = 0;
  std::string content_type;
  std::string body;
  int attempts = 1;  // how many requests it took (retries + 1)
};

class HttpClient {
 public:
  HttpClient(HttpOptions options, Credentials credentials);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // GETs `url`. Returns every HTTP answer, 4xx and 5xx included (after the retries for 5xx).
  // Throws RemoteError(Unreachable) when no answer came back after the retries; its message
  // names the URL and curl's reason, scrubbed of credentials.
  HttpResponse get(const std::string& url);

  const Credentials& credentials() const { return credentials_; }

 private:
  HttpResponse perform(const char* method, const std::string& url);

  HttpOptions options_;
  Credentials credentials_;
  void* curl_ = nullptr;  // CURL*; kept across requests so connections are reused
};

// `url` without any user:password@ part and without its query (tokens sometimes ride in one),
// for messages and snapshot indexes.
std::string redact_url(const std::string& url);

}  // namespace flinksim::calibrate
