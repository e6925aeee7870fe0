package explain

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sigscope/sigscope/internal/termsafe"
	"github.com/sigscope/sigscope/sign"
)

// serverOnly is API Gateway's answer quoting a canonical request whose
// lines are the defaults below with some replaced: what the server
// printed is the only evidence.
func serverOnly(t *testing.T, replace map[string]string) []byte {
	t.Helper()
	lines := []string{
		"POST",
		"/prod/pets",
		"limit=10",
		"content-type:application/json",
		"host:abc123.execute-api.us-east-1.amazonaws.com",
		"x-amz-date:20260102T030405Z",
		"",
		"content-type;host;x-amz-date",
		"44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
	}
	for i, l := range lines {
		for old, repl := range replace {
			if l == old {
				lines[i] = repl
			}
		}
	}
	if v, ok := replace["signed"]; ok {
		lines[len(lines)-2] = v
	}
	sts := "AWS4-HMAC-SHA256\n20260102T030405Z\n20260102/us-east-1/execute-api/aws4_request\n0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	if v, ok := replace["scope"]; ok {
		sts = strings.Replace(sts, "20260102/us-east-1/execute-api/aws4_request", v, 1)
	}
	return mismatchBody(strings.Join(lines, "\n"), sts)
}

// TestServerEvidenceRanks: with only what API Gateway printed, the causes
// follow what it shows, each quoting the line that points to it.
func TestServerEvidenceRanks(t *testing.T) {
	cases := []struct {
		name    string
		replace map[string]string
		date    time.Time
		cause   string
		quote   string // the line quoted first
		from    string
	}{
		{"charset in content-type", map[string]string{"content-type:application/json": "content-type:application/json; charset=utf-8"}, time.Time{},
			CauseHeader, "content-type:application/json; charset=utf-8", QuoteServerCanonical},
		{"x-amz-date far from Date", nil, at("20260102T030405Z").Add(20 * time.Minute),
			CauseClock, "20260102T030405Z", QuoteServerSTS},
		{"scope region against the host's", map[string]string{"scope": "20260102/eu-west-1/execute-api/aws4_request"}, time.Time{},
			CauseScope, "20260102/eu-west-1/execute-api/aws4_request", QuoteServerSTS},
		{"content-length signed", map[string]string{"content-type:application/json": "content-length:7", "signed": "content-length;host;x-amz-date"}, time.Time{},
			CauseHeader, "content-length:7", QuoteServerCanonical},
		{"user-agent signed", map[string]string{"content-type:application/json": "user-agent:axios/1.6.2", "signed": "host;user-agent;x-amz-date"}, time.Time{},
			CauseHeader, "user-agent:axios/1.6.2", QuoteServerCanonical},
		{"'//' in the path", map[string]string{"/prod/pets": "/prod//pets"}, time.Time{},
			CausePath, "/prod//pets", QuoteServerCanonical},
		{"dot segment in the path", map[string]string{"/prod/pets": "/prod/./pets"}, time.Time{},
			CausePath, "/prod/./pets", QuoteServerCanonical},
		{"path encoded twice", map[string]string{"/prod/pets": "/prod/caf%25C3%25A9"}, time.Time{},
			CausePath, "/prod/caf%25C3%25A9", QuoteServerCanonical},
		{"%2B in the query", map[string]string{"limit=10": "q=a%2Bb"}, time.Time{},
			CausePlus, "q=a%2Bb", QuoteServerCanonical},
		{"%20 in the query", map[string]string{"limit=10": "q=a%20b"}, time.Time{},
			CausePlus, "q=a%20b", QuoteServerCanonical},
		{"unsorted keys", map[string]string{"limit=10": "limit=10&after=5"}, time.Time{},
			CauseQuery, "limit=10&after=5", QuoteServerCanonical},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := Input{Body: serverOnly(t, tc.replace)}
			if !tc.date.IsZero() {
				in.Date = tc.date.Format(http.TimeFormat)
			}
			d, ok := Explain(in)
			if !ok {
				t.Fatal("not explained")
			}
			c := d.Causes[0]
			if c.ID != tc.cause {
				t.Fatalf("first cause %s %q, want %s; all %v", c.ID, c.Evidence, tc.cause, causeIDs(d.Causes))
			}
			if len(c.Quotes) == 0 || c.Quotes[0].Text != tc.quote || c.Quotes[0].From != tc.from {
				t.Fatalf("quotes %+v, want %q from %s", c.Quotes, tc.quote, tc.from)
			}
			if !strings.Contains(c.Evidence, `"`+tc.quote+`"`) {
				t.Errorf("the evidence does not quote the line: %s", c.Evidence)
			}
		})
	}
	// Nothing in it: the usual order.
	d, _ := Explain(Input{Body: serverOnly(t, nil)})
	if d.Causes[0].ID != CausePath || d.Causes[0].Evidence != "" {
		t.Errorf("nothing to go by: %+v", d.Causes[0])
	}
}

// TestCharsetRanksFirst is the charset case of the issue: AWS's canonical
// request shows the charset, and the header change comes before the path.
func TestCharsetRanksFirst(t *testing.T) {
	body := serverOnly(t, map[string]string{"content-type:application/json": "content-type:application/json; charset=utf-8"})
	d, _ := Explain(Input{Body: body})
	c := d.Causes[0]
	if c.ID != CauseHeader || c.Quotes[0] != (Quote{From: QuoteServerCanonical, Line: 4, Text: "content-type:application/json; charset=utf-8"}) {
		t.Fatalf("%+v", c)
	}
	if !strings.Contains(c.Evidence, `(AWS's canonical request, line 4: "content-type:application/json; charset=utf-8")`) || !strings.Contains(c.Fix, "charset included") {
		t.Errorf("%+v", c)
	}
	if got := c.Quotes[0].String(); got != "AWS's canonical request, line 4: content-type:application/json; charset=utf-8" {
		t.Errorf("String %q", got)
	}
}

// TestQuoteEscapes: a quoted line comes from the network; for a terminal
// it is escaped as termsafe escapes.
func TestQuoteEscapes(t *testing.T) {
	q := Quote{From: QuoteRequest, Text: "X-Evil: \x1b]0;owned\x07\u202e"}
	if got, want := q.String(), termsafe.Line("the request: X-Evil: \x1b]0;owned\x07\u202e"); got != want || strings.ContainsAny(got, "\x1b\x07\u202e") {
		t.Errorf("%q", got)
	}
}

// TestRulesAPI: every rule is named, points to a known cause, and Check
// finds through it what Explain ranks.
func TestRulesAPI(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		if r.ID == "" || r.Name == "" || seen[r.ID] {
			t.Errorf("rule %+v: no id or name, or a repeated id", r)
		}
		seen[r.ID] = true
		if _, ok := catalog[r.Cause]; !ok {
			t.Errorf("rule %s points to unknown cause %q", r.ID, r.Cause)
		}
	}
	e := NewEvidence(Input{Body: serverOnly(t, map[string]string{"content-type:application/json": "content-type:application/json; charset=utf-8"})})
	found := Check(e)
	if len(found) == 0 || found[0].Rule != "charset-added" || found[0].Cause != CauseHeader || found[0].Quote.Line != 4 || found[0].Fix == "" {
		t.Fatalf("%+v", found)
	}
	for _, r := range Rules() {
		if r.ID == "charset-added" {
			if got := r.Test(e); len(got) != 1 || got[0].Why != found[0].Why {
				t.Errorf("Test %+v", got)
			}
		}
	}
}

// TestQuotesMaskSecrets: a quoted session token or Authorization line
// keeps only what tells two apart.
func TestQuotesMaskSecrets(t *testing.T) {
	o := apiOptions
	o.Credentials = sign.Credentials{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "s", SessionToken: "FwoGZXIvYXdzEXAMPLETOKEN"}
	tr := signed(t, apiRequest("GET", "/prod/pets", ""), o)
	server := strings.Replace(tr.CanonicalRequest, "FwoGZXIvYXdzEXAMPLETOKEN", "FwoGZXIvYXdzOTHERTOKEN00", 1)
	d, _ := Explain(Input{Body: mismatchBody(server, serverSTS(tr, server)), Trace: tr})
	c := d.Causes[0]
	if c.ID != CauseSessionToken || len(c.Quotes) == 0 || c.Quotes[0].Text != "x-amz-security-token:FwoG…(24 chars)" {
		t.Errorf("%+v", c)
	}
	for in, want := range map[string]string{
		"Authorization: AWS4-HMAC-SHA256 Credential=AKID/x": "Authorization: AWS4…(34 chars)",
		"x-amz-security-token:":                             "x-amz-security-token:",
		"content-type:text/plain":                           "content-type:text/plain",
	} {
		if got := (Quote{Text: in}).masked().Text; got != want {
			t.Errorf("masked(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestServerPathEncodedOnce: outside S3, escapes without %25 in AWS's
// canonical URI mean raw bytes arrived; in S3 a %25 means a key encoded
// twice.
func TestServerPathEncodedOnce(t *testing.T) {
	d, _ := Explain(Input{Body: serverOnly(t, map[string]string{"/prod/pets": "/prod/caf%C3%A9%20menu"})})
	if c := d.Causes[0]; c.ID != CausePath || !strings.Contains(c.Evidence, "AWS encoded once") || c.Quotes[0].Text != "/prod/caf%C3%A9%20menu" {
		t.Errorf("%+v", c)
	}
	cr := "GET\n/photos/a%2520b.jpg\n\nhost:b.s3.eu-west-1.amazonaws.com\nx-amz-content-sha256:UNSIGNED-PAYLOAD\nx-amz-date:20260102T030405Z\n\nhost;x-amz-content-sha256;x-amz-date\nUNSIGNED-PAYLOAD"
	body := s3Error("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.", "<CanonicalRequest>"+cr+"</CanonicalRequest>")
	d, _ = Explain(Input{Body: body})
	if c := d.Causes[0]; c.ID != CausePath || !strings.Contains(c.Evidence, "a key encoded twice") {
		t.Errorf("%+v", c)
	}
	if q := (Quote{Text: "GET /k?X-Amz-Security-Token=FwoGZXIvYXdzEXAMPLETOKEN&X-Amz-Signature=abcdef0123456789 HTTP/1.1"}).masked(); strings.Contains(q.Text, "EXAMPLETOKEN") || strings.Contains(q.Text, "abcdef0123") {
		t.Errorf("%q", q.Text)
	}
}
