// libFuzzer target for the RTOS's reading of the XenStore ring (xen/src/xenstore_connection.cc,
// xenstore_client.cc, xenstore_status.cc, and PvControl's reading of control/shutdown): a hostile
// xenstored, scripted by the fuzz input, answers the real XenStoreClient through a real
// struct xenstore_domain_interface page.
//
// Input: a sequence of rounds. Each round starts with one byte choosing the client call the
// RTOS makes; every time that call waits for xenstored, the next bytes say what xenstored does
// in that turn (answer the request with a fuzzed type and payload, write raw bytes into the
// stream, send a watch event, lie in the shared indices and the connection word, or be too slow
// for the client's wait). When the input runs out the waiter gives up, as the real one does at
// its timeout.
//
// Besides ASan/UBSan (the page and every buffer handed to the client are exactly sized heap
// blocks), the checks below hold the client to its header's promises.
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <atomic>
#include <deque>
#include <memory>
#include <string>

#include "fuzz_input.h"
#include "tandem/xen/abi.h"
#include "tandem/xen/pv_control.h"
#include "tandem/xen/xenstore_client.h"
#include "tandem/xen/xenstore_connection.h"

namespace {

using tandem::xen::PvControl;
using tandem::xen::ShutdownRequest;
using tandem::xen::XenStoreClient;
using tandem::xen::XenStoreConnection;
using tandem::xen::XsPermission;
using tandem::xen::XsStatus;
using tandem::xen::XsWatchEvent;

using Input = tandem::fuzz::FuzzInput;

// The dom0 end. Its own indices are kept privately (an honest turn publishes them); a lying turn
// writes any value into the page without changing them.
class HostileXenstored {
 public:
  HostileXenstored(xenstore_domain_interface* ring, Input& in) : ring_(ring), in_(in) {}

  // One turn of xenstored: false when the client's wait times out, which it does when the input
  // is used up or says so (then what xenstored wrote in this turn is a late reply).
  bool Turn() {
    if (in_.empty()) return false;
    TakeRequests();
    timed_out_ = false;
    const int actions = 1 + in_.Byte() % 4;
    for (int i = 0; i < actions && !in_.empty(); ++i) Act(in_.Byte());
    PutReplies();
    return !timed_out_;
  }

  static bool Wait(void* self) { return static_cast<HostileXenstored*>(self)->Turn(); }

  // The guest re-attached: like xenstored after a ring reconnection, start from its indices
  // and publish honest ones.
  void Reset() {
    req_cons_ = Load(ring_->req_prod);
    Store(ring_->req_cons, req_cons_);
    Store(ring_->rsp_prod, rsp_prod_);
    in_req_.clear();
    requests_.clear();
  }

 private:
  void Act(uint8_t action) {
    switch (action % 8) {
      case 0:
      case 1: {  // answer the oldest request: its id, a fuzzed type (often its own) and payload
        xsd_sockmsg h{};
        if (!requests_.empty()) {
          h = requests_.front();
          requests_.pop_front();
        }
        const uint8_t type = in_.Byte();
        if (type < 0x80) h.type = type % (XS_TYPE_COUNT + 1);
        const size_t len = in_.Byte();
        const std::string payload = in_.Bytes(len);
        h.len = static_cast<uint32_t>(payload.size());
        Append(h, payload);
        break;
      }
      case 2: {  // a watch event, "path\0token\0" or anything else
        xsd_sockmsg h{};
        h.type = XS_WATCH_EVENT;
        const std::string payload = in_.Bytes(in_.Byte());
        h.len = static_cast<uint32_t>(payload.size());
        Append(h, payload);
        break;
      }
      case 3:  // raw bytes into the stream: headers of any length, half messages
        out_ += in_.Bytes(in_.Byte());
        break;
      case 4:  // a lying rsp_prod
        Store(ring_->rsp_prod, rsp_prod_ + Delta());
        honest_ = false;
        break;
      case 5:  // a lying req_cons
        Store(ring_->req_cons, req_cons_ + Delta());
        honest_ = false;
        break;
      case 6:  // the connection word: XENSTORE_CONNECTED, XENSTORE_RECONNECT or noise
        Store(ring_->connection, in_.Byte() % 3 == 0 ? in_.Word() : in_.Byte() % 2);
        break;
      default:  // xenstored is too slow: the client's wait gives up
        timed_out_ = true;
        break;
    }
  }

  // Small steps around the honest index, and now and then anything at all.
  uint32_t Delta() {
    const uint8_t d = in_.Byte();
    return d == 0xFF ? in_.Word() : static_cast<uint32_t>(static_cast<int8_t>(d)) * 16;
  }

  static void Store(uint32_t& field, uint32_t value) {
    std::atomic_ref<uint32_t>(field).store(value, std::memory_order_release);
  }
  static uint32_t Load(uint32_t& field) {
    return std::atomic_ref<uint32_t>(field).load(std::memory_order_acquire);
  }

  void Append(const xsd_sockmsg& h, const std::string& payload) {
    out_.append(reinterpret_cast<const char*>(&h), sizeof(h));
    out_ += payload;
  }

  // Reads what the guest wrote. While the indices were never lied about, the guest must keep
  // its ring and its messages well-formed; after a lie it may have been misled into overwriting
  // unread bytes, and the stream is taken up again from its current index.
  void TakeRequests() {
    const uint32_t prod = Load(ring_->req_prod);
    uint32_t n = prod - req_cons_;
    if (n > XENSTORE_RING_SIZE) {
      if (honest_) abort();  // the guest overran its ring by itself
      Reset();
      return;
    }
    if (n == 0) return;  // a lying req_cons stays until there is something to consume
    for (; n > 0; --n, ++req_cons_) in_req_ += ring_->req[MASK_XENSTORE_IDX(req_cons_)];
    Store(ring_->req_cons, req_cons_);
    while (in_req_.size() >= sizeof(xsd_sockmsg)) {
      xsd_sockmsg h;
      memcpy(&h, in_req_.data(), sizeof(h));
      if (h.len > XENSTORE_PAYLOAD_MAX) {
        if (honest_) abort();  // the guest sent an oversized request
        Reset();
        return;
      }
      if (in_req_.size() < sizeof(h) + h.len) break;
      in_req_.erase(0, sizeof(h) + h.len);
      requests_.push_back(h);
    }
  }

  void PutReplies() {
    const uint32_t cons = Load(ring_->rsp_cons);
    uint32_t used = rsp_prod_ - cons;
    if (used > XENSTORE_RING_SIZE) {
      if (honest_) abort();  // the guest consumed more than was produced
      rsp_prod_ = cons;      // it believed a lying rsp_prod: go on from where it is
      used = 0;
    }
    size_t put = 0;
    for (; put < out_.size() && used < XENSTORE_RING_SIZE; ++put, ++used, ++rsp_prod_) {
      ring_->rsp[MASK_XENSTORE_IDX(rsp_prod_)] = out_[put];
    }
    out_.erase(0, put);
    if (put != 0) Store(ring_->rsp_prod, rsp_prod_);  // else a lying rsp_prod stays
  }

  xenstore_domain_interface* ring_;
  Input& in_;
  uint32_t req_cons_ = 0;
  uint32_t rsp_prod_ = 0;
  bool honest_ = true;  // no lying index written yet
  bool timed_out_ = false;
  std::string in_req_;
  std::deque<xsd_sockmsg> requests_;
  std::string out_;
};

// A caller's buffer of a fuzzed size, exactly allocated so ASan sees any write past it.
std::unique_ptr<char[]> Buffer(size_t size) { return std::make_unique<char[]>(size); }

void CheckWatchEvents(XenStoreConnection& conn) {
  XsWatchEvent e;
  while (conn.PopWatchEvent(&e)) {
    // Both strings end inside their arrays.
    if (strnlen(e.path, XsWatchEvent::kMaxPath) == XsWatchEvent::kMaxPath) abort();
    if (strnlen(e.token, XsWatchEvent::kMaxToken) == XsWatchEvent::kMaxToken) abort();
  }
}

void Notify(void*) {}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in{data, size};
  auto ring = std::make_unique<xenstore_domain_interface>();
  memset(ring.get(), 0, sizeof(*ring));
  ring->connection = XENSTORE_CONNECTED;
  HostileXenstored xenstored(ring.get(), in);
  XenStoreConnection conn;
  conn.Attach(ring.get(), tandem::xen::Notifier{&Notify, nullptr});
  XenStoreClient client(conn, tandem::xen::Waiter{&HostileXenstored::Wait, &xenstored});
  PvControl control(client);

  while (!in.empty()) {
    const bool was_broken = conn.broken();
    XsStatus status = XsStatus::kOk;
    auto note = [&status](auto result) {
      if (!result.ok()) status = result.error();
      return result;
    };
    switch (in.Byte() % 14) {
      case 0: {
        const size_t cap = in.Byte() % 40;
        auto out = Buffer(cap);
        auto r = note(client.Read("data/tandem/state", out.get(), cap));
        // "The value into `out` (NUL added); returns its length."
        if (r.ok() && (r.value() >= cap || out[r.value()] != '\0')) abort();
        break;
      }
      case 1: {
        const size_t cap = in.Byte() % 40;
        auto out = Buffer(cap);
        auto r = note(client.Directory("data/tandem", out.get(), cap));
        if (r.ok() && r.value() > cap) abort();  // each name ends in its own NUL
        break;
      }
      case 2: {
        auto r = note(client.TransactionStart());
        if (r.ok() && r.value() == 0) abort();  // 0 means "no transaction"
        break;
      }
      case 3:
        (void)note(client.Write("data/tandem/state", "4"));
        break;
      case 4:
        (void)note(client.Watch("data/tandem", "tandem/keys"));
        break;
      case 5: {
        const uint32_t tx = 1 + in.Byte() % 2;
        const bool commit = in.Byte() % 2 == 0;
        (void)note(client.TransactionEnd(tx, commit));
        break;
      }
      case 6: {
        auto r = note(control.Check());
        if (r.ok() && ShutdownRequestName(r.value()) == nullptr) abort();
        break;
      }
      case 7:
        (void)note(conn.Poll());
        break;
      case 8: {
        const XsPermission perms[] = {{XsPermission::Access::kNone, 5},
                                      {XsPermission::Access::kRead, 0}};
        (void)note(client.SetPermissions("data/tandem", perms, 1 + in.Byte() % 2));
        break;
      }
      case 9:
        // The RTOS re-attaches after xenstored reconnected the ring: fresh state, same page.
        conn.Attach(ring.get(), tandem::xen::Notifier{&Notify, nullptr});
        xenstored.Reset();
        break;
      case 10:
        (void)note(client.Mkdir("data/tandem"));
        break;
      case 11:
        (void)note(client.Remove("data/tandem"));
        break;
      case 12:
        (void)note(client.Unwatch("data/tandem", "tandem/keys"));
        break;
      default:
        // Two watches (control/shutdown, control/sysrq) and two writes; once started, Start()
        // touches nothing, so it says nothing about a broken ring either.
        if (control.started()) continue;
        (void)note(control.Start());
        break;
    }
    // A broken ring stays broken ("the connection stops for good") until re-attached.
    if (was_broken && conn.broken() && status != XsStatus::kBrokenPeer) abort();
    if (XsStatusName(status) == nullptr) abort();
    CheckWatchEvents(conn);
  }
  return 0;
}
