package cli

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/sigscope/sigscope/internal/peer"
)

// curlTargets are paths and queries curl releases sign differently; the
// extra arguments go to curl.
var curlTargets = []struct {
	target string
	args   []string
}{
	{"/prod/pets?limit=10&type=cat&type=dog", nil},
	{"/prod/pets?b=2&a=1", nil},
	{"/prod/pets?q=a+b", nil},
	{"/prod/pets?q=café", nil},
	{"/prod/pets?q=%7e", nil},
	{"/prod/pets?&&a=1", nil},
	{"/prod/pets?e", nil},
	{"/prod/pets?e=&f", nil},
	{"/prod/pets/a+b", nil},
	{"/prod/pets/%c3%b1and%c3%ba", nil},
	{"/prod/pets/a;b=c(1)!*'", nil},
	{"/prod/pets//double", nil},
	{"/prod/pets/x/../y", []string{"--path-as-is"}},
}

// TestCompareCurlVerdictsAsMeasured runs the curl on this machine against
// the emulator (which checks signatures with aws-sdk-go-v2 by AWS's rule)
// and wants compare's verdict for that curl's release, read from curl
// --version, to be what the emulator answered: accepted for 200, rejected
// for 403.
func TestCompareCurlVerdictsAsMeasured(t *testing.T) {
	curl := peer.Command(t, "curl")
	out, err := exec.Command(curl, "--version").Output()
	m := regexp.MustCompile(`^curl (\d+\.\d+\.\d+)`).FindSubmatch(out)
	if err != nil || m == nil {
		t.Fatalf("curl --version: %v: %q", err, out)
	}
	release := string(m[1])
	e := newSendEnv(t)
	cred := e.srv.Config.Credentials[0]
	host := strings.TrimPrefix(e.srv.URL, "http://")
	rec := newRecorder(t, host)
	for _, c := range curlTargets {
		t.Run(c.target, func(t *testing.T) {
			args := append([]string{"-sS", "-o", "/dev/null", "-w", "%{http_code}", "--aws-sigv4", "aws:amz:us-east-1:execute-api",
				"--user", cred.AccessKeyID + ":" + cred.SecretAccessKey, "-H", "Host: " + host}, c.args...)
			status, err := exec.Command(curl, append(args, "http://"+rec.addr+c.target)...).Output()
			if err != nil {
				t.Fatalf("curl: %v", err)
			}
			want := map[string]string{"200": "accepted", "403": "rejected"}[string(status)]
			if want == "" {
				t.Fatalf("the emulator answered curl %s", status)
			}

			// verify, on the very bytes curl sent, judges as the emulator did.
			_, _, code := run(t, e.env, rec.last(), "verify", "--secret-key", cred.SecretAccessKey)
			if (code == 0) != (want == "accepted") {
				t.Errorf("the emulator answered %s, verify exited %d on the same bytes:\n%s", status, code, rec.last())
			}

			req := "GET " + c.target + " HTTP/1.1\nHost: " + host + "\n\n"
			stdout, stderr, code := run(t, e.env, []byte(req), "compare", "--scheme", "http", "-o", "json")
			if code != 0 {
				t.Fatalf("compare: exit %d: %s", code, stderr)
			}
			var cmp struct {
				Dialects []struct{ ID, Signer, Version, Verdict, Reason, Installed string }
			}
			mustJSON(t, stdout, &cmp)
			found := false
			for _, d := range cmp.Dialects {
				if d.Installed == "" {
					continue
				}
				found = true
				if d.Signer != "curl" || d.Installed != release {
					t.Errorf("installed %s marked on %s", d.Installed, d.ID)
				}
				if d.Verdict != want {
					t.Errorf("%s (curl %s here): compare says %s (%s), the emulator answered %s", d.ID, release, d.Verdict, d.Reason, status)
				}
			}
			if !found {
				t.Errorf("no verdict marked for the curl here (%s):\n%s", release, stdout)
			}

			text, _, _ := run(t, e.env, []byte(req), "compare", "--scheme", "http")
			if !strings.Contains(text, "curl here: "+release+" (") || !strings.Contains(text, "[the curl here, "+release+"]") {
				t.Errorf("the text does not say which curl its verdict is for:\n%s", text)
			}
		})
	}
}

// recorder is a TCP proxy to the emulator that keeps the head of the last
// request it forwarded, byte for byte.
type recorder struct {
	addr string
	mu   sync.Mutex
	head []byte
}

func newRecorder(t *testing.T, upstream string) *recorder {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	r := &recorder{addr: ln.Addr().String()}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go r.forward(c, upstream)
		}
	}()
	return r
}

func (r *recorder) forward(c net.Conn, upstream string) {
	defer c.Close()
	var head bytes.Buffer
	br := bufio.NewReader(c)
	for {
		line, err := br.ReadString('\n')
		head.WriteString(line)
		if err != nil || line == "\r\n" {
			break
		}
	}
	r.mu.Lock()
	r.head = head.Bytes()
	r.mu.Unlock()
	u, err := net.Dial("tcp", upstream)
	if err != nil {
		return
	}
	defer u.Close()
	_, _ = u.Write(head.Bytes())
	_, _ = io.Copy(c, u)
}

func (r *recorder) last() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]byte(nil), r.head...)
}
