#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Live capture as on the phone (issue 12): `sipwatch -i eth2.1` on a VLAN
# sub-interface, and on a system with no "nobody" user.
#
#   tests/live/test_device.sh /path/to/sipwatch vlan|nonobody
#
# Two network namespaces of our own (swdev-*): the phone, 192.0.2.100 on
# eth2.1 (VLAN 1 on a veth), and the provider's server, 192.0.2.10 on VLAN 1
# at the other end, where nothing listens on 5070. The phone sends REGISTERs
# to 192.0.2.10:5070; the server's kernel answers ICMP port unreachable.
# Checks, each on what a user reads:
#   vlan:
#   1. -i eth2.1 --json: the REGISTERs are decoded, and the finding is
#      register.no_response (icmp_port_unreachable), as on the capture
#      pcaps/lab/wrong_port.pcap; SIGINT ends it with status 0;
#   2. -i on the parent veth sees the same traffic 802.1Q-tagged, and the
#      same finding;
#   nonobody (on eth2.1 when the kernel has VLANs, else on the veth itself):
#   3. no "nobody" in /etc/passwd (a bind mount in a mount namespace): -i
#      warns on stderr, keeps capturing as root, gives the same finding and
#      exits 0; -Z with a user that does not exist still refuses (exit 2).
# Exit 77 (skipped) when not root, or without namespaces or veth; vlan also
# without 802.1Q in the kernel (some sandboxes' kernels have no modules: the
# emulated machine's test, tools/cross/qemu-system/run.sh, covers it there).
set -u
SW=${1:?usage: $0 SIPWATCH vlan|nonobody}
WHAT=${2:?usage: $0 SIPWATCH vlan|nonobody}
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
command -v ip >/dev/null || { echo "SKIP: no ip(8)"; exit 77; }
command -v unshare >/dev/null || { echo "SKIP: no unshare(1)"; exit 77; }

PHONE=swdev-phone-$$
SERVER=swdev-server-$$
TMP=$(mktemp -d /tmp/swdev.XXXXXX)
fail=0

teardown() {
	ip netns del "$PHONE" 2>/dev/null
	ip netns del "$SERVER" 2>/dev/null
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

ip netns add "$PHONE" && ip netns add "$SERVER" || { echo "SKIP: cannot create network namespaces"; exit 77; }
ip -n "$PHONE" link set lo up
ip -n "$SERVER" link set lo up
ip -n "$PHONE" link add swdev-a type veth peer name swdev-b netns "$SERVER" || { echo "SKIP: no veth"; exit 77; }
ip -n "$PHONE" link set swdev-a up
ip -n "$SERVER" link set swdev-b up
IFACE=eth2.1
if ip -n "$PHONE" link add link swdev-a name eth2.1 type vlan id 1 2>"$TMP/vlan.err"; then
	ip -n "$SERVER" link add link swdev-b name swdev-b.1 type vlan id 1
	ip -n "$PHONE" link set eth2.1 up
	ip -n "$SERVER" link set swdev-b.1 up
	ip -n "$PHONE" addr add 192.0.2.100/24 dev eth2.1
	ip -n "$SERVER" addr add 192.0.2.10/24 dev swdev-b.1
elif [ "$WHAT" = vlan ]; then
	echo "SKIP: this kernel cannot make a VLAN sub-interface ($(cat "$TMP/vlan.err")):" \
		"-i eth2.1 is tested on the emulated machine (tools/cross/qemu-system/run.sh)"
	exit 77
else
	IFACE=swdev-a
	ip -n "$PHONE" addr add 192.0.2.100/24 dev swdev-a
	ip -n "$SERVER" addr add 192.0.2.10/24 dev swdev-b
fi

# Three REGISTERs of one transaction from the phone (retransmissions).
send_registers() {
	ip netns exec "$PHONE" python3 - <<'PY'
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("192.0.2.100", 5060))
msg = ("REGISTER sip:192.0.2.10 SIP/2.0\r\n"
       "Via: SIP/2.0/UDP 192.0.2.100:5060;branch=z9hG4bK-dev1;rport\r\n"
       "From: <sip:1001@192.0.2.10>;tag=d1\r\nTo: <sip:1001@192.0.2.10>\r\n"
       "Call-ID: dev1@192.0.2.100\r\nCSeq: 1 REGISTER\r\n"
       "Contact: <sip:1001@192.0.2.100:5060>\r\nExpires: 60\r\nContent-Length: 0\r\n\r\n")
for i in range(3):
    s.sendto(msg.encode(), ("192.0.2.10", 5070))
    time.sleep(0.3)
PY
}

# run_capture NAME IFACE [PREFIX...]: sipwatch -i IFACE --json in the phone's
# namespace (after PREFIX, a command that runs it), while the REGISTERs go.
run_capture() {
	local name=$1 iface=$2
	shift 2
	ip netns exec "$PHONE" "$@" "$SW" -i "$iface" --json udp or icmp \
		>"$TMP/$name.out" 2>"$TMP/$name.err" &
	local pid=$! i
	# Ready when it has opened the interface: its socket shows in /proc.
	for i in $(seq 1 100); do
		[ -n "$(ls -l /proc/$pid/fd 2>/dev/null | grep socket)" ] && break
		sleep 0.05
	done
	sleep 0.3
	send_registers
	sleep 0.5
	# The process to signal is sipwatch itself (ip netns exec and unshare exec).
	local swpid
	swpid=$(pgrep -f "^$SW -i $iface" | head -1)
	kill -INT "${swpid:-$pid}" 2>/dev/null
	wait "$pid"
	echo $? >"$TMP/$name.rc"
}

# check NAME WHAT: exit 0, >= 3 REGISTERs, the finding.
check() {
	local name=$1 what=$2 rc
	rc=$(cat "$TMP/$name.rc")
	[ "$rc" = 0 ] && ok "$what: exit 0" || bad "$what: exit $rc: $(cat "$TMP/$name.err")"
	python3 - "$TMP/$name.out" "$what" <<'PY' && ok "$2: 3 REGISTERs, register.no_response (icmp_port_unreachable) for 192.0.2.10:5070" || fail=1
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
regs = [o for o in objs if o.get("type") == "message" and o.get("method") == "REGISTER"]
f = [o for o in objs if o.get("type") == "finding"]
want = [o for o in f if o.get("kind") == "register.no_response" and o.get("cause") == "icmp_port_unreachable"
        and o.get("server") == "192.0.2.10:5070"]
if len(regs) < 3 or not want:
    print("FAIL %s: %d REGISTERs, findings %s" % (sys.argv[2], len(regs),
          [(o.get("kind"), o.get("cause"), o.get("server")) for o in f]))
    sys.exit(1)
PY
}

if [ "$WHAT" = vlan ]; then
	# 1. The VLAN sub-interface, as on the phone.
	run_capture vlan eth2.1
	check vlan "-i eth2.1 (VLAN 1)"
	# 2. The parent: the same frames, tagged.
	run_capture parent swdev-a
	check parent "-i swdev-a (802.1Q-tagged)"
	[ $fail = 0 ] && echo "all passed"
	exit $fail
fi

# 3. No "nobody": /etc/passwd and /etc/group without it, in a mount namespace.
grep -v '^nobody:' /etc/passwd >"$TMP/passwd"
grep -v '^nogroup:' /etc/group >"$TMP/group"
# Files only: nss-systemd would make up a "nobody" of its own.
printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files\n' >"$TMP/nsswitch.conf"
cat >"$TMP/nonobody.sh" <<EOS
#!/bin/sh
mount --bind "$TMP/passwd" /etc/passwd && mount --bind "$TMP/group" /etc/group &&
	mount --bind "$TMP/nsswitch.conf" /etc/nsswitch.conf || exit 99
exec "\$@"
EOS
chmod +x "$TMP/nonobody.sh"
if ! unshare -m "$TMP/nonobody.sh" true; then
	echo "SKIP: cannot bind-mount in a mount namespace"
	exit 77
fi
run_capture nonobody "$IFACE" unshare -m "$TMP/nonobody.sh"
check nonobody "no nobody user, -i $IFACE"
want="sipwatch: warning: no user 'nobody' to drop privileges to: capturing as root (-Z USER to name another)"
grep -qxF "$want" "$TMP/nonobody.err" && ok "no nobody user: stderr says: $want" ||
	bad "no nobody user: stderr: $(cat "$TMP/nonobody.err")"
ip netns exec "$PHONE" unshare -m "$TMP/nonobody.sh" "$SW" -i "$IFACE" -Z nobody -c 1 --json \
	>/dev/null 2>"$TMP/z.err"
rc=$?
[ $rc = 2 ] && grep -q "no such user" "$TMP/z.err" && ok "-Z nobody with no such user: exit 2, $(cat "$TMP/z.err")" ||
	bad "-Z nobody with no such user: exit $rc: $(cat "$TMP/z.err")"

[ $fail = 0 ] && echo "all passed"
exit $fail
