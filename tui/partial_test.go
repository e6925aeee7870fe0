package tui

import (
	"strings"
	"testing"

	"github.com/sigscope/sigscope/exchange"
	"github.com/sigscope/sigscope/workbench"
)

// fakeIncomplete turns the answer fakeAnswer gave into one cut short, as
// exchange returns it (the part that arrived, Response.Incomplete, an
// error of kind incomplete), and hands it to the model as a new send.
func fakeIncomplete(t *testing.T, hs *harness, body, what string) {
	t.Helper()
	fakeAnswer(t, hs, "200 OK", body, []string{"session=s3cr3tSessionValue0123; Path=/; HttpOnly"}, false)
	m := hs.m
	oc := m.selected().oc
	oc.Result.Response.Incomplete = what
	oc.Result.Err = &exchange.TransportError{Kind: exchange.KindIncomplete, Op: "read body", Message: what,
		Hint: "the server sent the status, the headers and part of the body, then ended the connection"}
	oc.Preview.Redact = workbench.NewRedactor(false, oc.Preview.Prepared, oc.Result) // as workbench.SendRequest does
	m.sendSeq++
	hs.do(sentMsg{seq: m.sendSeq, coll: m.coll, path: m.path, at: goldenTime, oc: oc})
}

// TestIncompleteAnswerIsShown: an answer cut short shows its status with
// "incomplete" in the pane's title, the partial body under a warning, and
// its headers and cookies, not "no answer".
func TestIncompleteAnswerIsShown(t *testing.T) {
	hs := goldenHarness(t, 120, 30)
	fakeIncomplete(t, hs, `{"items":[{"id":1,"name":"re`, "the connection closed after 28 of 120 bytes")
	scr := hs.screen()
	for _, want := range []string{"Response · List pets · 200 OK · incomplete", "incomplete: the connection closed after 28 of 120 bytes", `{"items":[{"id":1,"name":"re`} {
		if !strings.Contains(scr, want) {
			t.Fatalf("the body tab lacks %q:\n%s", want, scr)
		}
	}
	if strings.Contains(scr, "no answer") || strings.Contains(scr, "No answer") {
		t.Fatalf("an answer cut short is called no answer:\n%s", scr)
	}
	hs.golden("incomplete-120x30")
	hs.press("3", "]") // the Response pane, then its Headers tab
	if scr := hs.screen(); !strings.Contains(scr, "Content-Type: application/json") || !strings.Contains(scr, "HTTP/1.1 200 OK") {
		t.Fatalf("the headers tab lacks the headers that arrived:\n%s", scr)
	}
	hs.press("]") // Cookies
	if scr := hs.screen(); !strings.Contains(scr, "session=") || strings.Contains(scr, "s3cr3tSessionValue0123") {
		t.Fatalf("cookies tab: name missing or value in clear:\n%s", scr)
	}
}

// TestIncompleteBodyIsEscapedAndMasked: the partial body, shown outside
// the body viewer, is escaped and masked like every other answer.
func TestIncompleteBodyIsEscapedAndMasked(t *testing.T) {
	const evil = "\x1b]0;pwned\x07 \x1b[2J \u009b31m \u202eevil s3cr3tSessionValue0123"
	hs := goldenHarness(t, 160, 48)
	fakeIncomplete(t, hs, evil, "timed out after 60 of 500 bytes")
	frame := hs.m.render()
	for _, bad := range []string{"\x07", "\x1b]", "\x1b[2J", "\u009b", "\u202e", "s3cr3tSessionValue0123"} {
		if strings.Contains(frame, bad) {
			t.Fatalf("%q reached the screen", bad)
		}
	}
	if scr := hs.screen(); !strings.Contains(scr, `\x1b]0;pwned\x07`) || !strings.Contains(scr, "incomplete: timed out after 60 of 500 bytes") {
		t.Fatalf("the partial body is not shown escaped:\n%s", scr)
	}
}
