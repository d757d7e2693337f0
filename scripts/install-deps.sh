#!/usr/bin/env bash
# Installs the Debian 12 packages Tandem's build, tests and QEMU platform need (as root).
# Quiet and quick when everything is already there.
set -euo pipefail
packages=(
  build-essential cmake ninja-build git ca-certificates python3 python3-pexpect
  googletest libgtest-dev libgmock-dev libbenchmark-dev libcli11-dev
  clang libclang-rt-14-dev
  g++-aarch64-linux-gnu gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu
  libxen-dev qemu-system-arm qemu-user-static device-tree-compiler cpio expect xz-utils
)
# QEMU 8.0 or later: the timing target tests run QEMU with -icount, and QEMU 7.2 (Debian 12's
# own) livelocks an SMP guest under -icount (its round-robin vCPU loop can give the CPU that
# waits for an IPI no instructions: fixed in 8.0 by "accel/tcg/tcg-accel-ops-rr: ensure fairness
# with icount"). Debian 12 gets a newer QEMU from its own bookworm-backports suite.
qemu_min_major=8
backports_list=/etc/apt/sources.list.d/tandem-bookworm-backports.sources

qemu_major() {
  qemu-system-aarch64 --version 2>/dev/null | sed -n 's/^QEMU emulator version \([0-9]*\)\..*/\1/p'
}

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
old_qemu=0
major=$(qemu_major)
if [[ -z "$major" || "$major" -lt $qemu_min_major ]]; then old_qemu=1; fi
if ((${#missing[@]} == 0 && old_qemu == 0)); then
  echo "[deps] all ${#packages[@]} packages present (QEMU $major)"
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  ((${#missing[@]})) && echo "[deps] missing packages: ${missing[*]}" >&2
  ((old_qemu)) && echo "[deps] QEMU ${major:-none} is older than $qemu_min_major.0" >&2
  echo "[deps] run as root (or install them with sudo apt-get install ...)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ((old_qemu)); then
  . /etc/os-release
  if [[ "${VERSION_CODENAME:-}" == bookworm && ! -e $backports_list ]]; then
    echo "[deps] adding Debian's bookworm-backports suite for QEMU >= $qemu_min_major.0 ($backports_list)"
    cat >"$backports_list" <<'SOURCES'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  fi
fi
apt-get update -q
install=()
for p in "${missing[@]}"; do
  [[ $p == qemu-system-arm && $old_qemu == 1 ]] || install+=("$p")
done
# The backports QEMU is chosen by name; apt takes its matching qemu-system-common/-data along.
((old_qemu)) && install+=(qemu-system-arm/bookworm-backports)
echo "[deps] installing ${#install[@]} packages: ${install[*]}"
apt-get install -y -q --no-install-recommends "${install[@]}"
major=$(qemu_major)
if [[ -z "$major" || "$major" -lt $qemu_min_major ]]; then
  echo "[deps] error: qemu-system-aarch64 is ${major:-missing}; the target tests need" \
    "$qemu_min_major.0 or later (Debian 12: bookworm-backports)" >&2
  exit 1
fi
echo "[deps] done (QEMU $major)"
