#include "sim/csv_sink.h"

#include <cstdio>
#include <filesystem>
#include <stdexcept>

namespace flinksim::sim {
namespace {

// Fixed formatting (not the stream's locale or precision), so equal runs give equal files.
std::string num(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.10g", value);
  return text;
}

std::string ms(Nanos time) { return num(static_cast<double>(time) / 1e6); }

// A vertex name in CSV: quoted, inner quotes doubled (Flink names hold " -> " and may hold commas).
std::string csv_field(const std::string& text) {
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

CsvMetricsSink::CsvMetricsSink(std::string directory, std::vector<std::string> vertex_names)
    : directory_(std::move(directory)), vertex_names_(std::move(vertex_names)) {
  std::error_code ec;
  std::filesystem::create_directories(directory_, ec);
  if (ec) throw std::runtime_error("cannot create directory " + directory_ + ": " + ec.message());
  open(subtasks_, "subtasks.csv",
       "timeMs,vertex,subtask,busyTimeMsPerSecond,backPressuredTimeMsPerSecond,idleTimeMsPerSecond,"
       "numRecordsInPerSecond,numRecordsOutPerSecond,pendingRecords");
  open(taskmanagers_, "taskmanagers.csv", "timeMs,taskmanager,cpuUtilization,heapUsed,managedUsed");
  open(job_, "job.csv", "timeMs,throughput,latencyMeanMs,latencyMaxMs,arrivalRate,latencyP50Ms,latencyP99Ms");
  open(checkpoints_, "checkpoints.csv",
       "id,triggerMs,status,failureReason,endToEndDurationMs,alignmentMs,syncMs,asyncMs,stateSize,"
       "checkpointedSize,persistedData,unaligned");
}

void CsvMetricsSink::open(File& file, const std::string& name, const char* header) {
  file.final_path = (std::filesystem::path(directory_) / name).string();
  file.temp_path = file.final_path + ".tmp";
  file.out.open(file.temp_path, std::ios::trunc);
  if (!file.out) throw std::runtime_error("cannot write " + file.temp_path);
  file.out << header << '\n';
}

void CsvMetricsSink::finish() {
  for (File* file : {&subtasks_, &taskmanagers_, &job_, &checkpoints_}) {
    file->out.close();
    if (!file->out) throw std::runtime_error("cannot write " + file->temp_path);
    std::error_code ec;
    std::filesystem::rename(file->temp_path, file->final_path, ec);
    if (ec) throw std::runtime_error("cannot rename " + file->temp_path + ": " + ec.message());
  }
}

void CsvMetricsSink::on_subtask(Nanos time, const SubtaskSample& s) {
  subtasks_.out << ms(time) << ',' << csv_field(vertex_names_.at(s.vertex)) << ',' << s.subtask << ','
                << num(s.busy_ms_per_s) << ',' << num(s.backpressured_ms_per_s) << ','
                << num(s.idle_ms_per_s) << ',' << num(s.records_in_per_s) << ','
                << num(s.records_out_per_s) << ',';
  if (s.pending_records >= 0) subtasks_.out << s.pending_records;
  subtasks_.out << '\n';
}

void CsvMetricsSink::on_taskmanager(Nanos time, int taskmanager, const TaskManagerSample& s) {
  taskmanagers_.out << ms(time) << ',' << taskmanager << ',' << num(s.cpu_utilization) << ',' << s.heap_used << ','
                    << s.managed_used << '\n';
}

void CsvMetricsSink::on_job(Nanos time, const JobSample& s) {
  job_.out << ms(time) << ',' << num(s.throughput) << ',' << num(s.latency_mean_ms) << ','
           << num(s.latency_max_ms) << ',' << num(s.arrival_rate) << ',' << num(s.latency_p50_ms) << ','
           << num(s.latency_p99_ms) << '\n';
}

void CsvMetricsSink::on_checkpoint(const CheckpointRecord& c) {
  checkpoints_.out << c.id << ',' << ms(c.trigger_time) << ','
                   << (c.status == CheckpointStatus::Completed ? "COMPLETED" : "FAILED") << ','
                   << csv_field(c.failure_reason) << ',' << ms(c.end_to_end_duration) << ','
                   << ms(c.alignment_duration) << ',' << ms(c.sync_duration) << ',' << ms(c.async_duration) << ','
                   << c.state_size << ',' << c.checkpointed_size << ',' << c.persisted_data << ','
                   << (c.unaligned ? "true" : "false") << '\n';
}

}  // namespace flinksim::sim
