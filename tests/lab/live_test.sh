#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Live capture tested live (issue 4): in the lab's namespaces, sipwatch captures
# live on the phone's interface (-i eth0, --json) while tcpdump captures the same
# interface with the same filter; a real scenario runs (SIPp phone, Kamailio
# registrar); sipwatch is stopped with SIGINT. Its findings must equal those of
# `sipwatch -r` on tcpdump's file, and its summary must carry the kernel's counts.
# Usage: live_test.sh SIPWATCH [scenario]   (exit 77 = skipped: not root)
set -u
SW=${1:?usage: live_test.sh SIPWATCH [scenario]}
SCEN=${2:-wrong_password}
if [ "$(id -u)" != 0 ]; then
    echo "SKIP: live capture in network namespaces needs root"
    exit 77
fi
for t in kamailio sipp tcpdump python3; do
    command -v "$t" >/dev/null || { echo "SKIP: $t is not installed (bash .ci/deps test)"; exit 77; }
done
LAB_SOURCE_ONLY=1 . "$(dirname "$0")/run.sh"
lab_init "live$$"
FILTER="udp port 5060 or tcp port 5060 or icmp or port 53 or (ip[6:2] & 0x1fff != 0)"

lab_topology_up || lab_die "topology"
lab_kamailio_start kam udp:$LAB_SRV:5060 || lab_die "kamailio"
lab_capture_start ph "$LAB_TMP/tcpdump.pcap" eth0 "$FILTER" || lab_die "tcpdump"
tcpd=$LAB_LAST_PID
# sipwatch as the user would run it on the phone's shell (as root: it drops
# to nobody after opening the interface; the output file is written by the shell).
lab_bg ph "$LAB_TMP/live.json" "$SW" -i eth0 --json $FILTER
sw=$LAB_LAST_PID
for _ in $(seq 50); do   # until the capture is open (its packet socket exists)
    ls -l /proc/$sw/fd 2>/dev/null | grep -q 'socket:' && break
    sleep 0.1
done
sleep 0.5

case $SCEN in
wrong_password) PW=wrong-password RETRIES=2 RETRY_MS=5000 phone_reg ph phone 40 1001 5060 ;;
healthy) REFRESHES=2 REFRESH_MS=3000 phone_reg ph phone 40 1001 5060 ;;
wrong_port) TARGET=$LAB_SRV:5070 phone_reg ph phone 50 1001 5060 ;;
*) lab_die "scenario $SCEN?" ;;
esac
sleep 1
kill -INT "$sw"
for _ in $(seq 50); do kill -0 "$sw" 2>/dev/null || break; sleep 0.1; done
kill -0 "$sw" 2>/dev/null && lab_die "sipwatch did not stop on SIGINT"
lab_capture_stop "$tcpd"

"$SW" -r "$LAB_TMP/tcpdump.pcap" --json > "$LAB_TMP/offline.json" || lab_die "sipwatch -r failed"

python3 - "$LAB_TMP/live.json" "$LAB_TMP/offline.json" "$SCEN" <<'PY'
import json, sys
def load(p):
    objs = [json.loads(l) for l in open(p) if l.strip()]
    final = {}
    for o in objs:
        if o["type"] == "finding":
            final[o["id"]] = o          # the last object per id is the final one
    return objs, final
live, lf = load(sys.argv[1])
off, of = load(sys.argv[2])
def key(f):
    return (f["kind"], f["cause"], f["severity"], f["suspected"], f["summary"],
            tuple(e["frame"] for e in f["evidence"]))
lk = sorted(key(f) for f in lf.values())
ok = sorted(key(f) for f in of.values())
fail = []
if lk != ok:
    fail.append(f"findings differ:\n live    {lk}\n offline {ok}")
expect = {"wrong_password": "auth.rejected_credentials", "wrong_port": "register.no_response",
          "healthy": None}[sys.argv[3]]
kinds = {f["kind"] for f in lf.values()}
if expect and expect not in kinds:
    fail.append(f"live run lacks {expect}: {kinds}")
if expect is None and any(f["severity"] != "info" for f in lf.values()):
    fail.append(f"healthy live run has findings: {kinds}")
ls = [o for o in live if o["type"] == "summary"]
os_ = [o for o in off if o["type"] == "summary"]
if len(ls) != 1:
    fail.append("live run printed no summary after SIGINT")
else:
    s = ls[0]
    for k in ("kernel_received", "kernel_dropped"):
        if k not in s:
            fail.append(f"live summary lacks {k}")
    if s["sip_messages"] != os_[0]["sip_messages"] or s["packets"] != os_[0]["packets"]:
        fail.append(f"live saw {s['packets']} packets / {s['sip_messages']} SIP, tcpdump's file "
                    f"{os_[0]['packets']} / {os_[0]['sip_messages']}")
    if s.get("kernel_dropped"):
        fail.append(f"kernel dropped {s['kernel_dropped']} packets")
lm = [(o["frame"], o.get("method") or o.get("status")) for o in live if o["type"] == "message"]
om = [(o["frame"], o.get("method") or o.get("status")) for o in off if o["type"] == "message"]
if lm != om:
    fail.append(f"messages differ: live {lm} offline {om}")
if fail:
    print("FAIL:\n" + "\n".join(fail))
    sys.exit(1)
print(f"live == offline: {len(lm)} SIP messages, findings {lk}")
PY
