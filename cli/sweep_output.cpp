#include "cli/sweep_output.h"

#include <iostream>
#include <optional>

namespace flinksim::cli {

Json sweep_document(Json rows) {
  std::optional<std::size_t> cheapest;
  for (std::size_t r = 0; r < rows.size(); ++r)
    if (rows[r]["feasible"] == true &&
        (!cheapest || rows[r]["costPerHour"].get<double>() < rows[*cheapest]["costPerHour"].get<double>()))
      cheapest = r;
  Json doc;
  doc["rows"] = std::move(rows);
  doc["cheapestFeasible"] = cheapest ? Json(*cheapest) : Json(nullptr);  // index into rows
  return doc;
}

void write_output(const std::string& text, const std::string& out) {
  if (out.empty()) {
    std::cout << text;
    return;
  }
  write_file_atomically(out, text);
}

}  // namespace flinksim::cli
