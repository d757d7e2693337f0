// FakeXenstored: the dom0 end of a XenStore ring for tests, speaking xs_wire.h like xenstored
// (docs/misc/xenstore.txt) over a xenstore_domain_interface in plain memory. Step() serves what
// is in the request ring and writes replies as space allows; it can run on the test's thread
// (called from the client's Waiter) or on its own thread.
#ifndef TANDEM_TESTS_UNIT_XEN_FAKE_XENSTORED_H_
#define TANDEM_TESTS_UNIT_XEN_FAKE_XENSTORED_H_

#include <atomic>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "tandem/xen/abi.h"

namespace tandem::xen::testing {

class FakeXenstored {
 public:
  struct Request {
    xsd_sockmsg header;
    std::string payload;
  };
  // Return true to answer `request` yourself via Reply()/RawReply() (error injection).
  using Override = std::function<bool(FakeXenstored&, const Request&)>;

  explicit FakeXenstored(xenstore_domain_interface* ring) : ring_(ring) {}

  // Serves requests; returns true if any byte moved.
  bool Step() {
    std::lock_guard<std::mutex> lock(mu_);
    bool moved = false;
    std::atomic_ref<uint32_t> req_prod(ring_->req_prod), req_cons(ring_->req_cons);
    const uint32_t prod = req_prod.load(std::memory_order_acquire);
    uint32_t cons = req_cons.load(std::memory_order_relaxed);
    size_t taken = 0;
    while (cons != prod && taken < max_chunk) {
      in_.push_back(ring_->req[MASK_XENSTORE_IDX(cons)]);
      ++cons;
      ++taken;
      moved = true;
    }
    req_cons.store(cons, std::memory_order_release);
    while (in_.size() >= sizeof(xsd_sockmsg)) {
      Request r;
      std::memcpy(&r.header, in_.data(), sizeof(r.header));
      if (in_.size() < sizeof(r.header) + r.header.len) break;
      r.payload = in_.substr(sizeof(r.header), r.header.len);
      in_.erase(0, sizeof(r.header) + r.header.len);
      requests.push_back(r);
      if (!override || !override(*this, r)) Serve(r);
    }
    std::atomic_ref<uint32_t> rsp_prod(ring_->rsp_prod), rsp_cons(ring_->rsp_cons);
    uint32_t rprod = rsp_prod.load(std::memory_order_relaxed);
    const uint32_t rcons = rsp_cons.load(std::memory_order_acquire);
    size_t put = 0;
    while (!out_.empty() && rprod - rcons < XENSTORE_RING_SIZE && put < max_chunk) {
      ring_->rsp[MASK_XENSTORE_IDX(rprod)] = out_.front();
      out_.erase(0, 1);
      ++rprod;
      ++put;
      moved = true;
    }
    rsp_prod.store(rprod, std::memory_order_release);
    return moved;
  }

  void Reply(const xsd_sockmsg& request, uint32_t type, const std::string& payload) {
    xsd_sockmsg h = request;
    h.type = type;
    h.len = static_cast<uint32_t>(payload.size());
    RawReply(h, payload);
  }
  void RawReply(const xsd_sockmsg& header, const std::string& payload) {
    out_.append(reinterpret_cast<const char*>(&header), sizeof(header));
    out_ += payload;
  }
  void WatchEvent(const std::string& path, const std::string& token) {
    xsd_sockmsg h{};
    h.type = XS_WATCH_EVENT;
    const std::string payload = path + '\0' + token + '\0';
    h.len = static_cast<uint32_t>(payload.size());
    RawReply(h, payload);
  }
  void Inject(std::function<void(FakeXenstored&)> f) {
    std::lock_guard<std::mutex> lock(mu_);
    f(*this);
  }

  std::map<std::string, std::string> store;
  std::map<std::string, std::vector<std::string>> perms;
  std::vector<std::pair<std::string, std::string>> watches;
  std::vector<Request> requests;
  Override override;
  int transaction_end_eagain = 0;
  uint32_t next_tx = 1;
  size_t max_chunk = static_cast<size_t>(-1);

 private:
  static std::vector<std::string> Split(const std::string& payload) {
    std::vector<std::string> parts;
    size_t start = 0;
    for (size_t i = 0; i < payload.size(); ++i) {
      if (payload[i] == '\0') {
        parts.push_back(payload.substr(start, i - start));
        start = i + 1;
      }
    }
    if (start < payload.size()) parts.push_back(payload.substr(start));
    return parts;
  }
  void Error(const xsd_sockmsg& h, const char* name) {
    Reply(h, XS_ERROR, std::string(name) + '\0');
  }
  void Ok(const xsd_sockmsg& h) { Reply(h, h.type, std::string("OK", 3)); }
  void FireWatches(const std::string& path) {
    for (const auto& [wpath, token] : watches) {
      if (path.compare(0, wpath.size(), wpath) == 0) WatchEvent(path, token);
    }
  }

  void Serve(const Request& r) {
    const auto parts = Split(r.payload);
    const std::string path = parts.empty() ? "" : parts[0];
    switch (r.header.type) {
      case XS_READ: {
        auto it = store.find(path);
        if (it == store.end()) return Error(r.header, "ENOENT");
        return Reply(r.header, XS_READ, it->second);
      }
      case XS_WRITE: {
        const size_t nul = r.payload.find('\0');
        if (nul == std::string::npos) return Error(r.header, "EINVAL");
        store[path] = r.payload.substr(nul + 1);
        Ok(r.header);
        return FireWatches(path);
      }
      case XS_MKDIR:
        store.emplace(path, "");
        return Ok(r.header);
      case XS_RM: {
        if (store.erase(path) == 0) return Error(r.header, "ENOENT");
        for (auto it = store.begin(); it != store.end();) {
          it = it->first.rfind(path + "/", 0) == 0 ? store.erase(it) : std::next(it);
        }
        Ok(r.header);
        return FireWatches(path);  // xenstored fires watches on removal too
      }
      case XS_DIRECTORY: {
        std::string out;
        std::string last;
        for (const auto& [key, value] : store) {
          if (key.rfind(path + "/", 0) != 0) continue;
          std::string child = key.substr(path.size() + 1);
          child = child.substr(0, child.find('/'));
          if (child != last) out += child + '\0';
          last = child;
        }
        return Reply(r.header, XS_DIRECTORY, out);
      }
      case XS_SET_PERMS:
        if (store.find(path) == store.end()) return Error(r.header, "ENOENT");
        perms[path] = std::vector<std::string>(parts.begin() + 1, parts.end());
        return Ok(r.header);
      case XS_WATCH:
        watches.emplace_back(path, parts.size() > 1 ? parts[1] : "");
        Ok(r.header);
        return WatchEvent(path, parts.size() > 1 ? parts[1] : "");  // fires once at once
      case XS_UNWATCH:
        for (auto it = watches.begin(); it != watches.end(); ++it) {
          if (it->first == path) {
            watches.erase(it);
            return Ok(r.header);
          }
        }
        return Error(r.header, "ENOENT");
      case XS_TRANSACTION_START:
        return Reply(r.header, XS_TRANSACTION_START, std::to_string(next_tx++) + '\0');
      case XS_TRANSACTION_END:
        if (transaction_end_eagain > 0) {
          --transaction_end_eagain;
          return Error(r.header, "EAGAIN");
        }
        return Ok(r.header);
      default:
        return Error(r.header, "ENOSYS");
    }
  }

  xenstore_domain_interface* ring_;
  std::mutex mu_;
  std::string in_;
  std::string out_;
};

}  // namespace tandem::xen::testing

#endif  // TANDEM_TESTS_UNIT_XEN_FAKE_XENSTORED_H_
