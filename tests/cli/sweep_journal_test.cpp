// The sweep journal (cli/sweep_journal.h): rows read back to the same bits, a line cut short or
// damaged is dropped and only that point runs again, and a journal of another sweep is refused
// saying what differs.
#include "cli/sweep_journal.h"

#include <unistd.h>

#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>

#include "model/diagnostics.h"
#include "test_paths.h"

using namespace flinksim;
namespace fs = std::filesystem;

namespace {

const std::string kStaging = "scenarios/staging.toml";  // tests run in the source folder

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("flinksim-journal-" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void spit(const fs::path& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

std::uint64_t bits(double value) { return std::bit_cast<std::uint64_t>(value); }

// A row whose every field is set, with numbers that a decimal round trip of fewer than 17 digits
// would change, and the values JSON has no number for.
sim::SweepRow tricky_row(const sim::SweepPoint& point, double figure) {
  sim::SweepRow row;
  row.scenario = point.scenario;
  row.values = point.values;
  row.taskmanagers = 3;
  row.slots_per_taskmanager = 16;
  row.cpu_per_taskmanager = 0.1 + 0.2;
  row.memory_per_taskmanager = 1728LL * 1024 * 1024 + 7;
  row.cost_per_hour = figure;
  row.deploys = true;
  row.simulated = true;
  row.granularity = "fluid";
  row.throughput = 4.9e-324;  // the smallest subnormal
  row.latency_p99_ms = -std::numeric_limits<double>::quiet_NaN();
  row.slos.push_back({"latencyP99", std::numeric_limits<double>::infinity(), 2000, false, "simulated"});
  row.slos.push_back({"recovery", std::nullopt, -0.0, std::nullopt, ""});
  row.slos.push_back({"utilization", 0.7000000000000001, 0.7, true, "analytic"});
  row.feasible = false;
  row.why = "latencyP99 \"quoted\", comma, new\nline, ≤ µs";
  row.caveats = {"busy time on TaskManager 0 may be off by up to 50%", "a second, \"quoted\""};
  return row;
}

void check_same(const sim::SweepRow& a, const sim::SweepRow& b) {
  CHECK(a.scenario == b.scenario);
  CHECK(a.values == b.values);
  CHECK(a.taskmanagers == b.taskmanagers);
  CHECK(a.slots_per_taskmanager == b.slots_per_taskmanager);
  CHECK(bits(a.cpu_per_taskmanager) == bits(b.cpu_per_taskmanager));
  CHECK(a.memory_per_taskmanager == b.memory_per_taskmanager);
  CHECK(bits(a.cost_per_hour) == bits(b.cost_per_hour));
  CHECK(a.deploys == b.deploys);
  CHECK(a.simulated == b.simulated);
  CHECK(a.granularity == b.granularity);
  CHECK(a.caveats == b.caveats);
  CHECK(bits(a.throughput) == bits(b.throughput));
  CHECK(bits(a.latency_p99_ms) == bits(b.latency_p99_ms));
  REQUIRE(a.slos.size() == b.slos.size());
  for (std::size_t i = 0; i < a.slos.size(); ++i) {
    CHECK(a.slos[i].name == b.slos[i].name);
    CHECK(a.slos[i].value.has_value() == b.slos[i].value.has_value());
    if (a.slos[i].value && b.slos[i].value) CHECK(bits(*a.slos[i].value) == bits(*b.slos[i].value));
    CHECK(bits(a.slos[i].limit) == bits(b.slos[i].limit));
    CHECK(a.slos[i].met == b.slos[i].met);
    CHECK(a.slos[i].source == b.slos[i].source);
  }
  CHECK(a.feasible == b.feasible);
  CHECK(a.why == b.why);
}

struct Sweep {
  std::vector<sim::Vary> vary = {sim::parse_vary("cluster.taskmanagers=1..4")};
  sim::SweepOptions options;
  std::vector<sim::SweepPoint> points;
  cli::Json identity;
  Sweep() { refresh(); }
  void refresh() {
    points = sim::sweep_points({kStaging}, vary, options);
    identity = cli::sweep_identity({kStaging}, vary, options, points.size());
  }
};

std::string refusal(const std::string& path, const cli::Json& identity, const std::vector<sim::SweepPoint>& points) {
  auto journal = cli::read_journal(path);
  try {
    cli::resumable_rows(path, journal, identity, points);
  } catch (const model::InputFailure& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("journal: every field of a row reads back to the same bits", "[sweep][journal]") {
  TempDir dir;
  const std::string path = (dir.path / "out.csv.partial").string();
  Sweep sweep;
  REQUIRE(sweep.points.size() == 4);
  std::map<std::size_t, sim::SweepRow> kept = {{2, tricky_row(sweep.points[2], 0.30000000000000004)}};
  {
    cli::SweepJournal journal(path, sweep.identity, kept);  // the kept row goes in the header write
    journal.append(0, tricky_row(sweep.points[0], 1.0 / 3.0));
    journal.append(3, tricky_row(sweep.points[3], std::numeric_limits<double>::max()));
  }  // not removed: the sweep "did not finish"
  auto contents = cli::read_journal(path);
  CHECK(contents.dropped.empty());
  const auto rows = cli::resumable_rows(path, contents, sweep.identity, sweep.points);
  REQUIRE(rows.size() == 3);
  CHECK_FALSE(rows.count(1));
  check_same(rows.at(0), tricky_row(sweep.points[0], 1.0 / 3.0));
  check_same(rows.at(2), kept.at(2));
  check_same(rows.at(3), tricky_row(sweep.points[3], std::numeric_limits<double>::max()));
  CHECK(std::signbit(rows.at(0).latency_p99_ms));  // -nan stays -nan (it prints as "-nan")
  CHECK(std::signbit(rows.at(0).slos[1].limit));   // -0 stays -0

  // One self-describing line per entry: a checksum, then JSON naming the point and its values.
  const std::string text = slurp(path);
  CHECK(std::count(text.begin(), text.end(), '\n') == 4);
  CHECK(text.find("\"flinksimSweepJournal\":1") != std::string::npos);
  CHECK(text.find("{\"point\":3,\"row\":{\"scenario\":\"scenarios/staging.toml\",\"values\":[\"4\"]") !=
        std::string::npos);

  cli::SweepJournal(path, sweep.identity, {}).remove();
  CHECK_FALSE(fs::exists(path));
  CHECK_FALSE(fs::exists(path + ".tmp"));
}

TEST_CASE("journal: a last line cut short and a damaged line are dropped, the rest is kept", "[sweep][journal]") {
  TempDir dir;
  const std::string path = (dir.path / "out.csv.partial").string();
  Sweep sweep;
  {
    cli::SweepJournal journal(path, sweep.identity, {});
    for (std::size_t i = 0; i < 4; ++i) journal.append(i, tricky_row(sweep.points[i], static_cast<double>(i)));
  }
  std::string text = slurp(path);
  // Line 3 (point 1): one character of its JSON changed; line 5 (point 3): cut in the middle.
  const auto line3 = text.find('\n', text.find('\n') + 1) + 1;
  text[line3 + 40] = text[line3 + 40] == 'a' ? 'b' : 'a';
  const auto line5 = text.rfind('\n', text.size() - 2) + 1;
  text.resize(line5 + (text.size() - line5) / 2);
  spit(path, text);

  auto contents = cli::read_journal(path);
  REQUIRE(contents.dropped.size() == 2);
  CHECK(contents.dropped[0].find(path + ":3: damaged (its checksum does not match)") == 0);
  CHECK(contents.dropped[1].find(path + ":5: cut short") == 0);
  const auto rows = cli::resumable_rows(path, contents, sweep.identity, sweep.points);
  CHECK(rows.size() == 2);
  CHECK(rows.count(0));
  CHECK(rows.count(2));
}

TEST_CASE("journal: an entry that is not its point's row is dropped", "[sweep][journal]") {
  TempDir dir;
  const std::string path = (dir.path / "out.csv.partial").string();
  Sweep sweep;
  {
    cli::SweepJournal journal(path, sweep.identity, {});
    journal.append(1, tricky_row(sweep.points[2], 1));  // point 1 journaled with point 2's values
    journal.append(9, tricky_row(sweep.points[3], 1));  // beyond the grid
    journal.append(3, tricky_row(sweep.points[3], 1));
  }
  auto contents = cli::read_journal(path);
  const auto rows = cli::resumable_rows(path, contents, sweep.identity, sweep.points);
  CHECK(rows.size() == 1);
  CHECK(rows.count(3));
  CHECK(contents.dropped.size() == 2);
}

TEST_CASE("journal: one of another sweep is refused, saying what differs", "[sweep][journal]") {
  TempDir dir;
  const std::string path = (dir.path / "out.csv.partial").string();
  Sweep written;
  { cli::SweepJournal journal(path, written.identity, {}); }
  CHECK(refusal(path, written.identity, written.points).empty());

  Sweep grid;
  grid.vary = {sim::parse_vary("cluster.taskmanagers=1..3")};
  grid.refresh();
  const std::string why = refusal(path, grid.identity, grid.points);
  CHECK(why.find(path + ":1: --resume: cannot resume: the journal is of another sweep: the --vary grid differs "
                        "(journal: cluster.taskmanagers=1,2,3,4; this sweep: cluster.taskmanagers=1,2,3)") == 0);
  CHECK(why.find("Run without --resume to start over") != std::string::npos);

  Sweep more;
  more.vary.push_back(sim::parse_vary("cluster.cpu_per_taskmanager=1,2"));
  more.refresh();
  CHECK(refusal(path, more.identity, more.points).find("the --vary grid differs (journal: cluster.taskmanagers=1,2,3,4; "
                                                       "this sweep: cluster.taskmanagers=1,2,3,4 "
                                                       "cluster.cpu_per_taskmanager=1,2)") != std::string::npos);

  Sweep shard;
  shard.options.shard_index = 1;
  shard.options.shard_count = 2;
  shard.refresh();
  CHECK(refusal(path, shard.identity, shard.points).find("--shard differs (journal: 0/1; this sweep: 1/2)") !=
        std::string::npos);

  Sweep horizon;
  horizon.options.horizon = 10 * model::kSecond;
  horizon.refresh();
  CHECK(refusal(path, horizon.identity, horizon.points).find("--horizon differs") != std::string::npos);

  Sweep set;
  set.options.base.sets = {"traffic.peak=600/s"};
  set.refresh();
  CHECK(refusal(path, set.identity, set.points).find("--set differs (journal: none; this sweep: traffic.peak=600/s)") !=
        std::string::npos);

  // The same path, other content: the scenario changed since the journal was written.
  const fs::path copy = dir.path / "staging.toml";
  fs::copy_file(kStaging, copy);
  Sweep before;
  before.points = sim::sweep_points({copy.string()}, before.vary, before.options);
  before.identity = cli::sweep_identity({copy.string()}, before.vary, before.options, before.points.size());
  { cli::SweepJournal journal(path, before.identity, {}); }
  spit(copy, slurp(copy) + "\n# edited\n");
  const cli::Json after = cli::sweep_identity({copy.string()}, before.vary, before.options, before.points.size());
  CHECK(refusal(path, after, before.points).find(copy.string() + " has changed since the journal was written") !=
        std::string::npos);

  // A trace the scenario reads is part of its content.
  const fs::path etl = dir.path / "streaming-etl.toml", trace = dir.path / "streaming-etl-traffic.csv";
  fs::copy_file("scenarios/streaming-etl.toml", etl);
  fs::copy_file("scenarios/streaming-etl-traffic.csv", trace);
  const auto etl_points = sim::sweep_points({etl.string()}, before.vary, before.options);
  { cli::SweepJournal journal(path, cli::sweep_identity({etl.string()}, before.vary, before.options, 4), {}); }
  spit(trace, slurp(trace) + "# edited\n");
  CHECK(refusal(path, cli::sweep_identity({etl.string()}, before.vary, before.options, 4), etl_points)
            .find(etl.string() + "'s traffic trace " + trace.string() + " has changed") != std::string::npos);

  spit(path, "scenario,cluster.taskmanagers\n");
  CHECK(refusal(path, written.identity, written.points).find("not a flinksim sweep journal") != std::string::npos);
}
