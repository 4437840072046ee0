// calibrate/prometheus_text and calibrate/credentials: a scrape of Flink's reporter (flink-facts
// e.4) into the REST readers' structs, and secrets scrubbed from any text.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <fstream>

#include "calibrate/credentials.h"
#include "calibrate/prometheus_text.h"
#include "calibrate/remote_error.h"

using namespace flinksim::calibrate;

static const char* kScrape = R"(# HELP flink_taskmanager_job_task_busyTimeMsPerSecond busyTimeMsPerSecond (scope: taskmanager_job_task)
# TYPE flink_taskmanager_job_task_busyTimeMsPerSecond gauge
flink_taskmanager_job_task_busyTimeMsPerSecond{host="10_0_3_11",tm_id="10_0_3_11:34551_8f2a1c",job_id="j1",task_name="window_agg____kafka_sink:_Writer",subtask_index="0",task_attempt_num="0"} 625.0
flink_taskmanager_job_task_busyTimeMsPerSecond{tm_id="10_0_3_11:34551_8f2a1c",job_id="j1",task_name="window_agg____kafka_sink:_Writer",subtask_index="1"} NaN
flink_taskmanager_job_task_numRecordsInPerSecond{tm_id="10_0_3_11:34551_8f2a1c",job_id="j1",task_name="window_agg____kafka_sink:_Writer",subtask_index="0"} 2560 1718612345678
flink_taskmanager_job_task_operator_numRecordsOutPerSecond{tm_id="10_0_3_11:34551_8f2a1c",job_id="j1",task_name="window_agg____kafka_sink:_Writer",subtask_index="0",operator_name="window_agg"} 76
flink_taskmanager_job_task_busyTimeMsPerSecond{tm_id="t",job_id="other",task_name="x",subtask_index="0"} 1
flink_taskmanager_Status_JVM_CPU_Load{host="h",tm_id="10_0_3_11:34551_8f2a1c"} 0.4951
flink_jobmanager_numRegisteredTaskManagers{host="h",label="a \"quoted\" \\ value\n"} +Inf
)";

TEST_CASE("a Prometheus scrape parses with escapes, NaN, +Inf and timestamps") {
  const auto scrape = parse_prometheus_text(kScrape);
  REQUIRE(scrape.samples.size() == 7);
  CHECK(scrape.types.at("flink_taskmanager_job_task_busyTimeMsPerSecond") == "gauge");
  CHECK(std::isnan(scrape.samples[1].value));
  CHECK(scrape.samples[2].value == 2560);
  CHECK(std::isinf(scrape.samples[6].value));
  CHECK(scrape.samples[6].labels.at("label") == "a \"quoted\" \\ value\n");
  CHECK_THROWS_AS(parse_prometheus_text("metric{a=unquoted} 1\n"), RemoteError);
  CHECK_THROWS_AS(parse_prometheus_text("metric 12abc\n"), RemoteError);
}

TEST_CASE("Flink reporter names map to REST metric ids, per subtask and TaskManager") {
  const auto metrics = flink_metrics_from_scrape(parse_prometheus_text(kScrape), "j1");
  CHECK(metrics.tasks.size() == 1);  // the other job's task is filtered out
  const auto& subtasks = metrics.tasks.at("window_agg____kafka_sink:_Writer");
  CHECK(subtasks.at(0).metrics.at("busyTimeMsPerSecond") == 625);
  CHECK(subtasks.at(0).metrics.at("numRecordsInPerSecond") == 2560);
  CHECK(subtasks.at(0).metrics.at("window_agg.numRecordsOutPerSecond") == 76);
  CHECK_FALSE(subtasks.at(1).metric("busyTimeMsPerSecond").has_value());  // NaN: absent
  CHECK(metrics.taskmanagers.at("10_0_3_11:34551_8f2a1c").at("Status.JVM.CPU.Load") == 0.4951);
  CHECK(prometheus_label_value("Source: orders-kafka -> enrich") == "Source:_orders_kafka____enrich");

  JobInfo job;
  VertexInfo v;
  v.name = "window-agg -> kafka-sink: Writer";
  v.operators = {"window-agg", "kafka-sink: Writer"};
  v.parallelism = 2;
  v.subtasks.resize(2);
  job.vertices.push_back(v);
  ClusterInfo cluster;
  cluster.taskmanagers.push_back(TaskManagerInfo{"10.0.3.11:34551-8f2a1c", 4, 0, 8, 4, {}, {}});
  CHECK(merge_prometheus(metrics, job, cluster) == 2);
  CHECK(job.vertices[0].subtasks[0].metrics.at("window-agg.numRecordsOutPerSecond") == 76);
  CHECK(job.vertices[0].subtasks[0].taskmanager_id == "10.0.3.11:34551-8f2a1c");
  CHECK(cluster.taskmanagers[0].cpu_load().value_or(-1) == Approx(0.4951));
}

TEST_CASE("Status.JVM.CPU.Time from the reporter; on a merge the REST one stays, on the REST clock") {
  // The reporter exports the Long gauge as a double, which Java prints with an exponent.
  const auto metrics = flink_metrics_from_scrape(parse_prometheus_text(
      "flink_taskmanager_Status_JVM_CPU_Time{host=\"h\",tm_id=\"10_0_3_11:34551_8f2a1c\"} 4.564193862384E13\n"
      "flink_taskmanager_Status_JVM_CPU_Load{host=\"h\",tm_id=\"10_0_3_11:34551_8f2a1c\"} 0.125\n"));
  CHECK(metrics.taskmanagers.at("10_0_3_11:34551_8f2a1c").at("Status.JVM.CPU.Time") == 45'641'938'623'840.0);
  JobInfo job;
  ClusterInfo from_rest, without;
  from_rest.taskmanagers.push_back(TaskManagerInfo{"10.0.3.11:34551-8f2a1c", 4, 0, 8, 4, {}, {}});
  from_rest.taskmanagers[0].metrics["Status.JVM.CPU.Time"] = 45'600'000'000'000.0;
  without.taskmanagers.push_back(TaskManagerInfo{"10.0.3.11:34551-8f2a1c", 4, 0, 8, 4, {}, {}});
  merge_prometheus(metrics, job, from_rest);
  merge_prometheus(metrics, job, without);
  CHECK(from_rest.taskmanagers[0].cpu_time_ns() == 45'600'000'000'000.0);  // REST's, read at its `now`
  CHECK(from_rest.taskmanagers[0].cpu_load() == 0.125);                      // the rest is replaced
  CHECK(without.taskmanagers[0].cpu_time_ns() == 45'641'938'623'840.0);    // none from REST: the scrape's
}

TEST_CASE("credentials: token file, header file, and scrubbing") {
  const std::string token = "tok-SECRET-8d1f0c2b77aa";
  {
    std::ofstream("cal_token.txt") << token << "\n";
    std::ofstream("cal_headers.txt") << "# SSO\nCookie: session=abcdef0123456789; other=xyzxyzxyzxyz1\n";
    std::ofstream("cal_bad_headers.txt") << "no colon here\n";
  }
  const auto c = Credentials::load(std::string("cal_token.txt"), std::nullopt, false);
  CHECK(c.headers().at(0) == "Authorization: Bearer " + token);
  CHECK(c.scrub("curl said: " + token + " rejected") == "curl said: *** rejected");
  const auto h = Credentials::load(std::nullopt, std::string("cal_headers.txt"), false);
  CHECK(h.headers().size() == 1);
  const std::string echoed = h.scrub("server echoed abcdef0123456789 and xyzxyzxyzxyz1");
  CHECK(echoed.find("abcdef0123456789") == std::string::npos);
  CHECK(echoed.find("xyzxyzxyzxyz1") == std::string::npos);
  CHECK_THROWS(Credentials::load(std::nullopt, std::string("cal_bad_headers.txt"), false));
  CHECK_THROWS(Credentials::load(std::string("no-such-file"), std::nullopt, false));
  ::setenv("FLINKSIM_TOKEN", "env-token-123456", 1);
  CHECK(Credentials::load(std::nullopt, std::nullopt, true).headers().at(0) ==
        "Authorization: Bearer env-token-123456");
  ::unsetenv("FLINKSIM_TOKEN");
  std::remove("cal_token.txt");
  std::remove("cal_headers.txt");
  std::remove("cal_bad_headers.txt");
}
