#include "cli/report_html.h"

#include <cstddef>
#include <stdexcept>
#include <string_view>

#include "cli/atomic_file.h"

namespace flinksim::assets {
extern const char report_template[];
extern const std::size_t report_template_size;
extern const char chart_js[];
extern const std::size_t chart_js_size;
}  // namespace flinksim::assets

namespace flinksim::cli {
namespace {

void replace_once(std::string& text, std::string_view slot, std::string_view with) {
  const auto at = text.find(slot);
  if (at == std::string::npos) throw std::logic_error("report template lacks " + std::string(slot));
  text.replace(at, slot.size(), with);
}

}  // namespace

std::string render_report_html(const Json& data) {
  std::string page(assets::report_template, assets::report_template_size);
  std::string json = data.dump();
  for (std::size_t at = 0; (at = json.find("</", at)) != std::string::npos; at += 3) json.replace(at, 2, "<\\/");
  // The data first: the Chart.js source is large and must not be searched for the data's slot.
  replace_once(page, "/*@DATA@*/", json);
  replace_once(page, "/*@CHART_JS@*/", std::string_view(assets::chart_js, assets::chart_js_size));
  return page;
}

void write_report_html(const std::string& path, const Json& data) {
  write_file_atomically(path, render_report_html(data));
}

}  // namespace flinksim::cli
