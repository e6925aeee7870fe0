package tui

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/exchange"
	"github.com/sigscope/sigscope/workbench"
)

// noAnswer gives the model a send that ended without an answer.
func noAnswer(t *testing.T, hs *harness, te *exchange.TransportError, header string) {
	t.Helper()
	m := hs.m
	pv, err := m.selectedBench().Preview(m.ctx, m.path, m.run())
	if err != nil {
		t.Fatal(err)
	}
	req := pv.Prepared.Request.Clone()
	if header != "" {
		req.Headers[0].Value = header
	}
	oc := &workbench.Outcome{Preview: pv, Result: &exchange.Result{Request: req, Wire: pv.Prepared.Wire, Err: te}}
	m.sendSeq++
	hs.do(sentMsg{seq: m.sendSeq, coll: m.coll, path: m.path, at: goldenTime, oc: oc})
}

// esc while sending is the user's own cancel: "cancelled", not the
// network's "context canceled (read tcp …: i/o timeout)".
func TestCancelIsWordedAsCancelled(t *testing.T) {
	hs := goldenHarness(t, 160, 48)
	noAnswer(t, hs, &exchange.TransportError{Kind: exchange.KindCanceled, Op: "read response", Addr: "127.0.0.1:1",
		Message: "context canceled (read tcp 127.0.0.1:5->127.0.0.1:1: i/o timeout)", Hint: "the request was canceled before it completed",
		Err: context.Canceled}, "")
	scr := hs.screen()
	if !strings.Contains(scr, "cancelled") || strings.Contains(scr, "i/o timeout") || strings.Contains(scr, "context canceled") {
		t.Fatalf("cancel not worded as cancelled:\n%s", scr)
	}
}

// A header with an ESC byte is refused for the header, not because the
// port does not speak HTTP/1.1: the exchange's hint (exchange's
// TestControlByteHeaderIsBlamed) shows in the pane as it says it.
func TestControlByteHeaderIsNamed(t *testing.T) {
	hs := goldenHarness(t, 160, 48)
	noAnswer(t, hs, &exchange.TransportError{Kind: exchange.KindProtocol, Op: "read response", Addr: "127.0.0.1:1",
		Message: "malformed HTTP response", Hint: "the header \"Accept\" holds a control byte (0x1b): servers refuse such a header or drop the connection; remove it from the request",
		Err: errors.New("malformed")}, "a\x1bb")
	hs.press("3")
	scr := hs.screen()
	if strings.Contains(scr, "does not speak HTTP/1.1") || !strings.Contains(scr, "control byte (0x1b)") || strings.Contains(scr, "\x1b") {
		t.Fatalf("the ESC header is not named, or reached the screen raw:\n%s", scr)
	}
}
