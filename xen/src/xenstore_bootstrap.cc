#include "tandem/xen/xenstore_bootstrap.h"

namespace tandem::xen {

Result<void, XenStatus> XenStoreBootstrap::Start(EventHandler on_event, void* context) {
  if (!bound_) {
    auto port = GetHvmParam(hv_, HVM_PARAM_STORE_EVTCHN);
    TANDEM_TRY(port);
    // 0 is never a valid store port: the domain has no XenStore at all (plain dom0less).
    if (port.value() == 0) return MakeError(XenStatus::kNotReady);
    if (port.value() >= EventChannels::kPorts) return MakeError(XenStatus::kBrokenPeer);
    const auto p = static_cast<evtchn_port_t>(port.value());
    TANDEM_TRY(channels_.Mask(p));
    TANDEM_TRY(channels_.Bind(p, on_event, context));
    notifier_.channels = &channels_;
    notifier_.port = p;
    bound_ = true;
  }
  return TryAttach();
}

Result<void, XenStatus> XenStoreBootstrap::TryAttach() {
  if (connection_.attached()) return {};
  if (!bound_) return MakeError(XenStatus::kNotReady);
  auto params = QueryXenStore(hv_);
  TANDEM_TRY(params);
  if (params.value().port != notifier_.port) return MakeError(XenStatus::kBrokenPeer);
  void* page =
      mapper_.map == nullptr ? nullptr : mapper_.map(mapper_.context, params.value().ring_gfn);
  if (page == nullptr || reinterpret_cast<uintptr_t>(page) % kPageSize != 0) {
    return MakeError(XenStatus::kBadArgument);
  }
  connection_.Attach(static_cast<xenstore_domain_interface*>(page), notifier_.AsNotifier());
  return {};
}

}  // namespace tandem::xen
