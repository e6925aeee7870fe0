#!/usr/bin/env bash
# jq in the body view against the gojq command: for each filter of
# BenchmarkFilter50MB (tui/bodyview/filter_bench_test.go), the time the
# view takes for its result on the 50 MB minified body (the benchmark's
# ns/op) and the wall time of `gojq FILTER FILE` on the same body written
# to a file, interleaved, RUNS times (default 3), medians; and the heap the
# view's process still holds once the result is back (heap-held-MB, the
# body itself about 52 MB of it).
#
# Usage: bench/jq-vs-gojq.sh
#        GOJQ=/path/to/gojq RUNS=5 bench/jq-vs-gojq.sh
# Needs: go, the gojq command (go install github.com/itchyny/gojq/cmd/gojq@VERSION,
# the version in go.mod), GNU time (/usr/bin/time), awk.
set -euo pipefail

RUNS=${RUNS:-3}
GOJQ=${GOJQ:-gojq}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v "$GOJQ" >/dev/null || { echo "the gojq command is required: go install github.com/itchyny/gojq/cmd/gojq@$(awk '$1 == "github.com/itchyny/gojq" {print $2}' "$root/go.mod")" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "GNU time is required (apt-get install time)" >&2; exit 1; }

(cd "$root" && go test -c -o "$work/bodyview.test" ./tui/bodyview)
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
# The filters, as the benchmark names them.
filters=("identity|." "length|length" "sum|map(.price) | add" "select|.[] | select(.id % 1000 == 0) | .name")

BENCH_JQ_BODY=$work/body.json "$work/bodyview.test" -test.run XXX -test.bench 'Filter50MB/identity$' -test.benchtime 1x >/dev/null
printf '%-9s %10s %10s %7s %12s %12s\n' filter sigscope gojq ratio "gojq RSS" "held after"
for f in "${filters[@]}"; do
	name=${f%%|*} expr=${f#*|}
	: >"$work/s" && : >"$work/g" && : >"$work/h" && : >"$work/r"
	for _ in $(seq 1 "$RUNS"); do
		/usr/bin/time -f '%e %M' -o "$work/t" "$GOJQ" "$expr" "$work/body.json" >/dev/null
		awk '{print $1}' "$work/t" >>"$work/g"
		awk '{print $2}' "$work/t" >>"$work/r"
		"$work/bodyview.test" -test.run XXX -test.bench "Filter50MB/$name\$" -test.benchtime 1x |
			awk '/^BenchmarkFilter50MB/ {for (i = 1; i <= NF; i++) { if ($(i+1) == "ns/op") print $i / 1e9 >> "'"$work/s"'"; if ($(i+1) == "heap-held-MB") print $i >> "'"$work/h"'" }}'
	done
	awk -v n="$name" -v s="$(median <"$work/s")" -v g="$(median <"$work/g")" -v r="$(median <"$work/r")" -v h="$(median <"$work/h")" 'BEGIN {
		printf "%-9s %8.2f s %8.2f s %6.2fx %9.0f MB %9.0f MB\n", n, s, g, (g > 0 ? s/g : 0), r*1024/1e6, h }'
done
