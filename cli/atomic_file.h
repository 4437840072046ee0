// Output files a reader never sees half-written: written aside, flushed, renamed into place, and
// the folder flushed, so even after a crash the old file or the whole new one is there.
#pragma once

#include <string>

namespace flinksim::cli {

// Writes `text` to `path` + ".tmp", flushes it to disk, renames it to `path` and flushes the
// folder. Throws model::InputFailure naming --out when it cannot.
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace flinksim::cli
