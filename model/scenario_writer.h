// Writes a Scenario back to the TOML of ../shared/design/scenario.md, with comments, so that
// `flinksim calibrate` can hand a user a scenario to read, edit and run.
//
// Contract: read_scenario_text(write_scenario(s)) gives back s field for field (round trip),
// except that
//  - [flink] entries that the reader itself filled in (the shipped-config memory defaults) are
//    not written: reading adds them again;
//  - every field is written explicitly, defaults included, so the file documents the values used;
//  - a trace is written as the path of its CSV file (resolved, as the reader stored it).
// Durations, sizes and rates are written exactly (e.g. "1500us", "1728m", "1234.5/s").
#pragma once

#include <string>

#include "model/scenario.h"

namespace flinksim::model {

std::string write_scenario(const Scenario& scenario);

// Writes to `path`; an unwritable path is an InputFailure naming it.
void write_scenario_file(const Scenario& scenario, const std::string& path);

// Exact text forms the reader accepts (also useful for messages).
std::string duration_text(Nanos ns);   // largest unit that divides: "24h", "90s", "1500us"
std::string size_text(Bytes bytes);    // Flink syntax: "4g", "1728m", "2000b"
std::string rate_text(double per_second);  // "120000/s"

}  // namespace flinksim::model
