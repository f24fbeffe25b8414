# SPDX-License-Identifier: BSD-2-Clause
# -DSW_STATIC=ON: sipwatch linked statically, for a phone that has none of
# the libraries (README, "On the phone"). Included by the top CMakeLists.txt
# instead of the pkg-config IMPORTED_TARGETs, and defines targets of the same
# names (PkgConfig::PCAP, ::OSIP, ::NCURSESW, ::ZLIB) whose link items are the
# static archives themselves, in the order a static link needs:
#  - pkg-config's targets resolve -lfoo to libfoo.so, which -static cannot use;
#  - libosip2.pc lists -losipparser2 before -losip2, but libosip2.a needs
#    libosipparser2.a after it;
#  - Debian's libpcap.a has a D-Bus capture source (pcap-dbus.o) that pulls
#    libdbus-1.a, which in turn needs sd_listen_fds/sd_is_socket from
#    libsystemd, of which there is no static library. A phone has no D-Bus
#    to capture: pcap_nodbus.c answers for that source ("not mine", no
#    devices), compiled into every target that links libpcap, so the linker
#    never takes pcap-dbus.o (nor libdbus) from the archive.
# Only sipwatch gets -static: the unit tests link cmocka, which Debian ships
# as a shared library only (they run with the target's loader: qemu -L).
cmake_minimum_required(VERSION 3.18)

function(sw_static_module prefix module)
  cmake_parse_arguments(M "" "" "ARCHIVES;SOURCES" ${ARGN})
  pkg_check_modules(${prefix}_PC REQUIRED ${module})
  set(items)
  foreach(a ${M_ARCHIVES})
    string(MAKE_C_IDENTIFIER "SW_ARCHIVE_${a}" var)
    find_library(${var} NAMES lib${a}.a HINTS ${${prefix}_PC_LIBRARY_DIRS})
    if(NOT ${var})
      message(FATAL_ERROR "SW_STATIC: no lib${a}.a for ${module} (install its -dev package "
        "in the sysroot, or build with -DSW_STATIC=OFF)")
    endif()
    list(APPEND items ${${var}})
  endforeach()
  add_library(sw_static_${prefix} INTERFACE)
  target_include_directories(sw_static_${prefix} SYSTEM INTERFACE ${${prefix}_PC_INCLUDE_DIRS})
  target_compile_options(sw_static_${prefix} INTERFACE ${${prefix}_PC_CFLAGS_OTHER})
  target_link_libraries(sw_static_${prefix} INTERFACE ${items})
  if(M_SOURCES)
    target_sources(sw_static_${prefix} INTERFACE ${M_SOURCES})
  endif()
  add_library(PkgConfig::${prefix} ALIAS sw_static_${prefix})
endfunction()

sw_static_module(PCAP libpcap ARCHIVES pcap
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/pcap_nodbus.c)
sw_static_module(OSIP libosip2 ARCHIVES osip2 osipparser2)
sw_static_module(NCURSESW ncursesw ARCHIVES ncursesw tinfo)
sw_static_module(ZLIB zlib ARCHIVES z)

# Smaller binaries: every function and object in its own section, and the
# linker drops the ones nothing reaches.
add_compile_options(-ffunction-sections -fdata-sections)
add_link_options(-Wl,--gc-sections)

# cmake --build BUILD --target relink_kit: BUILD/sipwatch-relink.tar.gz, the
# objects and archives that relink sipwatch with another glibc or libosip2
# (README, "On the phone": what a distributor ships). Defined once the
# targets exist (top CMakeLists.txt calls sw_relink_kit()).
function(sw_relink_kit)
  set(ours sw_tui sw_view sw_analyze sw_decode sw_capture sw_hep sw_i18n sw_common)
  set(archives)
  foreach(t ${ours})
    list(APPEND archives $<TARGET_FILE:${t}>)
  endforeach()
  add_custom_target(relink_kit
    COMMAND ${CMAKE_COMMAND} -DOUT=${CMAKE_BINARY_DIR}/sipwatch-relink.tar.gz
            -DWORK=${CMAKE_BINARY_DIR}/relink-kit
            "-DOBJS=$<TARGET_OBJECTS:sipwatch>" "-DARCHIVES=${archives}"
            "-DTHIRD=${SW_ARCHIVE_pcap};${SW_ARCHIVE_ncursesw};${SW_ARCHIVE_tinfo};${SW_ARCHIVE_z}"
            -DCC=${CMAKE_C_COMPILER} -P ${PROJECT_SOURCE_DIR}/cmake/relink_kit.cmake
    DEPENDS sipwatch VERBATIM)
endfunction()
