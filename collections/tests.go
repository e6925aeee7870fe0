package collections

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/itchyny/gojq"
	"gopkg.in/yaml.v3"
)

// Captures and assertions: what a request takes from its answer into
// variables for the requests after it, and what a good answer is. They
// are read and checked when the file loads (a jq expression that does not
// parse, a regex that does not compile, a status that is no status: each
// an error with its line); the workbench evaluates them on an answer.

// CaptureKind is where a captured value comes from.
type CaptureKind string

const (
	CaptureJSON   CaptureKind = "json"   // a jq expression over the JSON body
	CaptureHeader CaptureKind = "header" // a response header
	CaptureCookie CaptureKind = "cookie" // a cookie the answer set
	CaptureRegex  CaptureKind = "regex"  // the first group (or the match) of a regex over the body
	CaptureStatus CaptureKind = "status" // the status code
)

// Capture is one `capture:` entry: Var gets the value.
type Capture struct {
	Var  string
	Kind CaptureKind
	Expr string // the jq expression, header or cookie name, or regex
	// Secret marks the value as a secret (masked everywhere, never kept in
	// clear): set by `mask: true` (a key named secret would read as a
	// literal secret in the file), and by the workbench when the value
	// comes from a credential-shaped field, header or cookie.
	Secret bool
	Where  string // file:line:col, for messages
	node   *yaml.Node
}

// AssertKind is what an assertion checks.
type AssertKind string

const (
	AssertStatus    AssertKind = "status"    // Values: codes or classes (2xx)
	AssertHeader    AssertKind = "header"    // Name, Expr a glob; Absent
	AssertJSON      AssertKind = "json"      // Expr a jq expression that must be true
	AssertContains  AssertKind = "contains"  // Expr text the body holds
	AssertMatches   AssertKind = "matches"   // Expr a regex the body matches
	AssertSchema    AssertKind = "schema"    // Expr a JSON Schema file beside the collection
	AssertDuration  AssertKind = "duration"  // Limit: the longest the exchange may take
	AssertCookie    AssertKind = "cookie"    // Name a cookie the answer must set
	AssertSignature AssertKind = "signature" // the answer is no signature or auth refusal
	AssertSkew      AssertKind = "max_skew"  // Limit: the clock skew the answer's Date may show
	AssertClaim     AssertKind = "claim"     // Name a claim of the token sent, Expr its value
)

// Assert is one check of an answer.
type Assert struct {
	Kind   AssertKind
	Name   string
	Expr   string
	Values []string
	Absent bool
	Limit  time.Duration
	Where  string
}

// Tests are a request's captures and its assertions, the folders' and the
// collection's default assertions first.
type Tests struct {
	Captures []Capture
	Asserts  []Assert
}

// Tests returns what to capture from and check on requestPath's answer.
func (c *Collection) Tests(requestPath string) (*Tests, error) {
	r, chain, err := c.findRequest(requestPath)
	if err != nil {
		return nil, err
	}
	t := &Tests{Captures: r.captures}
	t.Asserts = overlay(t.Asserts, c.defaults.asserts)
	for _, f := range chain {
		t.Asserts = overlay(t.Asserts, f.defaults.asserts)
	}
	t.Asserts = overlay(t.Asserts, r.asserts)
	return t, nil
}

// overlay adds a level's assertions to the ones of the levels above it.
// What can hold only one way replaces the default above: a folder's
// `status: 2xx` gives way to a request's `status: 404`, a header's or a
// claim's value to the request's own for that name, a duration or skew
// limit, a schema. jq expressions and body checks add up.
func overlay(above, level []Assert) []Assert {
	if len(above) == 0 {
		return level
	}
	replaced := map[string]bool{}
	for _, a := range level {
		if k := a.slot(); k != "" {
			replaced[k] = true
		}
	}
	out := make([]Assert, 0, len(above)+len(level))
	for _, a := range above {
		if !replaced[a.slot()] {
			out = append(out, a)
		}
	}
	return append(out, level...)
}

// slot names what an assertion decides alone, "" when others of its kind
// add to it.
func (a Assert) slot() string {
	switch a.Kind {
	case AssertStatus, AssertDuration, AssertSkew, AssertSchema, AssertSignature:
		return string(a.Kind)
	case AssertHeader, AssertCookie:
		return string(a.Kind) + " " + strings.ToLower(a.Name)
	case AssertClaim:
		return string(a.Kind) + " " + a.Name
	}
	return ""
}

// CapturedVars lists the variables any request of the collection
// captures: they count as defined for the requests after it.
func (c *Collection) CapturedVars() []string {
	var out []string
	var walk func(items []item)
	walk = func(items []item) {
		for _, it := range items {
			if it.req != nil {
				for _, cp := range it.req.captures {
					out = appendUnique(out, cp.Var)
				}
			}
			if it.folder != nil {
				walk(it.folder.items)
			}
		}
	}
	walk(c.items)
	return out
}

// capturedBy is the path of the first request that captures name, "" when
// none does.
func (c *Collection) capturedBy(name string) string {
	for _, ref := range c.Requests() {
		r, _, err := c.find(ref.Path)
		if err != nil {
			continue
		}
		for _, cp := range r.captures {
			if cp.Var == name {
				return ref.Path
			}
		}
	}
	return ""
}

func appendUnique(list []string, s string) []string {
	for _, l := range list {
		if l == s {
			return list
		}
	}
	return append(list, s)
}

func (l *loader) where(n *yaml.Node) string {
	return fmt.Sprintf("%s:%d:%d", l.c.Path, n.Line, n.Column)
}

var captureFields = []string{"json", "header", "cookie", "regex", "status", "mask"}

// captures reads `capture: {var: {json: .id}, ...}`.
func (l *loader) captures(n *yaml.Node, what string) []Capture {
	fs, ok := l.fields(n, what, nil)
	if !ok {
		return nil
	}
	var out []Capture
	for _, f := range fs.list {
		name := f.key.Value
		w := what + " " + strconv.Quote(name)
		if !isVarName(name) {
			l.errorf(f.key, "%s: bad variable name %q: use letters, digits, _ and -, starting with a letter or _", what, name)
			continue
		}
		spec, ok := l.fields(f.val, w, captureFields)
		if !ok {
			continue
		}
		cp := Capture{Var: name, Where: l.where(f.key), node: f.key}
		kinds := 0
		for _, k := range []CaptureKind{CaptureJSON, CaptureHeader, CaptureCookie, CaptureRegex, CaptureStatus} {
			kf, ok := spec.get(string(k))
			if !ok {
				continue
			}
			kinds++
			cp.Kind = k
			if k == CaptureStatus {
				continue // status: true, or anything: the code itself
			}
			s, ok := l.scalar(kf, w, string(k))
			if !ok {
				continue
			}
			cp.Expr = s
			if msg := checkExpr(k, s); msg != "" {
				l.errorf(kf.val, "%s: %s", w, msg)
			}
		}
		if kinds != 1 {
			l.errorf(f.key, "%s: give exactly one of json, header, cookie, regex or status, such as %s: {json: .id}", w, name)
			continue
		}
		if sf, ok := spec.get("mask"); ok {
			cp.Secret = deref(sf.val).Value == "true"
		}
		out = append(out, cp)
	}
	return out
}

// checkExpr says what is wrong with a capture's or assertion's expression.
func checkExpr(k CaptureKind, s string) string {
	switch k {
	case CaptureJSON:
		q, err := gojq.Parse(s)
		if err != nil {
			return fmt.Sprintf("jq expression %q does not parse: %v", s, err)
		}
		// $vars holds the run's variables (workbench); any other $name
		// is a mistake best reported with its line.
		if _, err := gojq.Compile(q, gojq.WithVariables([]string{"$vars"})); err != nil {
			return fmt.Sprintf("jq expression %q: %v (the one variable is $vars, the run's variables)", s, err)
		}
	case CaptureRegex:
		if _, err := regexp.Compile(s); err != nil {
			return fmt.Sprintf("regex %q does not compile: %v", s, err)
		}
	case CaptureHeader, CaptureCookie:
		if strings.TrimSpace(s) == "" || !isToken(s) {
			return fmt.Sprintf("%q is not a %s name", s, k)
		}
	}
	return ""
}

var assertFields = []string{"status", "headers", "json", "body", "schema", "duration", "cookies", "signature", "max_skew", "claims"}

// asserts reads an `assert:` mapping.
func (l *loader) asserts(n *yaml.Node, what string) []Assert {
	fs, ok := l.fields(n, what, assertFields)
	if !ok {
		return nil
	}
	var out []Assert
	for _, f := range fs.list {
		key, v := f.key.Value, deref(f.val)
		w := what + " " + key
		at := l.where(f.key)
		switch key {
		case "status":
			var vals []string
			items := []*yaml.Node{v}
			if v.Kind == yaml.SequenceNode {
				items = v.Content
			}
			for _, it := range items {
				it = deref(it)
				if it.Kind != yaml.ScalarNode || !statusWant(it.Value) {
					l.errorf(it, "%s: %q is not a status: write a code (201), a class (2xx) or a list of them", w, it.Value)
					continue
				}
				vals = append(vals, strings.ToLower(it.Value))
			}
			out = append(out, Assert{Kind: AssertStatus, Values: vals, Where: at})
		case "headers", "claims":
			hs, ok := l.fields(v, w, nil)
			if !ok {
				continue
			}
			for _, h := range hs.list {
				hv := deref(h.val)
				a := Assert{Kind: AssertHeader, Name: h.key.Value, Where: l.where(h.key)}
				if key == "claims" {
					a.Kind = AssertClaim
				}
				switch {
				case hv.Kind == yaml.ScalarNode && hv.ShortTag() == "!!null" && key == "headers":
					a.Absent = true
				case hv.Kind == yaml.ScalarNode:
					a.Expr = hv.Value
				default:
					l.errorf(hv, "%s %q: want a value (a glob such as application/json*), or null for a header that must be absent", w, h.key.Value)
					continue
				}
				out = append(out, a)
			}
		case "json":
			items := []*yaml.Node{v}
			if v.Kind == yaml.SequenceNode {
				items = v.Content
			}
			for _, it := range items {
				it = deref(it)
				if it.Kind != yaml.ScalarNode {
					l.errorf(it, "%s: each item is a jq expression that must be true, such as '.items | length > 0'", w)
					continue
				}
				if msg := checkExpr(CaptureJSON, it.Value); msg != "" {
					l.errorf(it, "%s: %s", w, msg)
					continue
				}
				out = append(out, Assert{Kind: AssertJSON, Expr: it.Value, Where: l.where(it)})
			}
		case "body":
			bs, ok := l.fields(v, w, []string{"contains", "matches"})
			if !ok {
				continue
			}
			if c, ok := bs.get("contains"); ok {
				if s, ok := l.scalar(c, w, "contains"); ok {
					out = append(out, Assert{Kind: AssertContains, Expr: s, Where: l.where(c.key)})
				}
			}
			if m, ok := bs.get("matches"); ok {
				if s, ok := l.scalar(m, w, "matches"); ok {
					if msg := checkExpr(CaptureRegex, s); msg != "" {
						l.errorf(m.val, "%s: %s", w, msg)
					} else {
						out = append(out, Assert{Kind: AssertMatches, Expr: s, Where: l.where(m.key)})
					}
				}
			}
		case "schema":
			if s, ok := l.scalar(f, what, key); ok {
				out = append(out, Assert{Kind: AssertSchema, Expr: s, Where: at})
			}
		case "duration", "max_skew":
			s, ok := l.scalar(f, what, key)
			if !ok {
				continue
			}
			d, err := time.ParseDuration(s)
			if err != nil || d <= 0 {
				l.errorf(v, "%s: %q is not a duration: write one such as 500ms or 2s", w, s)
				continue
			}
			kind := AssertDuration
			if key == "max_skew" {
				kind = AssertSkew
			}
			out = append(out, Assert{Kind: kind, Limit: d, Where: at})
		case "cookies":
			if v.Kind != yaml.SequenceNode {
				l.errorf(v, "%s: a list of the cookie names the answer must set, such as [session]", w)
				continue
			}
			for _, it := range v.Content {
				it = deref(it)
				if it.Kind != yaml.ScalarNode || !isToken(it.Value) {
					l.errorf(it, "%s: %q is not a cookie name", w, it.Value)
					continue
				}
				out = append(out, Assert{Kind: AssertCookie, Name: it.Value, Where: l.where(it)})
			}
		case "signature":
			if v.Kind != yaml.ScalarNode || v.Value != "accepted" {
				l.errorf(v, "%s: the one value is accepted (signature: accepted)", w)
				continue
			}
			out = append(out, Assert{Kind: AssertSignature, Where: at})
		}
	}
	return out
}

// statusWant reads 201, 2xx, 2XX.
func statusWant(s string) bool {
	if n, err := strconv.Atoi(s); err == nil {
		return n >= 100 && n <= 599
	}
	return len(s) == 3 && s[0] >= '1' && s[0] <= '5' && strings.EqualFold(s[1:], "xx")
}

// ReadFile reads a file a collection names (a JSON Schema of an
// assertion) under the same rule as a file body: relative to the
// collection's folder, and only inside it unless allowed.
func (c *Collection) ReadFile(p string) ([]byte, error) {
	if !filepath.IsAbs(p) {
		p = filepath.Join(filepath.Dir(c.Path), p)
	}
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	if err := c.fileAllowed(p); err != nil {
		return nil, err
	}
	return readBodyFile(p)
}

// checkCaptures keeps captured values out of where the user confirmed
// the collection's reach: a capture may not replace an environment's
// variable (base_url taken from an answer would move every later request,
// credentials included, to a host nobody confirmed), and a captured
// variable may not make a URL's host or a Host header.
func (l *loader) checkCaptures() {
	captured := map[string]bool{}
	var check func(items []item)
	var reqs []*request
	check = func(items []item) {
		for _, it := range items {
			if it.folder != nil {
				check(it.folder.items)
				continue
			}
			reqs = append(reqs, it.req)
			for _, cp := range it.req.captures {
				captured[cp.Var] = true
				for _, env := range l.c.envs {
					if _, ok := env.index[cp.Var]; ok {
						l.errorf(cp.node, "capture %s: %s is a variable of environment %q; a captured value may not replace it (it could move later requests, and their credentials, elsewhere): capture into another name", cp.Var, cp.Var, env.name)
						break
					}
				}
			}
		}
	}
	check(l.c.items)
	if len(captured) == 0 {
		return
	}
	for _, r := range reqs {
		host := hostTemplate(r.url.raw)
		for name := range captured {
			if strings.Contains(host, "{{"+name+"}}") {
				l.errorf(r.url.node, "request %q: the captured variable %s is in the URL's host (%s): a captured value may go in the path, query, headers or body, never in the host", r.name, name, host)
			}
		}
		for _, h := range r.headers {
			if strings.EqualFold(h.name, "Host") {
				for _, v := range h.values {
					for name := range captured {
						if strings.Contains(v.raw, "{{"+name+"}}") {
							l.errorf(v.node, "request %q: the captured variable %s is in the Host header: a captured value never names the host", r.name, name)
						}
					}
				}
			}
		}
	}
}

// hostTemplate is the part of a URL template before its path: the
// scheme and host, or the variable that stands for them.
func hostTemplate(raw string) string {
	rest := raw
	start := 0
	if i := strings.Index(rest, "://"); i >= 0 {
		start = i + 3
	}
	if j := strings.IndexAny(rest[start:], "/?#"); j >= 0 {
		return rest[:start+j]
	}
	return rest
}
