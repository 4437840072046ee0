// `flinksim sweep --out FILE --resume` end to end: a sweep killed for real (SIGKILL, once some
// rows are journaled) and resumed writes exactly the bytes of an uninterrupted run, whatever
// --jobs either run had; a last line cut short is dropped and its point runs again; a journal of
// another sweep is refused (exit 2) and left as it was; without --resume it is replaced.
// Only the kill (once) and the uninterrupted runs it is compared with run the whole grid; other
// cases run shards of it.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "run_flinksim.h"
#include "test_paths.h"

using namespace flinksim;
namespace fs = std::filesystem;

namespace {

// 144 layouts of the bundled enrichment job (a 24 h day at fluid level, a TaskManager lost at the
// peak): a few milliseconds each, 30 of them refused for slots without being simulated. The whole
// sweep takes well under a second, long enough to be killed after a few rows.
const std::vector<std::string> kSweep = {"sweep", "scenarios/enrichment-lookup-join.toml",
                                         "--vary", "cluster.taskmanagers=2..5",
                                         "--vary", "flink.taskmanager.numberOfTaskSlots=1,2,4,8",
                                         "--vary", "cluster.cpu_per_taskmanager=1,2,4",
                                         "--vary", "operator.lookup-join.parallelism=2,4,8"};
constexpr std::size_t kPoints = 144;

struct Run {
  int exit_code = -1;
  int signal = 0;
  std::string err;
};

using testing::slurp;

std::size_t lines(const fs::path& path) {
  const std::string text = slurp(path);
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// The first `n` lines of `text`.
std::string first_lines(const std::string& text, std::size_t n) {
  std::size_t end = 0;
  for (std::size_t i = 0; i < n; ++i) end = text.find('\n', end) + 1;
  return text.substr(0, end);
}

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// Starts flinksim with stdout to /dev/null and stderr to `err`.
pid_t start(const std::vector<std::string>& args, const fs::path& err) {
  const std::string binary = testing::flinksim_binary();
  std::vector<char*> argv = {const_cast<char*>(binary.c_str())};
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  const int failed = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE(failed == 0);
  return pid;
}

Run finish(pid_t pid, const fs::path& err) {
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  Run run;
  if (WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) run.signal = WTERMSIG(status);
  run.err = slurp(err);
  return run;
}

Run run(const std::vector<std::string>& args, const fs::path& dir) {
  const fs::path err = dir / "stderr";
  return finish(start(args, err), err);
}

// Runs `args` (a sweep with --out FILE) and kills it with SIGKILL as soon as FILE.partial holds
// `rows` rows. Returns how many it held then. Fails if the sweep finished first.
std::size_t kill_after(const std::vector<std::string>& args, const fs::path& journal, std::size_t rows,
                       const fs::path& dir) {
  const fs::path err = dir / "stderr";
  const pid_t pid = start(args, err);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (lines(journal) < 1 + rows) {  // the header, then a line per row
    int status = 0;
    REQUIRE(waitpid(pid, &status, WNOHANG) == 0);  // still running: there is something to interrupt
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ::kill(pid, SIGKILL);
  const Run killed = finish(pid, err);
  REQUIRE(killed.signal == SIGKILL);
  return lines(journal) - 1;
}

// What every case starts from: the bytes of an uninterrupted run (CSV and JSON), and the journal
// of the same sweep killed with --jobs 2 after 4 rows, kept aside to copy for each case.
struct Interrupted {
  fs::path dir = fs::temp_directory_path() / ("flinksim-resume-" + std::to_string(::getpid()));
  std::string whole_csv, whole_json;
  fs::path journal = dir / "killed.csv.partial";
  std::size_t journaled = 0;

  Interrupted() {
    fs::create_directories(dir);
    const fs::path csv = dir / "whole.csv", json = dir / "whole.json";
    REQUIRE(run(with(kSweep, {"--out", csv.string()}), dir).exit_code == 0);
    REQUIRE(run(with(kSweep, {"--json", "--jobs", "2", "--out", json.string()}), dir).exit_code == 0);
    whole_csv = slurp(csv);
    whole_json = slurp(json);
    REQUIRE(std::count(whole_csv.begin(), whole_csv.end(), '\n') == 1 + kPoints);
    CHECK_FALSE(fs::exists(dir / "whole.csv.partial"));  // an uninterrupted run leaves no journal

    const fs::path out = dir / "killed.csv";
    journaled = kill_after(with(kSweep, {"--jobs", "2", "--out", out.string()}), journal, 4, dir);
    CHECK_FALSE(fs::exists(out));  // no output, whole or half
    CHECK_FALSE(fs::exists(out.string() + ".tmp"));
    CHECK(journaled >= 4);
    CHECK(journaled < kPoints);
  }
  ~Interrupted() { fs::remove_all(dir); }

  // A fresh folder holding the killed sweep's journal beside `name`; returns the output's path.
  fs::path resume_case(const std::string& name) const {
    const fs::path folder = dir / name;
    fs::create_directories(folder);
    const fs::path out = folder / "sweep.out";
    fs::copy_file(journal, out.string() + ".partial");
    return out;
  }
};

const Interrupted& interrupted() {
  static const Interrupted once;
  return once;
}

}  // namespace

TEST_CASE("sweep --resume after SIGKILL with another --jobs: the uninterrupted run's bytes", "[sweep][resume]") {
  const auto& killed = interrupted();
  const fs::path out = killed.resume_case("jobs");
  const auto resumed = run(with(kSweep, {"--jobs", "1", "--out", out.string(), "--resume"}), out.parent_path());
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  CHECK(slurp(out) == killed.whole_csv);
  CHECK(resumed.err.find("resuming from " + out.string() + ".partial: " + std::to_string(killed.journaled) + " of " +
                         std::to_string(kPoints) + " points already done, " +
                         std::to_string(kPoints - killed.journaled) + " to run") != std::string::npos);
  CHECK_FALSE(fs::exists(out.string() + ".partial"));  // the journal goes once the output is whole
  CHECK_FALSE(fs::exists(out.string() + ".tmp"));
}

TEST_CASE("sweep --resume: the journal does not depend on the output format", "[sweep][resume]") {
  const auto& killed = interrupted();
  const fs::path out = killed.resume_case("json");
  const auto resumed =
      run(with(kSweep, {"--jobs", "2", "--json", "--out", out.string(), "--resume"}), out.parent_path());
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  CHECK(slurp(out) == killed.whole_json);
}

TEST_CASE("sweep --resume: a last line cut short is dropped and its point runs again", "[sweep][resume]") {
  const auto& killed = interrupted();
  const fs::path out = killed.resume_case("torn");
  const fs::path journal = out.string() + ".partial";
  std::string text = slurp(journal);
  const auto last = text.rfind('\n', text.size() - 2) + 1;
  text.resize(last + (text.size() - last) / 2);  // as if killed in the middle of writing it
  std::ofstream(journal, std::ios::binary | std::ios::trunc) << text;

  const auto resumed = run(with(kSweep, {"--jobs", "2", "--out", out.string(), "--resume"}), out.parent_path());
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  CHECK(slurp(out) == killed.whole_csv);
  CHECK(resumed.err.find(journal.string() + ":" + std::to_string(killed.journaled + 1) + ": cut short") !=
        std::string::npos);
  CHECK(resumed.err.find(": " + std::to_string(killed.journaled - 1) + " of " + std::to_string(kPoints) +
                         " points already done") != std::string::npos);
}

TEST_CASE("sweep --resume refuses another sweep's journal (exit 2) and leaves it; without --resume it is replaced",
          "[sweep][resume]") {
  const auto& killed = interrupted();
  const fs::path out = killed.resume_case("other");
  const fs::path journal = out.string() + ".partial";
  const std::string before = slurp(journal);

  auto other_grid = kSweep;
  other_grid[3] = "cluster.taskmanagers=2..4";
  const auto refused = run(with(other_grid, {"--out", out.string(), "--resume"}), out.parent_path());
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("error: " + journal.string() + ":1: --resume: cannot resume: the journal is of another "
                         "sweep: the --vary grid differs (journal: cluster.taskmanagers=2,3,4,5; this sweep: "
                         "cluster.taskmanagers=2,3,4)") != std::string::npos);
  CHECK(slurp(journal) == before);
  CHECK_FALSE(fs::exists(out));

  auto other_shard = with(kSweep, {"--shard", "1/2", "--out", out.string(), "--resume"});
  const auto shard = run(other_shard, out.parent_path());
  CHECK(shard.exit_code == 2);
  CHECK(shard.err.find("--shard differs (journal: 0/1; this sweep: 1/2)") != std::string::npos);
  CHECK(slurp(journal) == before);

  // Without --resume, the journal is replaced, here by a run of another sweep (shard 0/4: the
  // first 36 rows of the whole grid).
  const auto replaced = run(with(kSweep, {"--jobs", "2", "--shard", "0/4", "--out", out.string()}), out.parent_path());
  INFO(replaced.err);
  REQUIRE(replaced.exit_code == 0);
  CHECK(replaced.err.find("replacing " + journal.string()) != std::string::npos);
  CHECK(slurp(out) == first_lines(killed.whole_csv, 1 + kPoints / 4));
  CHECK_FALSE(fs::exists(journal));
}

TEST_CASE("sweep --resume needs --out; with no journal it runs every point", "[sweep][resume]") {
  const auto& killed = interrupted();
  const auto no_out = run(with(kSweep, {"--resume"}), killed.dir);
  CHECK(no_out.exit_code == 2);
  CHECK(no_out.err.find("--resume: needs --out FILE") != std::string::npos);

  const fs::path out = killed.dir / "fresh" / "sweep.csv";
  fs::create_directories(out.parent_path());
  const auto fresh =
      run(with(kSweep, {"--jobs", "2", "--shard", "3/4", "--out", out.string(), "--resume"}), out.parent_path());
  INFO(fresh.err);
  REQUIRE(fresh.exit_code == 0);
  CHECK(fresh.err.find("no journal " + out.string() + ".partial to resume from: running all 36 points") !=
        std::string::npos);
  // The last quarter of the whole grid's rows, under its header.
  const std::string whole = killed.whole_csv;
  CHECK(slurp(out) == first_lines(whole, 1) + whole.substr(first_lines(whole, 1 + 3 * kPoints / 4).size()));
}
