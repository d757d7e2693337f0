#include "tandem/xen/xenstore_bootstrap.h"

#include <gtest/gtest.h>

#include <memory>
#include <new>
#include <vector>

#include "fake_hypervisor.h"
#include "fake_xenstored.h"
#include "tandem/xen/xenstore_client.h"

namespace tandem::xen {
namespace {

using testing::Call;
using testing::FakeHypervisor;
using testing::FakeXenstored;

struct alignas(4096) StorePage {
  xenstore_domain_interface ring;
};

class XenStoreBootstrapTest : public ::testing::Test {
 protected:
  void SetUp() override {
    shared_ = new (shared_storage_) shared_info{};
    page_ = std::make_unique<StorePage>();
    hv_.set_handler([this](Call call, unsigned int cmd, void* arg, unsigned int) -> long {
      if (call == Call::kHvmOp && cmd == HVMOP_get_param) {
        auto* p = static_cast<xen_hvm_param_t*>(arg);
        if (p->index == HVM_PARAM_STORE_PFN)
          p->value = store_pfn_;
        else if (p->index == HVM_PARAM_STORE_EVTCHN)
          p->value = store_port_;
        else
          return -XEN_EINVAL;
        return 0;
      }
      if (call == Call::kEventChannelOp && cmd == EVTCHNOP_send) {
        sends_.push_back(static_cast<evtchn_send_t*>(arg)->port);
        return 0;
      }
      ADD_FAILURE() << "unexpected hypercall";
      return -XEN_ENOSYS;
    });
    channels_ = std::make_unique<EventChannels>(hv_, shared_);
    channels_->MaskAll();
  }
  static void* Map(void* self, uint64_t gfn) {
    auto* t = static_cast<XenStoreBootstrapTest*>(self);
    t->mapped_gfn_ = gfn;
    return gfn == 0x39001 ? static_cast<void*>(&t->page_->ring) : nullptr;
  }
  static void OnEvent(evtchn_port_t, void* self) {
    ++static_cast<XenStoreBootstrapTest*>(self)->events_;
  }

  alignas(64) unsigned char shared_storage_[sizeof(shared_info)];
  shared_info* shared_ = nullptr;
  std::unique_ptr<StorePage> page_;
  FakeHypervisor hv_;
  std::unique_ptr<EventChannels> channels_;
  XenStoreConnection connection_;
  uint64_t store_pfn_ = ~uint64_t{0};
  uint64_t store_port_ = 3;
  uint64_t mapped_gfn_ = 0;
  std::vector<evtchn_port_t> sends_;
  int events_ = 0;
};

TEST_F(XenStoreBootstrapTest, Dom0lessStoreAttachesWhenThePageAppears) {
  XenStoreBootstrap boot(hv_, *channels_, connection_, GfnMapper{&Map, this});
  // Boot: the port exists, the page does not (init-dom0less has not run).
  EXPECT_EQ(boot.Start(&OnEvent, this).error(), XenStatus::kNotReady);
  EXPECT_FALSE(boot.attached());
  EXPECT_EQ(boot.port(), 3u);
  EXPECT_TRUE(channels_->IsMasked(3));  // bound, left masked for the caller
  ASSERT_TRUE(channels_->Unmask(3).ok());
  EXPECT_EQ(boot.TryAttach().error(), XenStatus::kNotReady);
  // init-dom0less sets the page and signals the port: the event handler runs, and a retry
  // attaches.
  store_pfn_ = 0x39001;
  shared_->evtchn_pending[0] = 1u << 3;
  shared_->vcpu_info[0].evtchn_pending_sel = 1;
  shared_->vcpu_info[0].evtchn_upcall_pending = 1;
  channels_->HandleUpcall();
  EXPECT_EQ(events_, 1);
  ASSERT_TRUE(boot.TryAttach().ok());
  EXPECT_TRUE(boot.attached());
  EXPECT_EQ(mapped_gfn_, 0x39001u);
  ASSERT_TRUE(boot.TryAttach().ok());  // idempotent
  // The connection works and notifies xenstored through EVTCHNOP_send on the store port.
  FakeXenstored xs(&page_->ring);
  struct W {
    FakeXenstored* xs;
    static bool Wait(void* self) {
      static_cast<W*>(self)->xs->Step();
      return true;
    }
  } w{&xs};
  XenStoreClient client(connection_, Waiter{&W::Wait, &w});
  ASSERT_TRUE(client.Write("data/tandem/state", "1").ok());
  EXPECT_EQ(xs.store["data/tandem/state"], "1");
  ASSERT_FALSE(sends_.empty());
  EXPECT_EQ(sends_[0], 3u);
}

TEST_F(XenStoreBootstrapTest, XlDomainAttachesAtOnce) {
  store_pfn_ = 0x39001;
  XenStoreBootstrap boot(hv_, *channels_, connection_, GfnMapper{&Map, this});
  ASSERT_TRUE(boot.Start(&OnEvent, this).ok());
  EXPECT_TRUE(boot.attached());
}

TEST_F(XenStoreBootstrapTest, NoStorePortMeansNoXenStore) {
  store_port_ = 0;  // plain dom0less domain
  XenStoreBootstrap boot(hv_, *channels_, connection_, GfnMapper{&Map, this});
  EXPECT_EQ(boot.Start(&OnEvent, this).error(), XenStatus::kNotReady);
  EXPECT_EQ(boot.TryAttach().error(), XenStatus::kNotReady);
  store_port_ = 1u << 20;
  EXPECT_EQ(boot.Start(&OnEvent, this).error(), XenStatus::kBrokenPeer);
}

TEST_F(XenStoreBootstrapTest, UnreachablePageIsRefused) {
  store_pfn_ = 0x12345;  // the mapper does not reach it
  XenStoreBootstrap boot(hv_, *channels_, connection_, GfnMapper{&Map, this});
  EXPECT_EQ(boot.Start(&OnEvent, this).error(), XenStatus::kBadArgument);
  EXPECT_FALSE(boot.attached());
}

}  // namespace
}  // namespace tandem::xen
