package sigv4view

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/sign"
	"github.com/sigscope/sigscope/workbench"
)

// editedSteps are the steps after the user edited the request: another
// path and one more header.
func editedSteps(t *testing.T) []workbench.Step {
	return workbench.Steps(editedTrace(t))
}

func editedTrace(t *testing.T) *sign.Trace {
	req := petsRequest()
	req.Path = "/prod/pets/42"
	req.Headers = append(req.Headers, sign.Header{Name: "X-Trace", Value: "1"})
	return signTrace(t, req)
}

func TestTeachGolden(t *testing.T) {
	tr, steps := petsSteps(t)
	etr := editedTrace(t)
	edited := workbench.Steps(etr)
	for _, w := range []int{60, 80, 120} {
		te := NewTeach()
		te.SetSize(w, 30)
		te.SetTrace("pets", tr)
		te.SetSteps(1, steps)
		te.Update(keyPress("down")) // the uri line, which the edit changes
		te.SetTrace("pets", etr)
		te.SetSteps(2, edited)
		golden(t, fmt.Sprintf("teach_%d.golden", w), te)
	}
}

func TestTeachNavigation(t *testing.T) {
	_, steps := petsSteps(t)
	te := NewTeach()
	te.SetSize(80, 30)
	if te.Step() != 0 || te.CursorSource() != "" {
		t.Errorf("before any steps: Step %d, CursorSource %q", te.Step(), te.CursorSource())
	}
	te.SetSteps(1, steps)
	if te.Step() != 1 || te.CursorSource() != "method" {
		t.Fatalf("starts at step 1 on the method line, got step %d source %q", te.Step(), te.CursorSource())
	}
	if l := plain(te)[0]; !strings.HasPrefix(l, "Step 1 of 4 · CANONICAL REQUEST") {
		t.Errorf("heading %q", l)
	}
	for _, want := range []string{"path", "query", "header accept", "header content-type", "header host", "signer"} {
		te.Update(keyPress("j"))
		if got := te.CursorSource(); got != want {
			t.Errorf("down: CursorSource %q, want %q", got, want)
		}
	}
	lines := plain(te)
	cur := lineWith(lines, "› ")
	if cur < 0 || !strings.Contains(lines[cur], "x-amz-date:20261201T123600Z") {
		t.Fatalf("the cursor mark is not on the x-amz-date line:\n%s", strings.Join(lines, "\n"))
	}
	if !contains(lines, "from: signer") || !contains(lines, "why:") || !contains(lines, "  • name lowercased") {
		t.Errorf("the rules and source of the cursor line are missing:\n%s", strings.Join(lines, "\n"))
	}
	te.Update(keyPress("up"))
	if got := te.CursorSource(); got != "header host" {
		t.Errorf("up: CursorSource %q", got)
	}
	te.Update(keyPress("G"))
	if got := te.CursorSource(); got != "body" {
		t.Errorf("G: the last line's source is %q, want body", got)
	}
	te.Update(keyPress("g"))
	if got := te.CursorSource(); got != "method" {
		t.Errorf("g: %q", got)
	}

	for i, k := range []string{"right", "l", "n", "tab"} {
		te.Update(keyPress(k))
		if want := min(i+2, 4); te.Step() != want {
			t.Errorf("after %s: step %d, want %d", k, te.Step(), want)
		}
	}
	if l := plain(te)[0]; !strings.HasPrefix(l, "Step 4 of 4 · SIGNATURE") {
		t.Errorf("heading %q", l)
	}
	if te.CursorSource() != "" {
		t.Errorf("a new step starts at its first line (sig, no source), got %q", te.CursorSource())
	}
	for i, k := range []string{"left", "h", "p", "p"} {
		te.Update(keyPress(k))
		if want := max(3-i, 1); te.Step() != want {
			t.Errorf("after %s: step %d, want %d", k, te.Step(), want)
		}
	}
}

func TestTeachMasksKeyChain(t *testing.T) {
	tr, steps := petsSteps(t)
	te := NewTeach()
	te.SetSize(120, 40)
	te.SetTrace("pets", tr)
	te.SetSteps(1, steps)
	te.Update(keyPress("n"))
	te.Update(keyPress("n"))
	if te.Step() != 3 {
		t.Fatalf("step %d", te.Step())
	}
	v := strings.Join(plain(te), "\n")
	if strings.Contains(v, tr.Keys.Date[:5]) || !strings.Contains(v, tr.Keys.Date[:4]+"…") {
		t.Errorf("kDate is not masked:\n%s", v)
	}
	// The why says what the formula on the line leaves out, not the
	// formula again; the recipe names the keys it cannot show.
	if strings.Contains(v, `  • HMAC("AWS4"+secret, 20261201)`) || !strings.Contains(v, "  • the HMAC key is the text AWS4 followed by the secret") {
		t.Errorf("the key line's why repeats its note or is missing:\n%s", v)
	}
	if !strings.Contains(v, "S shows them") {
		t.Errorf("masked keys do not say how to show them:\n%s", v)
	}
	te.SetShowSecrets(true)
	if v := strings.Join(plain(te), "\n"); !strings.Contains(v, tr.Keys.Date) {
		t.Errorf("with secrets shown kDate is in clear:\n%s", v)
	}
}

func TestTeachMarksChangedLines(t *testing.T) {
	_, steps := petsSteps(t)
	te := NewTeach()
	te.SetSize(100, 40)
	te.SetSteps(1, steps)
	te.Update(keyPress("j"))
	te.Update(keyPress("j")) // on the query line
	if v := strings.Join(plain(te), "\n"); strings.Contains(v, "changed") || strings.Contains(v, " *") {
		t.Errorf("the first version marks nothing:\n%s", v)
	}

	te.SetSteps(2, editedSteps(t))
	if te.Step() != 1 || te.CursorSource() != "query" {
		t.Errorf("an edit keeps the place: step %d, cursor on %q", te.Step(), te.CursorSource())
	}
	lines := plain(te)
	marked := map[string]bool{}
	for _, l := range lines {
		if len(l) > 2 && strings.Contains(l, "│") && []rune(l)[1] == '*' {
			_, text, _ := strings.Cut(l, "│")
			marked[strings.TrimSpace(text)] = true
		}
	}
	want := map[string]bool{
		"/prod/pets/42": true,
		"x-trace:1":     true,
		"accept;content-type;host;x-amz-date;x-trace": true,
	}
	if fmt.Sprint(marked) != fmt.Sprint(want) {
		t.Errorf("marked lines %v, want %v\n%s", marked, want, strings.Join(lines, "\n"))
	}
	if !strings.HasSuffix(lines[0], "* 3 changed") {
		t.Errorf("the heading counts the changed lines: %q", lines[0])
	}
	te.Update(keyPress("n"))
	if l := plain(te); !strings.HasSuffix(l[0], "* 1 changed") || lineWith(l, "*hash") < 0 {
		t.Errorf("step 2: the hash of the canonical request changed:\n%s", strings.Join(l, "\n"))
	}
	te.Update(keyPress("n"))
	if l := plain(te); strings.Contains(l[0], "changed") {
		t.Errorf("step 3: an edit of path and headers leaves the keys alone:\n%s", strings.Join(l, "\n"))
	}
	te.Update(keyPress("n"))
	if l := plain(te); !strings.HasSuffix(l[0], "* 2 changed") {
		t.Errorf("step 4: signature and Authorization changed:\n%s", strings.Join(l, "\n"))
	}

	// The same version again (a re-render of the root) keeps the marks;
	// the next version compares with this one, so nothing is new.
	te.SetSteps(2, editedSteps(t))
	if l := plain(te); !strings.HasSuffix(l[0], "* 2 changed") {
		t.Errorf("the same version again dropped the marks: %q", l[0])
	}
	te.SetSteps(3, editedSteps(t))
	if l := plain(te); strings.Contains(l[0], "changed") {
		t.Errorf("an unchanged new version marks nothing: %q", l[0])
	}
}

// A long line that the gutter cuts is shown whole under it.
func TestTeachShowsCutLinesWhole(t *testing.T) {
	tr, steps := petsSteps(t)
	te := NewTeach()
	te.SetSize(60, 40)
	te.SetSteps(1, steps)
	for range 3 {
		te.Update(keyPress("n"))
	}
	te.Update(keyPress("j")) // the Authorization header
	// Wrapped under itself in the text column, nothing cut.
	var b strings.Builder
	for _, l := range plain(te) {
		if _, text, ok := strings.Cut(l, "│"); ok && strings.TrimSpace(text) != "" {
			b.WriteString(strings.TrimRight(text, " "))
		}
	}
	if !strings.Contains(b.String(), tr.Authorization) {
		t.Errorf("the whole Authorization value is not shown:\n%s", strings.Join(plain(te), "\n"))
	}
	if te.CursorSource() != "header authorization" {
		t.Errorf("CursorSource %q", te.CursorSource())
	}
}

// The cursor line stays in view in a short pane, and its rules with it
// when they fit.
func TestTeachKeepsCursorInView(t *testing.T) {
	_, steps := petsSteps(t)
	te := NewTeach()
	te.SetSize(80, 8)
	te.SetSteps(1, steps)
	for range 9 {
		te.Update(keyPress("down"))
		lines := plain(te)
		if lineWith(lines, "› ") < 0 {
			t.Fatalf("cursor (on %q) out of view:\n%s", te.CursorSource(), strings.Join(lines, "\n"))
		}
	}
	if lines := plain(te); lineWith(lines, "from: body") < 0 {
		t.Errorf("the rules of the last line are not in view:\n%s", strings.Join(lines, "\n"))
	}
	te.Update(keyPress("pgup"))
	if lines := plain(te); lineWith(lines, "› ") >= 0 && lineWith(lines, "from: body") >= 0 {
		t.Errorf("pgup did not scroll:\n%s", strings.Join(lines, "\n"))
	}
}

func TestTeachUnsigned(t *testing.T) {
	te := NewTeach()
	te.SetSize(50, 4)
	te.SetSteps(1, nil)
	if l := plain(te); !strings.HasPrefix(l[0], "Nothing to walk through") || te.Step() != 0 {
		t.Errorf("unsigned: %q, step %d", l, te.Step())
	}
	_, steps := petsSteps(t)
	te.SetSteps(2, steps)
	if te.Step() != 1 || strings.Contains(strings.Join(plain(te), ""), "changed") {
		t.Error("signing after an unsigned version starts at step 1 with nothing marked")
	}
}
