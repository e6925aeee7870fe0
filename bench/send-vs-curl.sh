#!/usr/bin/env bash
# Wall time per request of `sigscope send` against `curl --aws-sigv4` on the
# same route of the built-in emulator (GET /prod/pets?limit=10, AWS_IAM).
#
# Usage: bench/send-vs-curl.sh            (N=50 runs of each; N=200 bench/... for more)
#        SIGSCOPE=/path/to/sigscope bench/send-vs-curl.sh   (skip the build)
# Needs: go (unless SIGSCOPE is set), curl; hyperfine if installed, else a bash
# loop (BENCH_LOOP=1 forces the loop).
# Target: sigscope send within 2x of curl. Both start a process per request, so
# the figure includes process start-up, collection loading and signing.
set -euo pipefail

N=${N:-50}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
emu_pid=
cleanup() {
	if [ -n "$emu_pid" ]; then kill "$emu_pid" 2>/dev/null || true; wait "$emu_pid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

command -v curl >/dev/null || { echo "curl is required (apt-get install curl)" >&2; exit 1; }
bin=${SIGSCOPE:-}
if [ -z "$bin" ]; then
	echo "building sigscope..." >&2
	(cd "$root" && go build -o "$work/sigscope" .)
	bin=$work/sigscope
fi

"$bin" emulator --addr 127.0.0.1:0 >"$work/emulator.log" 2>&1 &
emu_pid=$!
url=
for _ in $(seq 1 100); do
	url=$(grep -o -m1 'http://127\.0\.0\.1:[0-9]*' "$work/emulator.log" || true)
	[ -n "$url" ] && break
	sleep 0.1
done
[ -n "$url" ] || { echo "the emulator did not print its URL:" >&2; cat "$work/emulator.log" >&2; exit 1; }

# The demo IAM user of emulator/default.yaml: public, fake demo keys.
export SIGSCOPE_DEMO_ACCESS_KEY_ID=AKIDSIGSCOPEDEMO0001
export SIGSCOPE_DEMO_SECRET_ACCESS_KEY='sigscopeDemoSecretKey0000/NotASecret+0001'
export XDG_CACHE_HOME=$work/cache
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

# Both must be accepted before they are timed.
$send_cmd --yes >/dev/null || { echo "sigscope send was not accepted by the emulator" >&2; exit 1; }
$curl_cmd || { echo "curl --aws-sigv4 was not accepted by the emulator" >&2; exit 1; }

if [ "${BENCH_LOOP:-}" != 1 ] && command -v hyperfine >/dev/null; then
	tool="hyperfine $(hyperfine --version | awk '{print $2}')"
	hyperfine -N --warmup 3 --runs "$N" --style basic --export-csv "$work/h.csv" "$send_cmd" "$curl_cmd" >&2
	send_ms=$(awk -F, 'NR==2 {printf "%.3f", $2*1000}' "$work/h.csv")
	curl_ms=$(awk -F, 'NR==3 {printf "%.3f", $2*1000}' "$work/h.csv")
else
	tool="bash loop (date +%s%N)"
	mean_ms() {
		local start end
		for _ in 1 2 3; do $1 >/dev/null; done
		start=$(date +%s%N)
		for _ in $(seq 1 "$N"); do $1 >/dev/null; done
		end=$(date +%s%N)
		awk -v d=$((end - start)) -v n="$N" 'BEGIN {printf "%.3f", d / n / 1e6}'
	}
	send_ms=$(mean_ms "$send_cmd")
	curl_ms=$(mean_ms "$curl_cmd")
fi

ratio=$(awk -v a="$send_ms" -v b="$curl_ms" 'BEGIN {printf "%.2f", a / b}')
echo "route:              GET $url/prod/pets?limit=10 (AWS_IAM), $N runs each, $tool"
echo "sigscope send:      $send_ms ms per request (mean)"
echo "curl --aws-sigv4:   $curl_ms ms per request (mean)"
echo "ratio send / curl:  $ratio (target <= 2.00)"
awk -v r="$ratio" 'BEGIN {exit !(r <= 2.0)}' || echo "above the 2x target" >&2
