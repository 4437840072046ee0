// Asynchronous checkpoint uploads (checkpoint_state.h), processor-shared: every upload in progress
// gets a max-min fair share of [storage] write_bandwidth (the whole cluster's), and the uploads of
// one TaskManager together get at most its network bandwidth. Rates change only when an upload
// starts or ends, so the only event is the next completion (a stale one is skipped by generation).
#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/upload_sharing.h"
#include "sim/world.h"

namespace flinksim::sim::detail {

void Engine::start_upload(int subtask, int slot, double bytes) {
  advance_uploads();
  uploads_.push_back(Upload{subtask, slot, subtasks_[subtask].taskmanager, bytes, 0});
  schedule_uploads();
}

void Engine::advance_uploads() {
  const double dt = static_cast<double>(now_ - uploads_at_) * 1e-9;
  if (dt > 0)
    for (auto& u : uploads_) u.left -= u.rate * dt;
  uploads_at_ = now_;
}

// Water-filling (upload_sharing.h), recomputed whenever the set of uploads changes.
void Engine::schedule_uploads() {
  ++upload_generation_;
  if (uploads_.empty()) return;
  constexpr double kUnbounded = std::numeric_limits<double>::infinity();
  const double storage = scenario_.storage.write_bandwidth > 0 ? scenario_.storage.write_bandwidth : kUnbounded;
  const double link = params_.bandwidth_per_taskmanager > 0 ? params_.bandwidth_per_taskmanager : kUnbounded;
  std::fill(upload_count_.begin(), upload_count_.end(), 0);
  for (const auto& u : uploads_) ++upload_count_[u.taskmanager];
  const double share = share_write_bandwidth(storage, link, upload_count_, upload_capped_);
  double next = kUnbounded;
  for (auto& u : uploads_) {
    u.rate = upload_capped_[u.taskmanager] ? link / upload_count_[u.taskmanager] : share;
    if (u.rate > 0) next = std::min(next, std::max(u.left, 0.0) / u.rate);
  }
  if (!std::isfinite(next)) next = 0;  // unbounded bandwidth: done at once
  schedule(now_ + static_cast<Nanos>(std::ceil(next * 1e9)), kUploadDone, 0, upload_generation_);
}

void Engine::upload_done(std::uint32_t generation) {
  if (generation != upload_generation_) return;
  advance_uploads();
  // Done: within a byte (completions are scheduled at the ceiling of the exact time).
  upload_finished_.clear();
  std::size_t kept = 0;
  for (const auto& u : uploads_) {
    if (u.left <= 1.0 || !std::isfinite(u.rate)) {
      upload_finished_.push_back(u);
    } else {
      uploads_[kept++] = u;
    }
  }
  uploads_.resize(kept);
  schedule_uploads();
  for (const auto& u : upload_finished_)
    if (pending_[u.slot].id == checkpointing_[u.subtask].slots[u.slot].id) acknowledge(u.subtask, u.slot);
}

void Engine::cancel_uploads(int slot) {
  advance_uploads();
  std::size_t kept = 0;
  for (const auto& u : uploads_)
    if (slot >= 0 && u.slot != slot) uploads_[kept++] = u;
  if (kept == uploads_.size()) return;
  uploads_.resize(kept);
  schedule_uploads();
}

}  // namespace flinksim::sim::detail
