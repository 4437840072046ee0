// TaskManager CPU: processor sharing among the runnable subtask threads of a TaskManager, one core
// at most per thread (a thread is one Java thread; the pod has cpu_per_taskmanager cores).
// By virtual time: all runnable threads progress at speed min(1, cores / runnable), so only the
// speed changes when a thread joins or leaves, and the TaskManager has a single pending event —
// the completion of the thread with the least work left: a timer of the event queue, moved in
// place when the speed or the thread due first changes. The runnable threads are a sorted array:
// O(1) to take the thread due first, O(threads due before it) to add one.
#include <algorithm>
#include <cassert>
#include <cmath>
#include <functional>

#include "sim/world.h"

namespace flinksim::sim::detail {
namespace {

// min(1, cores / runnable), from the TaskManager's table (build.cpp).
double speed_of(const TaskManagerState& tm) {
  assert(tm.runnable.size() < tm.speed_for.size());
  return tm.speed_for[tm.runnable.size()];
}

// The order of the runnable set: virtual finish time, ties by subtask index, so the order is total
// (and the thread due first the same whatever the container).
struct Earlier {
  bool operator()(const std::pair<double, int>& a, const std::pair<double, int>& b) const {
    return (a.first < b.first) | ((a.first == b.first) & (a.second < b.second));
  }
};
constexpr Earlier earlier_finish{};

// The runnable set is sorted latest first: the thread due first is at the back, so a completion
// takes it with no search, and a new thread goes in past the threads due before it, moving them
// up one. It was a binary heap (min_heap.h), whose pop sifted a hole down and an entry back up,
// deciding on the data at each level: a TaskManager runs a few threads at a time, so the moves
// cost less than those decisions (engine_bench: 642 -> 600 instructions an event, and faster;
// sim/README.md). O(threads) per insertion where the heap was O(log threads).
void insert_runnable(std::vector<std::pair<double, int>>& v, const std::pair<double, int>& x) {
  v.push_back(x);
  std::size_t i = v.size() - 1;
  while (i > 0 && earlier_finish(v[i - 1], x)) {
    v[i] = v[i - 1];
    --i;
  }
  v[i] = x;
}

}  // namespace

void Engine::cpu_advance(TaskManagerState& tm) {
  const Nanos dt = now_ - tm.last;
  if (dt > 0 && !tm.runnable.empty()) {
    const auto n = static_cast<double>(tm.runnable.size());
    tm.virtual_now += static_cast<double>(dt) * tm.speed;
    tm.cpu_ns += static_cast<double>(dt) * std::min(n, tm.cores);
  }
  tm.last = now_;
}

void Engine::cpu_add(int taskmanager, int subtask, double work_ns) {
  auto& tm = taskmanagers_[taskmanager];
  cpu_advance(tm);
  insert_runnable(tm.runnable, std::pair<double, int>(tm.virtual_now + work_ns, subtask));
  tm.speed = speed_of(tm);
  cpu_reschedule(taskmanager);
}

// The completion timer moves only when the thread due first or the speed changed; otherwise it
// stays valid.
void Engine::cpu_reschedule(int taskmanager) {
  auto& tm = taskmanagers_[taskmanager];
  const auto timer = static_cast<std::uint32_t>(taskmanager);
  if (tm.runnable.empty()) {
    tm.virtual_now = 0;  // rebase: keeps the double's precision over long runs
    events_.disarm(timer);
    return;
  }
  const auto& top = tm.runnable.back();
  const double s = tm.speed;
  const bool armed = events_.armed(timer);
  if (armed && tm.scheduled_subtask == top.second && tm.scheduled_speed == s) return;
  // x / 1.0 is x exactly: the division (a long stall here) only when the threads share cores.
  const double left = top.first - tm.virtual_now;
  const double dt = std::max(0.0, s == 1.0 ? left : left / s);
  tm.scheduled_subtask = top.second;
  tm.scheduled_speed = s;
  events_.arm(timer, now_ + ceil_to_int(dt));
  // Only arming a disarmed timer adds a pending event (moving one does not).
  if (!armed) max_pending_ = std::max<std::uint64_t>(max_pending_, events_.size());
}

// The timer fired (still armed: EventQueue::due_timer): the thread due first finishes its record,
// and the reschedule moves the timer to the next one's completion or disarms it.
// Flattened, as advance is: two thirds of the events end here, and the reschedule's call (entry,
// exit, the TaskManager reloaded) was a tenth of a completion's instructions.
// Returns the thread, to be advanced by the caller (not woken: see run()).
[[gnu::flatten]] int Engine::cpu_done(int taskmanager) {
  auto& tm = taskmanagers_[taskmanager];
  cpu_advance(tm);
  const int subtask = tm.runnable.back().second;
  tm.runnable.pop_back();
  tm.speed = speed_of(tm);
  tm.scheduled_subtask = -1;  // the timer still points at the thread just done: it must move
  cpu_reschedule(taskmanager);
  subtasks_[subtask].running = false;
  return subtask;
}

}  // namespace flinksim::sim::detail
