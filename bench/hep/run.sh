#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# HEP collector rate: `sipwatch -L` on one core (taskset -c 0) receiving HEP v3
# from bench/hep/blast.c on the other core, on loopback in a network namespace
# of its own (unshare -n; root). UDP: RATES messages/s are tried in turn, N
# messages each; a rate passes when every message was received and analysed
# (the collector's "HEP received" count equals N and the kernel dropped none).
# TCP: as fast as the collector takes them (TCP flow control, no loss).
#   bench/hep/run.sh                     # N=300000, RATES="25000 50000 ... 200000"
#   SIPWATCH=/path/sipwatch N=100000 RATES="50000 100000" bench/hep/run.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
N=${N:-300000}
RATES=${RATES:-"25000 50000 75000 100000 125000 150000 200000"}
out=${OUT:-$root/bench/out/hep}
mkdir -p "$out"
if [ -z "${SW_HEP_BENCH_NS:-}" ]; then
    [ "$(id -u)" = 0 ] || { echo "run as root (a network namespace of its own)"; exit 1; }
    if [ -z "${SIPWATCH:-}" ]; then
        cmake -S "$root" -B /tmp/build-bench -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSW_TESTS=OFF >/dev/null
        cmake --build /tmp/build-bench -j2 >/dev/null
        SIPWATCH=/tmp/build-bench/cli/sipwatch
        echo "sipwatch at $(git -C "$root" rev-parse --short HEAD)"
    fi
    cc -O2 -std=gnu11 -Wall -Wextra -o "$out/blast" "$here/blast.c"
    exec env SW_HEP_BENCH_NS=1 SIPWATCH="$SIPWATCH" unshare -n bash "$0" "$@"
fi
ip link set lo up
port=9060
one() { # PROTO RATE -> prints a result line
    local proto=$1 rate=$2 log="$out/listen-$1-$2.txt"
    /usr/bin/time -f "%e %U %S %M" -o "$out/time-$proto-$rate.txt" \
        taskset -c 0 "$SIPWATCH" -L "$proto:127.0.0.1:$port" --report -q >"$log" 2>&1 &
    local lp=$!
    sleep 0.5
    local bl=()
    [ "$proto" = tcp ] && bl=(-t)
    local sent; sent=$(taskset -c 1 "$out/blast" -r "$rate" -n "$N" "${bl[@]}" 127.0.0.1 $port)
    sleep 1.5
    kill -INT "$(pgrep -P $lp)"   # sipwatch (GNU time does not pass signals on)
    wait $lp || true
    local got drop cpu
    got=$(sed -n 's/^HEP received: \([0-9]*\) packets.*/\1/p' "$log")
    drop=$(sed -n 's/.*, \([0-9]*\) dropped by the kernel$/\1/p' "$log")
    read -r _ u s rss < "$out/time-$proto-$rate.txt"
    cpu=$(awk -v u="$u" -v s="$s" 'BEGIN{printf "%.1f", u+s}')
    printf '%-4s %-8s %-40s received=%s kernel_dropped=%s cpu=%ss rss=%sKiB %s\n' \
        "$proto" "$rate" "$sent" "$got" "$drop" "$cpu" "$rss" \
        "$([ "$got" = "$N" ] && [ "$drop" = 0 ] && echo PASS || echo LOSS)"
}
for r in $RATES; do one udp "$r"; done
one tcp 1000000
