// The shipped libtandem_c: the real Xen libraries (libxenstore, libxenevtchn, ...).
#include "backend.h"

namespace libtandem::capi {

Result<std::unique_ptr<XenBackend>> OpenBackend() { return OpenXenBackend(); }

}  // namespace libtandem::capi
