#!/usr/bin/env bash
# Compares sigscope's Sign (full trace + aws-sdk-go-v2 signature + agreement
# check) with the bare aws-sdk-go-v2 SignHTTP on a typical API Gateway
# request, alternating the two benchmarks so that machine load hits both
# alike, and prints the median ns/op of each and their ratio (target <= 1.5).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-10}
bin=$(mktemp -d)/sign.test
trap 'rm -rf "$(dirname "$bin")"' EXIT
go test -c -o "$bin" ./sign
for _ in $(seq "$rounds"); do
  for b in BenchmarkSignTrace BenchmarkSDKSignHTTP; do
    "$bin" -test.run '^$' -test.bench "^$b\$" -test.benchtime 1s -test.cpu 1 -test.benchmem | grep "^$b"
  done
done | awk '
  { ns[$1, ++n[$1]] = $3; mem[$1] = $5 " B/op " $7 " allocs/op" }
  function median(name,   k, i, j, t, a) {
    k = n[name]; for (i = 1; i <= k; i++) a[i] = ns[name, i] + 0
    for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
  }
  END {
    s = median("BenchmarkSignTrace"); d = median("BenchmarkSDKSignHTTP")
    printf "sign+trace  median %8.0f ns/op  (%s)\n", s, mem["BenchmarkSignTrace"]
    printf "sdk alone   median %8.0f ns/op  (%s)\n", d, mem["BenchmarkSDKSignHTTP"]
    printf "ratio       %.2fx (target <= 1.5x)\n", s / d
  }'
