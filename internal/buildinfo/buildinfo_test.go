package buildinfo

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

func TestFromBuild(t *testing.T) {
	const rev = "6968389a1b2c3d4e5f60718293a4b5c6d7e8f901"
	vcs := func(modified string) []debug.BuildSetting {
		return []debug.BuildSetting{
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: rev},
			{Key: "vcs.time", Value: "2026-12-07T20:56:40Z"},
			{Key: "vcs.modified", Value: modified},
		}
	}
	cases := []struct {
		name            string
		bi              *debug.BuildInfo
		ldV, ldC, ldD   string
		version, commit string
		date            string
		modified        bool
	}{
		{name: "no build information", version: "dev"},
		{name: "go build without VCS stamping", bi: &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, version: "dev"},
		{name: "go install of a release", bi: &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, version: "v1.2.3"},
		{name: "go install of a commit", bi: &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261207205640-6968389a1b2c"}},
			version: "v0.0.0-20261207205640-6968389a1b2c", commit: "6968389a1b2c", date: "2026-12-07T20:56:40Z"},
		{name: "go install of a commit after a tag", bi: &debug.BuildInfo{Main: debug.Module{Version: "v1.2.4-0.20261207205640-6968389a1b2c"}},
			version: "v1.2.4-0.20261207205640-6968389a1b2c", commit: "6968389a1b2c", date: "2026-12-07T20:56:40Z"},
		{name: "go install of a pre-release", bi: &debug.BuildInfo{Main: debug.Module{Version: "v1.3.0-rc.1"}}, version: "v1.3.0-rc.1"},
		{name: "go build in a clean checkout", bi: &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("false")},
			version: "dev", commit: rev, date: "2026-12-07T20:56:40Z"},
		{name: "go build in a changed checkout", bi: &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261207205640-6968389a1b2c+dirty"}, Settings: vcs("true")},
			version: "v0.0.0-20261207205640-6968389a1b2c", commit: rev, date: "2026-12-07T20:56:40Z", modified: true},
		{name: "release: the linker's values win", bi: &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("false")},
			ldV: "v2.0.0", ldC: "abc", ldD: "2026-12-08T00:00:00Z", version: "v2.0.0", commit: "abc", date: "2026-12-08T00:00:00Z"},
		{name: "snapshot without git state: the placeholders give way", bi: &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("false")},
			ldV: "0.0.1-next", ldC: "none", ldD: "0001-01-01T00:00:00Z", version: "0.0.1-next", commit: rev, date: "2026-12-07T20:56:40Z"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := fromBuild(c.bi, c.ldV, c.ldC, c.ldD)
			if got.Version != c.version || got.Commit != c.commit || got.Date != c.date || got.Modified != c.modified {
				t.Errorf("got version %q commit %q date %q modified %v, want %q %q %q %v",
					got.Version, got.Commit, got.Date, got.Modified, c.version, c.commit, c.date, c.modified)
			}
			if got.Platform != runtime.GOOS+"/"+runtime.GOARCH || !strings.HasPrefix(got.Go, "go") {
				t.Errorf("platform %q, go %q", got.Platform, got.Go)
			}
		})
	}
}

func TestFromPseudoRejectsLookalikes(t *testing.T) {
	for _, v := range []string{
		"v1.2.3", "v1.2.3-rc.1", "v1.2.3-beta-2",
		"v0.0.0-2026120720564-6968389a1b2c",  // 13-digit stamp
		"v0.0.0-20261207205640-6968389A1B2C", // revisions are lower case
		"v0.0.0-20261207205640-6968389a1b",   // 10 characters
	} {
		if c, d := fromPseudo(v); c != "" || d != "" {
			t.Errorf("fromPseudo(%q) = %q, %q; want nothing", v, c, d)
		}
	}
}

func TestString(t *testing.T) {
	full := Info{Version: "v1.2.3", Commit: "6968389", Date: "2026-12-07T20:56:40Z", Modified: true, Go: "go1.27.3", Platform: "linux/arm64"}
	if got, want := full.String(), "sigscope v1.2.3 (commit 6968389 modified, 2026-12-07T20:56:40Z, go1.27.3 linux/arm64)"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	bare := Info{Version: "dev", Go: "go1.26.8", Platform: "windows/amd64"}
	if got, want := bare.String(), "sigscope dev (go1.26.8 windows/amd64)"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestBuiltBinary builds a program that prints Read() the two ways
// sigscope is built from a checkout — goreleaser's -ldflags -X, and plain
// `go build` with VCS stamping, checked against git itself.
func TestBuiltBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program: not in -short")
	}
	const pkg = "github.com/sigscope/sigscope/internal/buildinfo"
	got := buildAndRun(t, "-buildvcs=auto", "-ldflags=-X "+pkg+".version=v9.8.7 -X "+pkg+".commit=feedface -X "+pkg+".date=2030-01-02T03:04:05Z")
	if got.Version != "v9.8.7" || got.Commit != "feedface" || got.Date != "2030-01-02T03:04:05Z" {
		t.Errorf("with the release's -ldflags: %+v", got)
	}

	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not on PATH: the VCS-stamped build cannot be checked")
	}
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("not in a git checkout (%v): nothing for go build to stamp", err)
	}
	wantCommit := strings.TrimSpace(string(head))
	// The go command finds a repository by a .git directory: a linked
	// worktree (`git worktree add`, .git a file) gets no vcs.* settings.
	dirs, err := exec.Command("git", "rev-parse", "--absolute-git-dir", "--git-common-dir").Output()
	if err != nil {
		t.Fatalf("git rev-parse: %v", err)
	}
	if d := strings.Fields(string(dirs)); len(d) == 2 && filepath.Clean(d[0]) != absDir(t, d[1]) {
		t.Skipf("a linked git worktree (%s): go build stamps no VCS information there; run in a clone", d[0])
	}
	out, err := exec.Command("git", "show", "-s", "--format=%ct", "HEAD").Output()
	if err != nil {
		t.Fatalf("git show: %v", err)
	}
	var unix int64
	if err := json.Unmarshal([]byte(strings.TrimSpace(string(out))), &unix); err != nil {
		t.Fatalf("git show %%ct %q: %v", out, err)
	}
	wantDate := time.Unix(unix, 0).UTC().Format(time.RFC3339)
	// The go command calls a tree modified when `git status --porcelain`
	// lists anything, untracked files included.
	status, err := exec.Command("git", "status", "--porcelain").Output()
	if err != nil {
		t.Fatalf("git status: %v", err)
	}
	wantModified := len(strings.TrimSpace(string(status))) > 0

	got = buildAndRun(t, "-buildvcs=true")
	if got.Commit != wantCommit || got.Date != wantDate || got.Modified != wantModified {
		t.Errorf("go build -buildvcs=true: commit %q date %q modified %v; git says %q %q %v",
			got.Commit, got.Date, got.Modified, wantCommit, wantDate, wantModified)
	}

}

func buildAndRun(t *testing.T, flags ...string) Info {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "printinfo")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	args := append([]string{"build", "-o", bin}, flags...)
	build := exec.Command("go", append(args, "./testdata/printinfo")...)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(build.Args[1:], " "), err, out)
	}
	out, err := exec.Command(bin).Output()
	if err != nil {
		t.Fatalf("%s: %v", bin, err)
	}
	var info Info
	if err := json.Unmarshal(out, &info); err != nil {
		t.Fatalf("printinfo printed %q: %v", out, err)
	}
	if info.Go != runtime.Version() {
		// The same toolchain built the test and the program.
		t.Errorf("go version %q, want %q", info.Go, runtime.Version())
	}
	return info
}

// absDir makes a directory git printed (relative to the package's
// directory, where the test runs) absolute.
func absDir(t *testing.T, dir string) string {
	t.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}
