#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# sipwatch lab hold-out check: run the lab scenarios of run.sh again, with their knobs varied
# (refresh interval, granted expiry, retry interval, phone port, User-Agent, baresip timers,
# registrar defines), into a scratch directory -- never into pcaps/ -- then run sipwatch on
# every new capture and compare its kinds, causes and severities (not frame numbers) with the
# committed matrix case of the scenario (tests/e2e/matrix_base.py, matrix_lab.py), or with
# what docs/findings.md says when the variation changes the expectation (column "override").
#
#   sudo tests/lab/holdout.sh [-c] [-j N] [DIR [scenario[:variation]...]]
#     DIR   scratch dir (default /tmp/swholdout): DIR/<variation>/<scenario>[-server].pcap,
#           <scenario>.run.log (lab log), <scenario>.logs/ (SIPp/Kamailio/baresip logs),
#           <scenario>.<role>.findings.json; DIR/report.txt = the comparison
#     -c    compare only (the captures already in DIR; no root needed)
#     -j N  run N scenarios at a time (default 1; each has its own namespaces swlab-ho*)
#   SIPWATCH=path overrides the binary (default build-holdout/cli/sipwatch, else build/).
# Prints one line per capture (or capture pair): scenario, variation, role, expected kinds,
# got kinds, OK/DIFF; a DIFF is followed by its reasons and the findings' evidence frames.
# Exit 1 on any DIFF (or a scenario that failed to run). Takes long (timer F everywhere:
# about 50 min with -j 2); run on demand, not from CTest.
set -u

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$LAB_DIR/../.." && pwd)

UA_Y="Yealink SIP-T46S 66.85.0.5"
UA_G="Grandstream GXP2170 1.0.11.3"

# scenario  variation  knobs (HO_* below; "-" = none: a second run, other timing)
#   [| override: role=kind/cause/severity+...;role=... ("role=" = no warning/error)
#    | why the rules (docs/findings.md) expect that]
# Knobs (applied through wrappers around run.sh's helpers, whatever the scenario sets inline):
#   HO_REFRESH_MS HO_REFRESHES HO_EXPIRES (asked; granted unless over Kamailio's max_expires)
#   HO_RETRIES HO_RETRY_MS   SIPp phone (phone_reg, lab_sipp_bg_reg)
#   HO_PORT      the phone's SIP port instead of 5060 (SIPp in ph/ph2, baresip in ph)
#   HO_UA        User-Agent instead of the default "FIP11W 1.0" (a scenario's own UA is kept)
#   HO_REGINT HO_RWAIT   baresip registration interval and refresh wait (%)
#   HO_KAM       Kamailio defines replacing the scenario's ("MAX_EXPIRES=15 ...")
#   HO_KAM_ADD   Kamailio defines added (registrar instances only)
#   HO_WAIT_EXTRA  seconds added to the scenario's waits for background phones
read -r -d '' TABLE <<EOF
healthy A HO_REFRESH_MS=15000 HO_EXPIRES=45 HO_PORT=5066 HO_UA='$UA_Y'
healthy B HO_REFRESH_MS=7000 HO_EXPIRES=20 HO_PORT=5078 HO_UA='$UA_G'
healthy_pair A HO_REFRESH_MS=9000 HO_EXPIRES=60 HO_PORT=5066 HO_UA='$UA_Y'
healthy_pair B HO_REFRESH_MS=3000 HO_EXPIRES=20
wrong_port A HO_EXPIRES=60 HO_UA='$UA_Y'
wrong_port B HO_RETRIES=1 HO_RETRY_MS=3000 HO_UA='$UA_G'
blackhole A HO_RETRIES=1 HO_RETRY_MS=4000 HO_PORT=5066
blackhole B HO_EXPIRES=120 HO_PORT=5078 HO_UA='$UA_G'
host_unreachable A HO_PORT=5066 HO_UA='$UA_Y'
host_unreachable B HO_RETRIES=1 HO_RETRY_MS=2000 HO_EXPIRES=3600
admin_prohibited A HO_PORT=5066 HO_EXPIRES=60
admin_prohibited B HO_RETRIES=1 HO_RETRY_MS=6000 HO_UA='$UA_G'
dns_failure A HO_PORT=5066 HO_UA='$UA_Y'
dns_failure B -
wrong_password A HO_RETRIES=1 HO_RETRY_MS=2000 HO_PORT=5066
wrong_password B HO_RETRIES=3 HO_RETRY_MS=9000 HO_EXPIRES=60 HO_UA='$UA_G'
wrong_password_403 A HO_RETRY_MS=2000 HO_PORT=5066
wrong_password_403 B HO_RETRIES=2 HO_RETRY_MS=8000 HO_UA='$UA_Y'
user_agent A HO_UA='$UA_Y' HO_RETRY_MS=2000
user_agent B HO_PORT=5066 HO_RETRIES=2 HO_RETRY_MS=3000 HO_REFRESH_MS=8000 HO_EXPIRES=60
flood_ban A HO_REFRESH_MS=2000 HO_PORT=5066
flood_ban B HO_REFRESH_MS=500 HO_EXPIRES=120 HO_UA='$UA_G'
flood_ban_two_phones A HO_REFRESH_MS=4000 HO_PORT=5066
flood_ban_two_phones B HO_REFRESH_MS=2000 HO_EXPIRES=90 HO_UA='$UA_Y'
stale_nat A HO_REFRESH_MS=9000 HO_EXPIRES=60
stale_nat B HO_REFRESH_MS=12000 HO_PORT=5066 HO_UA='$UA_Y'
options_unanswered A HO_REFRESH_MS=20000 HO_EXPIRES=45
options_unanswered B HO_REFRESH_MS=30000 HO_EXPIRES=90 HO_KAM_ADD=PING_INTERVAL=8
tcp_only A HO_PORT=5066 HO_UA='$UA_Y'
tcp_only B HO_REFRESH_MS=10000 HO_EXPIRES=60 HO_RETRIES=1 HO_RETRY_MS=2000
call A HO_PORT=5066 HO_UA='$UA_Y'
call B HO_EXPIRES=120 HO_UA='$UA_G'
alg A HO_PORT=5066 HO_UA='$UA_Y'
alg B HO_EXPIRES=120
nat_return_blocked A HO_RETRIES=1 HO_RETRY_MS=3000 HO_PORT=5066
nat_return_blocked B HO_EXPIRES=60 HO_UA='$UA_G'
expired A HO_KAM=MAX_EXPIRES=15 HO_REFRESH_MS=25000
expired B HO_KAM=MAX_EXPIRES=20 HO_REFRESH_MS=30000 HO_PORT=5066
expired C HO_KAM=MAX_EXPIRES=20 HO_REFRESH_MS=22000 | phone= | granted 20 s, each refresh 2 s after it: inside the 5 s grace, not a lapse (register.expired); near miss as refresh_within_grace
redirect_tcp A HO_RETRY_MS=2000 HO_PORT=5066 HO_UA='$UA_Y'
redirect_tcp B HO_RETRIES=0 HO_EXPIRES=60
oversize_udp A HO_PORT=5066 HO_UA='$UA_Y'
oversize_udp B HO_RETRIES=1 HO_RETRY_MS=3000 HO_EXPIRES=60
healthy_baresip A HO_REGINT=40 HO_RWAIT=60 HO_PORT=5066
healthy_baresip B HO_REGINT=20 HO_RWAIT=80
wrong_password_baresip A HO_REGINT=60 HO_PORT=5066
wrong_password_baresip B HO_REGINT=20 HO_RWAIT=90
stale_nat_late A HO_REFRESH_MS=9000 HO_EXPIRES=40
stale_nat_late B HO_REFRESH_MS=12000 HO_PORT=5066 HO_UA='$UA_Y'
stale_nat_early A HO_REFRESH_MS=9000
stale_nat_early B HO_REFRESH_MS=11000 HO_EXPIRES=60 HO_PORT=5066
stale_nat_baresip A HO_REGINT=40 HO_RWAIT=60
stale_nat_baresip B HO_REGINT=24 HO_RWAIT=50 HO_PORT=5066
public_phone_outage A HO_REFRESH_MS=9000 HO_EXPIRES=40
public_phone_outage B HO_REFRESH_MS=12000 HO_UA='$UA_Y'
public_phone_outage C HO_EXPIRES=120 | phone=register.no_response/silence/info | granted 120 s (from 10 s) outlives the outage: the new port registers at ~90 s before the binding passed, so the failure never cost the registration: info, resolved
registrar_restart A HO_REFRESH_MS=9500
registrar_restart B HO_REFRESH_MS=7000 HO_EXPIRES=45 HO_PORT=5066
nat_udp_timeout A HO_REGINT=40
nat_udp_timeout B HO_REGINT=60 HO_RWAIT=60 HO_PORT=5066 HO_KAM=PING_INTERVAL=10
nat_udp_timeout_preserving A HO_REGINT=40
nat_udp_timeout_preserving B HO_REGINT=60 HO_RWAIT=60 HO_PORT=5066 HO_KAM=PING_INTERVAL=10
nat_udp_timeout_preserving_clash A HO_REGINT=40
nat_udp_timeout_preserving_clash B HO_REGINT=60 HO_RWAIT=60 HO_PORT=5066 HO_KAM=PING_INTERVAL=10
nat_udp_timeout_ok A HO_REGINT=40
nat_udp_timeout_ok B HO_REGINT=60 HO_RWAIT=60 HO_PORT=5066 HO_KAM=PING_INTERVAL=10
dns_no_answer A HO_PORT=5066
dns_no_answer B HO_REGINT=60
dns_servfail A HO_PORT=5066
dns_servfail B HO_REGINT=60
dns_srv_fallback A HO_REGINT=40 HO_PORT=5066
dns_srv_fallback B HO_REGINT=20 HO_RWAIT=80
dns_srv_ok A HO_REGINT=40 HO_PORT=5066
dns_srv_ok B HO_REGINT=20 HO_RWAIT=80
https_lookalike A HO_RETRIES=1 HO_RETRY_MS=3000
https_lookalike B HO_PORT=5066 HO_EXPIRES=60 HO_UA='$UA_Y'
tcp_only_silent A HO_PORT=5066 HO_UA='$UA_Y'
tcp_only_silent B HO_REFRESH_MS=10000 HO_EXPIRES=60
transient_503 A HO_REFRESH_MS=8000 HO_RETRY_MS=4000 HO_EXPIRES=40
transient_503 B HO_REFRESH_MS=12000 HO_RETRY_MS=1000 HO_PORT=5066
transient_503 C HO_EXPIRES=20 HO_REFRESH_MS=15000 HO_RETRY_MS=15000 | phone=register.rejected/503/warning+register.flapping/*/warning | the retry comes 15 s after each 503, after the 20 s binding and its 5 s grace passed: the 503 cost the binding (not info), registered at the end (resolved: warning); lost and back twice: register.flapping
min_expires_423 A HO_REFRESH_MS=15000 HO_PORT=5066
min_expires_423 B HO_EXPIRES=25 HO_REFRESH_MS=8000 HO_KAM=MIN_EXPIRES=45
min_expires_423_baresip A HO_KAM=MIN_EXPIRES=40
min_expires_423_baresip B HO_REGINT=25 HO_RWAIT=60 HO_PORT=5066
outbound_proxy A HO_REGINT=40 HO_PORT=5066
outbound_proxy B HO_REGINT=20 HO_RWAIT=80
outbound_proxy_wrong_password A HO_REGINT=60 HO_PORT=5066
outbound_proxy_wrong_password B HO_REGINT=20 HO_RWAIT=90
alg_port5080 A HO_PORT=5066 HO_REFRESH_MS=8000
alg_port5080 B HO_EXPIRES=60 HO_REFRESH_MS=3000 HO_UA='$UA_Y'
registrar_fixes_contact A HO_PORT=5066 HO_UA='$UA_Y'
registrar_fixes_contact B HO_REFRESH_MS=10000 HO_EXPIRES=60
registrar_alias_contact A HO_PORT=5066 HO_UA='$UA_Y'
registrar_alias_contact B HO_REFRESH_MS=10000 HO_EXPIRES=60
no_sip A -
no_sip B -
oversize_invite A HO_PORT=5066 HO_UA='$UA_Y'
oversize_invite B HO_EXPIRES=120
big_register_ok A HO_REFRESH_MS=5000 HO_PORT=5066 HO_UA='$UA_Y'
big_register_ok B HO_REFRESH_MS=15000 HO_EXPIRES=60
big_register_blackhole A HO_PORT=5066 HO_UA='$UA_Y'
big_register_blackhole B HO_RETRIES=1 HO_RETRY_MS=3000
icmp_frag_needed A HO_PORT=5066 HO_REFRESH_MS=5000
icmp_frag_needed B HO_EXPIRES=60 HO_UA='$UA_Y'
icmp_frag_needed_dropped A HO_PORT=5066 HO_UA='$UA_Y'
icmp_frag_needed_dropped B HO_RETRIES=1 HO_RETRY_MS=3000 HO_EXPIRES=60
EOF

# ---------------------------------------------------------------- wrappers (child only)
# Installed after sourcing run.sh (LAB_SOURCE_ONLY=1): the scenarios run unchanged, the
# knobs reach SIPp, baresip and Kamailio here.
ho_install_wrappers() {
    eval "$(declare -f phone_reg | sed '1s/^phone_reg/_ho_phone_reg/')"
    eval "$(declare -f lab_sipp_bg_reg | sed '1s/^lab_sipp_bg_reg/_ho_lab_sipp_bg_reg/')"
    eval "$(declare -f lab_sipp | sed '1s/^lab_sipp/_ho_lab_sipp/')"
    eval "$(declare -f lab_sipp_bg | sed '1s/^lab_sipp_bg/_ho_lab_sipp_bg/')"
    eval "$(declare -f lab_baresip | sed '1s/^lab_baresip/_ho_lab_baresip/')"
    eval "$(declare -f bs_acct | sed '1s/^bs_acct/_ho_bs_acct/')"
    eval "$(declare -f lab_kamailio_start | sed '1s/^lab_kamailio_start/_ho_lab_kamailio_start/')"
    eval "$(declare -f wait_pid | sed '1s/^wait_pid/_ho_wait_pid/')"
    ho_define_wrappers
    declare -f phone_reg | grep -q _ho_phone_reg || lab_die "holdout wrappers not installed"
}

ho_define_wrappers() {
    ho_ua() { # the UA a phone_reg call would use, with HO_UA for the default one
        local ua=${UA:-$UA_DEFAULT}
        [ "$ua" = "$UA_DEFAULT" ] && [ -n "${HO_UA:-}" ] && ua=$HO_UA
        printf '%s' "$ua"
    }

    # phone_reg with the knobs; SIPp's kill timeout grows by the extra time they need.
    phone_reg() {
        local role=$1 name=$2 secs=$3 acct=$4 port=$5; shift 5
        local r0=${REFRESHES:-0} rm0=${REFRESH_MS:-1000} t0=${RETRIES:-0} tm0=${RETRY_MS:-1000}
        local r1=${HO_REFRESHES:-$r0} rm1=${HO_REFRESH_MS:-$rm0} t1=${HO_RETRIES:-$t0}
        local tm1=${HO_RETRY_MS:-$tm0}
        local extra=$(( (r1 * rm1 - r0 * rm0 + t1 * (tm1 + 32000) - t0 * (tm0 + 32000)) / 1000 ))
        [ $extra -gt 0 ] && secs=$((secs + extra + 2))
        REFRESHES=$r1 REFRESH_MS=$rm1 RETRIES=$t1 RETRY_MS=$tm1 EXPIRES=${HO_EXPIRES:-${EXPIRES:-30}} \
            UA=$(ho_ua) _ho_phone_reg "$role" "$name" "$secs" "$acct" "$port" "$@"
    }

    lab_sipp_bg_reg() {
        REFRESHES=${HO_REFRESHES:-${REFRESHES:-0}} REFRESH_MS=${HO_REFRESH_MS:-${REFRESH_MS:-1000}} \
            RETRIES=${HO_RETRIES:-${RETRIES:-0}} RETRY_MS=${HO_RETRY_MS:-${RETRY_MS:-1000}} \
            EXPIRES=${HO_EXPIRES:-${EXPIRES:-30}} UA=$(ho_ua) _ho_lab_sipp_bg_reg "$@"
    }

    # SIPp arguments of the phone (roles ph, ph2): -p 5060 -> HO_PORT, default UA -> HO_UA
    ho_sipp_args() {
        local role=$1; shift
        HO_ARGS=("$@")
        case $role in ph|ph2) ;; *) return 0 ;; esac
        local i n=${#HO_ARGS[@]}
        for ((i = 0; i < n - 1; i++)); do
            if [ "${HO_ARGS[i]}" = -p ] && [ "${HO_ARGS[i+1]}" = 5060 ] && [ -n "${HO_PORT:-}" ]; then
                HO_ARGS[i+1]=$HO_PORT
            fi
            if [ "${HO_ARGS[i]}" = ua ] && [ "${HO_ARGS[i+1]}" = "$UA_DEFAULT" ] && [ -n "${HO_UA:-}" ]; then
                HO_ARGS[i+1]=$HO_UA
            fi
        done
    }
    lab_sipp() {
        local role=$1 secs=$2 name=$3; shift 3
        ho_sipp_args "$role" "$@"
        _ho_lab_sipp "$role" "$secs" "$name" "${HO_ARGS[@]}"
    }
    lab_sipp_bg() {
        local role=$1 name=$2; shift 2
        ho_sipp_args "$role" "$@"
        _ho_lab_sipp_bg "$role" "$name" "${HO_ARGS[@]}"
    }

    lab_baresip() {
        local role=$1 name=$2 listen=$3; shift 3
        [ "$role" = ph ] && [ "$listen" = "$LAB_PHONE:5060" ] && [ -n "${HO_PORT:-}" ] \
            && listen=$LAB_PHONE:$HO_PORT
        _ho_lab_baresip "$role" "$name" "$listen" "$@"
    }

    bs_acct() {
        REGINT=${HO_REGINT:-${REGINT:-30}} RWAIT=${HO_RWAIT:-${RWAIT:-50}} _ho_bs_acct "$@"
    }

    lab_kamailio_start() {
        local name=$1; shift
        local a d args=() seen=0
        for a in "$@"; do
            if [ "$a" = -- ]; then seen=1; args+=("$a"); continue; fi
            if [ $seen = 1 ]; then
                for d in ${HO_KAM:-}; do [ "${a%%=*}" = "${d%%=*}" ] && a=$d; done
            fi
            args+=("$a")
        done
        if [ -n "${HO_KAM_ADD:-}" ] && [ "${name#kam}" != "$name" ]; then
            [ $seen = 1 ] || args+=(--)
            for d in $HO_KAM_ADD; do args+=("$d"); done
        fi
        lab_log "kamailio $name: ${args[*]}"
        _ho_lab_kamailio_start "$name" "${args[@]}"
    }

    wait_pid() { _ho_wait_pid "$1" $(( $2 + ${HO_WAIT_EXTRA:-0} )); }
}

# child: one scenario with one variation (runs as: holdout.sh --one DIR VAR SC IDX KNOBS)
ho_one() {
    local dir=$1 var=$2 sc=$3 idx=$4 knobs=$5 rc=0
    [ "$knobs" = - ] || eval "export $knobs"
    # shellcheck disable=SC2034  # read by run.sh
    LAB_SOURCE_ONLY=1
    # shellcheck source=run.sh
    . "$LAB_DIR/run.sh"
    ho_install_wrappers
    lab_init "ho$HO_PARENT-$idx"
    CAP="$LAB_TMP/$sc.pcap"
    SCAP="$LAB_TMP/$sc-server.pcap"
    lab_log "holdout $sc/$var ($knobs): namespaces swlab-$LAB_ID-*, scratch $LAB_TMP"
    if "sc_$sc"; then
        cp "$CAP" "$dir/$sc.pcap" || rc=1
        [ -s "$SCAP" ] && cp "$SCAP" "$dir/$sc-server.pcap"
    else
        lab_log "scenario $sc/$var FAILED"; rc=1
    fi
    mkdir -p "$dir/$sc.logs"
    find "$LAB_TMP" -maxdepth 1 -type f ! -name '*.pcap' -exec cp {} "$dir/$sc.logs/" \;
    return $rc
}

# ---------------------------------------------------------------- driver
if [ "${1:-}" = --one ]; then
    HO_PARENT=$2; shift 2
    ho_one "$@"
    exit $?
fi

compare_only=0 jobs=1
while [ $# -gt 0 ]; do
    case $1 in
        -c) compare_only=1; shift ;;
        -j) jobs=$2; shift 2 ;;
        -h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d;s/^# \{0,1\}//'; exit 0 ;;
        *) break ;;
    esac
done
DIR=${1:-/tmp/swholdout}; [ $# -gt 0 ] && shift
DIR=$(realpath -m "$DIR")
case $DIR/ in "$(realpath -m "$REPO/pcaps")"/*) echo "holdout: $DIR is inside pcaps/: refused" >&2; exit 2 ;; esac
mkdir -p "$DIR" || exit 2
SIPWATCH=${SIPWATCH:-$REPO/build-holdout/cli/sipwatch}
[ -x "$SIPWATCH" ] || SIPWATCH=$REPO/build/cli/sipwatch
[ -x "$SIPWATCH" ] || { echo "holdout: no sipwatch binary (set SIPWATCH)" >&2; exit 2; }

# the runs: every table row, or those named (scenario or scenario:variation)
RUNS=()
while read -r sc var knobs; do
    [ -n "$sc" ] || continue
    if [ $# -gt 0 ]; then
        want=0
        for w in "$@"; do [ "$w" = "$sc" ] || [ "$w" = "$sc:$var" ] && want=1; done
        [ $want = 1 ] || continue
    fi
    RUNS+=("$sc|$var|$knobs")
done <<<"$TABLE"
[ ${#RUNS[@]} -gt 0 ] || { echo "holdout: nothing to run (unknown scenario?)" >&2; exit 2; }

limit_of() { # the scenario's time limit in run.sh, doubled (longer timers), plus a margin
    local l
    l=$(LAB_SOURCE_ONLY=1 bash -c '. "$1/run.sh" 2>/dev/null; printf "%s\n" "${SCENARIOS[@]}"' _ "$LAB_DIR" \
        | awk -F: -v s="$1" '$1 == s { print $2 }')
    echo $(( ${l:-120} * 2 + 60 ))
}

if [ $compare_only = 0 ]; then
    [ "$(id -u)" = 0 ] || { echo "holdout: run as root (network namespaces), or -c" >&2; exit 2; }
    # shellcheck source=lib.sh
    ( . "$LAB_DIR/lib.sh"; lab_install_deps ) || exit 2
    n=0 start=$SECONDS
    for run in "${RUNS[@]}"; do
        IFS='|' read -r sc var knobs <<<"$run"
        knobs=${knobs%%|*}; knobs=$(echo "$knobs" | sed 's/ *$//')
        n=$((n + 1))
        mkdir -p "$DIR/$var"
        rm -rf "$DIR/$var/$sc.pcap" "$DIR/$var/$sc-server.pcap" "$DIR/$var/$sc.logs"
        while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
        limit=$(limit_of "$sc")
        echo "[holdout $(date +%H:%M:%S)] $sc/$var ($knobs) limit ${limit}s" >&2
        ( timeout -k 20 "$limit" bash "$0" --one "$$" "$DIR/$var" "$var" "$sc" "$n" "$knobs" \
              >"$DIR/$var/$sc.run.log" 2>&1 \
              || echo "[holdout] $sc/$var: run FAILED (see $DIR/$var/$sc.run.log)" >&2 ) &
    done
    wait
    echo "[holdout] captures done in $((SECONDS - start)) s" >&2
fi

# ---------------------------------------------------------------- comparison
echo "sipwatch: $SIPWATCH ($("$SIPWATCH" --version 2>&1 | head -1)); captures: $DIR" | tee "$DIR/report.txt"
rc=0
for run in "${RUNS[@]}"; do
    IFS='|' read -r sc var rest <<<"$run"
    knobs=$(sed 's/ *$//' <<<"${rest%%|*}")
    over="" why=""
    if [ "$rest" != "${rest#*|}" ]; then
        over=$(cut -d'|' -f1 <<<"${rest#*|}" | sed 's/^ *//;s/ *$//')
        why=$(cut -d'|' -f2- <<<"${rest#*|}" | sed 's/^ *//;s/ *$//')
    fi
    port=$(sed -n 's/.*HO_PORT=\([0-9]*\).*/\1/p' <<<"$knobs")
    echo "# $sc $var: $knobs${over:+ | override $over}" | tee -a "$DIR/report.txt"
    python3 "$LAB_DIR/holdout_compare.py" --sipwatch "$SIPWATCH" --dir "$DIR/$var" \
        --scenario "$sc" --variation "$var" --port "${port:-5060}" --override "$over" \
        --why "$why" | tee -a "$DIR/report.txt"
    [ "${PIPESTATUS[0]}" = 0 ] || rc=1
done
echo "report: $DIR/report.txt" >&2
exit $rc
