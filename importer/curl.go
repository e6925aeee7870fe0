package importer

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"

	"github.com/sigscope/sigscope/internal/lazyre"
)

// curl command lines, as people paste them from docs, bug reports and the
// browsers' "Copy as cURL": read with a real shell parser (mvdan.cc/sh),
// never run. A file may hold several commands; each curl command is a
// request (and each URL of a command, and each part after --next).

func init() { Register(curlImporter{}) }

type curlImporter struct{}

func (curlImporter) Name() string { return "curl" }

var (
	curlStart    = lazyre.New(`^(\$\s+|>\s+)?(sudo\s+)?(curl|curl\.exe)(\s|$)`)
	curlInScript = lazyre.New("(^|[|;&(`]\\s*|\\s)curl(\\.exe)?\\s")
)

// Detect: the first line that is not blank or a comment starts a curl
// command (a "$ " prompt allowed); a shell script (.sh) qualifies when
// any line does.
func (curlImporter) Detect(data []byte, filename string) bool {
	script := strings.HasSuffix(filename, ".sh") || strings.HasSuffix(filename, ".bash")
	// Line by line without copying the whole file: a non-script stops at
	// its first line that says something.
	for line := range bytes.SplitSeq(data, []byte("\n")) {
		l := strings.TrimSpace(string(line))
		if l == "" || strings.HasPrefix(l, "#") || strings.HasPrefix(l, "REM ") || strings.HasPrefix(l, "::") {
			continue
		}
		if curlStart.MatchString(l) || (script && curlInScript.MatchString(l)) {
			return true
		}
		if !script {
			return false
		}
	}
	return false
}

func (curlImporter) Import(data []byte, filename string) (*Collection, error) {
	name := "curl"
	if filename != "" && filename != "-" {
		name = strings.TrimSuffix(filepath.Base(filename), filepath.Ext(filename))
	}
	c := &Collection{Name: name, Comments: []string{"Imported from curl command lines by sigscope import."}}
	imp := &curlImport{c: c, vars: map[string]bool{}}
	cmds, err := imp.commands(data)
	if err != nil {
		return nil, err
	}
	if len(cmds) == 0 {
		return nil, fmt.Errorf("no curl command found")
	}
	for _, cmd := range cmds {
		imp.request(cmd)
	}
	if c.Requests() == 0 {
		return nil, fmt.Errorf("no request: the curl commands name no URL")
	}
	return c, nil
}

// curlImport is the state of one import: the collection and what was said
// once already.
type curlImport struct {
	c      *Collection
	vars   map[string]bool // shell variables already mapped
	cmdSub int             // command substitutions seen
}

// seg is one part of a shell word after quote removal: literal text, a
// shell variable, or a command substitution (never run).
type seg struct {
	text string
	v    string // variable name
	cmd  string // the command substitution's source
}

type word []seg

// lit returns the word's text when it has no variable or command.
func (w word) lit() (string, bool) {
	var b strings.Builder
	for _, s := range w {
		if s.v != "" || s.cmd != "" {
			return "", false
		}
		b.WriteString(s.text)
	}
	return b.String(), true
}

// prefix is the literal text before the first variable or command.
func (w word) prefix() string {
	var b strings.Builder
	for _, s := range w {
		if s.v != "" || s.cmd != "" {
			break
		}
		b.WriteString(s.text)
	}
	return b.String()
}

// display writes the word as the shell showed it: $NAME for variables.
func (w word) display() string {
	var b strings.Builder
	for _, s := range w {
		switch {
		case s.v != "":
			b.WriteString("$" + s.v)
		case s.cmd != "":
			b.WriteString("$(" + s.cmd + ")")
		default:
			b.WriteString(s.text)
		}
	}
	return b.String()
}

// cut splits a word at the first sep in its literal text.
func (w word) cut(sep string) (before, after word, found bool) {
	for i, s := range w {
		if s.v != "" || s.cmd != "" {
			continue
		}
		if j := strings.Index(s.text, sep); j >= 0 {
			before = append(append(word{}, w[:i]...), seg{text: s.text[:j]})
			after = append(word{{text: s.text[j+len(sep):]}}, w[i+1:]...)
			return before.trim(), after.trim(), true
		}
	}
	return w, nil, false
}

// trim drops empty literal segments.
func (w word) trim() word {
	out := word{}
	for _, s := range w {
		if s.v == "" && s.cmd == "" && s.text == "" {
			continue
		}
		out = append(out, s)
	}
	return out
}

// single returns the variable name when the word is exactly one variable.
func (w word) single() string {
	w = w.trim()
	if len(w) == 1 && w[0].v != "" {
		return w[0].v
	}
	return ""
}

// tmpl writes the word as a sigscope template: literal text escaped,
// variables as {{env.NAME}} (declared) or, for names shaped like
// credentials, runtime variables {{NAME}} to pass with --var.
func (imp *curlImport) tmpl(w word) string {
	var b strings.Builder
	for _, s := range w {
		switch {
		case s.v != "":
			b.WriteString(imp.variable(s.v))
		case s.cmd != "":
			imp.cmdSub++
			n := fmt.Sprintf("command_%d", imp.cmdSub)
			imp.c.Note("$("+s.cmd+")", "a command substitution is never run on import: its output is the runtime variable %s (pass --var %s=VALUE)", n, n)
			b.WriteString("{{" + n + "}}")
		default:
			b.WriteString(Literal(s.text))
		}
	}
	return b.String()
}

var placeholder = lazyre.New(`([^\s'"<>|])<([A-Za-z][A-Za-z0-9_.-]*)>`)

var envNameRE = lazyre.New(`^[A-Za-z_][A-Za-z0-9_]*$`)

func (imp *curlImport) variable(name string) string {
	if !envNameRE.MatchString(name) {
		if !imp.vars[name] {
			imp.vars[name] = true
			imp.c.Note("$"+name, "a special shell parameter has no value here: written as the runtime variable arg_%s", EnvName(name))
		}
		return "{{arg_" + EnvName(name) + "}}"
	}
	if credentialShaped(name) {
		if !imp.vars[name] {
			imp.vars[name] = true
			imp.c.Note("$"+name, "the shell variable names a credential, which a collection may not read from the environment: it is the runtime variable %s (pass --var %s=VALUE)", name, name)
		}
		return "{{" + name + "}}"
	}
	if !imp.vars[name] {
		imp.vars[name] = true
		imp.c.DeclareVariable(name)
	}
	return "{{env." + name + "}}"
}

// credentialShaped mirrors the collection loader's rule for names that
// only the *_env fields of auth profiles may read.
func credentialShaped(name string) bool {
	up := strings.ToUpper(name)
	switch up {
	case "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ACCESS_KEY_ID":
		return true
	}
	return strings.Contains(up, "SECRET") || strings.Contains(up, "TOKEN") || strings.Contains(up, "PASSWORD")
}

// command is one curl invocation: its arguments after "curl", and where
// it starts for messages.
type command struct {
	args []word
	line int
}

// Sentinels around variables and command substitutions in the expanded
// text: a NUL byte cannot appear in a shell argument.
const (
	sentVar = "\x00v\x01"
	sentCmd = "\x00c\x01"
	sentEnd = "\x00"
)

// commands finds the curl commands of the input.
func (imp *curlImport) commands(data []byte) ([]command, error) {
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	if isCmdStyle(text) {
		return cmdCommands(text)
	}
	text = normalizePosix(text)
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(text), "")
	if err != nil {
		// Docs write placeholders as <name>, which a shell reads as a
		// redirection; quoted, the command parses (and the placeholder
		// stays visible in the URL or header).
		fixed := placeholder.ReplaceAllString(text, "$1'<$2>'")
		f2, err2 := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(fixed), "")
		if err2 != nil {
			return nil, fmt.Errorf("shell syntax: %w", err)
		}
		f = f2
		imp.c.Note("input", "placeholders written as <name> were read as text, not as shell redirections: replace them before sending")
	}
	var cmds []command
	var printer = syntax.NewPrinter(syntax.Minify(true))
	cfg := &expand.Config{
		Env: expand.FuncEnviron(func(name string) string { return sentVar + name + sentEnd }),
		CmdSubst: func(w io.Writer, cs *syntax.CmdSubst) error {
			var b bytes.Buffer
			for i, st := range cs.Stmts {
				if i > 0 {
					b.WriteString("; ")
				}
				_ = printer.Print(&b, st)
			}
			_, err := io.WriteString(w, sentCmd+strings.ReplaceAll(b.String(), "\x00", "")+sentEnd)
			return err
		},
	}
	var walkErr error
	syntax.Walk(f, func(n syntax.Node) bool {
		call, ok := n.(*syntax.CallExpr)
		if !ok || len(call.Args) == 0 || walkErr != nil {
			return true
		}
		if name := call.Args[0].Lit(); name != "curl" && name != "curl.exe" && !strings.HasSuffix(name, "/curl") {
			return true
		}
		cmd := command{line: int(call.Args[0].Pos().Line())}
		for _, a := range call.Args[1:] {
			s, err := expand.Literal(cfg, a)
			if err != nil {
				walkErr = fmt.Errorf("line %d: %w", a.Pos().Line(), err)
				return false
			}
			cmd.args = append(cmd.args, splitSentinels(s))
		}
		cmds = append(cmds, cmd)
		return true
	})
	return cmds, walkErr
}

// normalizePosix drops the "$ " prompts of docs and the spaces after a
// line-continuation backslash (a common copy mistake that would otherwise
// escape a space and glue two arguments).
func normalizePosix(text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		t := strings.TrimLeft(l, " \t")
		if strings.HasPrefix(t, "$ curl") || strings.HasPrefix(t, "> curl") {
			lines[i] = strings.Repeat(" ", len(l)-len(t)) + "  " + t[2:]
		}
		if r := strings.TrimRight(lines[i], " \t"); strings.HasSuffix(r, "\\") && !strings.HasSuffix(r, "\\\\") {
			lines[i] = r
		}
	}
	return strings.Join(lines, "\n")
}

func splitSentinels(s string) word {
	var w word
	for s != "" {
		i := strings.IndexByte(s, 0)
		if i < 0 {
			w = append(w, seg{text: s})
			break
		}
		if i > 0 {
			w = append(w, seg{text: s[:i]})
		}
		s = s[i:]
		var kind string
		switch {
		case strings.HasPrefix(s, sentVar):
			kind, s = "v", s[len(sentVar):]
		case strings.HasPrefix(s, sentCmd):
			kind, s = "c", s[len(sentCmd):]
		default:
			s = s[1:]
			continue
		}
		end := strings.IndexByte(s, 0)
		if end < 0 {
			end = len(s)
		}
		if kind == "v" {
			w = append(w, seg{v: s[:end]})
		} else {
			w = append(w, seg{cmd: s[:end]})
		}
		s = s[min(end+1, len(s)):]
	}
	return w
}

// isCmdStyle recognizes Windows cmd.exe command lines, as Chrome's "Copy
// as cURL (cmd)" writes them: "^" continues a line and escapes characters.
func isCmdStyle(text string) bool {
	if strings.Contains(text, `^"`) {
		return true
	}
	for _, l := range strings.Split(text, "\n") {
		if strings.HasSuffix(strings.TrimRight(l, " \t"), " ^") {
			return true
		}
	}
	return false
}

// cmdCommands reads cmd.exe command lines in two steps, as Windows does:
// cmd.exe removes the carets ("^" + newline continues the line, "^x" is
// x), then the program's C runtime splits the line into arguments (double
// quotes group, \" is a literal quote, 2n backslashes before a quote are
// n backslashes). Single quotes, which Windows does not know but some
// tools write with "^" continuations, group too.
func cmdCommands(text string) ([]command, error) {
	var b strings.Builder
	lineOf := []int{} // the source line of each output line
	line := 1
	rs := []rune(text)
	lineOf = append(lineOf, line)
	for i := 0; i < len(rs); i++ {
		switch {
		case rs[i] == '^' && i+1 < len(rs):
			i++
			if rs[i] == '\n' {
				line++
				continue
			}
			b.WriteRune(rs[i])
		case rs[i] == '\n':
			line++
			b.WriteRune('\n')
			lineOf = append(lineOf, line)
		default:
			b.WriteRune(rs[i])
		}
	}
	var cmds []command
	for n, l := range strings.Split(b.String(), "\n") {
		args, err := crtSplit(l)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", lineOf[n], err)
		}
		if len(args) == 0 {
			continue
		}
		if name, _ := args[0].lit(); name == "curl" || name == "curl.exe" {
			cmds = append(cmds, command{args: args[1:], line: lineOf[n]})
		}
	}
	return cmds, nil
}

// crtSplit splits one command line into arguments by the C runtime's rules.
func crtSplit(l string) ([]word, error) {
	var args []word
	var cur strings.Builder
	inArg, dq, sq := false, false, false
	for i := 0; i < len(l); i++ {
		c := l[i]
		switch {
		case c == '\\' && !sq:
			n := 0
			for i < len(l) && l[i] == '\\' {
				n++
				i++
			}
			if i < len(l) && l[i] == '"' {
				cur.WriteString(strings.Repeat("\\", n/2))
				if n%2 == 1 {
					cur.WriteByte('"')
				} else {
					dq = !dq
				}
			} else {
				cur.WriteString(strings.Repeat("\\", n))
				i--
			}
			inArg = true
		case c == '"' && !sq:
			if dq && i+1 < len(l) && l[i+1] == '"' {
				cur.WriteByte('"')
				i++
			} else {
				dq = !dq
			}
			inArg = true
		case c == '\'' && !dq:
			sq = !sq
			inArg = true
		case (c == ' ' || c == '\t') && !dq && !sq:
			if inArg {
				args = append(args, word{{text: cur.String()}})
			}
			cur.Reset()
			inArg = false
		default:
			cur.WriteByte(c)
			inArg = true
		}
	}
	if dq || sq {
		return nil, fmt.Errorf("unclosed quote")
	}
	if inArg {
		args = append(args, word{{text: cur.String()}})
	}
	return args, nil
}
