// Accessors for memory shared with the other domain. Every shared field is read and written with
// an atomic access of its natural size, so the compiler can neither tear nor re-fetch it (the
// double-fetch class of XSA-155), and ThreadSanitizer sees the protocol's real ordering.
// The loads take const pointers: the response page is mapped read-only on Linux, and an atomic
// load of <= 8 bytes is a plain load instruction on arm64 and x86-64 (never a write).
#ifndef TANDEM_CHANNEL_SHARED_ACCESS_H_
#define TANDEM_CHANNEL_SHARED_ACCESS_H_

#include <stdint.h>

#include <bit>

#include "tandem/channel/wire.h"

namespace tandem::channel {

template <typename T>
inline T LoadAcquire(const T* p) {
  return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}
template <typename T>
inline T LoadRelaxed(const T* p) {
  return __atomic_load_n(p, __ATOMIC_RELAXED);
}
template <typename T>
inline void StoreRelease(T* p, T v) {
  __atomic_store_n(p, v, __ATOMIC_RELEASE);
}
template <typename T>
inline void StoreRelaxed(T* p, T v) {
  __atomic_store_n(p, v, __ATOMIC_RELAXED);
}
// "Publish my index or event, then read the peer's" needs the store and the load not to be
// reordered (Xen's mb() in RING_PUSH_*_AND_CHECK_NOTIFY and RING_FINAL_CHECK_FOR_*): both sides
// use a sequentially consistent store followed by a sequentially consistent load (Dekker's
// pattern; stlr + ldar on arm64, xchg + mov on x86-64). Expressed on the accesses rather than as
// a stand-alone fence so that ThreadSanitizer models it too.
template <typename T>
inline void StoreSeqCst(T* p, T v) {
  __atomic_store_n(p, v, __ATOMIC_SEQ_CST);
}
template <typename T>
inline T LoadSeqCst(const T* p) {
  return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

// Copies a slot out of shared memory exactly once. Ordering against the producer index comes
// from the acquire load of that index done by the caller.
template <typename T>
inline T CopyOut(const Slot* slot) {
  static_assert(sizeof(T) == sizeof(Slot));
  Slot local;
  for (uint32_t i = 0; i < kSlotSize / 8; ++i) {
    local.word[i] = LoadRelaxed(&slot->word[i]);
  }
  return std::bit_cast<T>(local);
}

// Writes a slot into shared memory; the caller publishes it with a release store of its index.
template <typename T>
inline void CopyIn(Slot* slot, const T& value) {
  static_assert(sizeof(T) == sizeof(Slot));
  const Slot local = std::bit_cast<Slot>(value);
  for (uint32_t i = 0; i < kSlotSize / 8; ++i) {
    StoreRelaxed(&slot->word[i], local.word[i]);
  }
}

// Xen ring.h notification test: notify iff the peer's event index lies in (old_prod, new_prod],
// computed modulo 2^32.
constexpr bool NeedsNotify(uint32_t old_prod, uint32_t new_prod, uint32_t event) {
  return static_cast<uint32_t>(new_prod - event) < static_cast<uint32_t>(new_prod - old_prod);
}

}  // namespace tandem::channel

#endif  // TANDEM_CHANNEL_SHARED_ACCESS_H_
