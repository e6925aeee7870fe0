#!/usr/bin/env bash
# Start-up of sigscope against curl's (issue 21), three figures:
#   1. `sigscope version` against `curl --version`, in CPU time (user +
#      system of the whole process; the medians of interleaved runs by
#      bench/cpuclock), with the slowest package initialisations of
#      `sigscope version` under GODEBUG=inittrace=1;
#   2. `sigscope send` against `curl --aws-sigv4` per request, history on
#      (bench/send-vs-curl.sh);
#   3. the terminal UI's first frame on a 10-request collection
#      (bench/testdata/ten-requests.yaml) in tmux: the shell in the tmux
#      pane stamps the wall clock (date +%s%N) and execs sigscope with
#      SIGSCOPE_FIRST_FRAME=FILE, and sigscope stamps FILE once the bytes of
#      the first frame that shows "request 10" have been written to the
#      terminal (cli/tui_firstframe.go: the terminal writer, not View, is
#      watched), with the CPU time the process had used by then (on a
#      loaded machine the steadier figure). The figure is the median of the differences: exec, Go's
#      start-up, package init, loading the collection and the history, the
#      UI's first render and the write. tmux answers the UI's terminal
#      queries as a terminal does.
# Goals: 1 and 2 within 1.5x curl, 3 within 50 ms.
#
# Usage: bench/startup.sh                 (N=40 runs for 1 and 2, FRAMES=15 for 3)
#        SIGSCOPE=/path/to/sigscope bench/startup.sh   (skip the build)
#        ONLY=version|send|frame bench/startup.sh
#        SIGSCOPE_B=/path/to/other ONLY=frame bench/startup.sh  (3 for two builds, interleaved)
# Needs: go, curl; tmux for 3 (skipped with a message without it);
# hyperfine optional (a cross-check of 1 and 2 in wall time).
set -euo pipefail

N=${N:-40}
FRAMES=${FRAMES:-15}
ONLY=${ONLY:-}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
session=sigscope-startup-$$
cleanup() {
	tmux -L "$session" kill-server 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

. "$root/bench/lib.sh"
bench_build
bench_home

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a / b; else printf "n/a"}'; }
summary=()

if [ -z "$ONLY" ] || [ "$ONLY" = version ]; then
	echo "== 1. sigscope version against curl --version"
	"$work/cpuclock" -n "$N" -inittrace "${INITTRACE:-25}" version="$bin version" curl="curl --version" | tee "$work/version.txt"
	if [ "${BENCH_LOOP:-}" != 1 ] && command -v hyperfine >/dev/null; then
		echo "cross-check, hyperfine $(hyperfine --version | awk '{print $2}') (wall time, not interleaved):"
		hyperfine -N --warmup 3 --runs "$N" --style basic "$bin version" "curl --version"
	fi
	read -r v_wall v_cpu < <(awk '$1 == "median" && $2 == "version" {print $3, $4}' "$work/version.txt")
	read -r c_wall c_cpu < <(awk '$1 == "median" && $2 == "curl" {print $3, $4}' "$work/version.txt")
	summary+=("version / curl --version:  $(ratio "$v_cpu" "$c_cpu") in CPU time ($v_cpu / $c_cpu ms; target <= 1.5), $(ratio "$v_wall" "$c_wall") in wall time")
fi

if [ -z "$ONLY" ] || [ "$ONLY" = send ]; then
	echo
	echo "== 2. sigscope send against curl --aws-sigv4 (history on)"
	SIGSCOPE=$bin N=$N "$root/bench/send-vs-curl.sh" | tee "$work/send.txt"
	summary+=("send / curl --aws-sigv4:   $(awk -F': *' '/^ratio send/ {print $2}' "$work/send.txt")")
fi

if [ -z "$ONLY" ] || [ "$ONLY" = frame ]; then
	echo
	echo "== 3. first UI frame, 10 requests"
	if ! command -v tmux >/dev/null; then
		echo "skipped: tmux is not installed (apt-get install tmux)"
	else
		coll=$root/bench/testdata/ten-requests.yaml
		# frame BIN: one start of BIN in a fresh tmux, its first frame in ns.
		frame() {
			rm -f "$work/start" "$work/frame"
			# The previous server may still be going away: "server exited
			# unexpectedly" is tried again.
			for try in 1 2 3 4 5; do
				tmux -L "$session" new-session -d -x 120 -y 40 \
					"sh -c 'date +%s%N >$work/start; SIGSCOPE_FIRST_FRAME=$work/frame SIGSCOPE_FIRST_FRAME_TEXT=\"request 10\" exec $1 $coll'" && break
				[ "$try" -lt 5 ] || exit 1
				sleep 0.2
			done
			for _ in $(seq 1 500); do
				[ -s "$work/frame" ] && break
				sleep 0.01
			done
			[ -s "$work/frame" ] || { tmux -L "$session" capture-pane -p >&2 || true; echo "no first frame within 5 s" >&2; exit 1; }
			[ -s "$work/screen.txt" ] || tmux -L "$session" capture-pane -p >"$work/screen.txt"
			tmux -L "$session" kill-server 2>/dev/null || true
			read -r at cpu <"$work/frame"
			echo "$(( at - $(cat "$work/start") )) ${cpu:-0}"
		}
		# median_ms FILE [COLUMN]: column 1 the wall time, 2 the CPU time.
		median_ms() { awk -v c="${2:-1}" '{print $c}' "$1" | sort -n | awk '{v[NR]=$1} END {m = NR % 2 ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2; printf "%.1f", m / 1e6}'; }
		spread_ms() { awk '{print $1}' "$1" | sort -n | awk 'NR==1 {lo=$1} {hi=$1} END {printf "%.1f-%.1f", lo/1e6, hi/1e6}'; }
		# SIGSCOPE_B=/path/to/other/sigscope: the same starts of another
		# build interleaved (A B A B ...), for a before/after on a loaded
		# machine.
		: >"$work/frames.txt"
		: >"$work/frames-b.txt"
		for i in $(seq 1 "$FRAMES"); do
			frame "$bin" >>"$work/frames.txt"
			[ -z "${SIGSCOPE_B:-}" ] || frame "$SIGSCOPE_B" >>"$work/frames-b.txt"
		done
		grep -q "request 10" "$work/screen.txt" || { echo "the first frame does not show the collection:" >&2; cat "$work/screen.txt" >&2; exit 1; }
		frame_ms=$(median_ms "$work/frames.txt")
		spread=$(spread_ms "$work/frames.txt")
		frame_cpu=$(median_ms "$work/frames.txt" 2)
		echo "first frame: $frame_ms ms median of $FRAMES starts (range $spread ms), $frame_cpu ms of CPU time by then"
		summary+=("first UI frame:            $frame_ms ms (target <= 50; range $spread ms over $FRAMES starts), $frame_cpu ms CPU")
		if [ -n "${SIGSCOPE_B:-}" ]; then
			b_ms=$(median_ms "$work/frames-b.txt")
			b_cpu=$(median_ms "$work/frames-b.txt" 2)
			echo "first frame of $SIGSCOPE_B: $b_ms ms median (range $(spread_ms "$work/frames-b.txt") ms), $b_cpu ms CPU, interleaved"
			summary+=("first UI frame, SIGSCOPE_B: $b_ms ms, $b_cpu ms CPU (A/B $(ratio "$frame_ms" "$b_ms") wall, $(ratio "$frame_cpu" "$b_cpu") CPU)")
		fi
	fi
fi

echo
echo "== summary ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%s\n' "${summary[@]}"
