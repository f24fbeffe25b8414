#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Kamailio's siptrace as the HEP agent (issue 13), in the lab's namespaces: the
# registrar mirrors every SIP message it receives and sends as HEP (version
# given, auth key, capture id 3003) to `sipwatch -L` in the server's namespace,
# while a real phone (SIPp) registers with a wrong password; tcpdump captures
# the server's interface at the same time. sipwatch's findings on the HEP
# stream must equal its findings on tcpdump's file, message for message.
# Usage: test_siptrace.sh SIPWATCH [HEP_VERSION]   (exit 77 = skipped: not root)
set -u
SW=${1:?usage: test_siptrace.sh SIPWATCH [HEP_VERSION]}
VER=${2:-3}
if [ "$(id -u)" != 0 ]; then
    echo "SKIP: the lab's network namespaces need root"
    exit 77
fi
for t in kamailio sipp tcpdump python3; do
    command -v "$t" >/dev/null || { echo "SKIP: $t is not installed (bash .ci/deps test)"; exit 77; }
done
HERE=$(cd "$(dirname "$0")" && pwd)
LAB_SOURCE_ONLY=1 . "$HERE/../lab/run.sh"
lab_init "hep$$"

lab_topology_up || lab_die "topology"
lab_capture_start srv "$LAB_TMP/server.pcap" eth0 "udp port 5060" || lab_die "tcpdump"
tcpd=$LAB_LAST_PID
# the collector, as a HOMER node would run it (v2 carries no auth key)
PASS=()
[ "$VER" = 3 ] && PASS=(--hep-pass s3cret)
lab_bg srv "$LAB_TMP/hep.json" "$SW" -L udp:127.0.0.1:9060 "${PASS[@]}" --json
sw=$LAB_LAST_PID
lab_wait_port srv udp 9060 10 || lab_die "sipwatch -L did not listen"
# the registrar, with siptrace loaded from the command line (tests/lab/kamailio.cfg unchanged),
# one worker (-n 1): siptrace stamps a reply after sending it, and with two workers
# the next REGISTER (read by the other one) can be stamped before it, which moves a
# message in the HEP stream's time order and changes a finding's evidence list
rt="$LAB_TMP/kamailio-kam"
mkdir -p "$rt"
KEY=()
[ "$VER" = 3 ] && KEY=(--modparam=siptrace:auth_key:s:s3cret)
lab_bg srv "$LAB_TMP/kam.log" kamailio -f "$LAB_DIR/kamailio.cfg" -DD -E -m 32 -M 4 -Y "$rt" \
    -w "$rt" -P "$rt/kamailio.pid" -a no -n 1 -l "udp:$LAB_SRV:5060" \
    --loadmodule=siptrace.so \
    --modparam=siptrace:duplicate_uri:s:sip:127.0.0.1:9060 \
    --modparam=siptrace:hep_mode_on:i:1 --modparam=siptrace:hep_version:i:"$VER" \
    --modparam=siptrace:hep_capture_id:i:3003 --modparam=siptrace:trace_on:i:1 \
    --modparam=siptrace:trace_mode:i:1 --modparam=siptrace:trace_to_database:i:0 "${KEY[@]}"
lab_wait_port srv udp 5060 10 || { tail -20 "$LAB_TMP/kam.log"; lab_die "kamailio"; }

PW=wrong-password RETRIES=2 RETRY_MS=5000 phone_reg ph phone 40 1001 5060
sleep 1
kill -INT "$sw"
for _ in $(seq 50); do kill -0 "$sw" 2>/dev/null || break; sleep 0.1; done
kill -0 "$sw" 2>/dev/null && lab_die "sipwatch -L did not stop on SIGINT"
lab_capture_stop "$tcpd"
"$SW" -r "$LAB_TMP/server.pcap" --json > "$LAB_TMP/file.json" || lab_die "sipwatch -r failed"

python3 - "$LAB_TMP/hep.json" "$LAB_TMP/file.json" "$VER" <<'PY'
import json, sys
def load(p):
    objs = [json.loads(l) for l in open(p) if l.strip()]
    final = {}
    for o in objs:
        if o["type"] == "finding":
            final[o["id"]] = o
    return objs, final
hep, hf = load(sys.argv[1])
fil, ff = load(sys.argv[2])
ver = sys.argv[3]
fail = []
# times differ a little: siptrace stamps with Kamailio's clock, tcpdump with the kernel's
def key(f):
    return (f["kind"], f["cause"], f["severity"], f["suspected"], f["summary"],
            tuple(e["what"] for e in f["evidence"]))
hk, fk = sorted(map(key, hf.values())), sorted(map(key, ff.values()))
if hk != fk:
    fail.append(f"findings differ:\n HEP  {hk}\n file {fk}")
if "auth.rejected_credentials" not in {f["kind"] for f in hf.values()}:
    fail.append(f"no auth.rejected_credentials on the HEP stream: {hk}")
def msgs(objs):
    return [o for o in objs if o["type"] == "message"]
hm, fm = msgs(hep), msgs(fil)
mk = lambda o: (o["src"], o["sport"], o["dst"], o["dport"], o["transport"],
                o.get("method") or o.get("status"), o["call_id"], o["cseq"])
# Kamailio stamps a reply it sends after sending it, in another worker than the
# next request's: within a millisecond, HEP time order may differ from the wire's
if sorted(map(mk, hm)) != sorted(map(mk, fm)):
    fail.append(f"messages differ:\n HEP  {[mk(o) for o in hm]}\n file {[mk(o) for o in fm]}")
else:
    ft = {mk(o): o["ts"] for o in fm}
    worst = max(abs(o["ts"] - ft[mk(o)]) for o in hm)
    # Kamailio's stamps (its workers' clock reads) and the kernel's: close, but
    # a loaded machine delays a worker by tens of ms (that the HEP time is the
    # capture time to the microsecond is tested with sipwatch -H in e2e_hep)
    if worst > 0.5:
        fail.append(f"HEP timestamps are {worst:.3f} s from the capture's")
    if [o["ts"] for o in hm] != sorted(o["ts"] for o in hm):
        fail.append("the collector did not hand out the stream in HEP time order")
s = [o for o in hep if o["type"] == "summary"][0]
hl = s["hep_listen"]
names = [i["name"] for i in s["inputs"]]
if names != ["hep:3003@198.51.100.10"]:
    fail.append(f"agents: {names}")
if hl["malformed"] or hl["auth_failed"] or hl["sip"] != len(fm):
    fail.append(f"collector counters: {hl}")
if fail:
    print("FAIL:\n" + "\n".join(fail))
    sys.exit(1)
print(f"siptrace HEPv{ver} == tcpdump: {len(hm)} SIP messages, findings {hk}")
PY
