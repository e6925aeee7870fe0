package apigw

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

type loadCase struct {
	kind   string
	method string
	url    string
	header http.Header
	body   string
	want   int
}

// TestLoad sends a mix of valid and deliberately broken signed requests at
// concurrency 64 and requires every one to be judged right: 20,000 of them
// (about 1-2 s on 2 cores), or 1,000 with -short unless SIGSCOPE_LOAD=1. It
// reports requests/second and asserts nothing about speed.
func TestLoad(t *testing.T) {
	total := 20000
	if testing.Short() && os.Getenv("SIGSCOPE_LOAD") != "1" {
		total = 1000
	}
	const concurrency = 64
	_, srv := newTestServer(t, testNow)
	base := srv.URL + "/prod"

	var cases []loadCase
	addSigned := func(kind string, r *http.Request, body string, want int) {
		cases = append(cases, loadCase{kind: kind, method: r.Method, url: r.URL.String(), header: r.Header.Clone(), body: body, want: want})
	}
	for i := 0; i < 32; i++ {
		body := fmt.Sprintf(`{"n":%d}`, i)
		path := fmt.Sprintf("%s/pets/%d/toys?i=%d", base, i, i)
		addSigned("valid static", signed(t, "POST", path, body, staticCreds(), testRegion, "execute-api", testNow, nil), body, 200)
		addSigned("valid temporary", signed(t, "GET", path, "", tempCreds(), testRegion, "execute-api", testNow, nil), "", 200)
		cases = append(cases, loadCase{kind: "valid presigned", method: "GET", url: presigned(t, "GET", path, tempCreds(), testNow, time.Minute), want: 200})

		addSigned("wrong secret", signed(t, "GET", path, "", aws.Credentials{AccessKeyID: staticAKID, SecretAccessKey: "x"}, testRegion, "execute-api", testNow, nil), "", 403)
		tampered := signed(t, "POST", path, body, staticCreds(), testRegion, "execute-api", testNow, nil)
		addSigned("tampered body", tampered, strings.Replace(body, "n", "m", 1), 403)
		addSigned("expired", signed(t, "GET", path, "", staticCreds(), testRegion, "execute-api", testNow.Add(-time.Hour), nil), "", 403)
		addSigned("unknown key", signed(t, "GET", path, "", aws.Credentials{AccessKeyID: "AKIANOPE", SecretAccessKey: "x"}, testRegion, "execute-api", testNow, nil), "", 403)
		cases = append(cases, loadCase{kind: "unsigned", method: "GET", url: path, header: http.Header{}, want: 403})
	}

	client := &http.Client{Transport: &http.Transport{MaxIdleConns: concurrency, MaxIdleConnsPerHost: concurrency}}
	t.Cleanup(client.CloseIdleConnections)
	var next, wrongAccept, wrongReject, transportErr atomic.Int64
	var mu sync.Mutex
	firstWrong := map[string]string{}
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(total) {
					return
				}
				c := cases[i%int64(len(cases))]
				req, _ := http.NewRequest(c.method, c.url, strings.NewReader(c.body))
				if c.body == "" {
					req.Body, req.ContentLength = nil, 0
				}
				for k, v := range c.header {
					req.Header[k] = v
				}
				resp, err := client.Do(req)
				if err != nil {
					transportErr.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == c.want {
					continue
				}
				if resp.StatusCode == 200 {
					wrongAccept.Add(1)
				} else {
					wrongReject.Add(1)
				}
				mu.Lock()
				firstWrong[c.kind] = fmt.Sprintf("got %d want %d", resp.StatusCode, c.want)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	t.Logf("%d requests (%d distinct: 3/8 valid, 5/8 broken) at concurrency %d in %v: %.0f requests/second",
		total, len(cases), concurrency, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds())
	if wrongAccept.Load() != 0 || wrongReject.Load() != 0 || transportErr.Load() != 0 {
		t.Fatalf("wrong accepts %d, wrong rejects %d, transport errors %d; e.g. %v",
			wrongAccept.Load(), wrongReject.Load(), transportErr.Load(), firstWrong)
	}
}
