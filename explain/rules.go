package explain

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sigscope/sigscope/sign"
)

// Rule is one classic cause of a refused signature, as a test over the
// evidence: what points to it, in which line, and the fix. send's hint,
// the UI's diff and explain share them: Check runs them all, Explain
// ranks what they find.
type Rule struct {
	ID    string `json:"id"`
	Cause string `json:"cause"` // the Cause it points to
	Name  string `json:"name"`  // what it detects
	// Fix is what to do when this rule fires; "" leaves the cause's fix.
	Fix string `json:"fix,omitempty"`
	// Explains marks a rule that names a way a client signs these bytes
	// otherwise than AWS reads them: while one fires, a mismatch is not
	// put on the secret key.
	Explains bool `json:"explains,omitempty"`
	test     func(e *Evidence) []Finding
}

// Finding is a rule that fired.
type Finding struct {
	Rule   string `json:"rule"`
	Cause  string `json:"cause"`
	Weight int    `json:"weight"` // 1-99: how strongly it points to the cause (100 is the answer's own word)
	// Quote is the line of the answer or the request that triggered it.
	Quote Quote  `json:"quote"`
	Why   string `json:"why"`
	Fix   string `json:"fix,omitempty"`
	// Signers are the clients known to sign this way, when it is a way of
	// signing.
	Signers  []string `json:"signers,omitempty"`
	explains bool
}

// Sentence is the finding as one sentence: why, then the quoted line.
func (f Finding) Sentence() string {
	if f.Quote.Text == "" {
		return f.Why
	}
	return fmt.Sprintf("%s (%s: %q)", f.Why, f.Quote.Where(), f.Quote.Text)
}

// Test runs the rule on the evidence.
func (r Rule) Test(e *Evidence) []Finding {
	found := r.test(e)
	for i := range found {
		f := &found[i]
		if f.Rule == "" {
			f.Rule = r.ID
		}
		f.Quote = f.Quote.masked()
		f.Why = maskParams(f.Why)
		if f.Cause == "" {
			f.Cause = r.Cause
		}
		if f.Fix == "" {
			f.Fix = r.Fix
		}
		f.explains = r.Explains
		e.byClient(f)
	}
	return found
}

// Rules lists every rule, in the order Check runs them.
func Rules() []Rule {
	out := make([]Rule, len(rules))
	for i, r := range rules {
		out[i] = *r
	}
	return out
}

// Check runs every rule on the evidence and returns what they found,
// strongest first.
func Check(e *Evidence) []Finding {
	var out []Finding
	for _, r := range rules {
		out = append(out, r.Test(e)...)
	}
	slices.SortStableFunc(out, func(a, b Finding) int { return b.Weight - a.Weight })
	return out
}

// rules are in families: the path and query (rules_uri.go), the headers,
// host and session token (rules_headers.go), the payload, clock, scope
// and S3's own answers (rules_time.go).
var rules = slices.Concat(uriRules, headerRules, timeRules)

func one(f Finding) []Finding { return []Finding{f} }

// userAgent is the request's User-Agent, or the server's user-agent line.
func (e *Evidence) userAgent() (string, Quote) {
	if e.Request != nil {
		if v, ok := e.Request.Get("User-Agent"); ok {
			return v, e.requestHeader("User-Agent", "")
		}
	}
	if h, ok := e.server.header("user-agent"); e.hasCR && ok {
		return h.value, e.serverLine(h.line)
	}
	return "", Quote{}
}

// byClient strengthens a finding whose signers include the client the
// request's User-Agent names, and says so.
func (e *Evidence) byClient(f *Finding) {
	ua, _ := e.userAgent()
	if ua == "" || len(f.Signers) == 0 {
		return
	}
	c, ok := sign.ClientOf(ua)
	if !ok {
		return
	}
	for _, s := range c.Signers {
		if slices.Contains(f.Signers, s) {
			f.Weight = min(f.Weight+15, weightCertain-1)
			f.Why += fmt.Sprintf("; the request's User-Agent %q names %s", ua, c.Name)
			return
		}
	}
}

// signerList writes signer names for a sentence, with the clients that
// use them: "aws4 (newman, Bruno), amplify and aws-sdk-go-v2".
func signerList(names []string) string {
	var out []string
	for _, n := range names {
		if n == "aws4" {
			n = "aws4 (and so newman and Bruno)"
		}
		out = append(out, n)
	}
	switch len(out) {
	case 0:
		return ""
	case 1:
		return out[0]
	}
	return strings.Join(out[:len(out)-1], ", ") + " and " + out[len(out)-1]
}
