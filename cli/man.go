package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/sigscope/sigscope/internal/buildinfo"
	"github.com/sigscope/sigscope/internal/termsafe"
)

// The man pages are written here rather than with cobra/doc: its troff
// goes through a Markdown converter (two more modules in every build) and
// what it makes of sigscope's help — indented examples, backquotes,
// non-ASCII — draws warnings from groff -ww.

func newManCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "man [DIR]",
		Short: "Write sigscope's manual pages (troff), one per command",
		Long: `man writes a manual page for every command: sigscope.1, sigscope-send.1,
sigscope-history-show.1 and so on, into DIR (created if missing). Without
DIR it prints sigscope(1) alone, for a look without installing:

  sigscope man | man -l -

The release archives carry these pages in man/; to install them from a
build of your own:

  sigscope man ~/.local/share/man/man1

The pages are made from the same text as --help, so they say what this
binary does.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			root := cmd.Root()
			h := manHeader(buildinfo.Read(), os.Getenv("SOURCE_DATE_EPOCH"))
			if len(args) == 0 {
				return writeManPage(cmd.OutOrStdout(), root, h)
			}
			n, err := writeManTree(args[0], root, h)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %d manual pages to %s\n", n, termsafe.Text(args[0]))
			return nil
		},
	}
}

// manPageHeader is what every page's .TH line shares.
type manPageHeader struct {
	date   string // YYYY-MM-DD
	source string // "sigscope v1.2.3"
}

// manHeader dates the pages by SOURCE_DATE_EPOCH when set (reproducible
// builds, https://reproducible-builds.org/specs/source-date-epoch/), else
// by the commit the binary was built from, else today: the same binary
// always writes the same pages.
func manHeader(info buildinfo.Info, sourceDateEpoch string) manPageHeader {
	h := manPageHeader{source: "sigscope " + info.Version}
	if s, err := strconv.ParseInt(sourceDateEpoch, 10, 64); err == nil {
		h.date = time.Unix(s, 0).UTC().Format(time.DateOnly)
	} else if t, err := time.Parse(time.RFC3339, info.Date); err == nil {
		h.date = t.UTC().Format(time.DateOnly)
	} else {
		h.date = time.Now().UTC().Format(time.DateOnly)
	}
	return h
}

// manCommands lists the commands that get a page: the whole tree but the
// hidden commands and cobra's help command, which --help already is.
func manCommands(root *cobra.Command) []*cobra.Command {
	var out []*cobra.Command
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" {
			return
		}
		out = append(out, c)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	// Cobra adds its help and completion commands when the tree first
	// runs; a page for completion belongs with the others.
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	walk(root)
	return out
}

// manPageName is the file a command's page goes to: "sigscope-history-show.1".
func manPageName(c *cobra.Command) string {
	return strings.ReplaceAll(c.CommandPath(), " ", "-") + ".1"
}

// writeManTree writes every command's page into dir and says how many.
func writeManTree(dir string, root *cobra.Command, h manPageHeader) (int, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, fmt.Errorf("man: %w", err)
	}
	cmds := manCommands(root)
	for _, c := range cmds {
		path := filepath.Join(dir, manPageName(c))
		var b strings.Builder
		if err := writeManPage(&b, c, h); err != nil {
			return 0, err
		}
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			return 0, fmt.Errorf("man: write %s: %w", path, err)
		}
	}
	return len(cmds), nil
}

// writeManPage writes one command's page: NAME, SYNOPSIS, DESCRIPTION,
// OPTIONS, the options every command shares, EXAMPLES and SEE ALSO.
func writeManPage(w io.Writer, c *cobra.Command, h manPageHeader) error {
	var m manWriter
	name := strings.ReplaceAll(c.CommandPath(), " ", "-")
	m.line(".TH " + m.arg(strings.ToUpper(name)) + " 1 " + m.arg(h.date) + " " + m.arg(h.source) + " " + m.arg("sigscope manual"))
	// No hyphenation and a ragged right margin: names, flags and URLs
	// stay whole, as they must be typed.
	m.line(".nh")
	m.line(".ad l")
	m.line(".SH NAME")
	m.line(roffText(name) + ` \- ` + roffText(c.Short))

	m.line(".SH SYNOPSIS")
	use := c.UseLine()
	if c.Runnable() || !c.HasAvailableSubCommands() {
		m.line(".B " + roffText(c.CommandPath()))
		if rest := strings.TrimSpace(strings.TrimPrefix(use, c.CommandPath())); rest != "" {
			m.line(roffText(rest))
		}
	}
	if c.HasAvailableSubCommands() {
		if c.Runnable() {
			m.line(".br")
		}
		m.line(".B " + roffText(c.CommandPath()))
		m.line(`\fICOMMAND\fR [\fIflags\fR]`)
	}

	m.line(".SH DESCRIPTION")
	desc := c.Long
	if desc == "" {
		desc = c.Short
	}
	m.prose(desc)

	if subs := availableCommands(c); len(subs) > 0 {
		m.line(".SH COMMANDS")
		for _, sub := range subs {
			m.line(".TP")
			m.line(`\fB` + roffText(sub.Name()) + `\fR`)
			m.line(roffText(sub.Short) + " See")
			m.line(".BR " + roffText(strings.ReplaceAll(sub.CommandPath(), " ", "-")) + " (1).")
		}
	}

	m.flags("OPTIONS", c.NonInheritedFlags())
	m.flags("OPTIONS INHERITED FROM PARENT COMMANDS", c.InheritedFlags())

	if c.Example != "" {
		m.line(".SH EXAMPLES")
		m.prose(c.Example)
	}

	var also []string
	if c.HasParent() {
		also = append(also, strings.ReplaceAll(c.Parent().CommandPath(), " ", "-"))
	}
	for _, sub := range availableCommands(c) {
		also = append(also, strings.ReplaceAll(sub.CommandPath(), " ", "-"))
	}
	if len(also) > 0 {
		m.line(".SH SEE ALSO")
		for i, a := range also {
			sep := ","
			if i == len(also)-1 {
				sep = ""
			}
			m.line(".BR " + roffText(a) + " (1)" + sep)
		}
	}
	_, err := io.WriteString(w, m.b.String())
	if err != nil {
		return fmt.Errorf("man: %w", err)
	}
	return nil
}

// availableCommands is c's subcommands that get a page, in help order.
func availableCommands(c *cobra.Command) []*cobra.Command {
	var out []*cobra.Command
	for _, sub := range c.Commands() {
		if sub.IsAvailableCommand() && sub.Name() != "help" {
			out = append(out, sub)
		}
	}
	return out
}

// manWriter builds a page line by line.
type manWriter struct{ b strings.Builder }

func (m *manWriter) line(s string) {
	m.b.WriteString(s)
	m.b.WriteByte('\n')
}

// arg quotes a macro argument.
func (m *manWriter) arg(s string) string {
	return `"` + strings.ReplaceAll(roffText(s), `"`, `\(dq`) + `"`
}

// prose turns cobra's help text into paragraphs: blank lines part them,
// and a run of indented lines (commands to type, lists, tables) is kept
// as written, unfilled.
func (m *manWriter) prose(text string) {
	lines := strings.Split(strings.ReplaceAll(strings.TrimRight(text, "\n"), "\t", "    "), "\n")
	i := 0
	for i < len(lines) {
		for i < len(lines) && strings.TrimSpace(lines[i]) == "" {
			i++
		}
		if i == len(lines) {
			break
		}
		if indented(lines[i]) {
			// Common indentation comes off; a blank line inside a block
			// that goes on indented stays in it.
			var block []string
			for i < len(lines) && (indented(lines[i]) || strings.TrimSpace(lines[i]) == "" && i+1 < len(lines) && indented(lines[i+1])) {
				block = append(block, lines[i])
				i++
			}
			cut := commonIndent(block)
			m.line(".PP")
			m.line(".RS 4")
			m.line(".nf")
			for _, l := range block {
				if len(l) >= cut {
					l = l[cut:]
				}
				m.line(roffLine(strings.TrimRight(l, " ")))
			}
			m.line(".fi")
			m.line(".RE")
			continue
		}
		m.line(".PP")
		for i < len(lines) && strings.TrimSpace(lines[i]) != "" && !indented(lines[i]) {
			m.line(roffLine(strings.TrimSpace(lines[i])))
			i++
		}
	}
}

// flags writes one section of options, sorted by name; nothing when the
// set has no visible flag.
func (m *manWriter) flags(title string, set *pflag.FlagSet) {
	var fl []*pflag.Flag
	set.VisitAll(func(f *pflag.Flag) {
		if !f.Hidden {
			fl = append(fl, f)
		}
	})
	if len(fl) == 0 {
		return
	}
	sort.Slice(fl, func(i, j int) bool { return fl[i].Name < fl[j].Name })
	m.line(".SH " + title)
	for _, f := range fl {
		varname, usage := pflag.UnquoteUsage(f)
		head := ""
		if f.Shorthand != "" && f.ShorthandDeprecated == "" {
			head = `\fB\-` + roffText(f.Shorthand) + `\fR, `
		}
		head += `\fB\-\-` + roffText(f.Name) + `\fR`
		if varname != "" {
			if f.NoOptDefVal != "" {
				head += `[=\fI` + roffText(varname) + `\fR]`
			} else {
				head += ` \fI` + roffText(varname) + `\fR`
			}
		}
		m.line(".TP")
		m.line(head)
		if d := flagDefault(f); d != "" {
			usage += " (default " + d + ")"
		}
		for _, l := range strings.Split(usage, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				m.line(roffLine(l))
			}
		}
	}
}

// flagDefault is the default --help shows for f, or "" for a zero value
// that needs no mention.
func flagDefault(f *pflag.Flag) string {
	switch f.DefValue {
	case "", "false", "0", "[]", "0s", "map[]":
		return ""
	}
	if f.Value.Type() == "string" {
		return strconv.Quote(f.DefValue)
	}
	return f.DefValue
}

// roffLine is roffText for a line of its own: a leading dot or quote
// would make it a request.
func roffLine(s string) string {
	s = roffText(s)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}

// roffText escapes text for troff: backslashes, hyphens (as minus signs,
// so that options copy and paste), and every character outside printable
// ASCII as a named Unicode escape, which groff renders whatever the input
// encoding it assumes.
func roffText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\e`)
		case r == '-':
			b.WriteString(`\-`)
		case r == '\'':
			b.WriteString(`\(aq`)
		case r == '`':
			b.WriteString(`\(ga`)
		case r == '~':
			b.WriteString(`\(ti`)
		case r == '^':
			b.WriteString(`\(ha`)
		case r < 0x80 && unicode.IsPrint(r):
			b.WriteRune(r)
		case !unicode.IsPrint(r):
			b.WriteString(`\[uFFFD]`)
		default:
			fmt.Fprintf(&b, `\[u%04X]`, r)
		}
	}
	return b.String()
}

// indented reports whether a help line is part of an example block.
func indented(l string) bool {
	return strings.HasPrefix(l, " ") && strings.TrimSpace(l) != ""
}

// commonIndent is the number of leading spaces every non-blank line shares.
func commonIndent(lines []string) int {
	cut := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, " "))
		if cut < 0 || n < cut {
			cut = n
		}
	}
	if cut < 0 {
		return 0
	}
	return cut
}
