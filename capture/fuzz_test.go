package capture

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/sigscope/sigscope/sign"
)

// FuzzParseAndVerify: no input makes Parse or Verify panic, and what Parse
// accepts has a method and a host.
func FuzzParseAndVerify(f *testing.F) {
	seeds, _ := filepath.Glob("../sign/testdata/sigv4-suite/v4/*/*-signed-request.txt")
	for _, s := range seeds[:min(len(seeds), 12)] {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(":method: GET\n:authority: h\n:path: /?X-Amz-Signature=00\n"))
	f.Add([]byte(`{"log":{"entries":[{"request":{"method":"GET","url":"https://h/?X-Amz-Signature=1","headers":[]}}]}}`))
	f.Add([]byte("https://h/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=A%2F20150830%2Fus-east-1%2Fs%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Expires=60&X-Amz-Signature=00\n"))
	f.Add([]byte("* Connected to h port 80\n> GET / HTTP/1.1\n> Host: h\n> Authorization: AWS4-HMAC-SHA256 Credential=A/1/r/s/aws4_request, SignedHeaders=host, Signature=0\n>\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data, Options{Entry: -1})
		if err != nil {
			return
		}
		if c.Request == nil || c.Request.Method == "" || c.Request.Host == "" {
			t.Fatalf("accepted without method or host: %+v", c.Request)
		}
		v, err := sign.Verify(sign.VerifyInput{Request: c.Request, AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret", WireBody: c.WireBody})
		if err == nil && !v.Valid() && len(v.Problems) == 0 {
			t.Fatalf("invalid without a problem: %+v", v)
		}
	})
}
