# SPDX-License-Identifier: BSD-2-Clause
# 32-bit MIPS little-endian (Debian mipsel, MIPS32r2): the other phone SoCs.
#   cmake -S . -B build-mipsel -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-mipsel.cmake \
#         -DSW_SYSROOT=/path/to/mipsel-root -DSW_STATIC=ON
set(CMAKE_SYSTEM_PROCESSOR mipsel)
set(SW_TRIPLE mipsel-linux-gnu)
set(SW_QEMU qemu-mipsel)
include(${CMAKE_CURRENT_LIST_DIR}/cross-common.cmake)
