// `flinksim snapshot` and `flinksim calibrate --url` over a real socket: a loopback HTTP server
// (loopback_flink.h) serving recorded answers — the idle staging cluster, a running job — and
// faults (401, an SSO login page, an HTML page that is not Flink, malformed JSON, slow answers,
// missing and NaN metrics). After every run: only GET was sent, and the token went out as a
// bearer header but appears in no output, no error message and no file written.
// The round trips through `flinksim serve` are at the end.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "../cli/run_flinksim.h"
#include "loopback_flink.h"

using namespace flinksim;
namespace fs = std::filesystem;

namespace {

constexpr const char* kToken = "s3cr3t-T0KEN-4f9a2c";

struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& name)
      : path(fs::temp_directory_path() / (name + "-" + std::to_string(::getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

std::string token_file(const TempDir& dir) {
  const std::string file = (dir.path / "token").string();
  std::ofstream(file) << kToken << "\n";
  return file;
}

// Every file under `dir`, whole, concatenated (to search for the token).
std::string all_files(const fs::path& dir) {
  std::string text;
  if (!fs::exists(dir)) return text;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.is_regular_file() && entry.path().filename() != "token") text += testing::slurp(entry.path());
  return text;
}

void check_get_only(const testing::LoopbackFlink& server) {
  REQUIRE_FALSE(server.methods.empty());
  for (const auto& m : server.methods) CHECK(m == "GET");
}

// `flinksim serve ARGS` in the background (stderr dropped), and the address it prints on
// stdout's first line. pclose(process) waits for it: give it a --for.
struct Served {
  FILE* process = nullptr;
  std::string url;
};

Served serve(const std::string& args) {
  Served served;
  served.process = popen((testing::flinksim_binary() + " serve " + args + " 2>/dev/null").c_str(), "r");
  REQUIRE(served.process != nullptr);
  char line[256] = {0};
  REQUIRE(fgets(line, sizeof line, served.process) != nullptr);
  served.url = line;
  served.url.erase(served.url.find_last_not_of("\r\n") + 1);
  REQUIRE(served.url.rfind("http://127.0.0.1:", 0) == 0);
  return served;
}

void check_no_token(const testing::RunResult& r, const fs::path& written) {
  CHECK(r.out.find(kToken) == std::string::npos);
  CHECK(r.err.find(kToken) == std::string::npos);
  CHECK(all_files(written).find(kToken) == std::string::npos);
}

}  // namespace

TEST_CASE("loopback: the idle staging cluster is snapshotted with GETs only; the token is sent, never written", "[calibrate][loopback]") {
  testing::LoopbackFlink flink("staging-idle");
  TempDir dir("flinksim-loopback-staging");
  const auto r = testing::run_flinksim({"snapshot", "--url", flink.url(), "--out", (dir.path / "snap").string(),
                                        "--token-file", token_file(dir)});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(fs::exists(dir.path / "snap" / "index.json"));
  check_get_only(flink);
  for (const auto& auth : flink.authorization) CHECK(auth == std::string("Bearer ") + kToken);
  check_no_token(r, dir.path);
}

TEST_CASE("loopback: a running job is calibrated from --url with FLINKSIM_TOKEN; the scenario validates", "[calibrate][loopback]") {
  testing::LoopbackFlink flink("running-etl");
  TempDir dir("flinksim-loopback-running");
  const std::string scenario = (dir.path / "calibrated.toml").string();
  ::setenv("FLINKSIM_TOKEN", kToken, 1);
  const auto r = testing::run_flinksim({"calibrate", "--url", flink.url(), "--out", scenario});
  ::unsetenv("FLINKSIM_TOKEN");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("244.0") != std::string::npos);  // the keyed vertex's 244us per record
  CHECK(testing::run_flinksim({"validate", scenario}).exit_code == 0);
  check_get_only(flink);
  CHECK(flink.authorization.front() == std::string("Bearer ") + kToken);
  check_no_token(r, dir.path);
}

TEST_CASE("loopback: refusals and pages that are not Flink exit 3 with a clear reason", "[calibrate][loopback]") {
  struct Case {
    const char* what;
    testing::LoopbackFault fault;
    const char* says;
  };
  const std::vector<Case> cases = {
      {"401 from the auth layer", {401, R"({"error":"unauthorized"})"}, "SSO/auth layer"},
      {"403 from the auth layer", {403, "forbidden", "text/plain"}, "SSO/auth layer"},
      {"an SSO login page", {200, "<html><body><form action=/login><input type=\"password\"></form></body></html>", "text/html"},
       "login page"},
      {"an HTML page that is not Flink", {200, "<html><body><h1>Welcome to nginx!</h1></body></html>", "text/html"},
       "not Flink's REST"},
      {"malformed JSON", {200, R"({"taskmanagers": 1, "slots-total": )"}, "GET /overview"},
      {"JSON without Flink's fields", {200, R"({"status": "ok"})"}, "not a Flink REST API"},
  };
  for (const auto& c : cases) {
    SECTION(c.what) {
      testing::LoopbackFlink flink("running-etl");
      flink.fault("/overview", c.fault);
      TempDir dir("flinksim-loopback-fault");
      const auto r = testing::run_flinksim({"snapshot", "--url", flink.url(), "--out", (dir.path / "snap").string(),
                                            "--token-file", token_file(dir)});
      INFO(r.err);
      CHECK(r.exit_code == 3);
      CHECK(r.err.find(c.says) != std::string::npos);
      CHECK_FALSE(fs::exists(dir.path / "snap" / "index.json"));  // nothing half-written
      check_get_only(flink);
      check_no_token(r, dir.path);
    }
  }
}

TEST_CASE("loopback: a slow answer times out and is retried with back-off", "[calibrate][loopback]") {
  TempDir dir("flinksim-loopback-slow");
  SECTION("slow once: the retry succeeds") {
    testing::LoopbackFlink flink("staging-idle");
    flink.fault("/overview", {200, "", "application/json", 1500, 1});
    const auto r = testing::run_flinksim({"snapshot", "--url", flink.url(), "--out", (dir.path / "snap").string(),
                                          "--timeout", "500ms"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    std::size_t overview_asks = 0;
    for (const auto& p : flink.paths) overview_asks += p == "/overview" ? 1 : 0;
    CHECK(overview_asks == 2);  // the slow one, then the retry
    check_get_only(flink);
  }
  SECTION("always slow: unreachable after the retries, exit 3") {
    testing::LoopbackFlink flink("staging-idle");
    flink.fault("/overview", {200, "", "application/json", 1200, -1});
    const auto r = testing::run_flinksim({"snapshot", "--url", flink.url(), "--out", (dir.path / "snap").string(),
                                          "--timeout", "300ms"});
    INFO(r.err);
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("/overview") != std::string::npos);
    std::size_t overview_asks = 0;
    for (const auto& p : flink.paths) overview_asks += p == "/overview" ? 1 : 0;
    CHECK(overview_asks == 4);  // the first try and 3 retries
    check_get_only(flink);
  }
}

TEST_CASE("loopback: missing and NaN metrics leave a vertex unmeasured with a warning, not wrong", "[calibrate][loopback]") {
  testing::LoopbackFlink flink("running-etl");
  // The keyed vertex: no per-subtask metrics at all; the source: busy time NaN.
  TempDir dir("flinksim-loopback-metrics");
  const std::string window = "ea632d67b7d595e5b851708ae9ad79d6", source = "6d2677a0ecc3fd8df0b72ec675edf8f4";
  const std::string jid = nlohmann::json::parse(testing::slurp(testing::fixture_dir("running-etl") +
                                                               "/jobs-overview.json"))["jobs"][0]["jid"];
  const std::string base = "/jobs/" + jid + "/vertices/";
  flink.fault(base + window + "/metrics", {200, "[]"});
  flink.fault(base + window + "/subtasks/metrics", {200, "[]"});
  flink.fault(base + source + "/metrics",
              {200, R"([{"id":"0.busyTimeMsPerSecond","value":"NaN"},{"id":"1.busyTimeMsPerSecond","value":"NaN"}])"});
  flink.fault(base + source + "/subtasks/metrics", {200, R"([{"id":"busyTimeMsPerSecond","min":"NaN","max":"NaN","avg":"NaN","sum":"NaN"}])"});
  const auto r = testing::run_flinksim({"calibrate", "--url", flink.url(), "--out", (dir.path / "c.toml").string()});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("no busyTimeMsPerSecond") != std::string::npos);
  check_get_only(flink);
}

TEST_CASE("loopback: flinksim serve → flinksim calibrate --url recovers the simulated costs", "[calibrate][loopback][round_trip]") {
  // serve prints its address on stdout's first line; --speed 0 runs the 30 s scenario at once and
  // keeps its last sample served until --for ends.
  const auto [process, url] =
      serve(testing::source_dir() + "/tests/calibrate/round_trip/balanced.toml --port 0 --speed 0 --for 3s");

  // serve refuses anything but GET (its answer to a POST, through cpp-httplib's client).
  {
    const auto colon = url.rfind(':');
    httplib::Client client("127.0.0.1", std::stoi(url.substr(colon + 1)));
    const auto post = client.Post("/jobs/overview", "{}", "application/json");
    REQUIRE(post);
    CHECK(post->status == 405);
  }
  const auto r = testing::run_flinksim({"calibrate", "--url", url, "--json"});
  pclose(process);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto fit = nlohmann::json::parse(r.out);
  const std::vector<std::pair<std::string, double>> truth = {
      {"events", 5'000}, {"enrich", 50'000}, {"window -> sink", 35'000}};  // ns; window 30us + 0.5 × 10us
  REQUIRE(fit["vertices"].size() == truth.size());
  for (std::size_t v = 0; v < truth.size(); ++v) {
    CHECK(fit["vertices"][v]["name"] == truth[v].first);
    CHECK(fit["vertices"][v]["cpuPerRecord"].get<double>() == Approx(truth[v].second).epsilon(0.05));
  }
}

TEST_CASE("loopback: a saturated pod on a 16-core node, served at 2x, is found by its CPU time",
          "[calibrate][loopback][round_trip]") {
  // serve answers Status.JVM.CPU.Load as a share of the node's 16 cores (at most 0.125) and
  // Status.JVM.CPU.Time as the CPU used since the start; calibrate times its samples by the
  // JobManager's `now`, which serve answers in simulated time, so the rate is right at any
  // --speed (by the wall clock, 2 simulated seconds a second would read twice the cores). A low
  // speed keeps the engine ahead of the samples on a loaded machine (ctest -j2 beside a compiler):
  // a sample that finds no new interval repeats the last CPU time and gives no rate.
  const auto [process, url] = serve(testing::source_dir() +
                                    "/tests/calibrate/round_trip/saturated.toml --port 0 --speed 2 "
                                    "--node-cores 16 --for 10s");
  std::this_thread::sleep_for(std::chrono::milliseconds(2000));  // 4 simulated s: metrics to read
  const auto r = testing::run_flinksim(
      {"calibrate", "--url", url, "--samples", "3", "--interval", "1s", "--json"});
  pclose(process);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto fit = nlohmann::json::parse(r.out);
  REQUIRE(fit["taskmanagers"].size() == 1);
  const auto& tm = fit["taskmanagers"][0];
  CHECK(tm["cpuLoad"].get<double>() <= 2.0 / 16 + 1e-9);
  CHECK(tm["saturated"] == true);
  CHECK(tm["factor"].get<double>() < 0.35);  // 2 cores ÷ ~7.5 wanted
  const std::vector<std::pair<std::string, double>> truth = {
      {"events", 5'000}, {"enrich", 50'000}, {"window -> sink", 35'000}};
  REQUIRE(fit["vertices"].size() == truth.size());
  // 10%, not serve_round_trip_test.cpp's 7%: since buffer level follows Flink's output flusher
  // (a buffer queued behind others is not finished at a tick), this job's sources on seed 11 are
  // 8.0–8.8% slower while runnable than the TaskManager's one factor says (true busy ÷ work over
  // the first 5–20 s; seeds 1–6: 3.8–5.3%, and 2.7–3.6% before), so no fit from per-second
  // averages gets events within 7% from these early samples (+8.4%); calibrate/README.md.
  for (std::size_t v = 0; v < truth.size(); ++v)
    CHECK(fit["vertices"][v]["cpuPerRecord"].get<double>() == Approx(truth[v].second).epsilon(0.10));
}
