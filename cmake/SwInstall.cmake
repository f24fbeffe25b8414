# SPDX-License-Identifier: BSD-2-Clause
# cmake --install and cpack -G DEB: the binary, the man page (gzip -9n, as
# Debian ships them), the JSON/findings/pairs documents, the licence and the
# README under share/doc/sipwatch, bash and zsh completion.
include(GNUInstallDirs)

install(TARGETS sipwatch RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

find_program(SW_GZIP gzip REQUIRED)
set(_man ${PROJECT_BINARY_DIR}/sipwatch.1.gz)
add_custom_command(OUTPUT ${_man}
  COMMAND ${SW_GZIP} -9n -c ${PROJECT_SOURCE_DIR}/docs/sipwatch.1 > ${_man}
  DEPENDS ${PROJECT_SOURCE_DIR}/docs/sipwatch.1 VERBATIM)
add_custom_target(sw_man ALL DEPENDS ${_man})
install(FILES ${_man} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

install(FILES ${PROJECT_SOURCE_DIR}/docs/json.md ${PROJECT_SOURCE_DIR}/docs/findings.md
              ${PROJECT_SOURCE_DIR}/docs/pairs.md ${PROJECT_SOURCE_DIR}/README.md
              ${PROJECT_SOURCE_DIR}/LICENSE
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
# Debian's name for the licence of a package.
install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR} RENAME copyright)

install(FILES ${PROJECT_SOURCE_DIR}/completion/sipwatch.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME sipwatch)
install(FILES ${PROJECT_SOURCE_DIR}/completion/_sipwatch
        DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)

# cpack -G DEB: the dependencies come from the binary itself (dpkg-shlibdeps,
# from dpkg-dev), so they are the libraries it really links.
set(CPACK_PACKAGE_NAME sipwatch)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "the sipwatch authors")
set(CPACK_PACKAGE_CONTACT "the sipwatch authors <sipwatch@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "diagnose why a SIP phone does not register, from packet captures")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "sipwatch reads pcap or pcapng captures (or captures live, with tcpdump's
options), follows every SIP transaction, registration and dialog, and names
the cause of a failure with the frames that prove it and the fix in the
phone's own settings, in English or Chinese: a terminal view, a report, and
newline-delimited JSON for scripts.")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
include(CPack)
