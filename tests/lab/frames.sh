#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Print a frame table of lab captures (what MANIFEST.md's key frames are read from):
#   tests/lab/frames.sh [pcap...]      (default: every pcaps/lab/*.pcap)
# Columns: frame, relative time, src, dst, protocol, SIP method/status, CSeq, ICMP type/code,
# DNS name/rcode, Via branch.
set -u
LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
files=("$@")
[ ${#files[@]} -eq 0 ] && files=("$LAB_DIR"/../../pcaps/lab/*.pcap)
for f in "${files[@]}"; do
    echo "== $(basename "$f")"
    tshark -r "$f" -T fields -E occurrence=f \
        -e frame.number -e frame.time_relative -e ip.src -e udp.srcport -e tcp.srcport \
        -e ip.dst -e udp.dstport -e tcp.dstport -e _ws.col.Protocol -e sip.Method \
        -e sip.Status-Code -e sip.CSeq -e icmp.type -e icmp.code -e dns.qry.name \
        -e dns.flags.rcode -e sip.Via.branch 2>/dev/null |
        awk -F'\t' '{
            sp = $4 $5; dp = $7 $8
            if ($9 == "ICMP") { sp = ""; dp = "" } else { sp = ":" sp; dp = ":" dp }
            extra = ""
            if ($13 != "") extra = extra " icmp=" $13 "/" $14 " (quotes " $10 " " $12 ")"
            if ($15 != "") extra = extra " dns=" $15 " rcode=" $16
            sip = $10 $11
            if ($9 == "ICMP") sip = ""
            printf "%4s %9.3f %s%s > %s%s %-5s %s%s%s%s\n", $1, $2, $3, sp, $6, dp, $9, sip,
                ($12 != "" && $9 != "ICMP" ? " cseq=" $12 : ""), extra,
                ($17 != "" ? " branch=" $17 : "") }'
done
