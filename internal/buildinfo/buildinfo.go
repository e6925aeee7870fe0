// Package buildinfo says which sigscope a binary is: its version, the
// commit it was built from and when.
//
// A release build sets all three with the linker (.goreleaser.yaml):
//
//	-X github.com/sigscope/sigscope/internal/buildinfo.version=v1.2.3
//	-X github.com/sigscope/sigscope/internal/buildinfo.commit=<sha>
//	-X github.com/sigscope/sigscope/internal/buildinfo.date=<RFC 3339>
//
// Any other build is described by what the go command embedded: the
// module version that `go install github.com/sigscope/sigscope@v…` records
// (a pseudo-version names its commit and time), or, for `go build` in a
// git checkout, the vcs.revision, vcs.time and vcs.modified settings. So a
// bug report says which code it is about however the binary was made.
package buildinfo

import (
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
)

// Set by the linker in release builds; empty otherwise. Plain string
// variables with no initialiser, because -X can only set those.
var (
	version string
	commit  string
	date    string
)

// Info describes one binary. Empty fields are unknown.
type Info struct {
	Version  string // "v1.2.3", a pseudo-version, or "dev"
	Commit   string // the full revision where known, else the 12 characters a pseudo-version holds
	Date     string // the commit's time (or the release's build time), RFC 3339 in UTC
	Modified bool   // built from a work tree with uncommitted changes
	Go       string // the toolchain that built it, "go1.27.3"
	Platform string // "linux/amd64"
}

// Read describes the running binary. The result is computed once, on
// first use (never at start-up): the embedded information does not change
// while the process runs.
func Read() Info { return read() }

var read = sync.OnceValue(func() Info {
	bi, _ := debug.ReadBuildInfo()
	return fromBuild(bi, version, commit, date)
})

// Version is Read().Version, for a User-Agent or a HAR creator.
func Version() string { return Read().Version }

// fromBuild merges the linker's values (which win: a release says what it
// is) with what the go command embedded. bi may be nil (a binary built
// without module support).
func fromBuild(bi *debug.BuildInfo, ldVersion, ldCommit, ldDate string) Info {
	info := Info{Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi != nil {
		if bi.GoVersion != "" {
			info.Go = bi.GoVersion
		}
		// "(devel)" is what a build inside the module's own tree records
		// when it found no tag: it says nothing, so it is left unknown.
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			info.Version = strings.TrimSuffix(v, "+dirty")
			info.Modified = strings.HasSuffix(v, "+dirty")
			info.Commit, info.Date = fromPseudo(info.Version)
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				info.Commit = s.Value
			case "vcs.time":
				info.Date = s.Value
			case "vcs.modified":
				info.Modified = s.Value == "true"
			}
		}
	}
	if ldVersion != "" {
		info.Version = ldVersion
	}
	// "none" and the zero time are what GoReleaser passes when it could
	// not read the git state (a snapshot without a remote): no better than
	// what the go command embedded.
	if ldCommit != "" && ldCommit != "none" {
		info.Commit = ldCommit
	}
	if ldDate != "" && !strings.HasPrefix(ldDate, "0001-01-01") {
		info.Date = ldDate
	}
	if info.Version == "" {
		info.Version = "dev"
	}
	return info
}

// fromPseudo takes the commit and time out of a pseudo-version such as
// v0.0.0-20261207205640-6968389a1b2c or v1.2.4-0.20261207205640-6968389a1b2c
// (https://go.dev/ref/mod#pseudo-versions); a release version gives none.
func fromPseudo(v string) (commit, date string) {
	v, _, _ = strings.Cut(v, "+")
	parts := strings.Split(v, "-")
	if len(parts) < 3 {
		return "", ""
	}
	rev, stamp := parts[len(parts)-1], parts[len(parts)-2]
	if i := strings.LastIndexByte(stamp, '.'); i >= 0 {
		stamp = stamp[i+1:]
	}
	if len(rev) != 12 || !isHex(rev) || len(stamp) != 14 || !isDigits(stamp) {
		return "", ""
	}
	date = stamp[0:4] + "-" + stamp[4:6] + "-" + stamp[6:8] + "T" + stamp[8:10] + ":" + stamp[10:12] + ":" + stamp[12:14] + "Z"
	return rev, date
}

func isHex(s string) bool {
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// String is the one line `sigscope version` prints:
//
//	sigscope v1.2.3 (commit 6968389a1b2c…, 2026-12-07T20:56:40Z, go1.27.3 linux/amd64)
//
// Unknown parts are left out; "modified" marks a build from a tree with
// uncommitted changes.
func (i Info) String() string {
	var b strings.Builder
	b.WriteString("sigscope ")
	b.WriteString(i.Version)
	b.WriteString(" (")
	if i.Commit != "" {
		b.WriteString("commit ")
		b.WriteString(i.Commit)
		if i.Modified {
			b.WriteString(" modified")
		}
		b.WriteString(", ")
	}
	if i.Date != "" {
		b.WriteString(i.Date)
		b.WriteString(", ")
	}
	b.WriteString(i.Go)
	b.WriteString(" ")
	b.WriteString(i.Platform)
	b.WriteString(")")
	return b.String()
}
