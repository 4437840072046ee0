// `flinksim merge SHARD... [--out FILE]`: joins the outputs of `sweep --shard I/N`, given in shard
// order, into exactly what one `sweep` process would have written (CSV: one header, the rows in
// order; JSON: the rows in order, cheapestFeasible recomputed). Shards of different sweeps (a
// different CSV header) are refused.
// Exit 0: merged. Exit 2: a file missing, unreadable, or not a sweep output.
#include <fstream>
#include <memory>
#include <sstream>

#include "cli/commands.h"
#include "cli/json_output.h"
#include "cli/option_values.h"
#include "cli/sweep_output.h"

namespace flinksim::cli {
namespace {

struct MergeOptions {
  std::vector<std::string> shards;
  std::string out;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) usage_error(path, "cannot read this shard");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void merge(const MergeOptions& options) {
  std::string merged;
  const bool json = !read_file(options.shards.front()).empty() && read_file(options.shards.front())[0] == '{';
  if (json) {
    Json rows = Json::array();
    for (const auto& path : options.shards) {
      Json doc;
      try {
        doc = Json::parse(read_file(path));
      } catch (const Json::parse_error& e) {
        usage_error(path, std::string("not a sweep's JSON output: ") + e.what());
      }
      if (!doc.contains("rows") || !doc["rows"].is_array()) usage_error(path, "not a sweep's JSON output (no \"rows\")");
      for (auto& row : doc["rows"]) rows.push_back(std::move(row));
    }
    std::ostringstream text;
    print_json(sweep_document(std::move(rows)), text);
    merged = text.str();
  } else {
    std::string header;
    for (const auto& path : options.shards) {
      const std::string text = read_file(path);
      const auto end = text.find('\n');
      if (end == std::string::npos || text.rfind("scenario,", 0) != 0) usage_error(path, "not a sweep's CSV output");
      const std::string this_header = text.substr(0, end + 1);
      if (header.empty()) {
        header = this_header;
        merged = header;
      } else if (this_header != header) {
        usage_error(path, "its columns differ from the first shard's: a shard of another sweep");
      }
      merged += text.substr(end + 1);
    }
  }
  write_output(merged, options.out);
}

}  // namespace

void add_merge_command(CLI::App& app) {
  auto options = std::make_shared<MergeOptions>();
  CLI::App* command = app.add_subcommand("merge", "join `sweep --shard` outputs into one sweep's output");
  command->add_option("SHARD", options->shards, "shard outputs (CSV or JSON), in shard order")->required();
  command->add_option("--out", options->out, "write to FILE (aside, then renamed) instead of stdout");
  command->callback([options] { merge(*options); });
}

}  // namespace flinksim::cli
