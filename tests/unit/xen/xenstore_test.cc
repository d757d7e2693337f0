#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <random>
#include <string>
#include <thread>

#include "fake_hypervisor.h"
#include "fake_xenstored.h"
#include "tandem/xen/xenstore_client.h"
#include "xenstore_fixture.h"

namespace tandem::xen {
namespace {

using testing::Call;
using testing::FakeHypervisor;
using testing::FakeXenstored;

using testing::StepWaiter;
using testing::XenStoreTest;

TEST_F(XenStoreTest, WriteThenReadBack) {
  ASSERT_TRUE(client_->Write("data/tandem/version", "1").ok());
  EXPECT_EQ(xs_->store["data/tandem/version"], "1");
  char buf[16];
  auto n = client_->Read("data/tandem/version", buf, sizeof(buf));
  ASSERT_TRUE(n.ok()) << XsStatusName(n.error());
  EXPECT_EQ(n.value(), 1u);
  EXPECT_STREQ(buf, "1");
  EXPECT_GT(notifications_, 0);
  // The wire format of a write: path NUL value, no NUL after the value (xenstore.txt).
  const auto& w = xs_->requests[0];
  EXPECT_EQ(w.header.type, static_cast<uint32_t>(XS_WRITE));
  EXPECT_EQ(w.payload, std::string("data/tandem/version\0"
                                   "1",
                                   21));
  EXPECT_NE(xs_->requests[0].header.req_id, xs_->requests[1].header.req_id);
}

TEST_F(XenStoreTest, ErrorsBecomeTypedStatus) {
  char buf[16];
  EXPECT_EQ(client_->Read("missing", buf, sizeof(buf)).error(), XsStatus::kNoEntry);
  xs_->store["big"] = std::string(16, 'x');
  EXPECT_EQ(client_->Read("big", buf, sizeof(buf)).error(), XsStatus::kBufferTooSmall);
  const char* names[] = {"EACCES", "EPERM", "EAGAIN", "EINVAL", "E2BIG", "EWHAT"};
  const XsStatus want[] = {XsStatus::kAccess,  XsStatus::kPermission, XsStatus::kAgain,
                           XsStatus::kInvalid, XsStatus::kTooBig,     XsStatus::kUnknownError};
  for (int i = 0; i < 6; ++i) {
    xs_->override = [&, i](FakeXenstored& x, const FakeXenstored::Request& r) {
      x.Reply(r.header, XS_ERROR, std::string(names[i]) + '\0');
      return true;
    };
    EXPECT_EQ(client_->Write("a", "b").error(), want[i]) << names[i];
  }
}

TEST_F(XenStoreTest, ReplyOfTheWrongTypeOrContentIsRejected) {
  xs_->override = [](FakeXenstored& x, const FakeXenstored::Request& r) {
    x.Reply(r.header, XS_DIRECTORY, std::string("OK", 3));
    return true;
  };
  EXPECT_EQ(client_->Write("a", "b").error(), XsStatus::kBadReply);
  xs_->override = [](FakeXenstored& x, const FakeXenstored::Request& r) {
    x.Reply(r.header, r.header.type, "KO");
    return true;
  };
  EXPECT_EQ(client_->Write("a", "b").error(), XsStatus::kBadReply);
  xs_->override = [](FakeXenstored& x, const FakeXenstored::Request& r) {
    x.Reply(r.header, r.header.type, std::string("12x\0", 4));
    return true;
  };
  EXPECT_EQ(client_->TransactionStart().error(), XsStatus::kBadReply);
  xs_->override = [](FakeXenstored& x, const FakeXenstored::Request& r) {
    x.Reply(r.header, r.header.type, std::string("0\0", 2));
    return true;
  };
  EXPECT_EQ(client_->TransactionStart().error(), XsStatus::kBadReply);
  xs_->override = [](FakeXenstored& x, const FakeXenstored::Request& r) {
    x.Reply(r.header, r.header.type, "a\0b");  // last name unterminated
    return true;
  };
  char buf[16];
  EXPECT_EQ(client_->Directory("d", buf, sizeof(buf)).error(), XsStatus::kBadReply);
}

TEST_F(XenStoreTest, DirectoryMkdirRemove) {
  ASSERT_TRUE(client_->Mkdir("data/tandem").ok());
  ASSERT_TRUE(client_->Write("data/tandem/version", "1").ok());
  ASSERT_TRUE(client_->Write("data/tandem/ring-ref", "8").ok());
  ASSERT_TRUE(client_->Write("data/tandem/event-channel", "5").ok());
  char buf[128];
  auto n = client_->Directory("data/tandem", buf, sizeof(buf));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n.value(), 3u);
  EXPECT_EQ(std::string(buf, 32), std::string("event-channel\0ring-ref\0version\0", 31) + '\0');
  char small[8];
  EXPECT_EQ(client_->Directory("data/tandem", small, sizeof(small)).error(),
            XsStatus::kBufferTooSmall);
  ASSERT_TRUE(client_->Remove("data/tandem").ok());
  auto empty = client_->Directory("data/tandem", buf, sizeof(buf));
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty.value(), 0u);
}

TEST_F(XenStoreTest, SetPermissionsSendsThePermissionList) {
  ASSERT_TRUE(client_->Write("data/tandem", "").ok());
  const XsPermission perms[] = {{XsPermission::Access::kNone, 7}, {XsPermission::Access::kRead, 0}};
  ASSERT_TRUE(client_->SetPermissions("data/tandem", perms, 2).ok());
  EXPECT_EQ(xs_->perms["data/tandem"], (std::vector<std::string>{"n7", "r0"}));
  EXPECT_EQ(xs_->requests.back().payload, std::string("data/tandem\0n7\0r0\0", 18));
  const XsPermission bad[] = {{static_cast<XsPermission::Access>('x'), 0}};
  const size_t sent = xs_->requests.size();
  EXPECT_EQ(client_->SetPermissions("data/tandem", bad, 1).error(), XsStatus::kInvalid);
  EXPECT_EQ(client_->SetPermissions("data/tandem", perms, 0).error(), XsStatus::kInvalid);
  EXPECT_EQ(xs_->requests.size(), sent);  // refused before anything went out
  EXPECT_EQ(client_->SetPermissions("nope", perms, 2).error(), XsStatus::kNoEntry);
}

TEST_F(XenStoreTest, TransactionsCarryTheirIdAndReportConflicts) {
  auto tx = client_->TransactionStart();
  ASSERT_TRUE(tx.ok());
  EXPECT_EQ(tx.value(), 1u);
  ASSERT_TRUE(client_->Write("data/tandem/state", "1", tx.value()).ok());
  EXPECT_EQ(xs_->requests.back().header.tx_id, tx.value());
  ASSERT_TRUE(client_->TransactionEnd(tx.value(), true).ok());
  EXPECT_EQ(xs_->requests.back().payload, std::string("T\0", 2));
  EXPECT_EQ(xs_->requests.back().header.tx_id, tx.value());
  xs_->transaction_end_eagain = 1;
  auto tx2 = client_->TransactionStart();
  ASSERT_TRUE(tx2.ok());
  EXPECT_EQ(tx2.value(), 2u);
  EXPECT_EQ(client_->TransactionEnd(tx2.value(), true).error(), XsStatus::kAgain);
  ASSERT_TRUE(client_->TransactionEnd(3, false).ok());
  EXPECT_EQ(xs_->requests.back().payload, std::string("F\0", 2));
  EXPECT_EQ(client_->TransactionEnd(0, true).error(), XsStatus::kInvalid);
}

TEST_F(XenStoreTest, WatchEventsAreParsedAndQueued) {
  ASSERT_TRUE(client_->Watch("backend/tandem", "tok1").ok());
  EXPECT_EQ(xs_->requests.back().payload, std::string("backend/tandem\0tok1\0", 20));
  // The registration event arrives right after the OK.
  ASSERT_TRUE(conn_->Poll().ok());
  xs_->Step();
  ASSERT_TRUE(conn_->Poll().ok());
  XsWatchEvent e;
  ASSERT_TRUE(conn_->PopWatchEvent(&e));
  EXPECT_STREQ(e.path, "backend/tandem");
  EXPECT_STREQ(e.token, "tok1");
  // A change below the path fires it again, also while a call is in flight.
  ASSERT_TRUE(client_->Write("backend/tandem/state", "4").ok());
  ASSERT_TRUE(conn_->Poll().ok());
  xs_->Step();
  ASSERT_TRUE(conn_->Poll().ok());
  ASSERT_TRUE(conn_->PopWatchEvent(&e));
  EXPECT_STREQ(e.path, "backend/tandem/state");
  EXPECT_FALSE(conn_->PopWatchEvent(&e));
  ASSERT_TRUE(client_->Unwatch("backend/tandem", "tok1").ok());
  EXPECT_EQ(client_->Unwatch("backend/tandem", "tok1").error(), XsStatus::kNoEntry);
}

TEST_F(XenStoreTest, MalformedOrExcessWatchEventsAreDroppedAndCounted) {
  xs_->Inject([](FakeXenstored& x) {
    xsd_sockmsg h{};
    h.type = XS_WATCH_EVENT;
    h.len = 15;
    x.RawReply(h, "no-nul-anywhere");
    h.len = 8;
    x.RawReply(h, std::string("path\0tok", 8));  // token unterminated
    x.WatchEvent(std::string(300, 'p'), "t");    // path longer than kMaxPath
    x.WatchEvent("p", std::string(100, 't'));    // token longer than kMaxToken
    for (int i = 0; i < 6; ++i) x.WatchEvent("q" + std::to_string(i), "t");  // queue holds 4
  });
  for (int i = 0; i < 20; ++i) {
    xs_->Step();
    ASSERT_TRUE(conn_->Poll().ok());
  }
  EXPECT_EQ(conn_->dropped_watch_events(), 4u + 2u);
  XsWatchEvent e;
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(conn_->PopWatchEvent(&e));
    EXPECT_EQ(std::string(e.path), "q" + std::to_string(i));
  }
  EXPECT_FALSE(conn_->PopWatchEvent(&e));
  ASSERT_TRUE(client_->Write("still", "works").ok());
}

TEST_F(XenStoreTest, LargeMessagesCrossTheRingAndIndicesWrap) {
  Start(0xfffffe00u);  // every index wraps through 2^32 during the test
  const std::string value(XENSTORE_PAYLOAD_MAX - 8, 'v');  // "path" NUL + value <= 4096
  ASSERT_TRUE(client_->Write("big", value.c_str()).ok());
  EXPECT_EQ(xs_->store["big"], value);
  std::string buf(XENSTORE_PAYLOAD_MAX + 1, '\0');
  auto n = client_->Read("big", buf.data(), buf.size());
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string(buf.c_str()), value);
  EXPECT_LT(ring_->req_prod, 0x1000u);  // wrapped
}

TEST_F(XenStoreTest, PartialDeliveryByteByByte) {
  xs_->max_chunk = 3;
  ASSERT_TRUE(client_->Write("data/x", "hello").ok());
  char buf[16];
  auto n = client_->Read("data/x", buf, sizeof(buf));
  ASSERT_TRUE(n.ok());
  EXPECT_STREQ(buf, "hello");
}

TEST_F(XenStoreTest, PayloadLimit) {
  const std::string fits(XENSTORE_PAYLOAD_MAX - 2, 'v');  // "p" NUL value = 4096
  ASSERT_TRUE(client_->Write("p", fits.c_str()).ok());
  const std::string over(XENSTORE_PAYLOAD_MAX - 1, 'v');
  const size_t sent = xs_->requests.size();
  EXPECT_EQ(client_->Write("p", over.c_str()).error(), XsStatus::kTooLong);
  EXPECT_EQ(xs_->requests.size(), sent);
}

TEST_F(XenStoreTest, ResponseIndexRunningAheadIsABrokenPeer) {
  ring_->rsp_prod = ring_->rsp_cons + XENSTORE_RING_SIZE + 1;
  char buf[8];
  EXPECT_EQ(client_->Read("a", buf, sizeof(buf)).error(), XsStatus::kBrokenPeer);
  EXPECT_TRUE(conn_->broken());
  ring_->rsp_prod = ring_->rsp_cons;  // "fixing" it does not make the ring trusted again
  EXPECT_EQ(client_->Read("a", buf, sizeof(buf)).error(), XsStatus::kBrokenPeer);
  EXPECT_EQ(conn_->Poll().error(), XsStatus::kBrokenPeer);
}

TEST_F(XenStoreTest, RequestConsumerBeyondProducerIsABrokenPeer) {
  ring_->req_cons = ring_->req_prod + 5;  // "consumed" bytes never produced
  EXPECT_EQ(client_->Write("a", "b").error(), XsStatus::kBrokenPeer);
}

TEST_F(XenStoreTest, OversizedMessageLengthIsABrokenPeer) {
  xs_->override = [](FakeXenstored& x, const FakeXenstored::Request& r) {
    xsd_sockmsg h = r.header;
    h.len = XENSTORE_PAYLOAD_MAX + 1;
    x.RawReply(h, "");
    return true;
  };
  EXPECT_EQ(client_->Write("a", "b").error(), XsStatus::kBrokenPeer);
}

TEST_F(XenStoreTest, ReplyWithAnotherIdIsSkipped) {
  xs_->override = [](FakeXenstored& x, const FakeXenstored::Request& r) {
    xsd_sockmsg stray = r.header;
    stray.req_id += 1000;
    x.Reply(stray, r.header.type, std::string("OK", 3));
    return false;  // then the real answer
  };
  ASSERT_TRUE(client_->Write("a", "b").ok());
  EXPECT_EQ(conn_->unexpected_replies(), 1u);
}

TEST_F(XenStoreTest, TimeoutThenTheLateReplyIsDiscarded) {
  waiter_.serve = false;
  waiter_.budget = 5;
  EXPECT_EQ(client_->Write("a", "1").error(), XsStatus::kTimeout);
  EXPECT_EQ(client_->Write("a", "2").error(), XsStatus::kBusy);  // the late reply is still due
  xs_->Step();                                                   // xenstored finally answers
  ASSERT_TRUE(conn_->Poll().ok());
  EXPECT_FALSE(conn_->in_flight());
  waiter_.serve = true;
  waiter_.budget = 1 << 20;
  ASSERT_TRUE(client_->Write("a", "3").ok());
  EXPECT_EQ(xs_->store["a"], "3");
}

TEST_F(XenStoreTest, NothingMovesUntilXenstoredConnectsTheRing) {
  ring_->connection = XENSTORE_RECONNECT;
  const uint32_t prod_before = ring_->req_prod;
  waiter_.on_wait = [this, prod_before] {
    if (waiter_.waits == 3) {
      EXPECT_EQ(ring_->req_prod, prod_before);  // no byte written while reconnecting
      ring_->connection = XENSTORE_CONNECTED;
    }
  };
  ASSERT_TRUE(client_->Write("late", "ok").ok());
  EXPECT_EQ(xs_->store["late"], "ok");
}

TEST_F(XenStoreTest, NoRingMeansNotConnected) {
  XenStoreConnection conn;
  XenStoreClient client(conn, waiter_.AsWaiter());
  EXPECT_EQ(client.Write("a", "b").error(), XsStatus::kNotConnected);
  EXPECT_EQ(conn.Poll().error(), XsStatus::kNotConnected);
}

TEST(XenStoreParamsTest, Dom0lessStorePageAppearsLater) {
  uint64_t pfn = ~uint64_t{0};  // enhanced dom0less domain before init-dom0less ran
  FakeHypervisor hv([&pfn](Call, unsigned int, void* arg, unsigned int) -> long {
    auto* p = static_cast<xen_hvm_param_t*>(arg);
    if (p->index == HVM_PARAM_STORE_PFN)
      p->value = pfn;
    else if (p->index == HVM_PARAM_STORE_EVTCHN)
      p->value = 1;
    else
      return -XEN_EINVAL;
    return 0;
  });
  EXPECT_EQ(QueryXenStore(hv).error(), XenStatus::kNotReady);
  pfn = 0;
  EXPECT_EQ(QueryXenStore(hv).error(), XenStatus::kNotReady);
  pfn = 0x40fff;  // init-dom0less set it and signalled the store port
  auto params = QueryXenStore(hv);
  ASSERT_TRUE(params.ok());
  EXPECT_EQ(params.value().ring_gfn, 0x40fffu);
  EXPECT_EQ(params.value().port, 1u);
}

TEST_F(XenStoreTest, RandomGarbageFromThePeerNeverCrashes) {
  std::mt19937 rng(99);
  int broken = 0;
  for (int round = 0; round < 300; ++round) {
    Start(rng());
    // Random bytes and, sometimes, random indices in the response ring.
    for (auto& c : ring_->rsp) c = static_cast<char>(rng());
    const uint32_t kind = rng() % 3;
    if (kind == 0) ring_->rsp_prod = rng();
    if (kind == 1) ring_->rsp_prod = ring_->rsp_cons + rng() % (XENSTORE_RING_SIZE + 1);
    if (kind == 2) ring_->req_cons = rng();
    waiter_.serve = false;
    waiter_.budget = 3;
    char buf[64];
    auto r = client_->Read("x", buf, sizeof(buf));
    EXPECT_FALSE(r.ok());  // no real xenstored answered
    broken += conn_->broken() ? 1 : 0;
    XsWatchEvent e;
    while (conn_->PopWatchEvent(&e)) {
      EXPECT_LT(std::string(e.path).size(), XsWatchEvent::kMaxPath);
    }
  }
  EXPECT_GT(broken, 0);
}

// xenstored on its own thread, as in reality: many requests, each waited for by yielding.
TEST(XenStoreThreadedTest, ConcurrentPeer) {
  auto ring = std::make_unique<xenstore_domain_interface>();
  FakeXenstored xs(ring.get());
  std::atomic<bool> stop{false};
  std::thread peer([&] {
    while (!stop.load()) {
      if (!xs.Step()) std::this_thread::yield();
    }
  });
  struct Deadline {
    std::chrono::steady_clock::time_point end;
    static bool Wait(void* self) {
      std::this_thread::yield();
      return std::chrono::steady_clock::now() < static_cast<Deadline*>(self)->end;
    }
  } deadline{std::chrono::steady_clock::now() + std::chrono::seconds(60)};
  XenStoreConnection conn;
  conn.Attach(ring.get(), Notifier{});
  XenStoreClient client(conn, Waiter{&Deadline::Wait, &deadline});
  for (int i = 0; i < 300; ++i) {
    const std::string key = "k" + std::to_string(i % 7);
    const std::string value(static_cast<size_t>(i * 13 % 1500), static_cast<char>('a' + i % 26));
    ASSERT_TRUE(client.Write(key.c_str(), value.c_str()).ok()) << i;
    std::string buf(2048, '\0');
    auto n = client.Read(key.c_str(), buf.data(), buf.size());
    ASSERT_TRUE(n.ok()) << i;
    ASSERT_EQ(std::string(buf.c_str()), value) << i;
  }
  stop.store(true);
  peer.join();
}

}  // namespace
}  // namespace tandem::xen
