// The journal of `flinksim sweep --out FILE`: FILE.partial, beside the output, one line per
// completed row, so that an interrupted sweep resumes where it stopped (`--resume`) and ends with
// exactly the bytes an uninterrupted run writes. A write-ahead log, as a build tool's or a batch
// system's checkpoint: the output itself is only ever written whole (sweep_output.h).
//
// Format: text, every line `<checksum> <JSON>\n`, the checksum FNV-1a 64 of the JSON text as 16
// hex digits.
//   line 1:  {"flinksimSweepJournal":1,"sweep":{…the sweep's identity…}}
//   then:    {"point":I,"scenario":…,"values":[…],"row":{…}}, one per completed row, in the order
//            they completed (any order for --jobs > 1); I indexes this shard's points.
// Numbers are written so that they read back to the same bits (shortest round-trip decimal;
// "inf", "-inf", "nan", "-nan" as strings), so a resumed row prints as the computed one would.
//
// Durability: a row's line goes to the file in one write(2) as the row completes, so a killed
// process loses no completed row; it is flushed to disk (fdatasync) at most once a second and
// when the journal closes, so a machine crash loses at most the last second's rows. A line cut
// short, or damaged, fails its checksum and is dropped on reading: its point simply runs again.
// The journal is created, and rewritten on resume, aside and renamed, so its header is whole.
//
// Identity: everything a sweep's rows depend on: the scenario files (the paths as given, which
// the rows print, and the bytes of each file and of its traffic trace), --config's bytes, -D and
// --set in order, the --vary grid, --horizon, the shard. Not the output format nor --jobs: rows do
// not depend on them. A journal of another identity is refused, saying what differs. (A trace
// file named by --vary traffic.trace is identified by its path only.)
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/json_output.h"
#include "sim/sweep.h"

namespace flinksim::cli {

// The journal of `out`: out + ".partial".
std::string journal_path(const std::string& out);

// The identity of the sweep of `scenarios` over `vary` with `options` (its overrides, horizon and
// shard) whose shard has `points` points, as the journal's header holds it.
Json sweep_identity(const std::vector<std::string>& scenarios, const std::vector<sim::Vary>& vary,
                    const sim::SweepOptions& options, std::size_t points);

// What a journal file holds, before it is matched with a sweep.
struct JournalContents {
  std::optional<Json> header;                 // unset: no whole, undamaged first line
  std::map<std::size_t, Json> entries;        // undamaged entries by point (the first of any repeat)
  std::vector<std::string> dropped;           // "line N: why", one per line dropped
};

// Reads the journal at `path`. Throws model::InputFailure naming it when it cannot be read.
JournalContents read_journal(const std::string& path);

// The rows of `journal` that the sweep `identity` over `points` can reuse, by point. Throws
// model::InputFailure (exit 2) naming the journal when it cannot resume: not a flinksim sweep
// journal, another format version, or another sweep (saying what differs). Entries that do not
// read as a row of their point are dropped with a note in `journal.dropped`.
std::map<std::size_t, sim::SweepRow> resumable_rows(const std::string& path, JournalContents& journal,
                                                    const Json& identity,
                                                    const std::vector<sim::SweepPoint>& points);

// An open journal, appended to as rows complete.
// Thread safety: none; calls must be serialized (sim::SweepOptions::completed is).
class SweepJournal {
 public:
  // Starts the journal at `path` with the header and `rows` (those kept from a resumed journal),
  // written aside and renamed over whatever was there. Throws model::InputFailure naming --out
  // when it cannot be written.
  SweepJournal(std::string path, const Json& identity, const std::map<std::size_t, sim::SweepRow>& rows);
  SweepJournal(const SweepJournal&) = delete;
  SweepJournal& operator=(const SweepJournal&) = delete;
  ~SweepJournal();  // flushed to disk and closed; the file stays (the sweep did not finish)

  // Journals row `point`: one line, one write(2). Throws model::InputFailure naming --out when it
  // cannot be written.
  void append(std::size_t point, const sim::SweepRow& row);

  // The output is written in full: the journal is no longer needed and is deleted.
  void remove();

 private:
  void sync();

  std::string path_;
  int fd_ = -1;
  double last_sync_ = 0;  // steady-clock seconds of the last fdatasync
};

}  // namespace flinksim::cli
