#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# sipwatch benchmark: sipwatch (--json, --report, 1 and 2 threads) vs sngrep 1.6
# vs tshark 4.0 vs the parse floor (parse_floor.c: libpcap + libosip2, nothing
# else) on synthetic captures made by gen_register.c. See bench/README.md.
# Run on demand, never in CI.
#
#   bench/run.sh                 # everything (about 25 minutes on 2 idle cores)
#   RUNS=1 bench/run.sh          # one run per command instead of three
#   CAPTURES="reg400k" bench/run.sh
#
# Environment: SIPWATCH (binary; default /tmp/build-bench/cli/sipwatch, built
# with cmake if missing), RUNS (default 3), PAIRS (default 5: rounds of the
# parse floor, --report and --json one after the other, for the single-core
# ratios; 0 skips them), TIMEOUT (seconds per run, default 1200), CAPTURES
# (subset of: reg400k one86k one173k mix).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
out=$here/out
mkdir -p "$out"
[ -n "${SIPWATCH:-}" ] && SIPWATCH_GIVEN=1
SIPWATCH=${SIPWATCH:-/tmp/build-bench/cli/sipwatch}
RUNS=${RUNS:-3}
PAIRS=${PAIRS:-5}
TIMEOUT=${TIMEOUT:-1200}
CAPTURES=${CAPTURES:-"reg400k one86k one173k mix"}

need() {
	command -v "$1" >/dev/null 2>&1 || [ -x "$1" ] || {
		echo "run.sh: $1 missing (apt-get install $2)" >&2
		exit 2
	}
}
need /usr/bin/time time
need sngrep sngrep
need tshark tshark
need capinfos wireshark-common
need cc gcc
need pkg-config pkg-config

# Unless SIPWATCH is given, (re)build the current tree so that the figures
# belong to the commit printed below (an incremental build when up to date).
if [ -z "${SIPWATCH_GIVEN:-}" ] && [ "$SIPWATCH" = /tmp/build-bench/cli/sipwatch ]; then
	echo "== building sipwatch (RelWithDebInfo) into /tmp/build-bench"
	if ! { cmake -S "$root" -B /tmp/build-bench -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSW_TESTS=OFF >/dev/null &&
		cmake --build /tmp/build-bench -j2 >"$out/build.log" 2>&1; }; then
		echo "run.sh: build failed (see $out/build.log); someone may be mid-edit, retry in a minute" >&2
		exit 2
	fi
fi
[ -x "$SIPWATCH" ] || { echo "run.sh: no sipwatch binary at $SIPWATCH" >&2; exit 2; }
echo "== $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) CPUs, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1), $(free -g | awk '/^Mem:/ { print $2 }') GiB"
echo "   sipwatch $SIPWATCH (HEAD $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$root" diff --quiet HEAD 2>/dev/null || echo ', modified'))"
echo "   $(cc --version | head -1); libosip2 $(pkg-config --modversion libosip2); libpcap $(pkg-config --modversion libpcap)"
echo "   $(sngrep -V | head -1); $(tshark -v 2>/dev/null | head -1)"
echo "   load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== generator and parse floor"
cc -O2 -std=c11 -Wall -Wextra -o "$out/gen_register" "$here/gen_register.c"
# shellcheck disable=SC2046
cc -O2 -g -std=c11 -Wall -Wextra -D_DEFAULT_SOURCE -o "$out/parse_floor" "$here/parse_floor.c" \
	$(pkg-config --cflags --libs libosip2 libpcap)

# name -> generator arguments
gen_args() {
	case $1 in
	reg400k) echo "-m register -n 100000" ;;
	one86k) echo "-m onecall -n 86400" ;;
	one173k) echo "-m onecall -n 172800" ;;
	mix) echo "-m mix" ;;
	*) echo "run.sh: unknown capture $1" >&2; exit 2 ;;
	esac
}

declare -A SIP
for c in $CAPTURES; do
	f=$out/$c.pcap
	# shellcheck disable=SC2046
	line=$("$out/gen_register" $(gen_args "$c") -s 1 -o "$f")
	SIP[$c]=$(sed -n 's/.*sip=\([0-9]*\).*/\1/p' <<<"$line")
	echo "$c: $line ($(du -m "$f" | cut -f1) MiB)"
done

# run LABEL CAPTURE OUTFILE CMD... : RUNS timed runs; appends to results.tsv
# the median wall time, the median CPU time (user+sys) and the median peak RSS.
# The last run's stdout is kept in OUTFILE (/dev/null for sipwatch).
results=$out/results.tsv
: >"$results"
: >"$out/counts.tsv"
med() { sort -g | sed -n "$(((RUNS + 1) / 2))p"; }
run() {
	local label=$1 cap=$2 keep=$3
	shift 3
	local ts=() cs=() rs=() i t u s r
	for ((i = 0; i < RUNS; i++)); do
		if ! /usr/bin/time -f "%e %U %S %M" -o "$out/time.txt" timeout "$TIMEOUT" "$@" >"$keep" 2>"$out/stderr.txt"; then
			echo "   $label on $cap: failed or timed out ($(tail -1 "$out/stderr.txt"))" >&2
			echo -e "$cap\t$label\tNA\tNA\tNA" >>"$results"
			return
		fi
		read -r t u s r <"$out/time.txt"
		ts+=("$t")
		cs+=("$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')")
		rs+=("$r")
	done
	local tm cm rm
	tm=$(printf '%s\n' "${ts[@]}" | med)
	cm=$(printf '%s\n' "${cs[@]}" | med)
	rm=$(printf '%s\n' "${rs[@]}" | med)
	echo "   $label: wall ${ts[*]} s, cpu ${cs[*]} s -> median $tm s wall, $cm s cpu, peak RSS $((rm / 1024)) MiB"
	echo -e "$cap\t$label\t$tm\t$cm\t$rm" >>"$results"
}

# cpu CMD...: CPU seconds (user+sys) of one run, its output dropped.
cpu() {
	/usr/bin/time -f "%U %S" -o "$out/time.txt" timeout "$TIMEOUT" "$@" >/dev/null 2>&1 || { echo NA; return; }
	awk '{ printf "%.2f", $1 + $2 }' "$out/time.txt"
}
# Single-core ratios from adjacent runs: each round runs the parse floor,
# then --report and --json with one thread, and divides; the median of the
# rounds goes to paired.tsv. Where the machine's speed drifts from one
# block of runs to the next (shared hosts), the blocks' medians above can
# compare a fast floor with a slow sipwatch or the reverse; adjacent runs
# see the same machine.
: >"$out/paired.tsv"
paired() {
	local cap=$1 f=$2 i fl rp js rs=() jss=()
	((PAIRS > 0)) || return 0
	for ((i = 0; i < PAIRS; i++)); do
		fl=$(cpu "$out/parse_floor" "$f")
		rp=$(cpu "$SIPWATCH" -r "$f" --report --threads 1)
		js=$(cpu "$SIPWATCH" -r "$f" --json --threads 1)
		[ "$fl" = NA ] || [ "$rp" = NA ] || [ "$js" = NA ] && continue
		rs+=("$(awk -v a="$rp" -v b="$fl" 'BEGIN { printf "%.3f", a / b }')")
		jss+=("$(awk -v a="$js" -v b="$fl" 'BEGIN { printf "%.3f", a / b }')")
	done
	((${#rs[@]})) || return 0
	local mr mj
	mr=$(printf '%s\n' "${rs[@]}" | sort -g | sed -n "$(((${#rs[@]} + 1) / 2))p")
	mj=$(printf '%s\n' "${jss[@]}" | sort -g | sed -n "$(((${#jss[@]} + 1) / 2))p")
	echo "   paired rounds: --report/floor ${rs[*]}; --json/floor ${jss[*]}"
	echo -e "$cap\t$mr\t$mj\t${#rs[@]}" >>"$out/paired.tsv"
}

for c in $CAPTURES; do
	f=$out/$c.pcap
	n=${SIP[$c]}
	echo "== $c ($n SIP messages): checking what each tool saw"
	sw=$("$SIPWATCH" -r "$f" --json | tail -n 1 | grep -o '"sip_messages":[0-9]*' | cut -d: -f2)
	rm -f "$out/sngrep-dump.pcap"
	dlg=$(timeout "$TIMEOUT" sngrep -N -l 1000000 -I "$f" -O "$out/sngrep-dump.pcap" | tr '\r' '\n' | grep 'Dialog count' | tail -1 | tr -dc 0-9 || true)
	sng=$(capinfos -M -c "$out/sngrep-dump.pcap" | sed -n 's/.*packets: *//p' || true)
	echo "   sipwatch sip_messages=$sw; sngrep dialogs=$dlg, SIP packets kept=$sng"
	[ "$sw" = "$n" ] || echo "   WARNING: sipwatch saw $sw of $n SIP messages" >&2
	[ "$sng" = "$n" ] || echo "   WARNING: sngrep kept $sng of $n SIP messages" >&2

	echo "== $c: $RUNS runs each"
	run "sipwatch --report -T1" "$c" /dev/null "$SIPWATCH" -r "$f" --report --threads 1
	run "sipwatch --report -T2" "$c" /dev/null "$SIPWATCH" -r "$f" --report --threads 2
	run "sipwatch --json -T1" "$c" /dev/null "$SIPWATCH" -r "$f" --json --threads 1
	run "sipwatch --json -T2" "$c" /dev/null "$SIPWATCH" -r "$f" --json --threads 2
	run "parse floor" "$c" "$out/floor-$c.txt" "$out/parse_floor" "$f"
	run "sngrep -N -q" "$c" /dev/null sngrep -N -q -l 1000000 -I "$f"
	run "tshark sip,stat" "$c" "$out/tshark-$c.txt" tshark -q -z sip,stat -r "$f"
	paired "$c" "$f"
	fl=$(sed -n 's/.*parsed=\([0-9]*\).*/\1/p' "$out/floor-$c.txt")
	[ "$fl" = "$n" ] || echo "   WARNING: the parse floor parsed $fl of $n SIP messages" >&2
	ts=$(sed -n 's/.*Number of SIP messages: *//p' "$out/tshark-$c.txt")
	rt=$(sed -n 's/.*Number of resent SIP messages: *//p' "$out/tshark-$c.txt")
	echo "   tshark sip,stat: $ts SIP messages ($rt resent)"
	[ "$ts" = "$n" ] || echo "   WARNING: tshark counted $ts of $n SIP messages" >&2
	echo -e "$c\tmsgs\t$n" >>"$out/counts.tsv"
done

echo
echo "== results (median of $RUNS; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
echo "   wall and CPU (user+sys) seconds, msgs/s as wall/cpu; floor = this row's CPU / the parse"
echo "   floor's CPU (1.00: no cost above parsing); tshark, sngrep = their wall time / this row's"
echo "   (>1: this row is faster). On a loaded machine CPU time is the steadier one."
awk -F'\t' '
	FILENAME ~ /paired/ { pr[$1] = sprintf("%.2f", $2); pj[$1] = sprintf("%.2f", $3); pn[$1] = $4; next }
	FILENAME ~ /counts\.tsv$/ { n[$1] = $3; next }
	{ cap[NR] = $1; lab[NR] = $2; t[NR] = $3; c[NR] = $4; r[NR] = $5
	  if ($2 ~ /^sngrep/) sng[$1] = $3
	  if ($2 ~ /^tshark/) tsh[$1] = $3
	  if ($2 ~ /^parse floor/) flc[$1] = $4
	  if ($2 == "sipwatch --report -T1") rep1[$1] = $4
	  if ($2 == "sipwatch --json -T1") js1[$1] = $4
	  if ($2 == "sipwatch --report -T2") rep2[$1] = $3 }
	function ratio(a, b) { return (a != "" && a != "NA" && b != "NA" && b > 0) ? sprintf("%.2f", a / b) : "-" }
	END {
		printf "%-8s %-21s %7s %7s %15s %8s %6s %7s %7s\n", "capture", "tool", "wall s", "cpu s", "msgs/s wall/cpu", "RSS MiB", "floor", "tshark", "sngrep"
		for (i = 1; i <= NR; i++) {
			if (!(i in cap)) continue
			k = cap[i]
			if (t[i] == "NA") { printf "%-8s %-21s %7s\n", k, lab[i], "failed"; continue }
			tw = t[i] > 0 ? t[i] : 0.01; tc = c[i] > 0 ? c[i] : 0.01
			printf "%-8s %-21s %7.2f %7.2f %15s %8.0f %6s %7s %7s\n", k, lab[i], t[i], c[i],
				sprintf("%.0fk/%.0fk", n[k] / tw / 1000, n[k] / tc / 1000), r[i] / 1024,
				ratio(tc, flc[k]), ratio(tsh[k], tw), ratio(sng[k], tw)
		}
		print ""
		print "issue 15 ratios (goal):"
		for (k in rep1) {
			printf "   %-8s --report 1 thread / parse floor, CPU   %6s  (<= 1.3)\n", k, ratio(rep1[k], flc[k])
			if (k in pr)
				printf "   %-8s   the same, median of %d adjacent rounds %6s\n", k, pn[k], pr[k]
			printf "   %-8s --json 1 thread / parse floor, CPU     %6s  (<= 1.6)\n", k, ratio(js1[k], flc[k])
			if (k in pj)
				printf "   %-8s   the same, median of %d adjacent rounds %6s\n", k, pn[k], pj[k]
			printf "   %-8s tshark wall / --report 2 threads wall  %6s  (>= 1.5)\n", k, ratio(tsh[k], rep2[k])
			printf "   %-8s sngrep wall / --report 2 threads wall  %6s  (>= 4)\n", k, ratio(sng[k], rep2[k])
		}
	}' "$out/paired.tsv" "$out/counts.tsv" "$results" | tee "$out/table.txt"

if [[ " $CAPTURES " == *" one86k "* && " $CAPTURES " == *" one173k "* ]]; then
	echo
	echo "== one Call-ID scaling: 86,400 -> 172,800 messages; x2.0 = linear (wall, cpu)"
	awk -F'\t' '$1 == "one86k" { a[$2] = $3; ac[$2] = $4 } $1 == "one173k" { b[$2] = $3; bc[$2] = $4 }
		END { for (k in a) if (a[k] != "NA" && b[k] != "NA" && a[k] > 0 && ac[k] > 0)
			printf "   %-18s wall %6.2f -> %6.2f s x%.2f   cpu %6.2f -> %6.2f s x%.2f\n", k, a[k], b[k], b[k] / a[k], ac[k], bc[k], bc[k] / ac[k] }' \
		"$results" | sort | tee "$out/scaling.txt"
fi

if [ -n "${SERIES:-}" ]; then
	echo
	echo "== one Call-ID series: CPU seconds (user+sys), best of $RUNS"
	printf '   %8s %12s %12s\n' messages "sipwatch" "sngrep"
	for n in 43200 86400 172800 345600; do
		f=$out/series$n.pcap
		"$out/gen_register" -m onecall -n "$n" -o "$f" >/dev/null
		line=$n
		for tool in sw sng; do
			best=
			for ((i = 0; i < RUNS; i++)); do
				if [ $tool = sw ]; then
					/usr/bin/time -f "%U %S" -o "$out/time.txt" "$SIPWATCH" -r "$f" --report --threads 1 >/dev/null
				else
					/usr/bin/time -f "%U %S" -o "$out/time.txt" timeout "$TIMEOUT" sngrep -N -q -l 1000000 -I "$f" >/dev/null
				fi
				c=$(awk '{ printf "%.2f", $1 + $2 }' "$out/time.txt")
				if [ -z "$best" ] || awk -v a="$c" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$c; fi
			done
			line="$line $best"
		done
		printf '   %8s %12s %12s\n' $line
	done | tee "$out/series.txt"
fi
