// Where libtandem_c gets its XenBackend. The product library (backend_real.cc) opens Xen's
// libraries; the test library of tests/unit/linux (capi_fake.cc) returns the in-process fake
// Xen. Keeping the seam here keeps test hooks out of tandem_c.h and out of the shipped .so.
#ifndef LINUX_CAPI_BACKEND_H_
#define LINUX_CAPI_BACKEND_H_

#include <memory>

#include "libtandem/error.h"
#include "libtandem/xen_backend.h"

namespace libtandem::capi {

Result<std::unique_ptr<XenBackend>> OpenBackend();

}  // namespace libtandem::capi

#endif  // LINUX_CAPI_BACKEND_H_
