// The corpus of bad REST answers, tests/bad_inputs/rest/: one saved snapshot folder per mistake
// (the format `flinksim snapshot --out DIR` writes: index.json and one file per answer), each a
// copy of 00-control with one answer broken. Its expect.txt says what is wrong (`# Bad`, or
// `# Good: ` for the control), the exit code of `flinksim calibrate --from DIR --out FILE` when it
// is not 3 (`# exit: 0`: the cluster was read, the figures are left out with a warning),
// fragments of stderr (`# expect: `) and of the scenario written (`# scenario-expect: `, or
// `# scenario-lacks: ` for what it must not hold).
// A failure exits 3 (cli.md: the cluster could not be read) with `error: ` and nothing half-
// written at --out; a success writes a scenario that validates.
//
// `# replay: exit N` serves the same answers over loopback HTTP as a cluster would (an answer
// that is an HTML page with text/html, a path the snapshot lacks with 404), and `flinksim
// snapshot --url URL --out DIR` must exit N (fragments: `# replay-expect: `, {url} standing for
// the server's address). A failed snapshot leaves no DIR at all; a taken one calibrates as the
// folder itself does.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "cli/expectations.h"
#include "cli/run_flinksim.h"

namespace fs = std::filesystem;
using namespace flinksim::testing;

namespace {

fs::path corpus() { return fs::path(source_dir()) / "tests/bad_inputs/rest"; }

std::vector<fs::path> cases() {
  return sorted_entries(corpus(), [](const fs::directory_entry& e) { return e.is_directory(); });
}

// The first `# <key>: exit N` (or `# <key>: N`) of expect.txt, else `otherwise`; -1 when absent
// and no default.
int announced_exit(const fs::path& dir, const std::string& key, int otherwise) {
  const auto lines = marked_lines(dir / "expect.txt", "# " + key + ": ");
  if (lines.empty()) return otherwise;
  const std::string& text = lines.front();
  return std::stoi(text.rfind("exit ", 0) == 0 ? text.substr(5) : text);
}

// An empty folder of this process under the temporary directory (the caller removes it).
fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / (name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// A Flink REST API on 127.0.0.1 that answers from a snapshot folder exactly what was saved: the
// target (path and ?get=) looked up in index.json, the file's bytes as the body.
class Replay {
 public:
  explicit Replay(const fs::path& dir) {
    std::ifstream in(dir / "index.json");
    const auto index = nlohmann::json::parse(in);
    for (const auto& [path, file] : index.at("endpoints").items())
      answers_[path] = slurp(dir / file.get<std::string>());
    server_.Get(".*", [this](const httplib::Request& req, httplib::Response& res) {
      std::string target = req.path;
      if (req.has_param("get")) target += "?get=" + req.get_param_value("get");
      const auto it = answers_.find(target);
      if (it == answers_.end()) {
        res.status = 404;
        res.set_content(R"({"errors":["Not found: )" + req.path + R"("]})", "application/json");
        return;
      }
      const bool html = it->second.find_first_not_of(" \t\r\n") != std::string::npos &&
                        it->second[it->second.find_first_not_of(" \t\r\n")] == '<';
      res.set_content(it->second, html ? "text/html" : "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~Replay() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  std::map<std::string, std::string> answers_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

std::string with_url(std::string fragment, const std::string& url) {
  const std::string token = "{url}";
  if (const auto at = fragment.find(token); at != std::string::npos)
    fragment.replace(at, token.size(), url);
  return fragment;
}

}  // namespace

TEST_CASE("each bad REST answer says what is wrong and what to expect", "[bad_inputs]") {
  const auto dirs = cases();
  CHECK(dirs.size() >= 15);
  for (const auto& dir : dirs) {
    INFO(dir.string());
    CHECK(fs::exists(dir / "expect.txt"));
    CHECK(fs::exists(dir / "index.json"));
    std::ifstream in(dir / "expect.txt");
    std::string first;
    std::getline(in, first);
    const bool control = first.rfind("# Good: ", 0) == 0;
    CHECK((control || first.rfind("# Bad", 0) == 0));
    // Something to check: a fragment of stderr or of the scenario written.
    if (!control)
      CHECK_FALSE((expectations(dir / "expect.txt").empty() &&
                   marked_lines(dir / "expect.txt", "# scenario-expect: ").empty()));
  }
}

TEST_CASE("calibrate --from each bad snapshot exits as announced, and a failure writes nothing",
          "[bad_inputs]") {
  const fs::path tmp = fresh_dir("flinksim-bad-rest");
  for (const auto& dir : cases()) {
    const fs::path expect = dir / "expect.txt";
    const int exit = announced_exit(dir, "exit", 3);
    const fs::path out = tmp / (dir.filename().string() + ".toml");
    const auto result = run_flinksim({"calibrate", "--from", dir.string(), "--out", out.string()});
    INFO(dir.string() << "\nstderr:\n" << result.err << "\nstdout:\n" << result.out);
    CHECK(result.signal == 0);
    CHECK(result.exit_code == exit);
    for (const auto& fragment : expectations(expect)) {
      INFO("expected fragment: " << fragment);
      CHECK(result.err.find(fragment) != std::string::npos);
    }
    if (exit == 3) {
      CHECK(result.out.empty());
      CHECK(result.err.rfind("error: ", 0) == 0);
      CHECK_FALSE(fs::exists(out));  // nothing half-written
      CHECK_FALSE(fs::exists(out.string() + ".tmp"));
      continue;
    }
    CHECK(result.err.find("error:") == std::string::npos);
    if (expectations(expect).empty()) CHECK(result.err.empty());
    CHECK(fs::exists(out));
    if (!fs::exists(out)) continue;
    const std::string scenario = slurp(out);
    for (const auto& fragment : marked_lines(expect, "# scenario-expect: ")) {
      INFO("expected in the scenario: " << fragment);
      CHECK(scenario.find(fragment) != std::string::npos);
    }
    for (const auto& fragment : marked_lines(expect, "# scenario-lacks: ")) {
      INFO("not expected in the scenario: " << fragment);
      CHECK(scenario.find(fragment) == std::string::npos);
    }
    const auto validated = run_flinksim({"validate", out.string()});
    INFO("validate:\n" << validated.err);
    CHECK(validated.exit_code == 0);
  }
  fs::remove_all(tmp);
}

TEST_CASE(
    "the same answers served over HTTP: snapshot --url exits as announced, a failure leaves no "
    "folder",
    "[bad_inputs]") {
  const fs::path tmp = fresh_dir("flinksim-bad-rest-replay");
  int replayed = 0;
  for (const auto& dir : cases()) {
    const int exit = announced_exit(dir, "replay", -1);
    if (exit < 0) continue;  // a broken folder (index, files), not a broken answer
    ++replayed;
    Replay flink(dir);
    const fs::path out = tmp / dir.filename();
    const auto result =
        run_flinksim({"snapshot", "--url", flink.url(), "--out", out.string(), "--timeout", "5s"});
    INFO(dir.string() << "\nstderr:\n" << result.err);
    CHECK(result.signal == 0);
    CHECK(result.exit_code == exit);
    for (const auto& fragment : marked_lines(dir / "expect.txt", "# replay-expect: ")) {
      INFO("expected fragment: " << with_url(fragment, flink.url()));
      CHECK(result.err.find(with_url(fragment, flink.url())) != std::string::npos);
    }
    if (exit == 3) {
      CHECK(result.err.rfind("error: ", 0) == 0);
      CHECK_FALSE(fs::exists(out));  // nothing half-written: not even the folder
      continue;
    }
    // The snapshot taken holds what calibrate needs: it ends as the folder it was served from.
    const auto again = run_flinksim({"calibrate", "--from", out.string()});
    INFO("calibrate --from the new snapshot:\n" << again.err);
    CHECK(again.exit_code == announced_exit(dir, "exit", 3));
  }
  CHECK(replayed >= 12);
  fs::remove_all(tmp);
}
