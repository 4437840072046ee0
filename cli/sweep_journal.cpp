#include "cli/sweep_journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "cli/option_values.h"
#include "cli/atomic_file.h"
#include "cli/json_output.h"
#include "model/diagnostics.h"
#include "model/scenario_reader.h"

namespace flinksim::cli {
namespace {

constexpr int kFormatVersion = 1;
constexpr const char* kFormatKey = "flinksimSweepJournal";
constexpr double kSyncEverySeconds = 1.0;

// FNV-1a 64 as 16 hex digits: the line checksum and the content fingerprint. Not cryptographic:
// it tells a torn line or an edited file, not a forgery.
std::string fnv_hex(const std::string& bytes) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (unsigned char c : bytes) hash = (hash ^ c) * 1099511628211ULL;
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

std::optional<std::string> file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Json file_identity(const std::string& path) {
  const auto bytes = file_bytes(path);
  return {{"path", path}, {"content", bytes ? fnv_hex(*bytes) : "unreadable"}};
}

// `<checksum> <JSON>\n`. Throws model::InputFailure when the JSON cannot be written (text that
// is not UTF-8).
std::string journal_line(const Json& json) {
  std::string text;
  try {
    text = json.dump();
  } catch (const Json::exception& e) {
    usage_error("--out", std::string("cannot journal a row: ") + e.what());
  }
  return fnv_hex(text) + " " + text + "\n";
}

// A double that reads back to the same bits: JSON's shortest round-trip number, or a string for
// what JSON has no number for.
Json exact(double value) {
  if (std::isnan(value)) return std::signbit(value) ? "-nan" : "nan";
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  return value;
}

double exact_double(const Json& json) {
  if (json.is_number()) return json.get<double>();
  const auto text = json.get<std::string>();  // throws on anything else: the entry is damaged
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  if (text == "nan") return nan;
  if (text == "-nan") return -nan;
  if (text == "inf") return inf;
  if (text == "-inf") return -inf;
  throw std::invalid_argument("not a number: " + text);
}

Json row_json(const sim::SweepRow& row) {
  Json slos = Json::array();
  for (const auto& slo : row.slos)
    slos.push_back({{"name", slo.name},
                    {"value", slo.value ? exact(*slo.value) : Json(nullptr)},
                    {"limit", exact(slo.limit)},
                    {"met", slo.met ? Json(*slo.met) : Json(nullptr)},
                    {"source", slo.source}});
  return {{"scenario", row.scenario},
          {"values", row.values},
          {"taskmanagers", row.taskmanagers},
          {"slotsPerTaskmanager", row.slots_per_taskmanager},
          {"cpuPerTaskmanager", exact(row.cpu_per_taskmanager)},
          {"memoryPerTaskmanager", row.memory_per_taskmanager},
          {"costPerHour", exact(row.cost_per_hour)},
          {"deploys", row.deploys},
          {"simulated", row.simulated},
          {"granularity", row.granularity},
          {"throughput", exact(row.throughput)},
          {"latencyP99", exact(row.latency_p99_ms)},
          {"slo", slos},
          {"feasible", row.feasible},
          {"why", row.why},
          {"caveats", row.caveats}};
}

// Throws (a Json exception or std::invalid_argument) when `json` is not a whole row.
sim::SweepRow row_from_json(const Json& json) {
  sim::SweepRow row;
  row.scenario = json.at("scenario").get<std::string>();
  row.values = json.at("values").get<std::vector<std::string>>();
  row.taskmanagers = json.at("taskmanagers").get<int>();
  row.slots_per_taskmanager = json.at("slotsPerTaskmanager").get<int>();
  row.cpu_per_taskmanager = exact_double(json.at("cpuPerTaskmanager"));
  row.memory_per_taskmanager = json.at("memoryPerTaskmanager").get<model::Bytes>();
  row.cost_per_hour = exact_double(json.at("costPerHour"));
  row.deploys = json.at("deploys").get<bool>();
  row.simulated = json.at("simulated").get<bool>();
  row.granularity = json.at("granularity").get<std::string>();
  row.throughput = exact_double(json.at("throughput"));
  row.latency_p99_ms = exact_double(json.at("latencyP99"));
  for (const auto& s : json.at("slo")) {
    sim::SloResult slo;
    slo.name = s.at("name").get<std::string>();
    if (!s.at("value").is_null()) slo.value = exact_double(s.at("value"));
    slo.limit = exact_double(s.at("limit"));
    if (!s.at("met").is_null()) slo.met = s.at("met").get<bool>();
    slo.source = s.at("source").get<std::string>();
    row.slos.push_back(std::move(slo));
  }
  row.feasible = json.at("feasible").get<bool>();
  row.why = json.at("why").get<std::string>();
  row.caveats = json.at("caveats").get<std::vector<std::string>>();
  return row;
}

// The JSON of a `<checksum> <JSON>` line, or why it is not one.
std::optional<Json> checked_line(const std::string& line, std::string& why) {
  if (line.size() < 18 || line[16] != ' ') {
    why = "not a journal line";
    return std::nullopt;
  }
  const std::string text = line.substr(17);
  if (fnv_hex(text) != line.substr(0, 16)) {
    why = "damaged (its checksum does not match)";
    return std::nullopt;
  }
  try {
    return Json::parse(text);
  } catch (const Json::exception&) {
    why = "damaged (not JSON)";
    return std::nullopt;
  }
}

// `items` joined by `separator` ("none" when there are none).
std::string joined(const std::vector<std::string>& items, const char* separator) {
  std::string text;
  for (const auto& item : items) {
    if (!text.empty()) text += separator;
    text += item;
  }
  return text.empty() ? "none" : text;
}

std::string joined(const Json& list, const char* separator) {
  return joined(list.get<std::vector<std::string>>(), separator);
}

// "key=v1,v2 key=v1,…", as --vary takes them.
std::string vary_text(const Json& vary) {
  std::vector<std::string> keys;
  for (const auto& v : vary)
    keys.push_back(v.at("key").get<std::string>() + "=" +
                   joined(v.at("values").get<std::vector<std::string>>(), ","));
  return joined(keys, " ");
}

std::string horizon_text(const Json& horizon) {
  return horizon.is_null() ? "the traffic duration" : model::format_duration(horizon.get<model::Nanos>());
}

// What differs between the sweep a journal was written for and this one, in words.
std::string differences(const Json& was, const Json& now) {
  std::vector<std::string> found;
  auto differ = [&](const char* key) { return !was.contains(key) || was[key] != now[key]; };
  auto both = [](const std::string& a, const std::string& b) { return " (journal: " + a + "; this sweep: " + b + ")"; };
  if (differ("scenarios")) {
    Json was_paths = Json::array(), now_paths = Json::array();
    if (was.contains("scenarios") && was["scenarios"].is_array())
      for (const auto& s : was["scenarios"]) was_paths.push_back(s.value("path", "?"));
    for (const auto& s : now["scenarios"]) now_paths.push_back(s["path"]);
    if (was_paths != now_paths) {
      found.push_back("the scenario files differ" + both(joined(was_paths, " "), joined(now_paths, " ")));
    } else {
      for (std::size_t i = 0; i < now["scenarios"].size(); ++i) {
        const Json& a = was["scenarios"][i];
        const Json& b = now["scenarios"][i];
        const std::string path = b["path"].get<std::string>();
        if (a.value("content", Json()) != b["content"]) found.push_back(path + " has changed since the journal was written");
        if (a.value("trace", Json()) != b.value("trace", Json()))
          found.push_back(path + "'s traffic trace " +
                          (b.contains("trace") ? b["trace"]["path"].get<std::string>() : std::string("(none now)")) +
                          " has changed since the journal was written");
      }
    }
  }
  if (differ("config"))
    found.push_back("--config differs or its file has changed" +
                    both(was.value("config", Json()).is_object() ? was["config"].value("path", "?") : "none",
                         now["config"].is_object() ? now["config"]["path"].get<std::string>() : "none"));
  if (differ("dynamicProperties"))
    found.push_back("-D differs" + both(joined(was.value("dynamicProperties", Json::array()), " "),
                                        joined(now["dynamicProperties"], " ")));
  if (differ("sets"))
    found.push_back("--set differs" + both(joined(was.value("sets", Json::array()), " "), joined(now["sets"], " ")));
  if (differ("vary")) {
    const Json was_vary = was.value("vary", Json::array());
    const Json& now_vary = now["vary"];
    // The same keys: name only those whose values differ, so a long grid reads at a glance.
    Json a = Json::array(), b = Json::array();
    bool same_keys = was_vary.size() == now_vary.size();
    for (std::size_t i = 0; same_keys && i < now_vary.size(); ++i) {
      same_keys = was_vary[i].value("key", Json()) == now_vary[i]["key"];
      if (same_keys && was_vary[i] != now_vary[i]) {
        a.push_back(was_vary[i]);
        b.push_back(now_vary[i]);
      }
    }
    found.push_back("the --vary grid differs" +
                    (same_keys ? both(vary_text(a), vary_text(b)) : both(vary_text(was_vary), vary_text(now_vary))));
  }
  if (differ("horizon"))
    found.push_back("--horizon differs" + both(horizon_text(was.value("horizon", Json())), horizon_text(now["horizon"])));
  if (differ("shard"))
    found.push_back("--shard differs" + both(was.value("shard", "?"), now["shard"].get<std::string>()));
  if (found.empty() && differ("points")) found.push_back("its number of points differs");
  if (found.empty()) found.push_back("it was written for another sweep");
  return joined(found, "; ");
}

[[noreturn]] void cannot_resume(const std::string& path, int line, const std::string& why) {
  model::InputError error;
  error.pos = {path, line, 0};
  error.field = "--resume";
  error.message = "cannot resume: " + why + ". Run without --resume to start over (the journal is then replaced)";
  throw model::InputFailure({error});
}

double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

std::string journal_path(const std::string& out) { return out + ".partial"; }

Json sweep_identity(const std::vector<std::string>& scenarios, const std::vector<sim::Vary>& vary,
                    const sim::SweepOptions& options, std::size_t points) {
  Json files = Json::array();
  for (const auto& path : scenarios) {
    Json file = file_identity(path);
    try {
      const auto scenario = model::read_scenario_file(path, options.base);
      if (!scenario.traffic.trace_file.empty()) file["trace"] = file_identity(scenario.traffic.trace_file);
    } catch (const model::InputFailure&) {
      // Only some grid points read (sim/sweep.h): the file's own bytes identify it.
    }
    files.push_back(std::move(file));
  }
  Json vary_json = Json::array();
  for (const auto& v : vary) vary_json.push_back({{"key", v.key}, {"values", v.values}});
  return {{"scenarios", files},
          {"config", options.base.config_file ? file_identity(*options.base.config_file) : Json(nullptr)},
          {"dynamicProperties", options.base.dynamic_properties},
          {"sets", options.base.sets},
          {"vary", vary_json},
          {"horizon", options.horizon ? Json(*options.horizon) : Json(nullptr)},
          {"shard", std::to_string(options.shard_index) + "/" + std::to_string(options.shard_count)},
          {"points", points}};
}

JournalContents read_journal(const std::string& path) {
  const auto bytes = file_bytes(path);
  if (!bytes) cannot_resume(path, 0, "the journal cannot be read");
  JournalContents journal;
  std::size_t start = 0;
  for (int number = 1; start < bytes->size(); ++number) {
    const auto end = bytes->find('\n', start);
    const std::string where = path + ":" + std::to_string(number) + ": ";
    if (end == std::string::npos) {  // the last line, without its newline: cut short by a stop
      journal.dropped.push_back(where + "cut short (the sweep stopped while writing it); its point runs again");
      break;
    }
    const std::string line = bytes->substr(start, end - start);
    start = end + 1;
    std::string why;
    const auto json = checked_line(line, why);
    if (number == 1) {
      if (json) journal.header = *json;
      continue;
    }
    if (json && json->contains("point") && (*json)["point"].is_number_unsigned() && json->contains("row")) {
      journal.entries.emplace((*json)["point"].get<std::size_t>(), *json);  // keeps the first of a repeat
      continue;
    }
    journal.dropped.push_back(where + (json ? "not a journal entry" : why) + "; dropped");
  }
  return journal;
}

std::map<std::size_t, sim::SweepRow> resumable_rows(const std::string& path, JournalContents& journal,
                                                    const Json& identity,
                                                    const std::vector<sim::SweepPoint>& points) {
  if (!journal.header || !journal.header->is_object() || !journal.header->contains(kFormatKey))
    cannot_resume(path, 1, "not a flinksim sweep journal (its first line is not a journal header)");
  const Json& version = (*journal.header)[kFormatKey];
  if (version != kFormatVersion)
    cannot_resume(path, 1, "the journal's format is version " + version.dump() + ", this flinksim reads version " +
                               std::to_string(kFormatVersion));
  const Json was = journal.header->value("sweep", Json::object());
  if (was != identity) {
    std::string why;
    try {
      why = differences(was, identity);
    } catch (const Json::exception&) {  // a header of an unexpected shape
      why = "it was written for another sweep";
    }
    cannot_resume(path, 1, "the journal is of another sweep: " + why);
  }

  std::map<std::size_t, sim::SweepRow> rows;
  for (const auto& [point, entry] : journal.entries) {
    std::optional<sim::SweepRow> row;
    try {
      row = row_from_json(entry.at("row"));
    } catch (const std::exception&) {
      // dropped below
    }
    if (point < points.size() && row && row->scenario == points[point].scenario &&
        row->values == points[point].values) {
      rows.emplace(point, std::move(*row));
      continue;
    }
    journal.dropped.push_back(path + ": the entry of point " + std::to_string(point) +
                              " is not a row of that point; dropped, the point runs again");
  }
  return rows;
}

SweepJournal::SweepJournal(std::string path, const Json& identity, const std::map<std::size_t, sim::SweepRow>& rows)
    : path_(std::move(path)) {
  std::string text = journal_line({{kFormatKey, kFormatVersion}, {"sweep", identity}});
  for (const auto& [point, row] : rows) text += journal_line({{"point", point}, {"row", row_json(row)}});
  write_file_atomically(path_, text);
  fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd_ < 0) usage_error("--out", "cannot open the journal " + path_ + ": " + std::strerror(errno));
  last_sync_ = steady_seconds();
}

SweepJournal::~SweepJournal() {
  if (fd_ < 0) return;
  ::fdatasync(fd_);
  ::close(fd_);
}

void SweepJournal::append(std::size_t point, const sim::SweepRow& row) {
  const std::string line = journal_line({{"point", point}, {"row", row_json(row)}});
  // One write(2) per line, so a killed process leaves whole lines (a crash may still tear one:
  // the checksum tells). A short write is finished by a second one.
  std::size_t written = 0;
  while (written < line.size()) {
    const ssize_t n = ::write(fd_, line.data() + written, line.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) usage_error("--out", "cannot write the journal " + path_ + ": " + std::strerror(errno));
    written += static_cast<std::size_t>(n);
  }
  if (steady_seconds() - last_sync_ >= kSyncEverySeconds) sync();
}

void SweepJournal::sync() {
  ::fdatasync(fd_);
  last_sync_ = steady_seconds();
}

void SweepJournal::remove() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  std::error_code ignored;  // a journal already gone is what was wanted
  std::filesystem::remove(path_, ignored);
}

}  // namespace flinksim::cli
