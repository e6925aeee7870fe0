#!/usr/bin/env bash
# Writes a collection of N requests (default 20000) in folders of 50 to
# standard output, signed with static keys read from the environment
# variables BENCH_ACCESS_KEY_ID and BENCH_SECRET_ACCESS_KEY: the shape the
# UI's scale benchmarks use (tui/scale_bench_test.go), for trying the UI
# by hand at that size.
#
# Usage: bench/gen-collection.sh 20000 > /tmp/big.yaml
#        BENCH_ACCESS_KEY_ID=AKIDEXAMPLE BENCH_SECRET_ACCESS_KEY=x sigscope /tmp/big.yaml
set -euo pipefail
n=${1:-20000}
case $n in '' | *[!0-9]*) echo "usage: $0 N (a number of requests)" >&2; exit 2 ;; esac
awk -v n="$n" 'BEGIN {
	print "name: Big"
	print "environments:"
	print "  prod: {base_url: \"https://abc123.execute-api.us-east-1.amazonaws.com/prod\", region: us-east-1}"
	print "auth:"
	print "  keys: {type: static, access_key_id_env: BENCH_ACCESS_KEY_ID, secret_access_key_env: BENCH_SECRET_ACCESS_KEY}"
	print "defaults: {auth: {mode: iam, profile: keys}}"
	print "requests:"
	for (f = 0; f * 50 < n; f++) {
		printf "  - folder: group %d\n    requests:\n", f
		for (i = f * 50; i < n && i < (f + 1) * 50; i++)
			printf "      - name: request %d\n        method: GET\n        url: \"{{base_url}}/items/%d\"\n        query: {page: \"%d\"}\n", i, i, i % 7
	}
}'
