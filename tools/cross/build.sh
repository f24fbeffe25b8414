#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Static sipwatch for the phones' CPUs, from a fresh clone (README, "On the
# phone"): makes each target's root file system with mmdebstrap (Debian 12,
# --variant=extract: the -dev packages unpacked, nothing configured), builds
# with cmake/toolchain-ARCH.cmake and -DSW_STATIC=ON, and leaves the
# stripped binaries in OUT/sipwatch-ARCH. A static x86-64 build comes along:
# the reference the cross builds' output is compared with, and the binary
# whose memory is measured.
#
#   tools/cross/build.sh [--out DIR] [--sysroots DIR] [--test] [--sysroots-only] [ARCH...]
#
#   ARCH             armhf, mipsel, arm64 (default: all three)
#   --out DIR        build trees and binaries (default: build-cross)
#   --sysroots DIR   where the target roots are made and kept (default:
#                    OUT/sysroots); a root is made again when its package
#                    list changes
#   --test           run each cross build's tests under qemu-user (unit and
#                    fuzz replays, the size budget, byte-identical output
#                    against the x86-64 build) and the x86-64 build's
#                    memory budget
#   --sysroots-only  make the roots and stop
#
# Needs (Debian 12, as root): `bash .ci/deps cross` installs the cross
# compilers, qemu-user and mmdebstrap.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
out=build-cross
sysroots=
test=0
only=0
archs=()
while [ $# -gt 0 ]; do
	case $1 in
	--out) out=$2; shift 2 ;;
	--sysroots) sysroots=$2; shift 2 ;;
	--test) test=1; shift ;;
	--sysroots-only) only=1; shift ;;
	armhf|mipsel|arm64) archs+=("$1"); shift ;;
	-h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d;s/^# \{0,1\}//'; exit 0 ;;
	*) echo "build.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
	esac
done
[ ${#archs[@]} -gt 0 ] || archs=(armhf mipsel arm64)
mkdir -p "$out"
out=$(cd "$out" && pwd)
sysroots=${sysroots:-$out/sysroots}
mkdir -p "$sysroots"
sysroots=$(cd "$sysroots" && pwd)
jobs=$(nproc)

triple() {
	case $1 in
	armhf) echo arm-linux-gnueabihf ;;
	mipsel) echo mipsel-linux-gnu ;;
	arm64) echo aarch64-linux-gnu ;;
	esac
}

# What the target root holds: the C library and the four libraries'
# static archives and headers, cmocka for the unit tests, libc-bin for the
# C.UTF-8 locale the binary carries (tui/devrt.c).
PKGS=libc6-dev,libc-bin,libpcap0.8-dev,libosip2-dev,libncurses-dev,zlib1g-dev,libcmocka-dev

make_sysroot() {
	local arch=$1 root=$sysroots/$1
	local stamp="$PKGS bookworm $arch"
	if [ -f "$root/.sipwatch-sysroot" ] && [ "$(cat "$root/.sipwatch-sysroot")" = "$stamp" ]; then
		return 0
	fi
	command -v mmdebstrap >/dev/null || { echo "build.sh: no mmdebstrap (bash .ci/deps cross)" >&2; exit 1; }
	echo "== sysroot $arch ($root)"
	rm -rf "$root" "$root.tmp"
	# The machine's own apt sources, without running anything of the
	# target (extract: no maintainer scripts, no emulation needed).
	mmdebstrap --quiet --variant=extract --arch="$arch" --include="$PKGS" \
		bookworm "$root.tmp" >"$out/sysroot-$arch.log" 2>&1 ||
		{ tail -20 "$out/sysroot-$arch.log" >&2; exit 1; }
	# Absolute symlinks (libz.so -> /lib/...) would point into the build
	# machine's own root: make them relative to the sysroot.
	find "$root.tmp" -type l -lname '/*' | while read -r l; do
		t=$(readlink "$l")
		ln -sfn "$(realpath -m --relative-to="$(dirname "$l")" "$root.tmp$t")" "$l"
	done
	# What a static binary contains, for its licence notes (README): each
	# linked library's source package and version, from its changelog.
	for p in libc6 libosip2-15 libpcap0.8 libncursesw6 zlib1g; do
		c="$root.tmp/usr/share/doc/$p/changelog.Debian.gz"
		[ -f "$c" ] && echo "$p: $(gzip -dc "$c" | head -1 | cut -d' ' -f1-2)"
	done >"$root.tmp/SOURCES"
	echo "$stamp" >"$root.tmp/.sipwatch-sysroot"
	mv "$root.tmp" "$root"
}

for a in "${archs[@]}"; do
	make_sysroot "$a"
done
[ "$only" = 1 ] && exit 0

# The x86-64 static build: reference output and the memory budget.
echo "== x86-64 static"
cmake -S "$here" -B "$out/x86_64" -DSW_STATIC=ON -DSW_WERROR=ON \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo >"$out/x86_64.log" 2>&1 ||
	{ tail -20 "$out/x86_64.log" >&2; exit 1; }
cmake --build "$out/x86_64" -j"$jobs" --target sipwatch sw_gen_register >>"$out/x86_64.log" 2>&1 ||
	{ grep -E 'error|Error' "$out/x86_64.log" | head -20 >&2; exit 1; }
strip -o "$out/sipwatch-x86_64" "$out/x86_64/cli/sipwatch"
ref=$out/x86_64/cli/sipwatch

for a in "${archs[@]}"; do
	t=$(triple "$a")
	command -v "$t-gcc" >/dev/null || { echo "build.sh: no $t-gcc (bash .ci/deps cross)" >&2; exit 1; }
	echo "== $a"
	cmake -S "$here" -B "$out/$a" -DCMAKE_TOOLCHAIN_FILE="$here/cmake/toolchain-$a.cmake" \
		-DSW_SYSROOT="$sysroots/$a" -DSW_STATIC=ON -DSW_WERROR=ON \
		-DCMAKE_BUILD_TYPE=RelWithDebInfo -DSW_REFERENCE_SIPWATCH="$ref" \
		>"$out/$a.log" 2>&1 || { tail -20 "$out/$a.log" >&2; exit 1; }
	cmake --build "$out/$a" -j"$jobs" >>"$out/$a.log" 2>&1 ||
		{ grep -E 'error|Error' "$out/$a.log" | head -20 >&2; exit 1; }
	"$t-strip" -o "$out/sipwatch-$a" "$out/$a/cli/sipwatch"
done

echo "== stripped static binaries"
for a in x86_64 "${archs[@]}"; do
	printf '  %-40s %9d bytes\n' "$out/sipwatch-$a" "$(stat -c %s "$out/sipwatch-$a")"
done

if [ "$test" = 1 ]; then
	rc=0
	for a in "${archs[@]}"; do
		echo "== tests $a (qemu-user)"
		ctest --test-dir "$out/$a" --output-on-failure -j"$jobs" || rc=1
	done
	echo "== memory budget (x86-64 static)"
	ctest --test-dir "$out/x86_64" --output-on-failure -L phone || rc=1
	exit $rc
fi
