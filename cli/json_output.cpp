#include "cli/json_output.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ostream>

namespace flinksim::cli {
namespace {

// Display width of UTF-8 text: code points, not bytes (names may hold "→" or "×").
std::size_t display_width(const std::string& text) {
  std::size_t width = 0;
  for (unsigned char c : text) width += (c & 0xC0) != 0x80;
  return width;
}

std::string scaled(double value, const char* const* units, int count, double step, int decimals) {
  int unit = 0;
  double shown = value;
  while (std::abs(shown) >= step && unit + 1 < count) {
    shown /= step;
    ++unit;
  }
  return format_fixed(shown, unit == 0 ? 0 : decimals) + units[unit];
}

}  // namespace

void print_json(const Json& document, std::ostream& out) { out << document.dump(2) << "\n"; }

Json json_number(double value) {
  if (!std::isfinite(value)) return nullptr;
  char text[32];
  std::snprintf(text, sizeof text, "%.10g", value);
  const double rounded = std::strtod(text, nullptr);
  // 2.0000000000000004e7 rounds to a whole number: print it as one ("20000000", not ".0").
  if (rounded == std::round(rounded) && std::abs(rounded) < 9007199254740992.0) {
    return static_cast<std::int64_t>(rounded);
  }
  return rounded;
}

Table::Table(std::vector<std::string> headers, std::vector<Align> align)
    : headers_(std::move(headers)), align_(std::move(align)) {
  align_.resize(headers_.size(), Align::Left);
}

void Table::add_row(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
}

void Table::print(std::ostream& out, int indent) const {
  std::vector<std::size_t> width(headers_.size());
  for (std::size_t c = 0; c < headers_.size(); ++c) {
    width[c] = display_width(headers_[c]);
    for (const auto& row : rows_) width[c] = std::max(width[c], display_width(row[c]));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string text(static_cast<std::size_t>(indent), ' ');
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const std::string pad(width[c] - display_width(cells[c]), ' ');
      const bool last = c + 1 == cells.size();
      if (align_[c] == Align::Right) {
        text += pad + cells[c];
      } else {
        text += cells[c] + (last ? "" : pad);
      }
      if (!last) text += "  ";
    }
    out << text << "\n";
  };
  line(headers_);
  std::vector<std::string> rule;
  for (std::size_t w : width) rule.emplace_back(w, '-');
  line(rule);
  for (const auto& row : rows_) line(row);
}

std::string format_fixed(double value, int decimals) {
  if (!std::isfinite(value)) return value > 0 ? "unbounded" : "-";
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string format_percent(double fraction) { return format_fixed(fraction * 100.0, 1) + "%"; }

std::string format_bandwidth(double bytes_per_second) {
  static const char* const units[] = {" B/s", " kB/s", " MB/s", " GB/s", " TB/s"};
  if (!std::isfinite(bytes_per_second)) return format_fixed(bytes_per_second, 0);
  return scaled(bytes_per_second, units, 5, 1000.0, 1);
}

std::string format_count(double value) {
  static const char* const units[] = {"", "k", "M", "G", "T"};
  if (!std::isfinite(value)) return format_fixed(value, 0);
  if (std::abs(value) < 1000 && value != std::round(value)) return format_fixed(value, 2);
  return scaled(value, units, 5, 1000.0, value >= 1e6 ? 2 : 1);
}

}  // namespace flinksim::cli
