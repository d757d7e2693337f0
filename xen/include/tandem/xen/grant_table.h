// Grant table, v1 entries (xen/grant_table.h): share a page of Tandem's memory with another
// domain, and take the permission back only when that domain no longer uses it.
//
// Safety rules (docs/xen-layer.md):
// - An entry becomes valid in the order domid, frame, write barrier, flags (grant_table.h,
//   "Introducing a valid entry into the grant table").
// - EndAccess clears the flags with a compare-and-swap that fails while GTF_reading/GTF_writing
//   is set (grant_table.h, "Invalidating an unused GTF_permit_access entry"): Xen sets those bits
//   with its own compare-and-swap when the peer maps the page. A failed EndAccess leaves the
//   grant in place; the page must not be reused until EndAccess succeeded (XSA-396).
#ifndef TANDEM_XEN_GRANT_TABLE_H_
#define TANDEM_XEN_GRANT_TABLE_H_

#include <stdint.h>

#include "tandem/xen/abi.h"
#include "tandem/xen/device_tree.h"
#include "tandem/xen/hypervisor.h"

namespace tandem::xen {

class GrantTable {
 public:
  static constexpr uint32_t kMaxFrames = 4;
  static constexpr uint32_t kEntriesPerFrame = kPageSize / sizeof(grant_entry_v1_t);
  static constexpr uint32_t kMaxEntries = kMaxFrames * kEntriesPerFrame;

  // Asks Xen for the table's size (GNTTABOP_query_size) and maps up to `frames` frames of it
  // (XENMEM_add_to_physmap, XENMAPSPACE_grant_table; on ARM this replaces GNTTABOP_setup_table)
  // at the start of `region`, the /hypervisor node's reg[0]; `table` addresses region.base.
  // Maps min(frames, Xen's max_nr_frames, kMaxFrames, region size) frames.
  Result<void, XenStatus> Init(Hypervisor& hv, void* table, MemoryRegion region, uint32_t frames);

  // Grants `domid` access to guest frame `gfn`, read-only if asked. kNoSpace if no entry is free.
  XenResult<grant_ref_t> GrantAccess(domid_t domid, uint64_t gfn, bool readonly);

  // Revokes a grant. kInUse while the peer still maps the page (try again later; the page stays
  // granted), kBadArgument for a reference this table did not hand out.
  Result<void, XenStatus> EndAccess(grant_ref_t ref);

  uint32_t frames() const { return frames_; }
  uint32_t free_entries() const;

 private:
  bool IsUsed(grant_ref_t ref) const { return (used_[ref / 64] >> (ref % 64)) & 1u; }
  void SetUsed(grant_ref_t ref, bool used);

  grant_entry_v1_t* entries_ = nullptr;
  uint32_t frames_ = 0;
  uint64_t used_[kMaxEntries / 64] = {};
};

}  // namespace tandem::xen

#endif  // TANDEM_XEN_GRANT_TABLE_H_
