package exchange

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/sigscope/sigscope/sign"
)

func mismatchBody(canonical, sts string) []byte {
	msg := "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'" + canonical + "'\n\nThe String-to-Sign should have been\n'" + sts + "'\n"
	b, _ := json.Marshal(map[string]string{"message": msg})
	return b
}

func TestDiagnoseMismatchParts(t *testing.T) {
	req := &sign.Request{Method: "GET", Scheme: "https", Host: "h.example.com", Path: "/prod/a%20b", RawQuery: "x=1",
		Headers: []sign.Header{{Name: "Accept", Value: "application/json"}}}
	tr, err := sign.Sign(req, sign.Options{Credentials: sign.Credentials{AccessKeyID: "AKID", SecretAccessKey: "secret"}, Region: "us-east-1", Service: "execute-api", Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(tr.CanonicalRequest, "\n")
	change := func(i int, v string) string {
		c := append([]string(nil), lines...)
		c[i] = v
		return strings.Join(c, "\n")
	}
	n := len(lines)
	cases := []struct {
		server string
		part   string
		hint   string
	}{
		{change(1, "/prod/a%20b"), "canonical URI", "encode the path twice"},
		{change(2, "x=2"), "canonical query string", "%2B"},
		{change(3, "accept:text/html"), "canonical headers", `"accept" reached the server with another value`},
		{change(4, "host:other.example.com"), "canonical headers", "the Host differs"},
		{change(n-1, "UNSIGNED-PAYLOAD"), "payload hash", "body changed"},
	}
	for _, tc := range cases {
		m, ok := DiagnoseMismatch(mismatchBody(tc.server, tr.StringToSign), tr)
		if !ok || m.Step != "canonical request" || m.Part != tc.part || !strings.Contains(m.Hint, tc.hint) {
			t.Errorf("server %q: ok %v step %q part %q hint %q; want part %q hint with %q", tc.server, ok, m.Step, m.Part, m.Hint, tc.part, tc.hint)
		}
	}
	// Same canonical request, another scope: the string to sign says where.
	sts := strings.Replace(tr.StringToSign, "/us-east-1/", "/eu-west-1/", 1)
	m, ok := DiagnoseMismatch(mismatchBody(tr.CanonicalRequest, sts), tr)
	if !ok || m.Step != "string to sign" || m.Part != "credential scope" || m.Line != 3 {
		t.Errorf("scope: %+v", m)
	}
	if _, ok := DiagnoseMismatch([]byte(`{"message":"Forbidden"}`), tr); ok {
		t.Errorf("a plain 403 read as a mismatch")
	}
	if m, ok := DiagnoseMismatch(mismatchBody(tr.CanonicalRequest, tr.StringToSign), nil); !ok || !strings.Contains(m.Hint, "not signed by sigscope") {
		t.Errorf("no trace: %+v", m)
	}
}

func TestExplainError(t *testing.T) {
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
		{500, `oops`, ""},
		{200, `{"message":"Missing Authentication Token"}`, ""},
	}
	for _, tc := range cases {
		got := ExplainError(tc.status, []byte(tc.body))
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%d %s: %q, want %q", tc.status, tc.body, got, tc.want)
		}
	}
}
