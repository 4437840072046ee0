#include "model/scenario_writer.h"

#include <charconv>
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

#include "model/scenario_reader.h"

namespace flinksim::model {
namespace {

std::string quote(const std::string& s) {
  std::ostringstream out;
  out << toml::value<std::string>(s);
  return out.str();
}

// Shortest text that reads back to the same double; fixed notation because the unit parsers
// take plain decimals only.
std::string fixed(double v) {
  char buffer[512];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v, std::chars_format::fixed);
  return ec == std::errc() ? std::string(buffer, end) : std::to_string(v);
}

// A TOML number: shortest round-trip form, always with a fraction or exponent so it stays a float.
std::string number(double v) {
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
  std::string s(buffer, end);
  if (s.find_first_of(".eE") == std::string::npos && s.find_first_of("in") == std::string::npos) s += ".0";
  return s;
}

bool is_integer_text(const std::string& s) {
  if (s.empty() || s.size() > 18) return false;
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() && std::to_string(v) == s;
}

// Config values keep their TOML type where it is evident, so the file reads naturally.
std::string flink_value(const std::string& v) {
  if (v == "true" || v == "false" || is_integer_text(v)) return v;
  return quote(v);
}

const char* kind_word(OperatorKind k) {
  switch (k) {
    case OperatorKind::Source: return "source";
    case OperatorKind::Sink: return "sink";
    default: return "operator";
  }
}

const char* partition_word(Partition p) {
  switch (p) {
    case Partition::Forward: return "forward";
    case Partition::Rebalance: return "rebalance";
    case Partition::Rescale: return "rescale";
    case Partition::Hash: return "hash";
    case Partition::Broadcast: return "broadcast";
    case Partition::Random: return "random";
    case Partition::Global: return "global";
  }
  return "forward";
}

const char* chaining_word(Chaining c) {
  switch (c) {
    case Chaining::Never: return "never";
    case Chaining::Head: return "head";
    default: return "always";
  }
}

std::string distribution_text(const OperatorSpec& op) {
  switch (op.cpu_distribution) {
    case CostDistribution::Exponential: return "exponential";
    case CostDistribution::Lognormal: return "lognormal:" + number(op.cpu_cv);
    default: return "constant";
  }
}

const char* shape_word(TrafficShape s) {
  switch (s) {
    case TrafficShape::Step: return "step";
    case TrafficShape::Diurnal: return "diurnal";
    case TrafficShape::Burst: return "burst";
    case TrafficShape::Trace: return "trace";
    default: return "constant";
  }
}

const char* granularity_word(Granularity g) {
  switch (g) {
    case Granularity::Buffer: return "buffer";
    case Granularity::Fluid: return "fluid";
    default: return "auto";
  }
}

void write_operator(std::ostream& out, const OperatorSpec& op) {
  out << "\n[[operator]]\n";
  out << "name = " << quote(op.name) << "\n";
  out << "kind = \"" << kind_word(op.kind) << "\"\n";
  if (op.parallelism) out << "parallelism = " << *op.parallelism << "\n";
  if (op.max_parallelism) out << "max_parallelism = " << *op.max_parallelism << "\n";
  if (!op.inputs.empty()) {
    out << "inputs = [";
    for (std::size_t i = 0; i < op.inputs.size(); ++i) {
      const InputSpec& in = op.inputs[i];
      out << (i ? ", " : "");
      if (in.partition) {
        out << "{ from = " << quote(in.from) << ", partition = \"" << partition_word(*in.partition)
            << "\" }";
      } else {
        out << quote(in.from);
      }
    }
    out << "]\n";
  }
  out << "cpu_per_record = \"" << duration_text(op.cpu_per_record) << "\"\n";
  out << "cpu_distribution = \"" << distribution_text(op) << "\"\n";
  out << "selectivity = " << number(op.selectivity) << "        # records out per record in\n";
  out << "record_size = \"" << size_text(op.record_size) << "\"     # 0b: as its input's\n";
  if (op.record_size_cv) {
    out << "record_size_distribution = \""
        << (*op.record_size_cv > 0 ? "lognormal:" + number(*op.record_size_cv)
                                   : std::string("constant"))
        << "\"\n";
  }
  if (op.state) {
    const StateSpec& s = *op.state;
    out << "state = { keys = " << s.keys << ", bytes_per_key = \"" << size_text(s.bytes_per_key)
        << "\", access = " << quote(s.access);
    if (s.access_bytes_per_record) {
      out << ", access_bytes_per_record = \"" << size_text(*s.access_bytes_per_record) << "\"";
    }
    out << ", growth_per_hour = " << number(s.growth_per_hour);
    if (s.change_rate) out << ", change_rate = " << number(*s.change_rate);
    out << " }\n";
  }
  out << "key_skew = " << number(op.key_skew) << "           # Zipf exponent; 0 = uniform\n";
  if (op.key_count) out << "key_count = " << *op.key_count << "\n";
  out << "source_partitions = " << op.source_partitions << "\n";
  if (op.slot_sharing_group_set)  // unset: inherited from the inputs, as Flink does
    out << "slot_sharing_group = " << quote(op.slot_sharing_group) << "\n";
  out << "chaining = \"" << chaining_word(op.chaining) << "\"\n";
}

void write_traffic(std::ostream& out, const TrafficSpec& t) {
  out << "\n[traffic]                              # what arrives at the sources, all of them together\n";
  out << "shape = \"" << shape_word(t.shape) << "\"\n";
  out << "peak = \"" << rate_text(t.peak) << "\"\n";
  out << "trough = \"" << rate_text(t.trough) << "\"\n";
  out << "duration = \"" << duration_text(t.duration) << "\"\n";
  out << "arrival = \"" << (t.arrival == Arrival::Uniform ? "uniform" : "poisson") << "\"\n";
  out << "step_at = \"" << duration_text(t.step_at) << "\"             # step: trough before, peak after\n";
  out << "burst_every = \"" << duration_text(t.burst_every) << "\"\n";
  out << "burst_length = \"" << duration_text(t.burst_length) << "\"\n";
  out << "diurnal_peak_at = \"" << duration_text(t.diurnal_peak_at) << "\"     # time of day\n";
  if (!t.trace_file.empty()) out << "trace = " << quote(t.trace_file) << "  # CSV: time,rate\n";
}

}  // namespace

std::string duration_text(Nanos ns) {
  static const std::pair<Nanos, const char*> kUnits[] = {
      {kHour, "h"}, {kMinute, "min"}, {kSecond, "s"}, {kMillisecond, "ms"}, {kMicrosecond, "us"}};
  for (const auto& [unit, word] : kUnits) {
    if (ns != 0 && ns % unit == 0) return std::to_string(ns / unit) + word;
  }
  return std::to_string(ns) + (ns == 0 ? "s" : "ns");
}

std::string size_text(Bytes bytes) {
  static const std::pair<Bytes, const char*> kUnits[] = {
      {1024 * kGiB, "t"}, {kGiB, "g"}, {kMiB, "m"}, {kKiB, "k"}};
  for (const auto& [unit, word] : kUnits) {
    if (bytes != 0 && bytes % unit == 0) return std::to_string(bytes / unit) + word;
  }
  return std::to_string(bytes) + "b";
}

std::string rate_text(double per_second) { return fixed(per_second) + "/s"; }

std::string write_scenario(const Scenario& s) {
  std::ostringstream out;
  out << "# flinksim scenario (format: ../shared/design/scenario.md). Every field is written out,\n"
         "# defaults included, so this file says exactly what is simulated.\n";
  out << "name = " << quote(s.name) << "\n";
  out << "seed = " << s.seed << "                              # all randomness derives from this\n";

  out << "\n[cluster]\n";
  out << "taskmanagers = " << s.cluster.taskmanagers << "\n";
  out << "cpu_per_taskmanager = " << number(s.cluster.cpu_per_taskmanager)
      << "              # cores a TaskManager pod may use\n";
  out << "pod_start = \"" << duration_text(s.cluster.pod_start)
      << "\"                      # time to get a replacement TaskManager\n";

  out << "\n[flink]                                # Flink configuration, verbatim keys\n";
  for (const auto& [key, entry] : s.flink.entries()) {
    if (entry.pos.file.rfind("(flinksim default", 0) == 0) continue;  // the reader adds these
    out << quote(key) << " = " << flink_value(entry.value) << "\n";
  }

  out << "\n[storage]                              # checkpoint / savepoint storage\n";
  out << "write_bandwidth = \"" << fixed(s.storage.write_bandwidth) << "B/s\"\n";
  out << "read_bandwidth = \"" << fixed(s.storage.read_bandwidth) << "B/s\"\n";
  out << "state_disk = " << quote(s.storage.state_disk) << "                 # local | network\n";

  out << "\n[network]\n";
  out << "bandwidth_per_taskmanager = \"" << fixed(s.network.bandwidth_per_taskmanager) << "B/s\"\n";
  out << "hop_latency = \"" << duration_text(s.network.hop_latency) << "\"\n";

  for (const OperatorSpec& op : s.operators) write_operator(out, op);
  write_traffic(out, s.traffic);

  for (const FailureSpec& f : s.failures) {
    out << "\n[[failure]]\n";
    out << "at = \"" << duration_text(f.at) << "\"\n";
    out << "kind = \"" << (f.kind == FailureKind::JobManager ? "jobmanager" : "taskmanager") << "\"\n";
    if (f.taskmanager >= 0) out << "taskmanager = " << f.taskmanager << "\n";
  }

  out << "\n[simulation]\n";
  out << "granularity = \"" << granularity_word(s.simulation.granularity) << "\"\n";
  out << "event_budget = " << s.simulation.event_budget << "\n";
  out << "check_budget = " << s.simulation.check_budget << "\n";
  out << "metrics_interval = \"" << duration_text(s.simulation.metrics_interval) << "\"\n";
  if (s.simulation.warmup) out << "warmup = \"" << duration_text(*s.simulation.warmup) << "\"\n";

  out << "\n[slo]\n";
  if (s.slo.max_latency_p99) out << "max_latency_p99 = \"" << duration_text(*s.slo.max_latency_p99) << "\"\n";
  if (s.slo.max_recovery) out << "max_recovery = \"" << duration_text(*s.slo.max_recovery) << "\"\n";
  if (s.slo.max_checkpoint_duration) {
    out << "max_checkpoint_duration = \"" << duration_text(*s.slo.max_checkpoint_duration) << "\"\n";
  }
  if (s.slo.target_utilization) out << "target_utilization = " << number(*s.slo.target_utilization) << "\n";

  const SearchSpec& search = s.search;
  out << "\n[search]                               # the space that sweep and recommend explore\n";
  if (search.taskmanagers) {
    out << "taskmanagers = [" << search.taskmanagers->first << ", " << search.taskmanagers->second << "]\n";
  }
  auto list = [&out](const char* key, const auto& values, auto text) {
    if (values.empty()) return;
    out << key << " = [";
    for (std::size_t i = 0; i < values.size(); ++i) out << (i ? ", " : "") << text(values[i]);
    out << "]\n";
  };
  list("slots_per_taskmanager", search.slots_per_taskmanager, [](int v) { return std::to_string(v); });
  list("cpu_per_taskmanager", search.cpu_per_taskmanager, [](double v) { return number(v); });
  list("memory_per_taskmanager", search.memory_per_taskmanager,
       [](Bytes v) { return quote(size_text(v)); });
  out << "price_per_core_hour = " << number(search.price_per_core_hour) << "\n";
  out << "price_per_gib_hour = " << number(search.price_per_gib_hour) << "\n";
  return out.str();
}

void write_scenario_file(const Scenario& scenario, const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  out << write_scenario(scenario);
  if (!out) {
    Diagnostics diag;
    diag.error({path, 0, 0}, "", "cannot write the scenario file");
    throw_if_errors(diag);
  }
}

}  // namespace flinksim::model
