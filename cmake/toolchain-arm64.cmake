# SPDX-License-Identifier: BSD-2-Clause
# 64-bit ARM (Debian arm64): newer SoCs and ARM servers.
#   cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-arm64.cmake \
#         -DSW_SYSROOT=/path/to/arm64-root -DSW_STATIC=ON
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(SW_TRIPLE aarch64-linux-gnu)
set(SW_QEMU qemu-aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/cross-common.cmake)
