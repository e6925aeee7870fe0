package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/cli"
	"github.com/sigscope/sigscope/internal/inittrace"
	"github.com/sigscope/sigscope/internal/lazyre"
)

// childArgs makes this test binary run sigscope itself with these
// arguments (split at spaces): the test binary links every package the
// sigscope binary does, so its start-up is sigscope's, without a second
// link of a 50 MB binary.
const childArgs = "SIGSCOPE_STARTUP_TEST_ARGS"

func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv(childArgs); ok {
		os.Exit(cli.Main(strings.Fields(args), os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// initBudget bounds the bytes a package's initialisation may allocate at
// the start of a command that does not use it; the first prefix that
// matches a package applies. Bytes, not time: they are the same on a busy
// machine and an idle one. The budgets leave room for a table or a map,
// not for a compiled regular expression set, a parsed template or a
// library's registry.
var initBudgets = []struct {
	prefix string
	max    int64 // -1: the package must not initialise at all (not be linked)
	why    string
}{
	{"github.com/santhosh-tekuri/jsonschema", -1, "compiles every draft's meta-schemas in its init (1.7 MB, ~4 ms of every start); workbench uses google/jsonschema-go"},
	{"github.com/alecthomas/chroma", -1, "registers every lexer in its init (24-49 ms measured in issue 21)"},
	{"github.com/sigscope/sigscope/emulator", 8 << 10, "the emulator runs only for `emulator`, `demo` and `run --emulator`"},
	{"github.com/sigscope/sigscope/importer", 48 << 10, "only `import` reads other tools' files (its curl option table is 38 KB)"},
	{"github.com/sigscope/sigscope/history", 4 << 10, "the history is opened by the commands that record or read it"},
	{"github.com/sigscope/sigscope/tui", 16 << 10, "the UI starts for `sigscope [PATH]` and `demo` only"},
	{"github.com/sigscope/sigscope/explain", 16 << 10, "explain's rules and refusals compile their expressions on first use"},
	{"github.com/sigscope/sigscope/", 64 << 10, "a table is fine; expressions go through internal/lazyre"},
	{"modernc.org/", 8 << 10, "SQLite is opened on first use"},
	{"charm.land/", 16 << 10, "the UI"},
	{"github.com/charmbracelet/", 32 << 10, "the UI's terminal libraries (ultraviolet's key table is 27 KB)"},
	// Generated SDK code compiles its partitions' expressions into
	// package variables; nothing sigscope can defer short of not linking
	// the clients that login and AWS profiles need.
	{"github.com/aws/aws-sdk-go-v2/service/", 128 << 10, "the SDK's endpoint tables and schemas (about 80 KB each)"},
}

// totalInitBudget bounds all initialisation together: about 1.45 MB after
// issue 21 (4 MB before), nearly all of it the SDK, gojq and the standard
// library.
const totalInitBudget = 2 << 20

// TestVersionInitialisesNothingHeavy runs `sigscope version` under
// GODEBUG=inittrace=1 and fails when a package's initialisation does work
// that version does not need: a heavy dependency linked again, a regular
// expression or template compiled in a package variable.
func TestVersionInitialisesNothingHeavy(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), childArgs+"=version", "GODEBUG=inittrace=1")
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("sigscope version: %v\n%s", err, stderr.String())
	}
	if !strings.HasPrefix(stdout.String(), "sigscope ") {
		t.Fatalf("sigscope version printed %q", stdout.String())
	}
	pkgs, err := inittrace.Parse(strings.NewReader(stderr.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) < 50 {
		t.Fatalf("only %d init lines: GODEBUG=inittrace=1 did not reach the child?\n%s", len(pkgs), stderr.String())
	}
	var total int64
	for _, p := range pkgs {
		total += p.Bytes
		for _, b := range initBudgets {
			if !strings.HasPrefix(p.Path, b.prefix) {
				continue
			}
			if b.max < 0 {
				t.Errorf("%s initialises for `sigscope version` (%d bytes); it should not be linked: %s", p.Path, p.Bytes, b.why)
			} else if p.Bytes > b.max {
				t.Errorf("%s allocates %d bytes in its initialisation, over its %d (%s); move the work to its first use (sync.OnceValue, internal/lazyre)", p.Path, p.Bytes, b.max, b.why)
			}
			break
		}
	}
	if total > totalInitBudget {
		t.Errorf("package initialisation allocates %d bytes in all, over %d; run GODEBUG=inittrace=1 sigscope version to see which package grew", total, totalInitBudget)
	}
}

// TestLazyExpressionsCompile: every expression deferred with internal/lazyre
// in the binary compiles, as regexp.MustCompile in a package variable
// would have shown at start-up.
func TestLazyExpressionsCompile(t *testing.T) {
	if err := lazyre.CompileAll(); err != nil {
		t.Fatal(err)
	}
}
