package explain

import (
	"strings"
	"testing"

	"github.com/sigscope/sigscope/sign"
)

// clientRefusal is what explain --request-file sees when a client signed
// the request its own way: the bytes it sent (the client's view, changed
// by send), AWS's answer computed from those bytes, and the trace rebuilt
// from them, as the command rebuilds it. The secret is right: the
// signature is the client's own for what it signed.
func clientRefusal(t *testing.T, signedAs *sign.Request, send func(*sign.Request), o sign.Options) Input {
	t.Helper()
	tr := signed(t, signedAs, o)
	sent := tr.Signed.Clone()
	if send != nil {
		send(sent)
	}
	server, _, err := Recompute(sent)
	if err != nil {
		t.Fatal(err)
	}
	rebuilt, _, err := Recompute(sent)
	if err != nil {
		t.Fatal(err)
	}
	return Input{Body: mismatchBody(server.CanonicalRequest, server.StringToSign), Request: sent, Trace: rebuilt}
}

func apiRequest(method, path, query string, headers ...sign.Header) *sign.Request {
	return &sign.Request{Method: method, Scheme: "https", Host: "abc123.execute-api.us-east-1.amazonaws.com", Path: path, RawQuery: query, Headers: headers}
}

var apiOptions = sign.Options{Region: "us-east-1", Service: "execute-api"}

// TestRebuiltNeverBlamesTheKey: a request whose signature was made with the
// right secret by a client that canonicalized it otherwise than AWS reads
// its bytes. The trace rebuilt from the bytes is what AWS computed, so it
// cannot differ from AWS's canonical request; the cause is the client's
// way of signing, named with the line that shows it, never the key.
func TestRebuiltNeverBlamesTheKey(t *testing.T) {
	cases := []struct {
		name     string
		signedAs *sign.Request
		send     func(*sign.Request)
		cause    string
		evidence []string
		quote    string
	}{
		{"q=a+b signed as a space (newman)",
			apiRequest("GET", "/prod/pets", "q=a%20b", sign.Header{Name: "User-Agent", Value: "PostmanRuntime/7.39.0"}),
			func(r *sign.Request) { r.RawQuery = "q=a+b" },
			CausePlus, []string{"signed '+' as a space", `raw '+' ("q=a+b"), which AWS reads as a plus ("q=a%2Bb")`, `aws4 (and so newman and Bruno)`, `sign "q=a%20b"`, `"PostmanRuntime/7.39.0" names Postman's runtime (Postman, newman)`},
			"q=a%2Bb"},
		{"q=a+b signed as a space (Bruno)",
			apiRequest("GET", "/prod/pets", "q=a%20b&x=1", sign.Header{Name: "User-Agent", Value: "bruno-runtime/4.1.0"}),
			func(r *sign.Request) { r.RawQuery = "q=a+b&x=1" },
			CausePlus, []string{"signed '+' as a space", "names Bruno"}, "q=a%2Bb&x=1"},
		{"unsorted query signed as written (curl 7.88)",
			apiRequest("GET", "/prod/pets", "b=2&a=1", sign.Header{Name: "User-Agent", Value: "curl/7.88.1"}),
			nil,
			CauseQuery, []string{`sent unsorted ("b=2&a=1") and AWS sorts it ("a=1&b=2")`, "in the order sent, as curl 7.88.1 does", `"curl/7.88.1" names curl`},
			"a=1&b=2"},
		{"path signed single-encoded",
			apiRequest("GET", "/prod/caf%C3%A9%20menu", "", sign.Header{Name: "User-Agent", Value: "curl/7.88.1"}),
			nil,
			CausePath, []string{`which AWS encodes again ("/prod/caf%25C3%25A9%2520menu")`, `signs "/prod/caf%C3%A9%20menu"`},
			"/prod/caf%25C3%25A9%2520menu"},
		{"dot segments kept",
			apiRequest("GET", "/prod/pets/../owners//1", ""),
			nil,
			CausePath, []string{`AWS removes before signing (as "/prod/owners/1")`, `aws-sdk-go-v2 signs "/prod/pets/../owners//1"`, "--path-as-is"},
			"/prod/owners/1"},
		{"default port in Host dropped when signing",
			apiRequest("GET", "/prod/pets", ""),
			func(r *sign.Request) { r.Host += ":443" },
			CauseHost, []string{`sends Host "abc123.execute-api.us-east-1.amazonaws.com:443" with its default port`, `sign "abc123.execute-api.us-east-1.amazonaws.com"`},
			"host:abc123.execute-api.us-east-1.amazonaws.com:443"},
		{"content-type charset added after signing",
			&sign.Request{Method: "POST", Scheme: "https", Host: "abc123.execute-api.us-east-1.amazonaws.com", Path: "/prod/pets", Body: []byte(`{"name":"Rex"}`),
				Headers: []sign.Header{{Name: "Content-Type", Value: "application/json"}}},
			func(r *sign.Request) { r.Set("Content-Type", "application/json; charset=utf-8") },
			CauseHeader, []string{`content-type "application/json; charset=utf-8"`, `a client that signed "application/json"`},
			"content-type:application/json; charset=utf-8"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := clientRefusal(t, tc.signedAs, tc.send, apiOptions)
			d, ok := Explain(in)
			if !ok || d.First != nil {
				t.Fatalf("ok %v first %+v: the rebuilt trace is AWS's own reading", ok, d.First)
			}
			c := d.Causes[0]
			if c.ID == CauseSecret {
				t.Fatalf("the key is blamed first: %q", c.Evidence)
			}
			if c.ID != tc.cause || c.Certain {
				t.Fatalf("first cause %s (certain %v) %q, want %s", c.ID, c.Certain, c.Evidence, tc.cause)
			}
			for _, w := range tc.evidence {
				if !strings.Contains(c.Evidence, w) {
					t.Errorf("evidence lacks %q:\n%s", w, c.Evidence)
				}
			}
			if len(c.Quotes) == 0 || c.Quotes[0].Text != tc.quote || c.Quotes[0].From != QuoteServerCanonical {
				t.Errorf("quotes %+v, want AWS's line %q", c.Quotes, tc.quote)
			}
			if !strings.Contains(d.Hint, "how the client signed them") {
				t.Errorf("hint %q", d.Hint)
			}
			for _, k := range d.Causes {
				if k.ID == CauseSecret && k.Evidence != "" {
					t.Errorf("the key is argued for: %q", k.Evidence)
				}
			}
		})
	}
}

// TestRebuiltKeyNeedsEvidence: the key comes first only when no signer
// reads the bytes otherwise and AWS's own canonical request and string to
// sign show that it read the request as its bytes say; then the date and
// scope of the string to sign are named as checked first.
func TestRebuiltKeyNeedsEvidence(t *testing.T) {
	in := clientRefusal(t, apiRequest("GET", "/prod/pets", "limit=10"), nil, apiOptions)
	d, _ := Explain(in)
	c := d.Causes[0]
	if c.ID != CauseSecret || c.Certain {
		t.Fatalf("first cause %+v", c)
	}
	for _, w := range []string{"byte for byte", "none of the known signers", "date 20260102T030405Z and scope 20260102/us-east-1/execute-api, checked first", "only the signing key remains"} {
		if !strings.Contains(c.Evidence, w) {
			t.Errorf("evidence lacks %q: %s", w, c.Evidence)
		}
	}
	if len(c.Quotes) != 2 || c.Quotes[0].Text != "20260102T030405Z" || c.Quotes[1].Text != "20260102/us-east-1/execute-api/aws4_request" {
		t.Errorf("quotes %+v", c.Quotes)
	}
	if d.Causes[1].ID != CauseScope || !strings.Contains(d.Causes[1].Evidence, "derived it for another day") {
		t.Errorf("second cause %+v", d.Causes[1])
	}
	if !strings.HasPrefix(d.Hint, "AWS computed exactly what the request's bytes give and no known signer") {
		t.Errorf("hint %q", d.Hint)
	}

	// Without AWS's canonical request or string to sign nothing shows that
	// AWS read the bytes so: the key stays a usual suspect, last.
	in.Body = []byte(`{"message":"` + apiGatewayHead + `"}`)
	d, _ = Explain(in)
	if c := d.Causes[0]; c.ID == CauseSecret || d.Causes[len(d.Causes)-1].ID != CauseSecret {
		t.Errorf("message only: %v", causeIDs(d.Causes))
	}

	// A trace sigscope signed is a record of what was signed: the same
	// agreement proves the key, as before.
	tr := signed(t, apiRequest("GET", "/prod/pets", "limit=10"), apiOptions)
	d, _ = Explain(Input{Body: mismatchBody(tr.CanonicalRequest, tr.StringToSign), Trace: tr, Request: tr.Signed})
	if c := d.Causes[0]; c.ID != CauseSecret || !c.Certain {
		t.Errorf("recorded trace: %+v", c)
	}
}

// TestRebuiltProxyChange: the request given is not what reached AWS (a
// proxy appended the charset); the differing line is certain and says
// which side is which.
func TestRebuiltProxyChange(t *testing.T) {
	tr := signed(t, &sign.Request{Method: "POST", Host: "abc123.execute-api.us-east-1.amazonaws.com", Path: "/prod/pets", Body: []byte(`{}`),
		Headers: []sign.Header{{Name: "Content-Type", Value: "application/json"}}}, apiOptions)
	rebuilt, _, err := Recompute(tr.Signed)
	if err != nil {
		t.Fatal(err)
	}
	server := strings.Replace(rebuilt.CanonicalRequest, "content-type:application/json\n", "content-type:application/json; charset=utf-8\n", 1)
	d, _ := Explain(Input{Body: mismatchBody(server, serverSTS(rebuilt, server)), Request: tr.Signed, Trace: rebuilt})
	c := d.Causes[0]
	if d.First == nil || c.ID != CauseHeader || !c.Certain || !strings.Contains(c.Evidence, `the request as given implies "content-type:application/json"`) ||
		!strings.Contains(c.Evidence, "charset was appended") || c.Quotes[0].Text != "content-type:application/json; charset=utf-8" {
		t.Errorf("%+v", c)
	}
}

func causeIDs(cs []Cause) []string {
	var ids []string
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	return ids
}

// TestRebuiltS3Path: an S3 key with escapes, signed outside S3 mode.
func TestRebuiltS3Path(t *testing.T) {
	o := sign.Options{Region: "eu-west-1", Service: "s3", S3: true}
	in := clientRefusal(t, &sign.Request{Method: "GET", Scheme: "https", Host: "b.s3.eu-west-1.amazonaws.com", Path: "/photos/a%20b.jpg"}, nil, o)
	d, _ := Explain(in)
	if c := d.Causes[0]; c.ID != CausePath || !strings.Contains(c.Evidence, `outside S3 mode encodes them again and signs "/photos/a%2520b.jpg"`) || c.Quotes[0].Text != "/photos/a%20b.jpg" {
		t.Errorf("%+v", c)
	}
}
