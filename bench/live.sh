#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Live capture rate (issue 15): the highest SIP message rate `sipwatch -i`
# sustains on one core with no packet dropped by the kernel, with --report and
# with the interactive view. Run on demand (root), never in CI.
#
#   bench/live.sh [RATE...]          # default rates 20000 50000 80000 110000 140000
#   N=200000 bench/live.sh 50000     # messages per run (default 200000)
#   MODES="report" bench/live.sh     # report, tui (default both), threads2
#
# Two network namespaces made here (swbench-a-PID, swbench-b-PID) joined by a
# veth pair; nothing else is touched and every address involved is inside
# them (the capture's 10.x addresses travel only on that veth).
# The CPU seconds sipwatch used (from /proc) are printed beside each run:
# on a shared machine a drop with few CPU seconds means sipwatch was not
# given its core; SIP messages per CPU second is what a free core sustains. sipwatch runs
# in A on the veth, pinned to CPU 0 with --threads 1 ("threads2": two threads,
# not pinned); tcpreplay sends the first N packets of reg400k (bench/
# gen_register.c: one SIP message a packet) from B at RATE packets/s, pinned
# to CPU 1. A run passes when sipwatch saw every packet sent and the kernel
# dropped none (pcap_stats, as sipwatch prints them: the report's summary, the
# view's status bar). The view reads the same capture in --tui on a tmux
# terminal (one thread, as always). Prints one line per mode and rate, then the highest
# rate that passed per mode. Needs root, ip, taskset, tcpreplay, tmux (view).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
out=$here/out
mkdir -p "$out"
SIPWATCH=${SIPWATCH:-/tmp/build-bench/cli/sipwatch}
N=${N:-200000}
MODES=${MODES:-"report tui"}
RATES=${*:-"20000 50000 80000 110000 140000"}

[ "$(id -u)" -eq 0 ] || { echo "live.sh: needs root (network namespaces)" >&2; exit 2; }
for t in ip taskset tcpreplay tmux cc; do
	command -v "$t" >/dev/null || { echo "live.sh: $t missing (apt-get install iproute2 util-linux tcpreplay tmux gcc)" >&2; exit 2; }
done
if [ ! -x "$SIPWATCH" ]; then
	cmake -S "$root" -B /tmp/build-bench -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSW_TESTS=OFF >/dev/null
	cmake --build /tmp/build-bench -j2 >"$out/build.log" 2>&1
fi
cap=$out/reg400k.pcap
if [ ! -s "$cap" ]; then
	cc -O2 -std=c11 -o "$out/gen_register" "$here/gen_register.c"
	"$out/gen_register" -m register -n 100000 -s 1 -o "$cap" >/dev/null
fi

A=swbench-a-$$
B=swbench-b-$$
TM=swbench-$$
SWPID=
cleanup() {
	[ -n "$SWPID" ] && kill "$SWPID" 2>/dev/null || true
	tmux kill-session -t "$TM" 2>/dev/null || true
	ip netns del "$A" 2>/dev/null || true
	ip netns del "$B" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
ip netns add "$A"
ip netns add "$B"
ip -n "$A" link add sw0 type veth peer name sw1 netns "$B"
ip -n "$A" link set sw0 up
ip -n "$B" link set sw1 up
ip -n "$A" link set lo up

echo "== $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) CPUs, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)"
echo "   sipwatch $SIPWATCH (HEAD $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')); $(tcpreplay -V 2>&1 | head -1)"
echo "   load average before: $(cut -d' ' -f1-3 /proc/loadavg); $N messages a run"

# send RATE: tcpreplay from B; prints the rate it achieved (packets/s).
send() {
	taskset -c 1 ip netns exec "$B" tcpreplay -i sw1 --pps="$1" --limit="$N" "$cap" >"$out/tcpreplay.log" 2>&1 || true
	sed -n 's/.*Rated: [0-9.]* Bps, [0-9.]* Mbps, \([0-9.]*\) pps.*/\1/p' "$out/tcpreplay.log" | head -1
}

# CPU seconds (user+sys) a process has used so far.
cpu_of() {
	awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$1/stat" 2>/dev/null || echo "?"
}

# One run: prints "rate achieved sip_seen dropped cpu_seconds".
run_report() { # RATE THREADS
	local rate=$1 threads=$2 pin=()
	[ "$threads" = 1 ] && pin=(taskset -c 0)
	"${pin[@]}" ip netns exec "$A" "$SIPWATCH" -i sw0 -Z root --threads "$threads" --report \
		>"$out/live.out" 2>"$out/live.err" &
	SWPID=$!
	sleep 1
	local got
	got=$(send "$rate")
	sleep 2
	local cpu
	cpu=$(cpu_of "$SWPID")
	kill -INT "$SWPID"
	wait "$SWPID" || true
	SWPID=
	local seen drop
	seen=$(sed -n 's/^[0-9]* packets, \([0-9]*\) SIP messages.*/\1/p' "$out/live.out" | tail -1)
	drop=$(sed -n 's/.*received by the kernel, \([0-9]*\) dropped.*/\1/p' "$out/live.out" | tail -1)
	echo "$rate ${got:-?} ${seen:-?} ${drop:-?} $cpu"
}

run_tui() { # RATE
	local rate=$1
	tmux kill-session -t "$TM" 2>/dev/null || true
	tmux new-session -d -s "$TM" -x 160 -y 45 \
		"exec env TERM=xterm-256color taskset -c 0 ip netns exec $A $SIPWATCH -i sw0 -Z root --tui 2>$out/tui.err"
	sleep 1.5
	local pid got
	pid=$(tmux display -p -t "$TM" '#{pane_pid}')
	got=$(send "$rate")
	sleep 3
	local cpu
	cpu=$(cpu_of "$pid")
	tmux capture-pane -p -t "$TM" >"$out/tui.screen"
	tmux send-keys -t "$TM" q
	sleep 0.5
	tmux kill-session -t "$TM" 2>/dev/null || true
	local seen drop
	seen=$(grep -o '[0-9]* packets, [0-9]* SIP' "$out/tui.screen" | tail -1 | cut -d' ' -f3)
	drop=$(grep -o ', [0-9]* dropped' "$out/tui.screen" | tail -1 | tr -dc 0-9)
	echo "$rate ${got:-?} ${seen:-?} ${drop:-0} $cpu"
}

declare -A best
printf '%-9s %9s %12s %9s %8s %6s %10s %s\n' mode "pps asked" "pps achieved" "SIP seen" "dropped" "cpu s" "msgs/cpu-s" verdict
for mode in $MODES; do
	best[$mode]=none
	for rate in $RATES; do
		case $mode in
		report) line=$(run_report "$rate" 1) ;;
		threads2) line=$(run_report "$rate" 2) ;;
		tui) line=$(run_tui "$rate") ;;
		*) echo "live.sh: unknown mode $mode" >&2; exit 2 ;;
		esac
		read -r r got seen drop cpu <<<"$line"
		verdict=DROPS
		if [ "$seen" = "$N" ] && [ "$drop" = 0 ]; then
			verdict=ok
			best[$mode]=$got
		fi
		per=$(awk -v s="$seen" -v c="$cpu" 'BEGIN { if (c + 0 > 0) printf "%.0f", s / c; else print "?" }')
		printf '%-9s %9s %12s %9s %8s %6s %10s %s\n' "$mode" "$r" "$got" "$seen" "$drop" "$cpu" "$per" "$verdict" | tee -a "$out/live.txt"
	done
done
echo "== highest rate with no drop (messages/s, as tcpreplay achieved it); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
for mode in $MODES; do
	echo "   $mode: ${best[$mode]}"
done
