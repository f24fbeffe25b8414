#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Proves the hardening of a built sipwatch from its ELF headers (readelf, from
# binutils), the way Debian's hardening-check does:
#   PIE            ELF type DYN and the PIE flag in FLAGS_1
#   RELRO          a GNU_RELRO program header
#   BIND_NOW       BIND_NOW in FLAGS, or NOW in FLAGS_1
#   stack protector  the binary calls __stack_chk_fail
#   fortify        it calls fortified libc functions (__*_chk), with "fortify"
#
#   tests/hardening/check_elf.sh BINARY [fortify]
set -u
bin=${1:?usage: $0 BINARY [fortify]}
want_fortify=${2:-}
command -v readelf >/dev/null || { echo "FAIL: readelf not found (binutils)"; exit 1; }
[ -f "$bin" ] || { echo "FAIL: $bin: no such file"; exit 1; }
fail=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }

hdr=$(readelf -hW "$bin") || { echo "FAIL: $bin: not ELF"; exit 1; }
dyn=$(readelf -dW "$bin")
seg=$(readelf -lW "$bin")
syms=$(readelf --dyn-syms -W "$bin")

type=$(sed -n 's/^ *Type: *\([A-Z]*\).*/\1/p' <<<"$hdr")
flags1=$(grep -E '\(FLAGS_1\)' <<<"$dyn")
flags=$(grep -E '\(FLAGS\)' <<<"$dyn")
[ "$type" = DYN ] && grep -q 'PIE' <<<"$flags1" && ok "PIE (type $type, $flags1)" ||
	bad "PIE: type '$type', FLAGS_1 '${flags1:-none}'"
grep -q 'GNU_RELRO' <<<"$seg" && ok "RELRO (GNU_RELRO segment)" || bad "RELRO: no GNU_RELRO segment"
if grep -q 'BIND_NOW' <<<"$flags" || grep -qw 'NOW' <<<"$flags1"; then
	ok "BIND_NOW (${flags:+$flags }$flags1)"
else
	bad "BIND_NOW: FLAGS '${flags:-none}', FLAGS_1 '${flags1:-none}'"
fi
grep -q '__stack_chk_fail' <<<"$syms" && ok "stack protector (__stack_chk_fail)" ||
	bad "stack protector: __stack_chk_fail not referenced"
chk=$(grep -oE '__[a-z0-9_]+_chk\b' <<<"$syms" | grep -v __stack_chk | sort -u | tr '\n' ' ')
if [ "$want_fortify" = fortify ]; then
	[ -n "$chk" ] && ok "fortify (${chk% })" || bad "fortify: no __*_chk function referenced"
fi
[ $fail -eq 0 ] && echo "PASS: $bin is hardened" || echo "FAILED: $bin"
exit $fail
