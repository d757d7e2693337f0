// Which processes of this system have a given device open, read from /proc/<pid>/fd/* (proc(5)):
// Xen cannot say which dom0 process bound an event-channel port, but every binder holds
// /dev/xen/evtchn open. Used for error messages only, so it is best effort and quiet about what
// it cannot read (other users' fd directories need root).
#ifndef LIBTANDEM_PROCESS_SCAN_H_
#define LIBTANDEM_PROCESS_SCAN_H_

#include <string>
#include <vector>

#include "libtandem/xen_backend.h"

namespace libtandem {

// Processes under `proc_root` (normally "/proc") with a descriptor that links to `device`,
// `except_pid` left out, in pid order.
std::vector<ProcessInfo> ProcessesWithOpen(const std::string& proc_root, const std::string& device,
                                           int except_pid);

}  // namespace libtandem

#endif  // LIBTANDEM_PROCESS_SCAN_H_
