#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Memory under a flood: peak RSS of sipwatch on 1,000,000 distinct Call-IDs
# plus random datagrams to port 5060 (bench/mem/flood.py), read from a file
# and captured live from a veth while tcpreplay sends the same capture.
#
#   bench/mem/run.sh SIPWATCH [N] [WORKDIR]
#
# N distinct Call-IDs (default 1000000); WORKDIR (default /tmp/swrob-mem)
# holds the generated capture and the logs. Prints a table (bench/mem/README.md
# explains the columns): mode, exit status, seconds, peak RSS and RSS at
# 25/50/75/100 % of the run, in KiB.
#
# The live part needs root, ip netns and tcpreplay; it runs in two network
# namespaces of its own (swrob-mem-*), replays the capture at LIVE_PPS
# packets per second (default 20000) and stops sipwatch with SIGINT when the
# replay is done. It is skipped when any of that is missing.
set -euo pipefail
SW=$(readlink -f "${1:?usage: $0 SIPWATCH [N] [WORKDIR]}")
N=${2:-1000000}
W=${3:-/tmp/swrob-mem}
PPS=${LIVE_PPS:-20000}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$W"
if [ -n "${CAPTURE:-}" ]; then
	# another capture instead of the flood, e.g. one phone's week:
	#   cc -O2 -o /tmp/gen bench/gen_register.c && /tmp/gen -m day -n 168 -o /tmp/week.pcap
	#   CAPTURE=/tmp/week.pcap LIVE_PPS=5000 bench/mem/run.sh build/cli/sipwatch
	cap=$(readlink -f "$CAPTURE")
	echo "# $cap, $(du -h "$cap" | cut -f1), $SW"
else
	cap=$W/flood-$N.pcap
	[ -s "$cap" ] || python3 "$here/flood.py" -n "$N" -o "$cap" >"$W/flood-$N.txt"
	echo "# $(cat "$W/flood-$N.txt"), $(du -h "$cap" | cut -f1), $SW"
fi
printf 'mode\texit\tseconds\tpeak_kib\tp25_kib\tp50_kib\tp75_kib\tlast_kib\n'

rss() { python3 "$here/rss.py" --label "$1" -- sh -c "exec $2"; }

rss file-report "'$SW' -r '$cap' --report -q >/dev/null 2>'$W/report.err'"
rss file-json "'$SW' -r '$cap' --json >/dev/null 2>'$W/json.err'"
rss file-messages "'$SW' -r '$cap' --messages -q >/dev/null 2>'$W/messages.err'"
rss file-bounded "'$SW' -r '$cap' --report -q --max-messages 100000 >/dev/null 2>'$W/bounded.err'"

# ---- live, through a veth ----
if [ "$(id -u)" -ne 0 ] || ! command -v tcpreplay >/dev/null || ! command -v ip >/dev/null; then
	echo "# live: skipped (needs root, ip and tcpreplay)"
	exit 0
fi
A=swrob-mem-a-$$
B=swrob-mem-b-$$
SWPID=
cleanup() {
	[ -n "$SWPID" ] && kill "$SWPID" 2>/dev/null || true
	ip netns del "$A" 2>/dev/null || true
	ip netns del "$B" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
ip netns add "$A"
ip netns add "$B"
ip -n "$A" link add swrob-m0 type veth peer name swrob-m1 netns "$B"
ip -n "$A" link set swrob-m0 up
ip -n "$B" link set swrob-m1 up
ip -n "$A" link set lo up

# sipwatch -i in A (streams findings, then the report; drops to nobody);
# tcpreplay in B.
python3 "$here/rss.py" --label "live-report-${PPS}pps" --pid-file "$W/live.pid" -- \
	sh -c "exec ip netns exec '$A' '$SW' -i swrob-m0 --report >'$W/live.out' 2>'$W/live.err'" \
	>"$W/live.row" &
RSSPID=$!
for _ in $(seq 1 100); do
	[ -s "$W/live.pid" ] && [ "$(cat "/proc/$(cat "$W/live.pid")/comm" 2>/dev/null)" = sipwatch ] && break
	sleep 0.05
done
SWPID=$(cat "$W/live.pid")
sleep 0.5
ip netns exec "$B" tcpreplay -q -i swrob-m1 --pps="$PPS" "$cap" >"$W/tcpreplay.log" 2>&1 || true
sleep 1
kill -INT "$SWPID"
wait "$RSSPID" || true
SWPID=
cat "$W/live.row"
grep -h "packets, \|received by the kernel" "$W/live.out" | sed 's/^/# live: /' || true
tail -n 3 "$W/tcpreplay.log" | sed 's/^/# tcpreplay: /'
