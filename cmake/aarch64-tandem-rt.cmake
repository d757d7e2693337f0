# Cross toolchain for the Tandem RT image: bare-metal arm64, freestanding C++20 without the
# libstdc++ runtime, built with Debian's g++-aarch64-linux-gnu.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_ASM_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_OBJCOPY aarch64-linux-gnu-objcopy CACHE FILEPATH "objcopy")
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(TANDEM_TARGET arm64 CACHE STRING "host or arm64" FORCE)
set(tandem_freestanding "-ffreestanding -fno-asynchronous-unwind-tables -mgeneral-regs-only -fno-stack-protector -nostdlib")
# C sources (e.g. an application's C files) get the flags that exist in C; -Werror would turn the
# C++-only ones into errors there.
set(CMAKE_C_FLAGS_INIT "${tandem_freestanding}")
set(CMAKE_CXX_FLAGS_INIT "${tandem_freestanding} -fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-use-cxa-atexit")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-nostdlib -static -Wl,--gc-sections")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
