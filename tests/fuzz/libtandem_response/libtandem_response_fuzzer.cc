// libFuzzer target for libtandem's reading of what the RTOS writes (linux/src/session.cc,
// discovery.cc, commands.cc over channel/src/client.cc): Linux must not trust the RTOS either.
// The RTOS is the fake of libtandem's unit tests (tests/unit/linux/fake_xen.h: an in-memory
// XenStore, grant "mappings" of its pages, a simulated clock), but its response page is written
// by the fuzz input: honest passes of the real channel Server mixed with any header word, any
// response slot and any rsp_prod, plus restarts, closes, events and domain run states.
//
// Input: [key overrides][rounds]. First a count byte and that many (key, value) pairs replace
// what the RTOS published under data/tandem. Then each round is one byte choosing what libtandem
// does: without a session, open one or run one self-contained transaction; with one, ping,
// gpio toggle, stats, a pipelined batch, wait and take, or close. Each time libtandem waits on
// the event channel, the next bytes are what the RTOS does meanwhile. When the input runs out
// the RTOS goes quiet.
//
// Checks besides ASan/UBSan: every call returns by its deadline on the simulated clock (no
// hang, whatever the page says), a hostile RTOS never produces kInternal (reserved for
// libtandem's own bugs) nor an error without a message, a taken response carries the id it was
// submitted with, and a closed session leaves nothing mapped, bound or claimed.
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <memory>
#include <string>
#include <vector>

#include "fake_xen.h"
#include "fuzz_input.h"
#include "libtandem/commands.h"
#include "libtandem/session.h"
#include "tandem/channel/shared_access.h"
#include "tandem/channel/xenstore_keys.h"

namespace {

using libtandem::DomainRunState;
using libtandem::Errc;
using libtandem::Session;
using libtandem::testing::FakeRtos;
using libtandem::testing::FakeXen;
using tandem::channel::Response;

constexpr uint32_t kDomid = 3;
constexpr uint64_t kMs = 1'000'000;
constexpr uint64_t kTimeout = 200 * kMs;
// A wait woken by an event advances the fake clock by 1 us, so a call may end that much past
// its deadline.
constexpr uint64_t kSlack = 1'000;

using Input = tandem::fuzz::FuzzInput;

// What the RTOS does while Linux waits: a few actions per wait.
class HostileRtos {
 public:
  HostileRtos(FakeXen& xen, FakeRtos& rtos, Input& in) : xen_(xen), rtos_(rtos), in_(in) {}

  void Turn() {
    if (in_.empty()) return;
    const int actions = 1 + in_.Byte() % 4;
    for (int i = 0; i < actions && !in_.empty(); ++i) Act(in_.Byte());
  }

 private:
  tandem::channel::ResponsePage* page() { return rtos_.response_page; }

  void Act(uint8_t action) {
    using tandem::channel::StoreRelease;
    switch (action % 9) {
      case 0:
      case 1:  // the real server makes a pass (answers, handshakes; notifies if it should)
        rtos_.server->Poll();
        break;
      case 2: {  // any word of the header
        auto* words = reinterpret_cast<uint32_t*>(&page()->header);
        const uint8_t index = in_.Byte() % (sizeof(page()->header) / 4);
        StoreRelease(&words[index], in_.Word());
        break;
      }
      case 3: {  // a response in any slot, built on the request in the same slot
        const uint8_t index = in_.Byte() % tandem::channel::kSlotCount;
        const auto request =
            tandem::channel::CopyOut<tandem::channel::Request>(&rtos_.request_page->ring[index]);
        Response r{};
        const uint8_t how = in_.Byte();
        r.id = how & 1 ? request.id : request.id + static_cast<int8_t>(in_.Byte());
        r.op = how & 2 ? request.op : static_cast<uint16_t>(in_.Word());
        r.status = how & 4 ? 0 : in_.Byte() % 12;
        if (how & 8) {
          memcpy(r.result, request.arg, sizeof(r.result));
        } else {
          for (uint32_t& w : r.result) w = in_.Word();
        }
        r.payload_len = how & 16 ? request.payload_len : in_.Byte();
        const std::string payload = in_.Bytes(in_.Byte() % (tandem::channel::kMaxPayload + 1));
        memcpy(r.payload, payload.data(), payload.size());
        tandem::channel::CopyIn(&page()->ring[index], r);
        break;
      }
      case 4: {  // rsp_prod: a step from where it is, or anything
        const uint8_t d = in_.Byte();
        const uint32_t prod = tandem::channel::LoadRelaxed(&page()->header.rsp_prod);
        StoreRelease(&page()->header.rsp_prod,
                     d == 0xFF ? in_.Word() : prod + static_cast<int8_t>(d));
        break;
      }
      case 5:  // an event for Linux, whether or not anything changed
        xen_.RaiseFromRtos(kDomid, FakeRtos::kRemotePort);
        break;
      case 6: {  // the domain's run state (xl pause, shutdown, destroy...)
        static constexpr DomainRunState kStates[] = {
            DomainRunState::kRunning, DomainRunState::kPaused, DomainRunState::kShutdown,
            DomainRunState::kDying, DomainRunState::kAbsent};
        xen_.run_state[kDomid] = kStates[in_.Byte() % 5];
        break;
      }
      case 7:  // the RTOS re-initialises its channel (a new generation), or restarts (a new boot)
        (void)rtos_.server->Init(rtos_.server->boot_id() + (in_.Byte() & 1));
        break;
      default:  // the RTOS shuts its channel down
        rtos_.server->Close();
        break;
    }
  }

  FakeXen& xen_;
  FakeRtos& rtos_;
  Input& in_;
};

void CheckError(const libtandem::Error& e) {
  if (e.code == Errc::kOk || e.code == Errc::kInternal || e.message.empty()) abort();
}
template <typename T>
void Check(const libtandem::Result<T>& r) {
  if (!r.ok()) CheckError(r.error());
}

// Runs `call`, which may take up to `calls` waits of kTimeout, and checks it ended in time.
template <typename Call>
void Timed(FakeXen& xen, uint64_t calls, Call call) {
  const uint64_t start = xen.now_ns;
  call();
  if (xen.now_ns - start > calls * (kTimeout + kSlack)) abort();
}

void OverrideKeys(FakeXen& xen, Input& in) {
  namespace keys = tandem::channel::keys;
  static constexpr const char* kKeys[] = {
      keys::kVersionPath.c_str(),     keys::kRequestRefPath.c_str(),
      keys::kResponseRefPath.c_str(), keys::kEventChannelPath.c_str(),
      keys::kStatePath.c_str(),       "name"};
  const std::string base = "/local/domain/" + std::to_string(kDomid) + "/";
  for (int n = in.Byte() % 4; n > 0; --n) {
    const char* key = kKeys[in.Byte() % 6];
    const uint8_t len = in.Byte();
    if (len == 0xFF) {
      xen.store.erase(base + key);
    } else {
      xen.store[base + key] = in.Bytes(len % 24);
    }
  }
}

void CheckReleased(FakeXen& xen) {
  if (!xen.mapped.empty() || !xen.bound.empty()) abort();
  if (xen.store.count(libtandem::BackendPath(kDomid) + "/owner") != 0) abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in{data, size};
  FakeXen xen;
  FakeRtos rtos(xen, kDomid, "tandem-rt");
  rtos.Publish();
  rtos.responsive = false;  // the RTOS runs only when the input says so
  OverrideKeys(xen, in);
  HostileRtos hostile(xen, rtos, in);
  xen.on_wait = [&hostile] { hostile.Turn(); };

  std::unique_ptr<Session> session;
  std::vector<uint64_t> submitted;
  auto close = [&] {
    session.reset();  // Close()
    submitted.clear();
    CheckReleased(xen);
  };
  while (!in.empty()) {
    const uint8_t op = in.Byte();
    if (!session) {
      if (op % 2 == 0) {
        Timed(xen, 1, [&] {
          auto s = Session::Open(xen, kDomid, kTimeout);
          Check(s);
          if (s.ok()) session = std::move(s.value());
        });
      } else {  // the seed's one-shot mode: open, one command, close
        Timed(xen, 1, [&] {
          tandem::channel::Request r{};
          r.op = static_cast<uint16_t>(tandem::channel::Op::kGpioGet);
          Check(libtandem::Transact(xen, kDomid, r, kTimeout));
        });
      }
      if (!session) CheckReleased(xen);  // a failed open leaves nothing behind either
      continue;
    }
    libtandem::SessionPort port(*session);
    switch (op % 7) {
      case 0:
        Timed(xen, 1, [&] { Check(libtandem::Ping(port, kTimeout)); });
        break;
      case 1:
        Timed(xen, 1, [&] {
          auto level = libtandem::GpioToggle(port, 2, kTimeout);
          Check(level);
          if (level.ok() && level.value() > 1) abort();  // Level() lets only 0 and 1 through
        });
        break;
      case 2:
        Timed(xen, 256, [&] {
          auto stats = libtandem::GetTaskStats(port, kTimeout, libtandem::StatsMode::kRead);
          Check(stats);
          if (stats.ok() && (stats.value().empty() || stats.value().size() > 256)) abort();
        });
        break;
      case 3: {  // a pipelined batch
        for (int n = 1 + in.Byte() % 4; n > 0; --n) {
          tandem::channel::Request r{};
          r.op = static_cast<uint16_t>(tandem::channel::Op::kGpioGet);
          auto id = session->Submit(r);
          Check(id);
          if (id.ok()) submitted.push_back(id.value());
        }
        session->Flush();
        if (session->in_flight() > tandem::channel::kSlotCount) abort();
        break;
      }
      case 4:
        Timed(xen, 1, [&] { Check(session->WaitProgress(xen.NowNs() + kTimeout)); });
        [[fallthrough]];
      case 5:
        for (size_t i = 0; i < submitted.size();) {
          auto r = session->TryTake(submitted[i]);
          Check(r);
          if (r.ok() && !r.value()) {
            ++i;  // pending
            continue;
          }
          if (r.ok() && r.value()->id != submitted[i]) abort();
          submitted.erase(submitted.begin() + static_cast<ptrdiff_t>(i));
        }
        break;
      default:
        (void)session->ReadRtosCounters();
        close();
        break;
    }
  }
  close();
  return 0;
}
