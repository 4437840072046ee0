#include "cli/memory_json.h"

namespace flinksim::cli {

Json memory_configuration_json(const model::TaskManagerMemory& memory) {
  return {{"frameworkHeap", memory.framework_heap},        {"taskHeap", memory.task_heap},
          {"frameworkOffHeap", memory.framework_off_heap}, {"taskOffHeap", memory.task_off_heap},
          {"networkMemory", memory.network},               {"managedMemory", memory.managed},
          {"jvmMetaspace", memory.jvm_metaspace},          {"jvmOverhead", memory.jvm_overhead},
          {"totalFlinkMemory", memory.total_flink},        {"totalProcessMemory", memory.total_process}};
}

}  // namespace flinksim::cli
