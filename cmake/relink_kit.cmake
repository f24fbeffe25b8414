# SPDX-License-Identifier: BSD-2-Clause
# The relink kit of a static sipwatch (LGPL 2.1 section 6a: the user must be
# able to relink sipwatch with a modified glibc or libosip2). Run by the
# relink_kit target (cmake/static.cmake):
#   cmake -DOUT=kit.tar.gz -DWORK=dir -DOBJS=a.o;b.o -DARCHIVES=libsw_x.a;...
#         -DTHIRD=libpcap.a;... -DCC=arm-linux-gnueabihf-gcc -P relink_kit.cmake
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/sipwatch-relink/obj ${WORK}/sipwatch-relink/lib)
set(objs)
set(i 0)
foreach(o ${OBJS})
  get_filename_component(n ${o} NAME)
  math(EXPR i "${i} + 1")
  configure_file(${o} ${WORK}/sipwatch-relink/obj/${i}-${n} COPYONLY)
  list(APPEND objs obj/${i}-${n})
endforeach()
set(libs)
foreach(a ${ARCHIVES} ${THIRD})
  get_filename_component(n ${a} NAME)
  configure_file(${a} ${WORK}/sipwatch-relink/lib/${n} COPYONLY)
  list(APPEND libs lib/${n})
endforeach()
string(JOIN " " objs_s ${objs})
string(JOIN " " libs_s ${libs})
file(WRITE ${WORK}/sipwatch-relink/relink.sh
"#!/bin/sh
# Relinks sipwatch from the objects here with the C library and libosip2 of
# your choice (GNU LGPL 2.1, section 6a). The archives in lib/ are sipwatch's
# own and the non-LGPL libraries it was linked with (libpcap, ncurses, zlib).
#   CC=${CC} OSIP_LIBS='/path/libosip2.a /path/libosipparser2.a' sh relink.sh
# The C library is the one CC links statically (give --sysroot=... in CC).
set -e
cd \"$(dirname \"$0\")\"
CC=\${CC:-${CC}}
OSIP_LIBS=\${OSIP_LIBS:--losip2 -losipparser2}
\$CC -static -Wl,--gc-sections -o sipwatch ${objs_s} \\
  lib/libsw_tui.a lib/libsw_analyze.a lib/libsw_decode.a lib/libsw_capture.a \\
  lib/libsw_i18n.a lib/libsw_common.a \\
  ${libs_s} \$OSIP_LIBS -lpthread
echo \"relinked: $(pwd)/sipwatch\"
")
execute_process(COMMAND ${CMAKE_COMMAND} -E chdir ${WORK}
  ${CMAKE_COMMAND} -E tar czf ${OUT} sipwatch-relink RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "relink_kit: tar failed")
endif()
message(STATUS "relink kit: ${OUT}")
