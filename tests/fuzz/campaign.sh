#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# A longer fuzzing campaign than CI's, with the figures docs/robustness.md
# records. Needs a libFuzzer build:
#   CC=clang cmake -S . -B build-fuzz -DSW_FUZZ=ON -DSW_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
#   cmake --build build-fuzz -j
#   tests/fuzz/campaign.sh build-fuzz OUTDIR SECONDS JOBS target...
# Each target runs SECONDS on its own (JOBS targets at a time) from a work
# copy of its corpus plus the seed captures; crashes land in OUTDIR/<target>/
# as crash-*, leak-*, timeout-*, oom-*. Prints one line per target:
# target, seconds, executions, exec/s, cov, ft, corpus entries/size, artifacts.
set -euo pipefail
build=$1 out=$2 secs=$3 jobs=$4
shift 4
repo=$(cd "$(dirname "$0")/../.." && pwd)
pcaps=$repo/pcaps
public=${SW_PUBLIC_PCAPS:-$repo/pcaps/public}
mkdir -p "$out"

seeds_for() {
	case $1 in
	capture | reader | output)
		for d in "$pcaps"/decode "$pcaps"/lab "$pcaps"/regress "$pcaps"/broken "$public"; do
			[ -d "$d" ] && echo "$d"
		done
		;;
	esac
	return 0
}

run_one() {
	local t=$1 dir=$out/$1
	mkdir -p "$dir/work"
	local maxlen=1048576
	case $t in
	decode) maxlen=262144 ;;
	decode_small | stream | stream_small) maxlen=65536 ;;
	sip) maxlen=140000 ;;
	sipscan) maxlen=70000 ;;
	analyze) maxlen=65536 ;;
	esac
	# shellcheck disable=SC2046
	ASAN_OPTIONS=detect_leaks=1 "$build/tests/fuzz/fuzz_$t" -max_total_time="$secs" \
		-rss_limit_mb=2048 -timeout=10 -max_len=$maxlen -print_final_stats=1 \
		-artifact_prefix="$dir/" "$dir/work" "$repo/tests/fuzz/corpus/$t" \
		$(seeds_for "$t") >"$dir/log" 2>&1 || true
}

summary() {
	local t=$1 dir=$out/$1 log=$out/$1/log
	local execs rate done_line cov ft corp arts
	execs=$(sed -n 's/^stat::number_of_executed_units: //p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	done_line=$(grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE)' "$log" | tail -1 || true)
	cov=$(echo "$done_line" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$done_line" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$done_line" | sed -n 's/.*corp: \([0-9]*\/[0-9]*[A-Za-z]*\).*/\1/p')
	arts=$(find "$dir" -maxdepth 1 \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
		-o -name 'oom-*' -o -name 'slow-unit-*' \) | wc -l)
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$secs" "${execs:-?}" "${rate:-?}" \
		"${cov:-?}" "${ft:-?}" "${corp:-?}" "$arts"
}

pids=()
for t in "$@"; do
	run_one "$t" &
	pids+=($!)
	if [ ${#pids[@]} -ge "$jobs" ]; then
		wait "${pids[0]}"
		pids=("${pids[@]:1}")
	fi
done
for p in "${pids[@]}"; do wait "$p"; done
printf 'target\tseconds\texecs\texec/s\tcov\tft\tcorpus\tartifacts\n'
for t in "$@"; do summary "$t"; done
