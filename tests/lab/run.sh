#!/usr/bin/env bash
# sipwatch lab: regenerate the captures in pcaps/lab/ with real Kamailio (registrar), SIPp
# (the phone) and Linux NAT in network namespaces. See lib.sh for the topology.
#   tests/lab/run.sh [-k] [scenario...]     (all scenarios when none are named)
#   -k  keep each scenario's scratch dir (/tmp/swlab-*) with Kamailio and SIPp logs
# Each scenario runs in its own child process and namespaces under a hard time limit;
# captures are written to pcaps/lab/<scenario>.pcap (+ <scenario>-server.pcap).
set -u

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$LAB_DIR/../.." && pwd)
OUT=${LAB_OUT:-$REPO/pcaps/lab}
# shellcheck source=lib.sh
. "$LAB_DIR/lib.sh"

# name:time limit (s). Order = run order.
SCENARIOS=(
    healthy:90 healthy_pair:60 wrong_port:70 blackhole:70 host_unreachable:70
    admin_prohibited:70 dns_failure:40 wrong_password:70 wrong_password_403:50
    user_agent:60 flood_ban:100 flood_ban_two_phones:100 stale_nat:120 options_unanswered:120 tcp_only:80
    call:70 alg:70 nat_return_blocked:70 expired:90 redirect_tcp:40 oversize_udp:70
)

UA_DEFAULT="FIP11W 1.0"
SIPP_PHONE="$LAB_DIR/sipp/phone_register.xml"

# phone_reg ROLE NAME SECS ACCOUNT LOCALPORT [extra sipp args...]
# The phone's registration client. Environment knobs (with defaults): UA, EXPIRES, PW,
# REFRESHES, REFRESH_MS, RETRIES, RETRY_MS, TRANSPORT (u1|t1), CTP, DOMAIN, TARGET.
phone_reg() {
    local role=$1 name=$2 secs=$3 acct=$4 port=$5; shift 5
    local ip=$LAB_PHONE
    [ "$role" = ph2 ] && ip=$LAB_PHONE2
    lab_sipp "$role" "$secs" "$name" -sf "$SIPP_PHONE" -m 1 -l 1 \
        -t "${TRANSPORT:-u1}" -i "$ip" -p "$port" -s "$acct" -au "$acct" \
        -ap "${PW:-${acct}secret}" -key ua "${UA:-$UA_DEFAULT}" \
        -key expires "${EXPIRES:-30}" -key ctp "${CTP:-}" -key domain "${DOMAIN:-$LAB_SRV}" \
        -set refreshes "${REFRESHES:-0}" -set refresh_ms "${REFRESH_MS:-1000}" \
        -set retries "${RETRIES:-0}" -set retry_ms "${RETRY_MS:-1000}" \
        -set linger_ms "${LINGER_MS:-0}" \
        -max_retrans 11 -max_non_invite_retrans 11 -nd "$@" "${TARGET:-$LAB_SRV:5060}"
}

# ---------------------------------------------------------------- scenarios
# Each sc_<name> runs inside a fresh lab (lab_init done); $CAP is the phone capture path,
# $SCAP the server capture path (only kept when the scenario writes it).

sc_healthy() {
    lab_topology_up || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 || return 1
    lab_capture_start ph "$CAP" || return 1; local cp=$LAB_LAST_PID
    REFRESHES=3 REFRESH_MS=10000 phone_reg ph phone 70 1001 5060
    lab_capture_stop "$cp"
}

sc_healthy_pair() {
    lab_topology_up || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 || return 1
    lab_capture_start srv "$SCAP" || return 1; local cs=$LAB_LAST_PID
    lab_capture_start ph "$CAP" || return 1; local cp=$LAB_LAST_PID
    REFRESHES=1 REFRESH_MS=5000 phone_reg ph phone 40 1001 5060
    lab_capture_stop "$cp"; lab_capture_stop "$cs"
}

# REGISTER to a port where nothing listens: the server's kernel answers ICMP port
# unreachable (quoting the REGISTER); the phone retransmits until timer F.
sc_wrong_port() {
    lab_topology_up || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 || return 1
    lab_capture_start ph "$CAP" || return 1; local cp=$LAB_LAST_PID
    TARGET=$LAB_SRV:5070 phone_reg ph phone 50 1001 5060
    lab_capture_stop "$cp"
}

# The server host drops everything (firewall DROP): plain silence for the whole of timer F,
# then the user runs the phone's PING test (诊断 -> PING 测试): no echo replies either.
sc_blackhole() {
    lab_topology_up || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 || return 1
    lab_x srv iptables -A INPUT -j DROP || return 1
    lab_capture_start ph "$CAP" || return 1; local cp=$LAB_LAST_PID
    phone_reg ph phone 50 1001 5060
    lab_x ph ping -c 3 -i 1 -W 1 "$LAB_SRV" >"$LAB_TMP/ping.log" 2>&1
    lab_capture_stop "$cp"
}

# The ISP core router rejects traffic to the server with ICMP host unreachable.
sc_host_unreachable() {
    lab_topology_up || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 || return 1
    lab_x inet iptables -A FORWARD -d "$LAB_SRV" -j REJECT --reject-with icmp-host-unreachable \
        || return 1
    lab_capture_start ph "$CAP" || return 1; local cp=$LAB_LAST_PID
    phone_reg ph phone 50 1001 5060
    lab_capture_stop "$cp"
}

# The home router's firewall rejects outgoing SIP with ICMP admin prohibited (type 3 code 13).
sc_admin_prohibited() {
    lab_topology_up || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 || return 1
    lab_x rt iptables -A FORWARD -i br-lan -p udp --dport 5060 \
        -j REJECT --reject-with icmp-admin-prohibited || return 1
    lab_capture_start ph "$CAP" || return 1; local cp=$LAB_LAST_PID
    phone_reg ph phone 50 1001 5060
    lab_capture_stop "$cp"
}

# The registrar is configured by name; the name does not exist (NXDOMAIN from the DNS
# server, which knows only pbx.example.net). SIPp's resolver (glibc) fails, nothing is sent.
# The phone tries twice more (3 s apart).
sc_dns_failure() {
    lab_topology_up || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 || return 1
    lab_bg srv "$LAB_TMP/dnsmasq.log" dnsmasq -k --user=root --no-resolv --no-hosts \
        --no-poll --listen-address="$LAB_DNS" --bind-interfaces --pid-file="$LAB_TMP/dnsmasq.pid" \
        --local=/example.net/ --host-record=pbx.example.net,"$LAB_SRV" --log-queries \
        --log-facility=- || return 1
    lab_wait_port srv udp 53 10 || { lab_log "dnsmasq did not start"; return 1; }
    mkdir -p "/etc/netns/$(lab_ns ph)"
    printf 'nameserver %s\noptions timeout:2 attempts:1\n' "$LAB_DNS" \
        >"/etc/netns/$(lab_ns ph)/resolv.conf"
    lab_capture_start ph "$CAP" || return 1; local cp=$LAB_LAST_PID
    local i
    for i in 1 2 3; do
        DOMAIN=sip.example.net TARGET=sip.example.net:5060 phone_reg ph "phone$i" 15 1001 5060
        [ $i -lt 3 ] && sleep 3
    done
    grep -h -i 'unknown\|resolv\|host' "$LAB_TMP"/phone1.out | head -3 >&2
    lab_capture_stop "$cp"
}

# Wrong password: 401 -> REGISTER(bad credentials) -> 401 again; the phone retries twice.
sc_wrong_password() {
    lab_topology_up || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 || return 1
    lab_capture_start ph "$CAP" || return 1; local cp=$LAB_LAST_PID
    PW=wrong-password RETRIES=2 RETRY_MS=5000 phone_reg ph phone 40 1001 5060
    lab_capture_stop "$cp"
}

# Same, but the server answers bad credentials with 403 after the challenge.
sc_wrong_password_403() {
    lab_topology_up || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 -- BAD_CREDS_403 || return 1
    lab_capture_start ph "$CAP" || return 1; local cp=$LAB_LAST_PID
    PW=wrong-password RETRIES=1 RETRY_MS=5000 phone_reg ph phone 30 1001 5060
    lab_capture_stop "$cp"
}

# The server requires User-Agent "huawei": 403 with no challenge to the vendor default UA
# (tried twice), then the user changes the UA (SIP 用户代理头域名称) and registration works.
sc_user_agent() {
    lab_topology_up || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 -- REQUIRE_UA || return 1
    lab_capture_start ph "$CAP" || return 1; local cp=$LAB_LAST_PID
    RETRIES=1 RETRY_MS=5000 phone_reg ph phone1 20 1001 5060
    sleep 4
    UA=huawei REFRESHES=1 REFRESH_MS=5000 phone_reg ph phone2 20 1001 5060
    lab_capture_stop "$cp"
}

# Account 1001 refreshes every second (Expires 60): after 10 REGISTERs in 30 s the registrar
# bans the AOR for 120 s and silently drops its REGISTERs (timer F runs out). While 1001 is
# banned, the phone's second line (account 1003, local port 5062) still registers fine.
sc_flood_ban() {
    lab_topology_up || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 -- FLOOD_BAN || return 1
    lab_capture_start ph "$CAP" || return 1; local cp=$LAB_LAST_PID
    EXPIRES=60 REFRESHES=30 REFRESH_MS=1000 lab_sipp_bg_reg ph line1 1001 5060 || return 1
    local p1=$LAB_LAST_PID
    sleep 20
    EXPIRES=60 phone_reg ph line2 20 1003 5062
    wait_pid "$p1" 60
    lab_capture_stop "$cp"
}

# Two phones share account 1001 (same AOR, different devices/contacts) and each refreshes
# every 3 s: the AOR registers alternately from two contacts. The registrar bans the AOR
# after 10 REGISTERs in 30 s and drops both phones' REGISTERs silently (timer F on each).
# The 200 OKs seen by the phone list both devices' bindings. Captured on the phone and server.
sc_flood_ban_two_phones() {
    lab_topology_up ph2 || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 -- FLOOD_BAN || return 1
    lab_capture_start srv "$SCAP" || return 1; local cs=$LAB_LAST_PID
    lab_capture_start ph "$CAP" || return 1; local cp=$LAB_LAST_PID
    EXPIRES=60 REFRESHES=20 REFRESH_MS=3000 lab_sipp_bg_reg ph phoneA 1001 5060 || return 1
    local p1=$LAB_LAST_PID
    sleep 1.5
    EXPIRES=60 REFRESHES=20 REFRESH_MS=3000 lab_sipp_bg_reg ph2 phoneB 1001 5060 || return 1
    local p2=$LAB_LAST_PID
    wait_pid "$p1" 70
    wait_pid "$p2" 10
    lab_capture_stop "$cp"; lab_capture_stop "$cs"
}

# Stale NAT binding: registered through SNAT as 203.0.113.2; the router's WAN address
# changes to 203.0.113.3 (SNAT rule updated) but the existing conntrack entry keeps the old
# mapping, so refreshes from local port 5060 still leave as 203.0.113.2 and the answers go
# nowhere. After timer F the phone retries from a new random local port (54557), which gets
# a fresh conntrack entry with the new address and registers: received=203.0.113.3.
sc_stale_nat() {
    lab_topology_up || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 || return 1
    lab_capture_start srv "$SCAP" || return 1; local cs=$LAB_LAST_PID
    lab_capture_start ph "$CAP" || return 1; local cp=$LAB_LAST_PID
    EXPIRES=30 REFRESHES=2 REFRESH_MS=10000 lab_sipp_bg_reg ph port5060 1001 5060 || return 1
    local p1=$LAB_LAST_PID
    sleep 15
    lab_x rt conntrack -L -p udp >"$LAB_TMP/conntrack-before.txt" 2>&1
    lab_log "router WAN address 203.0.113.2 -> 203.0.113.3"
    lab_wan_renumber 203.0.113.2 203.0.113.3 || return 1
    wait_pid "$p1" 60
    lab_x rt conntrack -L -p udp >"$LAB_TMP/conntrack-after.txt" 2>&1
    cat "$LAB_TMP/conntrack-before.txt" "$LAB_TMP/conntrack-after.txt" >&2
    EXPIRES=30 REFRESHES=1 REFRESH_MS=5000 phone_reg ph port54557 20 1001 54557
    lab_capture_stop "$cp"; lab_capture_stop "$cs"
}

# The server keeps NATed contacts alive with OPTIONS (nathelper, every 5 s) and removes a
# contact that has not answered for 15 s; the phone does not answer OPTIONS (SIP OPTIONS使能
# off) and keeps its NAT binding with CRLF keepalives every 10 s instead (NAT保活间隔).
# Its refresh every 25 s (Expires 60) re-creates the binding: registered / removed / registered.
sc_options_unanswered() {
    lab_topology_up || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 -- OPTIONS_PING || return 1
    lab_capture_start srv "$SCAP" || return 1; local cs=$LAB_LAST_PID
    lab_capture_start ph "$CAP" || return 1; local cp=$LAB_LAST_PID
    EXPIRES=60 REFRESHES=3 REFRESH_MS=25000 LINGER_MS=10000 \
        lab_sipp_bg_reg ph phone 1001 5060 || return 1
    local p1=$LAB_LAST_PID
    sleep 1
    lab_bg ph "$LAB_TMP/crlf.log" "$LAB_SYS_PY" "$LAB_DIR/crlf_keepalive.py" \
        "$LAB_PHONE" 5060 "$LAB_SRV" 5060 10 8 || return 1
    local pk=$LAB_LAST_PID
    wait_log "$LAB_TMP/phone.logs" '^END' 100
    sleep 1
    lab_capture_stop "$cp"; lab_capture_stop "$cs"
    lab_stop "$pk" "$p1"
}

# The server listens on TCP only: UDP REGISTERs draw ICMP port unreachable until timer F;
# the user switches 传输类型 to TCP and the phone registers over TCP.
sc_tcp_only() {
    lab_topology_up || return 1
    lab_kamailio_start kam tcp:$LAB_SRV:5060 || return 1
    lab_capture_start ph "$CAP" || return 1; local cp=$LAB_LAST_PID
    phone_reg ph udp 40 1001 5060
    sleep 2
    TRANSPORT=t1 CTP=";transport=tcp" REFRESHES=1 REFRESH_MS=5000 phone_reg ph tcp 20 1001 5060
    lab_capture_stop "$cp"
}

# A complete call: 1002 (a public SIP phone, 198.51.100.20) registers; the phone (1001,
# behind NAT) registers and calls it: INVITE/407/ACK/INVITE/100/180/200/ACK/BYE/200.
_call_common() {
    lab_kamailio_start kam udp:$LAB_SRV:5060 -- WITH_CALLS || return 1
    lab_capture_start srv "$SCAP" || return 1; CS=$LAB_LAST_PID
    lab_capture_start ph "$CAP" || return 1; CP=$LAB_LAST_PID
    lab_sipp pub 20 callee-reg -sf "$SIPP_PHONE" -m 1 -t u1 -i "$LAB_PUB" -p 5060 -s 1002 \
        -au 1002 -ap 1002secret -key ua "softphone 2.1" -key expires 60 -key ctp "" \
        -key domain "$LAB_SRV" -max_retrans 11 -max_non_invite_retrans 11 -nd "$LAB_SRV:5060" || return 1
    lab_sipp_bg pub callee -sf "$LAB_DIR/sipp/callee_uas.xml" -m 1 -t u1 -i "$LAB_PUB" \
        -p 5060 -s 1002 -key ua "softphone 2.1" -mp 30000 || return 1
    local pu=$LAB_LAST_PID
    lab_wait_port pub udp 5060 5
    EXPIRES=60 phone_reg ph phone-reg 20 1001 5060 || return 1
    sleep 1
    lab_sipp ph 30 phone-call -sf "$LAB_DIR/sipp/phone_call.xml" -m 1 -t u1 -i "$LAB_PHONE" \
        -p 5060 -s 1001 -au 1001 -ap 1001secret -key ua "$UA_DEFAULT" -key domain "$LAB_SRV" \
        -key callee 1002 -mp 40000 -max_invite_retrans 6 "$LAB_SRV:5060" || return 1
    wait_pid "$pu" 10
    lab_capture_stop "$CP"; lab_capture_stop "$CS"
}

sc_call() {
    lab_topology_up pub || return 1
    _call_common
}

# The home router runs the kernel SIP ALG (conntrack helper "sip" + nf_nat_sip): it rewrites
# the private addresses in Via, Contact and SDP. Same call as sc_call; captured on both sides.
sc_alg() {
    lab_topology_up pub || return 1
    lab_x rt iptables -t raw -A PREROUTING -i br-lan -p udp --dport 5060 -j CT --helper sip \
        || return 1
    _call_common
}

# The router drops the server's answers on their way back to the LAN: the server sees
# every REGISTER retransmission and answers each (401), the phone receives nothing.
sc_nat_return_blocked() {
    lab_topology_up || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 || return 1
    lab_x rt iptables -A FORWARD -i wan0 -o br-lan -p udp --sport 5060 -j DROP || return 1
    lab_capture_start srv "$SCAP" || return 1; local cs=$LAB_LAST_PID
    lab_capture_start ph "$CAP" || return 1; local cp=$LAB_LAST_PID
    phone_reg ph phone 50 1001 5060
    lab_capture_stop "$cp"; lab_capture_stop "$cs"
}

# lab_sipp_bg_reg ROLE NAME ACCOUNT PORT: phone_reg in the background (LAB_LAST_PID).
lab_sipp_bg_reg() {
    local role=$1 name=$2 acct=$3 port=$4
    local ip=$LAB_PHONE
    [ "$role" = ph2 ] && ip=$LAB_PHONE2
    lab_sipp_bg "$role" "$name" -sf "$SIPP_PHONE" -m 1 -l 1 -t u1 -i "$ip" -p "$port" \
        -s "$acct" -au "$acct" -ap "${PW:-${acct}secret}" -key ua "${UA:-$UA_DEFAULT}" \
        -key expires "${EXPIRES:-30}" -key ctp "" -key domain "$LAB_SRV" \
        -set refreshes "${REFRESHES:-0}" -set refresh_ms "${REFRESH_MS:-1000}" \
        -set retries "${RETRIES:-0}" -set retry_ms "${RETRY_MS:-1000}" \
        -set linger_ms "${LINGER_MS:-0}" -max_retrans 11 -max_non_invite_retrans 11 -nd "$LAB_SRV:5060"
}

# wait_log FILE REGEX SECS: wait until FILE has a line matching REGEX (at most SECS).
wait_log() {
    local i
    for i in $(seq 1 $(($3 * 10))); do
        grep -q -E "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    lab_log "timeout waiting for /$2/ in $1"
    return 1
}

# wait_pid PID SECS: wait for a background process of ours, at most SECS, then stop it.
wait_pid() {
    local pid=$1 secs=$2 i
    for i in $(seq 1 $((secs * 10))); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && { lab_log "pid $pid still running after $secs s, stopping"; lab_stop "$pid"; }
    wait "$pid" 2>/dev/null
    return 0
}

# ---------------------------------------------------------------- driver

run_one() {
    local sc=$1 idx=$2
    lab_init "$PPID_ID-$idx"
    [ -n "${KEEP:-}" ] && LAB_KEEP_TMP=1
    CAP="$LAB_TMP/$sc.pcap"
    SCAP="$LAB_TMP/$sc-server.pcap"
    lab_log "scenario $sc (namespaces swlab-$LAB_ID-*, scratch $LAB_TMP)"
    if ! "sc_$sc"; then
        lab_log "scenario $sc FAILED"; tail -5 "$LAB_TMP"/*.log >&2 2>/dev/null
        return 1
    fi
    mkdir -p "$OUT"
    cp "$CAP" "$OUT/$sc.pcap" || return 1
    [ -s "$SCAP" ] && cp "$SCAP" "$OUT/$sc-server.pcap"
    chmod 644 "$OUT/$sc"*.pcap
    return 0
}

summary() {
    local f
    printf '%-34s %8s %8s %s\n' capture bytes frames "SIP (method/status)"
    for f in "$@"; do
        [ -f "$f" ] || continue
        local n sip
        n=$(tshark -r "$f" 2>/dev/null | wc -l)
        sip=$(tshark -r "$f" -Y 'sip && !icmp' -T fields -e sip.Method -e sip.Status-Code 2>/dev/null \
              | tr '\t' ' ' | sed 's/^ *//;s/ *$//' | sort | uniq -c | awk '{printf "%s%sx%s", (NR>1?", ":""), $2, $1}')
        printf '%-34s %8s %8s %s\n' "$(basename "$f")" "$(stat -c %s "$f")" "$n" "$sip"
    done
}

main() {
    if [ "${1:-}" = --one ]; then
        PPID_ID=$2; KEEP=$4
        run_one "$3" "$5"
        exit $?
    fi
    local keep=""
    if [ "${1:-}" = -k ]; then keep=1; shift; fi
    [ "$(id -u)" = 0 ] || lab_die "run as root"
    lab_install_deps
    local want=("$@") list=() s name limit
    if [ ${#want[@]} -eq 0 ]; then
        for s in "${SCENARIOS[@]}"; do want+=("${s%%:*}"); done
    fi
    for name in "${want[@]}"; do
        limit=""
        for s in "${SCENARIOS[@]}"; do [ "${s%%:*}" = "$name" ] && limit=${s##*:}; done
        [ -n "$limit" ] || lab_die "unknown scenario '$name' (known: ${SCENARIOS[*]%%:*})"
        list+=("$name:$limit")
    done
    local id="r$$" i=0 ok=() bad=() t0 t1 start=$SECONDS
    for s in "${list[@]}"; do
        i=$((i + 1)); name=${s%%:*}; limit=${s##*:}
        t0=$SECONDS
        if timeout -k 20 "$limit" bash "$0" --one "$id" "$name" "$keep" "$i"; then
            ok+=("$name")
        else
            bad+=("$name")
        fi
        t1=$SECONDS
        lab_log "$name: $((t1 - t0)) s"
    done
    local files=()
    for name in "${ok[@]}"; do
        files+=("$OUT/$name.pcap")
        [ -f "$OUT/$name-server.pcap" ] && files+=("$OUT/$name-server.pcap")
    done
    summary "${files[@]}"
    lab_log "done in $((SECONDS - start)) s: ${#ok[@]} ok${bad:+, FAILED: ${bad[*]}}"
    [ ${#bad[@]} -eq 0 ]
}

# The registrar grants at most 10 s (the phone asks for 60) while the phone refreshes
# every 20 s: each binding lapses before its refresh, so the registration comes and
# goes (register.expired, register.flapping).
sc_expired() {
    lab_topology_up || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 -- MAX_EXPIRES=10 || return 1
    lab_capture_start ph "$CAP" || return 1; local cp=$LAB_LAST_PID
    EXPIRES=60 REFRESHES=3 REFRESH_MS=20000 phone_reg ph phone 80 1001 5060
    lab_capture_stop "$cp"
}

# The server answers REGISTER over UDP with 302 Moved Temporarily and a Contact that
# names TCP (transport.tcp_required / server_requests_tcp).
sc_redirect_tcp() {
    lab_topology_up || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 tcp:$LAB_SRV:5060 -- REDIRECT_TCP || return 1
    lab_capture_start ph "$CAP" || return 1; local cp=$LAB_LAST_PID
    RETRIES=1 RETRY_MS=5000 phone_reg ph phone 25 1001 5060
    lab_capture_stop "$cp"
}

# A REGISTER of about 2 KB (a long Contact parameter) leaves the phone in two IP
# fragments; a router on the way drops non-first fragments (as some do), so the registrar
# never gets it: no answer for 32 s (transport.tcp_required / oversize_udp).
sc_oversize_udp() {
    lab_topology_up || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 || return 1
    # on the ISP side: the home router (NAT, conntrack) reassembles and re-fragments
    lab_x inet iptables -A FORWARD -f -j DROP || return 1
    lab_capture_start ph "$CAP" || return 1; local cp=$LAB_LAST_PID
    CTP=";x-pad=$(printf 'a%.0s' $(seq 1600))" phone_reg ph phone 50 1001 5060
    lab_capture_stop "$cp"
}

# Sourced by other tests (LAB_SOURCE_ONLY=1) for phone_reg and the scenarios.
[ "${LAB_SOURCE_ONLY:-}" = 1 ] || main "$@"
