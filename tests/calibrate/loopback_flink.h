// A real HTTP server on 127.0.0.1 (cpp-httplib, an ephemeral port) that answers Flink REST paths
// from a fixture folder through FakeFlink, so the live client (libcurl: timeouts, retries, TLS
// off on loopback, credentials) and the `snapshot` / `calibrate` binaries are tested over a real
// socket. Faults per path prefix: a status, a body (HTML login page, malformed JSON, NaN …), a
// delay, for the first N requests or all. Every request is logged with its method, and the
// Authorization header it carried, so tests can assert "GET only" and "the token was sent".
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

#include "fake_flink.h"

namespace flinksim::testing {

struct LoopbackFault {
  int status = 200;
  std::string body;  // "" with status 200: the fixture's answer (useful with a delay only)
  std::string content_type = "application/json";
  int delay_ms = 0;
  int times = -1;  // how many requests it applies to; −1 = all
};

class LoopbackFlink {
 public:
  explicit LoopbackFlink(const std::string& fixture) : fake_(fixture_dir(fixture)) {
    server_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      {
        std::lock_guard lock(mutex_);
        methods.push_back(req.method);
        paths.push_back(req.path);
        authorization.push_back(req.get_header_value("Authorization"));
      }
      if (req.method == "GET") return httplib::Server::HandlerResponse::Unhandled;
      res.status = 405;
      return httplib::Server::HandlerResponse::Handled;
    });
    server_.Get(".*", [this](const httplib::Request& req, httplib::Response& res) { answer(req, res); });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // bind_to_any_port already listens: connections queue until the accept loop runs.
  }
  ~LoopbackFlink() {
    server_.stop();
    thread_.join();
  }
  LoopbackFlink(const LoopbackFlink&) = delete;
  LoopbackFlink& operator=(const LoopbackFlink&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void fault(const std::string& prefix, LoopbackFault f) {
    std::lock_guard lock(mutex_);
    faults_[prefix] = std::move(f);
  }

  // What the server saw, in arrival order.
  std::vector<std::string> methods;
  std::vector<std::string> paths;
  std::vector<std::string> authorization;

 private:
  void answer(const httplib::Request& req, httplib::Response& res) {
    std::string target = req.path;
    if (req.has_param("get")) target += "?get=" + req.get_param_value("get");
    LoopbackFault f;
    bool faulty = false;
    {
      std::lock_guard lock(mutex_);
      for (auto& [prefix, fault] : faults_)
        if (target.rfind(prefix, 0) == 0 && fault.times != 0) {
          f = fault;
          faulty = true;
          if (fault.times > 0) --fault.times;
        }
    }
    if (faulty && f.delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(f.delay_ms));
    if (faulty && (f.status != 200 || !f.body.empty())) {
      res.status = f.status;
      res.set_content(f.body, f.content_type);
      return;
    }
    calibrate::RestResult r;
    {
      std::lock_guard lock(mutex_);
      r = fake_.get(target);
    }
    if (r.ok()) {
      res.set_content(r.body, "application/json");
    } else {
      res.status = 404;
      res.set_content(R"({"errors":["Not found"]})", "application/json");
    }
  }

  FakeFlink fake_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mutex_;
  std::map<std::string, LoopbackFault> faults_;
};

}  // namespace flinksim::testing
