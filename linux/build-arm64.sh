#!/bin/sh
# Cross-builds the dom0 tools (tandemctl, tandemd, tandem-bench and the test aids tandem-loopback,
# tandem-pacer and tandem-vchan) as static arm64 executables (nothing else is needed in the
# initramfs) and copies them to BUILD_DIR/bin, the directory platform/run puts into dom0's /usr/local/bin by default.
# Prints the paths of the copies.
# Also builds libtandem_c.so (linux/capi) and stages it with the Python package `tandem`
# (linux/python) in BUILD_DIR/python-root, a tree of dom0 paths the initramfs builder adds
# when it adds Python (docs/python.md).
#   linux/build-arm64.sh [BUILD_DIR]        default BUILD_DIR: <repo>/build/arm64-linux
# Environment: TANDEM_ARM64_SYSROOT (default: $TANDEM_CACHE/arm64/sysroot, else
# <repo>/.cache/arm64/sysroot, as made by platform/fetch).
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$repo/build/arm64-linux}
sysroot=${TANDEM_ARM64_SYSROOT:-${TANDEM_CACHE:-$repo/.cache}/arm64/sysroot}
if [ ! -f "$sysroot/usr/include/xenstore.h" ]; then
  echo "build-arm64.sh: error: no arm64 Xen sysroot at $sysroot" >&2
  echo "  hint: run platform/fetch (it unpacks Debian's arm64 libxen-dev there)" >&2
  exit 1
fi
for tool in aarch64-linux-gnu-g++ cmake ninja; do
  command -v "$tool" >/dev/null || {
    echo "build-arm64.sh: error: $tool not found (apt-get install g++-aarch64-linux-gnu cmake ninja-build)" >&2
    exit 1
  }
done
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_TOOLCHAIN_FILE="$repo/cmake/aarch64-linux.cmake" -DTANDEM_ARM64_SYSROOT="$sysroot" \
  -DTANDEM_ONLY="lib;channel;linux" -DTANDEM_SKIP= >/dev/null
ninja -C "$build" -j2 tandemctl tandemd tandem-bench tandem-loopback tandem-pacer tandem-vchan \
  tandem_c >/dev/null
mkdir -p "$build/bin"
for exe in tandemctl tandemd tandem-bench tandem-loopback tandem-pacer tandem-vchan; do
  cp "$build/linux/$exe" "$build/bin/$exe"
  echo "$build/bin/$exe"
done
# /usr/lib: on the dynamic linker's default path, so ctypes finds libtandem_c.so.1 by name.
py=$build/python-root
rm -rf "$py"
mkdir -p "$py/usr/lib/python3/dist-packages/tandem"
cp "$build/linux/capi/libtandem_c.so.1" "$py/usr/lib/"
aarch64-linux-gnu-strip --strip-unneeded "$py/usr/lib/libtandem_c.so.1"
cp "$repo"/linux/python/tandem/*.py "$py/usr/lib/python3/dist-packages/tandem/"
