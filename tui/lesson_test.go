package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// Edit and watch in the UI: t opens the lesson, x signs the request again
// with one input changed (a header, then the region, then the body), the
// lesson marks what changed, u goes back; nothing is saved or sent.
func TestLessonEditAndWatch(t *testing.T) {
	hs := goldenHarness(t, 120, 30)
	hs.press("t")
	hs.press("x")
	scr := hs.screen()
	if !strings.Contains(scr, "what if: header X-Lesson: edit-and-watch") || !strings.Contains(scr, "* 2 changed") {
		t.Fatalf("x did not try the header:\n%s", scr)
	}
	hs.golden("teach-try-120x30")
	hs.press("x")
	// The region is not in the canonical request: step 1 is untouched.
	if v := ansi.Strip(hs.m.teach.View()); !strings.Contains(v, "what if: region us-east-1 → eu-west-1") || strings.Contains(strings.SplitN(v, "\n", 2)[0], "changed") {
		t.Fatalf("the second x did not try the region, or marked step 1:\n%s", v)
	}
	hs.press("x")
	if v := ansi.Strip(hs.m.teach.View()); !strings.Contains(v, `what if: body {"name":"Rex"} added`) || !strings.Contains(v, "*        │content-length:14") {
		t.Fatalf("the third x did not try a body:\n%s", v)
	}
	hs.press("u")
	if v := ansi.Strip(hs.m.teach.View()); strings.Contains(v, "what if") {
		t.Fatalf("u did not go back:\n%s", v)
	}
	if hs.m.dirty() || hs.m.sending {
		t.Error("a what-if changed the collection or sent the request")
	}
	if strings.Contains(hs.screen(), "X-Lesson") {
		t.Error("the what-if reached the Request pane")
	}
}

// Teach mode for another request starts at step 1 (issue 19, item 12).
func TestTeachRestartsForAnotherRequest(t *testing.T) {
	hs := goldenHarness(t, 160, 48)
	hs.press("t", "right", "right", "right")
	if hs.m.teach.Step() != 4 {
		t.Fatalf("step %d", hs.m.teach.Step())
	}
	hs.press("0", "down") // the tree, Create pet
	if !hs.m.teaching || hs.m.teach.Step() != 1 || !strings.Contains(hs.screen(), "Step 1 of 4") {
		t.Fatalf("another request opened the lesson at step %d:\n%s", hs.m.teach.Step(), hs.screen())
	}
}
