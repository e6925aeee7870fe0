package sign

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigscope/sigscope/internal/peer"
)

// TestAmplifyDialectMatchesAmplify runs Amplify's Signer (@aws-amplify/core
// 6.19.2, pinned in testdata/amplify) on every case of TestDialectRules
// where compare documents Amplify, and on plain ones: the Signer signs at
// the time of the run, and compare's Amplify canonical request at that
// time must reproduce its signature (an HMAC reproduced is proof). Header
// mode goes through Signer.sign, presigning through Signer.signUrl.
func TestAmplifyDialectMatchesAmplify(t *testing.T) {
	node := peer.Command(t, "node")
	dir := filepath.Join("testdata", "amplify")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@aws-amplify", "core", "package.json")); err != nil {
		peer.Missing(t, "%s/node_modules not installed (run: npm ci --prefix sign/testdata/amplify)", dir)
	}
	cases := []peerCase{{r: dialectRequest("/prod/pets", "limit=10")}, {r: dialectRequest("/prod/pets", "limit=10"), opts: Options{Presign: true}}}
	cases = append(cases, ruleCasesFor(t, dialectAmplify)...)
	var in []map[string]any
	for _, c := range cases {
		h := map[string]string{}
		for _, x := range c.r.Headers {
			h[x.Name] = x.Value
		}
		service := "execute-api"
		if c.opts.S3 {
			service = "s3"
		}
		in = append(in, map[string]any{"url": "https://" + c.r.Host + c.r.Target(), "headers": h, "service": service, "region": "us-east-1", "presign": c.opts.Presign})
	}
	var got []struct{ Authorization, AmzDate, URL, Canonical string }
	runNode(t, node, dir, []string{"amplify.js"}, in, len(cases), &got)
	for i, c := range cases {
		signature, amzDate, scope := amplifySigned(t, got[i].Authorization, got[i].AmzDate, got[i].URL)
		opts := c.opts
		opts.Region = "us-east-1"
		var err error
		if opts.Time, err = time.Parse(amzDateFormat, amzDate); err != nil {
			t.Fatalf("%s: Amplify's X-Amz-Date %q: %v", c, amzDate, err)
		}
		d := result(t, compareOrFail(t, c.r, opts), dialectAmplify)
		if len(d.NotDocumented) > 0 {
			t.Fatalf("%s: not a documented Amplify case: %+v", c, d.NotDocumented)
		}
		service := strings.Split(scope, "/")[2]
		sts := Algorithm + "\n" + amzDate + "\n" + scope + "\n" + sha256Hex(bytesOf(d.CanonicalRequest))
		if deriveKeys(suiteSecret, amzDate[:8], "us-east-1", service).sign(sts) != signature {
			t.Errorf("%s: Amplify signed another canonical request than compare's:\ncompare:\n%q\nAmplify (header mode only):\n%q\nsigned URL %s", c, d.CanonicalRequest, got[i].Canonical, got[i].URL)
		}
	}
}

// amplifySigned reads the signature, time and scope from what the Signer
// returned: its Authorization header, or the query of its presigned URL.
func amplifySigned(t *testing.T, authorization, amzDate, signedURL string) (signature, date, scope string) {
	t.Helper()
	if authorization != "" {
		info, err := ParseAuthorization(authorization)
		if err != nil {
			t.Fatalf("Amplify's Authorization %q: %v", authorization, err)
		}
		return info.Signature, amzDate, info.Scope()
	}
	u, err := url.Parse(signedURL)
	if err != nil {
		t.Fatalf("Amplify's URL %q: %v", signedURL, err)
	}
	q := u.Query()
	return q.Get("X-Amz-Signature"), q.Get("X-Amz-Date"), strings.SplitN(q.Get("X-Amz-Credential"), "/", 2)[1]
}
