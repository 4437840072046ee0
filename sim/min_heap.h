// Binary min-heap operations on a vector, for the engine's pending events (event_queue.h). (A
// TaskManager's runnable threads used it too; they are a sorted array now: cpu.cpp.)
//
// Why not std::push_heap / std::pop_heap: at the engine's heap sizes (tens of entries) the sift-down
// spends its time on mispredicted "which child is earlier" branches; here that choice is an
// index increment (c += earlier(right, left)), which compiles without a branch. Pop is Floyd's:
// the hole goes down to a leaf along the earlier children, then the last entry climbs back up (an
// event scheduled now is usually later than most pending ones, so it climbs little).
//
// Order: with a strict total order (no two entries equivalent, as the engine's keys are) every
// correct heap pops the same sequence, so replacing std's algorithm changes no result.
//
// Complexity: push O(log n), pop O(log n). No allocation beyond the vector's own growth.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace flinksim::sim {

// Puts v in the hole at i, moving it up past the parents that leave after it.
template <class T, class Less>
void heap_sift_up(std::vector<T>& h, std::size_t i, const T& v, Less less) {
  while (i > 0) {
    const std::size_t parent = (i - 1) / 2;
    if (!less(v, h[parent])) break;
    h[i] = h[parent];
    i = parent;
  }
  h[i] = v;
}

// Adds v. `less(a, b)`: a leaves before b.
template <class T, class Less>
void heap_push(std::vector<T>& h, const T& v, Less less) {
  h.push_back(v);
  heap_sift_up(h, h.size() - 1, v, less);
}

// Removes and returns the least entry. REQUIRES: !h.empty().
template <class T, class Less>
T heap_pop(std::vector<T>& h, Less less) {
  const T top = h.front();
  const T last = h.back();
  h.pop_back();
  const std::size_t n = h.size();
  if (n == 0) return top;
  std::size_t i = 0;
  for (std::size_t c = 1; c + 1 < n; c = 2 * i + 1) {
    c += static_cast<std::size_t>(less(h[c + 1], h[c]));
    h[i] = h[c];
    i = c;
  }
  if (2 * i + 1 < n) {  // one child left at the bottom
    h[i] = h[2 * i + 1];
    i = 2 * i + 1;
  }
  heap_sift_up(h, i, last, less);
  return top;
}

}  // namespace flinksim::sim
