package sigv4view

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/sigscope/sigscope/explain"
	"github.com/sigscope/sigscope/sign"
	"github.com/sigscope/sigscope/workbench"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// signedAt is the sketch's signing time, so that the goldens read like
// TUI.md.
var signedAt = time.Date(2026, 12, 1, 12, 36, 0, 0, time.UTC)

// petsRequest is the demo's GET /prod/pets, with the header the second
// mismatch example changes.
func petsRequest() *sign.Request {
	return &sign.Request{
		Method: "GET", Scheme: "https",
		Host: "abc123.execute-api.us-east-1.amazonaws.com", Path: "/prod/pets", RawQuery: "limit=10",
		Headers: []sign.Header{{Name: "Accept", Value: "application/json"}, {Name: "Content-Type", Value: "application/json"}},
	}
}

func signTrace(t *testing.T, req *sign.Request) *sign.Trace {
	t.Helper()
	tr, err := sign.Sign(req, sign.Options{
		Credentials: sign.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
		Region:      "us-east-1", Service: "execute-api", Time: signedAt,
	})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func petsSteps(t *testing.T) (*sign.Trace, []workbench.Step) {
	tr := signTrace(t, petsRequest())
	return tr, workbench.Steps(tr)
}

// contentTypeMismatch is API Gateway's answer when a proxy appended a
// charset to Content-Type after signing: the server's canonical request
// differs in one header line, and so does its string to sign in the hash.
func contentTypeMismatch(t *testing.T, tr *sign.Trace) explain.Diagnosis {
	t.Helper()
	server := strings.Replace(tr.CanonicalRequest, "content-type:application/json\n", "content-type:application/json; charset=utf-8\n", 1)
	if server == tr.CanonicalRequest {
		t.Fatal("the canonical request has no content-type line")
	}
	sum := sha256.Sum256([]byte(server))
	sts := strings.Join([]string{sign.Algorithm, tr.RequestDate, tr.CredentialScope, hex.EncodeToString(sum[:])}, "\n")
	msg := "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\n" +
		"The Canonical String for this request should have been\n'" + server + "'\n\n" +
		"The String-to-Sign should have been\n'" + sts + "'\n"
	body, err := json.Marshal(map[string]string{"message": msg})
	if err != nil {
		t.Fatal(err)
	}
	m, ok := explain.Diagnose(body, tr)
	if !ok {
		t.Fatal("Diagnose did not recognize the answer")
	}
	return m
}

func keyPress(s string) tea.KeyPressMsg {
	switch s {
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "pgup":
		return tea.KeyPressMsg{Code: tea.KeyPgUp}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	}
	r := []rune(s)[0]
	return tea.KeyPressMsg{Code: r, Text: s}
}

type component interface {
	SetSize(w, h int)
	View() string
	Update(tea.Msg) tea.Cmd
}

// plain is View without styling, one string per screen line.
func plain(c component) []string {
	return strings.Split(ansi.Strip(c.View()), "\n")
}

// checkSize fails unless view is exactly h lines of exactly w cells, both
// as drawn (with escape sequences) and as measured by lipgloss.
func checkSize(t *testing.T, name, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) != h {
		t.Fatalf("%s: %d lines, want %d", name, len(lines), h)
	}
	for i, l := range lines {
		if got := ansi.StringWidth(l); got != w {
			t.Errorf("%s: line %d is %d cells wide, want %d: %q", name, i, got, w, ansi.Strip(l))
		}
	}
	if got := lipgloss.Width(view); got != w {
		t.Errorf("%s: lipgloss.Width = %d, want %d", name, got, w)
	}
}

// golden compares the ANSI-stripped view with testdata/name, or rewrites
// it with -update. Trailing spaces are kept: the width is the contract.
func golden(t *testing.T, name string, c component) {
	t.Helper()
	got := strings.Join(plain(c), "\n") + "\n"
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./tui/sigv4view/ -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (-update rewrites it)\n--- got\n%s--- want\n%s", name, got, want)
	}
}

// contains reports whether any line contains s.
func contains(lines []string, s string) bool {
	for _, l := range lines {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}

// lineWith returns the index of the first line containing s, -1 if none.
func lineWith(lines []string, s string) int {
	for i, l := range lines {
		if strings.Contains(l, s) {
			return i
		}
	}
	return -1
}
