#!/usr/bin/env bash
# A first build's cost per dependency (issue 21): `go build` with an empty
# build cache, the modules already downloaded (a newcomer's first
# `go run . demo` also downloads them first), and the compile and link
# actions of Go's action graph (-debug-actiongraph) summed per module.
#
# Columns: the module, its packages compiled, the seconds its compile
# actions ran (wall, from the graph's start and done times: on a loaded
# machine these stretch, so compare the shares), the CPU seconds of the
# compiler processes (user + system), and each one's share of the totals.
# The link is a row of its own. The last line is the whole build's wall
# time, which is what a user waits for.
#
# Usage: bench/coldbuild.sh            (builds . with the go on PATH)
#        PKG=./cmd/x bench/coldbuild.sh
#        GOTOOLCHAIN=go1.27.4 bench/coldbuild.sh   (the release toolchain)
#        KEEP=/tmp/ag.json bench/coldbuild.sh      (keep the action graph)
# Needs: go, python3.
set -euo pipefail
cd "$(dirname "$0")/.."

PKG=${PKG:-.}
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
graph=${KEEP:-$work/actiongraph.json}

# Not timed: what a first build also downloads.
go mod download
# Which module each package of the build comes from.
go list -deps -f '{{.ImportPath}} {{if .Module}}{{.Module.Path}}{{else}}std{{end}}' "$PKG" > "$work/modules.txt"

echo "cold build of $PKG with $(go env GOVERSION) on $(nproc) cores (load: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
start=$(date +%s.%N)
GOCACHE=$work/cache go build -o "$work/bin" -debug-actiongraph="$graph" "$PKG"
end=$(date +%s.%N)

python3 - "$graph" "$work/modules.txt" "$start" "$end" <<'PY'
import json, re, sys
from datetime import datetime

graph, modfile, start, end = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
module = dict(line.split() for line in open(modfile) if line.strip())

def ts(s):
    # RFC 3339 with nanoseconds; Python's parser takes microseconds.
    m = re.fullmatch(r"(.{19})(?:\.(\d+))?(Z|[+-]\d\d:\d\d)", s)
    frac = (m.group(2) or "").ljust(6, "0")[:6]
    zone = "+00:00" if m.group(3) == "Z" else m.group(3)
    return datetime.fromisoformat(m.group(1) + "." + frac + zone).timestamp()

rows = {}
for a in json.load(open(graph)):
    mode = a.get("Mode", "")
    if mode not in ("build", "link") or "TimeStart" not in a or "TimeDone" not in a:
        continue
    if mode == "build" and not a.get("Cmd"):
        continue  # nothing run: a package with no Go files to compile
    key = "(link)" if mode == "link" else module.get(a["Package"], "std")
    r = rows.setdefault(key, [0, 0.0, 0.0])
    r[0] += mode == "build"
    r[1] += ts(a["TimeDone"]) - ts(a["TimeStart"])
    r[2] += (a.get("CmdUser", 0) + a.get("CmdSys", 0)) / 1e9

wall = sum(r[1] for r in rows.values())
cpu = sum(r[2] for r in rows.values())
print(f"{'module':<60} {'pkgs':>5} {'action s':>9} {'share':>6} {'CPU s':>7} {'share':>6}")
for key, (n, w, c) in sorted(rows.items(), key=lambda kv: -kv[1][1]):
    print(f"{key:<60} {n:>5} {w:>9.1f} {w/wall:>6.1%} {c:>7.1f} {c/cpu:>6.1%}")
print(f"{'all':<60} {sum(r[0] for r in rows.values()):>5} {wall:>9.1f} {'':>6} {cpu:>7.1f}")
print(f"wall time of the build: {end-start:.1f} s")
PY
