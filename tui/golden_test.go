package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sigscope/sigscope/cookies"
	"github.com/sigscope/sigscope/exchange"
	"github.com/sigscope/sigscope/explain"
	"github.com/sigscope/sigscope/workbench"
)

var sizes = []struct{ w, h int }{{160, 48}, {120, 30}, {80, 24}}

func sizeName(w, h int) string { return fmt.Sprintf("%dx%d", w, h) }

func TestGoldenMainScreen(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sizeName(sz.w, sz.h), func(t *testing.T) {
			hs := goldenHarness(t, sz.w, sz.h)
			scr := hs.screen()
			for _, want := range []string{"AWS4-HMAC-SHA256", "/prod/pets"} {
				if !strings.Contains(scr, want) && sz.w >= 120 {
					t.Errorf("no %q on the main screen", want)
				}
			}
			if strings.Contains(scr, "wJalrXUtnFEMI") || strings.Contains(scr, "EXAMPLESESSIONTOKEN") {
				t.Fatal("a secret on screen")
			}
			hs.golden("main-" + sizeName(sz.w, sz.h))
			if sz.w < 110 {
				hs.press("2")
				hs.golden("sigv4-" + sizeName(sz.w, sz.h))
			}
		})
	}
}

// fakeAnswer gives the model a response as if the request had been sent:
// the golden screens do not depend on a server.
func fakeAnswer(t *testing.T, hs *harness, status string, body string, setCookies []string, mismatch bool) {
	t.Helper()
	m := hs.m
	wb := m.selectedBench()
	pv, err := wb.Preview(m.ctx, m.path, m.run())
	if err != nil {
		t.Fatal(err)
	}
	code := 0
	fmt.Sscanf(status, "%d", &code)
	res := &exchange.Result{
		Request: pv.Prepared.Request, Wire: pv.Prepared.Wire, URL: pv.Prepared.Request.URL(),
		Response: &exchange.Response{Status: code, StatusText: status, Proto: "HTTP/1.1",
			Headers: []exchange.Header{{Name: "Content-Type", Value: "application/json"}, {Name: "X-Amzn-RequestId", Value: "c0ffee00-0000-4000-8000-000000000001"}},
			Body:    []byte(body), Size: int64(len(body))},
		Timings:   exchange.Timings{Connect: 3 * time.Millisecond, Send: time.Millisecond, FirstByte: 80 * time.Millisecond, Transfer: 2 * time.Millisecond, Total: 84 * time.Millisecond},
		ClockSkew: 400 * time.Millisecond, SkewKnown: true,
	}
	jar := cookies.NewJar()
	o := cookies.Origin{Scheme: "https", Host: pv.Prepared.Request.Host, Path: pv.Prepared.Request.Path}
	for _, sc := range setCookies {
		res.Response.Headers = append(res.Response.Headers, exchange.Header{Name: "Set-Cookie", Value: sc})
	}
	res.Cookies = jar.Store(o, setCookies, goldenTime)
	oc := &workbench.Outcome{Preview: pv, Result: res}
	// Masked and diagnosed as workbench.SendRequest does.
	pv.Redact = workbench.NewRedactor(m.showSecr, pv.Prepared, res)
	if d, ok := explain.Explain(explain.Input{Body: []byte(body), Status: code, Trace: pv.Prepared.Trace, Request: pv.Prepared.Request}); ok && code >= 400 {
		oc.Diagnosis = &d
		if d.Kind == explain.KindMismatch {
			oc.Mismatch = &d
		} else {
			oc.Hint = d.Hint
		}
	}
	if mismatch != (oc.Mismatch != nil) {
		t.Fatalf("the fake body is a mismatch: %v, want %v", oc.Mismatch != nil, mismatch)
	}
	// Tested as sendCmd does.
	checks, caps, err := wb.TestOutcome(m.path, oc)
	if err != nil {
		t.Fatal(err)
	}
	m.sendSeq++
	hs.do(sentMsg{seq: m.sendSeq, coll: m.coll, path: m.path, at: goldenTime, oc: oc, checks: checks, captures: caps})
}

func TestGoldenResponseWithCookies(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sizeName(sz.w, sz.h), func(t *testing.T) {
			hs := goldenHarness(t, sz.w, sz.h)
			fakeAnswer(t, hs, "200 OK", `{"items":[{"id":1,"name":"rex"},{"id":2,"name":"tom"}]}`, []string{
				"session=s3cr3tSessionValue0123; Path=/; HttpOnly; Secure",
				"theme=dark; Path=/prod",
			}, false)
			hs.golden("response-" + sizeName(sz.w, sz.h))
			hs.press("4")
			scr := hs.screen()
			if !strings.Contains(scr, "session=") || strings.Contains(scr, "s3cr3tSessionValue0123") {
				t.Fatalf("cookie tab: name missing or value in clear:\n%s", scr)
			}
			hs.golden("cookies-" + sizeName(sz.w, sz.h))
		})
	}
}

func TestGoldenMismatchDiff(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sizeName(sz.w, sz.h), func(t *testing.T) {
			hs := goldenHarness(t, sz.w, sz.h)
			hs.press("down") // Create pet
			tr := hs.m.preview.Prepared.Trace
			server := strings.Replace(tr.CanonicalRequest, "content-type:application/json", "content-type:application/json; charset=utf-8", 1)
			body := fmt.Sprintf(`{"message":%q}`, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'"+server+"'\n\nThe String-to-Sign should have been\n'"+tr.StringToSign+"'\n")
			fakeAnswer(t, hs, "403 Forbidden", body, nil, true)
			hs.press("d")
			scr := hs.screen()
			if !strings.Contains(scr, "first difference") || !strings.Contains(scr, "^") {
				t.Fatalf("no diff:\n%s", scr)
			}
			hs.golden("diff-" + sizeName(sz.w, sz.h))
		})
	}
}

func TestGoldenHelp(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sizeName(sz.w, sz.h), func(t *testing.T) {
			hs := goldenHarness(t, sz.w, sz.h)
			hs.press("?")
			hs.golden("help-" + sizeName(sz.w, sz.h))
			hs.press("x")
			if len(hs.m.overlays) != 0 {
				t.Fatal("a key did not close the help")
			}
		})
	}
}

func TestGoldenTeach(t *testing.T) {
	hs := goldenHarness(t, 160, 48)
	hs.press("t")
	hs.golden("teach-step1-160x48")
	hs.press("down")
	if hs.m.wire.mark != 0 {
		t.Fatalf("teaching the uri line should mark the request line of the wire view, marked %d", hs.m.wire.mark)
	}
	hs.press("right", "right")
	hs.golden("teach-step3-160x48")
}
