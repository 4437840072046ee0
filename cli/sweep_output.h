// What `sweep` and `merge` share so that merged shards are byte for byte one sweep's output: the
// JSON document around the rows (its cheapestFeasible recomputed from the rows) and writing a
// result aside then renaming it.
#pragma once

#include <string>

#include "cli/atomic_file.h"
#include "cli/json_output.h"

namespace flinksim::cli {

// {"rows": rows, "cheapestFeasible": index of the cheapest feasible row (first on ties) or null}.
Json sweep_document(Json rows);

// To stdout when `out` is empty, else write_file_atomically(out, text).
void write_output(const std::string& text, const std::string& out);

}  // namespace flinksim::cli
