#!/usr/bin/env bash
# Compares, on a typical API Gateway request, the bare aws-sdk-go-v2
# SignHTTP with sigscope's own step-by-step trace (BenchmarkTraceOnly; target
# <= 1.5x) and with the whole Sign (trace + the SDK's signature + the check
# that both agree + the signed request). The benchmarks alternate so that
# machine load hits all alike; the script prints medians and ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-10}
bin=$(mktemp -d)/sign.test
trap 'rm -rf "$(dirname "$bin")"' EXIT
go test -c -o "$bin" ./sign
for _ in $(seq "$rounds"); do
  for b in BenchmarkSignTrace BenchmarkSDKSignHTTP BenchmarkTraceOnly; do
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
    s = median("BenchmarkSignTrace"); d = median("BenchmarkSDKSignHTTP"); t = median("BenchmarkTraceOnly")
    printf "sdk SignHTTP alone      %8.0f ns/op  (%s)\n", d, mem["BenchmarkSDKSignHTTP"]
    printf "sigscope trace alone    %8.0f ns/op  (%s)  %.2fx the SDK (target <= 1.5x)\n", t, mem["BenchmarkTraceOnly"], t / d
    printf "Sign: trace+SDK+check   %8.0f ns/op  (%s)  %.2fx the SDK\n", s, mem["BenchmarkSignTrace"], s / d
  }'
