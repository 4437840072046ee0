// flinksim snapshot/calibrate end to end without a network: the fake Flink's answers are recorded
// into a snapshot folder (as `flinksim snapshot` does), then `flinksim calibrate --from` reads it,
// and `flinksim validate` accepts the scenario it writes. Remote failures exit 3.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

#include "calibrate/sampling.h"
#include "fake_flink.h"

using namespace flinksim;
namespace fs = std::filesystem;

namespace {

int run(const std::string& args, const std::string& out_file) {
  const std::string cmd = testing::flinksim_binary() + " " + args + " >" + out_file + " 2>&1";
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("snapshot folder → calibrate --from → validate") {
  const fs::path dir = fs::temp_directory_path() / "flinksim-calibrate-e2e";
  fs::remove_all(dir);
  testing::FakeFlink flink(testing::fixture_dir("running-etl"));
  calibrate::RecordingRestSource recording(flink);
  calibrate::read_sample(recording, std::nullopt);
  recording.save((dir / "snap").string(), "fake");
  CHECK(fs::exists(dir / "snap" / "index.json"));
  CHECK_FALSE(fs::exists(dir / "snap" / "index.json.tmp"));

  const std::string scenario = (dir / "calibrated.toml").string();
  const std::string log = (dir / "out.txt").string();
  REQUIRE(run("calibrate --from " + (dir / "snap").string() + " --out " + scenario, log) == 0);
  const std::string table = slurp(log);
  CHECK(table.find("window-agg -> kafka-sink: Writer -> kafka-sink: Committer") != std::string::npos);
  CHECK(table.find("244.0") != std::string::npos);  // 244us per record on the keyed vertex
  CHECK(run("validate " + scenario, log) == 0);

  REQUIRE(run("calibrate --from " + (dir / "snap").string() + " --json", log) == 0);
  CHECK(slurp(log).find("\"cpuPerRecordBusiest\"") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("remote failures exit 3 with a message; usage errors exit 2") {
  const std::string log = (fs::temp_directory_path() / "flinksim-calibrate-err.txt").string();
  // A mistyped folder is a usage error; a folder holding no snapshot is a cluster not read.
  CHECK(run("calibrate --from /nonexistent-flinksim-snapshot", log) == 2);
  CHECK(slurp(log).find("--from: no such folder: /nonexistent-flinksim-snapshot") != std::string::npos);
  const auto empty = fs::temp_directory_path() / "flinksim-calibrate-empty";
  fs::create_directories(empty);
  CHECK(run("calibrate --from " + empty.string(), log) == 3);
  CHECK(slurp(log).find("no snapshot") != std::string::npos);
  // Loopback port 9 (discard) is closed: unreachable after the retries, exit 3.
  CHECK(run("snapshot --url http://127.0.0.1:9 --out /tmp/flinksim-never --timeout 1s", log) == 3);
  CHECK(slurp(log).find("cannot reach") != std::string::npos);
  CHECK(run("calibrate", log) == 2);
}
