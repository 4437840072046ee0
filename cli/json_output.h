// Output helpers every subcommand shares, so that all of flinksim prints alike:
//  - JSON: one document on stdout, keys in the order the command inserted them (stable diffs for
//    golden files), 2-space indent, numbers rounded to 10 significant digits so that float noise
//    (0.30000000000000004) never reaches a golden file; non-finite numbers become null.
//  - Tables: plain text, columns padded to their widest cell (UTF-8 aware), numbers right-aligned.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace flinksim::cli {

// Insertion-ordered JSON: the order a command writes its fields is the order users read them.
using Json = nlohmann::ordered_json;

// Prints `document` with a 2-space indent and a final newline.
void print_json(const Json& document, std::ostream& out);

// A JSON number: whole values within ±2^53 as integers, others rounded to 10 significant digits,
// NaN and ±infinity as null (JSON has no infinity; "unbounded" reads as null).
Json json_number(double value);

enum class Align { Left, Right };

class Table {
 public:
  // One alignment per column; missing ones are Left.
  explicit Table(std::vector<std::string> headers, std::vector<Align> align = {});
  // REQUIRES: cells.size() ≤ number of headers (missing cells print empty).
  void add_row(std::vector<std::string> cells);
  // Headers, a rule of dashes, then the rows; every line indented by `indent` spaces.
  void print(std::ostream& out, int indent = 0) const;

 private:
  std::vector<std::string> headers_;
  std::vector<Align> align_;
  std::vector<std::vector<std::string>> rows_;
};

// Text forms for tables (JSON always carries raw bytes, records and seconds).
std::string format_fixed(double value, int decimals);   // "12.35"
std::string format_percent(double fraction);             // 0.4567 → "45.7%"
std::string format_bandwidth(double bytes_per_second);   // decimal, as vendors: "400.0 MB/s"
std::string format_count(double value);                  // "1.00M", "66.7k", "80"

}  // namespace flinksim::cli
