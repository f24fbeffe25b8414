#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""The phone build's size budget: sipwatch stripped, static, within budget.

    tests/phone/check_binary.py --strip STRIP --budget BYTES --arch NAME SIPWATCH

Strips a copy of SIPWATCH with the target's strip, then checks that it is a
static executable (an ELF with no PT_INTERP: it needs no loader and no
library on the phone) and that it is at most BUDGET bytes. Prints what it
measured; exit 1 when a check fails.
"""
import argparse
import os
import shutil
import struct
import subprocess
import sys
import tempfile

PT_INTERP = 3


def elf_info(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF":
        return None
    cls, enc = data[4], data[5]
    end = "<" if enc == 1 else ">"
    if cls == 1:
        e_type, e_machine = struct.unpack_from(end + "HH", data, 16)
        e_phoff, = struct.unpack_from(end + "I", data, 28)
        e_phentsize, e_phnum = struct.unpack_from(end + "HH", data, 42)
    else:
        e_type, e_machine = struct.unpack_from(end + "HH", data, 16)
        e_phoff, = struct.unpack_from(end + "Q", data, 32)
        e_phentsize, e_phnum = struct.unpack_from(end + "HH", data, 54)
    interp = False
    for i in range(e_phnum):
        p_type, = struct.unpack_from(end + "I", data, e_phoff + i * e_phentsize)
        interp = interp or p_type == PT_INTERP
    return {"bits": 32 if cls == 1 else 64, "endian": "little" if enc == 1 else "big",
            "machine": e_machine, "interp": interp}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--strip", required=True)
    ap.add_argument("--budget", type=int, required=True)
    ap.add_argument("--arch", required=True)
    ap.add_argument("binary")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="sw-size-")
    try:
        out = os.path.join(tmp, "sipwatch")
        subprocess.run([a.strip, "-o", out, a.binary], check=True)
        size = os.path.getsize(out)
        info = elf_info(out)
    finally:
        shutil.rmtree(tmp)
    ok = True
    if info is None:
        print("FAIL: %s is not an ELF file" % a.binary)
        return 1
    print("sipwatch for %s: %d-bit %s-endian ELF, %s, %d bytes stripped (budget %d, %.0f %%)"
          % (a.arch, info["bits"], info["endian"],
             "dynamic (has an ELF interpreter)" if info["interp"] else "static",
             size, a.budget, 100.0 * size / a.budget))
    if info["interp"]:
        print("FAIL: not static: the phone has no loader or libraries for it (-DSW_STATIC=ON)")
        ok = False
    if size > a.budget:
        print("FAIL: %d bytes over the budget" % (size - a.budget))
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
