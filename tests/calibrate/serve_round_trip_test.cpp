// The calibration round trip (issue #6): simulate a job with known per-operator costs, expose its
// metrics as Flink's REST API does (cli/simulated_flink.h, what `flinksim serve` answers), read
// them with the calibrator's own readers and fit, and recover each vertex's CPU per record within
// 5% — with spare cores, with a TaskManager whose cores are saturated (busy time then includes
// waiting for a core: 7%, see below), also when it is a pod on a bigger node (Load then cannot
// tell, the rate of Status.JVM.CPU.Time does), and with a hot key (which must come out as skew,
// not as cost).
//
// In process: a MetricsSink reads three samples during the run (at 10, 15 and 20 simulated
// seconds) through a RestSource that asks SimulatedFlink, exactly the paths the live client asks.
// The same through real HTTP and the real binaries is in loopback_test.cpp.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "calibrate/fit.h"
#include "calibrate/rest_source.h"
#include "calibrate/sampling.h"
#include "cli/simulated_flink.h"
#include "model/job_graph.h"
#include "model/placement.h"
#include "model/scenario_reader.h"
#include "sim/engine.h"
#include "test_paths.h"

namespace {

using namespace flinksim;
namespace fs = std::filesystem;

class SimulatedSource : public calibrate::RestSource {
 public:
  explicit SimulatedSource(const cli::SimulatedFlink& flink) : flink_(flink) {}
  calibrate::RestResult get(const std::string& path) override {
    const auto answer = flink_.get(path);
    calibrate::RestResult r;
    if (answer.status != 200)
      r.failure = calibrate::RemoteError(calibrate::RemoteFailure::HttpStatus, std::to_string(answer.status), answer.status);
    r.body = answer.body;
    return r;
  }
  std::string describe() const override { return "simulated"; }

 private:
  const cli::SimulatedFlink& flink_;
};

// Forwards to SimulatedFlink; after the intervals ending at `at` it takes a calibration sample,
// and with a `record_dir` saves the answers it read as `flinksim snapshot --samples N` does.
class SamplingSink : public sim::MetricsSink {
 public:
  SamplingSink(cli::SimulatedFlink& flink, std::vector<model::Nanos> at, std::string record_dir)
      : flink_(flink), at_(std::move(at)), record_dir_(std::move(record_dir)) {}
  void on_subtask(model::Nanos t, const sim::SubtaskSample& s) override { flink_.on_subtask(t, s); }
  void on_taskmanager(model::Nanos t, int tm, const sim::TaskManagerSample& s) override { flink_.on_taskmanager(t, tm, s); }
  void on_job(model::Nanos t, const sim::JobSample& s) override {
    flink_.on_job(t, s);
    for (auto when : at_)
      if (t == when) {
        SimulatedSource source(flink_);
        calibrate::RecordingRestSource recording(source);
        samples.push_back(calibrate::read_sample(recording, std::nullopt));
        const int index = static_cast<int>(samples.size()) - 1;
        if (!record_dir_.empty())
          recording.save(record_dir_ + "/" + calibrate::sample_folder_name(index), "simulated");
      }
  }
  std::vector<calibrate::Sample> samples;

 private:
  cli::SimulatedFlink& flink_;
  std::vector<model::Nanos> at_;
  std::string record_dir_;
};

struct RoundTrip {
  model::Scenario scenario;
  std::vector<calibrate::Sample> samples;
  calibrate::FitResult fit;
  std::vector<double> true_cost_ns;  // per vertex: Σ operator cost × rate factor in the chain
};

calibrate::FitOptions fit_options(const model::Scenario& scenario) {
  calibrate::FitOptions options;
  options.seed = scenario.seed;
  return options;
}

struct Setup {
  double cores = 0;        // overrides the scenario's cpu_per_taskmanager (0: as written)
  double node_cores = 0;   // the node each TaskManager pod runs on, what serve's Load is a share of
  std::string record_dir;  // where to save the samples' answers as a snapshot series ("": nowhere)
};

RoundTrip round_trip(const std::string& file, const Setup& setup = {}) {
  RoundTrip out;
  out.scenario = model::read_scenario_file(testing::source_dir() + "/tests/calibrate/round_trip/" + file);
  if (setup.cores > 0) out.scenario.cluster.cpu_per_taskmanager = setup.cores;
  const model::JobGraph graph = model::build_job_graph(out.scenario);
  const model::Placement placement = model::place_job(graph, out.scenario);
  for (const auto& v : graph.vertices) {
    double cost = 0;
    for (const auto& op : v.operators)
      cost += static_cast<double>(out.scenario.operators[op.op].cpu_per_record) * op.rate_factor;
    out.true_cost_ns.push_back(cost);
  }
  cli::SimulatedFlink flink(out.scenario, graph, placement);
  flink.set_node_cores(setup.node_cores);
  SamplingSink sink(flink, {10 * model::kSecond, 15 * model::kSecond, 20 * model::kSecond}, setup.record_dir);
  sim::RunOptions options;
  options.horizon = 20 * model::kSecond;
  options.sink = &sink;
  const auto result = sim::simulate(out.scenario, graph, placement, sim::engine_params(out.scenario), options);
  REQUIRE(result.conserved);
  REQUIRE(sink.samples.size() == 3);
  out.samples = sink.samples;
  out.fit = calibrate::fit(out.samples, fit_options(out.scenario));
  REQUIRE(out.fit.vertices.size() == graph.vertices.size());
  return out;
}

// The samples as calibration read them before it asked for Status.JVM.CPU.Time: Load alone.
std::vector<calibrate::Sample> without_cpu_time(std::vector<calibrate::Sample> samples) {
  for (auto& sample : samples)
    for (auto& tm : sample.cluster.taskmanagers) tm.metrics.erase("Status.JVM.CPU.Time");
  return samples;
}

void check_costs(const RoundTrip& rt, double tolerance) {
  for (std::size_t v = 0; v < rt.true_cost_ns.size(); ++v) {
    const auto& fit = rt.fit.vertices[v];
    INFO(fit.name << ": fitted " << fit.cost_ns << " ns (uncorrected " << fit.cost_uncorrected_ns
                  << ", busiest " << fit.cost_busiest_ns << "), true " << rt.true_cost_ns[v] << " ns");
    REQUIRE(fit.measured);
    CHECK(fit.cost_ns == Approx(rt.true_cost_ns[v]).epsilon(tolerance));
  }
}

// The TaskManager's CPU, Σ over vertices of cost × records/s, with the fitted and the true costs:
// what the contention correction gets exactly, whatever the split between vertices.
void check_total_cpu(const RoundTrip& rt, double tolerance) {
  double fitted = 0, truth = 0;
  for (std::size_t v = 0; v < rt.true_cost_ns.size(); ++v) {
    fitted += rt.fit.vertices[v].cost_ns * rt.fit.vertices[v].input_rate / 1e9;
    truth += rt.true_cost_ns[v] * rt.fit.vertices[v].input_rate / 1e9;
  }
  INFO("cores used: fitted " << fitted << ", true " << truth);
  CHECK(fitted == Approx(truth).epsilon(tolerance));
}

// A saturated TaskManager's vertices: 7%, not 5%. The correction scales busy time by
// cores ÷ demand, one factor for the TaskManager, and a thread's busy time is its work ÷ its mean
// speed while runnable, E[cores / runnable threads | it is runnable]: it depends on which threads
// are runnable together, which per-second averages do not show. On saturated.toml (2 cores, 7.5
// wanted; seed 11) the threads' true slowdowns are enrich 3.54-3.69 (always runnable), events
// 3.75-4.01, window -> sink 3.87-4.01, against 3.75 for all: events +3.0%, enrich −4.2%,
// window −> sink +5.4% (seeds 1-6: worst 5.0-6.0%). Treating threads as independent is not
// better (events −5.4%). Flink's metrics on this job are reproduced by joint laws of runnable
// threads that put window −> sink anywhere in about ±7% of the truth (events −22%..+31%), so no
// estimator can promise 5% here; what they do fix is the TaskManager's total CPU
// (check_total_cpu). calibrate/README.md has the detail.
constexpr double kSaturatedTolerance = 0.07;

}  // namespace

TEST_CASE("round trip: known costs come back within 5% with spare cores", "[calibrate][round_trip]") {
  const auto rt = round_trip("balanced.toml");
  check_costs(rt, 0.05);
  for (const auto& tm : rt.fit.taskmanagers) CHECK_FALSE(tm.saturated);
  // The chain of window and sink: selectivity 0.5 halves what reaches the sink.
  CHECK(rt.true_cost_ns[2] == Approx(35'000));
}

TEST_CASE("round trip: a CPU-saturated TaskManager's busy time is corrected back to the cost", "[calibrate][round_trip]") {
  const auto rt = round_trip("saturated.toml");
  REQUIRE(rt.fit.taskmanagers.size() == 1);
  CHECK(rt.fit.taskmanagers[0].saturated);
  CHECK(rt.fit.taskmanagers[0].demand > 2.5);  // threads want more than the 2 cores
  check_costs(rt, kSaturatedTolerance);
  check_total_cpu(rt, 0.01);
  // Without the correction the costs would be far off: the check above is not trivially true.
  const auto& enrich = rt.fit.vertices[1];
  CHECK(enrich.cost_uncorrected_ns > 1.2 * rt.true_cost_ns[1]);
}

TEST_CASE("round trip: a saturated 2-core pod on a 16-core node is found by its CPU time, not Load",
          "[calibrate][round_trip]") {
  // serve answers Status.JVM.CPU.Load as Flink does in a pod: the JVM's CPU as a share of the
  // node's 16 cores (getProcessCpuLoad is not container-aware), so at most 2/16 however saturated.
  Setup pod;
  pod.node_cores = 16;
  const auto rt = round_trip("saturated.toml", pod);
  const auto alone = round_trip("saturated.toml");  // the same TaskManager with a host to itself
  REQUIRE(rt.fit.taskmanagers.size() == 1);
  const auto& tm = rt.fit.taskmanagers[0];
  REQUIRE(tm.cpu_load.has_value());
  CHECK(*tm.cpu_load <= 2.0 / 16 + 1e-9);
  CHECK(*tm.cpu_load > 0.12);

  // Before: Load decided alone (nothing else was read) and 0.125 is far below 0.85, so busy time,
  // which includes waiting for a core, went into the costs uncorrected.
  const auto before = calibrate::fit(without_cpu_time(rt.samples), fit_options(rt.scenario));
  CHECK(before.taskmanagers[0].evidence == calibrate::SaturationEvidence::Load);
  CHECK_FALSE(before.taskmanagers[0].saturated);
  for (std::size_t v = 0; v < rt.true_cost_ns.size(); ++v) {
    INFO(before.vertices[v].name << ": " << before.vertices[v].cost_ns << " ns, true "
                                 << rt.true_cost_ns[v]);
    CHECK(before.vertices[v].cost_ns > 3 * rt.true_cost_ns[v]);  // 3.6-4.1x: busy time as it came
  }
  REQUIRE(before.warnings.size() == 1);  // and it says why it may be wrong
  CHECK(before.warnings[0].find("Status.JVM.CPU.Load 0.125") != std::string::npos);

  // After: the rate of Status.JVM.CPU.Time says 2 cores of 2 were used: saturated, corrected as
  // when the TaskManager has its host to itself (Load does not enter once the rate is known).
  CHECK(tm.evidence == calibrate::SaturationEvidence::CpuTime);
  REQUIRE(tm.cores_used.has_value());
  CHECK(*tm.cores_used == Approx(2.0).epsilon(0.01));
  CHECK(tm.saturated);
  check_costs(rt, kSaturatedTolerance);
  check_total_cpu(rt, 0.01);
  CHECK(rt.fit.warnings.empty());
  for (std::size_t v = 0; v < rt.true_cost_ns.size(); ++v)
    CHECK(rt.fit.vertices[v].cost_ns == Approx(alone.fit.vertices[v].cost_ns).epsilon(1e-12));
}

TEST_CASE("round trip: a saved series of samples replays with its timing", "[calibrate][round_trip]") {
  // As `flinksim snapshot --samples 3` then `calibrate --from DIR`: the JobManager's `now` is in
  // each sample's GET /jobs/:jid answer, so the rate of Status.JVM.CPU.Time comes back offline.
  const fs::path dir = fs::temp_directory_path() / "flinksim-serve-round-trip-series";
  fs::remove_all(dir);
  Setup recorded;
  recorded.node_cores = 16;
  recorded.record_dir = dir.string();
  const auto live = round_trip("saturated.toml", recorded);
  std::vector<calibrate::Sample> saved;
  for (const auto& folder : calibrate::snapshot_folders(dir.string())) {
    calibrate::SnapshotRestSource snapshot(folder);
    saved.push_back(calibrate::read_sample(snapshot, std::nullopt));
  }
  fs::remove_all(dir);
  REQUIRE(saved.size() == 3);
  CHECK(saved[1].time_ms.value_or(-1) - saved[0].time_ms.value_or(-1) == 5000);  // 5 simulated s apart
  const auto offline = calibrate::fit(saved, fit_options(live.scenario));
  CHECK(offline.taskmanagers[0].evidence == calibrate::SaturationEvidence::CpuTime);
  CHECK(offline.taskmanagers[0].saturated);
  for (std::size_t v = 0; v < live.true_cost_ns.size(); ++v)
    CHECK(offline.vertices[v].cost_ns == Approx(live.fit.vertices[v].cost_ns).epsilon(1e-9));
}

TEST_CASE("round trip: a fractional CPU limit is the TaskManager's cores, not availableProcessors", "[calibrate][round_trip]") {
  // 2.5 cores: `flinksim serve` answers hardware.cpuCores 3 (the JVM rounds a container's limit
  // up) and totalResource.cpuCores 2.5. Dividing by 3 read every cost 20-27% high.
  Setup limit;
  limit.cores = 2.5;
  const auto rt = round_trip("saturated.toml", limit);
  REQUIRE(rt.fit.taskmanagers.size() == 1);
  CHECK(rt.fit.taskmanagers[0].saturated);
  CHECK(rt.fit.taskmanagers[0].cores == 2.5);
  check_costs(rt, kSaturatedTolerance);
  check_total_cpu(rt, 0.01);
}

TEST_CASE("round trip: a hot key shows as key skew, not as a higher cost per record", "[calibrate][round_trip]") {
  const auto rt = round_trip("hot-key.toml");
  check_costs(rt, 0.05);
  const auto& window = rt.fit.vertices[2];
  CHECK(window.rate_spread > 1.2);
  REQUIRE(window.key_skew.has_value());
  CHECK(*window.key_skew > 0.5);
  // The autoscaler's busiest-subtask view overstates the cost of every record.
  CHECK(window.cost_busiest_ns > 1.15 * rt.true_cost_ns[2]);
}

TEST_CASE("round trip: the checkpoints the engine took come back through Flink's checkpoint statistics",
          "[calibrate][round_trip][checkpoints]") {
  // 40 GB of incremental RocksDB state checkpointed every 2 minutes: five in 10 simulated minutes.
  const auto scenario = model::read_scenario_file(testing::source_dir() + "/scenarios/windowed-kpis-rocksdb.toml");
  const model::JobGraph graph = model::build_job_graph(scenario);
  const model::Placement placement = model::place_job(graph, scenario);
  cli::SimulatedFlink flink(scenario, graph, placement);
  sim::RunOptions options;
  options.horizon = 10 * model::kMinute;
  options.sink = &flink;
  const auto result = sim::simulate(scenario, graph, placement, sim::engine_params(scenario), options);
  REQUIRE(result.checkpoints.simulated);
  REQUIRE(result.checkpoints.completed >= 4);

  SimulatedSource source(flink);
  const auto job = calibrate::read_job(source, flink.job_id());
  CHECK(job.checkpoints.enabled);
  CHECK(job.checkpoints.completed == result.checkpoints.completed);
  CHECK(job.checkpoints.state_size_avg == Approx(static_cast<double>(result.checkpoints.state_size)).epsilon(0.01));
  CHECK(job.checkpoints.duration_max_ms == Approx(result.checkpoints.duration_max / 1e6).margin(1.0));
  // Incremental: each upload is a small part of the state, as the REST summary says.
  CHECK(job.checkpoints.checkpointed_size_avg < 0.2 * job.checkpoints.state_size_avg);

  const auto raw = nlohmann::json::parse(flink.get("/jobs/" + flink.job_id() + "/checkpoints").body);
  CHECK(raw["history"].size() == std::min<std::size_t>(10, result.checkpoint_history.size()));
  CHECK(raw["history"][0]["id"] == result.checkpoint_history.back().id);  // newest first
  CHECK(raw["latest"]["failed"].is_null());
}
