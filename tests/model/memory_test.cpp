// Facts from Flink: configure X → expect these bytes, or Flink's refusal. Sources: flink-facts.md
// §a and Flink's TaskExecutorProcessUtilsTest / ProcessMemoryUtilsTestBase /
// JobManagerProcessUtilsTest (re-stated as facts, not copied).
#include "model/memory.h"

#include <catch2/catch.hpp>
#include <initializer_list>
#include <utility>

using namespace flinksim::model;

namespace {

FlinkConfig config_of(std::initializer_list<std::pair<const char*, const char*>> entries) {
  FlinkConfig config;
  for (const auto& [key, value] : entries) config.set(key, value);
  return config;
}

// The one error Flink raises, with the field it names and a phrase of Flink's message.
void check_refused(const FlinkConfig& config, bool jobmanager, const std::string& field,
                   const std::string& phrase) {
  try {
    if (jobmanager) {
      derive_jobmanager_memory(config);
    } else {
      derive_taskmanager_memory(config);
    }
    FAIL("expected Flink to refuse the configuration");
  } catch (const InputFailure& failure) {
    REQUIRE(failure.errors().size() == 1);
    CHECK(failure.errors()[0].field == field);
    INFO(failure.errors()[0].message);
    CHECK(failure.errors()[0].message.find(phrase) != std::string::npos);
  }
}

void check_invariants(const TaskManagerMemory& m) {
  CHECK(m.total_flink == m.framework_heap + m.task_heap + m.framework_off_heap + m.task_off_heap +
                             m.network + m.managed);
  CHECK(m.total_process == m.total_flink + m.jvm_metaspace + m.jvm_overhead);
}

}  // namespace

TEST_CASE("MemorySize.multiply by a widened float, exactly", "[memory]") {
  CHECK(multiply_memory(1280 * kMiB, static_cast<double>(0.4f)) == 536'870'920);
  CHECK(multiply_memory(1280 * kMiB, static_cast<double>(0.1f)) == 134'217'730);
  CHECK(multiply_memory(1728 * kMiB, static_cast<double>(0.1f)) == 181'193'935);
  CHECK(multiply_memory(100, 0.5) == 50);
  CHECK(multiply_memory(7, 0.1) == 0);            // truncation toward zero
  CHECK(multiply_memory(3, 2.5) == 7);
  CHECK(multiply_memory(1000, 1e-5) == 0);        // "1e-05": exponent form
  CHECK(multiply_memory(1'000'000, 1e-5) == 10);
  CHECK(multiply_memory(3, 1e17) == 300'000'000'000'000'000);  // "1e+17"
  CHECK_THROWS_AS(multiply_memory(INT64_MAX, 2.0), InputFailure);
  const double inverse = static_cast<double>(0.1f) / (1 - static_cast<double>(0.1f));
  CHECK(inverse == 0.11111111295076065);
}

TEST_CASE("MemorySize.toHumanReadableString", "[memory]") {
  CHECK(flink_human_readable(402'653'174) == "384.000mb (402653174 bytes)");
  CHECK(flink_human_readable(1024) == "1024 bytes");  // not greater than 1 kb
  CHECK(flink_human_readable(1025) == "1.001kb (1025 bytes)");
  CHECK(flink_human_readable(1728 * kMiB) == "1.688gb (1811939328 bytes)");
}

TEST_CASE("the shipped TaskManager default: process.size 1728m", "[memory]") {
  const auto m = derive_taskmanager_memory(config_of({{"taskmanager.memory.process.size", "1728m"}}));
  CHECK(m.jvm_overhead == 201'326'592);  // 181,193,935 by fraction, raised to min 192m
  CHECK(m.jvm_metaspace == 256 * kMiB);
  CHECK(m.total_flink == 1280 * kMiB);
  CHECK(m.framework_heap == 128 * kMiB);
  CHECK(m.framework_off_heap == 128 * kMiB);
  CHECK(m.task_off_heap == 0);
  CHECK(m.managed == 536'870'920);
  CHECK(m.network == 134'217'730);
  CHECK(m.task_heap == 402'653'174);
  CHECK(m.network_buffers() == 4096);
  CHECK(m.jvm_heap() == 536'870'902);
  CHECK(m.jvm_direct() == 268'435'458);
  CHECK(m.total_process == 1728 * kMiB);
  check_invariants(m);
}

TEST_CASE("process.size 4096m and 16g (network max unlimited since 1.17)", "[memory]") {
  const auto m = derive_taskmanager_memory(config_of({{"taskmanager.memory.process.size", "4096m"}}));
  CHECK(m.jvm_overhead == 429'496'736);
  CHECK(m.total_flink == 3'597'035'104);
  CHECK(m.task_heap == 1'530'082'070);
  CHECK(m.managed == 1'438'814'063);
  CHECK(m.network == 359'703'515);
  CHECK(m.network_buffers() == 10'977);
  check_invariants(m);

  const auto big = derive_taskmanager_memory(config_of({{"taskmanager.memory.process.size", "16g"}}));
  CHECK(big.jvm_overhead == kGiB);  // clamped to max
  CHECK(big.network == 1'583'769'214);
  check_invariants(big);

  // Flink ≤ 1.16 capped network at 1g; the cap still applies when configured.
  const auto capped = derive_taskmanager_memory(config_of(
      {{"taskmanager.memory.process.size", "16g"}, {"taskmanager.memory.network.max", "1g"}}));
  CHECK(capped.network == kGiB);
}

TEST_CASE("flink.size 1280m is the same TaskManager as process.size 1728m", "[memory]") {
  const auto by_flink = derive_taskmanager_memory(config_of({{"taskmanager.memory.flink.size", "1280m"}}));
  const auto by_process = derive_taskmanager_memory(config_of({{"taskmanager.memory.process.size", "1728m"}}));
  CHECK(by_flink.total_process == 1728 * kMiB);
  CHECK(by_flink.jvm_overhead == by_process.jvm_overhead);
  CHECK(by_flink.task_heap == by_process.task_heap);
  CHECK(by_flink.network == by_process.network);
  CHECK(by_flink.managed == by_process.managed);
}

TEST_CASE("fine-grained: task heap and managed explicit", "[memory]") {
  // Flink's test values: task heap 100m, managed 200m.
  const auto m = derive_taskmanager_memory(config_of(
      {{"taskmanager.memory.task.heap.size", "100m"}, {"taskmanager.memory.managed.size", "200m"}}));
  const Bytes without_network = (128 + 128 + 100 + 0 + 200) * kMiB;
  // Network by inverse fraction of the rest: 556m × 0.11111111295076065, then min 64m.
  CHECK(m.network == std::max<Bytes>(64 * kMiB, multiply_memory(without_network, 0.11111111295076065)));
  CHECK(m.network == 64 * kMiB);  // 556m/9 = 64,777,386 B is below min 64m
  CHECK(m.task_heap == 100 * kMiB);
  CHECK(m.managed == 200 * kMiB);
  CHECK(m.total_flink == without_network + m.network);
  check_invariants(m);

  // With flink.size too, network is the remainder, range-checked.
  const auto with_flink = derive_taskmanager_memory(config_of(
      {{"taskmanager.memory.task.heap.size", "100m"}, {"taskmanager.memory.managed.size", "200m"},
       {"taskmanager.memory.flink.size", "1280m"}}));
  CHECK(with_flink.network == (1280 - 556) * kMiB);
  CHECK(with_flink.total_flink == 1280 * kMiB);

  // With process.size too, overhead is the remainder.
  const auto with_process = derive_taskmanager_memory(config_of(
      {{"taskmanager.memory.task.heap.size", "100m"}, {"taskmanager.memory.managed.size", "200m"},
       {"taskmanager.memory.process.size", "1536m"}}));
  CHECK(with_process.total_process == 1536 * kMiB);
  CHECK(with_process.jvm_overhead == 1536 * kMiB - with_process.total_flink - 256 * kMiB);
}

TEST_CASE("explicit components are never clamped; fractions are", "[memory]") {
  const auto m = derive_taskmanager_memory(config_of(
      {{"taskmanager.memory.process.size", "1728m"}, {"taskmanager.memory.managed.size", "10m"},
       {"taskmanager.memory.network.fraction", "0.2"}, {"taskmanager.memory.network.min", "0"},
       {"taskmanager.memory.network.max", "1t"}}));
  CHECK(m.managed == 10 * kMiB);
  CHECK(m.network == multiply_memory(1280 * kMiB, static_cast<double>(0.2f)));
  check_invariants(m);

  const auto overhead = derive_taskmanager_memory(config_of(
      {{"taskmanager.memory.process.size", "4g"}, {"taskmanager.memory.jvm-overhead.min", "1g"},
       {"taskmanager.memory.jvm-overhead.max", "2g"}}));
  CHECK(overhead.jvm_overhead == kGiB);  // 409.6m by fraction, raised to min
}

TEST_CASE("legacy taskmanager.network.numberOfBuffers", "[memory]") {
  const auto m = derive_taskmanager_memory(config_of(
      {{"taskmanager.memory.process.size", "1728m"}, {"taskmanager.network.numberOfBuffers", "1000"}}));
  CHECK(m.network == 1000 * 32 * kKiB);
  CHECK(m.network_buffers() == 1000);
  check_invariants(m);

  // Ignored as soon as any new network option is set.
  const auto ignored = derive_taskmanager_memory(config_of(
      {{"taskmanager.memory.process.size", "1728m"}, {"taskmanager.network.numberOfBuffers", "1000"},
       {"taskmanager.memory.network.min", "64m"}}));
  CHECK(ignored.network == 134'217'730);
}

TEST_CASE("deprecated network keys are read", "[memory]") {
  const auto m = derive_taskmanager_memory(config_of(
      {{"taskmanager.memory.process.size", "16g"}, {"taskmanager.network.memory.max", "1g"}}));
  CHECK(m.network == kGiB);
}

TEST_CASE("Flink refuses: nothing configured", "[memory]") {
  check_refused(FlinkConfig{}, false, "taskmanager.memory.process.size",
                "Either required fine-grained memory (taskmanager.memory.task.heap.size and "
                "taskmanager.memory.managed.size), or Total Flink Memory size");
  check_refused(FlinkConfig{}, true, "jobmanager.memory.process.size",
                "Either required fine-grained memory (jobmanager.memory.heap.size)");
  // Task heap alone is not the fine-grained path.
  check_refused(config_of({{"taskmanager.memory.task.heap.size", "1g"}}), false,
                "taskmanager.memory.process.size", "need to be configured explicitly");
}

TEST_CASE("Flink refuses: the docs' capped-fraction example (network remainder < min)", "[memory]") {
  check_refused(config_of({{"taskmanager.memory.process.size", "1000m"},
                           {"taskmanager.memory.task.heap.size", "100m"},
                           {"taskmanager.memory.jvm-overhead.min", "64m"},
                           {"taskmanager.memory.jvm-overhead.max", "256m"}}),
                false, "taskmanager.memory.network.min",
                "is not in configured Network Memory range [64.000mb (67108864 bytes), ");
}

TEST_CASE("Flink refuses: derived network remainder outside its range", "[memory]") {
  // Flink's testConsistencyCheckOfDerivedNetworkMemory{LessThanMin,GreaterThanMax}Fails.
  check_refused(config_of({{"taskmanager.memory.flink.size", "1280m"},
                           {"taskmanager.memory.task.heap.size", "100m"},
                           {"taskmanager.memory.managed.size", "200m"},
                           {"taskmanager.memory.network.min", "900m"},
                           {"taskmanager.memory.network.max", "1000m"}}),
                false, "taskmanager.memory.network.min", "If Total Flink, Task Heap and (or) Managed");
  check_refused(config_of({{"taskmanager.memory.flink.size", "1280m"},
                           {"taskmanager.memory.task.heap.size", "100m"},
                           {"taskmanager.memory.managed.size", "200m"},
                           {"taskmanager.memory.network.min", "100m"},
                           {"taskmanager.memory.network.max", "150m"}}),
                false, "taskmanager.memory.network.max", "Derived Network Memory size");
  // A low explicit fraction that does not match the remainder is only logged by Flink.
  CHECK_NOTHROW(derive_taskmanager_memory(config_of({{"taskmanager.memory.flink.size", "1280m"},
                                                     {"taskmanager.memory.task.heap.size", "100m"},
                                                     {"taskmanager.memory.managed.size", "200m"},
                                                     {"taskmanager.memory.network.fraction", "0.001"}})));
  // Legacy buffers that do not match the remainder.
  check_refused(config_of({{"taskmanager.memory.flink.size", "1280m"},
                           {"taskmanager.memory.task.heap.size", "100m"},
                           {"taskmanager.memory.managed.size", "200m"},
                           {"taskmanager.memory.segment-size", "16m"},
                           {"taskmanager.network.numberOfBuffers", "10"}}),
                false, "taskmanager.network.numberOfBuffers",
                "does not match configured Network Memory size");
}

// Flink's message names the fraction; the error points at the option the user set (the max, then
// the min, when the fraction is left at its default), so that it has a place in a file.
TEST_CASE("Flink refuses: inconsistent fraction/min/max", "[memory]") {
  check_refused(config_of({{"taskmanager.memory.process.size", "1728m"},
                           {"taskmanager.memory.network.min", "200m"},
                           {"taskmanager.memory.network.max", "50m"}}),
                false, "taskmanager.memory.network.max", "Key: 'taskmanager.memory.network.fraction'");
  check_refused(config_of({{"taskmanager.memory.process.size", "1728m"},
                           {"taskmanager.memory.jvm-overhead.min", "2g"}}),  // above the 1g default max
                false, "taskmanager.memory.jvm-overhead.min", "Inconsistently configured");
  check_refused(config_of({{"taskmanager.memory.process.size", "1728m"},
                           {"taskmanager.memory.network.fraction", "0.2"},
                           {"taskmanager.memory.network.min", "200m"},
                           {"taskmanager.memory.network.max", "50m"}}),
                false, "taskmanager.memory.network.fraction", "Inconsistently configured");
  check_refused(config_of({{"taskmanager.memory.process.size", "1728m"},
                           {"taskmanager.memory.network.fraction", "1.0"}}),
                false, "taskmanager.memory.network.fraction", "(1.0) and its min");
  check_refused(config_of({{"taskmanager.memory.process.size", "1728m"},
                           {"taskmanager.memory.managed.fraction", "-0.1"}}),
                false, "taskmanager.memory.managed.fraction", "Inconsistently configured");
  check_refused(config_of({{"taskmanager.memory.process.size", "1728m"},
                           {"taskmanager.memory.jvm-overhead.min", "1g"},
                           {"taskmanager.memory.jvm-overhead.max", "192m"}}),
                false, "taskmanager.memory.jvm-overhead.max", "Inconsistently configured");
}

TEST_CASE("Flink refuses: sums exceeding totals", "[memory]") {
  // Fine-grained with a too small flink.size.
  check_refused(config_of({{"taskmanager.memory.flink.size", "500m"},
                           {"taskmanager.memory.task.heap.size", "100m"},
                           {"taskmanager.memory.managed.size", "200m"}}),
                false, "taskmanager.memory.flink.size",
                "Sum of configured Framework Heap Memory (128.000mb (134217728 bytes)), Framework "
                "Off-Heap Memory");
  // Task heap given, Flink total too small.
  check_refused(config_of({{"taskmanager.memory.flink.size", "500m"},
                           {"taskmanager.memory.task.heap.size", "300m"}}),
                false, "taskmanager.memory.task.heap.size", "and Managed Memory");
  // Task heap derived: the others already exceed the total.
  check_refused(config_of({{"taskmanager.memory.flink.size", "300m"},
                           {"taskmanager.memory.managed.size", "100m"}}),
                false, "taskmanager.memory.flink.size", "and Network Memory");
  // Metaspace and overhead exceed process.
  check_refused(config_of({{"taskmanager.memory.process.size", "400m"}}), false,
                "taskmanager.memory.process.size",
                "Sum of configured JVM Metaspace (256.000mb (268435456 bytes)) and JVM Overhead");
  // Process smaller than Flink + metaspace.
  check_refused(config_of({{"taskmanager.memory.flink.size", "1280m"},
                           {"taskmanager.memory.process.size", "1400m"}}),
                false, "taskmanager.memory.process.size", "is less than the sum of the derived");
  // Overhead remainder outside its range.
  check_refused(config_of({{"taskmanager.memory.flink.size", "1280m"},
                           {"taskmanager.memory.process.size", "1600m"}}),
                false, "taskmanager.memory.jvm-overhead.min", "Derived JVM Overhead size");
  check_refused(config_of({{"taskmanager.memory.flink.size", "1280m"},
                           {"taskmanager.memory.process.size", "4g"}}),
                false, "taskmanager.memory.jvm-overhead.max", "Derived JVM Overhead size");
}

TEST_CASE("Flink refuses: bad segment size and unreadable values", "[memory]") {
  check_refused(config_of({{"taskmanager.memory.process.size", "1728m"},
                           {"taskmanager.network.numberOfBuffers", "100"},
                           {"taskmanager.memory.segment-size", "3000"}}),
                false, "taskmanager.memory.segment-size", "Minimum memory segment size is 4096");
  check_refused(config_of({{"taskmanager.memory.process.size", "1728m"},
                           {"taskmanager.network.numberOfBuffers", "100"},
                           {"taskmanager.memory.segment-size", "5000"}}),
                false, "taskmanager.memory.segment-size", "power of 2");
  check_refused(config_of({{"taskmanager.memory.process.size", "lots"}}), false,
                "taskmanager.memory.process.size", "could not parse");
}

TEST_CASE("JobManager: shipped default 1600m", "[memory]") {
  const auto m = derive_jobmanager_memory(config_of({{"jobmanager.memory.process.size", "1600m"}}));
  CHECK(m.jvm_overhead == 192 * kMiB);  // 160m by fraction, raised to min
  CHECK(m.total_flink == 1152 * kMiB);
  CHECK(m.jvm_heap == 1'073'741'824);
  CHECK(m.off_heap == 128 * kMiB);
  CHECK(m.jvm_metaspace == 256 * kMiB);
  CHECK(m.total_process == 1600 * kMiB);
}

TEST_CASE("JobManager: heap, flink.size paths", "[memory]") {
  const auto heap = derive_jobmanager_memory(config_of({{"jobmanager.memory.heap.size", "1g"}}));
  CHECK(heap.jvm_heap == kGiB);
  CHECK(heap.total_flink == kGiB + 128 * kMiB);
  CHECK(heap.jvm_overhead == 192 * kMiB);  // (1152m+256m)/9 = 156.4m → min
  CHECK(heap.total_process == 1600 * kMiB);

  // Heap and flink.size: the default off-heap gives way.
  const auto absorbed = derive_jobmanager_memory(
      config_of({{"jobmanager.memory.heap.size", "1g"}, {"jobmanager.memory.flink.size", "1200m"}}));
  CHECK(absorbed.off_heap == 176 * kMiB);

  const auto flink = derive_jobmanager_memory(config_of({{"jobmanager.memory.flink.size", "2g"}}));
  CHECK(flink.jvm_heap == 2 * kGiB - 128 * kMiB);
  CHECK(flink.jvm_overhead == multiply_memory(2 * kGiB + 256 * kMiB, 0.11111111295076065));
}

TEST_CASE("JobManager: Flink's refusals", "[memory]") {
  check_refused(config_of({{"jobmanager.memory.process.size", "500m"}}), true,
                "jobmanager.memory.process.size",
                "The configured Total Flink Memory (52.000mb (54525952 bytes)) is less than the "
                "configured Off-heap Memory (128.000mb (134217728 bytes)).");
  check_refused(config_of({{"jobmanager.memory.flink.size", "128m"}}), true,
                "jobmanager.memory.flink.size", "is less than the configured Off-heap Memory");
  check_refused(config_of({{"jobmanager.memory.heap.size", "2g"}, {"jobmanager.memory.flink.size", "1g"}}),
                true, "jobmanager.memory.heap.size",
                "exceeds the configured Total Flink Memory");
  check_refused(config_of({{"jobmanager.memory.heap.size", "1g"}, {"jobmanager.memory.flink.size", "2g"},
                           {"jobmanager.memory.off-heap.size", "128m"}}),
                true, "jobmanager.memory.flink.size", "does not match the configured Total Flink Memory");
  check_refused(config_of({{"jobmanager.memory.process.size", "1g"}, {"jobmanager.memory.flink.size", "1g"}}),
                true, "jobmanager.memory.process.size", "is less than the sum of the derived");
}
