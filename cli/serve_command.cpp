// `flinksim serve SCENARIO [--port P] [--speed X] [--for D] [--node-cores N]`: a simulated
// cluster that answers Flink's REST API (cli/simulated_flink.h) while the buffer-level engine runs
// the scenario, so `flinksim calibrate --url`, the Flink web UI's JSON or any tool that reads
// Flink's REST API can be pointed at a simulation. GET only, as a JobManager's monitoring API is
// for reading; other methods get 405. The engine runs in its own thread, paced to X simulated
// seconds per wall second; when the horizon is reached the last sample stays served until --for
// ends or the process is stopped. --node-cores is the size of the machine each TaskManager pod
// runs on: Flink's Status.JVM.CPU.Load is a share of the host's cores, not the pod's (a saturated
// 2-core pod on a 16-core node reads 0.125); by default a TaskManager has a host of its own cores.
#include <chrono>
#include <iostream>
#include <memory>
#include <sstream>
#include <thread>

#include <httplib.h>

#include "cli/commands.h"
#include "cli/option_values.h"
#include "cli/scenario_loading.h"
#include "cli/simulated_flink.h"
#include "model/job_graph.h"
#include "model/placement.h"
#include "sim/engine.h"

namespace flinksim::cli {
namespace {

struct ServeOptions {
  ScenarioOptions scenario;
  std::string host = "127.0.0.1";
  int port = 8081;  // Flink's rest.port default
  double speed = 1.0;
  double node_cores = 0;  // 0: cpu_per_taskmanager
  std::string horizon;
  std::string serve_for;
};

void serve(const ServeOptions& options) {
  const model::Scenario scenario = load_scenario(options.scenario);
  const model::JobGraph graph = model::build_job_graph(scenario);
  std::string why;
  const model::Placement placement = model::place_job(graph, scenario, &why);
  if (!placement.fits) usage_error("cluster", why.empty() ? "the job does not fit the cluster's slots" : why);
  if (options.speed < 0) usage_error("--speed", "must be ≥ 0 (0: as fast as the engine goes)");
  if (options.node_cores != 0 && options.node_cores < scenario.cluster.cpu_per_taskmanager) {
    std::ostringstream why;
    why << "a node of " << options.node_cores << " cores cannot hold a TaskManager of "
        << scenario.cluster.cpu_per_taskmanager << " (cluster.cpu_per_taskmanager)";
    usage_error("--node-cores", why.str());
  }
  const sim::EngineParams params = sim::engine_params(scenario);

  SimulatedFlink flink(scenario, graph, placement);
  flink.set_speed(options.speed);
  flink.set_node_cores(options.node_cores);
  sim::RunOptions run;
  run.sink = &flink;
  if (!options.horizon.empty()) run.horizon = duration_option(options.horizon, "--horizon");
  const model::Nanos serve_for = options.serve_for.empty() ? 0 : duration_option(options.serve_for, "--for");

  httplib::Server server;
  server.Get(".*", [&flink](const httplib::Request& request, httplib::Response& response) {
    std::string target = request.path;
    if (request.has_param("get")) target += "?get=" + request.get_param_value("get");
    const auto answer = flink.get(target);
    response.status = answer.status;
    response.set_content(answer.body, "application/json; charset=UTF-8");
  });
  // A JobManager's monitoring API is read-only here: anything but GET is refused before routing.
  server.set_pre_routing_handler([](const httplib::Request& request, httplib::Response& response) {
    if (request.method == "GET") return httplib::Server::HandlerResponse::Unhandled;
    response.status = 405;
    response.set_content(R"({"errors":["flinksim serve answers GET only"]})", "application/json");
    return httplib::Server::HandlerResponse::Handled;
  });

  const int port = options.port == 0 ? server.bind_to_any_port(options.host)
                                     : (server.bind_to_port(options.host, options.port) ? options.port : -1);
  if (port < 0) usage_error("--port", "cannot listen on " + options.host + ":" + std::to_string(options.port));
  // The address on stdout (one line, flushed) so a script or test can read where to connect.
  std::cout << "http://" << options.host << ":" << port << std::endl;
  std::cerr << "flinksim serve: Flink REST API of the simulated \"" << scenario.name << "\" (job "
            << flink.job_id() << "), " << (options.speed > 0 ? std::to_string(options.speed) + "× real time"
                                                               : std::string("as fast as it runs"))
            << "; GET only\n";

  std::thread listener([&server] { server.listen_after_bind(); });
  std::string engine_error;
  std::thread engine([&] {
    try {
      const auto result = sim::simulate(scenario, graph, placement, params, run);
      if (!result.conserved) engine_error = "records not conserved: " + result.conservation_error;
    } catch (const SimulatedFlink::Stopped&) {
      // --for ended before the horizon: the run is abandoned, which is what was asked.
    } catch (const std::exception& e) {
      engine_error = e.what();
    }
  });
  const auto started = std::chrono::steady_clock::now();
  while (serve_for <= 0 || std::chrono::steady_clock::now() - started < std::chrono::nanoseconds(serve_for))
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  server.stop();
  listener.join();
  flink.stop();
  engine.join();
  std::cerr << "flinksim serve: stopped after --for " << options.serve_for << " at simulated "
            << static_cast<double>(std::max<model::Nanos>(flink.simulated_time(), 0)) / 1e9 << " s\n";
  if (!engine_error.empty()) {
    std::cerr << "error: " << engine_error << "\n";
    throw Exit{kExitBadInput};
  }
}

}  // namespace

void add_serve_command(CLI::App& app) {
  auto options = std::make_shared<ServeOptions>();
  CLI::App* command = app.add_subcommand("serve", "answer Flink's REST API from a running simulation");
  add_scenario_options(*command, options->scenario);
  command->add_option("--host", options->host, "address to listen on (default 127.0.0.1)");
  command->add_option("--port", options->port, "port (default 8081, Flink's rest.port; 0 = any free port)");
  command->add_option("--speed", options->speed, "simulated seconds per wall second (default 1; 0 = as fast as possible)");
  command->add_option("--horizon", options->horizon, "simulated time (default: the traffic duration)");
  command->add_option("--for", options->serve_for, "stop serving after this wall time (default: until stopped)");
  command->add_option("--node-cores", options->node_cores,
                      "cores of the node each TaskManager runs on, what Status.JVM.CPU.Load is a "
                      "share of (default: cpu_per_taskmanager, a host to itself)");
  command->callback([options] { serve(*options); });
}

}  // namespace flinksim::cli
