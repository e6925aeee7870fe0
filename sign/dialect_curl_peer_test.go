package sign

import (
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sigscope/sigscope/internal/peer"
)

// curlCapture is what a 127.0.0.1 listener saw of the last request: the
// target as written on the request line, and the signing headers.
type curlCapture struct {
	mu                    sync.Mutex
	target, auth, amzDate string
}

func newCurlCapture(t *testing.T) (*curlCapture, string) {
	t.Helper()
	c := &curlCapture{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		c.target, c.auth, c.amzDate = r.RequestURI, r.Header.Get("Authorization"), r.Header.Get("X-Amz-Date")
		c.mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	return c, srv.URL
}

func (c *curlCapture) last() (target, auth, amzDate string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.target, c.auth, c.amzDate
}

// TestCurlDialectMatchesTheLocalCurl runs the curl on this machine
// (--aws-sigv4, the suite's keys) on every header-mode case of
// TestDialectRules and wants the model of its release to be what it did:
// compare's canonical request for that curl, with curl's own time,
// reproduces the signature curl sent (an HMAC reproduced is proof), and
// where curl sends another target than the one written (it removes dot
// segments unless --path-as-is, it escapes non-ASCII bytes), compare's own
// request for it names that target.
func TestCurlDialectMatchesTheLocalCurl(t *testing.T) {
	curl := peer.Command(t, "curl")
	release := localCurlRelease(t, curl)
	model, ok := DialectFor(dialectCurl, release)
	if !ok {
		t.Fatalf("no curl model covers curl %s", release)
	}
	capture, base := newCurlCapture(t)
	checked := 0
	for _, c := range dialectRuleCases() {
		if c.opts.Presign {
			continue // curl --aws-sigv4 signs an Authorization header only
		}
		t.Run(c.name, func(t *testing.T) {
			service := "execute-api"
			if c.opts.S3 {
				service = "s3"
			}
			opts := c.opts
			opts.Service, opts.Region = service, "us-east-1"
			if _, ok := c.req.Get("X-Amz-Content-Sha256"); c.opts.S3 && !ok {
				// curl adds none; S3 clients send it, as for ruleCasesFor
				c.req.Headers = append(c.req.Headers, Header{Name: "X-Amz-Content-Sha256", Value: emptySHA256})
			}
			for _, asIs := range []bool{true, false} {
				args := []string{"-sS", "-o", "/dev/null", "--aws-sigv4", "aws:amz:us-east-1:" + service,
					"--user", "AKIDEXAMPLE:" + suiteSecret, "-H", "Host: " + c.req.Host}
				if asIs {
					args = append(args, "--path-as-is")
				}
				for _, h := range c.req.Headers {
					args = append(args, "-H", h.Name+": "+h.Value)
				}
				written := c.req.Target()
				if c.req.Path == "" {
					written = "/" + written // no request line holds an empty path: "" is "/"
				}
				if out, err := exec.Command(curl, append(args, base+c.req.Target())...).CombinedOutput(); err != nil {
					// curl refuses some URLs (a raw space): nothing it signs to compare.
					t.Logf("curl %s refuses %q: %v: %s", release, written, err, strings.TrimSpace(string(out)))
					return
				}
				sent, auth, amzDate := capture.last()
				sig, err := ParseAuthorization(auth)
				if err != nil || len(amzDate) != 16 {
					t.Fatalf("curl sent Authorization %q, X-Amz-Date %q: %v", auth, amzDate, err)
				}
				if opts.Time, err = time.Parse(amzDateFormat, amzDate); err != nil {
					t.Fatalf("curl's X-Amz-Date %q: %v", amzDate, err)
				}
				d := result(t, compareOrFail(t, c.req, opts), model.ID)
				if sent != written {
					if d.OwnRequest == nil || d.OwnRequest.Target != sent {
						t.Errorf("curl %s (path-as-is %v) sends %q for %q; compare says it sends %+v", release, asIs, sent, written, d.OwnRequest)
					}
					if asIs {
						t.Logf("curl %s rewrites %q to %q even with --path-as-is: the request as written is not one it sends", release, written, sent)
						return
					}
					continue // its own request: the canonical it signed is the one for the target it sent
				}
				if len(d.NotDocumented) > 0 {
					t.Logf("%s: compare does not document curl here: %+v", c.name, d.NotDocumented)
					return
				}
				sts := Algorithm + "\n" + amzDate + "\n" + amzDate[:8] + "/us-east-1/" + service + "/aws4_request\n" + sha256Hex(bytesOf(d.CanonicalRequest))
				if got := deriveKeys(suiteSecret, amzDate[:8], "us-east-1", service).sign(sts); got != sig.Signature {
					t.Errorf("curl %s signed %q (signed headers %s) with another canonical request than compare's %s:\n%s",
						release, sent, sig.SignedHeaders, model.ID, d.CanonicalRequest)
				}
				checked++
			}
		})
	}
	if checked == 0 {
		t.Fatal("no case reproduced curl's signature")
	}
}
