// A MetricsSink that streams the time series of a run to CSV files in a directory, one row per
// sample, so memory stays flat whatever the horizon:
//   subtasks.csv      timeMs,vertex,subtask,busyTimeMsPerSecond,backPressuredTimeMsPerSecond,
//                     idleTimeMsPerSecond,numRecordsInPerSecond,numRecordsOutPerSecond,pendingRecords
//   taskmanagers.csv  timeMs,taskmanager,cpuUtilization,heapUsed,managedUsed (bytes)
//   job.csv           timeMs,throughput,latencyMeanMs,latencyMaxMs,arrivalRate,latencyP50Ms,
//                     latencyP99Ms (new columns go last, so readers by position keep working)
//   checkpoints.csv   id,triggerMs,status,failureReason,endToEndDurationMs,alignmentMs,syncMs,asyncMs,
//                     stateSize,checkpointedSize,persistedData,unaligned (one row per checkpoint
//                     the engine triggered, as Flink's checkpoint history lists them)
// (timeMs = end of the sampling interval; pendingRecords empty for non-sources). Files are written
// under a temporary name and renamed by finish(), so a reader never sees a half-written file.
#pragma once

#include <fstream>
#include <string>
#include <vector>

#include "sim/engine.h"

namespace flinksim::sim {

class CsvMetricsSink final : public MetricsSink {
 public:
  // Creates `directory` if needed. Throws std::runtime_error when a file cannot be opened.
  CsvMetricsSink(std::string directory, std::vector<std::string> vertex_names);
  // Closes the files and gives them their final names. Throws std::runtime_error on failure.
  void finish();

  void on_subtask(Nanos time, const SubtaskSample& sample) override;
  void on_taskmanager(Nanos time, int taskmanager, const TaskManagerSample& sample) override;
  void on_job(Nanos time, const JobSample& sample) override;
  void on_checkpoint(const CheckpointRecord& checkpoint) override;

 private:
  struct File {
    std::string final_path;
    std::string temp_path;
    std::ofstream out;
  };
  void open(File& file, const std::string& name, const char* header);
  std::string directory_;
  std::vector<std::string> vertex_names_;
  File subtasks_, taskmanagers_, job_, checkpoints_;
};

}  // namespace flinksim::sim
