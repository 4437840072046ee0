// How checkpoint uploads in progress share bandwidth (buffer level: upload.cpp; fluid level:
// fluid_checkpoints.cpp): water-filling. The storage write bandwidth (the whole cluster's) is
// split evenly among the uploads; a TaskManager whose uploads would then exceed its network gets
// exactly its network, split evenly among them, and the rest of the storage bandwidth is split
// again among the others.
#pragma once

#include <vector>

namespace flinksim::sim {

// count[tm]: uploads running on each TaskManager. Sets capped[tm] (1: at its network bandwidth;
// each of its uploads runs at link ÷ count[tm]) and returns the rate of an upload on any other
// TaskManager. Bandwidths in bytes/s; infinity for unbounded. REQUIRES: capped.size() == count.size().
inline double share_write_bandwidth(double storage, double link, const std::vector<int>& count,
                                    std::vector<int>& capped) {
  int open = 0;
  for (std::size_t t = 0; t < count.size(); ++t) {
    capped[t] = 0;
    open += count[t];
  }
  double left = storage;
  double share = open > 0 ? left / open : left;
  for (bool again = true; again && open > 0;) {
    again = false;
    share = left / open;
    for (std::size_t t = 0; t < count.size(); ++t) {
      if (capped[t] || count[t] == 0 || share * count[t] <= link) continue;
      capped[t] = 1;
      left -= link;
      open -= count[t];
      again = true;
    }
  }
  return share;
}

}  // namespace flinksim::sim
