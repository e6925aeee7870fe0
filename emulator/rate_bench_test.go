package emulator

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// BenchmarkVerifiedRate is issue 21's emulator figure: the rate at which
// the emulator answers correctly signed GETs on an AWS_IAM route
// (signature verified, IAM policy evaluated, the echo answered) against
// a bare net/http server answering the same GETs, on the same machine,
// with the same keep-alive client: b.N requests to each, in rounds that
// alternate (bare, emulator, bare, ...) so that a change of the
// machine's load falls on both. Goal: ratio >= 0.5.
//
//	go test ./emulator -run '^$' -bench VerifiedRate -benchtime 4000x
func BenchmarkVerifiedRate(b *testing.B) {
	_, signed := signedEmulator(b, nil)
	verifiedRate(b, []*http.Request{signed})
}

// BenchmarkVerifiedRateFresh is BenchmarkVerifiedRate with requests no
// verification has seen: more distinct signed requests than the
// verifier remembers (awsauth's memo of the signer's answers), as from a
// client that signs each request anew. A replay (the benchmark above)
// skips the signer; these pay it every time.
func BenchmarkVerifiedRateFresh(b *testing.B) {
	srv, _ := signedEmulator(b, nil)
	cfg := DefaultConfig()
	creds := aws.Credentials{AccessKeyID: cfg.Credentials[0].AccessKeyID, SecretAccessKey: cfg.Credentials[0].SecretAccessKey}
	signer := v4.NewSigner()
	now := time.Now()
	reqs := make([]*http.Request, 4096)
	for i := range reqs {
		r, err := http.NewRequest("GET", srv.URL+"/prod/pets?limit="+strconv.Itoa(i), nil)
		if err != nil {
			b.Fatal(err)
		}
		if err := signer.SignHTTP(context.Background(), creds, r, emptySHA, "execute-api", cfg.Region, now); err != nil {
			b.Fatal(err)
		}
		reqs[i] = r
	}
	verifiedRate(b, reqs)
}

// verifiedRate floods a bare server and the emulator in alternating
// rounds; the emulator's requests are taken from signed in turn.
func verifiedRate(b *testing.B, signed []*http.Request) {
	const parallel, rounds = 8, 4
	body := []byte(`{"pets":[{"id":1,"name":"Rex"},{"id":2,"name":"Tom"}]}`)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	bare := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})}
	go bare.Serve(ln)
	defer bare.Close()

	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: parallel}}
	defer hc.CloseIdleConnections()
	get := func(url string, header http.Header) error {
		req, err := http.NewRequest("GET", url, nil)
		if err != nil {
			return err
		}
		for k, v := range header {
			req.Header[k] = v
		}
		res, err := hc.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return &statusError{res.StatusCode}
		}
		return nil
	}
	// flood sends n requests from parallel clients and returns the time;
	// request i goes to urls[i%len(urls)] with its headers.
	flood := func(urls []string, headers []http.Header, n int) time.Duration {
		var next atomic.Int64
		var wg sync.WaitGroup
		var failed atomic.Value
		start := time.Now()
		for range parallel {
			wg.Go(func() {
				for {
					i := next.Add(1)
					if i > int64(n) {
						return
					}
					url, header := urls[int(i)%len(urls)], headers[int(i)%len(urls)]
					if err := get(url, header); err != nil {
						failed.Store(err)
						return
					}
				}
			})
		}
		wg.Wait()
		if err, _ := failed.Load().(error); err != nil {
			b.Fatalf("%s: %v", urls[0], err)
		}
		return time.Since(start)
	}
	bareURLs, bareHeaders := []string{"http://" + ln.Addr().String() + "/prod/pets?limit=10"}, []http.Header{nil}
	emuURLs, emuHeaders := make([]string, len(signed)), make([]http.Header, len(signed))
	for i, r := range signed {
		emuURLs[i], emuHeaders[i] = r.URL.String(), r.Header
	}
	flood(bareURLs, bareHeaders, 2*parallel) // connections open, handlers warm
	flood(emuURLs, emuHeaders, 2*parallel)
	b.ResetTimer()
	var tBare, tEmu time.Duration
	per := max(b.N/rounds, 1)
	for range rounds {
		tBare += flood(bareURLs, bareHeaders, per)
		tEmu += flood(emuURLs, emuHeaders, per)
	}
	b.StopTimer()
	n := float64(per * rounds)
	bareRate, emuRate := n/tBare.Seconds(), n/tEmu.Seconds()
	b.ReportMetric(bareRate, "bare-req/s")
	b.ReportMetric(emuRate, "emulator-req/s")
	b.ReportMetric(emuRate/bareRate, "ratio")
}

// signedEmulator starts an emulator logging to /dev/null (as
// `sigscope emulator` writes its log, a line per request is part of the
// cost) and signs, with the demo key, a GET on its AWS_IAM echo route.
// One signature serves every request (it stays valid for minutes), as a
// load generator replays one signed request.
func signedEmulator(b *testing.B, header map[string]string) (*Server, *http.Request) {
	b.Helper()
	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { devNull.Close() })
	srv, err := Start(context.Background(), Options{Addr: "127.0.0.1:0", Log: devNull})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Close() })
	cfg := DefaultConfig()
	creds := aws.Credentials{AccessKeyID: cfg.Credentials[0].AccessKeyID, SecretAccessKey: cfg.Credentials[0].SecretAccessKey}
	signed, err := http.NewRequest("GET", srv.URL+"/prod/pets?limit=10", nil)
	if err != nil {
		b.Fatal(err)
	}
	for k, v := range header {
		signed.Header.Set(k, v)
	}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, signed, emptySHA, "execute-api", cfg.Region, time.Now()); err != nil {
		b.Fatal(err)
	}
	return srv, signed
}

type statusError struct{ code int }

func (e *statusError) Error() string { return http.StatusText(e.code) }

// BenchmarkVerifiedHandler is the emulator's own share of
// BenchmarkVerifiedRate without the network: the server's handler
// answering the same signed GET, in this goroutine, into a reused
// ResponseWriter. Its ns/op and allocs/op are what profiling cuts.
//
//	go test ./emulator -run '^$' -bench VerifiedHandler -benchmem
func BenchmarkVerifiedHandler(b *testing.B) {
	// The headers Go's client adds, as the server would receive them.
	srv, signed := signedEmulator(b, map[string]string{"User-Agent": "Go-http-client/1.1", "Accept-Encoding": "gzip"})
	// As the server hands it to the handler: RequestURI set, no body.
	signed.RequestURI = signed.URL.RequestURI()
	signed.RemoteAddr = "127.0.0.1:40000"
	signed.Body = http.NoBody
	w := &discardWriter{header: http.Header{}}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		clear(w.header)
		w.status = 0
		r := signed.Clone(context.Background())
		srv.srv.Handler.ServeHTTP(w, r)
		if w.status != http.StatusOK {
			b.Fatalf("status %d", w.status)
		}
	}
}

// discardWriter is a ResponseWriter that keeps only the status.
type discardWriter struct {
	header http.Header
	status int
}

func (w *discardWriter) Header() http.Header { return w.header }
func (w *discardWriter) WriteHeader(s int) {
	if w.status == 0 {
		w.status = s
	}
}
func (w *discardWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return len(p), nil
}
