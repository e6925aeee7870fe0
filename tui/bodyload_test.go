package tui

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"

	tea "charm.land/bubbletea/v2"

	"github.com/sigscope/sigscope/exchange"
	"github.com/sigscope/sigscope/tui/bodyview"
	"github.com/sigscope/sigscope/workbench"
)

// bigJSON is pretty JSON of about n bytes, one object per line.
func bigJSON(n int) []byte {
	var b bytes.Buffer
	b.WriteString("[\n")
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "  {\"id\": %d, \"name\": \"pet %d\"},\n", i, i)
	}
	b.WriteString("  {\"id\": -1}\n]\n")
	return b.Bytes()
}

// resend hands the selected request's last outcome to the model again as
// a new send, after change altered its answer, and returns the command
// the model answered with, not run.
func resend(t *testing.T, hs *harness, change func(oc *workbench.Outcome)) tea.Cmd {
	t.Helper()
	m := hs.m
	oc := m.selected().oc
	change(oc)
	m.sendSeq++
	_, cmd := m.Update(sentMsg{seq: m.sendSeq, coll: m.coll, path: m.path, at: goldenTime, oc: oc})
	return cmd
}

// TestLargeBodyShowsASpinnerThenTheBody: a body above bodyview.SyncMax is
// masked and indexed in commands; until they answer, the Response pane
// shows a spinner and the size, not an empty pane, and then the body.
func TestLargeBodyShowsASpinnerThenTheBody(t *testing.T) {
	for _, c := range []struct {
		name    string
		spooled bool
	}{{"in memory", false}, {"spooled", true}} {
		t.Run(c.name, func(t *testing.T) {
			hs := goldenHarness(t, 120, 30)
			fakeAnswer(t, hs, "200 OK", `{"small": true}`, nil, false)
			body := bigJSON(1 << 20)
			cmd := resend(t, hs, func(oc *workbench.Outcome) {
				r := oc.Result.Response
				r.Body, r.Size = body, int64(len(body))
				if c.spooled {
					r.BodyFile = filepath.Join(t.TempDir(), "body")
					if err := os.WriteFile(r.BodyFile, body, 0o600); err != nil {
						t.Fatal(err)
					}
					r.Body = nil
				}
			})
			scr := hs.screen()
			if !strings.Contains(scr, "reading the body (1.0 MB) …") || strings.Contains(scr, `"pet 0"`) {
				t.Fatalf("before the commands ran, the Response pane shows:\n%s", scr)
			}
			hs.run(cmd)
			scr = hs.screen()
			if !strings.Contains(scr, `"name": "pet 0"`) || strings.Contains(scr, "reading the body") || strings.Contains(scr, "preparing the body") {
				t.Fatalf("after the commands ran, the Response pane shows:\n%s", scr)
			}
			// The tab bar has no room at 120 columns: the status line says it.
			if !strings.Contains(scr, "List pets 200 OK · body not highlighted: over 1 MiB") {
				t.Fatalf("the status line does not say the body is not highlighted:\n%s", scr)
			}
		})
	}
}

// TestLargeBodyOfAnotherRequestIsDropped: a body still being read when
// the user selects another request never lands in that request's pane.
func TestLargeBodyOfAnotherRequestIsDropped(t *testing.T) {
	hs := goldenHarness(t, 120, 30)
	fakeAnswer(t, hs, "200 OK", `{"small": true}`, nil, false)
	body := bigJSON(1 << 20)
	cmd := resend(t, hs, func(oc *workbench.Outcome) {
		oc.Result.Response.Body, oc.Result.Response.Size = body, int64(len(body))
	})
	hs.press("down") // another request, never sent
	hs.run(cmd)
	if scr := hs.screen(); strings.Contains(scr, `"pet 0"`) || strings.Contains(scr, "reading the body") {
		t.Fatalf("another request's body or spinner is on screen:\n%s", scr)
	}
	hs.press("up") // back: its own body, read again
	if scr := hs.screen(); !strings.Contains(scr, `"pet 0"`) {
		t.Fatalf("the request's own body is not shown again:\n%s", scr)
	}
}

// TestMaskedBodyCopiesOnlyWhatChanges: shown in clear, or with nothing to
// mask in it, the Body tab shows the exchange's own bytes (a 50 MB body
// is not held twice); a secret in it is masked in a copy.
func TestMaskedBodyCopiesOnlyWhatChanges(t *testing.T) {
	hs := goldenHarness(t, 120, 30)
	secret := goldenEnv(t).LookupEnv
	key, _ := secret("GOLDEN_SESSION_TOKEN") // sent in a header, so masked everywhere
	fakeAnswer(t, hs, "200 OK", `{"plain": "nothing secret here"}`, nil, false)
	r := hs.m.selected()
	body := r.oc.Result.Response.Body
	same := func(a, b []byte) bool { return unsafe.SliceData(a) == unsafe.SliceData(b) }
	if got := maskedBody(r.redactor(true), body); !same(got, body) {
		t.Fatal("in clear, the body was copied")
	}
	if got := maskedBody(r.redactor(false), body); !same(got, body) || string(got) != string(body) {
		t.Fatalf("with nothing to mask, the body was copied or changed: %q", got)
	}
	leak := []byte(`{"echo": "` + key + `"}`)
	got := maskedBody(r.redactor(false), leak)
	if same(got, leak) || strings.Contains(string(got), key) || string(leak) != `{"echo": "`+key+`"}` {
		t.Fatalf("a secret in the body: masked %q, original now %q", got, leak)
	}
}

// TestSyncMaxIsWhatShowBodyUses guards the threshold the two sides share:
// a body at SyncMax shows in the same frame, without a command.
func TestSyncMaxIsWhatShowBodyUses(t *testing.T) {
	hs := goldenHarness(t, 120, 30)
	fakeAnswer(t, hs, "200 OK", `{"small": true}`, nil, false)
	body := bigJSON(bodyview.SyncMax - 64)
	cmd := resend(t, hs, func(oc *workbench.Outcome) {
		oc.Result.Response.Body, oc.Result.Response.Size = body, int64(len(body))
	})
	if scr := hs.screen(); !strings.Contains(scr, `"pet 0"`) {
		t.Fatalf("a body under SyncMax is not shown at once:\n%s", scr)
	}
	hs.run(cmd)
}

// BenchmarkLargeAnswerFrame is the Update that takes a 50 MB answer (its
// body in a spool file) and the frame after it: the body is read, masked
// and indexed in commands, so this is what the person waits for before
// the spinner shows.
func BenchmarkLargeAnswerFrame(b *testing.B) {
	m := scrollModel(b, 1)
	wb := m.selectedBench()
	pv, err := wb.Preview(m.ctx, m.path, m.run())
	if err != nil {
		b.Fatal(err)
	}
	body := bigJSON(50 << 20)
	file := filepath.Join(b.TempDir(), "body")
	if err := os.WriteFile(file, body, 0o600); err != nil {
		b.Fatal(err)
	}
	res := &exchange.Result{Request: pv.Prepared.Request, Wire: pv.Prepared.Wire, URL: pv.Prepared.Request.URL(),
		Response: &exchange.Response{Status: 200, StatusText: "200 OK", Proto: "HTTP/1.1",
			Headers: []exchange.Header{{Name: "Content-Type", Value: "application/json"}}, BodyFile: file, Size: int64(len(body))}}
	pv.Redact = workbench.NewRedactor(false, pv.Prepared, res) // as SendRequest does
	oc := &workbench.Outcome{Preview: pv, Result: res}
	b.ResetTimer()
	for b.Loop() {
		m.sendSeq++
		m.Update(sentMsg{seq: m.sendSeq, coll: m.coll, path: m.path, at: goldenTime, oc: oc})
		if !strings.Contains(m.render(), "reading the body (52.4 MB)") {
			b.Fatal("no spinner in the frame")
		}
	}
}
