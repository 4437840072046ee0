#include "calibrate/http_client.h"

#include <curl/curl.h>

#include <cassert>
#include <cstring>
#include <thread>

#include "calibrate/remote_error.h"

namespace flinksim::calibrate {
namespace {

std::size_t write_body(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

// curl_global_init is not thread-safe; do it once, before the first handle.
void global_init() {
  static const bool done = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
  (void)done;
}

}  // namespace

std::string redact_url(const std::string& url) {
  const auto scheme = url.find("://");
  const auto start = scheme == std::string::npos ? 0 : scheme + 3;
  const auto end = url.find_first_of("/?#", start);
  const auto at = url.rfind('@', end == std::string::npos ? url.size() : end);
  std::string out = url;
  if (at != std::string::npos && at >= start) out = url.substr(0, start) + url.substr(at + 1);
  const auto query = out.find('?');
  if (query != std::string::npos) out = out.substr(0, query);  // tokens sometimes ride in a query
  return out;
}

HttpClient::HttpClient(HttpOptions options, Credentials credentials)
    : options_(std::move(options)), credentials_(std::move(credentials)) {
  global_init();
  curl_ = curl_easy_init();
}

HttpClient::~HttpClient() {
  if (curl_) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

HttpResponse HttpClient::get(const std::string& url) {
  auto delay = options_.backoff;
  for (int attempt = 1;; ++attempt) {
    try {
      HttpResponse response = perform("GET", url);
      response.attempts = attempt;
      if (response.status < 500 || attempt > options_.retries) return response;
    } catch (const RemoteError&) {
      if (attempt > options_.retries) throw;
    }
    std::this_thread::sleep_for(delay);
    delay *= 2;
  }
}

HttpResponse HttpClient::perform(const char* method, const std::string& url) {
  // Calibration reads; it never writes to a cluster.
  (void)method;  // unused when NDEBUG removes the assert
  assert(std::strcmp(method, "GET") == 0 && "calibration sends GET requests only");
  CURL* curl = static_cast<CURL*>(curl_);
  if (!curl) throw RemoteError(RemoteFailure::Unreachable, "libcurl could not be initialised");
  curl_easy_reset(curl);

  HttpResponse response;
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Accept: application/json, text/plain;q=0.9");
  for (const auto& header : credentials_.headers()) headers = curl_slist_append(headers, header.c_str());

  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options_.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_file.c_str());
  // Redirects are not followed: an SSO proxy answers 302 to its login page, and following it
  // could carry the credentials to another host. The caller reports a 3xx as an auth refusal.
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);

  const CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  if (code != CURLE_OK) {
    throw RemoteError(RemoteFailure::Unreachable,
                      credentials_.scrub("cannot reach " + redact_url(url) + ": " +
                                        curl_easy_strerror(code)));
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  char* type = nullptr;
  curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &type);
  if (type) response.content_type = type;
  return response;
}

}  // namespace flinksim::calibrate
