// Flink's memory derivation, step for step as ProcessMemoryUtils and the TaskExecutor/JobManager
// FlinkMemoryUtils do it (flink-facts.md §a.2–a.5). Messages are Flink's.
#include "model/memory.h"

#include <charconv>
#include <cstdio>
#include <limits>
#include <optional>

namespace flinksim::model {
namespace {

constexpr Bytes kLongMax = std::numeric_limits<Bytes>::max();

[[noreturn]] void refuse(const FlinkConfig& config, const OptionDef& option, std::string message) {
  const FlinkConfig::Entry* entry = config.find(option);
  throw InputFailure({InputError{entry ? entry->pos : SourcePos{}, config.key_of(option),
                                 std::move(message)}});
}

std::string hr(Bytes bytes) { return flink_human_readable(bytes); }

// Java's Double.toString of a widened float, near enough for messages ("0.10000000149011612").
std::string java_double(double value) {
  char buf[64];
  auto result = std::to_chars(buf, buf + sizeof buf, value);
  std::string text(buf, result.ptr);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

// ConfigOption.toString(), which Flink puts into some of its messages verbatim.
std::string option_string(const OptionDef& option) {
  std::string fallback;
  for (std::string_view old_key : option.deprecated_keys) {
    if (!fallback.empty()) fallback += ", ";
    fallback += "{key=" + std::string(old_key) + ", isDeprecated=true}";
  }
  const std::string default_text =
      option.default_value.empty() ? "null" : std::string(option.default_value);
  return "Key: '" + std::string(option.key) + "' , default: " + default_text +
         " (fallback keys: [" + fallback + "])";
}

Bytes add(const FlinkConfig& config, const OptionDef& blame, Bytes a, Bytes b) {
  Bytes sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) refuse(config, blame, "long overflow");
  return sum;
}

// A fraction option is a Java float, widened to double before it is used (RangeFraction).
double fraction_of(const FlinkConfig& config, const OptionDef& option) {
  return static_cast<double>(static_cast<float>(config.get_double(option)));
}

// RangeFraction: 0 ≤ fraction < 1 and min ≤ max, else Flink's "Inconsistently configured".
struct RangeFraction {
  Bytes min = 0;
  Bytes max = 0;
  double fraction = 0;
};

RangeFraction range_fraction(const FlinkConfig& config, const OptionDef& fraction_option,
                             Bytes min, Bytes max, const OptionDef* min_option = nullptr,
                             const OptionDef* max_option = nullptr) {
  const double fraction = fraction_of(config, fraction_option);
  if (!(min <= max && fraction >= 0 && fraction < 1)) {
    // Flink's message names the fraction; the error points at what the user set (a fraction
    // left at its default has no place in any file).
    const OptionDef* blame = &fraction_option;
    if (!config.find(fraction_option) && !(fraction < 0 || fraction >= 1)) {
      if (max_option && config.find(*max_option)) blame = max_option;
      else if (min_option && config.find(*min_option)) blame = min_option;
    }
    refuse(config, *blame,
           "Inconsistently configured " + option_string(fraction_option) + " (" +
               java_double(fraction) + ") and its min (" + hr(min) + "), max (" + hr(max) +
               ") value");
  }
  return RangeFraction{min, max, fraction};
}

RangeFraction range_fraction(const FlinkConfig& config, const OptionDef& fraction_option,
                             const OptionDef& min_option, const OptionDef& max_option) {
  return range_fraction(config, fraction_option, config.get_memory(min_option),
                        config.get_memory(max_option), &min_option, &max_option);
}

// capToMinMax: max is checked first, so min wins nothing when min > max (refused above anyway).
Bytes cap(Bytes size, const RangeFraction& range) {
  if (size > range.max) return range.max;
  if (size < range.min) return range.min;
  return size;
}

Bytes derive_with_fraction(Bytes base, const RangeFraction& range, const std::string& field) {
  return cap(multiply_memory(base, range.fraction, field), range);
}

// Used when the base excludes the component itself: x = base × f/(1−f), the ratio in double.
Bytes derive_with_inverse_fraction(Bytes base, const RangeFraction& range,
                                   const std::string& field) {
  return cap(multiply_memory(base, range.fraction / (1 - range.fraction), field), range);
}

// The options the TaskManager and the JobManager share at process level (ProcessMemoryOptions).
struct ProcessOptions {
  const OptionDef& process;
  const OptionDef& flink;
  const OptionDef& metaspace;
  const OptionDef& overhead_fraction;
  const OptionDef& overhead_min;
  const OptionDef& overhead_max;
};

const ProcessOptions kTaskManagerProcess{options::kTmProcessSize,     options::kTmFlinkSize,
                                         options::kTmMetaspace,       options::kTmOverheadFraction,
                                         options::kTmOverheadMin,     options::kTmOverheadMax};
const ProcessOptions kJobManagerProcess{options::kJmProcessSize,     options::kJmFlinkSize,
                                        options::kJmMetaspace,       options::kJmOverheadFraction,
                                        options::kJmOverheadMin,     options::kJmOverheadMax};

struct MetaspaceAndOverhead {
  Bytes metaspace = 0;
  Bytes overhead = 0;
};

// Path 3: overhead is a fraction of the configured total process size.
MetaspaceAndOverhead from_total_process(const FlinkConfig& config, const ProcessOptions& o,
                                        Bytes process) {
  const Bytes metaspace = config.get_memory(o.metaspace);
  const RangeFraction range =
      range_fraction(config, o.overhead_fraction, o.overhead_min, o.overhead_max);
  const Bytes overhead = derive_with_fraction(process, range, config.key_of(o.process));
  if (add(config, o.process, metaspace, overhead) > process) {
    refuse(config, o.process,
           "Sum of configured JVM Metaspace (" + hr(metaspace) + ") and JVM Overhead (" +
               hr(overhead) + ") exceed configured Total Process Memory (" + hr(process) + ").");
  }
  return {metaspace, overhead};
}

// Paths 1 and 2: overhead is the remainder if process size is set too, else the inverse fraction
// of total Flink + metaspace.
MetaspaceAndOverhead from_total_flink(const FlinkConfig& config, const ProcessOptions& o,
                                      Bytes flink) {
  const Bytes metaspace = config.get_memory(o.metaspace);
  const Bytes flink_and_metaspace = add(config, o.metaspace, flink, metaspace);
  const RangeFraction range =
      range_fraction(config, o.overhead_fraction, o.overhead_min, o.overhead_max);
  if (config.is_set(o.process)) {
    const Bytes process = config.get_memory(o.process);
    if (process < flink_and_metaspace) {
      refuse(config, o.process,
             "The configured Total Process Memory size (" + hr(process) +
                 ") is less than the sum of the derived Total Flink Memory size (" + hr(flink) +
                 ") and the configured or default JVM Metaspace size (" + hr(metaspace) + ").");
    }
    const Bytes overhead = process - flink_and_metaspace;
    if (overhead > range.max || overhead < range.min) {
      refuse(config, overhead > range.max ? o.overhead_max : o.overhead_min,
             "Derived JVM Overhead size (" + hr(overhead) +
                 ") is not in configured JVM Overhead range [" + hr(range.min) + ", " +
                 hr(range.max) + "].");
    }
    return {metaspace, overhead};
  }
  return {metaspace,
          derive_with_inverse_fraction(flink_and_metaspace, range, config.key_of(o.flink))};
}

// ---- TaskManager: the split of total Flink memory (TaskExecutorFlinkMemoryUtils) ----

// The legacy taskmanager.network.numberOfBuffers counts only if no new network option is set.
bool uses_legacy_network(const FlinkConfig& config) {
  using namespace options;
  const bool any_new = config.is_set(kTmNetworkMin) || config.is_set(kTmNetworkMax) ||
                       config.is_set(kTmNetworkFraction);
  return !any_new && config.is_set(kTmNetworkNumberOfBuffers);
}

// ConfigurationParserUtils.getPageSize checks the segment size before it is used here.
Bytes checked_segment_size(const FlinkConfig& config) {
  const Bytes size = config.get_memory(options::kTmSegmentSize);
  if (size < 4096) refuse(config, options::kTmSegmentSize, "Minimum memory segment size is 4096");
  if ((size & (size - 1)) != 0) {
    refuse(config, options::kTmSegmentSize, "Memory segment size must be a power of 2.");
  }
  return size;
}

Bytes legacy_network(const FlinkConfig& config) {
  const std::int64_t buffers = config.get_int(options::kTmNetworkNumberOfBuffers);
  Bytes bytes = 0;
  if (buffers < 0 || __builtin_mul_overflow(buffers, checked_segment_size(config), &bytes)) {
    refuse(config, options::kTmNetworkNumberOfBuffers, "bytes must be >= 0");
  }
  return bytes;
}

RangeFraction network_range(const FlinkConfig& config) {
  using namespace options;
  return range_fraction(config, kTmNetworkFraction, kTmNetworkMin, kTmNetworkMax);
}

Bytes managed_of(const FlinkConfig& config, Bytes flink) {
  using namespace options;
  if (config.is_set(kTmManagedSize)) return config.get_memory(kTmManagedSize);
  return derive_with_fraction(flink, range_fraction(config, kTmManagedFraction, 0, kLongMax),
                              config.key_of(kTmManagedFraction));
}

// When network is what is left of an explicit total Flink memory, it is checked, not clamped.
void check_network_remainder(const FlinkConfig& config, Bytes network) {
  using namespace options;
  const std::string why =
      "If Total Flink, Task Heap and (or) Managed Memory sizes are explicitly configured then the "
      "Network Memory size is the rest of the Total Flink memory after subtracting all other "
      "configured types of memory, but the derived Network Memory is inconsistent with its "
      "configuration. Caused by: ";
  if (uses_legacy_network(config)) {
    const Bytes configured = legacy_network(config);
    if (configured != network) {
      refuse(config, kTmNetworkNumberOfBuffers,
             why + "Derived Network Memory size (" + hr(network) +
                 ") does not match configured Network Memory size (" + hr(configured) + ").");
    }
    return;
  }
  const RangeFraction range = network_range(config);
  if (network > range.max || network < range.min) {
    refuse(config, network > range.max ? kTmNetworkMax : kTmNetworkMin,
           why + "Derived Network Memory size (" + hr(network) +
               ") is not in configured Network Memory range [" + hr(range.min) + ", " +
               hr(range.max) + "].");
  }
}

std::string sum_exceeds_message(const TaskManagerMemory& m, Bytes flink) {
  return "Sum of configured Framework Heap Memory (" + hr(m.framework_heap) +
         "), Framework Off-Heap Memory (" + hr(m.framework_off_heap) + "), Task Heap Memory (" +
         hr(m.task_heap) + "), Task Off-Heap Memory (" + hr(m.task_off_heap) +
         ") and Managed Memory (" + hr(m.managed) + ") exceed configured Total Flink Memory (" +
         hr(flink) + ").";
}

Bytes sum_without_network(const FlinkConfig& config, const TaskManagerMemory& m) {
  const OptionDef& blame = options::kTmTaskHeap;
  Bytes sum = add(config, blame, m.framework_heap, m.framework_off_heap);
  sum = add(config, blame, sum, m.task_heap);
  sum = add(config, blame, sum, m.task_off_heap);
  return add(config, blame, sum, m.managed);
}

void read_fixed_components(const FlinkConfig& config, TaskManagerMemory& m) {
  using namespace options;
  m.framework_heap = config.get_memory(kTmFrameworkHeap);
  m.framework_off_heap = config.get_memory(kTmFrameworkOffHeap);
  m.task_off_heap = config.get_memory(kTmTaskOffHeap);
  m.segment_size = config.get_memory(kTmSegmentSize);
}

// Path 1: task heap and managed both explicit; network from flink.size or by inverse fraction.
void split_fine_grained(const FlinkConfig& config, TaskManagerMemory& m) {
  using namespace options;
  read_fixed_components(config, m);
  m.task_heap = config.get_memory(kTmTaskHeap);
  m.managed = config.get_memory(kTmManagedSize);
  const Bytes without_network = sum_without_network(config, m);
  if (config.is_set(kTmFlinkSize)) {
    const Bytes flink = config.get_memory(kTmFlinkSize);
    if (without_network > flink) refuse(config, kTmFlinkSize, sum_exceeds_message(m, flink));
    m.network = flink - without_network;
    check_network_remainder(config, m.network);
  } else if (uses_legacy_network(config)) {
    m.network = legacy_network(config);
  } else {
    m.network = derive_with_inverse_fraction(without_network, network_range(config),
                                             config.key_of(kTmNetworkFraction));
  }
  m.total_flink = add(config, kTmNetworkFraction, without_network, m.network);
}

// Paths 2 and 3: total Flink memory is known.
void split_total_flink(const FlinkConfig& config, Bytes flink, TaskManagerMemory& m) {
  using namespace options;
  read_fixed_components(config, m);
  m.managed = managed_of(config, flink);
  if (config.is_set(kTmTaskHeap)) {
    m.task_heap = config.get_memory(kTmTaskHeap);
    const Bytes without_network = sum_without_network(config, m);
    if (without_network > flink) refuse(config, kTmTaskHeap, sum_exceeds_message(m, flink));
    m.network = flink - without_network;
    check_network_remainder(config, m.network);
  } else {
    m.network = uses_legacy_network(config)
                    ? legacy_network(config)
                    : derive_with_fraction(flink, network_range(config),
                                           config.key_of(kTmNetworkFraction));
    Bytes without_heap = sum_without_network(config, m);  // task heap is still 0 here
    without_heap = add(config, kTmNetworkFraction, without_heap, m.network);
    if (without_heap > flink) {
      refuse(config, config.is_set(kTmFlinkSize) ? kTmFlinkSize : kTmProcessSize,
             "Sum of configured Framework Heap Memory (" + hr(m.framework_heap) +
                 "), Framework Off-Heap Memory (" + hr(m.framework_off_heap) +
                 "), Task Off-Heap Memory (" + hr(m.task_off_heap) + "), Managed Memory (" +
                 hr(m.managed) + ") and Network Memory (" + hr(m.network) +
                 ") exceed configured Total Flink Memory (" + hr(flink) + ").");
    }
    m.task_heap = flink - without_heap;
  }
  m.total_flink = flink;
}

[[noreturn]] void refuse_unconfigured(const FlinkConfig& config, const ProcessOptions& o,
                                      const std::string& fine_grained) {
  refuse(config, o.process,
         "Either required fine-grained memory (" + fine_grained +
             "), or Total Flink Memory size (" + option_string(o.flink) +
             "), or Total Process Memory size (" + option_string(o.process) +
             ") need to be configured explicitly.");
}

void add_process_level(const FlinkConfig& config, const ProcessOptions& o, Bytes flink,
                       const MetaspaceAndOverhead& jvm, Bytes& metaspace, Bytes& overhead,
                       Bytes& process) {
  metaspace = jvm.metaspace;
  overhead = jvm.overhead;
  process = add(config, o.process, add(config, o.process, flink, jvm.metaspace), jvm.overhead);
}

// ---- JobManager (JobManagerFlinkMemoryUtils) ----

void jm_from_total_flink(const FlinkConfig& config, Bytes flink, JobManagerMemory& m) {
  using namespace options;
  m.off_heap = config.get_memory(kJmOffHeap);
  if (flink <= m.off_heap) {
    refuse(config, config.is_set(kJmFlinkSize) ? kJmFlinkSize : kJmProcessSize,
           "The configured Total Flink Memory (" + hr(flink) +
               ") is less than the configured Off-heap Memory (" + hr(m.off_heap) + ").");
  }
  m.jvm_heap = flink - m.off_heap;
  m.total_flink = flink;
}

// Fine-grained: heap explicit; an explicit flink.size absorbs a default off-heap (FLINK-18993).
void jm_fine_grained(const FlinkConfig& config, JobManagerMemory& m) {
  using namespace options;
  m.jvm_heap = config.get_memory(kJmHeap);
  m.off_heap = config.get_memory(kJmOffHeap);
  if (config.is_set(kJmFlinkSize)) {
    const Bytes flink = config.get_memory(kJmFlinkSize);
    if (config.is_set(kJmOffHeap)) {
      if (add(config, kJmHeap, m.jvm_heap, m.off_heap) != flink) {
        refuse(config, kJmFlinkSize,
               "Sum of the configured JVM Heap Memory (" + hr(m.jvm_heap) +
                   ") and the configured Off-heap Memory (" + hr(m.off_heap) +
                   ") does not match the configured Total Flink Memory (" + hr(flink) +
                   "). Please, make the configuration consistent or configure only one option: "
                   "either JVM Heap or Total Flink Memory.");
      }
    } else {
      if (m.jvm_heap > flink) {
        refuse(config, kJmHeap,
               "The configured JVM Heap Memory (" + hr(m.jvm_heap) +
                   ") exceeds the configured Total Flink Memory (" + hr(flink) +
                   "). Please, make the configuration consistent or configure only one option: "
                   "either JVM Heap or Total Flink Memory.");
      }
      m.off_heap = flink - m.jvm_heap;
    }
  }
  m.total_flink = add(config, kJmHeap, m.jvm_heap, m.off_heap);
}

}  // namespace

Bytes multiply_memory(Bytes bytes, double multiplier, const std::string& field) {
  // BigDecimal.valueOf(double) is the decimal string of Double.toString: the shortest string that
  // reads back as the same double (Java 19+; older JDKs rarely print one digit more). to_chars
  // gives that string; the product is then exact in 128-bit integers and truncated like
  // BigDecimal.longValue().
  char buf[64];
  auto result = std::to_chars(buf, buf + sizeof buf, multiplier);
  const std::string_view text(buf, static_cast<std::size_t>(result.ptr - buf));
  __int128 mantissa = 0;
  int exponent = 0;
  bool fraction_part = false;
  std::size_t i = 0;
  for (; i < text.size() && text[i] != 'e'; ++i) {
    if (text[i] == '.') {
      fraction_part = true;
    } else {
      mantissa = mantissa * 10 + (text[i] - '0');
      if (fraction_part) --exponent;
    }
  }
  if (i < text.size()) {  // "1e-05"
    int e = 0;
    std::from_chars(text.data() + i + 1 + (text[i + 1] == '+'), text.data() + text.size(), e);
    exponent += e;
  }
  const auto overflow = [&field] {
    throw InputFailure({InputError{SourcePos{}, field, std::string("long overflow")}});
  };
  __int128 product = static_cast<__int128>(bytes) * mantissa;  // < 2^63 · 10^17 < 2^127
  if (exponent >= 0) {
    for (int k = 0; k < exponent; ++k) {
      if (product > static_cast<__int128>(kLongMax)) overflow();
      product *= 10;
    }
  } else {
    for (int k = 0; k < -exponent && product != 0; ++k) product /= 10;  // toward zero
  }
  if (product > static_cast<__int128>(kLongMax)) overflow();
  return static_cast<Bytes>(product);
}

std::string flink_human_readable(Bytes bytes) {
  static const char* const kUnits[] = {"bytes", "kb", "mb", "gb", "tb"};
  int unit = 0;
  for (int k = 1; k < 5; ++k) {
    if (bytes > (Bytes{1} << (10 * k))) unit = k;  // strictly greater, as Flink compares
  }
  if (unit == 0) return std::to_string(bytes) + " bytes";
  char buf[96];
  std::snprintf(buf, sizeof buf, "%.3f%s (%lld bytes)",
                static_cast<double>(bytes) / static_cast<double>(Bytes{1} << (10 * unit)),
                kUnits[unit], static_cast<long long>(bytes));
  return buf;
}

TaskManagerMemory derive_taskmanager_memory(const FlinkConfig& config) {
  using namespace options;
  const ProcessOptions& o = kTaskManagerProcess;
  TaskManagerMemory m;
  MetaspaceAndOverhead jvm;
  if (config.is_set(kTmTaskHeap) && config.is_set(kTmManagedSize)) {
    split_fine_grained(config, m);
    jvm = from_total_flink(config, o, m.total_flink);
  } else if (config.is_set(kTmFlinkSize)) {
    // The split comes first, so its errors are reported before any process-level one.
    split_total_flink(config, config.get_memory(kTmFlinkSize), m);
    jvm = from_total_flink(config, o, m.total_flink);
  } else if (config.is_set(kTmProcessSize)) {
    const Bytes process = config.get_memory(kTmProcessSize);
    jvm = from_total_process(config, o, process);
    split_total_flink(config, process - jvm.metaspace - jvm.overhead, m);
  } else {
    refuse_unconfigured(config, o, std::string(kTmTaskHeap.key) + " and " +
                                       std::string(kTmManagedSize.key));
  }
  add_process_level(config, o, m.total_flink, jvm, m.jvm_metaspace, m.jvm_overhead,
                    m.total_process);
  return m;
}

JobManagerMemory derive_jobmanager_memory(const FlinkConfig& config) {
  using namespace options;
  const ProcessOptions& o = kJobManagerProcess;
  JobManagerMemory m;
  MetaspaceAndOverhead jvm;
  if (config.is_set(kJmHeap)) {
    jm_fine_grained(config, m);
    jvm = from_total_flink(config, o, m.total_flink);
  } else if (config.is_set(kJmFlinkSize)) {
    jm_from_total_flink(config, config.get_memory(kJmFlinkSize), m);
    jvm = from_total_flink(config, o, m.total_flink);
  } else if (config.is_set(kJmProcessSize)) {
    const Bytes process = config.get_memory(kJmProcessSize);
    jvm = from_total_process(config, o, process);
    jm_from_total_flink(config, process - jvm.metaspace - jvm.overhead, m);
  } else {
    refuse_unconfigured(config, o, std::string(kJmHeap.key));
  }
  add_process_level(config, o, m.total_flink, jvm, m.jvm_metaspace, m.jvm_overhead,
                    m.total_process);
  return m;
}

}  // namespace flinksim::model
