// `flinksim sweep` end to end: CSV and JSON rows, the same bytes for any --jobs, --out written
// aside and renamed, two scenario files compared, a typo in --vary, and exit 1 when no layout is
// feasible.
#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>

#include "run_flinksim.h"

using namespace flinksim;
namespace fs = std::filesystem;

namespace {
const std::string kStaging = "scenarios/staging.toml";
std::size_t lines(const std::string& text) { return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')); }
}  // namespace

TEST_CASE("sweep: a CSV row per layout, identical for --jobs 1 and 3", "[sweep]") {
  const std::vector<std::string> args = {"sweep", kStaging, "--vary", "cluster.taskmanagers=1..2", "--vary",
                                         "flink.taskmanager.numberOfTaskSlots=4,16", "--horizon", "20s"};
  auto one = args, three = args;
  one.insert(one.end(), {"--jobs", "1"});
  three.insert(three.end(), {"--jobs", "3"});
  const auto a = testing::run_flinksim(one), b = testing::run_flinksim(three);
  INFO(a.err);
  REQUIRE(a.exit_code == 0);
  CHECK(a.out == b.out);
  CHECK(lines(a.out) == 5);  // header + 2 × 2
  CHECK(a.out.rfind("scenario,cluster.taskmanagers,flink.taskmanager.numberOfTaskSlots,taskmanagers,", 0) == 0);
  CHECK(a.out.find("\nscenarios/staging.toml,2,16,2,16,") != std::string::npos);
}

TEST_CASE("sweep --json --out: rows and the cheapest feasible one, written aside then renamed", "[sweep]") {
  const fs::path out = fs::temp_directory_path() / ("flinksim-sweep-" + std::to_string(::getpid()) + ".json");
  const auto r = testing::run_flinksim({"sweep", kStaging, "--vary", "cluster.taskmanagers=3,1,2", "--horizon",
                                        "20s", "--json", "--out", out.string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.empty());
  CHECK_FALSE(fs::exists(out.string() + ".tmp"));
  const auto doc = nlohmann::json::parse(testing::slurp(out));
  REQUIRE(doc["rows"].size() == 3);
  CHECK(doc["rows"][0]["values"]["cluster.taskmanagers"] == "3");
  CHECK(doc["cheapestFeasible"] == 1);  // one TaskManager is the cheapest, and it carries staging's load
  CHECK(doc["rows"][1]["costPerHour"].get<double>() < doc["rows"][2]["costPerHour"].get<double>());
  fs::remove(out);
}

TEST_CASE("sweep: a fluid row carries the fluid level's caveats, a buffer row none",
          "[sweep][fluid]") {
  // recommend-recovery-bound runs at fluid level, where the busy time of its records of one size
  // may be off (a caveat); staging over 20 s runs at buffer level.
  const auto fluid = testing::run_flinksim({"sweep", "scenarios/recommend-recovery-bound.toml",
                                            "--vary", "cluster.taskmanagers=2,3", "--json"});
  INFO(fluid.err);
  const auto doc = nlohmann::json::parse(fluid.out);
  REQUIRE(doc["rows"].size() == 2);
  CHECK(doc["rows"][0]["granularity"] == "fluid");
  REQUIRE(doc["rows"][0]["caveats"].size() == 1);
  CHECK(doc["rows"][0]["caveats"][0].get<std::string>().find("may be too high") !=
        std::string::npos);
  const auto csv = testing::run_flinksim(
      {"sweep", "scenarios/recommend-recovery-bound.toml", "--vary", "cluster.taskmanagers=2,3"});
  CHECK(csv.out.find(",why,caveats\n") != std::string::npos);  // the count, last
  CHECK(csv.out.substr(csv.out.size() - 3) == ",1\n");
  const auto buffer = testing::run_flinksim({"sweep", kStaging, "--horizon", "10s", "--json"});
  const auto rows = nlohmann::json::parse(buffer.out)["rows"];
  CHECK(rows[0]["granularity"] == "buffer");
  CHECK(rows[0]["caveats"].empty());
}

TEST_CASE("sweep a.toml b.toml compares two configurations row against row", "[sweep]") {
  const auto r = testing::run_flinksim({"sweep", kStaging, "scenarios/streaming-etl.toml", "--horizon", "10s"});
  INFO(r.err);
  CHECK(r.exit_code <= 1);
  CHECK(lines(r.out) == 3);
  CHECK(r.out.find("\nscenarios/staging.toml,") != std::string::npos);
  CHECK(r.out.find("\nscenarios/streaming-etl.toml,") != std::string::npos);
}

TEST_CASE("sweep: a typo in --vary exits 2 naming it; nothing feasible exits 1", "[sweep]") {
  const auto typo = testing::run_flinksim({"sweep", kStaging, "--vary", "cluster.taskmanager=1,2"});
  CHECK(typo.exit_code == 2);
  CHECK(typo.err.find("taskmanager") != std::string::npos);
  CHECK(typo.err.find("did you mean") != std::string::npos);
  CHECK(typo.out.empty());
  const auto bad_range = testing::run_flinksim({"sweep", kStaging, "--vary", "cluster.taskmanagers=4..2"});
  CHECK(bad_range.exit_code == 2);
  const auto none = testing::run_flinksim({"sweep", kStaging, "--vary", "cluster.taskmanagers=1,2", "--set",
                                           "slo.max_latency_p99=1us", "--horizon", "10s"});
  CHECK(none.exit_code == 1);
  CHECK(none.out.find("latencyP99") != std::string::npos);
}

TEST_CASE("sweep --shard I/N then merge gives exactly the single sweep's bytes (CSV and JSON)", "[sweep][shard]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("flinksim-shards-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::vector<std::string> args = {"sweep", kStaging, "--vary", "cluster.taskmanagers=1..3", "--vary",
                                         "flink.taskmanager.numberOfTaskSlots=1,4", "--horizon", "10s"};
  for (const bool json : {false, true}) {
    auto whole_args = args;
    if (json) whole_args.push_back("--json");
    const auto whole = testing::run_flinksim(whole_args);
    REQUIRE(whole.err.empty());
    std::vector<std::string> merge = {"merge"};
    for (int i = 0; i < 4; ++i) {  // 6 rows over 4 shards: blocks of 1, 2, 1, 2
      const std::string file = (dir / ("shard-" + std::to_string(i) + (json ? ".json" : ".csv"))).string();
      auto shard_args = whole_args;
      shard_args.insert(shard_args.end(), {"--shard", std::to_string(i) + "/4", "--out", file});
      REQUIRE(testing::run_flinksim(shard_args).exit_code == 0);
      merge.push_back(file);
    }
    const auto merged = testing::run_flinksim(merge);
    INFO(merged.err);
    CHECK(merged.exit_code == 0);
    CHECK(merged.out == whole.out);
  }
  // Shards of different sweeps do not merge; a bad --shard is bad input.
  const std::string other = (dir / "other.csv").string();
  REQUIRE(testing::run_flinksim({"sweep", kStaging, "--vary", "cluster.cpu_per_taskmanager=1,2", "--horizon", "10s",
                                 "--out", other}).exit_code == 0);
  const auto mixed = testing::run_flinksim({"merge", (dir / "shard-0.csv").string(), other});
  CHECK(mixed.exit_code == 2);
  CHECK(mixed.err.find("another sweep") != std::string::npos);
  CHECK(testing::run_flinksim({"sweep", kStaging, "--shard", "4/4"}).exit_code == 2);
  fs::remove_all(dir);
}
