// Processes that hold a device open, from /proc. See process_scan.h.
#include "libtandem/process_scan.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <system_error>

#include "libtandem/discovery.h"

namespace libtandem {
namespace {

namespace fs = std::filesystem;

bool HasOpen(const fs::path& fd_dir, const std::string& device) {
  std::error_code ec;
  for (fs::directory_iterator it(fd_dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code link_ec;
    const fs::path target = fs::read_symlink(it->path(), link_ec);
    if (!link_ec && target == device) return true;
  }
  return false;
}

}  // namespace

std::vector<ProcessInfo> ProcessesWithOpen(const std::string& proc_root, const std::string& device,
                                           int except_pid) {
  std::vector<ProcessInfo> found;
  std::error_code ec;
  for (fs::directory_iterator it(proc_root, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    std::optional<uint32_t> pid = ParseDecimal(name, 0x7FFFFFFF);  // only the pid directories
    if (!pid || static_cast<int>(*pid) == except_pid) continue;
    if (!HasOpen(it->path() / "fd", device)) continue;
    ProcessInfo p;
    p.pid = static_cast<int>(*pid);
    std::ifstream comm(it->path() / "comm");
    std::getline(comm, p.command);
    found.push_back(std::move(p));
  }
  std::sort(found.begin(), found.end(),
            [](const ProcessInfo& a, const ProcessInfo& b) { return a.pid < b.pid; });
  return found;
}

}  // namespace libtandem
