package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/sigscope/sigscope/exchange"
)

// TestTimingSaysNoTLSForPlainHTTP: a plain HTTP exchange has no "tls 0.0
// ms" row, which reads as a handshake that took no time; the tab says
// there was none. Over TLS the row and the summary are there.
func TestTimingSaysNoTLSForPlainHTTP(t *testing.T) {
	hs := goldenHarness(t, 120, 30)
	fakeAnswer(t, hs, "200 OK", `{"ok": true}`, nil, false)
	hs.press("3", "]", "]", "]") // the Response pane, then Timing
	scr := hs.screen()
	if !strings.Contains(scr, "[Timing]") || !strings.Contains(scr, "no TLS: plain HTTP") || strings.Contains(scr, "tls    ") {
		t.Fatalf("the Timing tab of a plain HTTP answer:\n%s", scr)
	}

	oc := hs.m.selected().oc
	oc.Result.TLS = &exchange.TLSInfo{Version: "TLS 1.3", CipherSuite: "TLS_AES_128_GCM_SHA256", Subject: "CN=example", Issuer: "CN=ca"}
	oc.Result.Timings.TLS = 4 * time.Millisecond
	lines := timingLines(hs.m.styles, oc, func(s string) string { return s })
	text := ansi.Strip(strings.Join(lines, "\n"))
	if !strings.Contains(text, "tls             4.0 ms") || !strings.Contains(text, "TLS 1.3 TLS_AES_128_GCM_SHA256") || strings.Contains(text, "no TLS") {
		t.Fatalf("the Timing tab of a TLS answer:\n%s", text)
	}
}
