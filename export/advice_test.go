package export

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/exchange"
	"github.com/sigscope/sigscope/workbench"
)

// hostileNames are profile names that are commands in an unquoted or
// double-quoted shell word.
var hostileNames = []string{
	"$(touch PWNED-subst)",
	"`touch PWNED-tick`",
	"x; touch PWNED-semi",
	"it's $(touch PWNED-quote)",
	`a" $(touch PWNED-dq) "b`,
	"-x --debug",
}

// TestProfileAdviceRunsNothingElse follows the advice comment of an AWS
// profile (eval "$(aws configure export-credentials --profile NAME ...)")
// under dash with a fake aws that records its arguments: aws gets the
// profile name as one argument and nothing else runs. It also runs each
// comment line that names a profile as a command, as an interactive zsh
// without INTERACTIVE_COMMENTS reads it.
func TestProfileAdviceRunsNothingElse(t *testing.T) {
	var coll strings.Builder
	coll.WriteString("name: advice\nenvironments:\n  local: {base_url: \"{{emulator}}\", region: us-east-1}\nauth:\n")
	for i, n := range hostileNames {
		coll.WriteString("  " + yamlString(t, "aws"+string(rune('a'+i))) + ": {type: aws, profile: " + yamlString(t, n) + "}\n")
		coll.WriteString("  " + yamlString(t, n) + ": {type: static, access_key_id_env: SIGSCOPE_DEMO_ACCESS_KEY_ID, secret_access_key_env: SIGSCOPE_DEMO_SECRET_ACCESS_KEY}\n")
	}
	coll.WriteString("requests:\n")
	for i, n := range hostileNames {
		coll.WriteString("  - {name: aws" + string(rune('a'+i)) + ", url: \"{{base_url}}/items\", auth: {mode: iam, profile: aws" + string(rune('a'+i)) + "}}\n")
		coll.WriteString("  - {name: static" + string(rune('a'+i)) + ", url: \"{{base_url}}/items\", auth: {mode: iam, profile: " + yamlString(t, n) + "}}\n")
	}
	b := newRecBench(t, coll.String())

	fake := t.TempDir()
	argv := filepath.Join(t.TempDir(), "argv")
	script := "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done >> " + Quote(argv) + "\n"
	if err := os.WriteFile(filepath.Join(fake, "aws"), []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	path := fake + ":/usr/bin:/bin"

	for i, name := range hostileNames {
		for _, kind := range []string{"aws", "static"} {
			req := kind + string(rune('a'+i))
			for _, export := range exporters {
				cmd := adviceExport(t, b, req, export)
				var lines []string
				for _, l := range strings.Split(cmd, "\n") {
					if strings.HasPrefix(l, "# ") && strings.Contains(l, "profile") {
						lines = append(lines, l)
					}
				}
				if len(lines) == 0 {
					t.Fatalf("%s: no comment names the profile:\n%s", req, cmd)
				}
				for _, l := range lines {
					if kind == "aws" {
						eval := l[strings.Index(l, "eval "):]
						os.Remove(argv)
						dir := t.TempDir()
						if _, stderr, err := pasted(t, shells[0], dir, eval, nil, path); err != nil {
							t.Fatalf("%s: %v %s\n%s", req, err, stderr, eval)
						}
						noPWNED(t, dir, eval)
						want := []string{"configure", "export-credentials", "--profile", name, "--format", "env"}
						if got := readLines(t, argv); !slices.Equal(got, want) {
							t.Errorf("%s: aws got %q, want %q\n%s", req, got, want, eval)
						}
					}
					// The whole line as a command: its words may be wrong,
					// but nothing but aws may run.
					for _, sh := range shells[:3] {
						dir := t.TempDir()
						pasted(t, sh, dir, ": "+strings.TrimPrefix(l, "# "), nil, path)
						noPWNED(t, dir, sh.name+": "+l)
					}
				}
			}
		}
	}
}

// adviceExport exports a request whose AWS profile has no credentials
// here, as the command line does: previewed without auth, the command
// written for the collection's.
func adviceExport(t *testing.T, b *recBench, req string, export func(*exchange.Prepared, Options) (string, error)) string {
	t.Helper()
	rr, err := b.wb.Resolve(req)
	if err != nil {
		t.Fatal(err)
	}
	pv, err := b.wb.Preview(context.Background(), req, workbench.Run{Mode: collections.ModeNone})
	if err != nil {
		t.Fatal(err)
	}
	// HTTPie's plugin form is the one that reads the profile's keys.
	cmd, err := export(pv.Prepared, Options{Auth: &rr.Auth, Collection: "coll.yaml", HTTPiePlugin: true})
	if err != nil {
		t.Fatalf("%s: %v", req, err)
	}
	return cmd
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("aws did not run: %v", err)
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}
