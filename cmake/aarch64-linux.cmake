# Cross toolchain for the dom0 tools (linux/: tandemctl, tandem-bench): arm64 Linux user space,
# built with Debian's g++-aarch64-linux-gnu against a sysroot of Debian's arm64 libxen-dev and
# Xen tool libraries (unpacked by platform/fetch; never installed into the host's /).
#   cmake -S . -B build/arm64-linux -G Ninja -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux.cmake \
#         -DTANDEM_ONLY="lib;channel;linux"
# or simply linux/build-arm64.sh. The executables are linked statically (TANDEM_LINUX_STATIC) so
# the dom0 initramfs needs nothing besides them.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_ASM_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

# The sysroot: -DTANDEM_ARM64_SYSROOT, else $TANDEM_CACHE/arm64/sysroot, else <repo>/.cache/...
# (where platform/fetch puts it; `platform/fetch --print sysroot` prints it).
if(NOT TANDEM_ARM64_SYSROOT)
  if(DEFINED ENV{TANDEM_ARM64_SYSROOT})
    set(TANDEM_ARM64_SYSROOT $ENV{TANDEM_ARM64_SYSROOT})
  elseif(DEFINED ENV{TANDEM_CACHE})
    set(TANDEM_ARM64_SYSROOT $ENV{TANDEM_CACHE}/arm64/sysroot)
  else()
    get_filename_component(TANDEM_ARM64_SYSROOT ${CMAKE_CURRENT_LIST_DIR}/../.cache/arm64/sysroot
                           ABSOLUTE)
  endif()
endif()
set(TANDEM_ARM64_SYSROOT ${TANDEM_ARM64_SYSROOT} CACHE PATH "arm64 libxen-dev sysroot")
if(NOT EXISTS ${TANDEM_ARM64_SYSROOT}/usr/include/xenstore.h)
  message(FATAL_ERROR "no arm64 Xen sysroot at ${TANDEM_ARM64_SYSROOT}: run platform/fetch "
                      "(or pass -DTANDEM_ARM64_SYSROOT=<dir with usr/include/xenstore.h>)")
endif()
# try_compile runs in a fresh project: pass the sysroot on.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES TANDEM_ARM64_SYSROOT)

# libc and libstdc++ come from the cross toolchain's own tree, libxen* from the sysroot.
set(CMAKE_FIND_ROOT_PATH ${TANDEM_ARM64_SYSROOT} /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# "linux-arm64": only lib/, channel/ and linux/ build for it (the RTOS uses "arm64").
set(TANDEM_TARGET linux-arm64 CACHE STRING "host, arm64 or linux-arm64" FORCE)
set(TANDEM_LINUX_STATIC ON CACHE BOOL "link the dom0 tools statically" FORCE)
# channel/ takes Xen's public headers (xen/io/xenbus.h) from here.
set(TANDEM_XEN_PUBLIC_INCLUDE ${TANDEM_ARM64_SYSROOT}/usr/include CACHE PATH "" FORCE)
