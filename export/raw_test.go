package export

import (
	"bytes"
	"strings"
	"testing"
)

func TestRaw(t *testing.T) {
	b := newBench(t, staticCollection, map[string]string{"TEMP_KEY_ID": "AKIDTEMP", "TEMP_SECRET": "s3cr3t-temp", "TEMP_SESSION_TOKEN": "PLANTED-SESSION-TOKEN-0123456789"})
	pv := b.preview(t, "temporary/with token")
	shown, err := Raw(pv.Prepared, true)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(shown, pv.Prepared.Wire) {
		t.Errorf("--show-secrets: not the wire bytes:\n%s", shown)
	}
	masked, err := Raw(pv.Prepared, false)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(masked, []byte("PLANTED-SESSION-TOKEN")) || !bytes.Contains(masked, []byte("X-Amz-Security-Token: PLAN…(32 chars)\r\n")) {
		t.Errorf("masked:\n%s", masked)
	}
	if !bytes.HasPrefix(masked, []byte("POST /prod/pets HTTP/1.1\r\nHost: ")) || !bytes.HasSuffix(masked, []byte("\r\n\r\nhello")) {
		t.Errorf("shape:\n%q", masked)
	}

	// On a terminal: plain line ends, every control byte escaped.
	pv = b.preview(t, "awkward text")
	raw, err := Raw(pv.Prepared, false)
	if err != nil {
		t.Fatal(err)
	}
	out := ForTerminal(raw)
	if strings.ContainsAny(out, "\r\a\t") || !strings.Contains(out, `\x07 done`) || !strings.Contains(out, "PUT /prod/pets/rex HTTP/1.1\nHost: ") {
		t.Errorf("for a terminal: %q", out)
	}
}
