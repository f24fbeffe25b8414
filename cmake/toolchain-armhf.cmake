# SPDX-License-Identifier: BSD-2-Clause
# 32-bit ARM, ARMv7 hard-float (Debian armhf): most phone SoCs.
#   cmake -S . -B build-armhf -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-armhf.cmake \
#         -DSW_SYSROOT=/path/to/armhf-root -DSW_STATIC=ON
set(CMAKE_SYSTEM_PROCESSOR arm)
set(SW_TRIPLE arm-linux-gnueabihf)
set(SW_QEMU qemu-arm)
include(${CMAKE_CURRENT_LIST_DIR}/cross-common.cmake)
