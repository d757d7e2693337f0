// libFuzzer target for the RTOS side's request parsing: everything Linux can write (its header,
// its indices, the request slots) comes from the fuzzer, in rounds, against a Server that was
// properly connected first. ASan catches any out-of-bounds access; the asserts below catch a
// broken invariant (one response per consumed request, handlers only see validated arguments).
// GpioConfigure has no handler (NotSupported), a handler answering with a full payload ending
// in 0xA5 claims one byte too many (Internal), and the round's kind byte also sets Poll's
// budget, so those paths of the server are fuzzed too.
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <memory>

#include "tandem/channel/app_commands.h"
#include "tandem/channel/boot_id.h"
#include "tandem/channel/ops.h"
#include "tandem/channel/server.h"
#include "tandem/channel/shared_access.h"
#include "tandem/channel/wire.h"

namespace tandem::channel {
namespace {

// An application command with bounds (app_commands.h): the server must enforce them before the
// handler sees a request.
constexpr AppCommandSpec kAppSpec = {0x8001,         "fuzz", 2,        2,    {1, 0, 0, 0},
                                     {100, 5, 0, 0}, 16,     "fuzzed", "a b"};

struct NullNotifier : Notifier {
  void Notify() override {}
};

class CheckingHandler : public CommandHandler {
 public:
  WireStatus Handle(const Request& r, Response& rsp) override {
    const OpSpec* spec = FindOpSpec(r.op);
    if (r.flags != 0 || r.payload_len > kMaxPayload) abort();
    if (spec != nullptr) {
      for (int i = 0; i < 4; ++i) {
        if (r.arg[i] > spec->arg_max[i]) abort();
      }
      if (r.payload_len > spec->payload_max) abort();
    } else if (r.op == kAppSpec.op && ValidateAppRequest(kAppSpec, r) != WireStatus::kOk) {
      abort();
    }
    rsp.payload_len = r.payload_len;
    memcpy(rsp.payload, r.payload, r.payload_len);
    // A buggy handler: the server must not publish more than kMaxPayload bytes.
    if (r.payload_len == kMaxPayload && r.payload[kMaxPayload - 1] == 0xA5) ++rsp.payload_len;
    return WireStatus::kOk;
  }
};

struct Input {
  const uint8_t* data;
  size_t size;
  bool Take(void* out, size_t n) {
    if (size < n) return false;
    memcpy(out, data, n);
    data += n;
    size -= n;
    return true;
  }
};

}  // namespace
}  // namespace tandem::channel

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tandem::channel;
  // Exactly-sized heap pages so ASan flags any access past the ring.
  auto req = std::make_unique<RequestPage>();
  auto rsp = std::make_unique<ResponsePage>();
  NullNotifier notifier;
  CheckingHandler handler;
  Server server(req.get(), rsp.get(), notifier);
  if (server.Init(MakeBootId(1)) != ServerStatus::kOk) abort();
  for (Op op : {Op::kGpioSet, Op::kGpioGet, Op::kGpioToggle, Op::kTaskStats}) {
    (void)server.SetHandler(op, &handler);
  }
  if (server.RegisterAppCommand(kAppSpec, &handler) != ServerStatus::kOk) abort();

  // A well-behaved handshake first, so the fuzzer starts from a connected ring.
  RequestPageHeader* h = &req->header;
  StoreRelaxed(&h->magic, kRequestPageMagic);
  StoreRelaxed(&h->version, kProtocolVersion);
  StoreRelaxed(&h->generation, server.generation());
  StoreRelease(&h->session, 1u);
  StoreRelease(&h->state, static_cast<uint32_t>(ChannelState::kConnected));
  server.Poll();
  if (server.state() != ChannelState::kConnected) abort();

  // Rounds: [kind byte][payload]; kind % 4 selects what Linux overwrites before the next Poll,
  // kind >> 2 (if not 0) is that Poll's budget.
  Input in{data, size};
  uint8_t kind;
  while (in.Take(&kind, 1)) {
    switch (kind % 4) {
      case 0: {  // one slot at the producer index, then publish it
        Slot s{};
        if (!in.Take(&s, sizeof(s))) return 0;
        const uint32_t prod = LoadRelaxed(&h->req_prod);
        CopyIn(&req->ring[prod & kSlotMask], s);
        StoreRelease(&h->req_prod, prod + 1);
        break;
      }
      case 1: {  // a header word
        uint8_t index;
        uint32_t value;
        if (!in.Take(&index, 1) || !in.Take(&value, 4)) return 0;
        StoreRelease(&reinterpret_cast<uint32_t*>(h)[index % 16], value);
        break;
      }
      case 2: {  // advance req_prod by a fuzzed amount
        uint8_t step;
        if (!in.Take(&step, 1)) return 0;
        StoreRelease(&h->req_prod, LoadRelaxed(&h->req_prod) + step);
        break;
      }
      default: {  // raw bytes into any slot
        uint8_t index;
        Slot s{};
        if (!in.Take(&index, 1) || !in.Take(&s, sizeof(s))) return 0;
        CopyIn(&req->ring[index % kSlotCount], s);
        break;
      }
    }
    const uint64_t before = server.counters().requests;
    const uint32_t budget = kind >> 2 == 0 ? kSlotCount : kind >> 2;
    const PollResult r = server.Poll(budget);
    // The event ring under the same hostile page (its words are among the header words fuzzed
    // above): a post writes only its own slot; the response checks below see the rest intact.
    (void)server.events().Post(16, kind, &kind, 1, 0);
    if (server.counters().requests - before != r.handled || r.handled > budget) abort();
    for (uint32_t i = 0; i < kSlotCount; ++i) {
      if (CopyOut<Response>(&rsp->ring[i]).payload_len > kMaxPayload) abort();
    }
    if (server.state() == ChannelState::kConnected &&
        LoadRelaxed(&rsp->header.rsp_prod) != LoadRelaxed(&rsp->header.req_cons)) {
      abort();
    }
  }
  return 0;
}
