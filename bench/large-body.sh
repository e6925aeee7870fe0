#!/usr/bin/env bash
# Time to first lines and peak resident memory of the terminal UI on a large
# response body. A tiny Go server on 127.0.0.1 (written and built here, the
# standard library only) serves one JSON body; sigscope's UI runs in tmux on
# a collection that GETs it; the script presses enter, then reads the screen
# every 10 ms until the body's first line shows, and reads the UI process's
# peak resident memory (VmHWM in /proc/PID/status) once the screen is still.
#
# Shapes (SHAPES, default "pretty signed minified small-minified"):
#   pretty          SIZE_MB of JSON, one object per line (not pretty-printed
#                   again: above 8 MiB it is shown as sent)
#   signed          the same body, for a request signed with (fake) static
#                   keys: the body is read back through the masking writer
#   minified        SIZE_MB of JSON on one line
#   small-minified  8 MB of minified JSON, which is pretty-printed for the view
# History, config and caches live in a temporary HOME, so history is on as a
# user has it but nothing of the user's is read or written.
#
# Each shape runs RUNS times (default 3), a fresh UI process each time: the
# peak depends on when the garbage collector runs, and the machine may be
# busy, so read the spread, not one figure.
#
# Usage: bench/large-body.sh                 (SIZE_MB=50, COLS=120, ROWS=30)
#        SCREENS=DIR bench/large-body.sh      (keep each final screen in DIR)
#        SIGSCOPE=/path/to/sigscope bench/large-body.sh   (skip the build)
# Needs: go, tmux, Linux (/proc), awk.
set -euo pipefail

SIZE_MB=${SIZE_MB:-50}
COLS=${COLS:-120}
ROWS=${ROWS:-30}
SHAPES=${SHAPES:-pretty signed minified small-minified}
RUNS=${RUNS:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
session=sigscope-large-body-$$
srv_pid=
cleanup() {
	tmux kill-session -t "$session" 2>/dev/null || true
	if [ -n "$srv_pid" ]; then kill "$srv_pid" 2>/dev/null || true; wait "$srv_pid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

command -v go >/dev/null || { echo "go is required" >&2; exit 1; }
command -v tmux >/dev/null || { echo "tmux is required (apt-get install tmux)" >&2; exit 1; }
[ -r /proc/self/status ] || { echo "Linux /proc is required" >&2; exit 1; }

bin=${SIGSCOPE:-}
if [ -z "$bin" ]; then
	echo "building sigscope..." >&2
	(cd "$root" && go build -o "$work/sigscope" .)
	bin=$work/sigscope
fi

# The server: GET /pretty, /minified and /small-minified, each body built once.
mkdir -p "$work/server"
cat >"$work/server/main.go" <<'EOF'
package main

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
)

func body(size int, pretty bool) []byte {
	var b bytes.Buffer
	b.Grow(size + 256)
	sep := ","
	if pretty {
		sep = ",\n"
	}
	b.WriteString(`{"marker":"sigscope-bench-first-line","items":[`)
	if pretty {
		b.WriteString("\n")
	}
	for i := 0; b.Len() < size; i++ {
		if i > 0 {
			b.WriteString(sep)
		}
		fmt.Fprintf(&b, `{"id":%d,"name":"pet %d","type":"dog","price":%d.99,"tags":["good boy","fetches"],"owner":{"name":"owner %d","city":"Lisbon"}}`, i, i, i%500, i%97)
	}
	b.WriteString("]}\n")
	return b.Bytes()
}

func main() {
	size, _ := strconv.Atoi(os.Args[1])
	bodies := map[string][]byte{
		"/pretty":         body(size, true),
		"/minified":       body(size, false),
		"/small-minified": body(8_000_000, false),
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for p, b := range bodies {
		fmt.Printf("size %s %d\n", p, len(b))
	}
	fmt.Printf("http://%s\n", ln.Addr())
	http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, ok := bodies[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		w.Write(b)
	}))
}
EOF
(cd "$work/server" && GOFLAGS= GO111MODULE=off go build -o server main.go)
"$work/server/server" "$((SIZE_MB * 1000 * 1000))" >"$work/server.log" 2>&1 &
srv_pid=$!
url=
for _ in $(seq 1 200); do
	url=$(grep -s -o -m1 'http://127\.0\.0\.1:[0-9]*' "$work/server.log" || true)
	[ -n "$url" ] && break
	sleep 0.05
done
[ -n "$url" ] || { echo "the body server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }

mkdir -p "$work/home"
# Fake keys, never valid anywhere: the server does not check signatures.
export BENCH_ACCESS_KEY_ID=AKIDLARGEBODYBENCH01 BENCH_SECRET_ACCESS_KEY=largeBodyBenchSecretKey0000/NotASecret+01
export HOME=$work/home XDG_CONFIG_HOME=$work/home/.config XDG_DATA_HOME=$work/home/.local/share XDG_CACHE_HOME=$work/home/.cache

screen() { tmux capture-pane -p -t "$session"; }
now_ms() { date +%s%3N; }
wait_for() { # wait_for TEXT SECONDS
	local deadline=$(($(now_ms) + $2 * 1000))
	until screen | grep -qF -- "$1"; do
		[ "$(now_ms)" -lt "$deadline" ] || return 1
		sleep 0.01
	done
}

printf '%-15s %10s %12s %14s %14s %14s %10s\n' shape body exchange "first lines" "peak before" "peak RSS" "RSS/body"
for shape in $SHAPES; do
	coll=$work/$shape.yaml
	path=$shape auth='auth: {mode: none}'
	if [ "$shape" = signed ]; then
		path=pretty
		auth='auth: {mode: iam, profile: keys, service: execute-api, region: us-east-1}'
	fi
	cat >"$coll" <<-YAML
		name: Large body bench
		auth:
		  keys: {type: static, access_key_id_env: BENCH_ACCESS_KEY_ID, secret_access_key_env: BENCH_SECRET_ACCESS_KEY}
		requests:
		  - name: body
		    method: GET
		    url: "$url/$path"
		    $auth
	YAML
	size=$(awk -v p="/$path" '$1 == "size" && $2 == p {print $3}' "$work/server.log")

	for _ in $(seq 1 "$RUNS"); do
		# A fresh HOME: no trust remembered, an empty history.
		rm -rf "$work/home" && mkdir -p "$work/home"
		tmux new-session -d -s "$session" -x "$COLS" -y "$ROWS" "exec '$bin' '$coll'"
		pid=$(tmux display-message -p -t "$session" '#{pane_pid}')
		# A collection from a file is confirmed once (the trust dialog).
		wait_for "Trust this collection" 20 || { echo "the UI did not ask to trust the collection:" >&2; screen >&2; exit 1; }
		tmux send-keys -t "$session" y
		for _ in $(seq 1 500); do screen | grep -qF "Trust this collection" || break; sleep 0.01; done
		sleep 0.5
		idle=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")
		start=$(now_ms)
		tmux send-keys -t "$session" Enter
		wait_for "sigscope-bench-first-line" 60 || { echo "the body never showed:" >&2; screen >&2; exit 1; }
		first=$(($(now_ms) - start))
		# The exchange's own time, from the Response title ("200 OK · 388 ms").
		took=$(screen | grep -o '200 OK · [0-9.]* ms' | head -1 | grep -o '[0-9.]* ms' || echo "?")
		# Let the screen settle (history write, GC) before reading the peak.
		prev=
		for _ in $(seq 1 30); do
			sleep 0.2
			cur=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
			[ "$cur" = "$prev" ] && break
			prev=$cur
	done
	hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")
	if [ -n "${SCREENS:-}" ]; then screen >"$SCREENS/large-body-$shape.txt"; fi
	tmux kill-session -t "$session"
	awk -v s="$shape" -v b="$size" -v t="$took" -v f="$first" -v i="$idle" -v h="$hwm" 'BEGIN {
		printf "%-15s %7.1f MB %12s %11d ms %11.1f MB %11.1f MB %9.2fx\n", s, b/1e6, t, f, i*1024/1e6, h*1024/1e6, (b > 0 ? h*1024/b : 0) }'
	done
done
