#!/usr/bin/env bash
# N signed requests against the built-in emulator: `sigscope run --repeat N`
# beside newman running the same request exported as Postman, in one
# process (`newman run -n N`), and Hurl (`hurl --repeat N`, SigV4 through
# its aws-sigv4 option) when one is installed: Debian 12 has no hurl
# package and the npm one downloads its binary at install, so it is
# measured only where a hurl is on PATH. Prints wall and CPU time of each,
# per request, and the ratio. History stays on for sigscope (a fresh HOME).
#
#   bash bench/run-vs-newman.sh            # N=1000
#   N=200 bash bench/run-vs-newman.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
N=${N:-1000}
tmp=$(mktemp -d)
emu=
cleanup() { [ -n "$emu" ] && kill "$emu" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

peers=$root/export/testdata/peers
if [ ! -x "$peers/node_modules/.bin/newman" ]; then
  npm ci --prefix "$peers" --no-audit --no-fund --loglevel=error
fi
newman=$peers/node_modules/.bin/newman
go build -o "$tmp/sigscope" "$root"
export HOME=$tmp/home XDG_CACHE_HOME=$tmp/home/cache XDG_DATA_HOME=$tmp/home/data
mkdir -p "$HOME"

"$tmp/sigscope" emulator --addr 127.0.0.1:0 >"$tmp/emu.log" 2>&1 &
emu=$!
for _ in $(seq 100); do
  url=$(grep -o 'http://127.0.0.1:[0-9]*' "$tmp/emu.log" | head -1 || true)
  [ -n "$url" ] && break
  sleep 0.05
done
[ -n "$url" ] || { echo "the emulator did not start:"; cat "$tmp/emu.log"; exit 1; }
config=$("$tmp/sigscope" emulator --print-config)
export SIGSCOPE_DEMO_ACCESS_KEY_ID=$(awk '/access_key_id:/ {print $NF; exit}' <<<"$config")
export SIGSCOPE_DEMO_SECRET_ACCESS_KEY=$(awk '/secret_access_key:/ {print $NF; exit}' <<<"$config")
coll=$root/bench/testdata/run-bench.yaml

# Warm both (module loading, the trust record), then measure.
"$tmp/sigscope" run "$coll" --var emulator="$url" --yes >/dev/null
"$tmp/sigscope" export "$coll" --as postman --var emulator="$url" --yes >"$tmp/bench.postman.json"
"$newman" run "$tmp/bench.postman.json" -n 1 --env-var aws_access_key="$SIGSCOPE_DEMO_ACCESS_KEY_ID" \
  --env-var aws_secret_key="$SIGSCOPE_DEMO_SECRET_ACCESS_KEY" --reporters cli >/dev/null

measure() { # label, command...: prints "label wall_s cpu_s"
  local label=$1; shift
  local t0 t1 c
  t0=$(date +%s.%N)
  c=$( { /usr/bin/time -f '%U %S' "$@" >/dev/null 2>"$tmp/err"; } 2>&1; tail -1 "$tmp/err")
  t1=$(date +%s.%N)
  awk -v l="$label" -v a="$t0" -v b="$t1" -v c="$c" 'BEGIN { split(c, x, " "); printf "%s %.3f %.3f\n", l, b-a, x[1]+x[2] }'
}
s=$(measure sigscope "$tmp/sigscope" run "$coll" --var emulator="$url" --yes --repeat "$N")
n=$(measure newman "$newman" run "$tmp/bench.postman.json" -n "$N" --env-var aws_access_key="$SIGSCOPE_DEMO_ACCESS_KEY_ID" \
  --env-var aws_secret_key="$SIGSCOPE_DEMO_SECRET_ACCESS_KEY" --reporters cli)
h=
if command -v hurl >/dev/null; then
  cat >"$tmp/bench.hurl" <<'HURL'
GET {{url}}/prod/pets?limit=10
[Options]
aws-sigv4: aws:amz:us-east-1:execute-api
user: {{key}}:{{secret}}
HTTP 200
HURL
  hv=(--variable url="$url" --variable key="$SIGSCOPE_DEMO_ACCESS_KEY_ID" --variable secret="$SIGSCOPE_DEMO_SECRET_ACCESS_KEY")
  hurl --test "${hv[@]}" "$tmp/bench.hurl" >/dev/null 2>&1 || { echo "hurl cannot send the signed request:"; hurl --test "${hv[@]}" "$tmp/bench.hurl"; exit 1; }
  h=$(measure hurl hurl --test --repeat "$N" "${hv[@]}" "$tmp/bench.hurl")
else
  echo "(no hurl on PATH: Hurl not measured)"
fi
awk -v n="$N" -v s="$s" -v m="$n" -v h="$h" 'BEGIN {
  split(s, a, " "); split(m, b, " ")
  printf "%d signed requests against the emulator (history on for sigscope)\n", n
  printf "  %-9s wall %7.2f s (%6.2f ms/request)  cpu %7.2f s\n", a[1], a[2], a[2]*1000/n, a[3]
  printf "  %-9s wall %7.2f s (%6.2f ms/request)  cpu %7.2f s\n", b[1], b[2], b[2]*1000/n, b[3]
  if (h != "") { split(h, c, " "); printf "  %-9s wall %7.2f s (%6.2f ms/request)  cpu %7.2f s\n", c[1], c[2], c[2]*1000/n, c[3] }
  printf "  sigscope/newman: wall %.2fx, cpu %.2fx\n", a[2]/b[2], a[3]/b[3]
  if (h != "") printf "  sigscope/hurl:   wall %.2fx, cpu %.2fx\n", a[2]/c[2], a[3]/c[3]
}'
