// The fluid level's latency: an ESTIMATE, not a measurement (the fluid level follows rates, not
// records). Per thread, the mean time from a record's arrival in a source backlog to the thread
// finishing it, along the paths that feed it weighted by their flows:
//  - queueing: the age of the record at the head of a FIFO queue, which is the records behind it
//    over the rate they arrived: a source backlog's level ÷ the arrival rate, a channel's level ÷
//    its inflow (÷ the drain instead when that is faster: a draining queue, where the rate its
//    records arrived at is not known any more). In steady state both are Little's law; while a
//    queue grows (overload) the record leaving now waited backlog ÷ arrivals, as at buffer level;
//  - buffering per network hop: a record waits for its buffer to be flushed, on average half the
//    time a buffer takes to fill by size or half the buffer timeout, whichever is shorter (0 with
//    a zero timeout; by size alone with the timeout disabled); then the records ahead of it in
//    its buffer are read first, (records per flushed buffer − 1) ÷ 2 services;
//  - hop_latency on a remote channel;
//  - service: cost per record ÷ the speed a runnable thread gets.
// `batching` carries the buffering part alone, so a caller can spread it (the wait for a flush is
// roughly uniform on [0, 2 × mean]).
#pragma once

#include <vector>

#include "sim/fluid_network.h"
#include "sim/fluid_rates.h"

namespace flinksim::sim::fluid {

// Seconds, per thread. REQUIRES: vectors sized for the network (arrival and backlog per thread,
// level per flow).
void estimate_latency(const Network& net, const Rates& rates, const std::vector<double>& arrival,
                      const std::vector<double>& backlog,
                      const std::vector<double>& level, std::vector<double>& delay,
                      std::vector<double>& batching);

}  // namespace flinksim::sim::fluid
