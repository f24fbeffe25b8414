# SPDX-License-Identifier: BSD-2-Clause
# Hardening of everything built here, as Debian's dpkg-buildflags "hardening=+all"
# does: stack protector, fortified libc calls (optimised builds: _FORTIFY_SOURCE
# needs -O), position-independent executables, read-only relocations bound at
# start-up (RELRO, now). tests/hardening/check_elf.sh proves them on the binary.
option(SW_HARDEN "Build with -fstack-protector-strong, -D_FORTIFY_SOURCE=2, -fPIE -pie, RELRO/now" ON)

set(SW_FORTIFY OFF)
if(SW_HARDEN)
  add_compile_options(-fstack-protector-strong)
  # A fully static executable (issue 12's SW_STATIC) is not a PIE here.
  if(NOT SW_STATIC)
    add_compile_options(-fPIE)
    add_link_options(-pie)
  endif()
  add_link_options(-Wl,-z,relro -Wl,-z,now)
  # Not under the sanitizers (ASan replaces the checked calls) and only
  # where the optimiser runs, as the glibc manual asks.
  if(NOT SW_SANITIZE AND NOT SW_FUZZ AND CMAKE_BUILD_TYPE MATCHES "^(Release|RelWithDebInfo|MinSizeRel)$")
    add_compile_options(-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2)
    set(SW_FORTIFY ON)
  endif()
endif()
