// Flink's process memory model for TaskManagers and the JobManager, derived exactly as Flink
// derives it (ProcessMemoryUtils, TaskExecutorFlinkMemoryUtils, JobManagerFlinkMemoryUtils in
// flink-runtime; ../shared/reference/flink-facts.md §a), byte for byte, failures included.
//
// Invariants of a derived TaskManagerMemory
//  - total_flink = framework_heap + task_heap + framework_off_heap + task_off_heap + network + managed
//  - total_process = total_flink + jvm_metaspace + jvm_overhead
//  - jvm_heap() (-Xmx = -Xms) = framework_heap + task_heap;
//    jvm_direct() (-XX:MaxDirectMemorySize) = framework_off_heap + task_off_heap + network
//  - a size derived from a fraction is trunc(base × BigDecimal.valueOf((double) fraction_f32))
//    clamped to [min, max] (max checked first); a size configured explicitly is never clamped; a
//    size derived as a remainder is range-checked and fails rather than being clamped.
//  - nothing is rounded to MiB or pages: the component derived last absorbs the odd bytes.
// Of a JobManagerMemory: total_flink = jvm_heap + off_heap; total_process = total_flink +
// jvm_metaspace + jvm_overhead.
//
// Which options decide (Flink's precedence): both task heap and managed size set → fine-grained;
// else flink.size → total-Flink path; else process.size → total-process path; else Flink refuses.
// Flink itself has no default process size (the shipped config file sets 1728m / 1600m): callers
// that want that default (a scenario without memory keys) must set process.size themselves; the
// scenario reader decides that, not this unit.
//
// Errors: a configuration Flink refuses throws InputFailure with one InputError whose field is
// the most relevant key (as the user wrote it, deprecated or not) and whose message is Flink's
// IllegalConfigurationException message, sizes rendered as MemorySize.toHumanReadableString().
#pragma once

#include <cstdint>
#include <string>

#include "model/flink_config.h"
#include "model/units.h"

namespace flinksim::model {

struct TaskManagerMemory {
  Bytes framework_heap = 0;
  Bytes task_heap = 0;
  Bytes framework_off_heap = 0;
  Bytes task_off_heap = 0;
  Bytes network = 0;
  Bytes managed = 0;
  Bytes jvm_metaspace = 0;
  Bytes jvm_overhead = 0;
  Bytes total_flink = 0;
  Bytes total_process = 0;
  Bytes segment_size = 32 * kKiB;  // taskmanager.memory.segment-size: one network buffer

  // NetworkBufferPool size: floor(network / segment size).
  std::int64_t network_buffers() const { return segment_size > 0 ? network / segment_size : 0; }
  Bytes jvm_heap() const { return framework_heap + task_heap; }
  Bytes jvm_direct() const { return framework_off_heap + task_off_heap + network; }
};

TaskManagerMemory derive_taskmanager_memory(const FlinkConfig& config);

struct JobManagerMemory {
  Bytes jvm_heap = 0;
  Bytes off_heap = 0;
  Bytes jvm_metaspace = 0;
  Bytes jvm_overhead = 0;
  Bytes total_flink = 0;
  Bytes total_process = 0;
};

JobManagerMemory derive_jobmanager_memory(const FlinkConfig& config);

// MemorySize.multiply: trunc(bytes × BigDecimal.valueOf(multiplier)), exactly, where
// BigDecimal.valueOf uses the shortest decimal string of the double. Throws InputFailure
// (field `field`) on overflow of a long.
Bytes multiply_memory(Bytes bytes, double multiplier, const std::string& field = "");

// MemorySize.toHumanReadableString: "384.000mb (402653174 bytes)", "100 bytes".
std::string flink_human_readable(Bytes bytes);

}  // namespace flinksim::model
