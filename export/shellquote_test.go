package export

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"

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
	cfg := &expand.Config{Env: expand.ListEnviron(env...), CmdSubst: printfOnly}
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

// printfOnly runs the command substitutions Quote writes, printf alone:
// any other command in a quoted word is an error, never run.
func printfOnly(w io.Writer, cs *syntax.CmdSubst) error {
	r, err := interp.New(interp.StdIO(nil, w, io.Discard), interp.ExecHandlers(func(interp.ExecHandlerFunc) interp.ExecHandlerFunc {
		return func(_ context.Context, args []string) error { return fmt.Errorf("%s runs in a quoted word", args[0]) }
	}))
	if err != nil {
		return err
	}
	if len(cs.Stmts) != 1 {
		return fmt.Errorf("%d commands in a quoted word", len(cs.Stmts))
	}
	if call, ok := cs.Stmts[0].Cmd.(*syntax.CallExpr); !ok || len(call.Args) != 2 || call.Args[0].Lit() != "printf" {
		return fmt.Errorf("a quoted word runs more than printf FORMAT")
	}
	return r.Run(context.Background(), &syntax.File{Stmts: cs.Stmts})
}

var awkward = []string{
	"", "plain", "with space", "it's", `"double" and \back\slash`, "$HOME and `date` and $(id)",
	"bang! history", "tab\there", "new\nline", "cr\rlf", "bell\a", "esc\x1b[2J", "del\x7f",
	"ñandú café", "bidi\u202eevil", "zero\u200bwidth", "c1\u0085x", "invalid \xff\xfe utf8",
	"trailing backslash\\", "'", "''", "%20 and +", "~tilde", "*glob?[a]", "#hash", "a;b&c|d>e<f",
	"trailing newline\n", "\n", "\n\n", "two\n\n", "nl\n'quote", "nl\n\n1digit", "=equals", "-dash",
	"hello\t'; touch PWNED; #", "$(touch PWNED)\t`touch PWNED`", "cr\r\n", "\x1b]0;title\x07",
}

// TestQuoteRoundTrip parses each quoted string back with a shell parser
// and expands it: the very bytes come back, and what a terminal shows of
// the quoted form hides nothing (trailing newlines stay as they are, and
// show as line breaks).
func TestQuoteRoundTrip(t *testing.T) {
	for _, s := range awkward {
		q := Quote(s)
		args, _, _ := shellWords(t, "echo "+q)
		if len(args) != 2 || args[1] != s {
			t.Errorf("Quote(%q) = %s reads back as %q", s, q, args[1:])
		}
		if shown := strings.TrimRight(q, "\n'"); termsafe.Line(shown) != shown {
			t.Errorf("Quote(%q) = %q holds what a terminal would interpret", s, q)
		}
	}
}

// TestQuoteInShells checks the same with dash, bash and zsh themselves:
// bash's $'...' read differently in dash, where a tab let the rest of a
// value run as commands.
func TestQuoteInShells(t *testing.T) {
	for _, sh := range shells[:3] {
		dir := t.TempDir()
		for _, s := range awkward {
			out := runPasted(t, sh, dir, `printf '%s' `+Quote(s), nil)
			if out != s {
				t.Errorf("%s reads Quote(%q) = %s as %q", sh.name, s, Quote(s), out)
			}
		}
		noPWNED(t, dir, sh.name)
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
		{[]segment{{lit: "tab\t"}, {name: "TOKEN"}, {lit: "\n"}}, "tab\ttok-value\n", ""},
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
		for _, sh := range shells[:3] {
			if out := runPasted(t, sh, t.TempDir(), `printf '%s' `+w, map[string]string{"TOKEN": "tok-value", "A_B": "ab"}); out != c.want {
				t.Errorf("%s reads word %s as %q, want %q", sh.name, w, out, c.want)
			}
		}
	}
}

// TestPrintfCommand: bytes no argument can hold (NUL), trailing newlines
// and a leading dash come out of printf as they are, in every shell, with
// variables read when it runs.
func TestPrintfCommand(t *testing.T) {
	segs := []segment{{lit: "-n a\x00b%c\\d'e\"f\n\xff\x7f $(touch PWNED) "}, {name: "TOKEN"}, {lit: " end\n\n"}}
	want := "-n a\x00b%c\\d'e\"f\n\xff\x7f $(touch PWNED) %s\\ tok end\n\n"
	for _, sh := range shells[:3] {
		dir := t.TempDir()
		out := runPasted(t, sh, dir, printfCommand(segs), map[string]string{"TOKEN": `%s\ tok`})
		if out != want {
			t.Errorf("%s: printf gives %q, want %q", sh.name, out, want)
		}
		noPWNED(t, dir, sh.name)
	}
}
