#include "tandem/xen/grant_table.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "fake_hypervisor.h"
#include "tandem/xen/shared_info.h"

namespace tandem::xen {
namespace {

using testing::Call;
using testing::FakeHypervisor;

struct alignas(4096) Frames {
  grant_entry_v1_t entries[GrantTable::kMaxEntries];
};

// A fake Xen that answers query_size and records the frames mapped into the physmap.
struct FakeXen {
  uint32_t nr_frames = 1;
  uint32_t max_nr_frames = 4;
  int16_t query_status = GNTST_okay;
  long map_result = 0;
  std::vector<xen_add_to_physmap_t> maps;

  FakeHypervisor::Handler Handler() {
    return [this](Call call, unsigned int cmd, void* arg, unsigned int count) -> long {
      if (call == Call::kGrantTableOp && cmd == GNTTABOP_query_size) {
        EXPECT_EQ(count, 1u);
        auto* q = static_cast<gnttab_query_size_t*>(arg);
        EXPECT_EQ(q->dom, DOMID_SELF);
        q->nr_frames = nr_frames;
        q->max_nr_frames = max_nr_frames;
        q->status = query_status;
        return 0;
      }
      if (call == Call::kMemoryOp && cmd == XENMEM_add_to_physmap) {
        maps.push_back(*static_cast<xen_add_to_physmap_t*>(arg));
        return map_result;
      }
      ADD_FAILURE() << "unexpected hypercall";
      return -XEN_ENOSYS;
    };
  }
};

constexpr MemoryRegion kRegion{0x38000000, 0x1000000};

TEST(SharedInfoTest, MapsAtTheChosenFrame) {
  alignas(4096) static uint8_t page[4096];
  xen_add_to_physmap_t seen{};
  FakeHypervisor hv([&seen](Call call, unsigned int cmd, void* arg, unsigned int) -> long {
    EXPECT_EQ(call, Call::kMemoryOp);
    EXPECT_EQ(cmd, static_cast<unsigned>(XENMEM_add_to_physmap));
    seen = *static_cast<xen_add_to_physmap_t*>(arg);
    return 0;
  });
  auto shared = MapSharedInfo(hv, page, 0x40123000);
  ASSERT_TRUE(shared.ok());
  EXPECT_EQ(static_cast<void*>(shared.value()), page);
  EXPECT_EQ(seen.domid, DOMID_SELF);
  EXPECT_EQ(seen.space, static_cast<unsigned>(XENMAPSPACE_shared_info));
  EXPECT_EQ(seen.idx, 0u);
  EXPECT_EQ(seen.gpfn, 0x40123u);
}

TEST(SharedInfoTest, RejectsMisalignedPagesAndReportsXenErrors) {
  alignas(4096) static uint8_t page[8192];
  FakeHypervisor hv([](Call, unsigned int, void*, unsigned int) -> long { return -XEN_EINVAL; });
  EXPECT_EQ(MapSharedInfo(hv, page + 8, 0x40000000).error(), XenStatus::kBadArgument);
  EXPECT_EQ(MapSharedInfo(hv, page, 0x40000010).error(), XenStatus::kBadArgument);
  EXPECT_EQ(MapSharedInfo(hv, nullptr, 0x40000000).error(), XenStatus::kBadArgument);
  EXPECT_TRUE(hv.calls().empty());
  EXPECT_EQ(MapSharedInfo(hv, page, 0x40000000).error(), XenStatus::kInvalid);
}

TEST(GrantTableTest, InitMapsFramesIntoTheHypervisorRegion) {
  static Frames frames;
  FakeXen xen;
  FakeHypervisor hv(xen.Handler());
  GrantTable table;
  ASSERT_TRUE(table.Init(hv, frames.entries, kRegion, 2).ok());
  EXPECT_EQ(table.frames(), 2u);
  ASSERT_EQ(xen.maps.size(), 2u);
  for (uint32_t i = 0; i < 2; ++i) {
    EXPECT_EQ(xen.maps[i].domid, DOMID_SELF);
    EXPECT_EQ(xen.maps[i].space, static_cast<unsigned>(XENMAPSPACE_grant_table));
    EXPECT_EQ(xen.maps[i].idx, i);
    EXPECT_EQ(xen.maps[i].gpfn, 0x38000u + i);
  }
  EXPECT_EQ(table.free_entries(), 2 * GrantTable::kEntriesPerFrame - GNTTAB_NR_RESERVED_ENTRIES);
}

TEST(GrantTableTest, InitIsBoundedByXenRegionAndTable) {
  static Frames frames;
  FakeXen xen;
  xen.max_nr_frames = 3;
  FakeHypervisor hv(xen.Handler());
  GrantTable table;
  ASSERT_TRUE(table.Init(hv, frames.entries, kRegion, 64).ok());
  EXPECT_EQ(table.frames(), 3u);  // Xen's max_nr_frames
  xen.max_nr_frames = 64;
  GrantTable t2;
  ASSERT_TRUE(t2.Init(hv, frames.entries, kRegion, 64).ok());
  EXPECT_EQ(t2.frames(), GrantTable::kMaxFrames);
  GrantTable t3;
  ASSERT_TRUE(t3.Init(hv, frames.entries, MemoryRegion{0x38000000, 0x1000}, 4).ok());
  EXPECT_EQ(t3.frames(), 1u);  // the region holds one page
}

TEST(GrantTableTest, InitReportsErrors) {
  static Frames frames;
  FakeXen xen;
  FakeHypervisor hv(xen.Handler());
  GrantTable table;
  EXPECT_EQ(table.Init(hv, frames.entries, MemoryRegion{0x38000800, 0x10000}, 1).error(),
            XenStatus::kBadArgument);
  EXPECT_EQ(table.Init(hv, frames.entries, MemoryRegion{0x38000000, 0}, 1).error(),
            XenStatus::kBadArgument);
  xen.query_status = GNTST_permission_denied;
  EXPECT_EQ(table.Init(hv, frames.entries, kRegion, 1).error(), XenStatus::kPermission);
  xen.query_status = GNTST_okay;
  xen.max_nr_frames = 0;
  EXPECT_EQ(table.Init(hv, frames.entries, kRegion, 1).error(), XenStatus::kNoSpace);
  xen.max_nr_frames = 4;
  xen.map_result = -XEN_ENOMEM;
  EXPECT_EQ(table.Init(hv, frames.entries, kRegion, 1).error(), XenStatus::kNoMemory);
  // Not initialised: nothing can be granted.
  EXPECT_EQ(table.GrantAccess(0, 0x40000, false).error(), XenStatus::kNotReady);
}

class InitialisedTable : public ::testing::Test {
 protected:
  void SetUp() override {
    hv_.set_handler(xen_.Handler());
    for (auto& e : frames_.entries) e = grant_entry_v1_t{};
    ASSERT_TRUE(table_.Init(hv_, frames_.entries, kRegion, 1).ok());
  }
  grant_entry_v1_t& Entry(grant_ref_t ref) { return frames_.entries[ref]; }

  static Frames frames_;
  FakeXen xen_;
  FakeHypervisor hv_;
  GrantTable table_;
};
Frames InitialisedTable::frames_;

TEST_F(InitialisedTable, GrantWritesAValidV1Entry) {
  auto rw = table_.GrantAccess(0, 0x40201, false);
  ASSERT_TRUE(rw.ok());
  EXPECT_GE(rw.value(), static_cast<grant_ref_t>(GNTTAB_NR_RESERVED_ENTRIES));
  EXPECT_EQ(Entry(rw.value()).domid, 0);
  EXPECT_EQ(Entry(rw.value()).frame, 0x40201u);
  EXPECT_EQ(Entry(rw.value()).flags, GTF_permit_access);
  auto ro = table_.GrantAccess(0, 0x40202, true);
  ASSERT_TRUE(ro.ok());
  EXPECT_NE(ro.value(), rw.value());
  EXPECT_EQ(Entry(ro.value()).flags, GTF_permit_access | GTF_readonly);
  EXPECT_EQ(table_.GrantAccess(0, uint64_t{1} << 32, false).error(), XenStatus::kBadArgument);
}

TEST_F(InitialisedTable, EndAccessFailsWhileThePeerMapsThePage) {
  auto ref = table_.GrantAccess(0, 0x40300, true);
  ASSERT_TRUE(ref.ok());
  // dom0 maps it: Xen sets GTF_reading in the entry.
  Entry(ref.value()).flags |= GTF_reading;
  EXPECT_EQ(table_.EndAccess(ref.value()).error(), XenStatus::kInUse);
  EXPECT_EQ(Entry(ref.value()).flags, GTF_permit_access | GTF_readonly | GTF_reading);
  // The reference is still held: a new grant never gets it.
  for (int i = 0; i < 100; ++i) {
    auto other = table_.GrantAccess(0, 0x50000 + i, false);
    ASSERT_TRUE(other.ok());
    EXPECT_NE(other.value(), ref.value());
  }
  Entry(ref.value()).flags = GTF_permit_access | GTF_writing;
  EXPECT_EQ(table_.EndAccess(ref.value()).error(), XenStatus::kInUse);
  // dom0 unmaps: revocation succeeds and the entry is invalid.
  Entry(ref.value()).flags = GTF_permit_access | GTF_readonly;
  EXPECT_TRUE(table_.EndAccess(ref.value()).ok());
  EXPECT_EQ(Entry(ref.value()).flags, 0);
  EXPECT_EQ(table_.EndAccess(ref.value()).error(), XenStatus::kBadArgument);  // already ended
}

TEST_F(InitialisedTable, RefsAreReusedOnlyAfterEndAccess) {
  const uint32_t capacity = table_.free_entries();
  std::vector<grant_ref_t> refs;
  for (uint32_t i = 0; i < capacity; ++i) {
    auto r = table_.GrantAccess(0, 0x60000 + i, false);
    ASSERT_TRUE(r.ok()) << i;
    refs.push_back(r.value());
  }
  EXPECT_EQ(table_.GrantAccess(0, 0x1, false).error(), XenStatus::kNoSpace);
  ASSERT_TRUE(table_.EndAccess(refs[10]).ok());
  auto again = table_.GrantAccess(0, 0x2, false);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.value(), refs[10]);
}

TEST_F(InitialisedTable, EndAccessRejectsForeignRefs) {
  EXPECT_EQ(table_.EndAccess(0).error(), XenStatus::kBadArgument);  // reserved
  EXPECT_EQ(table_.EndAccess(GNTTAB_NR_RESERVED_ENTRIES).error(), XenStatus::kBadArgument);
  EXPECT_EQ(table_.EndAccess(GrantTable::kEntriesPerFrame).error(), XenStatus::kBadArgument);
  EXPECT_EQ(table_.EndAccess(0xffffffff).error(), XenStatus::kBadArgument);
}

TEST_F(InitialisedTable, RevocationRacesWithAConcurrentMapper) {
  // A "dom0 + Xen" thread maps and unmaps the page the way Xen's grant code does: a
  // compare-and-swap that adds GTF_reading only to an entry that still permits access.
  // EndAccess must never succeed while that thread holds the mapping.
  for (int round = 0; round < 200; ++round) {
    auto ref = table_.GrantAccess(0, 0x70000, true);
    ASSERT_TRUE(ref.ok());
    std::atomic_ref<uint16_t> flags(Entry(ref.value()).flags);
    std::atomic<bool> holding{false};
    std::atomic<bool> stop{false};
    std::thread peer([&] {
      while (!stop.load()) {
        uint16_t f = flags.load();
        if (!(f & GTF_permit_access)) break;  // revoked: Xen refuses new mappings
        if (f & GTF_reading) continue;
        if (flags.compare_exchange_strong(f, static_cast<uint16_t>(f | GTF_reading))) {
          holding.store(true);
          std::this_thread::yield();
          holding.store(false);
          flags.fetch_and(static_cast<uint16_t>(~GTF_reading));
        }
      }
    });
    int refused = 0;
    for (;;) {
      auto ended = table_.EndAccess(ref.value());
      if (ended.ok()) {
        EXPECT_FALSE(holding.load()) << "revoked while mapped, round " << round;
        break;
      }
      ASSERT_EQ(ended.error(), XenStatus::kInUse);
      ++refused;
    }
    stop.store(true);
    peer.join();
    EXPECT_EQ(flags.load(), 0);
    (void)refused;
  }
}

}  // namespace
}  // namespace tandem::xen
