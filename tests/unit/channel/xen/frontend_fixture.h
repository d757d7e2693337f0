// The fixture shared by the channel_xen tests: a XenWorld, the two channel pages, the RTOS's
// XenFrontend (with the ChannelServer task loop as RunRtos) and Linux's channel::Client on the
// other side of the same pages, plus a XenStore stack over FakeXenstored.
#ifndef TANDEM_TESTS_UNIT_CHANNEL_XEN_FRONTEND_FIXTURE_H_
#define TANDEM_TESTS_UNIT_CHANNEL_XEN_FRONTEND_FIXTURE_H_

#include <gtest/gtest.h>

#include <functional>
#include <memory>

#include "tandem/channel/boot_id.h"
#include "tandem/xen/xenstore_client.h"
#include "tandem/xen/xenstore_connection.h"
#include "xen_world.h"

namespace tandem::channel::testing {

// libtandem's EVTCHNOP_send on its end of the channel.
class Dom0Notifier final : public Notifier {
 public:
  explicit Dom0Notifier(XenWorld& world) : world_(world) {}
  void Notify() override { world_.Dom0Send(); }

 private:
  XenWorld& world_;
};

// The XenStore client's Waiter on one thread: each wait lets the fake xenstored run once.
struct StepWaiter {
  FakeXenstored* xs = nullptr;
  int waits = 0;
  int limit = 256;  // more than any test sends (8 conflicting publishes of 8 requests each)
  static bool Wait(void* self) {
    auto* w = static_cast<StepWaiter*>(self);
    if (++w->waits > w->limit) return false;
    if (w->xs != nullptr) w->xs->Step();
    return true;
  }
  xen::Waiter AsWaiter() { return xen::Waiter{&StepWaiter::Wait, this}; }
};

class FrontendFixture : public ::testing::Test {
 protected:
  // This test boot's id (tandem/channel/boot_id.h), as StartCommandServer derives it on arm64.
  static constexpr uint64_t kBootId = MakeBootId(0x1234'5678'9abc);

  static void* MapRing(void* self, uint64_t gfn) {
    auto* f = static_cast<FrontendFixture*>(self);
    f->mapped_gfns_.push_back(gfn);
    return gfn == XenWorld::kStoreGfn ? f->store_page_.get() : nullptr;
  }
  static void OnStoreEvent(evtchn_port_t, void* self) {
    ++static_cast<FrontendFixture*>(self)->store_events_;
  }

  // The server task: takes interrupts as they come, drains when signalled. Returns batches run.
  int RunRtos(int limit = 100000) {
    int batches = 0;
    for (int i = 0; i < limit; ++i) {
      if (world_.TakeInterrupt()) continue;
      if (world_.signals > signals_seen_ || more_) {
        signals_seen_ = world_.signals;
        FollowUp(frontend_.DrainOnce());
        ++batches;
        continue;
      }
      return batches;
    }
    ADD_FAILURE() << "the RTOS never went idle";
    return batches;
  }

  // As command_server_tasks.cc: come back at once for `more`, arm the throttle alarm for
  // `throttled`.
  void FollowUp(const DrainResult& r) {
    more_ = r.more;
    if (r.throttled) throttle_armed_ = true;
  }

  // A throttle period ends: the alarm (if armed) wakes the server for ThrottleCheck, then the
  // server runs until idle. Returns the server's wake-ups (the check + batches).
  int EndThrottlePeriod() {
    if (!throttle_armed_) return RunRtos();
    throttle_armed_ = false;
    FollowUp(frontend_.ThrottleCheck());
    return 1 + RunRtos();
  }

  // Linux connects (handshake through the real event path).
  void ConnectLinux() {
    ASSERT_TRUE(client_.Connect().ok());
    RunRtos();
    client_.Poll();
    ASSERT_TRUE(client_.connected()) << ClientStatusName(client_.last_error());
  }

  Response CallRtos(const Request& request) {
    auto id = client_.Submit(request);
    EXPECT_TRUE(id.ok());
    client_.Flush();
    RunRtos();
    client_.Poll();
    auto r = client_.Take(id.value());
    EXPECT_TRUE(r.ok()) << ClientStatusName(r.error());
    return r.ok() ? r.value() : Response{};
  }

  XenWorld world_;
  std::unique_ptr<RequestPage, PageDeleter<RequestPage>> req_ = AllocPage<RequestPage>();
  std::unique_ptr<ResponsePage, PageDeleter<ResponsePage>> rsp_ = AllocPage<ResponsePage>();
  XenFrontend frontend_{
      world_.grants, world_.events,
      FrontendPages{req_.get(), rsp_.get(), XenWorld::kRequestGfn, XenWorld::kResponseGfn},
      world_.AsSignal()};
  Dom0Notifier to_rtos_{world_};
  Client client_{req_.get(), rsp_.get(), to_rtos_};
  int signals_seen_ = 0;
  bool more_ = false;
  bool throttle_armed_ = false;

  // XenStore.
  std::unique_ptr<xenstore_domain_interface, PageDeleter<xenstore_domain_interface>> store_page_ =
      AllocPage<xenstore_domain_interface>();
  FakeXenstored xenstored_{store_page_.get()};
  StepWaiter waiter_{&xenstored_};
  xen::XenStoreConnection connection_;
  xen::XenStoreClient store_{connection_, waiter_.AsWaiter()};
  XenStoreLink link_{world_.hv,
                     world_.events,
                     connection_,
                     xen::GfnMapper{&FrontendFixture::MapRing, this},
                     &FrontendFixture::OnStoreEvent,
                     this};
  std::vector<uint64_t> mapped_gfns_;
  int store_events_ = 0;

  void SetUp() override { world_.linux_client = &client_; }
};

inline Request Ping(uint32_t n) { return MakeRequest(Op::kPing, n); }

// A handler that lets the test act in the middle of a drain (as dom0 would, on another CPU).
class HookHandler final : public CommandHandler {
 public:
  std::function<void()> during;
  WireStatus Handle(const Request&, Response&) override {
    if (during) during();
    return WireStatus::kOk;
  }
};

// A started frontend with Linux connected, whose application op kHookOp runs `hook_.during`.
class HookedFrontendFixture : public FrontendFixture {
 protected:
  void SetUp() override {
    FrontendFixture::SetUp();
    ASSERT_EQ(frontend_.server().RegisterAppCommand(hook_spec_, &hook_), ServerStatus::kOk);
    ASSERT_EQ(frontend_.Start(kBootId), FrontendStatus::kOk);
    ConnectLinux();
  }
  static constexpr uint16_t kHookOp = 0x8001;
  HookHandler hook_;
  const AppCommandSpec hook_spec_ = {kHookOp, "hook", 0, 0, {}, {}, 0, "runs hook_.during", ""};
};

}  // namespace tandem::channel::testing

#endif  // TANDEM_TESTS_UNIT_CHANNEL_XEN_FRONTEND_FIXTURE_H_
