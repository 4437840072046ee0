#include "model/diagnostics.h"

#include <algorithm>
#include <numeric>

namespace flinksim::model {

std::string InputError::render() const {
  std::string out = pos.file.empty() ? std::string("<input>") : pos.file;
  if (pos.line > 0) {
    out += ':';
    out += std::to_string(pos.line);
    if (pos.column > 0) {
      out += ':';
      out += std::to_string(pos.column);
    }
  }
  out += ": ";
  if (!field.empty()) out += field + ": ";
  out += message;
  return out;
}

void Diagnostics::error(SourcePos pos, std::string field, std::string message) {
  errors_.push_back({std::move(pos), std::move(field), std::move(message)});
}

void Diagnostics::warning(SourcePos pos, std::string field, std::string message) {
  warnings_.push_back({std::move(pos), std::move(field), std::move(message)});
}

void Diagnostics::merge(const Diagnostics& other) {
  errors_.insert(errors_.end(), other.errors_.begin(), other.errors_.end());
  warnings_.insert(warnings_.end(), other.warnings_.begin(), other.warnings_.end());
}

static std::string summary_of(const std::vector<InputError>& errors) {
  if (errors.empty()) return "invalid input";
  std::string text = errors.front().render();
  if (errors.size() > 1) text += " (and " + std::to_string(errors.size() - 1) + " more)";
  return text;
}

InputFailure::InputFailure(std::vector<InputError> errors)
    : std::runtime_error(summary_of(errors)), errors_(std::move(errors)) {}

void throw_if_errors(const Diagnostics& diagnostics) {
  if (!diagnostics.ok()) throw InputFailure(diagnostics.errors());
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), 0);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  const std::size_t limit = std::max<std::size_t>(1, word.size() / 3);
  std::string best;
  std::size_t best_distance = limit + 1;
  for (const auto& candidate : candidates) {
    const std::size_t d = edit_distance(word, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

}  // namespace flinksim::model
