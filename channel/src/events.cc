// The event ring of the channel (protocol 1.6). See events.h for the rules and docs/events.md
// for the reasons.
#include "tandem/channel/events.h"

#include <bit>

#include "tandem/channel/shared_access.h"

namespace tandem::channel {
namespace {

uint64_t WantedKinds(const RequestPage* page) {
  const uint64_t lo = LoadRelaxed(&page->header.evt_kinds_lo);
  const uint64_t hi = LoadRelaxed(&page->header.evt_kinds_hi);
  return lo | hi << 32;
}

}  // namespace

void EventWriter::Reset() {
  ResponsePageHeader* h = &rsp_page_->header;
  prod_ = 0;
  dropped_ = 0;
  StoreRelaxed(&h->evt_slot_count, static_cast<uint16_t>(kEventSlots));
  StoreRelaxed(&h->evt_slot_size, static_cast<uint16_t>(kEventSlotSize));
  StoreRelaxed(&h->evt_dropped, uint64_t{0});
  StoreRelease(&h->evt_prod, 0u);
}

PostStatus EventWriter::Post(uint16_t kind, uint32_t source, const void* data, uint32_t data_len,
                             uint64_t time_us) {
  if (kind >= kEventKinds || data_len > kEventDataMax) return PostStatus::kBadKind;
  if (!__atomic_load_n(&open_, __ATOMIC_ACQUIRE)) return PostStatus::kNotSubscribed;
  if ((WantedKinds(req_page_) & EventKindBit(kind)) == 0) return PostStatus::kNotSubscribed;
  // Linux's consumer index decides only whether there is room. A value that cannot be right
  // (ahead of what we posted, or far behind) reads as a full ring: a reader that writes garbage
  // here loses its own events, and the slot written is always ours to choose.
  const uint32_t cons = LoadAcquire(&req_page_->header.evt_cons);
  if (prod_ - cons >= kEventSlots) {
    ++dropped_;
    StoreRelaxed(&rsp_page_->header.evt_dropped, dropped_);
    return PostStatus::kDropped;
  }
  Event e{};
  e.time_us = time_us;
  e.kind = kind;
  e.data_len = static_cast<uint8_t>(data_len);
  e.source = source;
  const auto* bytes = static_cast<const uint8_t*>(data);
  for (uint32_t i = 0; i < data_len; ++i) e.data[i] = bytes[i];
  const EventSlot local = std::bit_cast<EventSlot>(e);
  EventSlot* slot = &rsp_page_->events[prod_ & (kEventSlots - 1)];
  for (uint32_t i = 0; i < kEventSlotSize / 8; ++i) StoreRelaxed(&slot->word[i], local.word[i]);
  const uint32_t old = prod_;
  ++prod_;
  ++posted_;
  // Publish, then look at Linux's event index (RING_PUSH_RESPONSES_AND_CHECK_NOTIFY).
  StoreSeqCst(&rsp_page_->header.evt_prod, prod_);
  const uint32_t event = LoadSeqCst(&req_page_->header.evt_event);
  return NeedsNotify(old, prod_, event) ? PostStatus::kPostedNotify : PostStatus::kPosted;
}

bool EventReader::Available() const {
  const ResponsePageHeader* h = &rsp_page_->header;
  return VersionMajor(LoadRelaxed(&h->version)) == kVersionMajor &&
         (LoadRelaxed(&h->version) & 0xFFFF) >= 6 &&
         LoadRelaxed(&h->evt_slot_count) == kEventSlots &&
         LoadRelaxed(&h->evt_slot_size) == kEventSlotSize;
}

void EventReader::Subscribe(uint64_t kinds) {
  RequestPageHeader* h = &req_page_->header;
  if (kinds_ == 0 && kinds != 0) {
    // From now on: skip what is already in the ring.
    cons_ = LoadAcquire(&rsp_page_->header.evt_prod);
    StoreRelease(&h->evt_cons, cons_);
    StoreRelaxed(&h->evt_event, cons_ + 1);
  }
  kinds_ = kinds;
  StoreRelaxed(&h->evt_kinds_hi, static_cast<uint32_t>(kinds >> 32));
  StoreRelease(&h->evt_kinds_lo, static_cast<uint32_t>(kinds));
  if (kinds == 0) StoreRelaxed(&h->evt_event, cons_ + kEventIndexNever);
}

uint32_t EventReader::Take(Event* out, uint32_t max) {
  if (kinds_ == 0) return 0;
  const uint32_t prod = LoadAcquire(&rsp_page_->header.evt_prod);
  if (prod - cons_ > kEventSlots) {
    ++resyncs_;
    cons_ = prod;
    StoreRelease(&req_page_->header.evt_cons, cons_);
    return 0;
  }
  uint32_t n = 0;
  for (; n < max && cons_ != prod; ++n, ++cons_) {
    const EventSlot* slot = &rsp_page_->events[cons_ & (kEventSlots - 1)];
    EventSlot local;
    for (uint32_t i = 0; i < kEventSlotSize / 8; ++i) local.word[i] = LoadRelaxed(&slot->word[i]);
    out[n] = std::bit_cast<Event>(local);
    // An RTOS is trusted no further than the channel trusts it: a length beyond the data is cut.
    if (out[n].data_len > kEventDataMax) out[n].data_len = kEventDataMax;
  }
  // The slots are free once the index says so: copied out before the release store.
  if (n != 0) StoreRelease(&req_page_->header.evt_cons, cons_);
  return n;
}

bool EventReader::PrepareWait() {
  if (kinds_ == 0) return false;
  StoreSeqCst(&req_page_->header.evt_event, cons_ + 1);
  return LoadSeqCst(&rsp_page_->header.evt_prod) != cons_;
}

uint64_t EventReader::dropped() const { return LoadRelaxed(&rsp_page_->header.evt_dropped); }

}  // namespace tandem::channel
