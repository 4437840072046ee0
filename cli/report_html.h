// report.html: one self-contained page (Chart.js and the data inside it, nothing fetched) that
// draws a report's data (cli/report_data.h). The page template is cli/report/report.html; it and
// Debian's Chart.js are compiled into the binary (cmake/embed_file.cmake).
#pragma once

#include <string>

#include "cli/json_output.h"

namespace flinksim::cli {

// The page for `data`. `</` inside the data is written `<\/` so no string in it can end the
// <script> element that holds it.
std::string render_report_html(const Json& data);

// Writes render_report_html(data) to `path` under a temporary name, then renames it, so a reader
// never sees half a page. Throws std::runtime_error when it cannot write.
void write_report_html(const std::string& path, const Json& data);

}  // namespace flinksim::cli
