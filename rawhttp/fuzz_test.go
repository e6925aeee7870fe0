package rawhttp

import (
	"bytes"
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// absoluteForm recognises "scheme://authority" on its own, to check Path and
// Host without reusing the package's splitter.
var absoluteForm = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*://([^/?#]*)`)

func FuzzParse(f *testing.F) {
	for _, variant := range []string{"v4", "v4a"} {
		for _, c := range suiteCases(f, variant) {
			f.Add(c.raw)
			f.Add(bytes.ReplaceAll(c.raw, []byte("\n"), []byte("\r\n")))
		}
	}
	for _, s := range []string{
		"GET http://user@h:80/p?q#f HTTP/1.0\r\nA:\r\n \t x \r\n\r\n",
		"PUT /a#b?c HTTP/1.1\nContent-Length: 3\n\nabc\n\n",
		"GET * HTTP/1.1\r",
		"OPTIONS /\u1234 \u1234 HTTP/1.1\nX: \xff\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Parse(data)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || pe.Line < 1 || pe.Col < 1 || pe.Msg == "" || r != nil {
				t.Fatalf("Parse(%q) = %v, %v; want nil and a positioned *Error", data, r, err)
			}
			return
		}
		if err := r.Validate(); err != nil {
			t.Fatalf("Parse(%q) succeeded but Validate says %v", data, err)
		}
		if !reflect.DeepEqual(r.Clone(), r) {
			t.Fatalf("Clone differs for %q", data)
		}
		checkReparse(t, "Wire", r, r.Wire())
		checkReparse(t, "Display", r, []byte(r.Display()))
		checkTarget(t, r)
	})
}

// checkReparse parses serialized output again and wants the same request,
// except line numbers: Wire and Display write each header on one line.
func checkReparse(t *testing.T, how string, r *Request, out []byte) {
	t.Helper()
	back, err := Parse(out)
	if err != nil {
		t.Fatalf("Parse(%s()) of %#v: %v\n%q", how, r, err, out)
	}
	if back.Method != r.Method || back.Target != r.Target || back.Proto != r.Proto ||
		!bytes.Equal(back.Body, r.Body) || (back.Body == nil) != (r.Body == nil) || len(back.Headers) != len(r.Headers) {
		t.Fatalf("%s round trip\n got %#v\nwant %#v", how, back, r)
	}
	for i, h := range back.Headers {
		if h.Name != r.Headers[i].Name || h.Value != r.Headers[i].Value || h.Line != i+2 {
			t.Fatalf("%s round trip header %d: got %#v, want %#v on line %d", how, i, h, r.Headers[i], i+2)
		}
	}
}

// checkTarget rebuilds the target from Path, RawQuery and what follows.
func checkTarget(t *testing.T, r *Request) {
	t.Helper()
	rest := r.Target
	if m := absoluteForm.FindStringSubmatch(rest); m != nil {
		rest = rest[len(m[0]):]
		if _, ok := r.Get("Host"); !ok {
			want := m[1][strings.LastIndexByte(m[1], '@')+1:]
			if r.Host() != want {
				t.Fatalf("Host() = %q for target %q; want %q", r.Host(), r.Target, want)
			}
		}
		if rest == "" || rest[0] == '?' || rest[0] == '#' {
			if r.Path() != "/" {
				t.Fatalf("Path() = %q for %q; want \"/\"", r.Path(), r.Target)
			}
			rest = "/" + rest // the path Path() reports in place of the empty one
		}
	}
	head := r.Path()
	if r.HasQuery() {
		head += "?" + r.RawQuery()
	} else if r.RawQuery() != "" {
		t.Fatalf("RawQuery %q without HasQuery", r.RawQuery())
	}
	frag, ok := strings.CutPrefix(rest, head)
	if !ok || (frag != "" && frag[0] != '#') || strings.ContainsAny(r.Path(), "?#") || strings.Contains(r.RawQuery(), "#") {
		t.Fatalf("target %q: Path %q RawQuery %q HasQuery %v do not rebuild it", r.Target, r.Path(), r.RawQuery(), r.HasQuery())
	}
}

// A typical signed API Gateway call: eight headers and a small JSON body.
// The credentials are the suite's published example values, not secrets.
var apiGatewayRequest = []byte("POST /prod/pets?limit=10&type=dog HTTP/1.1\r\n" +
	"Host: abc123.execute-api.eu-west-1.amazonaws.com\r\n" +
	"Content-Type: application/json\r\n" +
	"Accept: application/json\r\n" +
	"User-Agent: sigscope/0.1\r\n" +
	"X-Amz-Date: 20150830T123600Z\r\n" +
	"X-Amz-Content-Sha256: 9d7a4c1c45a5b1e4e8c6e1b3a2f0a8e1d6c8b7a5e4f3d2c1b0a9f8e7d6c5b4a3\r\n" +
	"Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/eu-west-1/execute-api/aws4_request, " +
	"SignedHeaders=accept;content-length;content-type;host;x-amz-content-sha256;x-amz-date, " +
	"Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31\r\n" +
	"Content-Length: 48\r\n" +
	"\r\n" +
	`{"name":"Rex","type":"dog","price":249.99,"a":1}`)

func BenchmarkParse(b *testing.B) {
	r, err := Parse(apiGatewayRequest)
	if err != nil {
		b.Fatal(err)
	}
	if len(r.Headers) != 8 {
		b.Fatalf("benchmark request has %d headers, want 8", len(r.Headers))
	}
	if _, _, m := r.ContentLengthMismatch(); m {
		b.Fatal("benchmark request's Content-Length is wrong")
	}
	b.SetBytes(int64(len(apiGatewayRequest)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(apiGatewayRequest); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWire(b *testing.B) {
	r, err := Parse(apiGatewayRequest)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = r.Wire()
	}
}
