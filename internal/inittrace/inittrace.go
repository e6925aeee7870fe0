// Package inittrace reads what the Go runtime prints under
// GODEBUG=inittrace=1: one line per package whose initialisation did any
// work, with its start, its clock time, and the bytes and allocations it
// made. The start-up guard test and bench/cpuclock read it.
package inittrace

import (
	"bufio"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Package is one line: "init PKG @START ms, CLOCK ms clock, BYTES bytes, ALLOCS allocs".
type Package struct {
	Path   string // the import path, unescaped ("gopkg.in/yaml.v3", not yaml%2ev3)
	Clock  time.Duration
	Bytes  int64
	Allocs int64
}

// Parse reads the init lines of r and ignores every other line (the
// program's own output on the same stream).
func Parse(r io.Reader) ([]Package, error) {
	var out []Package
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "init ") {
			continue
		}
		p, err := parseLine(line)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, sc.Err()
}

func parseLine(line string) (Package, error) {
	// init github.com/x/y @0.52 ms, 0.013 ms clock, 4096 bytes, 12 allocs
	f := strings.Fields(strings.ReplaceAll(line, ",", ""))
	if len(f) != 11 || f[0] != "init" || f[5] != "ms" || f[6] != "clock" || f[8] != "bytes" || f[10] != "allocs" {
		return Package{}, fmt.Errorf("inittrace: unexpected line %q", line)
	}
	path, err := url.PathUnescape(f[1])
	if err != nil {
		return Package{}, fmt.Errorf("inittrace: package %q: %w", f[1], err)
	}
	clock, err1 := strconv.ParseFloat(f[4], 64)
	bytes, err2 := strconv.ParseInt(f[7], 10, 64)
	allocs, err3 := strconv.ParseInt(f[9], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return Package{}, fmt.Errorf("inittrace: unexpected numbers in %q", line)
	}
	return Package{Path: path, Clock: time.Duration(clock * float64(time.Millisecond)), Bytes: bytes, Allocs: allocs}, nil
}
