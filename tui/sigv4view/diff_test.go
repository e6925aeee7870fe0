package sigv4view

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/explain"
	"github.com/sigscope/sigscope/sign"
	"github.com/sigscope/sigscope/workbench"
)

// exchangeMessageOnly is an answer that says the signature does not match
// without saying what the server computed.
var exchangeMessageOnly = explain.Diagnosis{
	Answer: explain.Answer{Message: "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method."},
	Hint:   "the server did not say what it computed; compare the canonical request (--show-signing) with what the server receives, and check the secret key, region and service",
}

func TestDiffGolden(t *testing.T) {
	tr, _ := petsSteps(t)
	m := contentTypeMismatch(t, tr)
	for _, w := range []int{60, 80, 120} {
		d := NewDiff()
		d.SetSize(w, 26)
		d.SetMismatch(&m, tr.CanonicalRequest, tr.StringToSign)
		golden(t, fmt.Sprintf("diff_%d.golden", w), d)
	}
}

func TestDiffHeadingAndTable(t *testing.T) {
	tr, _ := petsSteps(t)
	m := contentTypeMismatch(t, tr)
	d := NewDiff()
	d.SetSize(120, 30)
	d.SetMismatch(&m, tr.CanonicalRequest, tr.StringToSign)
	lines := plain(d)
	if want := "Signature mismatch · first difference: canonical request line 5 (" + sign.PartHeaders + ")"; strings.TrimRight(lines[0], " ") != want {
		t.Errorf("heading %q, want %q", lines[0], want)
	}
	if !strings.HasPrefix(lines[1], `hint: the signed header "content-type" reached the server with another value`) {
		t.Errorf("hint %q", lines[1])
	}
	if i := lineWith(lines, "sigscope signed"); i < 0 || !strings.HasPrefix(lines[i], "  #  part     sigscope signed") || !strings.Contains(lines[i], "│ server computed") {
		t.Errorf("table heading missing:\n%s", strings.Join(lines, "\n"))
	}
	for _, want := range []string{
		"  5  headers  content-type:application/json ",
		"│ content-type:application/json; charset=utf-8",
		"  8  end      (empty line)",
		" 10  payload  ",
		"string to sign",
		"  4  hash     ",
	} {
		if !contains(lines, want) {
			t.Errorf("no line contains %q:\n%s", want, strings.Join(lines, "\n"))
		}
	}
}

// caretUnder returns the caret's column and the selected row above it.
func caretUnder(t *testing.T, d *Diff) (col int, selected []rune) {
	t.Helper()
	lines := plain(d)
	for i, l := range lines {
		if strings.Contains(l, "^ first differing character") {
			if i == 0 {
				break
			}
			return len([]rune(l[:strings.Index(l, "^")])), []rune(lines[i-1])
		}
	}
	t.Fatalf("no caret:\n%s", strings.Join(lines, "\n"))
	return 0, nil
}

func TestDiffNextPrev(t *testing.T) {
	tr, _ := petsSteps(t)
	m := contentTypeMismatch(t, tr)
	d := NewDiff()
	d.SetSize(80, 30)
	d.SetMismatch(&m, tr.CanonicalRequest, tr.StringToSign)
	check := func(step string, line int, rowPrefix string) {
		t.Helper()
		s, l := d.Selected()
		if s != step || l != line {
			t.Errorf("selected %s line %d, want %s line %d", s, l, step, line)
		}
		if _, row := caretUnder(t, d); !strings.HasPrefix(string(row), rowPrefix) {
			t.Errorf("the caret is under %q, want a row starting %q", string(row), rowPrefix)
		}
	}
	check("canonical request", 5, "  5  headers")
	d.Update(keyPress("]"))
	check("string to sign", 4, "  4  hash")
	d.Update(keyPress("]"))
	check("string to sign", 4, "  4  hash")
	d.Update(keyPress("["))
	check("canonical request", 5, "  5  headers")
	d.Update(keyPress("["))
	check("canonical request", 5, "  5  headers")

	// In a short pane the selected difference is scrolled into view.
	d.SetSize(80, 6)
	d.Update(keyPress("]"))
	check("string to sign", 4, "  4  hash")
	d.Update(keyPress("g"))
	if l := plain(d); !strings.HasPrefix(l[0], "Signature mismatch") {
		t.Errorf("g: top is %q", l[0])
	}
}

// diffOf builds the mismatch sigscope would report for two canonical
// requests.
func diffOf(ours, theirs string) *explain.Diagnosis {
	p := sign.DiffCanonicalRequest(ours, theirs)
	return &explain.Diagnosis{Answer: explain.Answer{Message: "signature mismatch", ServerCanonicalRequest: theirs}, First: p, Hint: "a hint"}
}

func TestDiffCaretColumn(t *testing.T) {
	tr, _ := petsSteps(t)
	base := tr.CanonicalRequest
	const prefix = 14 // "#", part and their gaps at 40 columns and more
	cases := []struct {
		name               string
		w                  int
		from, ours, theirs string
		oursAt             rune // the character the caret points at, in sigscope's column
		theirsAt           rune // and the same cell of the server's column
		col                int  // the caret's column unscrolled, -1: only check the characters
	}{
		{"middle", 80, "accept:application/json", "accept:application/json", "accept:application/xml", 'j', 'x', prefix + 19},
		{"runes not bytes", 80, "accept:application/json", "accept:text/café-au-lait", "accept:text/café-au-laid", 't', 'd', prefix + 23},
		{"escaped control characters", 80, "accept:application/json", "accept:\x1b[2Ja", "accept:\x1b[2Jb", 'a', 'b', prefix + 14},
		{"beyond the left column", 60, "x-amz-date:20261201T123600Z", "x-amz-date:20261201T123600Z", "x-amz-date:20261201T123700Z", '6', '7', -1},
		{"hash end", 80, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b856", '5', '6', -1},
	}
	for _, c := range cases {
		ours := strings.Replace(base, c.from, c.ours, 1)
		theirs := strings.Replace(base, c.from, c.theirs, 1)
		d := NewDiff()
		d.SetSize(c.w, 30)
		d.SetMismatch(diffOf(ours, theirs), ours, "")
		col, row := caretUnder(t, d)
		// Opened scrolled sideways when the difference and what follows
		// it would not show: the caret moves left by as much.
		if c.col >= 0 && col != c.col-d.side.Left {
			t.Errorf("%s: caret at column %d, want %d (scrolled %d)", c.name, col, c.col-d.side.Left, d.side.Left)
		}
		g := d.geometry()
		if col >= len(row) || row[col] != c.oursAt {
			t.Errorf("%s: caret at column %d under %q, want %q: %q", c.name, col, string(row[min(col, len(row)-1)]), c.oursAt, string(row))
		}
		if r := col + g.left + 2; r >= len(row) || row[r] != c.theirsAt {
			t.Errorf("%s: the server's column at the caret's offset is not %q: %q", c.name, c.theirsAt, string(row))
		}
		checkSize(t, c.name, d.View(), c.w, 30)
	}
}

// When sigscope's line is a prefix of the server's, the caret points just
// past its end, as in TUI.md's sketch.
func TestDiffCaretAfterShorterLine(t *testing.T) {
	tr, _ := petsSteps(t)
	m := contentTypeMismatch(t, tr)
	for _, w := range []int{80, 120} {
		d := NewDiff()
		d.SetSize(w, 30)
		d.SetMismatch(&m, tr.CanonicalRequest, tr.StringToSign)
		col, row := caretUnder(t, d)
		if want := 14 + len("content-type:application/json") - d.side.Left; col != want {
			t.Errorf("%d columns: caret at %d, want %d: %q", w, col, want, string(row))
		}
	}
	// At 60 columns the line does not fit: both columns are scrolled
	// (behind "‹") and the caret still follows the last character
	// sigscope signed.
	d := NewDiff()
	d.SetSize(60, 30)
	d.SetMismatch(&m, tr.CanonicalRequest, tr.StringToSign)
	col, row := caretUnder(t, d)
	if !strings.Contains(string(row), "  ‹") || string(row[col-4:col]) != "json" || d.SideStatus() == "" {
		t.Errorf("caret at %d after %q, want after json: %q", col, string(row[col-4:col]), string(row))
	}
}

func TestDiffMessageOnly(t *testing.T) {
	d := NewDiff()
	d.SetSize(60, 10)
	d.SetMismatch(&exchangeMessageOnly, "", "")
	lines := plain(d)
	if strings.TrimRight(lines[0], " ") != "Signature mismatch" || !strings.HasPrefix(lines[1], "server: The request signature we calculated") {
		t.Errorf("heading and message:\n%s", strings.Join(lines, "\n"))
	}
	if !contains(lines, "hint: the server did not say what it computed;") || contains(lines, "sigscope signed") || contains(lines, "^") {
		t.Errorf("only the message and the hint:\n%s", strings.Join(lines, "\n"))
	}
	if s, l := d.Selected(); s != "" || l != 0 {
		t.Errorf("Selected = %q %d", s, l)
	}
	d.Update(keyPress("]"))
	checkSize(t, "message only", d.View(), 60, 10)

	d.SetMismatch(nil, "", "")
	if l := plain(d); !strings.HasPrefix(l[0], "No signature mismatch") {
		t.Errorf("nil: %q", l[0])
	}
}

func TestDiffRedactsBothColumns(t *testing.T) {
	req := petsRequest()
	req.Headers = append(req.Headers, sign.Header{Name: "Cookie", Value: "session=s3cr3t-value"})
	tr := signTrace(t, req)
	m := contentTypeMismatch(t, tr)
	d := NewDiff()
	d.SetSize(160, 40)
	d.SetRedact(workbench.NewSecretsRedactor("s3cr3t-value").Text)
	d.SetMismatch(&m, tr.CanonicalRequest, tr.StringToSign)
	lines := plain(d)
	i := lineWith(lines, "cookie:session=")
	if i < 0 || strings.Contains(strings.Join(lines, "\n"), "s3cr3t") || strings.Count(lines[i], "cookie:session=") != 2 {
		t.Errorf("the cookie is not masked in both columns:\n%s", strings.Join(lines, "\n"))
	}
	d.SetShowSecrets(true)
	if !contains(plain(d), "cookie:session=s3cr3t-value") {
		t.Error("with secrets shown the cookie is in clear")
	}
}
