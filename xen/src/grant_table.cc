#include "tandem/xen/grant_table.h"

#include <atomic>

namespace tandem::xen {

Result<void, XenStatus> GrantTable::Init(Hypervisor& hv, void* table, MemoryRegion region,
                                         uint32_t frames) {
  if (table == nullptr || reinterpret_cast<uintptr_t>(table) % kPageSize != 0 ||
      region.base % kPageSize != 0 || region.size < kPageSize || frames == 0) {
    return MakeError(XenStatus::kBadArgument);
  }
  gnttab_query_size_t query{};
  query.dom = DOMID_SELF;
  auto rc = hv.GrantTableOp(GNTTABOP_query_size, &query, 1);
  if (!rc.ok()) return MakeError(rc.error());
  if (query.status != GNTST_okay) return MakeError(StatusFromGntst(query.status));

  uint32_t count = frames;
  if (count > query.max_nr_frames) count = query.max_nr_frames;
  if (count > kMaxFrames) count = kMaxFrames;
  if (count > region.size / kPageSize) count = static_cast<uint32_t>(region.size / kPageSize);
  if (count == 0) return MakeError(XenStatus::kNoSpace);

  for (uint32_t i = 0; i < count; ++i) {
    // Frames past the current nr_frames make Xen grow the table (up to max_nr_frames).
    xen_add_to_physmap_t map{};
    map.domid = DOMID_SELF;
    map.space = XENMAPSPACE_grant_table;
    map.idx = i;
    map.gpfn = (region.base >> kPageShift) + i;
    auto mapped = hv.MemoryOp(XENMEM_add_to_physmap, &map);
    if (!mapped.ok()) return MakeError(mapped.error());
  }
  entries_ = static_cast<grant_entry_v1_t*>(table);
  frames_ = count;
  for (auto& word : used_) word = 0;
  // grant_table.h: the first GNTTAB_NR_RESERVED_ENTRIES are for the toolstack (console, store).
  for (grant_ref_t ref = 0; ref < GNTTAB_NR_RESERVED_ENTRIES; ++ref) SetUsed(ref, true);
  return {};
}

void GrantTable::SetUsed(grant_ref_t ref, bool used) {
  const uint64_t bit = uint64_t{1} << (ref % 64);
  used_[ref / 64] = used ? (used_[ref / 64] | bit) : (used_[ref / 64] & ~bit);
}

uint32_t GrantTable::free_entries() const {
  uint32_t n = 0;
  for (grant_ref_t ref = 0; ref < frames_ * kEntriesPerFrame; ++ref) n += IsUsed(ref) ? 0 : 1;
  return n;
}

XenResult<grant_ref_t> GrantTable::GrantAccess(domid_t domid, uint64_t gfn, bool readonly) {
  if (entries_ == nullptr) return MakeError(XenStatus::kNotReady);
  if (gfn > UINT32_MAX) return MakeError(XenStatus::kBadArgument);  // v1 frame is 32 bits
  for (grant_ref_t ref = 0; ref < frames_ * kEntriesPerFrame; ++ref) {
    if (IsUsed(ref)) continue;
    grant_entry_v1_t& entry = entries_[ref];
    entry.domid = domid;
    entry.frame = static_cast<uint32_t>(gfn);
    // grant_table.h: domid and frame, then a write barrier, then the flags that make the entry
    // valid. The release store is that barrier: on arm64 it is an stlrh, which orders every
    // earlier store before the flags.
    const uint16_t flags = GTF_permit_access | (readonly ? GTF_readonly : 0);
    std::atomic_ref<uint16_t>(entry.flags).store(flags, std::memory_order_release);
    SetUsed(ref, true);
    return ref;
  }
  return MakeError(XenStatus::kNoSpace);
}

Result<void, XenStatus> GrantTable::EndAccess(grant_ref_t ref) {
  if (entries_ == nullptr || ref < GNTTAB_NR_RESERVED_ENTRIES ||
      ref >= frames_ * kEntriesPerFrame || !IsUsed(ref)) {
    return MakeError(XenStatus::kBadArgument);
  }
  std::atomic_ref<uint16_t> flags(entries_[ref].flags);
  uint16_t seen = flags.load(std::memory_order_acquire);
  do {
    // The peer maps the page (Xen set these bits with its own cmpxchg): the grant stays.
    if (seen & (GTF_reading | GTF_writing)) return MakeError(XenStatus::kInUse);
  } while (
      !flags.compare_exchange_weak(seen, 0, std::memory_order_acq_rel, std::memory_order_acquire));
  SetUsed(ref, false);
  return {};
}

}  // namespace tandem::xen
