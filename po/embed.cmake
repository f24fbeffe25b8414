# SPDX-License-Identifier: BSD-2-Clause
# Turn a binary file into a C array: cmake -DIN=x.mo -DOUT=x.c -DNAME=sym -P embed.cmake
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" n)
math(EXPR bytes "${n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
string(REGEX REPLACE "((0x..,){16})" "\\1\n" body "${body}")
file(WRITE ${OUT} "/* Generated from ${IN}; do not edit. */\n"
  "const unsigned char ${NAME}[] = {\n${body}0};\n"
  "const unsigned long ${NAME}_len = ${bytes};\n")
