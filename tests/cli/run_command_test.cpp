// `flinksim run`, end to end: the built binary on a small scenario written by the test (seed 7):
// JSON field names and figures, byte-identical output with --no-timing, the CSV time series of
// --out, and the exit codes for a missed SLO and for bad input.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/run_flinksim.h"

namespace {

namespace fs = std::filesystem;

using Result = flinksim::testing::RunResult;

Result run(const std::string& args) {
  return flinksim::testing::run_flinksim_shell("run " + args);
}

fs::path scratch() {
  const fs::path dir = fs::temp_directory_path() / ("flinksim-run-test-" + std::to_string(getpid()));
  fs::create_directories(dir);
  return dir;
}

// Source (p=2) → keyBy → work (10k keys of state) → sink (chained), 10k/s on two TaskManagers;
// `flink` adds [flink] lines, `tail` whole sections after [traffic].
std::string write_job(const std::string& file, const std::string& flink, const std::string& duration,
                      const std::string& tail) {
  const fs::path path = scratch() / file;
  std::ofstream(path) << R"(name = "run test"
seed = 7

[cluster]
taskmanagers = 2
cpu_per_taskmanager = 2.0
pod_start = "5s"

[flink]
"taskmanager.numberOfTaskSlots" = 2
"parallelism.default" = 2
)" + flink + R"(
[network]
bandwidth_per_taskmanager = "10Gb/s"
hop_latency = "100us"

[[operator]]
name = "src"
kind = "source"
cpu_per_record = "5us"
record_size = "200b"

[[operator]]
name = "work"
inputs = [{ from = "src", partition = "hash" }]
cpu_per_record = "50us"
state = { keys = 10_000, bytes_per_key = "1kb" }

[[operator]]
name = "sink"
kind = "sink"
inputs = ["work"]
cpu_per_record = "5us"

[traffic]
shape = "constant"
peak = "10k/s"
duration = ")" + duration + R"("
)" + tail;
  return path.string();
}

// 20 s, no checkpoints, and an objective on p99 latency.
std::string write_scenario(const std::string& p99_limit) {
  return write_job("job-" + p99_limit + ".toml", "", "20s", "\n[slo]\nmax_latency_p99 = \"" + p99_limit + "\"\n");
}

// The same job with checkpoints every 2 s and the JobManager lost at 10 s, with or without
// Kubernetes HA (lease 15 s, replacement pod 5 s), run for 40 s.
std::string write_failing_scenario(const std::string& ha) {
  return write_job("failing-" + ha + ".toml",
                   "\"execution.checkpointing.interval\" = \"2s\"\n\"high-availability.type\" = \"" + ha + "\"\n",
                   "40s", "\n[[failure]]\nat = \"10s\"\nkind = \"jobmanager\"\n\n[slo]\nmax_recovery = \"1min\"\n");
}

}  // namespace

TEST_CASE("run --json: throughput, latency, Flink's metric names, ledger, SLO", "[cli][run]") {
  const Result r = run(write_scenario("2s") + " --json --no-timing");
  REQUIRE(r.exit_code == 0);
  const auto doc = nlohmann::json::parse(r.out);
  CHECK(doc["throughput"]["mean"].get<double>() == Approx(10'000).epsilon(0.03));
  CHECK(doc["latency"]["p99"].get<double>() > doc["latency"]["p50"].get<double>());
  CHECK(doc["latency"]["max"].get<double>() < 500);  // ms: the 100 ms flusher dominates
  REQUIRE(doc["vertices"].size() == 2);
  const auto& work = doc["vertices"][1];
  CHECK(work["name"] == "work -> sink");
  // 5k/s per subtask × 55 µs = 275 ms/s busy.
  CHECK(work["busyTimeMsPerSecond"].get<double>() == Approx(275).epsilon(0.1));
  CHECK(work.contains("backPressuredTimeMsPerSecond"));
  CHECK(work.contains("idleTimeMsPerSecond"));
  CHECK(work["numRecordsInPerSecond"].get<double>() == Approx(10'000).epsilon(0.03));
  CHECK(doc["vertices"][0].contains("pendingRecords"));
  const auto& records = doc["records"];
  CHECK(records["in"].get<long>() == records["out"].get<long>() + records["inFlight"].get<long>());
  CHECK(records["lost"] == 0);
  CHECK(records["duplicated"] == 0);
  CHECK(doc["slo"]["latencyP99"]["met"] == true);
  CHECK(doc["slo"]["latencyP99"]["limit"].get<double>() == 2000);
  CHECK(doc["engine"]["granularity"] == "buffer");
  CHECK(doc["engine"]["simulatedSeconds"].get<double>() == 20);
  CHECK_FALSE(doc["engine"].contains("wallSeconds"));
  CHECK(doc["taskmanagers"].size() == 2);
  CHECK(doc["recovery"].empty());
}

TEST_CASE("run --json reports simulated checkpoints, each failure's recovery and the records read twice", "[cli][run][recovery]") {
  SECTION("with HA: downtime, simulated catch-up, total; an at-least-once sink's duplicates") {
    const Result r = run(write_failing_scenario("kubernetes") + " --json --no-timing");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto doc = nlohmann::json::parse(r.out);
    CHECK(doc["checkpoints"]["simulated"] == true);
    CHECK(doc["checkpoints"]["count"].get<int>() >= 10);
    CHECK(doc["checkpoints"]["stateSize"].get<double>() == 10'240'000);
    REQUIRE(doc["recovery"].size() == 1);
    const auto& rec = doc["recovery"][0];
    CHECK(rec["kind"] == "jobmanager");
    CHECK(rec["jobLost"] == false);
    // The new leader after the 15 s lease (the pod is ready by then), then 10 MB restored at 400 MB/s.
    CHECK(rec["downtime"].get<double>() == Approx(15'025.6));
    CHECK(rec["catchUp"].get<double>() > 0);
    CHECK(rec["total"].get<double>() == Approx(rec["downtime"].get<double>() + rec["catchUp"].get<double>()));
    const auto& records = doc["records"];
    CHECK(records["duplicated"].get<long>() > 0);
    CHECK(records["reread"].get<long>() > 0);
    CHECK(records["in"].get<long>() == records["out"].get<long>() + records["inFlight"].get<long>());
    CHECK(doc["slo"]["recovery"]["met"] == true);
    CHECK(doc["taskmanagers"][0]["heapUsed"].get<double>() > 0);
    CHECK(doc["latency"].contains("outsideRecovery"));
  }
  SECTION("without HA: the job is lost, said plainly; the recovery objective is missed (exit 1)") {
    const Result r = run(write_failing_scenario("none") + " --json --no-timing");
    REQUIRE(r.exit_code == 1);
    const auto doc = nlohmann::json::parse(r.out);
    CHECK(doc["jobLost"] == true);
    const auto& rec = doc["recovery"][0];
    CHECK(rec["jobLost"] == true);
    CHECK(rec["reason"].get<std::string>().find("high-availability.type = none") != std::string::npos);
    CHECK(rec["downtime"].is_null());
    CHECK(rec["total"].is_null());
    CHECK(doc["slo"]["recovery"]["value"].is_null());
    CHECK(doc["slo"]["recovery"]["met"] == false);
    const Result text = run(write_failing_scenario("none"));
    CHECK(text.out.find("JOB LOST") != std::string::npos);
  }
}

TEST_CASE("run --no-timing prints byte-identical JSON for the same inputs", "[cli][run][determinism]") {
  const std::string scenario = write_scenario("2s");
  const Result a = run(scenario + " --json --no-timing --horizon 5s");
  const Result b = run(scenario + " --json --no-timing --horizon 5s");
  REQUIRE(a.exit_code == 0);
  CHECK(a.out == b.out);
  const Result timed = run(scenario + " --json --horizon 5s");
  CHECK(nlohmann::json::parse(timed.out)["engine"].contains("wallSeconds"));
}

TEST_CASE("run --out writes the time series as CSV", "[cli][run][csv]") {
  const fs::path out = scratch() / "series";
  fs::remove_all(out);
  const Result r = run(write_scenario("2s") + " --horizon 5s --out " + out.string());
  REQUIRE(r.exit_code == 0);
  for (const char* name : {"subtasks.csv", "taskmanagers.csv", "job.csv", "checkpoints.csv", "report.html"}) {
    INFO(name);
    CHECK(fs::exists(out / name));
    CHECK_FALSE(fs::exists(out / (std::string(name) + ".tmp")));
  }
  std::ifstream job(out / "job.csv");
  std::string header, line;
  std::getline(job, header);
  CHECK(header == "timeMs,throughput,latencyMeanMs,latencyMaxMs,arrivalRate,latencyP50Ms,latencyP99Ms");
  int rows = 0;
  while (std::getline(job, line)) {
    ++rows;
    // Per interval: records arrived, and the latency quantiles are ordered (histogram buckets are
    // within 1/256 of the value, max is exact).
    double f[7];
    REQUIRE(std::sscanf(line.c_str(), "%lf,%lf,%lf,%lf,%lf,%lf,%lf", &f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6]) == 7);
    INFO(line);
    CHECK(f[4] > 0);
    CHECK(f[5] <= f[6]);
    CHECK(f[6] <= f[3] * (1 + 1.0 / 256));
  }
  CHECK(rows == 5);  // one sample per second
  std::ifstream subtasks(out / "subtasks.csv");
  std::getline(subtasks, header);
  CHECK(header.find("busyTimeMsPerSecond,backPressuredTimeMsPerSecond,idleTimeMsPerSecond") != std::string::npos);
}

TEST_CASE("run exits 1 when an SLO is missed and 2 on bad input", "[cli][run]") {
  // A 1 ms p99 cannot hold behind a 100 ms buffer timeout at 10k/s.
  const Result missed = run(write_scenario("1ms") + " --json --no-timing --horizon 5s");
  CHECK(missed.exit_code == 1);
  CHECK(nlohmann::json::parse(missed.out)["slo"]["latencyP99"]["met"] == false);
  CHECK(run(write_scenario("2s") + " --horizon soon").exit_code == 2);
  CHECK(run(write_scenario("2s") + " --tm-loss-detection soon").exit_code == 2);
  CHECK(run("/nonexistent/scenario.toml").exit_code == 2);
}

TEST_CASE("run --out lists every checkpoint the engine triggered in checkpoints.csv", "[cli][run][csv]") {
  const fs::path out = scratch() / "checkpoints";
  fs::remove_all(out);
  const std::string scenario = flinksim::testing::source_dir() + "/scenarios/jobmanager-loss-ha.toml";
  const Result r = run(scenario + " --json --no-timing --out " + out.string());
  REQUIRE(r.exit_code == 0);
  const auto doc = nlohmann::json::parse(r.out);
  std::ifstream csv(out / "checkpoints.csv");
  std::string line;
  std::getline(csv, line);
  CHECK(line.rfind("id,triggerMs,status,", 0) == 0);
  int completed = 0, failed = 0;
  while (std::getline(csv, line)) (line.find(",COMPLETED,") != std::string::npos ? completed : failed)++;
  CHECK(completed > 0);
  CHECK(completed == doc["checkpoints"]["count"].get<int>());
  CHECK(failed == doc["checkpoints"]["failed"].get<int>());
}

TEST_CASE("run at fluid level checks itself against buffer level over the peak",
          "[cli][run][fluid]") {
  const std::string scenario = write_scenario("2s");
  const Result fluid = run(scenario + " --set simulation.granularity=fluid --json --no-timing");
  REQUIRE(fluid.exit_code == 0);
  const auto doc = nlohmann::json::parse(fluid.out);
  const auto& check = doc["engine"]["check"];
  CHECK(check["ran"] == true);
  CHECK(check["agrees"] == true);  // a light keyed job: the levels agree
  CHECK(check["start"].get<double>() == 0);
  CHECK(check["warmupSeconds"].get<double>() == 5);  // 20 s buy the whole run; a quarter warms up
  CHECK(check["seconds"].get<double>() == 15);
  CHECK(check["events"].get<long>() > 0);
  CHECK(check["apart"].empty());
  CHECK_FALSE(check.contains("wallSeconds"));  // --no-timing
  REQUIRE(check["vertices"].size() == 2);
  CHECK(check["vertices"][1]["name"] == "work -> sink");
  CHECK(check["vertices"][1]["busyTimeMsPerSecond"]["buffer"].get<double>() ==
        Approx(275).epsilon(0.1));
  CHECK(check["throughput"]["fluid"].get<double>() == Approx(10'000).epsilon(0.03));
  CHECK(check["taskmanagers"].size() == 2);
  const Result text = run(scenario + " --set simulation.granularity=fluid --no-timing");
  CHECK_THAT(text.out,
             Catch::Contains(
                 "Checked    against buffer level over 20s of the peak (at 0s, the first 5s to "
                 "warm up;"));
  CHECK_THAT(text.out, Catch::Contains("): agrees"));
  // Off, and at buffer level (nothing to check) no check at all.
  const auto off = nlohmann::json::parse(
      run(scenario +
          " --set simulation.granularity=fluid --set simulation.check_budget=0 --json --no-timing")
          .out);
  CHECK(off["engine"]["check"]["ran"] == false);
  CHECK(off["engine"]["check"]["skipped"] == "check_budget = 0");
  const auto buffer = nlohmann::json::parse(run(scenario + " --json --no-timing").out);
  CHECK_FALSE(buffer["engine"].contains("check"));
}

TEST_CASE("run --out writes heapUsed and managedUsed per TaskManager over time, at both levels", "[cli][run][csv]") {
  // windowed-kpis-rocksdb: RocksDB state in managed memory on every TaskManager.
  const std::string scenario = flinksim::testing::source_dir() + "/scenarios/windowed-kpis-rocksdb.toml";
  for (const char* level : {"buffer", "fluid"}) {
    INFO(level);
    const fs::path out = scratch() / (std::string("memory-") + level);
    fs::remove_all(out);
    const Result r = run(scenario + " --horizon 60s --set simulation.granularity=" + level + " --json --no-timing --out " +
                         out.string());
    REQUIRE(r.exit_code == 0);
    const auto doc = nlohmann::json::parse(r.out);
    std::ifstream csv(out / "taskmanagers.csv");
    std::string line;
    std::getline(csv, line);
    CHECK(line == "timeMs,taskmanager,cpuUtilization,heapUsed,managedUsed");
    long long peak = 0;
    int rows = 0;
    while (std::getline(csv, line)) {
      ++rows;
      const auto last = line.rfind(',');
      peak = std::max(peak, std::stoll(line.substr(last + 1)));
    }
    CHECK(rows == 60 * static_cast<int>(doc["taskmanagers"].size()));
    CHECK(peak > 0);
    long long reported = 0;
    for (const auto& tm : doc["taskmanagers"]) reported = std::max(reported, tm["managedUsed"].get<long long>());
    CHECK(peak == reported);  // the summary is the peak of the series
  }
}
