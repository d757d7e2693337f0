#!/usr/bin/env bash
# Installs the Debian 12 packages Tandem's build, tests and QEMU platform need (as root).
# Quiet and quick when everything is already there; every failure says what failed and what to do.
# Usage: scripts/install-deps.sh [--eval]
#   --eval  also what the evaluation report needs (./eval.sh, and its quick mode in ./test.sh):
#           matplotlib for its plots
set -euo pipefail
eval_packages=()
for arg in "$@"; do
  case "$arg" in
    --eval) eval_packages=(python3-matplotlib) ;;
    -h | --help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "[deps] error: unknown option '$arg' (try --help)" >&2; exit 2 ;;
  esac
done
packages=(
  build-essential cmake ninja-build git ca-certificates python3
  googletest libgtest-dev libgmock-dev libbenchmark-dev libcli11-dev
  clang libclang-rt-14-dev clang-format clang-tidy
  g++-aarch64-linux-gnu gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu
  libxen-dev qemu-user-static device-tree-compiler cpio xz-utils
  # QEMU's virt machine loads the virtio NIC's option ROM (efi-virtio.rom) at start-up:
  # a Recommends of qemu-system-arm, which --no-install-recommends would skip.
  ipxe-qemu
  # Xen built from Debian's source package (platform/run --xen source): dpkg-source unpacks it,
  # Kconfig's lexer and parser need flex and bison.
  dpkg-dev flex bison make
  "${eval_packages[@]}"
)
# QEMU 8.0 or later: the timing target tests run QEMU with -icount, and QEMU 7.2 (Debian 12's
# own) livelocks an SMP guest under -icount (its round-robin vCPU loop can give the CPU that
# waits for an IPI no instructions: fixed in 8.0 by "accel/tcg/tcg-accel-ops-rr: ensure fairness
# with icount"). Debian 12 gets a newer QEMU from its own bookworm-backports suite.
qemu_min_major=8
# qemu-system-arm depends on qemu-system-common and qemu-system-data of exactly its own version;
# apt does not follow a package's suite to its dependencies, so all three are named.
qemu_packages=(qemu-system-arm qemu-system-common qemu-system-data)
backports_list=/etc/apt/sources.list.d/tandem-bookworm-backports.sources

die() { echo "[deps] error: $*" >&2; exit 1; }

# The major version of the installed qemu-system-aarch64, or nothing when there is none.
qemu_major() {
  command -v qemu-system-aarch64 >/dev/null || return 0
  qemu-system-aarch64 --version | sed -n 's/^QEMU emulator version \([0-9]*\)\..*/\1/p'
}

missing=()
for p in "${packages[@]}" "${qemu_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
major=$(qemu_major)
old_qemu=0
if [[ -z "$major" || "$major" -lt $qemu_min_major ]]; then old_qemu=1; fi
if ((${#missing[@]} == 0 && old_qemu == 0)); then
  echo "[deps] all $((${#packages[@]} + ${#qemu_packages[@]})) packages present (QEMU $major)"
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  ((${#missing[@]})) && echo "[deps] missing packages: ${missing[*]}" >&2
  ((old_qemu)) && echo "[deps] QEMU ${major:-(none)} is older than $qemu_min_major.0" >&2
  die "run as root (or install them with sudo apt-get install ...)"
fi
command -v apt-get >/dev/null || die "apt-get not found: Tandem's set-up needs Debian 12 (bookworm)"
export DEBIAN_FRONTEND=noninteractive

install=()
for p in "${missing[@]}"; do
  [[ " ${qemu_packages[*]} " == *" $p "* ]] || install+=("$p")
done
if ((old_qemu)); then
  . /etc/os-release
  if [[ "${VERSION_CODENAME:-}" == bookworm ]]; then
    if [[ ! -e $backports_list ]]; then
      [[ -e /usr/share/keyrings/debian-archive-keyring.gpg ]] ||
        die "/usr/share/keyrings/debian-archive-keyring.gpg is missing (apt-get install debian-archive-keyring)"
      echo "[deps] adding Debian's bookworm-backports suite for QEMU >= $qemu_min_major.0 ($backports_list)"
      cat >"$backports_list" <<'SOURCES'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
    fi
    install+=("${qemu_packages[@]/%//bookworm-backports}")
  else
    # A later Debian release carries QEMU 8 or later in its own suite.
    install+=("${qemu_packages[@]}")
  fi
fi

echo "[deps] updating apt's package lists"
apt-get update -q || die "apt-get update failed (network or sources above); fix it and run again"
echo "[deps] installing ${#install[@]} packages: ${install[*]}"
apt-get install -y -q --no-install-recommends "${install[@]}" ||
  die "apt-get install failed for: ${install[*]} (see apt's message above)"
major=$(qemu_major)
if [[ -z "$major" || "$major" -lt $qemu_min_major ]]; then
  die "qemu-system-aarch64 is ${major:-missing}; the target tests need $qemu_min_major.0 or" \
    "later (Debian 12: bookworm-backports, $backports_list)"
fi
echo "[deps] done (QEMU $major)"
