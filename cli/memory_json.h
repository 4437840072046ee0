// A TaskManager's memory as JSON, with the field names of Flink's REST memoryConfiguration
// (/taskmanagers/:id), in bytes: one definition for `memory --json` and `plan --json`.
#pragma once

#include "cli/json_output.h"
#include "model/memory.h"

namespace flinksim::cli {

Json memory_configuration_json(const model::TaskManagerMemory& memory);

}  // namespace flinksim::cli
