package capture

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sigscope/sigscope/sign"
)

const secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

var signedAt = time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)

// signedRequest is a POST signed in header mode (or presigned).
func signedRequest(t *testing.T, presign bool) *sign.Request {
	t.Helper()
	req := &sign.Request{Method: "POST", Host: "abc123.execute-api.us-east-1.amazonaws.com", Path: "/prod/pets", RawQuery: "limit=10&type=a%20b",
		Headers: []sign.Header{{Name: "Content-Type", Value: "application/json"}}, Body: []byte(`{"name":"Rex"}`)}
	if presign {
		req.Method, req.Body, req.Headers = "GET", nil, nil
	}
	tr, err := sign.Sign(req, sign.Options{
		Credentials: sign.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: secret, SessionToken: "tok+en/=="},
		Region:      "us-east-1", Service: "execute-api", Time: signedAt, Presign: presign,
	})
	if err != nil {
		t.Fatal(err)
	}
	return tr.Signed
}

func header(r *sign.Request, name string) string { v, _ := r.Get(name); return v }

// verifies checks that a captured request still carries a valid signature.
func verifies(t *testing.T, c *Capture) {
	t.Helper()
	v, err := sign.Verify(sign.VerifyInput{Request: c.Request, AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: secret, Now: signedAt, WireBody: c.WireBody})
	if err != nil {
		t.Fatal(err)
	}
	if !v.Valid() {
		t.Errorf("%s: the captured request does not verify: %+v", c.Format, v.Problems)
	}
}

func mustParse(t *testing.T, text string, opts Options) *Capture {
	t.Helper()
	c, err := Parse([]byte(text), opts)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return c
}

func TestRawAndFirefoxHTTP2(t *testing.T) {
	r := signedRequest(t, false)
	text := strings.ReplaceAll(r.Display(), "\n", "\r\n")
	c := mustParse(t, "\n"+text, Options{Entry: -1})
	if c.Format != FormatRaw || c.Request.Host != r.Host || c.Request.RawQuery != r.RawQuery || string(c.Request.Body) != string(r.Body) {
		t.Errorf("raw: %s %+v", c.Format, c.Request)
	}
	verifies(t, c)
	// Firefox copies an HTTP/2 request with an HTTP/2 request line.
	ff := strings.Replace(r.Display(), "HTTP/1.1", "HTTP/2", 1)
	c = mustParse(t, ff, Options{Entry: -1})
	if c.Format != FormatRaw || len(c.Warnings) == 0 || !strings.Contains(c.Warnings[0], "HTTP/2") {
		t.Errorf("firefox: %s %v", c.Format, c.Warnings)
	}
	verifies(t, c)
	// A proxy's absolute-form target over plain HTTP.
	c = mustParse(t, "GET http://example.com:8080/x?a=1 HTTP/1.1\nHost: example.com:8080\n\n", Options{Entry: -1})
	if c.Request.Scheme != "http" || c.Request.Path != "/x" || c.Request.RawQuery != "a=1" {
		t.Errorf("absolute form: %+v", c.Request)
	}
}

func TestChunkedKeepsTheWireBody(t *testing.T) {
	c := mustParse(t, "PUT /x HTTP/1.1\nHost: h\nTransfer-Encoding: chunked\n\n3\r\nabc\r\n0\r\n\r\n", Options{Entry: -1})
	if string(c.Request.Body) != "abc" || string(c.WireBody) != "3\r\nabc\r\n0\r\n\r\n" {
		t.Errorf("body %q, wire %q", c.Request.Body, c.WireBody)
	}
}

func TestChromeHTTP2Headers(t *testing.T) {
	r := signedRequest(t, false)
	var b strings.Builder
	b.WriteString(":authority: " + r.Host + "\n:method: POST\n:path: " + r.Target() + "\n:scheme: https\n")
	for _, h := range r.Headers {
		b.WriteString(strings.ToLower(h.Name) + ": " + h.Value + "\n")
	}
	b.WriteString("\n" + string(r.Body))
	c := mustParse(t, b.String(), Options{Entry: -1})
	if c.Format != FormatH2 || c.Request.Method != "POST" || c.Request.Host != r.Host || c.Request.Path != "/prod/pets" || c.Request.Scheme != "https" {
		t.Fatalf("h2: %s %+v", c.Format, c.Request)
	}
	if header(c.Request, "authorization") != header(r, "Authorization") {
		t.Errorf("authorization %q", header(c.Request, "authorization"))
	}
	verifies(t, c)

	for text, want := range map[string]string{
		":method: GET\n:authority: h\n":                     "line 1: no :path pseudo-header",
		":method: GET\n:path: /\n:authority: h\nbad line\n": "line 4: header line has no colon",
		":method: GET\n:path: /\n:status: 200\n":            "line 3: unknown pseudo-header :status",
		":method: GET\n:path: /\n:authority: a\nhost: b\n":  "line 3: :authority \"a\" and Host \"b\" disagree",
		":method: GET\n:path: /\n:authority: h\nx y: 1\n":   "line 4",
	} {
		_, err := Parse([]byte(text), Options{Entry: -1})
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "verify reads a raw HTTP/1.1 request") {
			t.Errorf("%q: %v, want %q and the accepted formats", text, err, want)
		}
	}
}

func TestHAR(t *testing.T) {
	r := signedRequest(t, false)
	type hdr struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	headers := []hdr{{":authority", r.Host}, {":method", "POST"}}
	for _, h := range r.Headers {
		headers = append(headers, hdr{strings.ToLower(h.Name), h.Value})
	}
	entry := func(method, url string, hs []hdr, body string) map[string]any {
		req := map[string]any{"method": method, "url": url, "httpVersion": "h2", "headers": hs}
		if body != "" {
			req["postData"] = map[string]any{"mimeType": "application/json", "text": body}
		}
		return map[string]any{"request": req}
	}
	file, _ := json.MarshalIndent(map[string]any{"log": map[string]any{"entries": []any{
		entry("GET", "https://example.com/favicon.ico", []hdr{{"accept", "*/*"}}, ""),
		entry("POST", "https://"+r.Host+r.Target()+"#frag", headers, string(r.Body)),
	}}}, "", " ")
	c := mustParse(t, string(file), Options{Entry: -1})
	if c.Format != FormatHAR || c.Entry != 1 || c.Request.Host != r.Host || c.Request.RawQuery != r.RawQuery || string(c.Request.Body) != string(r.Body) {
		t.Fatalf("har: %s entry %d %+v", c.Format, c.Entry, c.Request)
	}
	verifies(t, c)
	c = mustParse(t, string(file), Options{Entry: 0})
	if c.Entry != 0 || c.Request.Path != "/favicon.ico" {
		t.Errorf("--entry 0: %+v", c.Request)
	}
	for opts, want := range map[int]string{5: "--entry 5: the file has 2 entries (0 to 1)"} {
		if _, err := Parse(file, Options{Entry: opts}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("entry %d: %v", opts, err)
		}
	}
	unsigned, _ := json.Marshal(map[string]any{"log": map[string]any{"entries": []any{entry("GET", "https://example.com/", nil, "")}}})
	if _, err := Parse(unsigned, Options{Entry: -1}); err == nil || !strings.Contains(err.Error(), "none of the 1 entries carries an AWS signature") {
		t.Errorf("unsigned HAR: %v", err)
	}
	_, err := Parse([]byte("{\n \"log\": {\n  \"entries\": [,]\n }\n}"), Options{Entry: -1})
	var ce *Error
	if !errors.As(err, &ce) || ce.Line != 3 || ce.Format != FormatHAR {
		t.Errorf("bad JSON: %v", err)
	}
}

func TestPresignedURL(t *testing.T) {
	r := signedRequest(t, true)
	c := mustParse(t, "  "+r.URL()+"\n\n", Options{Entry: -1})
	if c.Format != FormatURL || c.Request.Method != "GET" || c.Request.Host != r.Host || c.Request.RawQuery != r.RawQuery {
		t.Fatalf("url: %s %+v", c.Format, c.Request)
	}
	verifies(t, c)
	if _, err := Parse([]byte(r.URL()+"\nmore\n"), Options{Entry: -1}); err == nil || !strings.Contains(err.Error(), "line 2, col 1: more text after the URL") {
		t.Errorf("url with more text: %v", err)
	}
	if c := mustParse(t, "https://h/a b/\xe1\x88\xb4?q=x y\n", Options{Entry: -1}); c.Request.Path != "/a%20b/%E1%88%B4" || c.Request.RawQuery != "q=x%20y" || len(c.Warnings) != 1 {
		t.Errorf("url with a space: %+v %v", c.Request, c.Warnings)
	}
}

func TestCurlVerbose(t *testing.T) {
	r := signedRequest(t, false)
	var b strings.Builder
	b.WriteString("Note: Unnecessary use of -X or --request, POST is already inferred.\n*   Trying 10.0.0.1:443...\n* Connected to " + r.Host + " (10.0.0.1) port 443\n* SSL connection using TLSv1.3\n")
	b.WriteString("> POST " + r.Target() + " HTTP/2\n> Host: " + r.Host + "\n")
	for _, h := range r.Headers {
		b.WriteString("> " + h.Name + ": " + h.Value + "\n")
	}
	b.WriteString(">\n} [14 bytes data]\n* upload completely sent off: 14 bytes\n< HTTP/2 403\n< content-type: application/json\n<\n{\"message\":\"Forbidden\"}\n")
	c := mustParse(t, b.String(), Options{Entry: -1})
	if c.Format != FormatCurl || c.Request.Method != "POST" || c.Request.Host != r.Host || c.Request.Scheme != "https" || len(c.Request.Body) != 0 {
		t.Fatalf("curl: %s %+v", c.Format, c.Request)
	}
	if w := strings.Join(c.Warnings, "\n"); !strings.Contains(w, "does not print the request body (14 bytes data were sent)") {
		t.Errorf("warnings %q", w)
	}
	// With the body put back, it verifies.
	c.Request.Body = r.Body
	verifies(t, c)

	plain := mustParse(t, "* Connected to example.com (1.2.3.4) port 80\n> GET / HTTP/1.1\n> Host: example.com\n>\n", Options{Entry: -1})
	if plain.Request.Scheme != "http" {
		t.Errorf("port 80: scheme %q", plain.Request.Scheme)
	}
	_, err := Parse([]byte("* Trying\n> GET / HTTP/1.1\n> Host: example.com\n> Bad Header: x\n>\n"), Options{Entry: -1})
	if err == nil || !strings.Contains(err.Error(), "line 4") || !strings.Contains(err.Error(), "curl -v output") {
		t.Errorf("curl error line: %v", err)
	}
	if _, err := Parse([]byte("curl -H 'x: y' https://example.com/\n"), Options{Entry: -1}); err == nil || !strings.Contains(err.Error(), "a curl command, not its output") {
		t.Errorf("curl command: %v", err)
	}
}

func TestErrorsNameTheLine(t *testing.T) {
	for text, want := range map[string]string{
		"":                                    "empty input",
		"GET /x\nHost: h\n\n":                 "line 1, col 7",
		"\n\nGET / HTTP/1.1\nBad Header: x\n": "line 4",
		"GET / HTTP/1.1\n\n":                  "no Host header",
		"hello there\n":                       "line 1",
	} {
		_, err := Parse([]byte(text), Options{Entry: -1})
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "read as raw HTTP/1.1") {
			t.Errorf("%q: %v, want %q", text, err, want)
		}
	}
}

// TestBlankLinesAfterTheHeadAreNoBody: without Content-Length or
// Transfer-Encoding a server reads no body, so the blank lines a paste
// leaves after the head are not hashed as one.
func TestBlankLinesAfterTheHeadAreNoBody(t *testing.T) {
	c := mustParse(t, "GET /p HTTP/1.1\nHost: h\nX-Amz-Date: 20150830T123600Z\n\n\n\n", Options{Entry: -1})
	if len(c.Request.Body) != 0 {
		t.Fatalf("body %q", c.Request.Body)
	}
	c = mustParse(t, "POST /p HTTP/1.1\nHost: h\nContent-Length: 1\n\n\n", Options{Entry: -1})
	if string(c.Request.Body) != "\n" {
		t.Fatalf("a declared body of one newline was dropped: %q", c.Request.Body)
	}
}
