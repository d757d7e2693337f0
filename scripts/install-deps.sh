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
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "[deps] all ${#packages[@]} packages present"
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "[deps] missing packages: ${missing[*]}" >&2
  echo "[deps] run as root (or install them with sudo apt-get install ...)" >&2
  exit 1
fi
echo "[deps] installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
