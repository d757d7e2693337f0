#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fake_hypervisor.h"
#include "tandem/xen/pv_console.h"
#include "tandem/xen/vpl011_console.h"

namespace tandem::xen {
namespace {

using testing::Call;
using testing::FakeHypervisor;

// Fake SBSA UART: TXFF is reported set for `busy` reads after every write.
struct FakeUart {
  std::string sent;
  int busy_after_write = 0;
  int busy = 0;
  bool stuck = false;
  std::vector<uintptr_t> bad_accesses;
};
struct FakeUartIo {
  FakeUart* uart;
  uint32_t Read32(uintptr_t offset) const {
    if (offset != 0x18) uart->bad_accesses.push_back(offset);
    if (uart->stuck) return 1u << 5;
    if (uart->busy > 0) {
      --uart->busy;
      return (1u << 5) | (1u << 3);  // TXFF, BUSY
    }
    return 1u << 4;  // RXFE only
  }
  void Write32(uintptr_t offset, uint32_t value) const {
    if (offset != 0x0) uart->bad_accesses.push_back(offset);
    EXPECT_LT(value, 256u);
    uart->sent.push_back(static_cast<char>(value));
    uart->busy = uart->busy_after_write;
  }
};

TEST(Vpl011ConsoleTest, WritesBytesWhenTheFifoHasRoomAndTranslatesNewlines) {
  FakeUart uart;
  uart.busy_after_write = 3;
  Vpl011Console<FakeUartIo> console(FakeUartIo{&uart});
  EXPECT_EQ(console.Write("ab\nc", 4), 4u);
  EXPECT_EQ(uart.sent, "ab\r\nc");
  EXPECT_TRUE(uart.bad_accesses.empty());
  EXPECT_EQ(console.dropped(), 0u);
}

TEST(Vpl011ConsoleTest, AStuckFifoDropsInsteadOfHanging) {
  FakeUart uart;
  uart.stuck = true;
  Vpl011Console<FakeUartIo> console(FakeUartIo{&uart});
  EXPECT_FALSE(console.PutChar('x'));
  EXPECT_EQ(console.Write("yz", 2), 0u);
  EXPECT_EQ(console.dropped(), 2u);
  EXPECT_TRUE(uart.sent.empty());
}

struct NotifyCount {
  int count = 0;
  static void Fn(void* self) { ++static_cast<NotifyCount*>(self)->count; }
  Notifier AsNotifier() { return Notifier{&NotifyCount::Fn, this}; }
};

class PvConsoleTest : public ::testing::Test {
 public:
  // xenconsoled's side: consume `out`.
  std::string Drain() {
    std::string got;
    while (ring_.out_cons != ring_.out_prod) {
      got.push_back(ring_.out[MASK_XENCONS_IDX(ring_.out_cons, ring_.out)]);
      ++ring_.out_cons;
    }
    return got;
  }

 protected:
  xencons_interface ring_{};
  NotifyCount notify_;
};

TEST_F(PvConsoleTest, WriteProducesIntoOutAndNotifies) {
  PvConsole console(&ring_, notify_.AsNotifier());
  auto n = console.Write("hello", 5);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n.value(), 5u);
  EXPECT_EQ(ring_.out_prod, 5u);
  EXPECT_EQ(notify_.count, 1);
  EXPECT_EQ(Drain(), "hello");
}

TEST_F(PvConsoleTest, FullRingTakesWhatFitsAndWrapsAround) {
  ring_.out_prod = ring_.out_cons = 0xfffffff0u;  // indices wrap during the test
  PvConsole console(&ring_, notify_.AsNotifier());
  std::string big(3000, 'x');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
  auto n = console.Write(big.data(), big.size());
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n.value(), sizeof(ring_.out));
  auto none = console.Write("more", 4);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none.value(), 0u);
  EXPECT_EQ(Drain(), big.substr(0, sizeof(ring_.out)));
  // WriteAll waits (here: the "backend" drains) until all is taken.
  std::string rest = big.substr(sizeof(ring_.out));
  struct Ctx {
    PvConsoleTest* t;
    std::string drained;
  } ctx{this, {}};
  Waiter wait{[](void* c) {
                auto* x = static_cast<Ctx*>(c);
                x->drained += x->t->Drain();
                return true;
              },
              &ctx};
  auto all = console.WriteAll(rest.data(), rest.size(), wait);
  ASSERT_TRUE(all.ok());
  ctx.drained += Drain();
  EXPECT_EQ(ctx.drained, rest);
}

TEST_F(PvConsoleTest, WriteAllGivesUpWhenTheWaiterDoes) {
  PvConsole console(&ring_, notify_.AsNotifier());
  std::string big(5000, 'q');
  Waiter never{[](void*) { return false; }, nullptr};
  EXPECT_EQ(console.WriteAll(big.data(), big.size(), never).error(), XenStatus::kAgain);
}

TEST_F(PvConsoleTest, ReadConsumesInput) {
  PvConsole console(&ring_, notify_.AsNotifier());
  const char* typed = "ls\n";
  for (int i = 0; i < 3; ++i) ring_.in[MASK_XENCONS_IDX(ring_.in_prod + i, ring_.in)] = typed[i];
  ring_.in_prod += 3;
  char buf[8];
  auto n = console.Read(buf, 2);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string(buf, n.value()), "ls");
  n = console.Read(buf, 8);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string(buf, n.value()), "\n");
  EXPECT_EQ(ring_.in_cons, 3u);
  n = console.Read(buf, 8);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n.value(), 0u);
}

TEST_F(PvConsoleTest, MaliciousIndicesBreakTheConsoleForGood) {
  PvConsole console(&ring_, notify_.AsNotifier());
  ring_.out_cons = 5000;  // "consumed" more than was ever produced
  EXPECT_EQ(console.Write("x", 1).error(), XenStatus::kBrokenPeer);
  ring_.out_cons = 0;
  EXPECT_EQ(console.Write("x", 1).error(), XenStatus::kBrokenPeer);  // stays broken
  xencons_interface ring2{};
  PvConsole in_console(&ring2, notify_.AsNotifier());
  ring2.in_prod = 1025;  // more than the 1 KiB `in` ring holds
  char buf[4];
  EXPECT_EQ(in_console.Read(buf, 4).error(), XenStatus::kBrokenPeer);
}

TEST_F(PvConsoleTest, OwnIndexIsNotReadBackFromSharedMemory) {
  PvConsole console(&ring_, notify_.AsNotifier());
  ASSERT_TRUE(console.Write("ab", 2).ok());
  ring_.out_prod = 1000;  // the peer scribbles over our index
  ring_.out_cons = 2;
  ASSERT_TRUE(console.Write("c", 1).ok());
  EXPECT_EQ(ring_.out_prod, 3u);
  EXPECT_EQ(ring_.out[2], 'c');
}

TEST(PvConsoleQueryTest, ReadsHvmParams) {
  uint64_t pfn = 0x40456, port = 2;
  FakeHypervisor hv([&](Call, unsigned int, void* arg, unsigned int) -> long {
    auto* p = static_cast<xen_hvm_param_t*>(arg);
    p->value = p->index == HVM_PARAM_CONSOLE_PFN ? pfn : port;
    return p->index == HVM_PARAM_CONSOLE_PFN || p->index == HVM_PARAM_CONSOLE_EVTCHN ? 0
                                                                                     : -XEN_EINVAL;
  });
  auto params = QueryPvConsole(hv);
  ASSERT_TRUE(params.ok());
  EXPECT_EQ(params.value().ring_gfn, 0x40456u);
  EXPECT_EQ(params.value().port, 2u);
  pfn = 0;
  EXPECT_EQ(QueryPvConsole(hv).error(), XenStatus::kNotReady);
  pfn = 0x40456;
  port = 1u << 20;
  EXPECT_EQ(QueryPvConsole(hv).error(), XenStatus::kBrokenPeer);
}

}  // namespace
}  // namespace tandem::xen
