package workbench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/google/jsonschema-go/jsonschema"

	"github.com/sigscope/sigscope/auth"
	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/internal/secret"
)

// CheckResult is one assertion on one answer: expected against actual in
// words a QA engineer reads in one line.
type CheckResult struct {
	Assert   collections.Assert `json:"-"`
	Name     string             `json:"name"` // "status", "header Content-Type", "json .name == \"Rex\""
	Pass     bool               `json:"pass"`
	Expected string             `json:"expected"`
	Actual   string             `json:"actual"`
	Where    string             `json:"where"` // file:line:col of the assertion
}

// Captured is one value taken from an answer.
type Captured struct {
	Var    string `json:"var"`
	Value  string `json:"-"`
	Secret bool   `json:"secret"`
	Err    string `json:"error,omitempty"`
	Where  string `json:"where"`
}

// Shown is the value as output may show it: masked when it is a secret.
func (c Captured) Shown() string {
	if c.Secret {
		return secret.Mask(c.Value)
	}
	return c.Value
}

// answer is what the checks read of an outcome, read once.
type answer struct {
	oc     *Outcome
	status int
	body   []byte
	json   any // nil when the body is not JSON
	isJSON bool
	bodyOK string                // why the body cannot be read, "" when it can
	vars   func() map[string]any // $vars of jq expressions, gathered on first use
}

func (w *Workbench) readAnswer(oc *Outcome) *answer {
	a := &answer{oc: oc, vars: sync.OnceValue(w.jqVars)}
	if oc == nil || oc.Result == nil || oc.Result.Response == nil {
		a.bodyOK = "no answer"
		return a
	}
	r := oc.Result.Response
	a.status, a.body = r.Status, r.Body
	if r.BodyFile != "" {
		data, err := os.ReadFile(r.BodyFile)
		if err != nil {
			a.bodyOK = "the body was kept on disk and cannot be read: " + err.Error()
		}
		a.body = data
	}
	if r.Binary {
		a.bodyOK = "the body is binary"
	}
	d := json.NewDecoder(bytes.NewReader(a.body))
	d.UseNumber()
	if d.Decode(&a.json) == nil && !d.More() {
		a.isJSON = true
		a.json = normalizeJSON(a.json)
	}
	return a
}

// normalizeJSON turns json.Number into what gojq computes with.
func normalizeJSON(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return int(i)
		}
		f, _ := x.Float64()
		return f
	case map[string]any:
		for k, e := range x {
			x[k] = normalizeJSON(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normalizeJSON(e)
		}
	}
	return v
}

// Capture takes the values of t's captures from the outcome. A value from
// a credential-shaped field, header or cookie is a secret.
func (w *Workbench) Capture(t *collections.Tests, oc *Outcome) []Captured {
	a := w.readAnswer(oc)
	var out []Captured
	for _, cp := range t.Captures {
		c := Captured{Var: cp.Var, Secret: cp.Secret, Where: cp.Where}
		switch cp.Kind {
		case collections.CaptureStatus:
			if a.status == 0 {
				c.Err = "no answer"
			}
			c.Value = strconv.Itoa(a.status)
		case collections.CaptureHeader:
			v, ok := a.header(cp.Expr)
			if !ok {
				c.Err = fmt.Sprintf("the answer has no %s header", cp.Expr)
			}
			c.Value, c.Secret = v, c.Secret || CredentialHeader(cp.Expr)
		case collections.CaptureCookie:
			v, ok := a.cookie(cp.Expr)
			if !ok {
				c.Err = fmt.Sprintf("the answer set no cookie %s", cp.Expr)
			}
			c.Value, c.Secret = v, true // a cookie may be a session: masked
		case collections.CaptureJSON:
			v, err := a.jq(cp.Expr)
			switch {
			case err != nil:
				c.Err = err.Error()
			case v == nil:
				c.Err = fmt.Sprintf("%s is null or missing in the body", cp.Expr)
			default:
				c.Value = jsonText(v)
			}
			c.Secret = c.Secret || CredentialName(lastKey(cp.Expr))
		case collections.CaptureRegex:
			re := regexp.MustCompile(cp.Expr) // checked when the file loaded
			m := re.FindSubmatch(a.body)
			switch {
			case m == nil:
				c.Err = fmt.Sprintf("the body does not match %s", cp.Expr)
			case len(m) > 1:
				c.Value = string(m[1])
			default:
				c.Value = string(m[0])
			}
		}
		if c.Err != "" {
			c.Value = ""
		}
		out = append(out, c)
	}
	return out
}

// Check evaluates t's assertions on the outcome.
func (w *Workbench) Check(t *collections.Tests, oc *Outcome) []CheckResult {
	a := w.readAnswer(oc)
	var out []CheckResult
	for _, as := range t.Asserts {
		r := CheckResult{Assert: as, Where: as.Where}
		w.check(a, as, &r)
		out = append(out, r)
	}
	return out
}

func (w *Workbench) check(a *answer, as collections.Assert, r *CheckResult) {
	res := a.oc.Result
	switch as.Kind {
	case collections.AssertStatus:
		r.Name = "status"
		r.Expected = strings.Join(as.Values, " or ")
		r.Actual = strconv.Itoa(a.status)
		if a.status == 0 {
			r.Actual = "no answer"
		}
		r.Pass = slices.ContainsFunc(as.Values, func(v string) bool { return statusMatches(v, a.status) })
	case collections.AssertHeader:
		r.Name = "header " + as.Name
		v, ok := a.header(as.Name)
		switch {
		case as.Absent:
			r.Expected, r.Actual, r.Pass = "absent", quoteOr(v, ok, "absent"), !ok
		default:
			r.Expected, r.Actual = as.Expr, quoteOr(v, ok, "absent")
			r.Pass = ok && (globMatch(as.Expr, v) || v == as.Expr)
		}
		if CredentialHeader(as.Name) {
			r.Actual = secret.Mask(r.Actual)
		}
	case collections.AssertJSON:
		r.Name, r.Expected = "json "+as.Expr, "true"
		v, err := a.jq(as.Expr)
		switch {
		case err != nil:
			r.Actual = err.Error()
		default:
			r.Actual = jsonText(v)
			r.Pass = v == true
			if !r.Pass {
				r.Actual += sidesOf(a, as.Expr)
			}
		}
	case collections.AssertContains:
		r.Name, r.Expected = "body contains", strconv.Quote(as.Expr)
		r.Pass = bytes.Contains(a.body, []byte(as.Expr))
		r.Actual = bodyPreview(a)
	case collections.AssertMatches:
		r.Name, r.Expected = "body matches", as.Expr
		r.Pass = regexp.MustCompile(as.Expr).Match(a.body)
		r.Actual = bodyPreview(a)
	case collections.AssertSchema:
		r.Name, r.Expected = "schema "+as.Expr, "valid"
		r.Actual, r.Pass = w.checkSchema(a, as.Expr)
	case collections.AssertDuration:
		r.Name, r.Expected = "duration", "at most "+as.Limit.String()
		if res != nil {
			r.Actual = res.Timings.Total.Round(100_000).String()
			r.Pass = res.Timings.Total <= as.Limit && res.Response != nil
		}
	case collections.AssertCookie:
		r.Name, r.Expected = "cookie "+as.Name, "set"
		_, ok := a.cookie(as.Name)
		r.Pass, r.Actual = ok, map[bool]string{true: "set", false: "not set"}[ok]
	case collections.AssertSignature:
		r.Name, r.Expected = "signature", "accepted"
		r.Actual, r.Pass = "accepted", true
		if d := a.oc.Diagnosis; d != nil {
			r.Actual, r.Pass = fmt.Sprintf("refused (%s): %s", d.Kind, d.Hint), false
		} else if a.oc.Mismatch != nil {
			r.Actual, r.Pass = "refused: the signature does not match", false
		} else if a.status == 0 {
			r.Actual, r.Pass = "no answer", false
		}
	case collections.AssertSkew:
		r.Name, r.Expected = "clock skew", "at most "+as.Limit.String()
		switch {
		case res == nil || !res.SkewKnown:
			r.Actual = "unknown (no Date header)"
		default:
			skew := res.ClockSkew
			if skew < 0 {
				skew = -skew
			}
			r.Actual, r.Pass = res.ClockSkew.Round(1e9).String(), skew <= as.Limit
		}
	case collections.AssertClaim:
		r.Name, r.Expected = "claim "+as.Name, as.Expr
		r.Actual, r.Pass = a.claim(as.Name, as.Expr)
	}
}

// globMatch matches a header value against a glob, case-insensitively:
// * any run of characters, ? one, [a-z] a class. A header value is no
// path: '/' is not special (path.Match would stop * at it, so that
// "*json*" would not match "application/json").
func globMatch(glob, v string) bool {
	const slash = "\x00"
	g := strings.ReplaceAll(strings.ToLower(glob), "/", slash)
	matched, _ := path.Match(g, strings.ReplaceAll(strings.ToLower(v), "/", slash))
	return matched
}

func statusMatches(want string, got int) bool {
	if n, err := strconv.Atoi(want); err == nil {
		return n == got
	}
	return got/100 == int(want[0]-'0')
}

func quoteOr(v string, ok bool, missing string) string {
	if !ok {
		return missing
	}
	return strconv.Quote(v)
}

func (a *answer) header(name string) (string, bool) {
	if a.oc == nil || a.oc.Result == nil || a.oc.Result.Response == nil {
		return "", false
	}
	return a.oc.Result.Response.Header(name)
}

func (a *answer) cookie(name string) (string, bool) {
	if a.oc == nil || a.oc.Result == nil {
		return "", false
	}
	for _, c := range a.oc.Result.Cookies {
		if c.Cookie.Name == name && c.Err == "" && !c.Deleted {
			return c.Cookie.Value, true
		}
	}
	return "", false
}

func (a *answer) jq(expr string) (any, error) {
	if a.bodyOK != "" {
		return nil, fmt.Errorf("%s", a.bodyOK)
	}
	if !a.isJSON {
		return nil, fmt.Errorf("the body is not JSON")
	}
	code, err := compileJQ(expr)
	if err != nil {
		return nil, err
	}
	var vars any = map[string]any{}
	if a.vars != nil && usesVars(expr) {
		vars = a.vars()
	}
	it := code.Run(a.json, vars)
	v, ok := it.Next()
	if !ok {
		return nil, nil
	}
	if err, isErr := v.(error); isErr {
		return nil, fmt.Errorf("jq %s: %v", expr, err)
	}
	return v, nil
}

// claim compares a claim of the token the request carried (id_token or
// access_token mode) with want.
func (a *answer) claim(name, want string) (string, bool) {
	p := a.oc.Preview
	if p == nil || p.Prepared == nil || p.Prepared.Request == nil {
		return "no request", false
	}
	authz, _ := p.Prepared.Request.Get("Authorization")
	tok := strings.TrimPrefix(authz, "Bearer ")
	c, err := auth.DecodeClaims(tok)
	if err != nil {
		return "the request carried no token (" + err.Error() + ")", false
	}
	v, ok := c[name]
	if !ok {
		return "absent", false
	}
	got := jsonText(v)
	return got, got == want
}

func (w *Workbench) checkSchema(a *answer, file string) (string, bool) {
	if !a.isJSON {
		return "the body is not JSON", false
	}
	data, err := w.readCollectionFile(file)
	if err != nil {
		return "schema: " + err.Error(), false
	}
	// google/jsonschema-go rather than santhosh-tekuri/jsonschema: the
	// latter compiles every draft's meta-schemas in its init, about 4 ms
	// and 1.7 MB at the start of every sigscope command (issue 21).
	if !json.Valid(data) {
		return fmt.Sprintf("schema %s is not JSON", file), false
	}
	var sch jsonschema.Schema
	if err := json.Unmarshal(data, &sch); err != nil {
		return fmt.Sprintf("schema %s does not compile: %v", file, err), false
	}
	sch.Schema = canonicalDraft(sch.Schema)
	rs, err := sch.Resolve(&jsonschema.ResolveOptions{BaseURI: "file:///schema/" + path.Base(file)})
	if err != nil {
		return fmt.Sprintf("schema %s does not compile: %v", file, err), false
	}
	var inst any
	if err := json.Unmarshal(a.body, &inst); err != nil {
		return "the body is not JSON", false
	}
	if err := rs.Validate(inst); err != nil {
		if strings.Contains(err.Error(), "supported versions") {
			return fmt.Sprintf("schema %s: %v; write it for draft-07 or 2020-12", file, err), false
		}
		return oneLine(err.Error()), false
	}
	return "valid", true
}

// canonicalDraft writes a $schema the way the validator knows it: the
// draft-07 URI with or without its empty fragment, 2020-12 with or
// without one, are the same URI.
func canonicalDraft(uri string) string {
	switch strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(uri, "https://"), "http://"), "#") {
	case "json-schema.org/draft-07/schema":
		return "http://json-schema.org/draft-07/schema#"
	case "json-schema.org/draft/2020-12/schema":
		return "https://json-schema.org/draft/2020-12/schema"
	}
	return uri
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// bodyPreview is the start of the body for an actual value.
func bodyPreview(a *answer) string {
	if a.bodyOK != "" {
		return a.bodyOK
	}
	s := oneLine(string(a.body))
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return strconv.Quote(s)
}

// jsonText writes a jq result as its JSON text, a string without quotes.
func jsonText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// lastKey is the last field a jq path names: .a.IdToken → IdToken.
func lastKey(expr string) string {
	expr = strings.TrimRight(expr, "?] ")
	i := strings.LastIndexAny(expr, ".[\"")
	return strings.Trim(expr[i+1:], "\"'")
}

// sidesOf says what the left side of a failed comparison was: for
// `.type == "cat"`, ` (.type is "dog")`.
func sidesOf(a *answer, expr string) string {
	for _, op := range []string{" == ", " != ", " >= ", " <= ", " > ", " < "} {
		i := strings.Index(expr, op)
		// '|' binds loosest: `.items | length == 3` compares length of
		// .items, the left side up to the operator; an operator before
		// the last '|' is not the expression's last comparison.
		if i < 0 || strings.LastIndex(expr, "|") > i {
			continue
		}
		left := expr[:i]
		v, err := a.jq(strings.TrimSpace(left))
		if err != nil {
			return ""
		}
		b, _ := json.Marshal(v)
		return fmt.Sprintf(" (%s is %s)", strings.TrimSpace(left), b)
	}
	return ""
}

// readCollectionFile reads a file the collection names: from the files an
// in-memory collection came with, else from beside the collection file.
func (w *Workbench) readCollectionFile(name string) ([]byte, error) {
	if w.inMemory {
		if w.files == nil {
			return nil, fmt.Errorf("%s: this collection was opened from memory and has no files beside it", name)
		}
		return fs.ReadFile(w.files, path.Clean(name))
	}
	return w.Coll.ReadFile(name)
}
