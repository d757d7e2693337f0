// The boot id: one 64-bit number per boot of the RTOS, so that a dom0 client can tell "the RTOS
// I talked to" from "an RTOS that started since" (issue 11, point 6). Published in XenStore
// (keys::kBootId, as text) and on the response page (ResponsePageHeader::boot_id, protocol 1.3).
// 0 means "no boot id" (an RTOS of protocol 1.2 or older). Why it is unique enough:
// docs/protocol.md, "Restart indication". No OS includes: built freestanding as well.
#ifndef TANDEM_CHANNEL_BOOT_ID_H_
#define TANDEM_CHANNEL_BOOT_ID_H_

#include <stddef.h>
#include <stdint.h>

namespace tandem::channel {

// `physical_count` is the Arm generic timer's physical count (CNTPCT_EL0) read once at boot. Xen
// lets every guest read it (CNTHCTL_EL2.EL1PCTEN, xen/arch/arm/time.c) and it counts from the
// machine's reset, so two boots on one machine never read the same value. (The virtual count,
// CNTVCT_EL0, would not do: Xen offsets it per domain to start near 0 at domain creation, so
// every boot reads about the same small number.) splitmix64's finalizer (Steele, Lea, Flood,
// "Fast splittable pseudorandom number generators", 2014) is a bijection on 64-bit values:
// distinct counts stay distinct ids, and the jitter in the low bits spreads over every digit, so
// ids of different machines or machine boots differ too, with high probability.
constexpr uint64_t MakeBootId(uint64_t physical_count) {
  // + splitmix64's increment, so that count 0 does not map to id 0.
  uint64_t z = physical_count + 0x9E3779B97F4A7C15u;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  z ^= z >> 31;
  return z == 0 ? 1 : z;  // 0 is "no boot id"; the one count that maps to it shares id 1
}

// Text form (XenStore, tandemctl): exactly 16 lower-case hex digits, e.g. "9f3a5c0e12b4d678".
inline constexpr size_t kBootIdTextLength = 16;

constexpr void BootIdToText(uint64_t id, char (&out)[kBootIdTextLength + 1]) {
  for (size_t i = 0; i < kBootIdTextLength; ++i) {
    const unsigned nibble = static_cast<unsigned>(id >> (4 * (kBootIdTextLength - 1 - i))) & 0xF;
    out[i] = static_cast<char>(nibble < 10 ? '0' + nibble : 'a' + (nibble - 10));
  }
  out[kBootIdTextLength] = '\0';
}

// The id, or 0 for anything but exactly 16 lower-case hex digits that are not all zero (the
// text comes from another domain: nothing else is accepted).
constexpr uint64_t BootIdFromText(const char* text, size_t length) {
  if (text == nullptr || length != kBootIdTextLength) return 0;
  uint64_t id = 0;
  for (size_t i = 0; i < length; ++i) {
    const char c = text[i];
    unsigned nibble = 0;
    if (c >= '0' && c <= '9') {
      nibble = static_cast<unsigned>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      nibble = static_cast<unsigned>(c - 'a') + 10;
    } else {
      return 0;
    }
    id = id << 4 | nibble;
  }
  return id;
}

}  // namespace tandem::channel

#endif  // TANDEM_CHANNEL_BOOT_ID_H_
