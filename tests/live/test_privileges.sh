#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Privileges of a live capture, as tcpdump -Z: run as root, sipwatch opens
# the interface, then drops to -Z USER (default nobody) before it parses a
# packet, and the -w file is created by the dropped user.
#
#   tests/live/test_privileges.sh /path/to/sipwatch
#
# Checks, on a veth pair between two network namespaces of our own (swrob-*):
#   1. default: /proc/PID/status shows the uids, gids and groups of nobody
#      and no capabilities while it captures; the -w file is owned by nobody
#      and holds the REGISTERs sent; SIGINT ends it with status 0;
#   2. -w in a directory only root may write: the open fails after the drop
#      (exit 2, "Permission denied"), which proves the order, and says why
#      ("dropped privileges to nobody; use -Z root or a writable directory");
#   3. -Z root keeps root, and the -w file is root's;
#   4. -Z with an unknown user fails before capturing (exit 2, "no such user");
#   5. -w as a ring when live, made by nobody: -C 1k -W 3 keeps x.pcap0..2,
#      -G 1 starts a file a second named through strftime, -G 1 -W 2 ends
#      the capture after two files.
# Exit 77 (skipped) when not root or without ip netns.
set -u
SW=${1:?usage: $0 SIPWATCH}
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
command -v ip >/dev/null || { echo "SKIP: no ip(8)"; exit 77; }
NOBODY_UID=$(id -u nobody 2>/dev/null) || { echo "SKIP: no user nobody"; exit 77; }
NOBODY_GID=$(id -g nobody)

NS=swrob-priv-$$    # sipwatch's side
PEER=swrob-peer-$$  # the phone
TMP=$(mktemp -d /tmp/swrob-priv.XXXXXX)
PIDS=()
fail=0

teardown() {
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	ip netns del "$NS" 2>/dev/null
	ip netns del "$PEER" 2>/dev/null
	rm -rf "$TMP"
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ok() { echo "ok   $*"; }
bad() {
	echo "FAIL $*"
	fail=1
}

ip netns add "$NS" && ip netns add "$PEER" ||
	{ echo "SKIP: cannot create network namespaces"; exit 77; }
ip -n "$NS" link set lo up
ip -n "$NS" link add swrob-a type veth peer name swrob-b netns "$PEER" ||
	{ echo "SKIP: no veth"; exit 77; }
ip -n "$NS" addr add 10.77.0.1/24 dev swrob-a
ip -n "$PEER" addr add 10.77.0.2/24 dev swrob-b
ip -n "$NS" link set swrob-a up
ip -n "$PEER" link set swrob-b up

# Files made by the dropped user need a directory it may reach and write to.
chmod 0755 "$TMP"
mkdir -m 1777 "$TMP/out"
mkdir -m 0755 "$TMP/rootonly"

send_registers() {
	ip netns exec "$PEER" python3 - "${1:-3}" "${2:-0.1}" <<'EOF'
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.77.0.2", 5060))
for i in range(int(sys.argv[1])):
    msg = ("REGISTER sip:10.77.0.1 SIP/2.0\r\n"
           "Via: SIP/2.0/UDP 10.77.0.2:5060;branch=z9hG4bK-priv%d\r\n"
           "From: <sip:1001@10.77.0.1>;tag=p\r\nTo: <sip:1001@10.77.0.1>\r\n"
           "Call-ID: priv@10.77.0.2\r\nCSeq: %d REGISTER\r\n"
           "Contact: <sip:1001@10.77.0.2>\r\nContent-Length: 0\r\n\r\n") % (i, i + 1)
    s.sendto(msg.encode(), ("10.77.0.1", 5060))
    time.sleep(float(sys.argv[2]))
EOF
}

# field NAME of /proc/PID/status, without the label
status_field() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" | tr -s '\t ' ' ' | sed 's/ $//'; }

# Start sipwatch in the namespace; $! is sipwatch itself (ip netns exec execs).
start() {
	ip netns exec "$NS" "$SW" -i swrob-a "$@" --json udp port 5060 >"$TMP/stdout" 2>"$TMP/stderr" &
	PID=$!
	PIDS+=("$PID")
}

# Wait (bounded) until the process runs as uid $2, or until it exits.
wait_uid() {
	local i
	for i in $(seq 1 100); do
		[ -r "/proc/$1/status" ] || return 1
		[ "$(status_field "$1" Uid | cut -d' ' -f1)" = "$2" ] &&
			[ "$(cat "/proc/$1/comm" 2>/dev/null)" = sipwatch ] && return 0
		sleep 0.05
	done
	return 1
}

stop() {
	kill -INT "$1"
	local i
	for i in $(seq 1 100); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.05
	done
	wait "$1"
}

count_sip() {
	"$SW" -r "$1" --json 2>/dev/null |
		python3 -c 'import json,sys; print(sum(1 for l in sys.stdin if json.loads(l).get("type")=="message"))'
}

# 1. Default: drop to nobody.
start -w "$TMP/out/default.pcap"
if wait_uid "$PID" "$NOBODY_UID"; then
	ok "capturing as uid $NOBODY_UID (nobody)"
else
	bad "never ran as nobody: $(cat "$TMP/stderr")"
fi
send_registers
uids=$(status_field "$PID" Uid)
gids=$(status_field "$PID" Gid)
groups=$(status_field "$PID" Groups)
capeff=$(status_field "$PID" CapEff)
want_u="$NOBODY_UID $NOBODY_UID $NOBODY_UID $NOBODY_UID"
want_g="$NOBODY_GID $NOBODY_GID $NOBODY_GID $NOBODY_GID"
[ "$uids" = "$want_u" ] && ok "Uid: $uids" || bad "Uid: '$uids', want '$want_u'"
[ "$gids" = "$want_g" ] && ok "Gid: $gids" || bad "Gid: '$gids', want '$want_g'"
case " $groups " in
*" 0 "*) bad "still in group 0: Groups: $groups" ;;
"  ") bad "no Groups line" ;;
*) ok "Groups: $groups" ;;
esac
[ "$capeff" = 0000000000000000 ] && ok "CapEff: $capeff" || bad "CapEff: $capeff"
stop "$PID"
rc=$?
[ $rc -eq 0 ] && ok "SIGINT: exit 0" || bad "SIGINT: exit $rc: $(cat "$TMP/stderr")"
grep -qE "Sanitizer|runtime error" "$TMP/stderr" && bad "sanitizer: $(cat "$TMP/stderr")"
owner=$(stat -c %u "$TMP/out/default.pcap" 2>/dev/null)
[ "$owner" = "$NOBODY_UID" ] && ok "-w file owned by nobody" || bad "-w file owner '$owner'"
n=$(count_sip "$TMP/out/default.pcap")
[ "${n:-0}" -ge 3 ] && ok "-w file holds $n SIP messages" || bad "-w file holds '${n}' SIP messages"
n=$(grep -c '"type":"message"' "$TMP/stdout")
[ "$n" -ge 3 ] && ok "$n messages decoded live" || bad "$n messages decoded live"

# 2. -w where only root may write: created after the drop, so it fails.
ip netns exec "$NS" "$SW" -i swrob-a -w "$TMP/rootonly/x.pcap" --json >"$TMP/stdout" 2>"$TMP/stderr" &
PID=$!
PIDS+=("$PID")
for i in $(seq 1 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.05; done
if kill -0 "$PID" 2>/dev/null; then
	bad "-w in a root-only directory: still running"
	stop "$PID"
else
	wait "$PID"
	rc=$?
	[ $rc -eq 2 ] && grep -q "Permission denied" "$TMP/stderr" &&
		grep -qF "dropped privileges to nobody; use -Z root or a writable directory" "$TMP/stderr" &&
		ok "-w in a root-only directory: exit 2, $(cat "$TMP/stderr")" ||
		bad "-w in a root-only directory: exit $rc, $(cat "$TMP/stderr")"
	[ -e "$TMP/rootonly/x.pcap" ] && bad "the file was created (as root?)"
fi

# 3. -Z root keeps root.
start -Z root -w "$TMP/out/root.pcap"
if wait_uid "$PID" 0; then
	sleep 0.3
	uids=$(status_field "$PID" Uid)
	[ "$uids" = "0 0 0 0" ] && ok "-Z root: Uid $uids" || bad "-Z root: Uid $uids"
else
	bad "-Z root: not running: $(cat "$TMP/stderr")"
fi
send_registers
stop "$PID"
owner=$(stat -c %u "$TMP/out/root.pcap" 2>/dev/null)
[ "$owner" = 0 ] && ok "-Z root: -w file owned by root" || bad "-Z root: -w file owner '$owner'"

# 4. Unknown user: a hard failure, before anything is captured.
ip netns exec "$NS" "$SW" -i swrob-a -Z swrob-no-such-user -w "$TMP/out/none.pcap" \
	>"$TMP/stdout" 2>"$TMP/stderr"
rc=$?
[ $rc -eq 2 ] && grep -q "no such user" "$TMP/stderr" && ! [ -e "$TMP/out/none.pcap" ] &&
	ok "-Z unknown: exit 2, $(cat "$TMP/stderr")" ||
	bad "-Z unknown: exit $rc, $(cat "$TMP/stderr")"

# 5. Ring buffers live, made by the dropped user.
mkdir -m 1777 "$TMP/ring"
start -w "$TMP/ring/c.pcap" -C 1k -W 3
wait_uid "$PID" "$NOBODY_UID" || bad "-C ring: not running: $(cat "$TMP/stderr")"
send_registers 20 0.02
stop "$PID"
got=$(cd "$TMP/ring" && ls c.pcap* | tr '\n' ' ')
[ "$got" = "c.pcap0 c.pcap1 c.pcap2 " ] && ok "-C 1k -W 3 live: $got" || bad "-C 1k -W 3 live: '$got'"
owners=$(stat -c %u "$TMP"/ring/c.pcap* | sort -u | tr '\n' ' ')
[ "$owners" = "$NOBODY_UID " ] && ok "ring files owned by nobody" || bad "ring file owners: $owners"
for f in "$TMP"/ring/c.pcap*; do
	sz=$(stat -c %s "$f")
	[ "$sz" -le 3072 ] || bad "$f: $sz bytes, over -C 1k by more than one frame"
done
n=0
for f in "$TMP"/ring/c.pcap*; do n=$((n + $(count_sip "$f"))); done
[ "$n" -ge 3 ] && [ "$n" -lt 20 ] && ok "the ring keeps the newest $n of 20 REGISTERs" ||
	bad "the ring holds $n REGISTERs"

start -w "$TMP/ring/g-%H%M%S.pcap" -G 1
wait_uid "$PID" "$NOBODY_UID" || bad "-G: not running: $(cat "$TMP/stderr")"
send_registers 12 0.25
stop "$PID"
g=$(ls "$TMP"/ring/g-*.pcap 2>/dev/null | wc -l)
bad_names=$(cd "$TMP/ring" && ls g-*.pcap | grep -cvE '^g-[0-9]{6}\.pcap$')
[ "$g" -ge 2 ] && [ "$bad_names" -eq 0 ] && ok "-G 1 live: $g files named g-HHMMSS.pcap" ||
	bad "-G 1 live: $g files, $bad_names badly named: $(ls "$TMP/ring")"

ip netns exec "$NS" "$SW" -i swrob-a -w "$TMP/ring/w-%H%M%S.pcap" -G 1 -W 2 --json \
	udp port 5060 >"$TMP/stdout" 2>"$TMP/stderr" &
PID=$!
PIDS+=("$PID")
wait_uid "$PID" "$NOBODY_UID" || bad "-G -W: not running: $(cat "$TMP/stderr")"
send_registers 16 0.25
for i in $(seq 1 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.05; done
if kill -0 "$PID" 2>/dev/null; then
	bad "-G 1 -W 2 live: still capturing after two files"
	stop "$PID"
else
	wait "$PID"
	rc=$?
	w=$(ls "$TMP"/ring/w-*.pcap 2>/dev/null | wc -l)
	[ $rc -eq 0 ] && [ "$w" -eq 2 ] && grep -q "maximum file limit reached: 2" "$TMP/stderr" &&
		ok "-G 1 -W 2 live: ended after 2 files, exit 0" ||
		bad "-G 1 -W 2 live: exit $rc, $w files, $(cat "$TMP/stderr")"
fi

[ $fail -eq 0 ] && echo "PASS" || echo "FAILED"
exit $fail
