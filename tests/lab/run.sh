#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
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
    # variant matrix (tests/e2e/matrix_lab.py)
    healthy_baresip:60 wrong_password_baresip:60 stale_nat_late:160 stale_nat_early:90
    stale_nat_baresip:130 nat_udp_timeout:120 nat_udp_timeout_preserving:120
    nat_udp_timeout_ok:120 nat_udp_timeout_preserving_clash:120 dns_no_answer:60 dns_servfail:60 dns_srv_fallback:50 dns_srv_ok:50
    https_lookalike:70 tcp_only_silent:80 transient_503:90 min_expires_423:70
    min_expires_423_baresip:70 registrar_restart:80 public_phone_outage:140 outbound_proxy:70
    outbound_proxy_wrong_password:70 alg_port5080:60 registrar_fixes_contact:50
    registrar_alias_contact:50 no_sip:50 oversize_invite:80 big_register_ok:50
    big_register_blackhole:60 icmp_frag_needed:60 icmp_frag_needed_dropped:60
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
    [ "$role" = pub ] && ip=$LAB_PUB
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
    [ "$role" = pub ] && ip=$LAB_PUB
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

# ================================================================ variant matrix scenarios
# Captures for tests/e2e/matrix_lab.py: new variants of the failure modes above and near
# misses that must stay silent. Everything on the captured interface is kept (filter "all"),
# as the phone's own 报文追踪 does. baresip (Debian baresip-core 1.0.0) is the second client
# implementation besides SIPp: its own DNS (NAPTR/SRV/A), refresh timer (regint x rwait %),
# retry timer after a failure, answers OPTIONS; it fetches a new nonce (401) on every refresh.

# bs_acct USER [PASS] [PARAMS]: a baresip accounts line for USER@registrar
bs_acct() {
    printf '<sip:%s@%s>;auth_pass=%s;regint=%s;rwait=%s%s' "$1" "${BS_DOMAIN:-$LAB_SRV}" \
        "${2:-$1secret}" "${REGINT:-30}" "${RWAIT:-50}" "${3:-}"
}

sc_healthy_baresip() {
    lab_topology_up || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 || return 1
    lab_capture_start ph "$CAP" eth0 all || return 1; local cp=$LAB_LAST_PID
    lab_baresip ph phone "$LAB_PHONE:5060" "$(REGINT=30 RWAIT=50 bs_acct 1001)" || return 1
    local pb=$LAB_LAST_PID
    sleep 38
    lab_capture_stop "$cp"; lab_stop "$pb"
}

# baresip with a wrong password: 401, credentials, 401 again (Kamailio re-challenges); baresip
# reports "401 Unauthorized" and tries again after its retry wait.
sc_wrong_password_baresip() {
    lab_topology_up || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 || return 1
    lab_capture_start ph "$CAP" eth0 all || return 1; local cp=$LAB_LAST_PID
    lab_baresip ph phone "$LAB_PHONE:5060" "$(bs_acct 1001 wrong-password)" || return 1
    local pb=$LAB_LAST_PID
    sleep 40
    lab_capture_stop "$cp"; lab_stop "$pb"
}

# Stale NAT binding, late rebinding: as stale_nat (renumbering at 15 s, refresh every 10 s,
# Expires 30), but after timer F the phone starts over from the same port (a new
# registration: new Call-ID, 32 s more of silence) and only then, ~85 s after its last
# answered refresh, registers from a new local port: the registration had lapsed long before.
# (SIPp's own retry after a timeout keeps retransmitting the old request during its pause,
# so the second attempt is a second SIPp run on the same port.)
sc_stale_nat_late() {
    lab_topology_up || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 || return 1
    lab_capture_start srv "$SCAP" eth0 all || return 1; local cs=$LAB_LAST_PID
    lab_capture_start ph "$CAP" eth0 all || return 1; local cp=$LAB_LAST_PID
    EXPIRES=30 REFRESHES=2 REFRESH_MS=10000 lab_sipp_bg_reg ph port5060 1001 5060 || return 1
    local p1=$LAB_LAST_PID
    sleep 15
    lab_log "router WAN address 203.0.113.2 -> 203.0.113.3"
    lab_wan_renumber 203.0.113.2 203.0.113.3 || return 1
    wait_pid "$p1" 60
    sleep 3
    EXPIRES=30 phone_reg ph retry5060 40 1001 5060
    sleep 8
    EXPIRES=30 REFRESHES=1 REFRESH_MS=10000 phone_reg ph port50832 20 1001 50832
    lab_capture_stop "$cp"; lab_capture_stop "$cs"
}

# Stale NAT binding, early rebinding: renumbering at 15 s; the refresh at 20 s from port 5060
# goes unanswered and 9 s later the phone (a second registration client, port 5062) registers
# from a new port while the old transaction is still retransmitted (its timer F fires at
# ~52 s, after the new port's 200 and refresh).
sc_stale_nat_early() {
    lab_topology_up || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 || return 1
    lab_capture_start srv "$SCAP" eth0 all || return 1; local cs=$LAB_LAST_PID
    lab_capture_start ph "$CAP" eth0 all || return 1; local cp=$LAB_LAST_PID
    EXPIRES=30 REFRESHES=2 REFRESH_MS=10000 lab_sipp_bg_reg ph port5060 1001 5060 || return 1
    local p1=$LAB_LAST_PID
    sleep 15
    lab_log "router WAN address 203.0.113.2 -> 203.0.113.3"
    lab_wan_renumber 203.0.113.2 203.0.113.3 || return 1
    sleep 14
    EXPIRES=30 REFRESHES=2 REFRESH_MS=10000 lab_sipp_bg_reg ph port5062 1001 5062 || return 1
    local p2=$LAB_LAST_PID
    wait_pid "$p1" 40
    wait_pid "$p2" 20
    lab_capture_stop "$cp"; lab_capture_stop "$cs"
}

# Stale NAT binding with baresip: it refreshes every 15 s (regint 30; baresip refreshes at
# rwait % of the expiry and accepts no rwait below 50) from port 5060; the WAN address is
# renumbered at 20 s; its refresh at 30 s goes unanswered (timer F at ~62 s); at ~68 s the
# phone is rebooted (baresip killed and started again listening on 5070: a new local port)
# and registers through a new NAT mapping with the new public address.
sc_stale_nat_baresip() {
    lab_topology_up || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 || return 1
    lab_capture_start srv "$SCAP" eth0 all || return 1; local cs=$LAB_LAST_PID
    lab_capture_start ph "$CAP" eth0 all || return 1; local cp=$LAB_LAST_PID
    lab_baresip ph phone1 "$LAB_PHONE:5060" "$(REGINT=30 RWAIT=50 bs_acct 1001)" || return 1
    local pb=$LAB_LAST_PID
    sleep 20
    lab_log "router WAN address 203.0.113.2 -> 203.0.113.3"
    lab_wan_renumber 203.0.113.2 203.0.113.3 || return 1
    sleep 47
    lab_log "phone reboot: baresip restarted on port 5070"
    kill -KILL "$pb" 2>/dev/null; wait "$pb" 2>/dev/null
    sleep 1
    lab_baresip ph phone2 "$LAB_PHONE:5070" "$(REGINT=30 RWAIT=50 bs_acct 1001)" || return 1
    local pb2=$LAB_LAST_PID
    sleep 17
    lab_capture_stop "$cp"; lab_capture_stop "$cs"; lab_stop "$pb2"
}

# NAT UDP mapping timeout: the router's conntrack forgets a UDP mapping after CT s of silence
# (nf_conntrack_udp_timeout and _stream in the router's namespace); baresip refreshes every
# 25 s (regint 50, rwait 50); Kamailio pings the contact with OPTIONS every 15 s
# (OPTIONS_PING, keepalive_timeout 300 s so it never drops the contact). An OPTIONS that
# reaches the router after the mapping lapsed meets no mapping: ICMP port unreachable from
# the router's WAN address. Each refresh then makes a new mapping; SNAT args decide whether
# it keeps the public port. _nat_udp_timeout CT SNAT-ARGS...
_nat_udp_timeout() {
    local ct=$1; shift
    lab_topology_up || return 1
    lab_x rt sysctl -qw net.netfilter.nf_conntrack_udp_timeout="$ct" \
        net.netfilter.nf_conntrack_udp_timeout_stream="$ct" >/dev/null || return 1
    # UDP gets the scenario's SNAT (a port range needs -p udp); anything else the usual rule
    lab_x rt iptables -t nat -I POSTROUTING 1 -o wan0 -p udp -j SNAT "$@" || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 -- OPTIONS_PING PING_INTERVAL=15 PING_TIMEOUT=300 \
        || return 1
    lab_capture_start srv "$SCAP" eth0 all || return 1; local cs=$LAB_LAST_PID
    lab_capture_start ph "$CAP" eth0 all || return 1; local cp=$LAB_LAST_PID
    lab_baresip ph phone "$LAB_PHONE:5060" "$(REGINT=50 RWAIT=50 bs_acct 1001)" || return 1
    local pb=$LAB_LAST_PID
    sleep 78
    lab_x rt conntrack -L -p udp >&2 2>/dev/null
    lab_capture_stop "$cp"; lab_capture_stop "$cs"; lab_stop "$pb"
}
# mapping lapses after 10 s; SNAT picks a random public port for each new mapping
sc_nat_udp_timeout() { _nat_udp_timeout 10 --to-source "$LAB_WAN:20000-60000" --random; }
# mapping lapses after 3 s; port-preserving SNAT: each new mapping gets 5060 again, so the
# phone sees nothing; only the server sees its OPTIONS refused (ICMP) between refreshes.
# (3 s, not 10: an OPTIONS refused by the router leaves an unreplied conntrack entry on the
# tuple 203.0.113.2:5060 <-> 198.51.100.10:5060 for the UDP timeout; a refresh within that
# time clashes with it and SNAT picks another port -- see nat_udp_timeout_preserving_clash.)
sc_nat_udp_timeout_preserving() { _nat_udp_timeout 3 --to-source "$LAB_WAN:1024-65535"; }
# port-preserving SNAT, mapping lapses after 10 s: the OPTIONS refused at ~15.7 s leaves its
# conntrack entry until ~25.7 s, the refresh at 25 s clashes with it, so SNAT moves that
# mapping to another port once (5060 -> 3963 in the capture) and back to 5060 at 50 s.
sc_nat_udp_timeout_preserving_clash() { _nat_udp_timeout 10 --to-source "$LAB_WAN:1024-65535"; }
# near miss: mapping kept 60 s, longer than any gap (refresh 25 s, OPTIONS 15 s)
sc_nat_udp_timeout_ok() { _nat_udp_timeout 60 --to-source "$LAB_WAN:20000-60000" --random; }

# The DNS server host drops every query (iptables DROP udp 53; dnsmasq runs behind it).
# baresip is configured with registrar pbx.example.net and DNS server 198.51.100.53; it
# retransmits its queries, gets nothing, sends no REGISTER.
sc_dns_no_answer() {
    lab_topology_up || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 || return 1
    lab_dnsmasq --local=/example.net/ --host-record=pbx.example.net,"$LAB_SRV" || return 1
    lab_x srv iptables -A INPUT -p udp --dport 53 -j DROP || return 1
    lab_capture_start ph "$CAP" eth0 all || return 1; local cp=$LAB_LAST_PID
    lab_baresip ph phone "$LAB_PHONE:5060" "$(BS_DOMAIN=pbx.example.net bs_acct 1001)" || return 1
    local pb=$LAB_LAST_PID
    sleep 25
    lab_capture_stop "$cp"; lab_stop "$pb"
}

# The DNS server answers SERVFAIL: the phone's resolver (dnsmasq on 198.51.100.53) validates
# DNSSEC (root trust anchor) and forwards to the provider's internal DNS (a second dnsmasq on
# 198.51.100.54, authoritative for example.net, unsigned, knows nothing about "net"): the
# chain of trust cannot be built ("validation of net failed"), so every answer is SERVFAIL.
sc_dns_servfail() {
    lab_topology_up || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 || return 1
    lab_x srv ip addr add 198.51.100.54/24 dev eth0 || return 1
    lab_bg srv "$LAB_TMP/dnsmasq-up.log" dnsmasq -k --user=root --no-resolv --no-hosts --no-poll \
        --listen-address=198.51.100.54 --bind-interfaces --pid-file="$LAB_TMP/dnsmasq-up.pid" \
        --local=/example.net/ --host-record=pbx.example.net,"$LAB_SRV" --log-queries \
        --log-facility=- || return 1
    lab_dnsmasq --server=198.51.100.54 --dnssec \
        --trust-anchor=.,20326,8,2,E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D \
        || return 1
    lab_capture_start ph "$CAP" eth0 all || return 1; local cp=$LAB_LAST_PID
    lab_baresip ph phone "$LAB_PHONE:5060" "$(BS_DOMAIN=pbx.example.net bs_acct 1001)" || return 1
    local pb=$LAB_LAST_PID
    sleep 25
    lab_capture_stop "$cp"; lab_stop "$pb"
}

# Near miss for dns_failure: pbx.example.net has an A record only; baresip's NAPTR and SRV
# lookups find nothing (RFC 3263 fallback) and it registers to the A record's address.
sc_dns_srv_fallback() {
    lab_topology_up || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 || return 1
    lab_dnsmasq --local=/example.net/ --host-record=pbx.example.net,"$LAB_SRV" || return 1
    lab_capture_start ph "$CAP" eth0 all || return 1; local cp=$LAB_LAST_PID
    lab_baresip ph phone "$LAB_PHONE:5060" "$(BS_DOMAIN=pbx.example.net bs_acct 1001)" || return 1
    local pb=$LAB_LAST_PID
    sleep 20
    lab_capture_stop "$cp"; lab_stop "$pb"
}

# Healthy RFC 3263: domain example.net has NAPTR -> _sip._udp.example.net SRV ->
# sip1.example.net A 198.51.100.10; baresip follows the chain and registers.
sc_dns_srv_ok() {
    lab_topology_up || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 || return 1
    lab_dnsmasq --local=/example.net/ \
        --naptr-record=example.net,10,10,S,SIP+D2U,,_sip._udp.example.net \
        --srv-host=_sip._udp.example.net,sip1.example.net,5060,10,10 \
        --host-record=sip1.example.net,"$LAB_SRV" || return 1
    lab_capture_start ph "$CAP" eth0 all || return 1; local cp=$LAB_LAST_PID
    lab_baresip ph phone "$LAB_PHONE:5060" "$(BS_DOMAIN=example.net bs_acct 1001)" || return 1
    local pb=$LAB_LAST_PID
    sleep 20
    lab_capture_stop "$cp"; lab_stop "$pb"
}

# Near miss for udp_refused_tcp_ok: the registrar's host drops UDP 5060 (firewall), and also
# serves HTTPS on 443 (openssl s_server: the provisioning server); the phone fetches its
# configuration over HTTPS while its UDP REGISTER goes unanswered. TCP 443 says nothing
# about SIP over TCP.
sc_https_lookalike() {
    lab_need openssl:openssl curl:curl || return 1
    lab_topology_up || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 || return 1
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$LAB_TMP/key.pem" -out "$LAB_TMP/crt.pem" \
        -subj /CN=pbx.example.net -days 2 >/dev/null 2>&1 || return 1
    lab_bg srv "$LAB_TMP/https.log" openssl s_server -accept "$LAB_SRV:443" \
        -cert "$LAB_TMP/crt.pem" -key "$LAB_TMP/key.pem" -www || return 1
    lab_wait_port srv tcp 443 10 || return 1
    lab_x srv iptables -A INPUT -p udp --dport 5060 -j DROP || return 1
    lab_capture_start ph "$CAP" eth0 all || return 1; local cp=$LAB_LAST_PID
    PW=1001secret phone_reg ph phone 40 1001 5060 &
    local pr=$!
    sleep 2
    lab_x ph curl -sk --max-time 5 -o /dev/null -w 'https %{http_code}\n' "https://$LAB_SRV/" >&2
    sleep 15
    lab_x ph curl -sk --max-time 5 -o /dev/null -w 'https %{http_code}\n' "https://$LAB_SRV/" >&2
    wait "$pr"
    lab_capture_stop "$cp"
}

# The server drops UDP 5060 silently (no ICMP) but Kamailio also listens on TCP 5060: the
# phone's UDP registration times out (timer F), then it falls back to TCP and registers.
sc_tcp_only_silent() {
    lab_topology_up || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 tcp:$LAB_SRV:5060 || return 1
    lab_x srv iptables -A INPUT -p udp --dport 5060 -j DROP || return 1
    lab_capture_start ph "$CAP" eth0 all || return 1; local cp=$LAB_LAST_PID
    phone_reg ph udp 40 1001 5060
    sleep 2
    TRANSPORT=t1 CTP=";transport=tcp" REFRESHES=1 REFRESH_MS=5000 phone_reg ph tcp 20 1001 5060
    lab_capture_stop "$cp"
}

# Near miss for register.flapping: Kamailio (TRANSIENT_503) answers every 3rd authenticated
# REGISTER with 503 while the binding is still valid (Expires 30, refresh every 10 s); the
# phone retries 2 s later (new challenge, 200). Twice in the capture.
sc_transient_503() {
    lab_topology_up || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 -- TRANSIENT_503 || return 1
    lab_capture_start ph "$CAP" eth0 all || return 1; local cp=$LAB_LAST_PID
    EXPIRES=30 REFRESHES=5 REFRESH_MS=10000 RETRIES=2 RETRY_MS=2000 phone_reg ph phone 70 1001 5060
    lab_capture_stop "$cp"
}

# Near miss: the registrar demands Min-Expires 30 (MIN_EXPIRES=30, 423 Interval Too Brief)
# and the phone asks for 20: each REGISTER with credentials gets 423, the phone re-sends it at
# once with Expires 30 (SIPp scenario: MINEXP=1) and gets 200; its next refresh asks 20 again.
sc_min_expires_423() {
    lab_topology_up || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 -- MIN_EXPIRES=30 || return 1
    lab_capture_start ph "$CAP" eth0 all || return 1; local cp=$LAB_LAST_PID
    EXPIRES=20 REFRESHES=3 REFRESH_MS=10000 phone_reg ph phone 50 1001 5060
    lab_capture_stop "$cp"
}

# The same with baresip (regint 20): it learns Min-Expires from the first 423 and asks 30 from then on.
sc_min_expires_423_baresip() {
    lab_topology_up || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 -- MIN_EXPIRES=30 || return 1
    lab_capture_start ph "$CAP" eth0 all || return 1; local cp=$LAB_LAST_PID
    lab_baresip ph phone "$LAB_PHONE:5060" "$(REGINT=20 RWAIT=50 bs_acct 1001)" || return 1
    local pb=$LAB_LAST_PID
    sleep 40
    lab_capture_stop "$cp"; lab_stop "$pb"
}

# Kamailio is stopped at 17 s and started again ~6 s later (location table in memory: lost).
# The phone's refresh at 20 s draws ICMP port unreachable until Kamailio is back; a
# retransmission then reaches the new instance, which no longer knows the nonce: 401, the
# phone answers the new challenge, 200.
sc_registrar_restart() {
    lab_topology_up || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 || return 1
    local pk=$LAB_LAST_PID
    lab_capture_start ph "$CAP" eth0 all || return 1; local cp=$LAB_LAST_PID
    EXPIRES=30 REFRESHES=4 REFRESH_MS=10000 lab_sipp_bg_reg ph phone 1001 5060 || return 1
    local p1=$LAB_LAST_PID
    sleep 17
    lab_log "registrar stopped"
    lab_stop "$pk"
    sleep 5.5
    lab_kamailio_start kam2 udp:$LAB_SRV:5060 || return 1
    lab_log "registrar started again"
    wait_pid "$p1" 40
    lab_capture_stop "$cp"
}

# Near miss for nat.stale_binding: the phone has a public address (198.51.100.20 on the
# server's segment, no NAT). At 15 s the registrar host drops everything (an outage) for
# ~73 s: the refresh at 20 s and a retry from the same port (55 s) time out; the
# registration lapses. When the server is back the phone registers from another local port.
sc_public_phone_outage() {
    lab_topology_up pub || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 || return 1
    lab_capture_start pub "$CAP" eth0 all || return 1; local cp=$LAB_LAST_PID
    EXPIRES=30 REFRESHES=2 REFRESH_MS=10000 lab_sipp_bg_reg pub port5060 1001 5060 || return 1
    local p1=$LAB_LAST_PID
    sleep 15
    lab_log "server outage starts"
    lab_x srv iptables -A INPUT -j DROP || return 1
    wait_pid "$p1" 60
    sleep 3
    EXPIRES=30 phone_reg pub retry5060 40 1001 5060
    lab_x srv iptables -D INPUT -j DROP || return 1
    lab_log "server back"
    sleep 2
    EXPIRES=30 REFRESHES=1 REFRESH_MS=10000 phone_reg pub port5072 20 1001 5072
    lab_capture_stop "$cp"
}

# The phone (baresip) registers through an outbound proxy: a second Kamailio (OUTBOUND_PROXY,
# stateful, record-routing) on 198.51.100.11 that relays to the registrar 198.51.100.10.
_outbound_proxy() {
    lab_topology_up || return 1
    lab_x srv ip addr add 198.51.100.11/24 dev eth0 || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 || return 1
    lab_kamailio_start proxy udp:198.51.100.11:5060 -- OUTBOUND_PROXY || return 1
    sleep 1
    lab_capture_start ph "$CAP" eth0 all || return 1; local cp=$LAB_LAST_PID
    lab_baresip ph phone "$LAB_PHONE:5060" \
        "$(bs_acct 1001 "$1" ';outbound="sip:198.51.100.11"')" || return 1
    local pb=$LAB_LAST_PID
    sleep 35
    lab_capture_stop "$cp"; lab_stop "$pb"
}
sc_outbound_proxy() { _outbound_proxy 1001secret; }
sc_outbound_proxy_wrong_password() { _outbound_proxy wrong-password; }

# The kernel SIP ALG on another port: the registrar listens on UDP 5080 and the home router
# attaches the "sip" conntrack helper to UDP 5080 (same rule as sc_alg, other port).
sc_alg_port5080() {
    lab_topology_up || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5080 || return 1
    lab_x rt iptables -t raw -A PREROUTING -i br-lan -p udp --dport 5080 -j CT --helper sip \
        || return 1
    lab_capture_start srv "$SCAP" eth0 all || return 1; local cs=$LAB_LAST_PID
    lab_capture_start ph "$CAP" eth0 all || return 1; local cp=$LAB_LAST_PID
    TARGET=$LAB_SRV:5080 REFRESHES=1 REFRESH_MS=5000 phone_reg ph phone 30 1001 5060
    lab_capture_stop "$cp"; lab_capture_stop "$cs"
}

# Near miss for alg.rewrite: no ALG; the registrar itself rewrites the NATed phone's Contact
# to the public address (FIX_CONTACT: fix_nated_contact before save) and lists that in the 200.
sc_registrar_fixes_contact() {
    lab_topology_up || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 -- FIX_CONTACT || return 1
    lab_capture_start ph "$CAP" eth0 all || return 1; local cp=$LAB_LAST_PID
    REFRESHES=1 REFRESH_MS=5000 phone_reg ph phone 30 1001 5060
    lab_capture_stop "$cp"
}
# same with set_contact_alias (Contact ;alias=203.0.113.2~5060~1, stored and listed in the 200)
sc_registrar_alias_contact() {
    lab_topology_up || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 -- ALIAS_CONTACT || return 1
    lab_capture_start ph "$CAP" eth0 all || return 1; local cp=$LAB_LAST_PID
    REFRESHES=1 REFRESH_MS=5000 phone_reg ph phone 30 1001 5060
    lab_capture_stop "$cp"
}

# No SIP at all: ~20 s of the phone's other traffic: pings to the router, DNS lookups of
# an unrelated name (answered), an HTTP fetch from the server host's web server (port 80).
sc_no_sip() {
    lab_need curl:curl || return 1
    lab_topology_up || return 1
    lab_dnsmasq --local=/example.org/ --host-record=www.example.org,"$LAB_SRV" || return 1
    mkdir -p "$LAB_TMP/www" && echo hello >"$LAB_TMP/www/index.html"
    ( cd "$LAB_TMP/www" && exec ip netns exec "$(lab_ns srv)" "$LAB_SYS_PY" -m http.server 80 \
        --bind "$LAB_SRV" >"$LAB_TMP/http.log" 2>&1 ) &
    LAB_PIDS+=("$!")
    lab_wait_port srv tcp 80 10 || return 1
    lab_resolv ph
    lab_capture_start ph "$CAP" eth0 all || return 1; local cp=$LAB_LAST_PID
    lab_x ph ping -c 3 -i 1 "$LAB_LAN_GW" >&2
    sleep 2
    lab_x ph getent ahostsv4 www.example.org >&2
    lab_x ph curl -s --max-time 5 -o /dev/null -w 'http %{http_code}\n' http://www.example.org/ >&2
    sleep 6
    lab_x ph ping -c 2 -i 1 "$LAB_LAN_GW" >&2
    sleep 6
    lab_x ph getent ahostsv4 www.example.org >&2
    lab_x ph ping -c 2 -i 1 "$LAB_LAN_GW" >&2
    lab_capture_stop "$cp"
}

# A call whose INVITE (large SDP: audio+video, many codecs, SRTP keys; ~1.8 KB) leaves in
# two IP fragments; the ISP router drops non-first fragments (as in oversize_udp). The
# phone's small REGISTERs on the same socket (local port 5060) are answered before and
# after; the INVITE gets nothing until timer B (32 s); the registrar answers ICMP time
# exceeded (reassembly) for each first fragment it could not complete.
sc_oversize_invite() {
    lab_topology_up || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 -- WITH_CALLS || return 1
    lab_x inet iptables -A FORWARD -f -j DROP || return 1
    lab_capture_start srv "$SCAP" eth0 all || return 1; local cs=$LAB_LAST_PID
    lab_capture_start ph "$CAP" eth0 all || return 1; local cp=$LAB_LAST_PID
    lab_sipp ph 50 phone-call -sf "$LAB_DIR/sipp/phone_call_big.xml" -m 1 -t u1 -i "$LAB_PHONE" \
        -p 5060 -s 1001 -au 1001 -ap 1001secret -key ua "$UA_DEFAULT" -key domain "$LAB_SRV" \
        -key callee 1002 -key expires 60 -mp 40000 -max_invite_retrans 7 \
        -max_non_invite_retrans 11 "$LAB_SRV:5060"
    # the phone refreshes its registration from the same socket: small REGISTERs, answered
    EXPIRES=60 phone_reg ph phone-refresh 20 1001 5060
    sleep 3
    lab_capture_stop "$cp"; lab_capture_stop "$cs"
}

# Near miss for oversize_udp: REGISTERs of 1,225 (first) and 1,453 bytes (with credentials)
# of SIP (an 800-byte Contact parameter; Kamailio run with BIG_CONTACT, else its registrar
# refuses a Contact URI over 512 bytes with 400): big, but under the 1500-byte MTU, not
# fragmented, answered.
sc_big_register_ok() {
    lab_topology_up || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 -- BIG_CONTACT || return 1
    lab_capture_start ph "$CAP" eth0 all || return 1; local cp=$LAB_LAST_PID
    CTP=";x-pad=$(printf 'a%.0s' $(seq 800))" REFRESHES=1 REFRESH_MS=10000 phone_reg ph phone 30 1001 5060
    lab_capture_stop "$cp"
}

# The same kind of big REGISTER (1,415 bytes, not fragmented) to a server host that drops
# everything: nothing shows that the size matters.
sc_big_register_blackhole() {
    lab_topology_up || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 || return 1
    lab_x srv iptables -A INPUT -j DROP || return 1
    lab_capture_start ph "$CAP" eth0 all || return 1; local cp=$LAB_LAST_PID
    CTP=";x-pad=$(printf 'a%.0s' $(seq 990))" phone_reg ph phone 40 1001 5060
    lab_capture_stop "$cp"
}

# Path MTU: the ISP core's link to the server segment has MTU 1200 (br-pub, its ports and the
# server's eth0). The phone's REGISTER (1,325 bytes of SIP with credentials... see the manifest)
# leaves with DF set; the ISP router answers ICMP 3/4 "fragmentation needed" with MTU 1200;
# the phone's kernel learns the path MTU and fragments the retransmission. With DROPFRAG=1
# the ISP router also drops non-first fragments, so the fragmented retransmissions are lost.
_icmp_frag_needed() {
    lab_topology_up || return 1
    local i
    for i in br-pub pub1; do ip -n "$(lab_ns inet)" link set "$i" mtu 1200 || return 1; done
    ip -n "$(lab_ns srv)" link set eth0 mtu 1200 || return 1
    lab_kamailio_start kam udp:$LAB_SRV:5060 -- BIG_CONTACT || return 1
    if [ "${DROPFRAG:-0}" = 1 ]; then lab_x inet iptables -A FORWARD -f -j DROP || return 1; fi
    lab_capture_start srv "$SCAP" eth0 all || return 1; local cs=$LAB_LAST_PID
    lab_capture_start ph "$CAP" eth0 all || return 1; local cp=$LAB_LAST_PID
    CTP=";x-pad=$(printf 'a%.0s' $(seq 900))" REFRESHES=1 REFRESH_MS=10000 phone_reg ph phone 40 1001 5060
    lab_capture_stop "$cp"; lab_capture_stop "$cs"
}
sc_icmp_frag_needed() { DROPFRAG=0 _icmp_frag_needed; }
sc_icmp_frag_needed_dropped() { DROPFRAG=1 _icmp_frag_needed; }

# Sourced by other tests (LAB_SOURCE_ONLY=1) for phone_reg and the scenarios.
[ "${LAB_SOURCE_ONLY:-}" = 1 ] || main "$@"
