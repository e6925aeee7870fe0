package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// mismatchBody is API Gateway's answer when the server computed another
// canonical request: the signed Content-Type with a charset appended, as
// a proxy does.
func mismatchBody(hs *harness) string {
	tr := hs.m.livePreview().Prepared.Trace
	server := strings.Replace(tr.CanonicalRequest, "content-type:application/json", "content-type:application/json; charset=utf-8", 1)
	return fmt.Sprintf(`{"message":%q}`, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'"+server+"'\n\nThe String-to-Sign should have been\n'"+tr.StringToSign+"'\n")
}

// find selects a request with ctrl+p, as a user would at any size.
func (hs *harness) find(name string) {
	hs.t.Helper()
	hs.press("ctrl+p")
	hs.typeText(name)
	hs.press("enter")
}

// TestResponseIsTheSelectedRequests: a 403 for "Create pet", then "Public"
// selected: the Response pane names Public and shows that it was not
// sent, d opens no diff (there is none for Public), and going back shows
// Create pet's own 403 and diff again. Each request keeps its last
// outcome.
func TestResponseIsTheSelectedRequests(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sizeName(sz.w, sz.h), func(t *testing.T) {
			hs := goldenHarness(t, sz.w, sz.h)
			hs.find("Create pet")
			fakeAnswer(t, hs, "403 Forbidden", mismatchBody(hs), nil, true)
			hs.find("admin/Public")
			hs.press("3") // the Response pane (narrow: its tab)
			scr := hs.screen()
			if !strings.Contains(scr, "Response · admin/Public · not sent yet") || strings.Contains(scr, "403 Forbidden ·") ||
				strings.Contains(scr, "d shows the") || strings.Contains(scr, "signature mismatch") || strings.Contains(scr, "The request signature we calculated") {
				t.Fatalf("Public shows another request's answer:\n%s", scr)
			}
			hs.golden("switched-" + sizeName(sz.w, sz.h))
			hs.press("d")
			if scr := hs.screen(); hs.m.showDiff || strings.Contains(scr, "sigscope signed") || !strings.Contains(scr, "no diagnosis") {
				t.Fatalf("d beside Public:\n%s", scr)
			}
			hs.press("5") // the narrow Diff tab, or the wide diff: Public has none
			if scr := hs.screen(); strings.Contains(scr, "sigscope signed") || strings.Contains(scr, "POST /prod/pets") {
				t.Fatalf("a diff of Create pet beside Public:\n%s", scr)
			}
			hs.find("Create pet")
			hs.press("3")
			scr = hs.screen()
			if !strings.Contains(scr, "Response · Create pet · 403 Forbidden") || !strings.Contains(scr, "signature mismatch at canonical request") {
				t.Fatalf("Create pet lost its answer:\n%s", scr)
			}
			hs.press("d")
			if scr := hs.screen(); !strings.Contains(scr, "sigscope signed") || !strings.Contains(scr, "^ first differing") {
				t.Fatalf("Create pet's diff:\n%s", scr)
			}
			// Its diff stays its own: selecting Public closes it.
			hs.find("admin/Public")
			if scr := hs.screen(); strings.Contains(scr, "sigscope signed") {
				t.Fatalf("the diff of Create pet stayed open beside Public:\n%s", scr)
			}
		})
	}
}

// TestSentViewUntilEdited: after a send the Request and SigV4 panes show
// the request as it was sent (its X-Amz-Date, its canonical request),
// titled "as sent at"; S twice, a preview signed anew meanwhile (a login
// refresh does that), or another request and back change nothing; an
// edit shows the preview again, titled so.
func TestSentViewUntilEdited(t *testing.T) {
	env := goldenEnv(t)
	var ticks int
	env.Now = func() time.Time { ticks++; return goldenTime.Add(time.Duration(ticks) * time.Second) } // every signature at another second
	hs := newHarness(t, Config{Paths: []string{"testdata/golden.yaml"}, Env: env, Dark: true}, 160, 48)
	hs.m.editDelay = 0
	hs.find("Create pet")
	fakeAnswer(t, hs, "403 Forbidden", mismatchBody(hs), nil, true)
	sent := hs.m.selected().oc.Preview.Prepared.Trace
	check := func(after string) {
		t.Helper()
		scr := hs.screen()
		for _, want := range []string{"Request · as sent at", "SigV4 · as sent at", "X-Amz-Date: " + sent.RequestDate, "x-amz-date:" + sent.RequestDate, "sha256 " + sent.CanonicalRequestHash[:4]} {
			if !strings.Contains(scr, want) {
				t.Fatalf("after %s, no %q: the request as sent is not shown:\n%s", after, want, scr)
			}
		}
	}
	check("the send")
	hs.press("S", "S")
	check("S twice")
	hs.run(hs.m.requestPreview()) // a login refresh, a tick: a fresh preview comes
	check("a fresh preview")
	hs.find("List pets")
	hs.find("Create pet")
	check("another request and back")
	hs.press("i")
	hs.typeText("/x")
	hs.press("esc")
	scr := hs.screen()
	if !strings.Contains(scr, "Request · preview, not sent") || !strings.Contains(scr, "SigV4 · preview, not sent") || strings.Contains(scr, "X-Amz-Date: "+sent.RequestDate) {
		t.Fatalf("after an edit, the preview is not shown:\n%s", scr)
	}
	if !strings.Contains(scr, "Response · Create pet · 403 Forbidden") {
		t.Fatalf("the edit dropped the answer:\n%s", scr)
	}
}

// TestGoldenSentView: the panes after a send, at every size.
func TestGoldenSentView(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sizeName(sz.w, sz.h), func(t *testing.T) {
			hs := goldenHarness(t, sz.w, sz.h)
			fakeAnswer(t, hs, "200 OK", `{"items":[{"id":1,"name":"rex"}]}`, nil, false)
			hs.press("S", "S")
			scr := hs.screen()
			if !strings.Contains(scr, "as sent at 12:36:00") {
				t.Fatalf("no sent view:\n%s", scr)
			}
			hs.golden("sent-" + sizeName(sz.w, sz.h))
		})
	}
}
