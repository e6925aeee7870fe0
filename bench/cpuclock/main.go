// Command cpuclock times commands the way the bench/ scripts compare
// sigscope with curl: each command runs N times, interleaved (A B A B ...)
// so that a change in the machine's load falls on both alike, and the
// figure is the median of the wall time and of the CPU time (user + system,
// from the kernel's accounting of the child, all of its threads) per run.
//
// CPU time is the figure the goals are set in: on a shared machine the wall
// time of a 5 ms process is mostly other people's work, its CPU time is not.
//
// Usage:
//
//	go run ./bench/cpuclock [-n 30] [-warmup 3] NAME=COMMAND NAME=COMMAND ...
//
// COMMAND is split at spaces and run without a shell (like hyperfine -N), its
// output thrown away; a run that exits non-zero stops the measurement. The
// last lines, one per command, are "median NAME WALL_MS CPU_MS" for scripts.
//
// -inittrace TOP also runs each command under GODEBUG=inittrace=1 (apart
// from the timed runs: tracing costs time) and prints the TOP packages by
// median initialisation time, with their bytes and allocations, and the
// whole: the before/after tables of issue 21.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"

	"github.com/sigscope/sigscope/internal/inittrace"
)

// command is one NAME=COMMAND argument.
type command struct {
	name string
	argv []string
	wall []time.Duration
	cpu  []time.Duration
}

func parseCommand(arg string) (*command, error) {
	name, line, ok := strings.Cut(arg, "=")
	argv := strings.Fields(line)
	if !ok || name == "" || strings.ContainsAny(name, " \t") || len(argv) == 0 {
		return nil, fmt.Errorf("%q: give NAME=COMMAND, e.g. curl='curl --version'", arg)
	}
	return &command{name: name, argv: argv}, nil
}

// once runs c and returns its wall and CPU time.
func (c *command) once() (wall, cpu time.Duration, err error) {
	cmd := exec.Command(c.argv[0], c.argv[1:]...)
	cmd.Stdout = io.Discard
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	err = cmd.Run()
	wall = time.Since(start)
	if err != nil {
		return 0, 0, fmt.Errorf("%s: %w\n%s", strings.Join(c.argv, " "), err, stderr.String())
	}
	return wall, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), nil
}

// median of ds; ds is reordered.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	if len(ds)%2 == 1 {
		return ds[len(ds)/2]
	}
	return (ds[len(ds)/2-1] + ds[len(ds)/2]) / 2
}

func ms(d time.Duration) string { return fmt.Sprintf("%.3f", float64(d)/float64(time.Millisecond)) }

// measure runs every command warmup times, then n interleaved rounds.
func measure(cmds []*command, n, warmup int) error {
	for i := 0; i < warmup+n; i++ {
		for _, c := range cmds {
			wall, cpu, err := c.once()
			if err != nil {
				return err
			}
			if i >= warmup {
				c.wall = append(c.wall, wall)
				c.cpu = append(c.cpu, cpu)
			}
		}
	}
	return nil
}

func report(w io.Writer, cmds []*command, n int) {
	fmt.Fprintf(w, "%d interleaved runs each; medians\n", n)
	fmt.Fprintf(w, "%-12s %12s %12s\n", "command", "wall ms", "cpu ms")
	for _, c := range cmds {
		fmt.Fprintf(w, "%-12s %12s %12s\n", c.name, ms(median(c.wall)), ms(median(c.cpu)))
	}
	for _, c := range cmds {
		fmt.Fprintf(w, "median %s %s %s\n", c.name, ms(median(c.wall)), ms(median(c.cpu)))
	}
}

// traceInit runs c n times under GODEBUG=inittrace=1 and prints its top
// packages by median init clock time.
func traceInit(w io.Writer, c *command, n, top int) error {
	clocks := map[string][]time.Duration{}
	last := map[string]inittrace.Package{}
	var totals []time.Duration
	var bytes, allocs int64
	for i := 0; i < n; i++ {
		cmd := exec.Command(c.argv[0], c.argv[1:]...)
		cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%s: %w\n%s", strings.Join(c.argv, " "), err, stderr.String())
		}
		pkgs, err := inittrace.Parse(strings.NewReader(stderr.String()))
		if err != nil {
			return err
		}
		var total time.Duration
		bytes, allocs = 0, 0
		for _, p := range pkgs {
			clocks[p.Path] = append(clocks[p.Path], p.Clock)
			last[p.Path] = p
			total += p.Clock
			bytes += p.Bytes
			allocs += p.Allocs
		}
		totals = append(totals, total)
	}
	type row struct {
		path  string
		clock time.Duration
	}
	var rows []row
	for path, cs := range clocks {
		rows = append(rows, row{path, median(cs)})
	}
	slices.SortFunc(rows, func(a, b row) int { return int(b.clock - a.clock) })
	fmt.Fprintf(w, "\ninit of %s (GODEBUG=inittrace=1, %d runs, median ms per package; bytes and allocs of the last run)\n", c.name, n)
	fmt.Fprintf(w, "%9s %10s %8s  %s\n", "ms", "bytes", "allocs", "package")
	for i, r := range rows {
		if i == top {
			break
		}
		p := last[r.path]
		fmt.Fprintf(w, "%9s %10d %8d  %s\n", ms(r.clock), p.Bytes, p.Allocs, r.path)
	}
	fmt.Fprintf(w, "%9s %10d %8d  all %d packages with init work\n", ms(median(totals)), bytes, allocs, len(rows))
	return nil
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("cpuclock", flag.ContinueOnError)
	n := fs.Int("n", 30, "measured runs of each command")
	warmup := fs.Int("warmup", 3, "runs of each command before measuring (page cache, file caches)")
	top := fs.Int("inittrace", 0, "also print the TOP packages by init time of each command (0: none)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 1 || fs.NArg() == 0 {
		return errors.New("usage: cpuclock [-n RUNS] [-warmup RUNS] NAME=COMMAND ...")
	}
	var cmds []*command
	for _, a := range fs.Args() {
		c, err := parseCommand(a)
		if err != nil {
			return err
		}
		cmds = append(cmds, c)
	}
	if err := measure(cmds, *n, *warmup); err != nil {
		return err
	}
	if *top > 0 {
		for _, c := range cmds {
			if err := traceInit(stdout, c, *n, *top); err != nil {
				return err
			}
		}
		fmt.Fprintln(stdout)
	}
	report(stdout, cmds, *n)
	return nil
}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "cpuclock:", err)
		os.Exit(1)
	}
}
