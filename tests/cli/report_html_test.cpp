// report.html is self-contained and its charts really draw: flinksim writes it, headless Chromium
// opens it from disk with no network, and the page's own check (every canvas has ink, no script
// error) is read back from the DOM.
#include "cli/report_html.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <regex>

#include "cli/run_flinksim.h"

namespace fs = std::filesystem;
using flinksim::cli::Json;
using flinksim::testing::run_flinksim;
using flinksim::testing::run_program;
using flinksim::testing::slurp;

namespace {

fs::path temp_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("flinksim_report_" + std::to_string(::getpid()) + "_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string scenario(const std::string& name) { return flinksim::testing::source_dir() + "/scenarios/" + name + ".toml"; }

// The embedded data of a page, parsed back.
Json page_data(const std::string& page) {
  const std::string open = "<script id=\"flinksim-data\" type=\"application/json\">";
  const auto from = page.find(open);
  REQUIRE(from != std::string::npos);
  const auto start = from + open.size();
  const auto end = page.find("</script>", start);
  REQUIRE(end != std::string::npos);
  return Json::parse(page.substr(start, end - start));
}

struct Drawn {
  int charts = -1, drawn = -1, errors = -1;
  std::string dom;
};

// Opens the page in headless Chromium and reads what its script wrote on <body>.
Drawn draw_in_chromium(const fs::path& page) {
  std::string chromium;
  for (const char* candidate : {"/usr/bin/chromium", "/usr/bin/chromium-browser"})
    if (fs::exists(candidate)) chromium = candidate;
  INFO("headless Chromium is needed: apt-get install chromium (scripts/setup.sh --tests installs it)");
  REQUIRE_FALSE(chromium.empty());
  const fs::path profile = page.parent_path() / "chromium-profile";
  const auto result = run_program(chromium, {"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                             "--user-data-dir=" + profile.string(), "--dump-dom",
                                             "file://" + fs::absolute(page).string()});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  Drawn d;
  d.dom = result.out;
  std::smatch m;
  const std::regex body(R"re(<body data-charts="(\d+)" data-charts-drawn="(\d+)" data-errors="(\d+)")re");
  if (std::regex_search(result.out, m, body)) {
    d.charts = std::stoi(m[1]);
    d.drawn = std::stoi(m[2]);
    d.errors = std::stoi(m[3]);
  }
  return d;
}

}  // namespace

TEST_CASE("the page carries its data safely and fetches nothing") {
  Json data;
  data["kind"] = "run";
  data["scenario"] = "a </script><script>alert(1)</script> name";
  const std::string page = flinksim::cli::render_report_html(data);
  CHECK(page.find("alert(1)</script>") == std::string::npos);  // the data cannot close its element
  CHECK(page_data(page)["scenario"] == data["scenario"]);       // and reads back unchanged
  CHECK(page.find("Chart.js v3") != std::string::npos);         // the library is inside
  // No external resource: no src= or href= pointing anywhere, no @import.
  CHECK_FALSE(std::regex_search(page, std::regex(R"((src|href)\s*=\s*["'](https?:)?//)")));
  CHECK(page.find("@import") == std::string::npos);
  CHECK(page.find("/*@DATA@*/") == std::string::npos);
  CHECK(page.find("/*@CHART_JS@*/") == std::string::npos);
}

TEST_CASE("run --out writes report.html whose charts draw in headless Chromium") {
  // A TaskManager-loss day at fluid level and a JobManager loss at buffer level (simulated).
  for (const char* name : {"enrichment-lookup-join", "jobmanager-loss-ha"}) {
    INFO(name);
    const fs::path dir = temp_dir(name);
    const auto run = run_flinksim({"run", scenario(name), "--out", dir.string()});
    INFO(run.err);
    REQUIRE(run.signal == 0);
    REQUIRE(fs::exists(dir / "report.html"));
    CHECK_FALSE(fs::exists(dir / "report.html.tmp"));
    const Json data = page_data(slurp(dir / "report.html"));
    const Json& series = data["series"];
    const auto points = series["timeSeconds"].size();
    CHECK(points >= 10);
    CHECK(points <= 720);
    CHECK(series["arrivalRate"].size() == points);
    CHECK(series["vertices"].size() == data["summary"]["vertices"].size());
    CHECK(series["taskmanagerCpu"].size() == data["summary"]["taskmanagers"].size());
    REQUIRE(data["failures"].size() == 1);
    // Both levels simulate checkpoints and failures, and the page draws those.
    const std::string expected = "simulated";
    CHECK(data["failures"][0]["source"] == expected);
    if (data["checkpoints"]["enabled"] == true) CHECK(data["checkpoints"]["source"] == expected);
    // Nothing is overloaded here: what arrives is read, so the two series agree on average, but
    // for what a simulated failure makes the sources read again after the rewind.
    double arrived = 0, read = 0;
    for (std::size_t i = 0; i < points; ++i) {
      arrived += series["arrivalRate"][i].get<double>();
      read += series["throughput"][i].get<double>();
    }
    const auto& records = data["summary"]["records"];
    const double reread = records.contains("reread") ? records["reread"].get<double>() : 0.0;
    CHECK(read == Approx(arrived * (1 + reread / records["in"].get<double>())).epsilon(0.01));

    const Drawn drawn = draw_in_chromium(dir / "report.html");
    INFO(drawn.dom.substr(0, 2000));
    CHECK(drawn.errors == 0);
    CHECK(drawn.charts >= 8);  // 4 time charts, 2 heatmaps, 2 checkpoint charts
    CHECK(drawn.drawn == drawn.charts);
    CHECK(drawn.dom.find("TaskManager 0") != std::string::npos);  // the slot plan
    // At fluid level the page says how the run fared against buffer level over the peak.
    if (data["summary"]["engine"]["granularity"] == "fluid")
      CHECK(drawn.dom.find("Checked against buffer level over ") != std::string::npos);
    fs::remove_all(dir);
  }
}

TEST_CASE("equal runs write byte-identical reports") {
  const fs::path a = temp_dir("same-a"), b = temp_dir("same-b");
  for (const auto& dir : {a, b}) REQUIRE(run_flinksim({"run", scenario("jobmanager-loss-ha"), "--out", dir.string()}).signal == 0);
  const std::string first = slurp(a / "report.html");
  CHECK(first.size() > 100000);
  CHECK(first == slurp(b / "report.html"));
  fs::remove_all(a);
  fs::remove_all(b);
}

TEST_CASE("recommend --out draws cost against each objective with the recommendation marked") {
  const fs::path dir = temp_dir("recommend");
  const auto run = run_flinksim({"recommend", scenario("recommend-recovery-bound"), "--out", dir.string()});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const Json data = page_data(slurp(dir / "report.html"));
  CHECK(data["kind"] == "recommend");
  CHECK(data["binding"] == "recovery");
  REQUIRE(data["chosen"].is_number());
  const Json& chosen = data["layouts"][data["chosen"].get<std::size_t>()];
  CHECK(chosen["feasible"] == true);
  CHECK(chosen["simulated"] == "buffer");
  // Every layout examined before it is cheaper or as cheap, and none of those is feasible at buffer level.
  for (std::size_t i = 0; i < data["chosen"].get<std::size_t>(); ++i) {
    CHECK(data["layouts"][i]["cost"].get<double>() <= chosen["cost"].get<double>());
    if (data["layouts"][i]["simulated"] == "buffer") CHECK(data["layouts"][i]["feasible"] == false);
  }
  // The recommendation.json beside it is the --json document.
  const Json doc = Json::parse(slurp(dir / "recommendation.json"));
  CHECK(doc["binding"] == "recovery");
  CHECK(doc["evaluated"] == data["evaluated"]);

  const Drawn drawn = draw_in_chromium(dir / "report.html");
  CHECK(drawn.errors == 0);
  CHECK(drawn.charts == static_cast<int>(data["objectives"].size()));
  CHECK(drawn.charts >= 1);
  CHECK(drawn.drawn == drawn.charts);
  fs::remove_all(dir);
}

TEST_CASE("sweep --out DIR/ writes the rows and a report whose ringed layout is the cheapest feasible row") {
  const fs::path dir = temp_dir("sweep");
  const std::vector<std::string> grid = {"sweep", scenario("recommend-recovery-bound"), "--vary", "cluster.taskmanagers=1..4",
                                         "--vary", "flink.taskmanager.numberOfTaskSlots=2,4", "--jobs", "2"};
  auto args = grid;
  args.insert(args.end(), {"--out", dir.string() + "/"});
  const auto run = run_flinksim(args);
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  // The rows are what --out FILE writes.
  auto file_args = grid;
  file_args.insert(file_args.end(), {"--out", (dir / "alone.csv").string()});
  REQUIRE(run_flinksim(file_args).exit_code == 0);
  CHECK(slurp(dir / "sweep.csv") == slurp(dir / "alone.csv"));

  const Json data = page_data(slurp(dir / "report.html"));
  CHECK(data["kind"] == "sweep");
  REQUIRE(data["layouts"].size() == 8);
  REQUIRE(data["chosen"].is_number());
  const auto chosen = data["chosen"].get<std::size_t>();
  CHECK(data["layouts"][chosen]["feasible"] == true);
  for (const auto& layout : data["layouts"])
    if (layout["feasible"] == true) CHECK(layout["cost"].get<double>() >= data["layouts"][chosen]["cost"].get<double>());
  CHECK(data["layouts"][0]["varied"] == "cluster.taskmanagers=1, flink.taskmanager.numberOfTaskSlots=2");
  CHECK(data["slotPlan"]["taskmanagers"] == data["layouts"][chosen]["label"].get<std::string>()[0] - '0');

  const Drawn drawn = draw_in_chromium(dir / "report.html");
  CHECK(drawn.errors == 0);
  CHECK(drawn.charts == static_cast<int>(data["objectives"].size()));
  // Its rows run at fluid level with records of one size, which the fluid level may read too busy.
  CHECK(data["layouts"][chosen]["caveats"].size() == 1);
  CHECK(drawn.dom.find("fluid (caveat)") != std::string::npos);
  CHECK(drawn.drawn == drawn.charts);
  fs::remove_all(dir);
}
