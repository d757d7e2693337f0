// XenWorld: Xen, dom0 and Linux's end of the channel as the RTOS's frontend sees them, in one
// process and one thread, so every interrupt, hypercall and XenStore request is explicit.
//
// - The hypervisor is tests/unit/xen's FakeHypervisor with a script that implements what Xen does
//   for the calls the frontend makes (alloc_unbound, send, unmask, close, query_size,
//   add_to_physmap, get_param).
// - Event delivery follows xen/common/event_2l.c: a send from dom0 sets pending; only an unmasked
//   port sets the selector and evtchn_upcall_pending, and only its 0 -> 1 raises the PPI. The
//   "CPU" takes the PPI in TakeInterrupt(), which runs EventChannels::HandleUpcall (the ISR).
// - The RTOS's server task is RunRtos(): DrainOnce whenever the ISR signalled it.
// - XenStore is tests/unit/xen's FakeXenstored behind a real XenStoreConnection/Client.
#ifndef TANDEM_TESTS_UNIT_CHANNEL_XEN_XEN_WORLD_H_
#define TANDEM_TESTS_UNIT_CHANNEL_XEN_XEN_WORLD_H_

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <vector>

#include "fake_hypervisor.h"
#include "fake_xenstored.h"
#include "tandem/channel/client.h"
#include "tandem/channel/xen/frontend.h"
#include "tandem/channel/xen/xenstore_link.h"
#include "tandem/xen/event_channel.h"
#include "tandem/xen/grant_table.h"

namespace tandem::channel::testing {

using ::tandem::xen::testing::Call;
using ::tandem::xen::testing::FakeHypervisor;
using ::tandem::xen::testing::FakeXenstored;

template <typename T>
struct PageDeleter {
  void operator()(T* p) const { std::free(p); }
};
template <typename T>
std::unique_ptr<T, PageDeleter<T>> AllocPage() {
  void* p = std::aligned_alloc(4096, 4096);
  std::memset(p, 0, 4096);
  return std::unique_ptr<T, PageDeleter<T>>(static_cast<T*>(p));
}

class XenWorld {
 public:
  static constexpr evtchn_port_t kChannelPort = 37;  // what alloc_unbound hands out
  static constexpr evtchn_port_t kStorePort = 1;
  static constexpr uint64_t kStoreGfn = 0x39000;  // GUEST_MAGIC_BASE >> 12, as xl places it
  static constexpr uint64_t kRequestGfn = 0x40100;
  static constexpr uint64_t kResponseGfn = 0x40101;

  XenWorld() {
    hv.set_handler([this](Call call, unsigned cmd, void* arg, unsigned count) {
      return Hypercall(call, cmd, arg, count);
    });
    EXPECT_TRUE(grants.Init(hv, grant_frame.get(), xen::MemoryRegion{0x38000000, 0x1000}, 1).ok());
    events.MaskAll();
  }

  // --- Xen ---
  long Hypercall(Call call, unsigned cmd, void* arg, unsigned /*count*/) {
    if (call == Call::kGrantTableOp && cmd == GNTTABOP_query_size) {
      auto* q = static_cast<gnttab_query_size_t*>(arg);
      q->nr_frames = 1;
      q->max_nr_frames = 1;
      q->status = GNTST_okay;
      return 0;
    }
    if (call == Call::kMemoryOp && cmd == XENMEM_add_to_physmap) return 0;
    if (call == Call::kHvmOp && cmd == HVMOP_get_param) {
      auto* p = static_cast<xen_hvm_param_t*>(arg);
      if (p->index == HVM_PARAM_STORE_PFN) p->value = store_pfn;
      if (p->index == HVM_PARAM_STORE_EVTCHN) p->value = kStorePort;
      return 0;
    }
    if (call != Call::kEventChannelOp) return -XEN_ENOSYS;
    switch (cmd) {
      case EVTCHNOP_alloc_unbound: {
        auto* op = static_cast<evtchn_alloc_unbound_t*>(arg);
        alloc_remote = op->remote_dom;
        if (alloc_fails) return -XEN_ENOSPC;
        op->port = kChannelPort;
        return 0;
      }
      case EVTCHNOP_send: {
        const evtchn_port_t port = static_cast<evtchn_send_t*>(arg)->port;
        if (port == kChannelPort) {
          ++to_dom0;
          if (linux_client != nullptr) linux_client->OnNotification();
          if (on_dom0_notified) on_dom0_notified();
        } else if (port == kStorePort) {
          ++to_xenstored;
        }
        return 0;
      }
      case EVTCHNOP_unmask: {
        ++unmask_hypercalls;
        XenUnmask(static_cast<evtchn_unmask_t*>(arg)->port);
        return 0;
      }
      case EVTCHNOP_close:
        closed.push_back(static_cast<evtchn_close_t*>(arg)->port);
        return 0;
      default:
        return -XEN_ENOSYS;
    }
  }

  static constexpr uint32_t kBits = xen::EventChannels::kBitsPerWord;
  std::atomic_ref<xen_ulong_t> Pending(evtchn_port_t p) {
    return std::atomic_ref<xen_ulong_t>(shared->evtchn_pending[p / kBits]);
  }
  std::atomic_ref<xen_ulong_t> Mask(evtchn_port_t p) {
    return std::atomic_ref<xen_ulong_t>(shared->evtchn_mask[p / kBits]);
  }
  static xen_ulong_t Bit(evtchn_port_t p) { return xen_ulong_t{1} << (p % kBits); }
  void RaiseIfSelector(evtchn_port_t port) {
    std::atomic_ref<xen_ulong_t> sel(shared->vcpu_info[0].evtchn_pending_sel);
    const xen_ulong_t sel_bit = xen_ulong_t{1} << (port / kBits);
    if (sel.fetch_or(sel_bit) & sel_bit) return;
    if (std::atomic_ref<uint8_t>(shared->vcpu_info[0].evtchn_upcall_pending).exchange(1) == 0) {
      ppi_asserted = true;
      ++ppi_raised;
    }
  }
  // evtchn_2l_set_pending.
  void XenSetPending(evtchn_port_t port) {
    if (Pending(port).fetch_or(Bit(port)) & Bit(port)) return;
    if (Mask(port).load() & Bit(port)) return;
    RaiseIfSelector(port);
  }
  // evtchn_2l_unmask.
  void XenUnmask(evtchn_port_t port) {
    if (!(Mask(port).fetch_and(~Bit(port)) & Bit(port))) return;
    if (!(Pending(port).load() & Bit(port))) return;
    RaiseIfSelector(port);
  }

  // dom0 (libtandem) sends on its end of the channel: Xen marks our port pending.
  void Dom0Send() {
    ++from_dom0;
    XenSetPending(kChannelPort);
  }

  // The CPU takes the event-channel PPI: the category 2 ISR runs HandleUpcall.
  bool TakeInterrupt() {
    if (!ppi_asserted) return false;
    ppi_asserted = false;
    ++interrupts_taken;
    events.HandleUpcall();
    return true;
  }

  // The ISR's signal to the server task.
  static void Signal(void* self) { ++static_cast<XenWorld*>(self)->signals; }
  TaskSignal AsSignal() { return TaskSignal{&XenWorld::Signal, this}; }

  grant_entry_v1_t& Entry(grant_ref_t ref) {
    return reinterpret_cast<grant_entry_v1_t*>(grant_frame.get())[ref];
  }

  std::unique_ptr<shared_info, PageDeleter<shared_info>> shared_page = AllocPage<shared_info>();
  shared_info* shared = shared_page.get();
  std::unique_ptr<uint8_t, PageDeleter<uint8_t>> grant_frame = AllocPage<uint8_t>();
  FakeHypervisor hv;
  xen::EventChannels events{hv, shared};
  xen::GrantTable grants;

  uint64_t store_pfn = 0;  // HVM_PARAM_STORE_PFN: 0 = no XenStore yet
  bool alloc_fails = false;
  domid_t alloc_remote = 0xFFFF;
  bool ppi_asserted = false;
  int ppi_raised = 0;
  int interrupts_taken = 0;
  int signals = 0;
  int unmask_hypercalls = 0;
  int from_dom0 = 0;
  int to_dom0 = 0;
  int to_xenstored = 0;
  std::vector<evtchn_port_t> closed;
  Client* linux_client = nullptr;
  // Runs when the RTOS notifies dom0 (Linux reacting on its own CPU, mid-drain).
  std::function<void()> on_dom0_notified;
};

}  // namespace tandem::channel::testing

#endif  // TANDEM_TESTS_UNIT_CHANNEL_XEN_XEN_WORLD_H_
