// `flinksim memory [-Dkey=value…] [--config FILE] [--jobmanager] [--json]`: Flink's own memory
// breakdown of a TaskManager (or the JobManager) for a configuration, byte for byte, or Flink's
// reason for refusing it (exit 2). See model/memory.h.
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/json_output.h"
#include "cli/memory_json.h"
#include "model/flink_config.h"
#include "model/memory.h"

namespace flinksim::cli {
namespace {

using namespace flinksim::model;

struct MemoryOptions {
  std::vector<std::string> dynamic_properties;
  std::string config_file;
  bool jobmanager = false;
  bool json = false;
};

// A row as Flink's "Final TaskExecutor Memory configuration" log prints it.
void add_row(Table& table, const std::string& name, Bytes bytes) {
  table.add_row({name, format_bytes(bytes), std::to_string(bytes)});
}

void print_taskmanager(const TaskManagerMemory& m, bool json) {
  if (json) {
    // Flink's REST memoryConfiguration names (/taskmanagers/:id).
    Json doc = memory_configuration_json(m);
    doc["networkBuffers"] = m.network_buffers();
    doc["segmentSize"] = m.segment_size;
    print_json(doc, std::cout);
    return;
  }
  std::cout << "Final TaskExecutor Memory configuration:\n";
  Table table({"component", "size", "bytes"}, {Align::Left, Align::Right, Align::Right});
  add_row(table, "Total Process Memory", m.total_process);
  add_row(table, "  Total Flink Memory", m.total_flink);
  add_row(table, "    Total JVM Heap Memory", m.jvm_heap());
  add_row(table, "      Framework", m.framework_heap);
  add_row(table, "      Task", m.task_heap);
  add_row(table, "    Total Off-heap Memory", m.jvm_direct() + m.managed);
  add_row(table, "      Managed", m.managed);
  add_row(table, "      Total JVM Direct Memory", m.jvm_direct());
  add_row(table, "        Framework", m.framework_off_heap);
  add_row(table, "        Task", m.task_off_heap);
  add_row(table, "        Network", m.network);
  add_row(table, "  JVM Metaspace", m.jvm_metaspace);
  add_row(table, "  JVM Overhead", m.jvm_overhead);
  table.print(std::cout, 2);
  std::cout << "  network buffers: " << m.network_buffers() << " of " << format_bytes(m.segment_size)
            << "\n  JVM flags: -Xmx" << m.jvm_heap() << " -Xms" << m.jvm_heap()
            << " -XX:MaxDirectMemorySize=" << m.jvm_direct()
            << " -XX:MaxMetaspaceSize=" << m.jvm_metaspace << "\n";
}

void print_jobmanager(const JobManagerMemory& m, bool json) {
  if (json) {
    Json doc;
    doc["jvmHeap"] = m.jvm_heap;
    doc["offHeap"] = m.off_heap;
    doc["jvmMetaspace"] = m.jvm_metaspace;
    doc["jvmOverhead"] = m.jvm_overhead;
    doc["totalFlinkMemory"] = m.total_flink;
    doc["totalProcessMemory"] = m.total_process;
    print_json(doc, std::cout);
    return;
  }
  std::cout << "Final Master Memory configuration:\n";
  Table table({"component", "size", "bytes"}, {Align::Left, Align::Right, Align::Right});
  add_row(table, "Total Process Memory", m.total_process);
  add_row(table, "  Total Flink Memory", m.total_flink);
  add_row(table, "    JVM Heap", m.jvm_heap);
  add_row(table, "    Off-heap", m.off_heap);
  add_row(table, "  JVM Metaspace", m.jvm_metaspace);
  add_row(table, "  JVM Overhead", m.jvm_overhead);
  table.print(std::cout, 2);
  std::cout << "  JVM flags: -Xmx" << m.jvm_heap << " -Xms" << m.jvm_heap
            << " -XX:MaxMetaspaceSize=" << m.jvm_metaspace << "\n";
}

void run(const MemoryOptions& options) {
  FlinkConfig config;
  Diagnostics diagnostics;
  if (!options.config_file.empty()) load_flink_config_file(options.config_file, config, diagnostics);
  apply_dynamic_properties(options.dynamic_properties, config, diagnostics);
  config.check_keys(diagnostics);
  for (const auto& warning : diagnostics.warnings()) {
    std::cerr << "warning: " << warning.render() << "\n";
  }
  throw_if_errors(diagnostics);
  if (options.jobmanager) {
    print_jobmanager(derive_jobmanager_memory(config), options.json);
  } else {
    print_taskmanager(derive_taskmanager_memory(config), options.json);
  }
}

}  // namespace

void add_memory_command(CLI::App& app) {
  auto options = std::make_shared<MemoryOptions>();
  CLI::App* command = app.add_subcommand(
      "memory",
      "Flink's TaskManager (or --jobmanager) memory breakdown for a configuration, identical to "
      "Flink's own derivation; a configuration Flink refuses exits 2 with Flink's reason. Flink "
      "has no default size: set taskmanager.memory.process.size (the shipped config: 1728m) or "
      "flink.size, or task heap and managed size.");
  // "-Dkey=value" and "-D key=value" both arrive here; one property per -D.
  command->add_option("-D", options->dynamic_properties, "Flink dynamic property key=value")
      ->allow_extra_args(false);
  command->add_option("--config", options->config_file,
                      "Flink configuration file (config.yaml or flink-conf.yaml)");
  command->add_flag("--jobmanager", options->jobmanager, "the JobManager instead of a TaskManager");
  command->add_flag("--json", options->json, "one JSON document on stdout");
  command->callback([options] { run(*options); });
}

}  // namespace flinksim::cli
