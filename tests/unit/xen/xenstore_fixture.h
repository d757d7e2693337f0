// XenStoreTest: a real XenStoreConnection and XenStoreClient against FakeXenstored on one
// thread: each wait of the client lets the fake serve once.
#ifndef TANDEM_TESTS_UNIT_XEN_XENSTORE_FIXTURE_H_
#define TANDEM_TESTS_UNIT_XEN_XENSTORE_FIXTURE_H_

#include <gtest/gtest.h>

#include <functional>
#include <memory>

#include "fake_xenstored.h"
#include "tandem/xen/xenstore_client.h"

namespace tandem::xen::testing {

// The Waiter used on one thread: each wait lets the fake xenstored run once; it gives up after
// `budget` waits (the timeout).
struct StepWaiter {
  FakeXenstored* xs = nullptr;
  int budget = 10000;
  int waits = 0;
  bool serve = true;
  std::function<void()> on_wait;
  static bool Wait(void* self) {
    auto* w = static_cast<StepWaiter*>(self);
    if (w->on_wait) w->on_wait();
    if (++w->waits > w->budget) return false;
    if (w->serve) w->xs->Step();
    return true;
  }
  Waiter AsWaiter() { return Waiter{&StepWaiter::Wait, this}; }
};

class XenStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(0); }
  void Start(uint32_t initial_index) {
    ring_ = std::make_unique<xenstore_domain_interface>();
    ring_->req_cons = ring_->req_prod = ring_->rsp_cons = ring_->rsp_prod = initial_index;
    xs_ = std::make_unique<FakeXenstored>(ring_.get());
    waiter_ = StepWaiter{};
    waiter_.xs = xs_.get();
    conn_ = std::make_unique<XenStoreConnection>();
    conn_->Attach(ring_.get(), Notifier{&XenStoreTest::Notify, this});
    client_ = std::make_unique<XenStoreClient>(*conn_, waiter_.AsWaiter());
  }
  static void Notify(void* self) { ++static_cast<XenStoreTest*>(self)->notifications_; }

  std::unique_ptr<xenstore_domain_interface> ring_;
  std::unique_ptr<FakeXenstored> xs_;
  StepWaiter waiter_;
  std::unique_ptr<XenStoreConnection> conn_;
  std::unique_ptr<XenStoreClient> client_;
  int notifications_ = 0;
};

}  // namespace tandem::xen::testing

#endif  // TANDEM_TESTS_UNIT_XEN_XENSTORE_FIXTURE_H_
