package sign

import (
	"strings"
	"testing"
	"time"
)

var testTime = time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)

func gatewayRequest() *Request {
	return &Request{
		Method: "POST", Host: "abc123.execute-api.us-east-1.amazonaws.com", Path: "/prod/pets", RawQuery: "limit=10&type=dog",
		Headers: []Header{{Name: "Content-Type", Value: "application/json"}, {Name: "X-Custom", Value: "a"}},
		Body:    []byte(`{"name":"Rex"}`),
	}
}

func gatewayOptions(presign bool) Options {
	return Options{
		Credentials: Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", SessionToken: "session-token-value"},
		Region:      "us-east-1", Service: "execute-api", Time: testTime, Presign: presign,
	}
}

func signed(t *testing.T, presign bool) *Request {
	t.Helper()
	tr, err := Sign(gatewayRequest(), gatewayOptions(presign))
	if err != nil {
		t.Fatal(err)
	}
	return tr.Signed
}

func TestVerifyAcceptsOwnSignature(t *testing.T) {
	for _, presign := range []bool{false, true} {
		v, err := Verify(VerifyInput{Request: signed(t, presign), SecretAccessKey: gatewayOptions(false).Credentials.SecretAccessKey, Now: testTime.Add(time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		if !v.Match || len(v.Problems) > 0 {
			t.Errorf("presign=%v: own signature not verified: %+v", presign, v.Problems)
		}
		if v.Info.Region != "us-east-1" || v.Info.Service != "execute-api" || v.Info.AccessKeyID != "AKIDEXAMPLE" {
			t.Errorf("presign=%v: read %+v", presign, v.Info)
		}
	}
}

func TestVerifyUnsignedHeaderAddedLaterIsFine(t *testing.T) {
	r := signed(t, false)
	r.Headers = append(r.Headers, Header{Name: "X-Forwarded-For", Value: "10.0.0.1"})
	v, err := Verify(VerifyInput{Request: r, SecretAccessKey: gatewayOptions(false).Credentials.SecretAccessKey})
	if err != nil {
		t.Fatal(err)
	}
	if !v.Match {
		t.Errorf("an unsigned header added after signing broke verification: %+v", v.Problems)
	}
}

func TestVerifyFindsTheChangedPart(t *testing.T) {
	secret := gatewayOptions(false).Credentials.SecretAccessKey
	tests := []struct {
		name     string
		change   func(r *Request)
		wantLine int
		wantPart string
	}{
		{"method", func(r *Request) { r.Method = "PUT" }, 1, "HTTP method"},
		{"path", func(r *Request) { r.Path = "/prod/Pets" }, 2, "canonical URI"},
		{"query", func(r *Request) { r.RawQuery = "limit=11&type=dog" }, 3, "canonical query string"},
		{"header", func(r *Request) { r.Set("Content-Type", "application/json; charset=utf-8") }, 4, "canonical headers"},
		{"body", func(r *Request) { r.Body = []byte(`{"name":"Rez"}`) }, 0, "payload hash"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			original := signed(t, false)
			// What the server computes from the request it received:
			received := original.Clone()
			tc.change(received)
			server, err := Verify(VerifyInput{Request: received, SecretAccessKey: secret})
			if err != nil {
				t.Fatal(err)
			}
			if server.Match {
				t.Fatal("a changed request still verified")
			}
			last := server.Problems[len(server.Problems)-1]
			if last.Step != "signature" {
				t.Errorf("last problem = %+v, want the signature", last)
			}
			// The signer, given the server's canonical request, finds the line.
			client, err := Verify(VerifyInput{Request: original, SecretAccessKey: secret, ExpectedCanonicalRequest: server.Trace.CanonicalRequest})
			if err != nil {
				t.Fatal(err)
			}
			first := client.Problems[0]
			if first.Step != "canonical request" || !strings.Contains(first.Detail, tc.wantPart) {
				t.Errorf("first problem = %+v, want the %s", first, tc.wantPart)
			}
			if tc.wantLine > 0 && first.Line != tc.wantLine {
				t.Errorf("line %d, want %d", first.Line, tc.wantLine)
			}
		})
	}
}

func TestVerifyWrongSecret(t *testing.T) {
	v, err := Verify(VerifyInput{Request: signed(t, false), SecretAccessKey: "not-the-secret"})
	if err != nil {
		t.Fatal(err)
	}
	if v.Match || v.Problems[0].Step != "signature" {
		t.Errorf("wrong secret: match=%v problems=%+v", v.Match, v.Problems)
	}
}

func TestVerifyTimeAndHeaders(t *testing.T) {
	secret := gatewayOptions(false).Credentials.SecretAccessKey
	v, _ := Verify(VerifyInput{Request: signed(t, false), SecretAccessKey: secret, Now: testTime.Add(10 * time.Minute)})
	if v.Problems[0].Step != "date" || !strings.Contains(v.Problems[0].Detail, "5 minutes") {
		t.Errorf("skew not reported first: %+v", v.Problems)
	}
	v, _ = Verify(VerifyInput{Request: signed(t, true), SecretAccessKey: secret, Now: testTime.Add(2 * time.Hour)})
	if v.Problems[0].Step != "date" || !strings.Contains(v.Problems[0].Detail, "expired") {
		t.Errorf("presign expiry not reported: %+v", v.Problems)
	}
	r := signed(t, false)
	r.Del("X-Custom")
	v, _ = Verify(VerifyInput{Request: r, SecretAccessKey: secret})
	if v.Problems[0].Step != "signed headers" || !strings.Contains(v.Problems[0].Detail, "x-custom") {
		t.Errorf("missing signed header not reported: %+v", v.Problems)
	}
}

func TestParseAuthorizationErrors(t *testing.T) {
	for in, want := range map[string]string{
		"eyJraWQiOi...":    "not a SigV4 signature",
		"AWS4-HMAC-SHA256": "lacks Credential, SignedHeaders, Signature",
		"AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1, SignedHeaders=host, Signature=ab": "access-key/date/region/service/aws4_request",
	} {
		_, err := ParseAuthorization(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseAuthorization(%q) = %v, want %q", in, err, want)
		}
	}
}

func TestDiffStringToSign(t *testing.T) {
	a := "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/execute-api/aws4_request\nabc"
	b := strings.Replace(a, "us-east-1", "eu-west-1", 1)
	p := DiffStringToSign(a, b)
	if p == nil || p.Line != 3 || !strings.Contains(p.Detail, "credential scope") {
		t.Errorf("DiffStringToSign = %+v", p)
	}
	if DiffStringToSign(a, a) != nil {
		t.Error("equal strings reported as different")
	}
}

func TestTraceRules(t *testing.T) {
	req := &Request{Method: "GET", Host: "h:443", Path: "/a/./b%20c", RawQuery: "b=2&a=x+y",
		Headers: []Header{{Name: "X-Custom", Value: "  a   b "}, {Name: "x-multi", Value: "1"}, {Name: "X-Multi", Value: "2"}, {Name: "User-Agent", Value: "ua"}}}
	tr, err := Sign(req, gatewayOptions(false))
	if err != nil {
		t.Fatal(err)
	}
	has := func(rules []string, r string) bool {
		for _, x := range rules {
			if x == r {
				return true
			}
		}
		return false
	}
	if !has(tr.URI.Rules, RuleDotSegments) || !has(tr.URI.Rules, RuleEncodedTwice) {
		t.Errorf("URI rules %v", tr.URI.Rules)
	}
	if !has(tr.Query.Rules, RuleSortedByKey) {
		t.Errorf("query rules %v", tr.Query.Rules)
	}
	for _, p := range tr.Query.Params {
		if p.Key == "a" && !has(p.Rules, RulePlusLiteral) {
			t.Errorf("a=x+y rules %v", p.Rules)
		}
	}
	lines := map[string]HeaderLine{}
	for _, h := range tr.Headers {
		lines[h.Name] = h
	}
	if l := lines["x-custom"]; l.Value != "a b" || !has(l.Rules, RuleLowercased) || !has(l.Rules, RuleSpacesFolded) {
		t.Errorf("x-custom %+v", l)
	}
	if l := lines["x-multi"]; l.Value != "1,2" || !has(l.Rules, RuleValuesJoined) {
		t.Errorf("x-multi %+v", l)
	}
	if l := lines["host"]; l.Value != "h" || !has(l.Rules, RuleDefaultPortHost) {
		t.Errorf("host %+v", l)
	}
	if len(tr.Skipped) != 1 || tr.Skipped[0].Name != "User-Agent" {
		t.Errorf("skipped %+v", tr.Skipped)
	}
	if !has(tr.HeaderRules, RuleHeadersSorted) {
		t.Errorf("header rules %v", tr.HeaderRules)
	}
}
