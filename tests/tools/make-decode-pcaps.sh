#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# make-decode-pcaps.sh: regenerate the end-to-end decode corpus in pcaps/decode/.
#
#   sudo tests/tools/make-decode-pcaps.sh            # everything (about 70 seconds)
#   sudo tests/tools/make-decode-pcaps.sh tcp dns    # only some scenarios (names below)
#   OUT=/tmp/x tests/tools/make-decode-pcaps.sh      # write somewhere else
#   tests/tools/make-decode-pcaps.sh synthetic manifest   # no root needed for these two
#
# Needs root (network namespaces, veth, tun, tcpdump) and Debian packages:
# iproute2 tcpdump tshark(wireshark-common: editcap) kamailio openssl ethtool
# python3 (standard library only).  Real traffic runs between two namespaces
# created here, swgen-p-$$ (the phone) and swgen-s-$$ (the registrar), joined
# by a veth pair; only 192.168.77.0/24, 198.51.100.0/24, fd00:77::/64 and
# fd00:78::/64 inside those namespaces are used.  Everything started here is
# ended by PID and the namespaces are deleted on exit (trap).
#
# Synthetic captures (name contains "synthetic") are rewrapped from the real
# ones by rewrap.py.  At the end truth.py decodes every capture with its own
# oracle, checks it against tshark and writes pcaps/decode/MANIFEST.md and
# pcaps/decode/truth/*.tsv.
#
# Scenarios: base udp_fragmented ipv6 tcp sll keepalives malformed icmp dns
#            tls rawip snaplen synthetic manifest
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=${OUT:-$ROOT/pcaps/decode}
PY=${PYTHON:-python3}
SIPGEN="$HERE/sipgen.py"
NS_P=swgen-p-$$
NS_S=swgen-s-$$
MAC_P=02:00:00:77:00:10
MAC_S=02:00:00:77:00:01
IP_P=192.168.77.10
IP_S=192.168.77.1
IP6_P=fd00:77::10
IP6_S=fd00:77::1
WORK=$(mktemp -d /tmp/swgen.XXXXXX)
PIDS=()
KAM_PID=""
CAP_PID=""

NEED_ROOT=0
for sc in ${*:-all}; do
	case $sc in synthetic | manifest) ;; *) NEED_ROOT=1 ;; esac
done
TOOLS="tshark editcap $PY"
if [ $NEED_ROOT = 1 ]; then
	[ "$(id -u)" = 0 ] || { echo "make-decode-pcaps.sh: needs root (netns, tcpdump)" >&2; exit 1; }
	TOOLS="$TOOLS ip tcpdump kamailio openssl ethtool"
fi
for t in $TOOLS; do
	command -v "$t" >/dev/null || { echo "missing tool: $t (apt-get install it)" >&2; exit 1; }
done
mkdir -p "$OUT"

log() { printf '== %s\n' "$*" >&2; }

stop_pid() {   # stop_pid PID [signal]: end one process we started, wait for it
	local pid=$1 sig=${2:-TERM} i
	[ -n "$pid" ] || return 0
	kill -"$sig" "$pid" 2>/dev/null || return 0
	for i in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

net_down() {
	ip netns del "$NS_P" 2>/dev/null || true
	ip netns del "$NS_S" 2>/dev/null || true
}

cleanup() {
	local pid
	stop_pid "$CAP_PID" INT
	stop_pid "$KAM_PID"
	for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
	net_down
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

nsp() { ip netns exec "$NS_P" "$@"; }
nss() { ip netns exec "$NS_S" "$@"; }

# net_up MTU: phone eth0 <-> registrar eth0, static neighbours (no ARP/ND noise),
# no checksum/segmentation offload (so captured checksums and segments are real).
net_up() {
	local mtu=$1 ns
	net_down
	ip netns add "$NS_P"
	ip netns add "$NS_S"
	ip link add "swgp$$" type veth peer name "swgs$$"
	ip link set "swgp$$" netns "$NS_P"
	ip link set "swgs$$" netns "$NS_S"
	ip -n "$NS_P" link set "swgp$$" name eth0
	ip -n "$NS_S" link set "swgs$$" name eth0
	ip -n "$NS_P" link set eth0 address $MAC_P mtu "$mtu"
	ip -n "$NS_S" link set eth0 address $MAC_S mtu "$mtu"
	for ns in "$NS_P" "$NS_S"; do
		ip netns exec "$ns" sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0
		ip -n "$ns" link set lo up
		ip -n "$ns" link set eth0 up
		ip netns exec "$ns" ethtool -K eth0 tx off rx off tso off gso off gro off >/dev/null 2>&1 || true
	done
	ip -n "$NS_P" addr add $IP_P/24 dev eth0
	ip -n "$NS_S" addr add $IP_S/24 dev eth0
	ip -n "$NS_P" neigh replace $IP_S lladdr $MAC_S dev eth0 nud permanent
	ip -n "$NS_S" neigh replace $IP_P lladdr $MAC_P dev eth0 nud permanent
	if [ "$mtu" -ge 1280 ]; then
		ip -n "$NS_P" addr add $IP6_P/64 dev eth0 nodad
		ip -n "$NS_S" addr add $IP6_S/64 dev eth0 nodad
		ip -n "$NS_P" neigh replace $IP6_S lladdr $MAC_S dev eth0 nud permanent
		ip -n "$NS_S" neigh replace $IP6_P lladdr $MAC_P dev eth0 nud permanent
	fi
	sleep 0.3
}

# kam_start LISTEN...: Kamailio as a registrar with digest auth (user 1001,
# password "secret", realm sipwatch.test), in the registrar namespace.
kam_start() {
	local cfg=$WORK/kamailio.cfg l
	{
		echo '#!KAMAILIO'
		echo 'debug=1'
		echo 'log_stderror=yes'
		echo 'children=1'
		echo 'tcp_children=1'
		echo 'auto_aliases=no'
		echo 'alias="sipwatch.test"'
		echo 'server_header="Server: kamailio (sipwatch corpus)"'
		echo 'tcp_crlf_ping=yes'
		echo 'udp_mtu=0'
		for l in "$@"; do echo "listen=$l"; done
		cat <<'EOF'
mpath="/usr/lib/x86_64-linux-gnu/kamailio/modules/"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "auth.so"
modparam("usrloc", "db_mode", 0)
modparam("auth", "nonce_expire", 300)
request_route {
	if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
	if (is_method("ACK")) { exit; }
	if (is_method("REGISTER")) {
		if (!pv_www_authenticate("sipwatch.test", "secret", "0")) {
			www_challenge("sipwatch.test", "0");
			exit;
		}
		if (!save("location")) { sl_reply_error(); }
		exit;
	}
	if (is_method("OPTIONS")) { sl_send_reply("200", "OK"); exit; }
	if (is_method("INVITE")) { sl_send_reply("486", "Busy Here"); exit; }
	sl_send_reply("405", "Method Not Allowed");
}
EOF
	} >"$cfg"
	mkdir -p "$WORK/kamrun"
	# Started directly (not through nss): $! must be Kamailio's main process, which
	# takes its children down when it gets SIGTERM. `ip netns exec` execs, keeping the PID.
	ip netns exec "$NS_S" kamailio -f "$cfg" -DD -E -Y "$WORK/kamrun" -m 32 -M 8 \
		>"$WORK/kamailio.log" 2>&1 &
	KAM_PID=$!
	sleep 1.5
	kill -0 "$KAM_PID" || { cat "$WORK/kamailio.log" >&2; exit 1; }
}
kam_stop() { stop_pid "$KAM_PID"; KAM_PID=""; }

# cap_start NS IFACE FILE [tcpdump options...]: capture until cap_stop.
# IPv6 multicast (MLD reports, router solicitations) is filtered out: it is
# link-bringup noise that would make frame numbers change between runs.
cap_start() {
	local ns=$1 ifc=$2 file=$3 i
	shift 3
	rm -f "$file"
	ip netns exec "$ns" tcpdump -i "$ifc" -s "${CAP_SNAP:-0}" -U --immediate-mode -Z root -w "$file" "$@" 'not ip6 multicast' \
		2>"$WORK/tcpdump.err" &
	CAP_PID=$!
	for i in $(seq 1 50); do
		grep -q "listening on" "$WORK/tcpdump.err" 2>/dev/null && break
		sleep 0.1
	done
	sleep 0.3
}
cap_stop() { sleep 1.2; stop_pid "$CAP_PID" INT; CAP_PID=""; }

phone() { nsp timeout 30 "$PY" "$SIPGEN" phone "$@" | sed 's/^/   phone /' >&2; }

# ---------------------------------------------------------------- scenarios

sc_base() {            # plain REGISTER/401/REGISTER/200 over UDP: the rewrap source
	log "base: udp_register.pcap"
	net_up 1500
	kam_start "udp:$IP_S:5060"
	cap_start "$NS_S" eth0 "$OUT/udp_register.pcap"
	phone register --local $IP_P --server $IP_S --tag base
	cap_stop
	kam_stop
}

sc_udp_fragmented() {
	log "udp_fragmented.pcap (MTU 576)"
	net_up 576
	kam_start "udp:$IP_S:5060"
	cap_start "$NS_S" eth0 "$OUT/udp_fragmented.pcap"
	phone bigudp --local $IP_P --server $IP_S --tag frag --sdp 2000
	cap_stop
	kam_stop
}

sc_ipv6() {
	log "ipv6.pcap (MTU 1280)"
	net_up 1280
	kam_start "udp:[$IP6_S]:5060"
	cap_start "$NS_S" eth0 "$OUT/ipv6.pcap"
	phone ipv6 --local $IP6_P --server $IP6_S --tag v6 --sdp 1800
	cap_stop
	kam_stop
}

sc_tcp() {
	log "tcp_split_coalesced.pcap"
	net_up 1500
	kam_start "tcp:$IP_S:5060"
	cap_start "$NS_S" eth0 "$OUT/tcp_split_coalesced.pcap"
	phone tcp --local $IP_P --server $IP_S --tag tcp
	sleep 0.3
	cap_stop
	kam_stop
}

sc_sll() {
	local v
	for v in sll sll2; do
		log "$v.pcap (tcpdump -i any)"
		net_up 1500
		kam_start "udp:$IP_S:5060"
		if [ $v = sll ]; then
			cap_start "$NS_P" any "$OUT/$v.pcap" -y LINUX_SLL
		else
			cap_start "$NS_P" any "$OUT/$v.pcap" -y LINUX_SLL2
		fi
		phone register --local $IP_P --server $IP_S --tag $v
		cap_stop
		kam_stop
	done
}

sc_keepalives() {
	log "keepalives.pcap"
	net_up 1500
	ip netns exec "$NS_S" timeout 20 "$PY" "$SIPGEN" uas $IP_S 5060 12 &
	PIDS+=($!)
	sleep 0.5
	cap_start "$NS_S" eth0 "$OUT/keepalives.pcap"
	phone keepalive --local $IP_P --server $IP_S --tag ka
	cap_stop
	stop_pid "${PIDS[-1]}"
}

sc_malformed() {
	log "malformed.pcap"
	net_up 1500
	ip netns exec "$NS_S" timeout 20 "$PY" "$SIPGEN" uas $IP_S 5060 8 &
	PIDS+=($!)
	sleep 0.5
	cap_start "$NS_S" eth0 "$OUT/malformed.pcap"
	phone malformed --local $IP_P --server $IP_S --tag mal
	cap_stop
	stop_pid "${PIDS[-1]}"
}

sc_icmp() {
	log "icmp_port_unreachable.pcap"
	net_up 1500
	cap_start "$NS_S" eth0 "$OUT/icmp_port_unreachable.pcap"
	phone icmp --local $IP_P --server $IP_S --port 5070 --tag icmp4
	phone icmp --local $IP6_P --server $IP6_S --port 5070 --tag icmp6
	cap_stop
}

sc_dns() {
	log "dns.pcap"
	net_up 1500
	kam_start "udp:$IP_S:5060"
	ip netns exec "$NS_S" timeout 20 "$PY" "$SIPGEN" dns $IP_S $IP_S 8 &
	PIDS+=($!)
	sleep 0.5
	cap_start "$NS_S" eth0 "$OUT/dns.pcap"
	phone dns --local $IP_P --server $IP_S --dns $IP_S --tag dns
	cap_stop
	stop_pid "${PIDS[-1]}"
	kam_stop
}

sc_tls() {
	log "tls_5061.pcap"
	net_up 1500
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
		-subj /CN=registrar.sipwatch.test -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
	kam_start "udp:$IP_S:5060"
	printf 'SIP/2.0 200 OK\r\nVia: SIP/2.0/TLS %s:40561;branch=z9hG4bK-tls-tls\r\nCall-ID: reg-tls-tls@sipwatch.test\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n' \
		$IP_P >"$WORK/tlsresp"
	# s_server reads its reply from a fifo we write to; $! is s_server's own PID.
	mkfifo "$WORK/tlsfifo"
	ip netns exec "$NS_S" timeout 15 openssl s_server -quiet -naccept 1 -accept $IP_S:5061 \
		-cert "$WORK/cert.pem" -key "$WORK/key.pem" <"$WORK/tlsfifo" >"$WORK/s_server.out" 2>&1 &
	PIDS+=($!)
	( sleep 2; cat "$WORK/tlsresp"; sleep 3 ) >"$WORK/tlsfifo" &
	PIDS+=($!)
	sleep 0.8
	cap_start "$NS_S" eth0 "$OUT/tls_5061.pcap"
	phone tls --local $IP_P --server $IP_S --tag tls
	cap_stop
	kam_stop
	stop_pid "${PIDS[-1]}"
	stop_pid "${PIDS[-2]}"
}

sc_rawip() {           # LINKTYPE_RAW: a tun "VPN" between the namespaces, relayed by sipgen.py
	log "raw-ip.pcap (tun)"
	net_up 1500
	nsp ip tuntap add dev tun0 mode tun
	nss ip tuntap add dev tun0 mode tun
	timeout 30 "$PY" "$SIPGEN" tunrelay "$NS_P" "$NS_S" tun0 20 >"$WORK/tunrelay.log" 2>&1 &
	PIDS+=($!)
	sleep 0.5
	ip -n "$NS_P" addr add 198.51.100.10/24 dev tun0
	ip -n "$NS_S" addr add 198.51.100.1/24 dev tun0
	ip -n "$NS_P" addr add fd00:78::10/64 dev tun0 nodad
	ip -n "$NS_S" addr add fd00:78::1/64 dev tun0 nodad
	ip -n "$NS_P" link set tun0 up
	ip -n "$NS_S" link set tun0 up
	kam_start "udp:198.51.100.1:5060" "udp:[fd00:78::1]:5060"
	cap_start "$NS_S" tun0 "$OUT/raw-ip.pcap"
	phone register --local 198.51.100.10 --server 198.51.100.1 --tag raw4
	phone register --local fd00:78::10 --server fd00:78::1 --tag raw6
	cap_stop
	kam_stop
	stop_pid "${PIDS[-1]}"
}

sc_snaplen() {         # tcpdump -s 200: every SIP message cut short by the snap length
	log "truncated_snaplen200.pcap (tcpdump -s 200)"
	net_up 1500
	kam_start "udp:$IP_S:5060"
	CAP_SNAP=200 cap_start "$NS_S" eth0 "$OUT/truncated_snaplen200.pcap"
	phone register --local $IP_P --server $IP_S --tag snap
	cap_stop
	kam_stop
}

sc_synthetic() {
	log "synthetic captures (rewrap.py)"
	"$PY" "$HERE/rewrap.py" all "$OUT"
}

sc_manifest() {
	log "truth + MANIFEST.md (truth.py)"
	"$PY" "$HERE/truth.py" manifest "$OUT"
}

ALL="base udp_fragmented ipv6 tcp sll keepalives malformed icmp dns tls rawip snaplen synthetic manifest"
for sc in ${*:-$ALL}; do
	"sc_$sc"
done
net_down
log "done: $OUT"
