#include "tandem/xen/event_channel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <new>
#include <thread>
#include <vector>

#include "fake_hypervisor.h"

namespace tandem::xen {
namespace {

using testing::Call;
using testing::FakeHypervisor;

constexpr uint32_t kBits = EventChannels::kBitsPerWord;

// What Xen does when an event arrives on `port` (xen/common/event_2l.c, evtchn_2l_set_pending):
// set pending; if it was clear and the port is unmasked, set the selector bit and, if that was
// clear, evtchn_upcall_pending; raise the interrupt only on 0 -> 1 of the latter.
bool XenSetPending(shared_info* s, evtchn_port_t port) {
  const xen_ulong_t bit = xen_ulong_t{1} << (port % kBits);
  std::atomic_ref<xen_ulong_t> pending(s->evtchn_pending[port / kBits]);
  std::atomic_ref<xen_ulong_t> mask(s->evtchn_mask[port / kBits]);
  if (pending.fetch_or(bit) & bit) return false;
  if (mask.load() & bit) return false;
  std::atomic_ref<xen_ulong_t> sel(s->vcpu_info[0].evtchn_pending_sel);
  const xen_ulong_t sel_bit = xen_ulong_t{1} << (port / kBits);
  if (sel.fetch_or(sel_bit) & sel_bit) return false;
  return std::atomic_ref<uint8_t>(s->vcpu_info[0].evtchn_upcall_pending).exchange(1) == 0;
}

// Xen's EVTCHNOP_unmask for 2-level (evtchn_2l_unmask).
bool XenUnmask(shared_info* s, evtchn_port_t port) {
  const xen_ulong_t bit = xen_ulong_t{1} << (port % kBits);
  std::atomic_ref<xen_ulong_t> mask(s->evtchn_mask[port / kBits]);
  if (!(mask.fetch_and(~bit) & bit)) return false;
  if (!(std::atomic_ref<xen_ulong_t>(s->evtchn_pending[port / kBits]).load() & bit)) return false;
  std::atomic_ref<xen_ulong_t> sel(s->vcpu_info[0].evtchn_pending_sel);
  const xen_ulong_t sel_bit = xen_ulong_t{1} << (port / kBits);
  if (sel.fetch_or(sel_bit) & sel_bit) return false;
  return std::atomic_ref<uint8_t>(s->vcpu_info[0].evtchn_upcall_pending).exchange(1) == 0;
}

struct Log {
  std::vector<evtchn_port_t> ports;
  std::function<void(evtchn_port_t)> side_effect;
};
void Record(evtchn_port_t port, void* ctx) {
  auto* log = static_cast<Log*>(ctx);
  log->ports.push_back(port);
  if (log->side_effect) log->side_effect(port);
}

class EventChannelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    shared_ = new (aligned_) shared_info{};
    hv_.set_handler([this](Call call, unsigned int cmd, void* arg, unsigned int) -> long {
      EXPECT_EQ(call, Call::kEventChannelOp);
      switch (cmd) {
        case EVTCHNOP_alloc_unbound: {
          auto* op = static_cast<evtchn_alloc_unbound_t*>(arg);
          alloc_seen_ = *op;
          op->port = 7;
          return 0;
        }
        case EVTCHNOP_bind_interdomain:
          static_cast<evtchn_bind_interdomain_t*>(arg)->local_port = 9;
          return 0;
        case EVTCHNOP_send:
          sent_.push_back(static_cast<evtchn_send_t*>(arg)->port);
          return send_result_;
        case EVTCHNOP_unmask:
          unmasked_.push_back(static_cast<evtchn_unmask_t*>(arg)->port);
          if (XenUnmask(shared_, static_cast<evtchn_unmask_t*>(arg)->port)) ++irqs_;
          return 0;
        case EVTCHNOP_close:
          return 0;
      }
      return -XEN_ENOSYS;
    });
    channels_ = std::make_unique<EventChannels>(hv_, shared_);
  }

  alignas(64) unsigned char aligned_[sizeof(shared_info)];
  shared_info* shared_ = nullptr;
  FakeHypervisor hv_;
  std::unique_ptr<EventChannels> channels_;
  evtchn_alloc_unbound_t alloc_seen_{};
  std::vector<evtchn_port_t> sent_;
  std::vector<evtchn_port_t> unmasked_;
  long send_result_ = 0;
  int irqs_ = 0;
};

TEST_F(EventChannelTest, Hypercalls) {
  auto port = channels_->AllocUnbound(0);
  ASSERT_TRUE(port.ok());
  EXPECT_EQ(port.value(), 7u);
  EXPECT_EQ(alloc_seen_.dom, DOMID_SELF);
  EXPECT_EQ(alloc_seen_.remote_dom, 0);
  auto bound = channels_->BindInterdomain(0, 12);
  ASSERT_TRUE(bound.ok());
  EXPECT_EQ(bound.value(), 9u);
  ASSERT_TRUE(channels_->Send(7).ok());
  EXPECT_EQ(sent_, std::vector<evtchn_port_t>{7});
  send_result_ = -XEN_EINVAL;
  EXPECT_EQ(channels_->Send(7).error(), XenStatus::kInvalid);
  EXPECT_EQ(channels_->Send(EventChannels::kPorts).error(), XenStatus::kBadArgument);
  EXPECT_TRUE(channels_->Close(7).ok());
}

TEST_F(EventChannelTest, MaskBitsAreSetAndClearedInSharedInfo) {
  channels_->MaskAll();
  EXPECT_TRUE(channels_->IsMasked(0));
  EXPECT_TRUE(channels_->IsMasked(4095));
  ASSERT_TRUE(channels_->Unmask(70).ok());
  EXPECT_FALSE(channels_->IsMasked(70));
  EXPECT_EQ(shared_->evtchn_mask[1], ~(xen_ulong_t{1} << 6));
  EXPECT_TRUE(unmasked_.empty());  // nothing pending: no hypercall
  ASSERT_TRUE(channels_->Mask(70).ok());
  EXPECT_EQ(shared_->evtchn_mask[1], ~xen_ulong_t{0});
  EXPECT_EQ(channels_->Mask(4096).error(), XenStatus::kBadArgument);
  EXPECT_EQ(channels_->Unmask(4096).error(), XenStatus::kBadArgument);
  EXPECT_FALSE(channels_->IsPending(4096));
}

TEST_F(EventChannelTest, UnmaskOfAPendingPortLetsXenRaiseTheUpcall) {
  channels_->MaskAll();
  EXPECT_FALSE(XenSetPending(shared_, 5));  // masked: no upcall
  EXPECT_EQ(shared_->vcpu_info[0].evtchn_upcall_pending, 0);
  ASSERT_TRUE(channels_->Unmask(5).ok());
  EXPECT_EQ(unmasked_, std::vector<evtchn_port_t>{5});
  EXPECT_EQ(irqs_, 1);  // Xen re-raised it: the event is not lost
  EXPECT_FALSE(channels_->IsMasked(5));
  Log log;
  ASSERT_TRUE(channels_->Bind(5, Record, &log).ok());
  channels_->HandleUpcall();
  EXPECT_EQ(log.ports, std::vector<evtchn_port_t>{5});
}

TEST_F(EventChannelTest, UpcallDeliversPendingUnmaskedPortsAndClearsThem) {
  Log a, b;
  ASSERT_TRUE(channels_->Bind(3, Record, &a).ok());
  ASSERT_TRUE(channels_->Bind(200, Record, &b).ok());
  EXPECT_EQ(channels_->Bind(3, Record, &b).error(), XenStatus::kExists);
  channels_->MaskAll();
  ASSERT_TRUE(channels_->Unmask(3).ok());
  ASSERT_TRUE(channels_->Unmask(200).ok());
  ASSERT_TRUE(channels_->Unmask(64).ok());  // unbound port
  EXPECT_TRUE(XenSetPending(shared_, 3));
  XenSetPending(shared_, 200);
  XenSetPending(shared_, 64);
  XenSetPending(shared_, 9);  // masked: stays pending, not delivered
  channels_->HandleUpcall();
  EXPECT_EQ(a.ports, std::vector<evtchn_port_t>{3});
  EXPECT_EQ(b.ports, std::vector<evtchn_port_t>{200});
  EXPECT_EQ(channels_->unhandled_events(), 1u);
  EXPECT_FALSE(channels_->IsPending(3));
  EXPECT_FALSE(channels_->IsPending(200));
  EXPECT_FALSE(channels_->IsPending(64));
  EXPECT_TRUE(channels_->IsPending(9));
  EXPECT_EQ(shared_->vcpu_info[0].evtchn_upcall_pending, 0);
  EXPECT_EQ(shared_->vcpu_info[0].evtchn_pending_sel, 0u);
  // The next event raises the interrupt again (0 -> 1 of evtchn_upcall_pending).
  EXPECT_TRUE(XenSetPending(shared_, 3));
}

TEST_F(EventChannelTest, EventsArrivingDuringTheUpcallAreNotLost) {
  Log log;
  ASSERT_TRUE(channels_->Bind(1, Record, &log).ok());
  ASSERT_TRUE(channels_->Bind(130, Record, &log).ok());
  channels_->MaskAll();
  ASSERT_TRUE(channels_->Unmask(1).ok());
  ASSERT_TRUE(channels_->Unmask(130).ok());
  int raised_during = 0;
  log.side_effect = [&](evtchn_port_t port) {
    // While the handler of port 1 runs, Xen delivers port 130 and port 1 again. Because the
    // upcall flag was cleared first, Xen raises the interrupt for them...
    if (port == 1 && log.ports.size() == 1) {
      raised_during += XenSetPending(shared_, 130) ? 1 : 0;
      raised_during += XenSetPending(shared_, 1) ? 1 : 0;
    }
  };
  XenSetPending(shared_, 1);
  channels_->HandleUpcall();
  // ... and the same upcall picks them up before returning.
  EXPECT_EQ(raised_during, 1);
  // Second round: selector words in ascending order (port 1 is in word 0, port 130 in word 2).
  EXPECT_EQ(log.ports, (std::vector<evtchn_port_t>{1, 1, 130}));
  EXPECT_EQ(shared_->vcpu_info[0].evtchn_upcall_pending, 0);
}

TEST_F(EventChannelTest, HandlerTableIsBoundedAndUnbindable) {
  Log log;
  for (uint32_t i = 0; i < EventChannels::kMaxBindings; ++i) {
    ASSERT_TRUE(channels_->Bind(100 + i, Record, &log).ok());
  }
  EXPECT_EQ(channels_->Bind(999, Record, &log).error(), XenStatus::kNoSpace);
  ASSERT_TRUE(channels_->Unbind(100).ok());
  EXPECT_EQ(channels_->Unbind(100).error(), XenStatus::kNoEntry);
  ASSERT_TRUE(channels_->Bind(999, Record, &log).ok());
  EXPECT_EQ(channels_->Bind(1, nullptr, nullptr).error(), XenStatus::kBadArgument);
  EXPECT_EQ(channels_->Bind(4096, Record, &log).error(), XenStatus::kBadArgument);
}

// A "Xen" thread sends events on three ports while the guest masks and unmasks them and runs
// the upcall whenever Xen raised the interrupt. Every event sent must be delivered: Xen waits
// for each to be handled before sending the next on that port, so a lost one hangs the test
// (caught by the deadline).
void RunConcurrent(EventChannels& channels, shared_info* shared, FakeHypervisor& hv,
                   bool toggle_masks);

TEST_F(EventChannelTest, ConcurrentXenLosesNoEvent) {
  RunConcurrent(*channels_, shared_, hv_, /*toggle_masks=*/false);
}

// The same while the guest masks and unmasks the ports all the time, as the channel ISR and the
// server task do.
TEST_F(EventChannelTest, ConcurrentXenLosesNoEventWhileMasksToggle) {
  RunConcurrent(*channels_, shared_, hv_, /*toggle_masks=*/true);
}

void RunConcurrent(EventChannels& channels, shared_info* shared_, FakeHypervisor& hv_,
                   bool toggle_masks) {
  EventChannels* channels_ = &channels;
  struct Counter {
    std::atomic<uint32_t> handled[3]{};
  } counter;
  auto handler = [](evtchn_port_t port, void* ctx) {
    static_cast<Counter*>(ctx)->handled[port % 3].fetch_add(1);
  };
  const evtchn_port_t ports[3] = {3, 67, 1001};  // different selector words, distinct mod 3
  channels_->MaskAll();
  for (evtchn_port_t p : ports) {
    ASSERT_TRUE(channels_->Bind(p, handler, &counter).ok());
    ASSERT_TRUE(channels_->Unmask(p).ok());
  }
  std::atomic<int> irq{0};
  hv_.set_handler([&](Call, unsigned int cmd, void* arg, unsigned int) -> long {
    EXPECT_EQ(cmd, static_cast<unsigned>(EVTCHNOP_unmask));
    if (XenUnmask(shared_, static_cast<evtchn_unmask_t*>(arg)->port)) irq.fetch_add(1);
    return 0;
  });
  constexpr uint32_t kEvents = 3000;
  std::atomic<bool> done{false};
  std::thread xen([&] {
    for (uint32_t i = 0; i < kEvents; ++i) {
      const evtchn_port_t p = ports[i % 3];
      const uint32_t before = counter.handled[p % 3].load();
      if (XenSetPending(shared_, p)) irq.fetch_add(1);
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      while (counter.handled[p % 3].load() == before) {
        if (std::chrono::steady_clock::now() > deadline) {
          ADD_FAILURE() << "event " << i << " on port " << p << " lost";
          done.store(true);
          return;
        }
        std::this_thread::yield();
      }
    }
    done.store(true);
  });
  uint32_t toggles = 0;
  while (!done.load()) {
    if (irq.exchange(0) != 0) {
      channels_->HandleUpcall();
    } else {
      std::this_thread::yield();  // let the "Xen" thread run on a loaded machine
    }
    if (!toggle_masks) continue;
    const evtchn_port_t p = ports[toggles++ % 3];
    ASSERT_TRUE(channels_->Mask(p).ok());
    ASSERT_TRUE(channels_->Unmask(p).ok());
  }
  xen.join();
  uint32_t total = 0;
  for (auto& h : counter.handled) total += h.load();
  EXPECT_GE(total, kEvents);
}

}  // namespace
}  // namespace tandem::xen
