#!/usr/bin/env bash
# Writes an export of N requests (default 5000) to standard output, for the
# import benchmark (bench/import.sh): a Postman collection v2.1 in folders of
# 50 requests, or an OpenAPI 3 document in JSON (as API Gateway exports
# it) with N operations over N/5 paths, tagged in groups of 50. Each
# request has the parts real exports carry: query parameters, headers, a
# JSON body on writes, templates ({{base_url}}, path parameters), and the
# IAM authorizer on the OpenAPI side.
#
# Usage: bench/gen-import.sh postman 5000 > /tmp/pm.json
#        bench/gen-import.sh openapi 20000 > /tmp/oas.json
set -euo pipefail
kind=${1:-}
n=${2:-5000}
case $n in '' | *[!0-9]*) echo "usage: $0 postman|openapi N" >&2; exit 2 ;; esac
case $kind in
postman)
	awk -v n="$n" 'BEGIN {
		print "{\"info\":{\"name\":\"Bench\",\"schema\":\"https://schema.getpostman.com/json/collection/v2.1.0/collection.json\"},"
		print "\"variable\":[{\"key\":\"base_url\",\"value\":\"https://abc123.execute-api.us-east-1.amazonaws.com/prod\"}],"
		print "\"item\":["
		for (f = 0; f * 50 < n; f++) {
			if (f > 0) print ","
			printf "{\"name\":\"group %d\",\"item\":[\n", f
			for (i = f * 50; i < n && i < (f + 1) * 50; i++) {
				if (i > f * 50) print ","
				if (i % 3 == 0) {
					printf "{\"name\":\"create item %d\",\"request\":{\"method\":\"POST\",\"header\":[{\"key\":\"Content-Type\",\"value\":\"application/json\"},{\"key\":\"X-Trace\",\"value\":\"t-%d\"}],", i, i
					printf "\"body\":{\"mode\":\"raw\",\"raw\":\"{\\n  \\\"name\\\": \\\"item %d\\\",\\n  \\\"price\\\": %d.5,\\n  \\\"tags\\\": [\\\"a\\\", \\\"b\\\"]\\n}\",\"options\":{\"raw\":{\"language\":\"json\"}}},", i, i % 100
					printf "\"url\":{\"raw\":\"{{base_url}}/groups/%d/items\",\"host\":[\"{{base_url}}\"],\"path\":[\"groups\",\"%d\",\"items\"]}},\"response\":[]}", f, f
				} else {
					printf "{\"name\":\"get item %d\",\"request\":{\"method\":\"GET\",\"header\":[{\"key\":\"Accept\",\"value\":\"application/json\"}],", i
					printf "\"url\":{\"raw\":\"{{base_url}}/items/%d?page=%d&sort=name\",\"host\":[\"{{base_url}}\"],\"path\":[\"items\",\"%d\"],\"query\":[{\"key\":\"page\",\"value\":\"%d\"},{\"key\":\"sort\",\"value\":\"name\"}]}},\"response\":[]}", i, i % 7, i, i % 7
				}
			}
			printf "]}"
		}
		print "]}"
	}'
	;;
openapi)
	awk -v n="$n" 'BEGIN {
		print "{"; print "\"openapi\":\"3.0.1\",\"info\":{\"title\":\"Bench\",\"version\":\"1\"},"
		print "\"servers\":[{\"url\":\"https://abc123.execute-api.us-east-1.amazonaws.com/{basePath}\",\"variables\":{\"basePath\":{\"default\":\"prod\"}}}],"
		print "\"paths\":{"
		methods[0] = "get"; methods[1] = "put"; methods[2] = "delete"; methods[3] = "patch"; methods[4] = "post"
		paths = int((n + 4) / 5)
		for (p = 0; p < paths; p++) {
			if (p > 0) print ","
			printf "\"/things%d/{id}\":{", p
			for (m = 0; m < 5 && p * 5 + m < n; m++) {
				i = p * 5 + m
				if (m > 0) printf ","
				printf "\"%s\":{\"tags\":[\"group %d\"],\"operationId\":\"%s%d\",\"summary\":\"%s thing %d\",", methods[m], int(i / 50), methods[m], p, methods[m], p
				printf "\"parameters\":[{\"name\":\"id\",\"in\":\"path\",\"required\":true,\"schema\":{\"type\":\"string\"},\"example\":\"id-%d\"},{\"name\":\"page\",\"in\":\"query\",\"schema\":{\"type\":\"integer\"}},{\"name\":\"X-Trace\",\"in\":\"header\",\"schema\":{\"type\":\"string\"}}],", p
				if (m == 1 || m == 3 || m == 4)
					printf "\"requestBody\":{\"content\":{\"application/json\":{\"schema\":{\"type\":\"object\"},\"example\":{\"name\":\"thing %d\",\"price\":%d.5,\"tags\":[\"a\",\"b\"]}}}},", p, p % 100
				printf "\"responses\":{\"200\":{\"description\":\"ok\"}},\"security\":[{\"sigv4\":[]}]}"
			}
			printf "}"
		}
		print "},"
		print "\"components\":{\"securitySchemes\":{\"sigv4\":{\"type\":\"apiKey\",\"name\":\"Authorization\",\"in\":\"header\",\"x-amazon-apigateway-authtype\":\"awsSigv4\"}}}}"
	}'
	;;
*) echo "usage: $0 postman|openapi N" >&2; exit 2 ;;
esac
