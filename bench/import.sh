#!/usr/bin/env bash
# Import against jq: for a Postman collection and an OpenAPI document (JSON,
# as API Gateway exports it) of 5,000 and 20,000 requests (written by
# bench/gen-import.sh), the wall time of `sigscope import FILE -o OUT` and
# of `jq empty FILE` (jq only reads the file), interleaved, RUNS times
# each (default 5), medians; the import's peak resident memory
# (/usr/bin/time) against the file's size; the CPU time (user + system)
# of each, whose ratio a busy machine disturbs less than the wall time's; and how each grows from
# 5,000 to 20,000 requests (4x the requests: linear is 4x).
#
# Usage: bench/import.sh
#        SIZES="5000 20000" KINDS="postman openapi" RUNS=5 bench/import.sh
#        SIGSCOPE=/path/to/sigscope bench/import.sh   (skip the build)
# Needs: go, jq, awk, GNU time (/usr/bin/time).
set -euo pipefail

RUNS=${RUNS:-5}
SIZES=${SIZES:-5000 20000}
KINDS=${KINDS:-postman openapi}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

command -v jq >/dev/null || { echo "jq is required (apt-get install jq)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "GNU time is required (apt-get install time)" >&2; exit 1; }

bin=${SIGSCOPE:-}
if [ -z "$bin" ]; then
	echo "building sigscope..." >&2
	(cd "$root" && go build -o "$work/sigscope" .)
	bin=$work/sigscope
fi
export HOME=$work/home XDG_CONFIG_HOME=$work/home/.config XDG_DATA_HOME=$work/home/.local/share XDG_CACHE_HOME=$work/home/.cache
mkdir -p "$HOME"

# measure OUT CMD...: appends "seconds peak_kb cpu_seconds" of one run to OUT.
measure() {
	local out=$1
	shift
	/usr/bin/time -f '%e %M %U %S' -o "$work/t" "$@" >/dev/null 2>"$work/err" || { echo "failed: $*" >&2; cat "$work/err" >&2; exit 1; }
	awk '{print $1, $2, $3 + $4}' "$work/t" >>"$out"
}
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

printf '%-8s %7s %9s %10s %10s %7s %9s %10s %9s\n' format requests input "import" "jq empty" ratio "CPU ratio" "peak RSS" RSS/input
for kind in $KINDS; do
	for n in $SIZES; do
		f=$work/$kind-$n.json
		"$root/bench/gen-import.sh" "$kind" "$n" >"$f"
		: >"$work/imp" && : >"$work/jq"
		for _ in $(seq 1 "$RUNS"); do
			measure "$work/jq" jq empty "$f"
			measure "$work/imp" "$bin" import "$f" -o "$work/out.yaml" --force
		done
		size=$(wc -c <"$f")
		ti=$(awk '{print $1}' "$work/imp" | median)
		tj=$(awk '{print $1}' "$work/jq" | median)
		rss=$(awk '{print $2}' "$work/imp" | median)
		ci=$(awk '{print $3}' "$work/imp" | median)
		cj=$(awk '{print $3}' "$work/jq" | median)
		echo "$kind $n $ti $rss" >>"$work/rows"
		awk -v k="$kind" -v n="$n" -v s="$size" -v ti="$ti" -v tj="$tj" -v ci="$ci" -v cj="$cj" -v r="$rss" 'BEGIN {
			printf "%-8s %7d %6.1f MB %8.2f s %8.2f s %6.2fx %8.2fx %7.1f MB %8.1fx\n", k, n, s/1e6, ti, tj, (tj > 0 ? ti/tj : 0), (cj > 0 ? ci/cj : 0), r*1024/1e6, r*1024/s }'
	done
done
# Growth from the smallest size to the largest, per format.
awk 'NR == FNR { if (!($1 in n0) || $2 < n0[$1]) { n0[$1] = $2; t0[$1] = $3; r0[$1] = $4 }
	if (!($1 in n1) || $2 > n1[$1]) { n1[$1] = $2; t1[$1] = $3; r1[$1] = $4 } }
	END { for (k in n0) if (n1[k] > n0[k] && t0[k] > 0)
		printf "%-8s %dx the requests: %.2fx the time, %.2fx the peak RSS\n", k, n1[k] / n0[k], t1[k] / t0[k], r1[k] / r0[k] }' "$work/rows"
