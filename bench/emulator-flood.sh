#!/usr/bin/env bash
# Peak memory of the emulator under a flood of large POST bodies on an
# AWS_IAM echo route (POST /prod/pets), one fresh emulator per scenario:
#   unknown-key   N parallel POSTs signed with a key the emulator does not know
#   bad-signature N parallel POSTs with the demo key and a wrong signature
#   valid-echo    V parallel POSTs correctly signed (curl --aws-sigv4), echoed back
# Each body is SIZE_MIB MiB (default 10, the gateway's limit). Prints the
# emulator's peak resident memory (VmHWM) and what it still holds
# afterwards (VmRSS), and how the requests were answered.
#
# First, the rate (issue 21: at least half a bare net/http server's): the
# emulator's BenchmarkVerifiedRate (emulator/rate_bench_test.go) answers
# correctly signed GETs on an AWS_IAM route and a bare net/http server the
# same GETs, from one keep-alive client, in alternating rounds; RATE_COUNT
# runs of RATE_N requests to each, each run printing both rates and their
# ratio.
#
# Usage: bench/emulator-flood.sh                    (N=100, V=16, SIZE_MIB=10)
#        SIGSCOPE=/path/to/sigscope bench/emulator-flood.sh   (skip the build)
#        ONLY=rate|memory bench/emulator-flood.sh   (RATE_N=8000, RATE_COUNT=3)
# Needs: go (unless SIGSCOPE is set), curl, Linux (/proc). Client memory is
# not counted: curl streams the bad bodies from a file, and the valid ones
# (which curl must hold to sign) are only V at once.
set -euo pipefail

N=${N:-100}
V=${V:-16}
SIZE_MIB=${SIZE_MIB:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
emu_pid=
stop_emulator() {
	if [ -n "$emu_pid" ]; then kill "$emu_pid" 2>/dev/null || true; wait "$emu_pid" 2>/dev/null || true; fi
	emu_pid=
}
trap 'stop_emulator; rm -rf "$work"' EXIT

ONLY=${ONLY:-}
if [ -z "$ONLY" ] || [ "$ONLY" = rate ]; then
	echo "== rate: verified signed GETs against a bare net/http server (ratio target >= 0.5)"
	# replayed: one signed request sent again and again (a load generator);
	# fresh: 4,096 distinct ones, more than the verifier remembers.
	(cd "$root" && go test ./emulator -run '^$' -bench 'VerifiedRate(Fresh)?$' -benchtime "${RATE_N:-8000}x" -count "${RATE_COUNT:-3}") |
		awk '/^BenchmarkVerifiedRate/ {kind = ($1 ~ /Fresh/) ? "fresh" : "replayed"; printf "%-8s bare %6.0f/s  emulator %6.0f/s  ratio %.2f\n", kind, $5, $7, $9}' | tee "$work/rate.txt"
	for kind in replayed fresh; do
		awk -v k="$kind" '$1 == k {print $NF}' "$work/rate.txt" | sort -n |
			awk -v k="$kind" '{v[NR]=$1} END {if (NR) printf "%s: median ratio %.2f of %d runs\n", k, NR % 2 ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2, NR}'
	done
	[ "$ONLY" = rate ] && exit 0
	echo
	echo "== memory under floods of large bodies"
fi

. "$root/bench/lib.sh"
bench_build
head -c "$((SIZE_MIB << 20))" /dev/zero | tr '\0' 'a' >"$work/body"

# The demo IAM user of emulator/default.yaml: public, fake demo keys.
akid=AKIDSIGSCOPEDEMO0001
secret='sigscopeDemoSecretKey0000/NotASecret+0001'


kib() { awk -v k="$1" '/^'"$1"':/ {print $2}' "/proc/$emu_pid/status"; }

# flood NAME PARALLEL CURL-ARGS...: one scenario on a fresh emulator.
flood() {
	local name=$1 parallel=$2
	shift 2
	bench_emulator
	local before start end
	before=$(kib VmRSS)
	start=$(date +%s%N)
	seq 1 "$parallel" | xargs -P "$parallel" -I{} curl -s -o /dev/null -w '%{http_code}\n' --max-time 120 \
		-H 'Expect:' "$@" "$url/prod/pets" >"$work/codes" || true
	end=$(date +%s%N)
	sleep 1
	printf '%-14s %4d requests  peak %7d KiB  after %7d KiB  (idle %d KiB)  %5d ms  answers: %s\n' \
		"$name" "$parallel" "$(kib VmHWM)" "$(kib VmRSS)" "$before" $(((end - start) / 1000000)) \
		"$(sort "$work/codes" | uniq -c | awk '{printf "%s×%s ", $1, $2}')"
	stop_emulator
}

now=$(date -u +%Y%m%dT%H%M%SZ)
day=${now%%T*}
bad_auth() {
	echo "Authorization: AWS4-HMAC-SHA256 Credential=$1/$day/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=$(printf '0%.0s' $(seq 1 64))"
}

echo "bodies of $SIZE_MIB MiB; $("$bin" --version 2>/dev/null || echo sigscope)"
flood unknown-key "$N" -X POST -T "$work/body" -H "X-Amz-Date: $now" -H "$(bad_auth AKIAUNKNOWNKEY000000)"
flood bad-signature "$N" -X POST -T "$work/body" -H "X-Amz-Date: $now" -H "$(bad_auth $akid)"
flood valid-echo "$V" --aws-sigv4 aws:amz:us-east-1:execute-api --user "$akid:$secret" --data-binary @"$work/body"
