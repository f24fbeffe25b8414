# SPDX-License-Identifier: BSD-2-Clause
# Shared part of the cross toolchain files (toolchain-armhf.cmake ...):
# Debian's cross compiler for SW_TRIPLE, a target root file system made with
# mmdebstrap (tools/cross/build.sh) as the sysroot, pkg-config looking only
# inside it, and qemu-user as CMAKE_CROSSCOMPILING_EMULATOR so that ctest
# runs the unit and fuzz-replay tests of the target.
#
# The sysroot is a parameter: -DSW_SYSROOT=/path, or SW_SYSROOT in the
# environment.
set(CMAKE_SYSTEM_NAME Linux)

if(NOT SW_SYSROOT AND DEFINED ENV{SW_SYSROOT})
  set(SW_SYSROOT "$ENV{SW_SYSROOT}")
endif()
if(NOT SW_SYSROOT OR NOT EXISTS "${SW_SYSROOT}/usr/include/${SW_TRIPLE}")
  message(FATAL_ERROR "SW_SYSROOT='${SW_SYSROOT}' is not a ${SW_TRIPLE} root file system: "
    "make one with tools/cross/build.sh --sysroots-only, then -DSW_SYSROOT=DIR")
endif()
set(SW_SYSROOT "${SW_SYSROOT}" CACHE PATH "Target root file system (mmdebstrap --variant=extract)")
# try_compile() projects read this file again: hand the sysroot on.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES SW_SYSROOT SW_TRIPLE SW_QEMU)

set(CMAKE_C_COMPILER ${SW_TRIPLE}-gcc)
set(CMAKE_SYSROOT "${SW_SYSROOT}")
set(CMAKE_LIBRARY_ARCHITECTURE ${SW_TRIPLE})
set(CMAKE_FIND_ROOT_PATH "${SW_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg-config: the target's .pc files only, paths prefixed with the sysroot.
set(ENV{PKG_CONFIG_LIBDIR} "${SW_SYSROOT}/usr/lib/${SW_TRIPLE}/pkgconfig:${SW_SYSROOT}/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "${SW_SYSROOT}")

# Tests run under qemu-user; -L makes the dynamic test programs find the
# target's loader and libraries in the sysroot (sipwatch itself is static
# with -DSW_STATIC=ON and needs neither).
find_program(SW_QEMU_PATH NAMES ${SW_QEMU} NO_CMAKE_FIND_ROOT_PATH)
if(SW_QEMU_PATH)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${SW_QEMU_PATH};-L;${SW_SYSROOT}")
endif()
