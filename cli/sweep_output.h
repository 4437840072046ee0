// What `sweep` and `merge` share so that merged shards are byte for byte one sweep's output: the
// JSON document around the rows (its cheapestFeasible recomputed from the rows) and writing a
// result aside then renaming it.
#pragma once

#include <string>

#include "cli/json_output.h"

namespace flinksim::cli {

// {"rows": rows, "cheapestFeasible": index of the cheapest feasible row (first on ties) or null}.
Json sweep_document(Json rows);

// To stdout when `out` is empty, else write_file_atomically(out, text).
void write_output(const std::string& text, const std::string& out);

// Writes `text` to `path` + ".tmp", flushes it to disk, renames it to `path` and flushes the
// folder: a reader, even after a crash, finds the old file or the whole new one, never a part.
// Throws model::InputFailure naming --out when it cannot.
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace flinksim::cli
