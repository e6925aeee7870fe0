package bodyview

import (
	"strings"
	"testing"
)

func searchBody() string {
	var b strings.Builder
	b.WriteString("alpha Foo\nbeta\nfoo gamma FOO\n")
	for range 100 {
		b.WriteString("filler\n")
	}
	b.WriteString("last foo\n")
	return b.String()
}

func wantMatch(t *testing.T, m *Model, cur, total int) {
	t.Helper()
	if c, n := m.MatchInfo(); c != cur || n != total {
		t.Fatalf("MatchInfo = %d/%d, want %d/%d", c, n, cur, total)
	}
}

func TestSearchNextPrev(t *testing.T) {
	m := newView(30, 10, "text/plain", searchBody())
	m.Search("foo")
	wantMatch(t, m, 1, 4)
	view := m.View()
	if !strings.Contains(view, m.sgr[clsCurrent].open+"Foo") {
		t.Fatalf("current match not highlighted: %q", view)
	}
	if !strings.Contains(view, m.sgr[clsMatch].open+"foo") || !strings.Contains(view, m.sgr[clsMatch].open+"FOO") {
		t.Fatalf("other matches not highlighted: %q", view)
	}
	wantRows(t, m, "alpha Foo", "beta", "foo gamma FOO")

	m.NextMatch()
	wantMatch(t, m, 2, 4)
	m.NextMatch()
	wantMatch(t, m, 3, 4)
	if m.Top() != 0 {
		t.Fatalf("Top = %d; the match was already visible", m.Top())
	}
	m.NextMatch() // line 103, off screen: brought in with context above
	wantMatch(t, m, 4, 4)
	if top := m.Top(); top > 103 || top+10 <= 103 {
		t.Fatalf("Top = %d does not show line 103", top)
	}
	if !strings.Contains(m.View(), m.sgr[clsCurrent].open+"foo") {
		t.Fatal("last match not highlighted")
	}
	m.NextMatch() // wraps
	wantMatch(t, m, 1, 4)
	if m.Top() != 0 {
		t.Fatalf("Top = %d after wrapping to the first match", m.Top())
	}
	m.PrevMatch() // wraps backwards
	wantMatch(t, m, 4, 4)
	m.PrevMatch()
	wantMatch(t, m, 3, 4)

	m.Search("")
	wantMatch(t, m, 0, 0)
	if strings.Contains(m.View(), m.sgr[clsMatch].open) {
		t.Fatal("highlight left after clearing the search")
	}
	m.Search("absent")
	wantMatch(t, m, 0, 0)
	m.NextMatch() // no matches: nothing to do, no panic
	m.PrevMatch()
}

func TestSearchStartsAtTheTop(t *testing.T) {
	m := newView(30, 10, "text/plain", searchBody())
	press(t, m, "pgdown", "pgdown")
	m.Search("FOO")
	wantMatch(t, m, 4, 4)
	press(t, m, "g")
	m.Search("foo")
	wantMatch(t, m, 1, 4)
}

func TestSearchIsCaseInsensitiveBeyondASCII(t *testing.T) {
	m := newView(40, 2, "text/plain", "Straße ÄRGER und ärger, STRASSE\nKelvin \u212a k")
	m.Search("ärger")
	wantMatch(t, m, 1, 2)
	m.Search("straße")
	wantMatch(t, m, 1, 1)
	m.Search("\u212a") // the Kelvin sign folds to k and K
	wantMatch(t, m, 1, 3)
}

func TestSearchAcrossChunkBoundaries(t *testing.T) {
	// The needle straddles the 64 KiB cut of one long line.
	body := strings.Repeat("a", maxLineBytes-3) + "needle" + strings.Repeat("b", 10)
	m := newView(30, 3, "text/plain", body)
	if m.Lines() != 2 {
		t.Fatalf("Lines = %d, want 2", m.Lines())
	}
	m.Search("NEEDLE")
	wantMatch(t, m, 1, 1)
	if got := plainRows(m.View()); !strings.Contains(got[0], "nee") {
		t.Fatalf("match not scrolled into view: %q", got)
	}
}

func TestSearchScrollsHorizontallyToTheMatch(t *testing.T) {
	m := newView(40, 3, "text/plain", "start\n"+strings.Repeat("x", 300)+"needle"+strings.Repeat("y", 300))
	m.Search("needle")
	rows := plainRows(m.View())
	if !strings.Contains(rows[1], "needle") {
		t.Fatalf("needle not visible: %q", rows)
	}
	// Every row says the view is scrolled sideways, as the Request pane
	// does: ‹ in the first cell, the short line's included.
	if !strings.HasPrefix(rows[0], "‹") || !strings.HasPrefix(rows[1], "‹x") {
		t.Fatalf("no ‹ marker on a view scrolled sideways: %q", rows)
	}
	// A match just right of the ‹ is in view, not under it.
	m = newView(20, 1, "text/plain", strings.Repeat("x", 30)+"ab"+strings.Repeat("y", 8)+"needle"+strings.Repeat("z", 30))
	m.Search("ab")
	m.Search("needle")
	if rows := plainRows(m.View()); !strings.Contains(rows[0], "needle") || !strings.HasPrefix(rows[0], "‹") {
		t.Fatalf("needle not fully visible after the ‹: %q", rows)
	}
}

func TestSearchWhenWrapping(t *testing.T) {
	m := newView(20, 3, "text/plain", "top\n"+strings.Repeat("x", 400)+"needle"+strings.Repeat("y", 100)+"\nend")
	m.SetWrap(true)
	m.Search("needle")
	rows := strings.Join(plainRows(m.View()), "")
	if !strings.Contains(rows, "needle") {
		t.Fatalf("needle not visible: %q", plainRows(m.View()))
	}
}

func TestSearchCountsNonOverlappingMatches(t *testing.T) {
	// Overlapping candidates are not double counted, chunk seams included.
	body := strings.Repeat("ab", 1<<20)
	got := findAll([]byte(body), "BA")
	if len(got) != 1<<20-1 {
		t.Fatalf("%d matches, want %d", len(got), 1<<20-1)
	}
	got = findAll([]byte("aaaa"), "aa")
	if len(got) != 2 || got[1] != (match{2, 4}) {
		t.Fatalf("matches = %v", got)
	}
}

func TestSearchInFilterResult(t *testing.T) {
	m := newView(30, 5, "application/json", `{"a":{"name":"rex"},"b":{"name":"rex"}}`)
	m.Search("rex")
	wantMatch(t, m, 1, 2)
	if err := m.SetFilter(".a"); err != nil {
		t.Fatal(err)
	}
	wantMatch(t, m, 1, 1) // the search follows what is shown
	m.ClearFilter()
	wantMatch(t, m, 1, 2)
}
