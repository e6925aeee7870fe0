#!/usr/bin/env bash
# The UI at scale: runs the Go benchmarks of tui/scale_bench_test.go at
# 5,000 and 20,000 requests, interleaved (ROUNDS rounds, default 3, each
# running both sizes one after the other, so that a busy spell of the
# machine hits both), and prints per benchmark the median at each size
# and the ratio 20k/5k, by the wall clock and by the CPU time of the
# benchmark's thread (which does not count the waits for a core on a busy
# machine). The goal: cursor move, finder keystroke and preview within
# 1.5x; resolving a request within 1.5x per request.
# Then it prints the slowest handling of each kind of message at 20,000
# requests and with 8 MB and 50 MB bodies (goal: none over 16 ms).
#
# Usage: bench/tui-scale.sh            (ROUNDS=3 BENCHTIME=20x)
#        OUT=DIR bench/tui-scale.sh    (keep the raw benchmark output in DIR)
# Needs: go, awk.
set -euo pipefail
ROUNDS=${ROUNDS:-3}
BENCHTIME=${BENCHTIME:-20x}
root=$(cd "$(dirname "$0")/.." && pwd)
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"
cd "$root"
echo "building the benchmarks..." >&2
go test -c -o "$out/tui.test" ./tui/ >&2

ratios='^BenchmarkScale(Cursor|Preview|FinderKey|FinderMatch|Resolve|FirstPreview)$'
: >"$out/ratios.txt"
for r in $(seq 1 "$ROUNDS"); do
	for n in 5000 20000; do
		echo "round $r, $n requests..." >&2
		(cd tui && SIGSCOPE_SCALE_SIZES=$n "$out/tui.test" -test.run '^$' -test.bench "$ratios" -test.benchtime "$BENCHTIME" -test.benchmem) >>"$out/ratios.txt"
	done
done

echo
echo "Median of $ROUNDS rounds; ratio = 20,000 / 5,000 requests"
awk '
function median(list,   a, k, n, i, j, t) {
	n = split(list, a, " ")
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
	return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
/^BenchmarkScale/ {
	split($1, p, "/"); name = p[1]; sub(/^BenchmarkScale/, "", name)
	size = p[2]; sub(/^requests=/, "", size); sub(/-[0-9]+$/, "", size)
	wall = ""; cpu = ""; bytes = ""
	for (i = 3; i < NF; i++) {
		if ($(i+1) == "ns/op") wall = $i
		if ($(i+1) == "cpu-ns/op") cpu = $i
		if ($(i+1) == "B/op") bytes = $i
	}
	if (name == "Resolve") { # per request
		for (i = 3; i < NF; i++) {
			if ($(i+1) == "ns/request") wall = $i
			if ($(i+1) == "cpu-ns/request") cpu = $i
		}
		bytes = bytes / size
	}
	W[name, size] = W[name, size] " " wall; C[name, size] = C[name, size] " " cpu; B[name, size] = bytes
	if (!(name in seen)) { seen[name] = 1; order[++count] = name }
}
END {
	printf "%-13s %12s %12s %7s %12s %12s %7s %10s %10s %7s\n", "benchmark", "wall 5k", "wall 20k", "ratio", "cpu 5k", "cpu 20k", "ratio", "B 5k", "B 20k", "ratio"
	for (k = 1; k <= count; k++) {
		n = order[k]; w5 = median(W[n, 5000]); w20 = median(W[n, 20000]); c5 = median(C[n, 5000]); c20 = median(C[n, 20000])
		unit = (n == "Resolve") ? "/req" : ""
		printf "%-13s %9.2f ms %9.2f ms %6.2fx %9.2f ms %9.2f ms %6.2fx %10d %10d %6.2fx\n", n unit, w5 / 1e6, w20 / 1e6, (w5 > 0 ? w20 / w5 : 0), c5 / 1e6, c20 / 1e6, (c5 > 0 ? c20 / c5 : 0), B[n, 5000], B[n, 20000], (B[n, 5000] > 0 ? B[n, 20000] / B[n, 5000] : 0)
	}
}' "$out/ratios.txt"

echo
echo "Slowest handling of each kind of message on the UI loop (Update, or View: a frame)"
(cd tui && SIGSCOPE_SCALE_SIZES=20000 "$out/tui.test" -test.run '^$' -test.bench '^BenchmarkScale(Messages|BodyMessages)$' -test.benchtime 3x) >"$out/messages.txt"
awk '
/^BenchmarkScale/ {
	run = $1; sub(/^BenchmarkScale/, "", run); sub(/-[0-9]+$/, "", run)
	# Go prints the metrics sorted by unit: every cpu-ms-max/ comes
	# before its ms-max/, so a kind is new when first seen in either.
	delete wall; delete cpu; delete known; n = 0
	for (i = 3; i < NF; i++) {
		u = $(i+1)
		if (u ~ /^ms-max\//) { k = substr(u, 8); wall[k] = $i } else if (u ~ /^cpu-ms-max\//) { k = substr(u, 12); cpu[k] = $i } else continue
		if (!(k in known)) { known[k] = 1; keys[++n] = k }
	}
	worst = ""; wv = 0
	printf "%s\n  %-24s %10s %10s\n", run, "message", "wall ms", "cpu ms"
	for (j = 1; j <= n; j++) {
		k = keys[j]; printf "  %-24s %10.3f %10.3f\n", k, wall[k], cpu[k]
		if (cpu[k] + 0 > wv) { wv = cpu[k] + 0; worst = k }
	}
	printf "  slowest by CPU: %s, %.3f ms (goal: under 16 ms)\n\n", worst, wv
	delete keys
}' "$out/messages.txt"
[ -n "${OUT:-}" ] || rm -rf "$out"
