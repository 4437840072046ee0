#include "cli/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "cli/option_values.h"

namespace flinksim::cli {
namespace {

// fsync of the folder holding `path`, so that a rename into it survives a crash.
void sync_folder(const std::string& path) {
  // Built in one expression: assigning "." to the string afterwards trips GCC 12's false
  // -Wrestrict (its bug 105329).
  const auto parent = std::filesystem::path(path).parent_path();
  const std::string folder = parent.empty() ? std::string(".") : parent.string();
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // nothing to flush where a folder cannot be opened (best effort)
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

void write_file_atomically(const std::string& path, const std::string& text) {
  const std::string aside = path + ".tmp";
  const int fd = ::open(aside.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) usage_error("--out", "cannot write " + aside + ": " + std::strerror(errno));
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      usage_error("--out", "cannot write " + aside + ": " + std::strerror(error));
    }
    written += static_cast<std::size_t>(n);
  }
  const int synced = ::fsync(fd) == 0 ? 0 : errno;
  const int closed = ::close(fd) == 0 ? 0 : errno;
  if (synced != 0 || closed != 0)
    usage_error("--out", "cannot write " + aside + ": " + std::strerror(synced != 0 ? synced : closed));
  std::error_code error;
  std::filesystem::rename(aside, path, error);
  if (error) usage_error("--out", "cannot rename " + aside + " to " + path + ": " + error.message());
  sync_folder(path);
}

}  // namespace flinksim::cli
