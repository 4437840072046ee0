#include "model/units.h"

#include <catch2/catch.hpp>

using namespace flinksim::model;

TEST_CASE("durations in flinksim's short form", "[units]") {
  CHECK(parse_duration("250us") == 250 * kMicrosecond);
  CHECK(parse_duration("4ms") == 4 * kMillisecond);
  CHECK(parse_duration("60s") == 60 * kSecond);
  CHECK(parse_duration("15min") == 15 * kMinute);
  CHECK(parse_duration("24h") == 24 * kHour);
  CHECK(parse_duration("1.5s") == 1'500'000'000);
  CHECK(parse_duration("2 d") == 48 * kHour);
  CHECK(parse_duration("0ms") == 0);
  CHECK(parse_duration("7ns") == 7);
}

TEST_CASE("durations in Flink's words (TimeUtils labels)", "[units]") {
  CHECK(parse_duration("100 ms") == 100 * kMillisecond);
  CHECK(parse_duration("1 min") == kMinute);
  CHECK(parse_duration("10 s") == 10 * kSecond);
  CHECK(parse_duration("5 minutes") == 5 * kMinute);
  CHECK(parse_duration("3m") == 3 * kMinute);  // Flink: m = minutes
  CHECK(parse_duration("1 hour") == kHour);
  CHECK(parse_duration("2 days") == 48 * kHour);
  CHECK(parse_duration("500 MILLISECONDS") == 500 * kMillisecond);
  CHECK(parse_duration("30 seconds") == 30 * kSecond);
}

TEST_CASE("durations that are refused", "[units]") {
  CHECK_FALSE(parse_duration("100"));  // bare number
  CHECK_FALSE(parse_duration(""));
  CHECK_FALSE(parse_duration("ms"));
  CHECK_FALSE(parse_duration("10 fortnights"));
  CHECK_FALSE(parse_duration("-5s"));
  CHECK_FALSE(parse_duration("1e30h"));
  CHECK(duration_units_hint().find("min") != std::string::npos);
}

TEST_CASE("memory sizes as Flink's MemorySize.parse reads them", "[units]") {
  CHECK(parse_memory_size("1728m", true) == 1728 * kMiB);
  CHECK(parse_memory_size("4g", true) == 4 * kGiB);
  CHECK(parse_memory_size("4 gb", true) == 4 * kGiB);
  CHECK(parse_memory_size("512b", true) == 512);
  CHECK(parse_memory_size("64kb", true) == 64 * kKiB);
  CHECK(parse_memory_size("32KB", true) == 32 * kKiB);
  CHECK(parse_memory_size("1 T", true) == 1024 * kGiB);
  CHECK(parse_memory_size("2 tb", true) == 2048 * kGiB);
  CHECK(parse_memory_size("3 kibibytes", true) == 3 * kKiB);
  CHECK(parse_memory_size("3 Mebibytes", true) == 3 * kMiB);
  CHECK(parse_memory_size("3 gibibytes", true) == 3 * kGiB);
  CHECK(parse_memory_size("1 tebibytes", true) == 1024 * kGiB);
  CHECK(parse_memory_size("10 bytes", true) == 10);
  CHECK(parse_memory_size("  134217730b ", true) == 134'217'730);
}

TEST_CASE("memory sizes: bare numbers, bad units, overflow", "[units]") {
  CHECK(parse_memory_size("1024", false) == 1024);  // Flink: bytes
  CHECK_FALSE(parse_memory_size("1024", true));
  CHECK_FALSE(parse_memory_size("1.5g", false));  // MemorySize takes whole numbers only
  CHECK_FALSE(parse_memory_size("-1m", false));
  CHECK_FALSE(parse_memory_size("12 parsecs", false));
  CHECK_FALSE(parse_memory_size("g", false));
  CHECK_FALSE(parse_memory_size("", false));
  CHECK_FALSE(parse_memory_size("9999999999t", false));            // exceeds Long.MAX_VALUE
  CHECK_FALSE(parse_memory_size("99999999999999999999", false));   // not a long
  CHECK(parse_memory_size("9223372036854775807", false) == INT64_MAX);
  CHECK(memory_units_hint().find("mb") != std::string::npos);
}

TEST_CASE("rates", "[units]") {
  CHECK(parse_rate("800/s") == Approx(800));
  CHECK(parse_rate("120k/s") == Approx(120'000));
  CHECK(parse_rate("1.5M/s") == Approx(1'500'000));
  CHECK(parse_rate("2G/s") == Approx(2e9));
  CHECK(parse_rate("10/ms") == Approx(10'000));
  CHECK(parse_rate("3600/h") == Approx(1));
  CHECK(parse_rate("60/min") == Approx(1));
  CHECK_FALSE(parse_rate("800"));
  CHECK_FALSE(parse_rate("1.5m/s"));  // milli or mega? refused
  CHECK_FALSE(parse_rate("5/fortnight"));
  CHECK(rate_units_hint().find("/s") != std::string::npos);
}

TEST_CASE("bandwidths: SI bytes, bits and binary prefixes", "[units]") {
  CHECK(parse_bandwidth("200MB/s") == Approx(200e6));
  CHECK(parse_bandwidth("1.5GB/s") == Approx(1.5e9));
  CHECK(parse_bandwidth("10Gb/s") == Approx(1.25e9));
  CHECK(parse_bandwidth("100Mbit/s") == Approx(12.5e6));
  CHECK(parse_bandwidth("512KiB/s") == Approx(512.0 * 1024));
  CHECK(parse_bandwidth("1 GiB/s") == Approx(1024.0 * 1024 * 1024));
  CHECK(parse_bandwidth("10Gbps") == Approx(1.25e9));
  CHECK(parse_bandwidth("800B/s") == Approx(800));
  CHECK_FALSE(parse_bandwidth("200MB"));
  CHECK_FALSE(parse_bandwidth("200MB/h"));
  CHECK_FALSE(parse_bandwidth("200XB/s"));
  CHECK_FALSE(parse_bandwidth("200/s"));
  CHECK(bandwidth_units_hint().find("KiB") != std::string::npos);
}

TEST_CASE("formatting", "[units]") {
  CHECK(format_bytes(1728 * kMiB) == "1.688 GiB");
  CHECK(format_bytes(32 * kKiB) == "32 KiB");
  CHECK(format_bytes(402'653'174) == "402653174 B");
  CHECK(format_bytes(4 * kGiB) == "4 GiB");
  CHECK(format_bytes(0) == "0 B");
  CHECK(format_duration(250 * kMicrosecond) == "250us");
  CHECK(format_duration(1'500 * kMillisecond) == "1.5s");
  CHECK(format_duration(15 * kMinute) == "15min");
  CHECK(format_duration(24 * kHour) == "24h");
  CHECK(format_duration(12) == "12ns");
  CHECK(format_rate(1.2e6) == "1.20M/s");
  CHECK(format_rate(800) == "800/s");
  CHECK(format_rate(120'000) == "120.00k/s");
}
