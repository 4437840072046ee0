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

// Writes render_report_html(data) to `path` with write_file_atomically (cli/atomic_file.h): a
// reader never sees half a page. Throws model::InputFailure naming --out when it cannot.
void write_report_html(const std::string& path, const Json& data);

}  // namespace flinksim::cli
