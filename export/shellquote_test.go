package export

import (
	"os/exec"
	"strings"
	"testing"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"

	"github.com/sigscope/sigscope/internal/peer"
	"github.com/sigscope/sigscope/internal/termsafe"
)

// shellWords parses a command as bash does and expands each word of its
// (first, or piped-into) simple command with env: what the program would
// receive as arguments.
func shellWords(t *testing.T, command string, env ...string) (args []string, assigns map[string]string, redirect string) {
	t.Helper()
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(command), "")
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, command)
	}
	if len(f.Stmts) != 1 {
		t.Fatalf("%d statements, want 1:\n%s", len(f.Stmts), command)
	}
	cfg := &expand.Config{Env: expand.ListEnviron(env...)}
	stmt := f.Stmts[0]
	if bin, ok := stmt.Cmd.(*syntax.BinaryCmd); ok {
		stmt = bin.Y // printf ... | curl: the command that sends
	}
	call, ok := stmt.Cmd.(*syntax.CallExpr)
	if !ok {
		t.Fatalf("not a simple command:\n%s", command)
	}
	assigns = map[string]string{}
	for _, a := range call.Assigns {
		v, err := expand.Literal(cfg, a.Value)
		if err != nil {
			t.Fatal(err)
		}
		assigns[a.Name.Value] = v
	}
	for _, w := range call.Args {
		fields, err := expand.Fields(cfg, w)
		if err != nil || len(fields) != 1 {
			t.Fatalf("expand a word of %s: %q %v", command, fields, err)
		}
		args = append(args, fields[0])
	}
	for _, r := range stmt.Redirs {
		if r.Op == syntax.RdrIn {
			redirect, _ = expand.Literal(cfg, r.Word)
		}
	}
	return args, assigns, redirect
}

var awkward = []string{
	"", "plain", "with space", "it's", `"double" and \back\slash`, "$HOME and `date` and $(id)",
	"bang! history", "tab\there", "new\nline", "cr\rlf", "bell\a", "esc\x1b[2J", "del\x7f",
	"ñandú café", "bidi\u202eevil", "zero\u200bwidth", "c1\u0085x", "invalid \xff\xfe utf8",
	"trailing backslash\\", "'", "''", "%20 and +", "~tilde", "*glob?[a]", "#hash", "a;b&c|d>e<f",
}

// TestQuoteRoundTrip parses each quoted string back with a shell parser
// and expands it: the very bytes come back, and what a terminal shows of
// the quoted form hides nothing.
func TestQuoteRoundTrip(t *testing.T) {
	for _, s := range awkward {
		q := Quote(s)
		args, _, _ := shellWords(t, "echo "+q)
		if len(args) != 2 || args[1] != s {
			t.Errorf("Quote(%q) = %s reads back as %q", s, q, args[1:])
		}
		if termsafe.Line(q) != q {
			t.Errorf("Quote(%q) = %q holds what a terminal would interpret", s, q)
		}
	}
}

// TestQuoteWithBash checks the same with bash itself, $'...' included.
func TestQuoteWithBash(t *testing.T) {
	bash := peer.Command(t, "bash")
	for _, s := range awkward {
		out, err := exec.Command(bash, "-c", `printf '%s' `+Quote(s)).Output()
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != s {
			t.Errorf("bash reads Quote(%q) = %s as %q", s, Quote(s), out)
		}
	}
}

// TestWordWithVariables: a value with variables expands to the value with
// the variables' contents, whatever the literal parts hold.
func TestWordWithVariables(t *testing.T) {
	env := []string{"TOKEN=tok-value", "A_B=ab"}
	cases := []struct {
		segs []segment
		want string
		form string // the word as written, when it must read a certain way
	}{
		{[]segment{{lit: "Authorization: "}, {name: "TOKEN"}}, "Authorization: tok-value", `"Authorization: $TOKEN"`},
		{[]segment{{name: "TOKEN"}, {lit: "suffix"}}, "tok-valuesuffix", `"${TOKEN}suffix"`},
		{[]segment{{name: "A_B"}, {lit: ":"}, {name: "TOKEN"}}, "ab:tok-value", `"$A_B:$TOKEN"`},
		{[]segment{{lit: `say "hi" $x \ `}, {name: "TOKEN"}}, `say "hi" $x \ tok-value`, ""},
		{[]segment{{lit: "bang! "}, {name: "TOKEN"}, {lit: "\nnext"}}, "bang! tok-value\nnext", ""},
		{[]segment{{lit: "it's "}, {name: "TOKEN"}}, "it's tok-value", ""},
	}
	for _, c := range cases {
		w := word(c.segs)
		args, _, _ := shellWords(t, "echo "+w, env...)
		if len(args) != 2 || args[1] != c.want {
			t.Errorf("word %s reads back as %q, want %q", w, args[1:], c.want)
		}
		if c.form != "" && w != c.form {
			t.Errorf("word = %s, want %s", w, c.form)
		}
		if strings.Contains(w, "!") && !strings.Contains(w, "'") {
			t.Errorf("word %s leaves a ! to history expansion", w)
		}
	}
}

// TestPrintfBody: bytes no argument can hold (NUL) go through printf.
func TestPrintfBody(t *testing.T) {
	bash := peer.Command(t, "bash")
	body := []byte("a\x00b%c\\d'e\"f\n\xff\x7f end")
	out, err := exec.Command(bash, "-c", printfBody(body)).Output()
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != string(body) {
		t.Errorf("printf gives %q, want %q", out, body)
	}
}
