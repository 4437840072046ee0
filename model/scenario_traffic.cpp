// [traffic]: the shape, rates and length of what arrives at the sources, and for shape = "trace"
// the CSV of (time, rate) points it names, read relative to the scenario's folder.
#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>

#include "model/scenario_sections.h"
#include "model/text.h"

namespace flinksim::model::scenario_reading {
namespace {

// "time,rate" per line; `time` a duration or bare seconds, `rate` a rate or bare records/s (the
// header names the units). '#' starts a comment; a first line without digits is the header.
void read_trace(Reader& r, const std::string& path, SourcePos from, TrafficSpec& traffic) {
  std::ifstream in(path);
  if (!in) {
    r.error(from, "traffic.trace", "cannot read trace file " + in_quotes(path));
    return;
  }
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (const auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (trim(line).empty()) continue;
    const auto comma = line.find(',');
    if (traffic.trace.empty() && line.find_first_of("0123456789") == std::string::npos) continue;
    const SourcePos at{path, number, 1};
    if (comma == std::string::npos) {
      r.error(at, "traffic.trace", "expected 'time,rate', e.g. '3600,1200' or '1h,1.2k/s'");
      continue;
    }
    const std::string time_text(trim(line.substr(0, comma)));
    const std::string rate_text(trim(line.substr(comma + 1)));
    auto bare = [](const std::string& s) -> std::optional<double> {
      double v = 0;
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec != std::errc() || end != s.data() + s.size() || !(v >= 0)) return std::nullopt;
      return v;
    };
    std::optional<Nanos> time = parse_duration(time_text);
    if (!time) {
      if (auto seconds = bare(time_text)) time = static_cast<Nanos>(*seconds * 1e9);
    }
    std::optional<double> rate = parse_rate(rate_text);
    if (!rate) rate = bare(rate_text);
    if (!time) {
      r.error(at, "traffic.trace", in_quotes(time_text) + " is not a time (seconds, or " +
                                       duration_units_hint() + ")");
    } else if (!rate) {
      r.error({path, number, static_cast<int>(comma) + 2}, "traffic.trace",
              in_quotes(rate_text) + " is not a rate (records/s, or " + rate_units_hint() + ")");
    } else if (!traffic.trace.empty() && *time <= traffic.trace.back().first) {
      r.error(at, "traffic.trace", "times must increase from line to line");
    } else {
      traffic.trace.emplace_back(*time, *rate);
    }
  }
  if (traffic.trace.empty() && r.diag().ok()) {
    r.error(from, "traffic.trace", "trace file " + in_quotes(path) + " has no 'time,rate' points");
  }
}

}  // namespace

void read_traffic(Reader& r, const toml::table& t, TrafficSpec& traffic) {
  const std::string p = "traffic";
  traffic.pos = r.pos(t);
  r.check_keys(t, {"shape", "peak", "trough", "duration", "arrival", "step_at", "burst_every",
                   "burst_length", "diurnal_peak_at", "trace"},
               p);
  assign(traffic.shape, r.word<TrafficShape>(t, "shape", p,
                                             {{"constant", TrafficShape::Constant},
                                              {"step", TrafficShape::Step},
                                              {"diurnal", TrafficShape::Diurnal},
                                              {"burst", TrafficShape::Burst},
                                              {"trace", TrafficShape::Trace}}));
  assign(traffic.peak, r.rate(t, "peak", p));
  assign(traffic.trough, r.rate(t, "trough", p));
  const auto duration = r.duration(t, "duration", p);
  assign(traffic.duration, duration);
  assign(traffic.arrival, r.word<Arrival>(t, "arrival", p,
                                          {{"poisson", Arrival::Poisson},
                                           {"uniform", Arrival::Uniform}}));
  assign(traffic.step_at, r.duration(t, "step_at", p));
  assign(traffic.burst_every, r.duration(t, "burst_every", p));
  assign(traffic.burst_length, r.duration(t, "burst_length", p));
  assign(traffic.diurnal_peak_at, r.duration(t, "diurnal_peak_at", p));
  if (auto trace = r.string(t, "trace", p)) traffic.trace_file = *trace;

  auto at = [&](std::string_view key) { return t.get(key) ? r.pos(*t.get(key)) : r.pos(t); };
  if (duration && *duration == 0) r.error(at("duration"), p + ".duration", "must be longer than 0s");
  const bool needs_peak = traffic.shape != TrafficShape::Trace;
  if (needs_peak && !t.contains("peak")) {
    r.error(r.pos(t), p + ".peak", "missing: the total records/s arriving at the sources, e.g. \"120k/s\"");
  }
  if (traffic.trough > traffic.peak && t.contains("trough") && t.contains("peak")) {
    r.error(at("trough"), p + ".trough", "must not be above traffic.peak");
  }
  switch (traffic.shape) {
    case TrafficShape::Diurnal:
      if (traffic.diurnal_peak_at >= kHour * 24) {
        r.error(at("diurnal_peak_at"), p + ".diurnal_peak_at", "a time of day: must be below 24h");
      }
      break;
    case TrafficShape::Burst:
      if (traffic.burst_every <= 0) {
        r.error(at("burst_every"), p + ".burst_every", "shape = \"burst\" needs a period > 0s");
      } else if (traffic.burst_length <= 0 || traffic.burst_length > traffic.burst_every) {
        r.error(at("burst_length"), p + ".burst_length",
                "shape = \"burst\" needs a burst length > 0s and at most burst_every");
      }
      break;
    case TrafficShape::Trace:
      if (traffic.trace_file.empty()) {
        r.error(at("trace"), p + ".trace", "shape = \"trace\" needs trace = \"file.csv\" (columns time,rate)");
      } else {
        namespace fs = std::filesystem;
        fs::path file(traffic.trace_file);
        if (file.is_relative()) file = fs::path(r.file()).parent_path() / file;
        traffic.trace_file = file.string();
        read_trace(r, traffic.trace_file, at("trace"), traffic);
        if (!duration && !traffic.trace.empty()) traffic.duration = traffic.trace.back().first;
        if (!t.contains("peak")) {
          for (const auto& point : traffic.trace) traffic.peak = std::max(traffic.peak, point.second);
        }
      }
      break;
    default:
      break;
  }
}

}  // namespace flinksim::model::scenario_reading
