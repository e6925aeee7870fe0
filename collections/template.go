package collections

import (
	"crypto/rand"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Template syntax, checked when a file loads and expanded by Resolve:
//
//	{{name}}          a variable: --var overrides, then the chosen environment
//	{{env.NAME}}      the process environment (as passed to Resolve); NAME
//	                  must be declared in variables: and not name a credential
//	{{$uuid}}         a random UUID v4, new at each use
//	{{$timestamp}}    Unix seconds
//	{{$isoTimestamp}} RFC 3339 time in UTC
//	{{{{              a literal "{{" (only the opening braces need escaping)
//
// Spaces inside the braces are allowed: {{ name }}.

type segKind uint8

const (
	segLiteral segKind = iota
	segVar
	segEnv
	segBuiltin
)

type segment struct {
	kind segKind
	text string // literal text, or the variable / env / builtin name
	off  int    // byte offset of "{{" in the raw string (for positions)
}

// tmpl is a templated string from the file with the node it came from.
type tmpl struct {
	raw  string
	segs []segment
	node *yaml.Node
}

func (t tmpl) isSet() bool { return t.node != nil }

// static reports whether the template has no variables at all.
func (t tmpl) static() bool {
	for _, s := range t.segs {
		if s.kind != segLiteral {
			return false
		}
	}
	return true
}

var builtins = []string{"$uuid", "$timestamp", "$isoTimestamp"}

type templateError struct {
	off int
	msg string
}

// parseTemplate splits s into literal text and references.
func parseTemplate(s string) ([]segment, *templateError) {
	if !strings.Contains(s, "{{") {
		return []segment{{kind: segLiteral, text: s}}, nil
	}
	var segs []segment
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			segs = append(segs, segment{kind: segLiteral, text: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); {
		j := strings.Index(s[i:], "{{")
		if j < 0 {
			lit.WriteString(s[i:])
			break
		}
		lit.WriteString(s[i : i+j])
		i += j
		if strings.HasPrefix(s[i:], "{{{{") {
			lit.WriteString("{{")
			i += 4
			continue
		}
		k := strings.Index(s[i+2:], "}}")
		if k < 0 {
			return nil, &templateError{i, `unclosed "{{": close it with "}}", or write "{{{{" for a literal "{{"`}
		}
		inner := strings.TrimSpace(s[i+2 : i+2+k])
		seg := segment{off: i, text: inner}
		switch {
		case strings.HasPrefix(inner, "$"):
			seg.kind = segBuiltin
			if !contains(builtins, inner) {
				return nil, &templateError{i, fmt.Sprintf("unknown built-in %q%s (built-ins: %s)", inner, didYouMean(inner, builtins), strings.Join(builtins, ", "))}
			}
		case strings.HasPrefix(inner, "env."):
			seg.kind = segEnv
			seg.text = inner[len("env."):]
			if !isEnvName(seg.text) {
				return nil, &templateError{i, fmt.Sprintf("bad environment variable name %q in {{%s}}: use letters, digits and _", seg.text, inner)}
			}
		default:
			seg.kind = segVar
			if !isVarName(inner) {
				msg := fmt.Sprintf("bad variable name %q: use letters, digits, _ and -, starting with a letter or _", inner)
				if inner == "" {
					msg = `empty "{{}}": put a variable name inside, or write "{{{{" for a literal "{{"`
				}
				return nil, &templateError{i, msg}
			}
		}
		flush()
		segs = append(segs, seg)
		i += 2 + k + 2
	}
	flush()
	return segs, nil
}

func isVarName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'):
		case i > 0 && (r == '-' || (r >= '0' && r <= '9')):
		default:
			return false
		}
	}
	return true
}

func isEnvName(s string) bool {
	return isVarName(s) && !strings.Contains(s, "-")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// refs lists the {{name}} variables a template uses, in order.
func (t tmpl) refs() []segment {
	var out []segment
	for _, s := range t.segs {
		if s.kind == segVar {
			out = append(out, s)
		}
	}
	return out
}

// expander expands templates for one Resolve call. Errors accumulate so
// that every unknown variable of a request is reported together.
type expander struct {
	c          *Collection
	env        *environment // nil: no environment chosen
	vars       map[string]string
	processEnv func(string) (string, bool)
	now        time.Time
	uuid       func() string

	cache    map[string]string
	visiting []string
	errs     Errors
	secrets  []string // values that came from the process environment
	total    int      // bytes expanded so far, against expansion bombs
	blown    bool     // a cap was hit: the rest expands to nothing
}

// Caps on expansion: variables that repeat each other double at every
// level (25 levels of a 747-byte file made gigabytes). Real values are
// URLs, tokens and bodies, far below these.
const (
	maxExpandedValue = 1 << 20 // one value
	maxExpandedTotal = 8 << 20 // everything one request expands
)

func (x *expander) expand(t tmpl) string {
	if len(t.segs) == 1 && t.segs[0].kind == segLiteral {
		return t.segs[0].text
	}
	var b strings.Builder
	for _, s := range t.segs {
		switch s.kind {
		case segLiteral:
			b.WriteString(s.text)
		case segBuiltin:
			switch s.text {
			case "$uuid":
				b.WriteString(x.uuid())
			case "$timestamp":
				b.WriteString(strconv.FormatInt(x.now.Unix(), 10))
			case "$isoTimestamp":
				b.WriteString(x.now.UTC().Format(time.RFC3339))
			}
		case segEnv:
			v, ok := "", false
			if !x.c.declared(s.text) || credentialName(s.text) {
				// Refused when the file loaded; never read one regardless.
				x.errAt(t, s, fmt.Sprintf("environment variable %s is not declared in variables:, or names a credential: it is not read", s.text))
				break
			}
			if x.processEnv != nil {
				v, ok = x.processEnv(s.text)
			}
			if !ok {
				x.errAt(t, s, fmt.Sprintf("environment variable %s is not set (used as {{env.%s}}): export it before running sigscope", s.text, s.text))
			}
			if v != "" {
				x.secrets = append(x.secrets, v)
			}
			b.WriteString(v)
		case segVar:
			if x.blown {
				return ""
			}
			b.WriteString(x.variable(t, s))
		}
		if b.Len() > maxExpandedValue || x.total+b.Len() > maxExpandedTotal {
			if !x.blown {
				name := s.text
				if s.kind == segLiteral {
					name = "this value"
				} else {
					name = "{{" + name + "}}"
				}
				x.errAt(t, s, fmt.Sprintf("expanding %s gives more than %d MiB (a value may be at most %d MiB, a request %d MiB): variables that repeat each other double at every level; check the variables it uses", name, maxExpandedValue>>20, maxExpandedValue>>20, maxExpandedTotal>>20))
			}
			x.blown = true
			return ""
		}
	}
	x.total += b.Len()
	return b.String()
}

func (x *expander) variable(t tmpl, s segment) string {
	name := s.text
	if v, ok := x.vars[name]; ok {
		return v
	}
	if x.env != nil {
		if ev, ok := x.env.lookup(name); ok {
			if v, ok := x.cache[name]; ok {
				return v
			}
			for i, n := range x.visiting {
				if n == name {
					chain := append(append([]string{}, x.visiting[i:]...), name)
					x.errAt(t, s, fmt.Sprintf("variable cycle in environment %q: %s", x.env.name, strings.Join(chain, " → ")))
					return ""
				}
			}
			x.visiting = append(x.visiting, name)
			v := x.expand(ev)
			x.visiting = x.visiting[:len(x.visiting)-1]
			x.cache[name] = v
			return v
		}
	}
	known := sortedKeys(x.vars)
	where := "no environment is chosen"
	if envs := x.c.Environments(); len(envs) > 0 {
		where += "; environments: " + strings.Join(envs, ", ")
	}
	if x.env != nil {
		known = append(known, x.env.names()...)
		where = fmt.Sprintf("not in environment %q", x.env.name)
	}
	if by := x.c.capturedBy(name); by != "" {
		x.errAt(t, s, fmt.Sprintf("variable %q has no value yet: request %q captures it from its answer; send that one first (or run the folder: sigscope run), or pass --var %s=VALUE", name, by, name))
		return ""
	}
	x.errAt(t, s, fmt.Sprintf("unknown variable %q (%s): define it in the environment or pass --var %s=VALUE%s", name, where, name, didYouMean(name, known)))
	return ""
}

func (x *expander) errAt(t tmpl, s segment, msg string) {
	line, col := x.c.src.valuePosition(t.node, s.off)
	x.errs = append(x.errs, &Error{File: x.c.Path, Line: line, Col: col, Msg: msg})
}

func newUUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		// crypto/rand does not fail on supported platforms; a fixed fallback
		// keeps Resolve total rather than panicking.
		return "00000000-0000-4000-8000-000000000000"
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
