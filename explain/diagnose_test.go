package explain

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sigscope/sigscope/sign"
)

func mismatchBody(canonical, sts string) []byte {
	return []byte(`{"message":` + jsonString(apiGatewayMessage(canonical, sts)) + `}`)
}

// serverSTS is the string to sign a server builds on its canonical request.
func serverSTS(tr *sign.Trace, canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	return strings.Join([]string{sign.Algorithm, tr.RequestDate, tr.CredentialScope, hex.EncodeToString(sum[:])}, "\n")
}

func sampleTrace(t *testing.T) *sign.Trace { return sampleTraceTB(t) }

type signTrace = sign.Trace

func sampleTraceTB(t testing.TB) *sign.Trace {
	return signed(t, &sign.Request{Method: "GET", Scheme: "https", Host: "h.example.com", Path: "/prod/a%20b", RawQuery: "x=1",
		Headers: []sign.Header{{Name: "Accept", Value: "application/json"}}}, sign.Options{Region: "us-east-1", Service: "execute-api"})
}

// TestDiagnoseParts finds the differing line, names its part and proves
// its cause.
func TestDiagnoseParts(t *testing.T) {
	tr := sampleTrace(t)
	lines := strings.Split(tr.CanonicalRequest, "\n")
	change := func(i int, v string) string {
		c := append([]string(nil), lines...)
		c[i] = v
		return strings.Join(c, "\n")
	}
	n := len(lines)
	cases := []struct {
		server   string
		part     string
		hint     string
		cause    string
		evidence string
	}{
		{change(1, "/prod/a%20b"), sign.PartURI, "encode the path twice", CausePath, "the signed path was encoded once more than the server's: S3"},
		{change(1, "/prod/a%252520b"), sign.PartURI, "encode the path twice", CausePath, "the server encoded the signed path once more"},
		{change(1, "/prod/a%2520b/"), sign.PartURI, "encode the path twice", CausePath, "trailing slash"},
		{change(1, "/stage/prod/a%2520b"), sign.PartURI, "encode the path twice", CausePath, "stage prefix"},
		{change(2, "x=2"), sign.PartQuery, "%2B", CauseQuery, "encoded differently"},
		{change(2, "x=1&y=2"), sign.PartQuery, "%2B", CauseQuery, "only at the server [y]"},
		{change(0, "POST"), sign.PartMethod, "method changed", CauseMethod, `signed "GET"`},
		{change(3, "accept:text/html"), sign.PartHeaders, `"accept" reached the server with another value`, CauseHeader, "value changed after signing"},
		{change(4, "host:other.example.com"), sign.PartHeaders, "the Host differs", CauseHost, `"host:other.example.com"`},
		{change(n-1, "UNSIGNED-PAYLOAD"), sign.PartPayloadHash, "body changed", CausePayload, "UNSIGNED-PAYLOAD"},
		{change(n-2, "accept;host"), sign.PartSignedHeaders, "did not arrive", CauseHeader, ""},
	}
	for _, tc := range cases {
		d, ok := Diagnose(mismatchBody(tc.server, serverSTS(tr, tc.server)), tr)
		if !ok || d.First == nil || d.First.Step != "canonical request" || d.First.Part != tc.part || !strings.Contains(d.Hint, tc.hint) {
			t.Errorf("server %q: ok %v first %+v hint %q; want part %q hint with %q", tc.server, ok, d.First, d.Hint, tc.part, tc.hint)
			continue
		}
		if c := d.Causes[0]; c.ID != tc.cause || !c.Certain || !strings.Contains(c.Evidence, tc.evidence) {
			t.Errorf("server %q: first cause %s %v %q, want %s with %q", tc.server, c.ID, c.Certain, c.Evidence, tc.cause, tc.evidence)
		}
	}
	// Same canonical request, another scope: the string to sign says where.
	sts := strings.Replace(tr.StringToSign, "/us-east-1/", "/eu-west-1/", 1)
	d, ok := Diagnose(mismatchBody(tr.CanonicalRequest, sts), tr)
	if !ok || d.First == nil || d.First.Step != "string to sign" || d.First.Part != sign.PartCredentialScope || d.First.Line != 3 {
		t.Fatalf("scope: %+v", d.First)
	}
	if c := d.Causes[0]; c.ID != CauseScope || !strings.Contains(c.Evidence, "signed for region us-east-1, the endpoint is in eu-west-1") {
		t.Errorf("scope cause %+v", c)
	}
	// Everything agrees: only the key can differ.
	d, _ = Diagnose(mismatchBody(tr.CanonicalRequest, tr.StringToSign), tr)
	if d.First != nil || d.Causes[0].ID != CauseSecret || !d.Causes[0].Certain || !strings.Contains(d.Hint, "keys differ") {
		t.Errorf("all agree: %+v %+v", d.First, d.Causes[0])
	}
	if _, ok := Diagnose([]byte(`{"message":"Forbidden"}`), tr); ok {
		t.Errorf("a plain 403 read as a mismatch")
	}
	if _, ok := Diagnose([]byte(`{"message":"Missing Authentication Token"}`), tr); ok {
		t.Errorf("a missing-token answer read as a mismatch")
	}
	if d, ok := Diagnose(mismatchBody(tr.CanonicalRequest, tr.StringToSign), nil); !ok || d.First != nil || !strings.Contains(d.Hint, "no record of what was signed") {
		t.Errorf("no trace: %+v", d)
	}
}

// TestDiagnoseColumn marks the first differing character.
func TestDiagnoseColumn(t *testing.T) {
	tr := signed(t, &sign.Request{Method: "POST", Host: "h.example.com", Path: "/p", Body: []byte("{}"),
		Headers: []sign.Header{{Name: "Content-Type", Value: "application/json"}}}, sign.Options{Region: "us-east-1", Service: "execute-api"})
	server := strings.Replace(tr.CanonicalRequest, "content-type:application/json\n", "content-type:application/json; charset=utf-8\n", 1)
	d, _ := Diagnose(mismatchBody(server, serverSTS(tr, server)), tr)
	if d.First == nil || d.First.Column != len("content-type:application/json")+1 {
		t.Fatalf("column of %+v", d.First)
	}
	if c := d.Causes[0]; c.ID != CauseHeader || !strings.Contains(c.Evidence, "charset was appended") {
		t.Errorf("cause %+v", c)
	}
	for _, tc := range []struct {
		a, b string
		col  int
	}{{"abc", "abc", 0}, {"abc", "abd", 3}, {"ab", "abc", 3}, {"", "x", 1}, {"ñandú", "ñandu", 5}} {
		if got := Column(tc.a, tc.b); got != tc.col {
			t.Errorf("Column(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.col)
		}
	}
}

// TestDiagnosePlus proves '+' and space when only they differ.
func TestDiagnosePlus(t *testing.T) {
	tr := signed(t, &sign.Request{Method: "GET", Host: "h.example.com", Path: "/p", RawQuery: "q=a+b"}, sign.Options{Region: "us-east-1", Service: "execute-api"})
	if tr.Query.Output != "q=a%2Bb" {
		t.Fatalf("canonical query %q", tr.Query.Output)
	}
	server := strings.Replace(tr.CanonicalRequest, "q=a%2Bb", "q=a%20b", 1)
	d, _ := Diagnose(mismatchBody(server, serverSTS(tr, server)), tr)
	if c := d.Causes[0]; c.ID != CausePlus || !c.Certain {
		t.Errorf("cause %+v", d.Causes)
	}
	// Without the server's canonical request, the raw '+' is the lead.
	d, _ = Diagnose(mismatchBody("", ""), tr)
	if c := d.Causes[0]; c.ID != CausePlus || c.Certain || !strings.Contains(c.Evidence, "raw '+'") {
		t.Errorf("raw plus without details: %+v", d.Causes[0])
	}
}

// TestCausesFromCircumstances ranks the causes of a mismatch the server
// did not detail by what the trace and the request as sent show.
func TestCausesFromCircumstances(t *testing.T) {
	messageOnly := []byte(`{"message":"` + apiGatewayHead + `"}`)
	base := func() *sign.Request {
		return &sign.Request{Method: "POST", Scheme: "https", Host: "abc.execute-api.us-east-1.amazonaws.com", Path: "/prod/pets", Body: []byte(`{"a":1}`),
			Headers: []sign.Header{{Name: "Content-Type", Value: "application/json"}}}
	}
	opts := sign.Options{Region: "us-east-1", Service: "execute-api"}
	cases := []struct {
		name     string
		in       func() Input
		cause    string
		evidence string
	}{
		{"header changed in flight", func() Input {
			tr := signed(t, base(), opts)
			sent := tr.Signed.Clone()
			sent.Set("Content-Type", "application/json;charset=UTF-8")
			return Input{Trace: tr, Request: sent}
		}, CauseHeader, `content-type was signed as "application/json" and sent as "application/json;charset=UTF-8"`},
		{"header dropped", func() Input {
			r := base()
			r.Headers = append(r.Headers, sign.Header{Name: "X-Custom", Value: "1"})
			tr := signed(t, r, opts)
			sent := tr.Signed.Clone()
			sent.Del("X-Custom")
			return Input{Trace: tr, Request: sent}
		}, CauseHeader, "x-custom was signed but not sent"},
		{"host changed", func() Input {
			tr := signed(t, base(), opts)
			sent := tr.Signed.Clone()
			sent.Host = "api.example.com"
			return Input{Trace: tr, Request: sent}
		}, CauseHost, `signed host "abc.execute-api.us-east-1.amazonaws.com", sent "api.example.com"`},
		{"query changed", func() Input {
			tr := signed(t, base(), opts)
			sent := tr.Signed.Clone()
			sent.RawQuery = "debug=1"
			return Input{Trace: tr, Request: sent}
		}, CauseQuery, `the query sent "debug=1"`},
		{"temporary key without token", func() Input {
			o := opts
			o.Credentials = sign.Credentials{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "s"}
			return Input{Trace: signed(t, base(), o)}
		}, CauseSessionToken, "ASIAEXAMPLE is a temporary access key"},
		{"token twice", func() Input {
			o := opts
			o.Credentials = sign.Credentials{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "s", SessionToken: "tok"}
			tr := signed(t, base(), o)
			sent := tr.Signed.Clone()
			sent.RawQuery = "X-Amz-Security-Token=tok"
			return Input{Trace: tr, Request: sent}
		}, CauseSessionToken, "sent twice"},
		{"region of the host", func() Input {
			o := opts
			o.Region = "eu-west-1"
			return Input{Trace: signed(t, base(), o)}
		}, CauseScope, "signed for region eu-west-1, but the host abc.execute-api.us-east-1.amazonaws.com is in us-east-1"},
		{"port added after signing", func() Input {
			r := base()
			r.Host = "localhost"
			tr := signed(t, r, opts)
			sent := tr.Signed.Clone()
			sent.Host = "localhost:8443"
			return Input{Trace: tr, Request: sent}
		}, CauseHost, `signed host "localhost", sent "localhost:8443"`},
		{"normalized path", func() Input {
			r := base()
			r.Path = "/prod//pets/./x"
			return Input{Trace: signed(t, r, opts)}
		}, CausePath, "normalized"},
		{"chunked", func() Input {
			tr := signed(t, base(), opts)
			sent := tr.Signed.Clone()
			sent.Headers = append(sent.Headers, sign.Header{Name: "Transfer-Encoding", Value: "chunked"})
			return Input{Trace: tr, Request: sent}
		}, CausePayload, "sent chunked"},
		{"clock skew from Date", func() Input {
			o := opts
			o.Time = testTime
			return Input{Trace: signed(t, base(), o), Date: testTime.Add(7 * time.Minute).Format(http.TimeFormat)}
		}, CauseClock, "7m0s apart"},
	}
	for _, tc := range cases {
		in := tc.in()
		in.Body = messageOnly
		d, ok := Explain(in)
		if !ok || d.Kind != KindMismatch || len(d.Causes) == 0 {
			t.Fatalf("%s: %+v", tc.name, d)
		}
		if c := d.Causes[0]; c.ID != tc.cause || c.Certain || !strings.Contains(c.Evidence, tc.evidence) {
			t.Errorf("%s: first cause %s %q\nwant %s with %q", tc.name, c.ID, c.Evidence, tc.cause, tc.evidence)
		}
	}
	// Nothing known: every usual cause, by how often it is the one.
	d, _ := Explain(Input{Body: messageOnly})
	var ids []string
	for _, c := range d.Causes {
		ids = append(ids, c.ID)
	}
	if strings.Join(ids, " ") != strings.Join(mismatchCauses, " ") {
		t.Errorf("priors %v", ids)
	}
}

// TestCausesOfShortForms explains each refusal without a canonical request.
func TestCausesOfShortForms(t *testing.T) {
	tr := sampleTrace(t)
	cases := []struct {
		body     string
		in       Input
		cause    string
		evidence string
		hint     string
	}{
		{`{"message":"Signature expired: 20260101T000000Z is now earlier than 20260101T000600Z (20260101T001100Z - 5 min.)"}`, Input{}, CauseClock, "11m0s before the server's clock", "local clock"},
		{`{"message":"Credential should be scoped to a valid region, not 'eu-west-1'. "}`, Input{}, CauseScope, "signed for region eu-west-1", "auth.region"},
		{`{"message":"Credential should be scoped to a valid region, not 'us-west-2'. "}`, Input{Request: &sign.Request{Host: "iam.amazonaws.com"}}, CauseScope, "global endpoint: sign it for us-east-1", "auth.region"},
		{`{"message":"The security token included in the request is invalid."}`, Input{}, CauseSessionToken, "does not belong", "session token"},
		{`{"message":"Missing Authentication Token"}`, Input{}, CauseRoute, "", "stage, the path and the method"},
		{`{"message":"Missing Authentication Token"}`, Input{Trace: tr}, CauseRoute, "the request carried a signature", "stage, the path and the method"},
		{`{"message":"'eyJhbGciOi' not a valid key=value pair (missing equal-sign) in Authorization header: 'Bearer eyJhbGciOi'."}`, Input{}, CauseAuthHeader, "carries a Bearer token", "not a SigV4 header"},
		{`{"message":"Unauthorized"}`, Input{Status: 401}, CauseUserPoolToken, "", "raw id token"},
		{`{"message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:1:abc/prod/GET/"}`, Input{}, CauseResourcePolicy, "only the API's resource policy", "resource policy"},
		{`{"message":"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP"}`, Input{}, CauseClock, "day of X-Amz-Date", "same moment"},
	}
	for _, tc := range cases {
		in := tc.in
		in.Body = []byte(tc.body)
		d, ok := Explain(in)
		if !ok || len(d.Causes) == 0 {
			t.Fatalf("%s: not explained", tc.body)
		}
		if c := d.Causes[0]; c.ID != tc.cause || !c.Certain || !strings.Contains(c.Evidence, tc.evidence) || !strings.Contains(d.Hint, tc.hint) {
			t.Errorf("%s: %s %v %q hint %q\nwant %s with %q, hint with %q", tc.body, c.ID, c.Certain, c.Evidence, d.Hint, tc.cause, tc.evidence, tc.hint)
		}
	}
}

// TestHint is exchange.ExplainError's behaviour, kept.
func TestHint(t *testing.T) {
	cases := []struct {
		status int
		body   string
		want   string
	}{
		{403, `{"message":"Signature expired: 20260101T000000Z is now earlier than 20260101T000600Z (20260101T001100Z - 5 min.)"}`, "local clock"},
		{403, `{"message":"Credential should be scoped to a valid region, not 'eu-west-1'. "}`, "auth.region"},
		{403, `{"message":"The security token included in the request is invalid."}`, "session token"},
		{403, `{"message":"Missing Authentication Token"}`, "stage, the path and the method"},
		{401, `{"message":"Unauthorized"}`, "raw id token"},
		{403, mismatchBodyString(), ""},
		{500, `oops`, ""},
		{200, `{"message":"Missing Authentication Token"}`, ""},
	}
	for _, tc := range cases {
		got := Hint(tc.status, []byte(tc.body))
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%d %s: %q, want %q", tc.status, tc.body, got, tc.want)
		}
	}
}

func mismatchBodyString() string { return string(mismatchBody(sampleCanonical, sampleSTS)) }

// TestDiagnosisJSON keeps send -o json's "mismatch" keys.
func TestDiagnosisJSON(t *testing.T) {
	tr := sampleTrace(t)
	server := strings.Replace(tr.CanonicalRequest, "accept:application/json", "accept:text/html", 1)
	d, _ := Diagnose(mismatchBody(server, serverSTS(tr, server)), tr)
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]any{"format": "json", "kind": "signature-mismatch", "step": "canonical request", "part": sign.PartHeaders,
		"signed": "accept:application/json", "server": "accept:text/html", "line": float64(4), "column": float64(8)} {
		if m[k] != want {
			t.Errorf("%s = %#v, want %#v", k, m[k], want)
		}
	}
	for _, k := range []string{"message", "server_canonical_request", "server_string_to_sign", "hint", "causes"} {
		if _, ok := m[k]; !ok {
			t.Errorf("no %q in %s", k, b)
		}
	}
	if strings.Contains(string(b), `\u0026`) {
		t.Errorf("'&' escaped: %s", b)
	}
}

// TestRecompute rebuilds a signed request's canonical request without
// its secret.
func TestRecompute(t *testing.T) {
	for _, o := range []sign.Options{
		{Region: "us-east-1", Service: "execute-api"},
		{Region: "us-east-1", Service: "s3", S3: true},
		{Region: "eu-west-1", Service: "execute-api", Presign: true, Expires: time.Hour},
	} {
		tr := signed(t, &sign.Request{Method: "GET", Host: "h.example.com", Path: "/a b/c%2Fd", RawQuery: "x=1&y=a+b",
			Headers: []sign.Header{{Name: "X-Thing", Value: "v"}}}, o)
		got, info, err := Recompute(tr.Signed)
		if err != nil {
			t.Fatalf("%s: %v", o.Service, err)
		}
		if got.CanonicalRequest != tr.CanonicalRequest || got.StringToSign != tr.StringToSign || info.Region != o.Region {
			t.Errorf("%s presign %v:\n%s\nwant\n%s", o.Service, o.Presign, got.CanonicalRequest, tr.CanonicalRequest)
		}
		if got.Signature != "" || got.Keys.Signing != "" {
			t.Errorf("the placeholder key's signature is kept")
		}
	}
	if _, _, err := Recompute(&sign.Request{Method: "GET", Host: "h", Path: "/"}); err == nil {
		t.Error("an unsigned request recomputed")
	}
}
