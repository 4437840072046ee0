// One error policy (../shared/design/style.md §8): bad user input becomes an InputError that
// carries the file, line, column and field; the command collects every one it finds in a file,
// prints them as `error: FILE:LINE:COL: field: message`, and exits 2. Broken invariants are
// asserts; simulated failures are events, never exceptions.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace flinksim::model {

// Where a value came from. line/column are 1-based; 0 means "not from a file position"
// (a -D override, a default, a whole file).
struct SourcePos {
  std::string file;
  int line = 0;
  int column = 0;
};

struct InputError {
  SourcePos pos;
  std::string field;    // dotted path as the user wrote it, e.g. "operator[2].cpu_per_record"
  std::string message;  // what is wrong and what would be accepted
  std::string render() const;  // "FILE:LINE:COL: field: message"
};

// Collects errors so that a reader reports all of them, not only the first.
class Diagnostics {
 public:
  void error(SourcePos pos, std::string field, std::string message);
  void warning(SourcePos pos, std::string field, std::string message);
  bool ok() const { return errors_.empty(); }
  const std::vector<InputError>& errors() const { return errors_; }
  const std::vector<InputError>& warnings() const { return warnings_; }
  void merge(const Diagnostics& other);

 private:
  std::vector<InputError> errors_;
  std::vector<InputError> warnings_;
};

// Thrown when an operation cannot go on because of bad input; carries every error found.
class InputFailure : public std::runtime_error {
 public:
  explicit InputFailure(std::vector<InputError> errors);
  const std::vector<InputError>& errors() const { return errors_; }

 private:
  std::vector<InputError> errors_;
};

// Throws InputFailure if `diagnostics` holds any error.
void throw_if_errors(const Diagnostics& diagnostics);

// Levenshtein distance, case-insensitive: typos in keys are what it is for.
std::size_t edit_distance(std::string_view a, std::string_view b);

// "did you mean" support: the candidate closest to `word` by edit distance, or "" when none is
// close enough to be a plausible typo (distance ≤ max(1, len/3)).
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace flinksim::model
