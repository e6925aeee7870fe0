#!/usr/bin/env bash
# Per request, `sigscope send` against `curl --aws-sigv4` on the same route
# of the built-in emulator (GET /prod/pets?limit=10, AWS_IAM), with the
# history on as a user has it (in a temporary XDG_DATA_HOME, so nothing of
# the user's is read or written) and cookies off.
#
# Both start a process per request, so the figure is start-up, collection
# loading, the trust check, signing, the exchange and (for sigscope) the
# history's write. bench/cpuclock runs them interleaved and takes medians of
# the wall time and of the CPU time (user + system of the whole process):
# on a shared machine the wall time of a 15 ms process is mostly other
# people's work, its CPU time is not. The goal (issue 21) is in CPU time.
# With hyperfine installed its summary (wall time, not interleaved) follows
# as a cross-check.
#
# Usage: bench/send-vs-curl.sh            (N=40 runs of each)
#        SIGSCOPE=/path/to/sigscope bench/send-vs-curl.sh   (skip the build)
#        INITTRACE=15 bench/send-vs-curl.sh (also the 15 slowest package inits of a send)
# Needs: go, curl; hyperfine optional.
set -euo pipefail

N=${N:-40}
TARGET=${TARGET:-1.5}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
emu_pid=
cleanup() {
	if [ -n "$emu_pid" ]; then kill "$emu_pid" 2>/dev/null || true; wait "$emu_pid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

. "$root/bench/lib.sh"
bench_build

# The user's own settings, caches and history stay out of it; history on.
bench_home

bench_emulator

# The demo IAM user of emulator/default.yaml: public, fake demo keys.
export SIGSCOPE_DEMO_ACCESS_KEY_ID=AKIDSIGSCOPEDEMO0001
export SIGSCOPE_DEMO_SECRET_ACCESS_KEY='sigscopeDemoSecretKey0000/NotASecret+0001'
# Names without spaces: bench/cpuclock splits a command at spaces.
cat >"$work/bench.yaml" <<'YAML'
name: bench
environments:
  local: {base_url: "{{emulator}}/prod", region: us-east-1}
auth:
  demo:
    type: static
    access_key_id_env: SIGSCOPE_DEMO_ACCESS_KEY_ID
    secret_access_key_env: SIGSCOPE_DEMO_SECRET_ACCESS_KEY
defaults:
  auth: {mode: iam, profile: demo}
requests:
  - name: list
    method: GET
    url: "{{base_url}}/pets"
    query: {limit: "10"}
YAML

send_cmd="$bin send $work/bench.yaml list --var emulator=$url --no-cookies"
curl_cmd="curl -sS -f -o /dev/null --aws-sigv4 aws:amz:us-east-1:execute-api --user $SIGSCOPE_DEMO_ACCESS_KEY_ID:$SIGSCOPE_DEMO_SECRET_ACCESS_KEY $url/prod/pets?limit=10"

# Both must be accepted before they are timed; --yes trusts the collection
# once (remembered in the temporary cache), as a user confirms it once.
$send_cmd --yes >/dev/null || { echo "sigscope send was not accepted by the emulator" >&2; exit 1; }
$curl_cmd || { echo "curl --aws-sigv4 was not accepted by the emulator" >&2; exit 1; }
# A send spools its entry (history.Spool); the history command imports it.
"$bin" history -o json --limit 1 | grep -q '"request": *"list"' || { echo "sigscope send kept no history in $XDG_DATA_HOME" >&2; exit 1; }

"$work/cpuclock" -n "$N" -inittrace "${INITTRACE:-0}" send="$send_cmd" curl="$curl_cmd" | tee "$work/clock.txt"
if [ "${BENCH_LOOP:-}" != 1 ] && command -v hyperfine >/dev/null; then
	echo "cross-check, hyperfine $(hyperfine --version | awk '{print $2}') (wall time, not interleaved):"
	hyperfine -N --warmup 3 --runs "$N" --style basic "$send_cmd" "$curl_cmd"
fi

# Every timed send is in the history (cpuclock's warm-up runs too).
kept=$("$bin" history -o json --limit 100000 | grep -c '"request": *"list"' || true)
[ "$kept" -gt "$N" ] || { echo "the history holds $kept sends of the $N timed" >&2; exit 1; }
read -r send_wall send_cpu < <(awk '$1 == "median" && $2 == "send" {print $3, $4}' "$work/clock.txt")
read -r curl_wall curl_cpu < <(awk '$1 == "median" && $2 == "curl" {print $3, $4}' "$work/clock.txt")
cpu_ratio=$(awk -v a="$send_cpu" -v b="$curl_cpu" 'BEGIN {printf "%.2f", a / b}')
wall_ratio=$(awk -v a="$send_wall" -v b="$curl_wall" 'BEGIN {printf "%.2f", a / b}')
echo
echo "route:              GET $url/prod/pets?limit=10 (AWS_IAM), history on, $N interleaved runs each"
echo "sigscope send:      $send_cpu ms CPU, $send_wall ms wall per request (medians)"
echo "curl --aws-sigv4:   $curl_cpu ms CPU, $curl_wall ms wall per request (medians)"
echo "ratio send / curl:  $cpu_ratio in CPU time (target <= $TARGET), $wall_ratio in wall time"
awk -v r="$cpu_ratio" -v t="$TARGET" 'BEGIN {exit !(r <= t)}' || echo "above the ${TARGET}x target" >&2
