package sigv4view

import (
	"strings"
	"testing"

	"github.com/sigscope/sigscope/sign"
	"github.com/sigscope/sigscope/workbench"
)

// demoTrace is Create pet signed with the emulator's demo keys, which are
// public.
func demoTrace(t *testing.T) *sign.Trace { return demoTraceIn(t, "us-east-1") }

func demoTraceIn(t *testing.T, region string) *sign.Trace {
	t.Helper()
	req := petsRequest()
	req.Method, req.Body = "POST", []byte(`{"name":"Rex"}`)
	req.Headers = append(req.Headers, sign.Header{Name: "Content-Length", Value: "14"}, sign.Header{Name: "User-Agent", Value: "test"})
	tr, err := sign.Sign(req, sign.Options{
		Credentials: sign.Credentials{AccessKeyID: "AKIDSIGSCOPEDEMO0001", SecretAccessKey: "sigscopeDemoSecretKey0000/NotASecret+0001"},
		Region:      region, Service: "execute-api", Time: signedAt,
	})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func lesson(t *testing.T, tr *sign.Trace, w, h int) *Teach {
	te := NewTeach()
	te.SetSize(w, h)
	te.SetTrace("create", tr)
	te.SetSteps(1, workbench.Steps(tr))
	return te
}

// cursorOn moves the cursor down to the line whose text starts with p.
func cursorOn(t *testing.T, te *Teach, p string) string {
	t.Helper()
	te.Update(keyPress("g"))
	for range te.lineCount() {
		if l, _ := te.cursorLine(); strings.HasPrefix(l.Text, p) || l.Label == p {
			return strings.Join(plain(te), "\n")
		}
		te.Update(keyPress("j"))
	}
	t.Fatalf("no line %q", p)
	return ""
}

// Every line says the rule that made it: host and content-length too,
// why x-amz-date has its form, what the payload hash is of, why
// user-agent is not signed, and how each text is joined.
func TestTeachGivesEveryLineItsRule(t *testing.T) {
	te := lesson(t, demoTrace(t), 100, 60)
	for prefix, want := range map[string]string{
		"host:":           "always signed",
		"content-length:": "the body is not empty",
		"x-amz-date:":     "yyyymmdd T hhmmss Z",
		"content-type:":   "charset=utf-8",
		"payload":         "the body's 14 bytes",
	} {
		if v := cursorOn(t, te, prefix); !strings.Contains(v, want) {
			t.Errorf("%s: no %q in its rules:\n%s", prefix, want, v)
		}
	}
	v := strings.Join(plain(te), "\n")
	if !strings.Contains(v, "not signed:") || !strings.Contains(v, "user-agent: never signed") || !strings.Contains(v, `joined: each line above ends with a newline (\n)`) {
		t.Errorf("step 1 does not say what is left out and how it is joined:\n%s", v)
	}
	te.Update(keyPress("right"))
	v = cursorOn(t, te, "20261201T")
	if !strings.Contains(v, "joined: the four lines") || !strings.Contains(v, "1 December 2026 12:36:00 UTC") {
		t.Errorf("step 2 does not say how it is joined or what the date is:\n%s", v)
	}
}

// With the demo's public keys the chain is shown in full with the line
// that recomputes each key; no rule repeats the formula on the line.
func TestTeachShowsPublicKeysInFull(t *testing.T) {
	tr := demoTrace(t)
	te := lesson(t, tr, 100, 60)
	te.Update(keyPress("right"))
	te.Update(keyPress("right"))
	v := strings.Join(plain(te), "\n")
	for _, k := range []string{tr.Keys.Date, tr.Keys.Region, tr.Keys.Service, tr.Keys.Signing} {
		if !strings.Contains(v, k) {
			t.Errorf("the public key %s… is not shown in full:\n%s", k[:8], v)
		}
	}
	if !strings.Contains(v, "by hand: printf %s '20261201' | openssl dgst -sha256 -mac HMAC -macopt") {
		t.Errorf("no recipe for kDate:\n%s", v)
	}
	for i := range 4 {
		l, _ := te.cursorLine()
		why, _ := lineLesson(l, tr.Lesson(false))
		for _, r := range why {
			if r == l.Note {
				t.Errorf("%s: the why repeats the note %q", l.Label, l.Note)
			}
		}
		if len(why) == 0 {
			t.Errorf("%s has no rule", l.Label)
		}
		if i < 3 {
			te.Update(keyPress("j"))
		}
	}
	// The same lesson with real keys masks them until S.
	_, steps := petsSteps(t)
	real := NewTeach()
	real.SetSize(100, 60)
	real.SetTrace("pets", signTrace(t, petsRequest()))
	real.SetSteps(1, steps)
	real.Update(keyPress("right"))
	real.Update(keyPress("right"))
	if v := strings.Join(plain(real), "\n"); strings.Contains(v, steps[2].Lines[0].Text[:8]) {
		t.Errorf("real keys in clear:\n%s", v)
	}
}

// The Authorization line is never cut: wrapped in the text column at any
// width, wherever the cursor is.
func TestTeachNeverCutsTheAuthorization(t *testing.T) {
	tr := demoTrace(t)
	for _, w := range []int{40, 62, 100} {
		te := lesson(t, tr, w, 80)
		for range 3 {
			te.Update(keyPress("right"))
		}
		var b strings.Builder
		for _, l := range plain(te) {
			if _, text, ok := strings.Cut(l, "│"); ok {
				b.WriteString(strings.TrimRight(text, " "))
			}
		}
		if !strings.Contains(b.String(), tr.Authorization) {
			t.Errorf("%d columns: the Authorization is cut:\n%s", w, strings.Join(plain(te), "\n"))
		}
		checkSize(t, "auth", te.View(), w, 80)
	}
}

// Another request starts the lesson again at step 1 (it used to reopen at
// the step the last request was left on).
func TestTeachStartsAtStepOneForAnotherRequest(t *testing.T) {
	tr, steps := petsSteps(t)
	te := NewTeach()
	te.SetSize(80, 30)
	te.SetTrace("pets", tr)
	te.SetSteps(1, steps)
	for range 3 {
		te.Update(keyPress("right"))
	}
	te.Update(keyPress("j"))
	te.SetTrace("pets", tr) // the same request, signed again
	te.SetSteps(2, steps)
	if te.Step() != 4 {
		t.Fatalf("the same request moved the lesson to step %d", te.Step())
	}
	other := demoTrace(t)
	te.SetTrace("create", other)
	te.SetSteps(3, workbench.Steps(other))
	if te.Step() != 1 || te.CursorSource() != "method" || strings.Contains(plain(te)[0], "changed") {
		t.Errorf("another request: step %d on %q, heading %q", te.Step(), te.CursorSource(), plain(te)[0])
	}
}

// Edit and watch: x asks the root for a what-if, whose steps come back
// with the lines the change reached marked on every step; u drops it.
func TestTeachTrialMarksWhatTheChangeReached(t *testing.T) {
	tr := demoTrace(t)
	te := lesson(t, tr, 100, 60)
	cmd := te.Update(keyPress("x"))
	if cmd == nil {
		t.Fatal("x asked for nothing")
	}
	if msg, ok := cmd().(TryMsg); !ok || msg.Undo {
		t.Fatalf("x: %#v", msg)
	}
	eu := demoTraceIn(t, "eu-west-1")
	te.SetTrial("region us-east-1 → eu-west-1", workbench.Steps(eu), eu, nil)
	v := strings.Join(plain(te), "\n")
	if !strings.Contains(v, "what if: region us-east-1 → eu-west-1 · lines changed: step 2: 1, step 3: 3, step 4: 2") || strings.Contains(plain(te)[0], "changed") {
		t.Errorf("the what-if does not say where the change went (step 1 is untouched):\n%s", v)
	}
	te.Update(keyPress("right"))
	if l := plain(te); !strings.HasSuffix(l[0], "* 1 changed") || lineWith(l, "*scope") < 0 || lineWith(l, "eu-west-1/execute-api") < 0 {
		t.Errorf("step 2: the scope is not marked:\n%s", strings.Join(l, "\n"))
	}
	cmd = te.Update(keyPress("u"))
	if msg, ok := cmd().(TryMsg); !ok || !msg.Undo || te.Trying() {
		t.Fatalf("u: %#v, trying %v", msg, te.Trying())
	}
	if l := plain(te); strings.Contains(strings.Join(l, "\n"), "eu-west-1") {
		t.Errorf("u did not go back to the request:\n%s", strings.Join(l, "\n"))
	}
	// An edit of the request itself drops a what-if of the old one.
	te.SetTrial("x", workbench.Steps(eu), eu, nil)
	te.SetSteps(2, workbench.Steps(tr))
	if te.Trying() {
		t.Error("a new version kept the what-if of the old one")
	}
}

// Opening the lesson starts from what is on screen: marks of a version
// that came while it was closed (a send re-signs at another time) go.
func TestTeachClearMarks(t *testing.T) {
	tr, steps := petsSteps(t)
	te := NewTeach()
	te.SetSize(100, 40)
	te.SetTrace("pets", tr)
	te.SetSteps(1, steps)
	te.SetSteps(2, editedSteps(t))
	if !strings.Contains(plain(te)[0], "changed") {
		t.Fatal("the edit marked nothing")
	}
	te.ClearMarks()
	if l := plain(te); strings.Contains(l[0], "changed") || lineWith(l, " *") >= 0 {
		t.Errorf("ClearMarks kept the marks:\n%s", strings.Join(l, "\n"))
	}
}

// A request that cannot be signed replaces the lesson of the one before
// with the reason, and its own lesson starts at step 1 once it signs.
func TestTeachSetUnsigned(t *testing.T) {
	tr, steps := petsSteps(t)
	te := NewTeach()
	te.SetSize(80, 20)
	te.SetTrace("pets", tr)
	te.SetSteps(1, steps)
	te.Update(keyPress("right"))
	te.SetUnsigned("login", 2, "Nothing signed yet: press L to log in.")
	if l := plain(te); !strings.HasPrefix(l[0], "Nothing signed yet: press L to log in.") || te.Step() != 0 {
		t.Errorf("the lesson of the request before stayed: %q", l[0])
	}
	te.SetTrace("login", tr)
	te.SetSteps(3, steps)
	if te.Step() != 1 || strings.Contains(strings.Join(plain(te), "\n"), "press L") {
		t.Errorf("signed at last: step %d\n%s", te.Step(), strings.Join(plain(te), "\n"))
	}
}
