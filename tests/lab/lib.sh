# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash
# sipwatch lab library: network namespaces + real Kamailio/SIPp/tcpdump, sourced by run.sh
# and by other tests (e.g. a live-capture test running sipwatch on the phone's veth).
#
# Topology made by lab_topology_up (all addresses private/documentation ranges, all
# inside namespaces named swlab-<LAB_ID>-<role>; nothing touches the root namespace):
#
#   ph  eth0 192.168.1.100 --+                                          +-- srv eth0 198.51.100.10
#                            |- rt br-lan 192.168.1.1                   |   (+198.51.100.53 DNS)
#   ph2 eth0 192.168.1.101 --+  rt wan0 203.0.113.2 -- inet up0 203.0.113.1
#   (optional)                  (NAT: SNAT to WAN addr)   inet br-pub 198.51.100.1 --+
#                                                                       +-- pub eth0 198.51.100.20
#                                                                           (optional, "bob")
#   ph = the IP phone, rt = home router (NAT), inet = ISP core router, srv = registrar.
#
# Functions (all return non-zero on failure; every wait is bounded):
#   lab_init [ID]                 set LAB_ID/LAB_TMP, install EXIT/INT/TERM teardown trap
#   lab_ns ROLE                   print the namespace name of ROLE (ph ph2 rt inet srv pub)
#   lab_x ROLE CMD...             run CMD inside ROLE's namespace (foreground)
#   lab_install_deps              apt-get install what is missing (Debian 12)
#   lab_need CMD:PACKAGE...       the same for tools only some scenarios use (baresip, curl ...)
#   lab_topology_up [ph2] [pub]   build namespaces, links, addresses, routes, NAT (SNAT)
#   lab_nat_snat ADDR             (re)point the router's SNAT rule to ADDR (no conntrack flush)
#   lab_wan_renumber OLD NEW      move the router's WAN address OLD -> NEW, keep conntrack;
#                                 the ISP core stops routing OLD (blackhole)
#   lab_bg ROLE LOG CMD...        start CMD in ROLE's namespace in background, record its PID
#                                 in LAB_PIDS and LAB_LAST_PID (ip netns exec execs, so the PID
#                                 is the command itself). Functions that start processes set
#                                 LAB_LAST_PID (not stdout: a $(...) subshell would lose it).
#   lab_stop PID...               SIGTERM, bounded wait, SIGKILL; only PIDs this run started
#   lab_capture_start ROLE FILE [IFACE] [FILTER]   tcpdump -U -w FILE, waits until listening;
#                                 sets LAB_LAST_PID. Default filter: SIP (5060 udp/tcp), ICMP, DNS;
#                                 FILTER "all": no filter (everything on the interface, the way the
#                                 phone's own 报文追踪 captures its WAN traffic)
#   lab_baresip ROLE NAME ADDR:PORT ACCOUNT [CONFIG-LINE...]   start baresip (a second, real SIP
#                                 client) headless in ROLE with its own config dir $LAB_TMP/NAME,
#                                 listening on ADDR:PORT, DNS server $LAB_DNS, ACCOUNT = one line of
#                                 its accounts file; log (SIP trace) in $LAB_TMP/NAME.log; sets LAB_LAST_PID
#   lab_dnsmasq ARGS...           dnsmasq in srv on $LAB_DNS:53 (no upstream, no hosts file) with
#                                 extra ARGS (records); waits until it listens; sets LAB_LAST_PID
#   lab_resolv ROLE               point ROLE's glibc resolver at $LAB_DNS (/etc/netns/<ns>/resolv.conf)
#   lab_capture_stop PID          stop tcpdump cleanly (SIGINT) so the pcap is flushed
#   lab_kamailio_start NAME LISTEN... [-- DEFINES...]   start Kamailio in srv with tests/lab/
#                                 kamailio.cfg, -l for each LISTEN, -A for each define; waits
#                                 until its sockets are open; sets LAB_LAST_PID; log in $LAB_TMP/NAME.log
#   lab_wait_port ROLE PROTO PORT [SECS]   wait until a socket listens on PORT in ROLE
#   lab_sipp ROLE SECS LOGNAME ARGS...      run SIPp in foreground (cwd $LAB_TMP), killed
#                                 after SECS; returns SIPp's exit code
#   lab_sipp_bg ROLE LOGNAME ARGS...        same, in background, sets LAB_LAST_PID
#   lab_teardown                  stop every recorded PID, delete this run's namespaces
# Variables: LAB_DIR (this directory), LAB_TMP (per-run scratch), LAB_ID, LAB_PIDS,
#   LAB_SRV=198.51.100.10 LAB_PHONE=192.168.1.100 LAB_WAN=203.0.113.2 etc.
#   LAB_KEEP_TMP=1 keeps $LAB_TMP (Kamailio log, SIPp message/error logs) after teardown.
#
# Example (a live-capture test: sipwatch watching the phone's interface during a scenario):
#   . tests/lab/lib.sh; lab_init "live$$"; lab_install_deps
#   lab_topology_up && lab_kamailio_start kam udp:$LAB_SRV:5060 || exit 1
#   lab_bg ph "$LAB_TMP/sipwatch.out" build/cli/sipwatch -i eth0 ...; sw=$LAB_LAST_PID
#   lab_sipp ph 40 phone -sf "$LAB_DIR/sipp/phone_register.xml" ...   # see run.sh phone_reg
#   lab_stop "$sw"      # teardown (namespaces, every PID) runs on exit

LAB_DIR=${LAB_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
LAB_PHONE=192.168.1.100
LAB_PHONE2=192.168.1.101
LAB_LAN_GW=192.168.1.1
LAB_WAN=203.0.113.2
LAB_WAN_GW=203.0.113.1
LAB_PUB_GW=198.51.100.1
LAB_SRV=198.51.100.10
LAB_DNS=198.51.100.53
LAB_PUB=198.51.100.20
# Phone MAC from a real IP-phone vendor OUI (0c:38:3e) so MAC-based findings have one to
# report; every other interface gets a fixed locally administered MAC.
LAB_PHONE_MAC=0c:38:3e:1a:2b:3c
LAB_PIDS=()
LAB_ROLES=()
LAB_LAST_PID=
LAB_SYS_PY=/usr/bin/python3

lab_log() { printf '[lab %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
lab_die() { lab_log "ERROR: $*"; exit 1; }

lab_init() {
    [ "$(id -u)" = 0 ] || lab_die "must run as root (network namespaces)"
    LAB_ID=${1:-$$}
    LAB_TMP=$(mktemp -d "/tmp/swlab-$LAB_ID.XXXXXX")
    LAB_PIDS=()
    LAB_ROLES=()
    trap lab_teardown EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

lab_ns() { printf 'swlab-%s-%s' "$LAB_ID" "$1"; }

lab_x() {
    local role=$1; shift
    ip netns exec "$(lab_ns "$role")" "$@"
}

# lab_need CMD:PACKAGE...: apt-get install the packages whose command is missing (for tools
# only some scenarios use: baresip, openssl, curl), so lab_install_deps stays the common set.
lab_need() {
    local need=() c
    for c in "$@"; do command -v "${c%%:*}" >/dev/null 2>&1 || need+=("${c#*:}"); done
    [ ${#need[@]} -eq 0 ] && return 0
    lab_log "installing: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    timeout 600 apt-get update -q >/dev/null || { lab_log "apt-get update failed"; return 1; }
    timeout 900 apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null \
        || { lab_log "apt-get install ${need[*]} failed"; return 1; }
}

lab_install_deps() {
    local need=() c
    for c in kamailio:kamailio sipp:sip-tester tcpdump:tcpdump tshark:tshark \
             iptables:iptables ip:iproute2 dnsmasq:dnsmasq-base timeout:coreutils \
             ss:iproute2 ping:iputils-ping conntrack:conntrack; do
        command -v "${c%%:*}" >/dev/null 2>&1 || need+=("${c#*:}")
    done
    [ -x "$LAB_SYS_PY" ] || need+=(python3)
    [ ${#need[@]} -eq 0 ] && return 0
    lab_log "installing: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    timeout 600 apt-get update -q >/dev/null || lab_die "apt-get update failed"
    timeout 900 apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null \
        || lab_die "apt-get install ${need[*]} failed"
}

# _lab_mkns ROLE: new namespace with lo up, IPv6 off (keeps captures to IPv4 SIP/ICMP/DNS).
_lab_mkns() {
    local ns; ns=$(lab_ns "$1")
    ip netns add "$ns" || return 1
    LAB_ROLES+=("$1")
    ip -n "$ns" link set lo up
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
        net.ipv6.conf.default.disable_ipv6=1 >/dev/null
}

# _lab_veth ROLE_A IF_A MAC_A ROLE_B IF_B MAC_B: a veth pair created directly between two
# namespaces (no interface ever exists in the root namespace, so concurrent runs can't clash).
_lab_veth() {
    ip -n "$(lab_ns "$1")" link add "$2" address "$3" type veth \
        peer name "$5" address "$6" netns "$(lab_ns "$4")" || return 1
    ip -n "$(lab_ns "$1")" link set "$2" up
    ip -n "$(lab_ns "$4")" link set "$5" up
}

_lab_bridge() { # ROLE BR ADDR/PLEN
    local ns; ns=$(lab_ns "$1")
    ip -n "$ns" link add "$2" type bridge stp_state 0 forward_delay 0 || return 1
    ip -n "$ns" link set "$2" up
    ip -n "$ns" addr add "$3" dev "$2"
}

lab_topology_up() {
    local with_ph2=0 with_pub=0 a
    for a in "$@"; do
        case $a in ph2) with_ph2=1 ;; pub) with_pub=1 ;; *) lab_die "topology: $a?" ;; esac
    done
    local r
    for r in ph rt inet srv; do _lab_mkns "$r" || return 1; done
    [ $with_ph2 = 1 ] && { _lab_mkns ph2 || return 1; }
    [ $with_pub = 1 ] && { _lab_mkns pub || return 1; }

    # home LAN: bridge in the router, one port per phone
    _lab_bridge rt br-lan "$LAB_LAN_GW/24" || return 1
    _lab_veth ph eth0 "$LAB_PHONE_MAC" rt lan1 02:00:00:00:01:01 || return 1
    ip -n "$(lab_ns rt)" link set lan1 master br-lan
    ip -n "$(lab_ns ph)" addr add "$LAB_PHONE/24" dev eth0
    ip -n "$(lab_ns ph)" route add default via "$LAB_LAN_GW"
    if [ $with_ph2 = 1 ]; then
        _lab_veth ph2 eth0 0c:38:3e:1a:2b:3d rt lan2 02:00:00:00:01:02 || return 1
        ip -n "$(lab_ns rt)" link set lan2 master br-lan
        ip -n "$(lab_ns ph2)" addr add "$LAB_PHONE2/24" dev eth0
        ip -n "$(lab_ns ph2)" route add default via "$LAB_LAN_GW"
    fi
    # WAN: router <-> ISP core
    _lab_veth rt wan0 02:00:00:00:02:01 inet up0 02:00:00:00:02:02 || return 1
    ip -n "$(lab_ns rt)" addr add "$LAB_WAN/24" dev wan0
    ip -n "$(lab_ns rt)" route add default via "$LAB_WAN_GW"
    ip -n "$(lab_ns inet)" addr add "$LAB_WAN_GW/24" dev up0
    # public server segment: bridge in the ISP core router
    _lab_bridge inet br-pub "$LAB_PUB_GW/24" || return 1
    _lab_veth srv eth0 02:00:00:00:03:10 inet pub1 02:00:00:00:03:01 || return 1
    ip -n "$(lab_ns inet)" link set pub1 master br-pub
    ip -n "$(lab_ns srv)" addr add "$LAB_SRV/24" dev eth0
    ip -n "$(lab_ns srv)" addr add "$LAB_DNS/24" dev eth0
    ip -n "$(lab_ns srv)" route add default via "$LAB_PUB_GW"
    if [ $with_pub = 1 ]; then
        _lab_veth pub eth0 02:00:00:00:03:20 inet pub2 02:00:00:00:03:02 || return 1
        ip -n "$(lab_ns inet)" link set pub2 master br-pub
        ip -n "$(lab_ns pub)" addr add "$LAB_PUB/24" dev eth0
        ip -n "$(lab_ns pub)" route add default via "$LAB_PUB_GW"
    fi
    lab_x rt sysctl -qw net.ipv4.ip_forward=1 >/dev/null
    lab_x inet sysctl -qw net.ipv4.ip_forward=1 >/dev/null
    # NAT on the home router: explicit SNAT (MASQUERADE would flush conntrack entries when
    # the WAN address goes away, which hides the stale-binding behaviour of real routers)
    lab_x rt iptables -t nat -A POSTROUTING -o wan0 -j SNAT --to-source "$LAB_WAN" || return 1
    # wait (bounded) until the phone reaches the server: proves the path before any scenario
    local i
    for i in $(seq 1 20); do
        lab_x ph ping -c1 -W1 "$LAB_SRV" >/dev/null 2>&1 && break
        sleep 0.2
    done
    lab_x ph ping -c1 -W1 "$LAB_SRV" >/dev/null 2>&1 || { lab_log "topology: no path"; return 1; }
    # forget the ping's conntrack entries: scenarios start with a clean NAT table
    lab_x rt sh -c 'command -v conntrack >/dev/null && conntrack -F' >/dev/null 2>&1 || true
    return 0
}

lab_nat_snat() {
    lab_x rt iptables -t nat -R POSTROUTING 1 -o wan0 -j SNAT --to-source "$1"
}

# The WAN address changes the way a DHCP/PPPoE renumbering does: old address removed,
# new one added, default route restored, NAT rule updated. Existing conntrack entries keep
# their old SNAT mapping (nothing flushes them for SNAT). The ISP no longer routes the old
# address to this subscriber (blackhole /32 in the ISP core, neighbour cache flushed):
# without that, Linux would still de-NAT replies to the old address that happen to arrive.
lab_wan_renumber() {
    local old=$1 new=$2
    ip -n "$(lab_ns inet)" route add blackhole "$old/32" || return 1
    ip -n "$(lab_ns inet)" neigh flush dev up0
    ip -n "$(lab_ns rt)" addr del "$old/24" dev wan0 || return 1
    ip -n "$(lab_ns rt)" addr add "$new/24" dev wan0 || return 1
    ip -n "$(lab_ns rt)" route replace default via "$LAB_WAN_GW" || return 1
    lab_nat_snat "$new"
}

lab_bg() {
    local role=$1 log=$2; shift 2
    ip netns exec "$(lab_ns "$role")" "$@" </dev/null >"$log" 2>&1 &
    LAB_LAST_PID=$!
    LAB_PIDS+=("$LAB_LAST_PID")
}

lab_stop() {
    local pid i
    for pid in "$@"; do
        [ -n "$pid" ] || continue
        kill -TERM "$pid" 2>/dev/null || continue
        for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
}

lab_capture_start() {
    local role=$1 file=$2 ifc=${3:-eth0}
    # non-first IP fragments carry no UDP header: "udp port" alone would drop them
    local filter=${4:-"udp port 5060 or tcp port 5060 or icmp or port 53 or (ip[6:2] & 0x1fff != 0)"}
    local log="$LAB_TMP/tcpdump-$role-$(basename "$file").log" pid i
    local fargs=("$filter")
    [ "$filter" = all ] && fargs=()
    lab_bg "$role" "$log" tcpdump -i "$ifc" -n -U --immediate-mode -s 0 -w "$file" "${fargs[@]}"
    pid=$LAB_LAST_PID
    for i in $(seq 1 50); do
        grep -q 'listening on' "$log" 2>/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    lab_log "tcpdump in $role did not start: $(cat "$log")"
    return 1
}

lab_capture_stop() {
    local pid=$1 i
    sleep 0.5   # let the last packets reach the file
    kill -TERM "$pid" 2>/dev/null || return 0
    for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    lab_stop "$pid"
}

lab_wait_port() {
    local role=$1 proto=$2 port=$3 secs=${4:-10} i opt=-uln
    [ "$proto" = tcp ] && opt=-tln
    for i in $(seq 1 $((secs * 10))); do
        lab_x "$role" ss -H "$opt" "sport = :$port" 2>/dev/null | grep -q . && return 0
        sleep 0.1
    done
    return 1
}

lab_kamailio_start() {
    local name=$1; shift
    local args=() defs=() a mode=l
    for a in "$@"; do
        if [ "$a" = -- ]; then mode=A; continue; fi
        if [ $mode = l ]; then args+=(-l "$a"); else defs+=(-A "$a"); fi
    done
    local rt="$LAB_TMP/kamailio-$name"
    mkdir -p "$rt"
    local pid
    lab_bg srv "$LAB_TMP/$name.log" kamailio -f "$LAB_DIR/kamailio.cfg" -DD -E \
        -m 32 -M 4 -Y "$rt" -w "$rt" -P "$rt/kamailio.pid" -a no "${args[@]}" "${defs[@]}"
    pid=$LAB_LAST_PID
    # wait for every listen socket
    for a in "$@"; do
        [ "$a" = -- ] && break
        local proto=${a%%:*} port=${a##*:}
        if ! lab_wait_port srv "$proto" "$port" 10; then
            lab_log "kamailio $name failed to listen on $a:"; tail -20 "$LAB_TMP/$name.log" >&2
            return 1
        fi
    done
    LAB_LAST_PID=$pid
}

lab_baresip() {
    local role=$1 name=$2 listen=$3 acct=$4; shift 4
    local d="$LAB_TMP/$name" l
    lab_need baresip:baresip-core || return 1
    mkdir -p "$d"
    {
        printf '%s\n' "poll_method epoll" "sip_listen $listen" "dns_server $LAB_DNS:53" \
            "module_path /usr/lib/baresip/modules" "module g711.so" "module account.so"
        for l in "$@"; do printf '%s\n' "$l"; done
    } >"$d/config"
    printf '%s\n' "$acct" >"$d/accounts"
    : >"$d/contacts"
    lab_bg "$role" "$LAB_TMP/$name.log" baresip -f "$d" -s
}

lab_dnsmasq() {
    lab_bg srv "$LAB_TMP/dnsmasq.log" dnsmasq -k --user=root --no-resolv --no-hosts \
        --no-poll --listen-address="$LAB_DNS" --bind-interfaces \
        --pid-file="$LAB_TMP/dnsmasq.pid" --log-queries --log-facility=- "$@" || return 1
    local pid=$LAB_LAST_PID
    lab_wait_port srv udp 53 10 || { lab_log "dnsmasq did not start: $(cat "$LAB_TMP/dnsmasq.log")"; return 1; }
    LAB_LAST_PID=$pid
}

lab_resolv() {
    mkdir -p "/etc/netns/$(lab_ns "$1")"
    printf 'nameserver %s\noptions timeout:2 attempts:1\n' "$LAB_DNS" \
        >"/etc/netns/$(lab_ns "$1")/resolv.conf"
}

lab_sipp() {
    local role=$1 secs=$2 name=$3; shift 3
    ( cd "$LAB_TMP" && timeout -k 3 "$secs" ip netns exec "$(lab_ns "$role")" \
        sipp -nostdin -trace_err -trace_msg -message_file "$LAB_TMP/$name.msg" \
        -error_file "$LAB_TMP/$name.err" -trace_logs -log_file "$LAB_TMP/$name.logs" "$@" \
        </dev/null >"$LAB_TMP/$name.out" 2>&1 )
}

lab_sipp_bg() {
    local role=$1 name=$2; shift 2
    ( cd "$LAB_TMP" && exec ip netns exec "$(lab_ns "$role")" \
        sipp -nostdin -trace_err -trace_msg -message_file "$LAB_TMP/$name.msg" \
        -error_file "$LAB_TMP/$name.err" -trace_logs -log_file "$LAB_TMP/$name.logs" "$@" \
        </dev/null >"$LAB_TMP/$name.out" 2>&1 ) &
    LAB_LAST_PID=$!
    LAB_PIDS+=("$LAB_LAST_PID")
}

lab_teardown() {
    local rc=$? pid r ns
    trap - EXIT INT TERM
    for pid in "${LAB_PIDS[@]}"; do
        kill -0 "$pid" 2>/dev/null && lab_stop "$pid"
    done
    for r in "${LAB_ROLES[@]}"; do
        ns=$(lab_ns "$r")
        # anything still alive inside our own namespace was started by this run
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
        ip netns del "$ns" 2>/dev/null
        rm -rf "/etc/netns/$ns"
    done
    LAB_ROLES=()
    LAB_PIDS=()
    if [ -n "${LAB_TMP:-}" ] && [ -d "$LAB_TMP" ] && [ -z "${LAB_KEEP_TMP:-}" ]; then
        rm -rf "$LAB_TMP"
    fi
    return $rc
}
