package bodyview

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
)

// loadedMsg runs the command Load returned and picks out its LoadedMsg,
// checking that the spinner's first tick came with it unless the spinner
// was turning already.
func loadedMsg(t *testing.T, m *Model, load func() tea.Cmd) LoadedMsg {
	t.Helper()
	turning := m.Loading()
	cmd := load()
	if cmd == nil {
		t.Fatal("Load returned no command for a large body")
	}
	var got *LoadedMsg
	tick := false
	var run func(msg tea.Msg)
	run = func(msg tea.Msg) {
		switch msg := msg.(type) {
		case tea.BatchMsg:
			for _, c := range msg {
				run(c())
			}
		case LoadedMsg:
			got = &msg
		case spinner.TickMsg:
			tick = true
		}
	}
	run(cmd())
	if got == nil || tick == turning {
		t.Fatalf("got a LoadedMsg %v, a first spinner tick %v (turning already: %v)", got != nil, tick, turning)
	}
	return *got
}

func largeJSON(minified bool) []byte { return genJSON(SyncMax+4096, !minified) }

// TestLoadPreparesALargeBodyInACommand: above SyncMax, Load leaves the
// work (pretty-printing an 8 MB minified body takes ~90 ms) to a command,
// shows a spinner until its result comes back, and then the body.
func TestLoadPreparesALargeBodyInACommand(t *testing.T) {
	m := New()
	m.SetSize(60, 6)
	body := largeJSON(true)
	var view string
	msg := loadedMsg(t, m, func() tea.Cmd {
		cmd := m.Load(1, "application/json", body)
		view = m.View() // before the command runs
		return cmd
	})
	checkFrame(t, view, 60, 6)
	if rows := plainRows(view); !strings.Contains(rows[0], "preparing the body (") || strings.Contains(view, `"id"`) {
		t.Fatalf("while preparing, the view shows:\n%s", strings.Join(rows, "\n"))
	}
	if _, cmd := m.Update(msg); cmd != nil {
		t.Fatal("a LoadedMsg asks for more work")
	}
	if m.Loading() {
		t.Fatal("still loading after the LoadedMsg")
	}
	wantRows(t, m, "[", "  {", `    "id": 0,`) // pretty-printed, in the command
	// The spinner stops asking for ticks once the body is shown.
	if _, cmd := m.Update(m.spin.Tick()); cmd != nil {
		t.Fatal("the spinner still ticks after the body arrived")
	}
}

// TestLoadDropsStaleResults: a body prepared for an id that another body
// replaced meanwhile is dropped, and so is one arriving after SetBody.
func TestLoadDropsStaleResults(t *testing.T) {
	m := New()
	m.SetSize(40, 4)
	first := loadedMsg(t, m, func() tea.Cmd { return m.Load(1, "application/json", largeJSON(true)) })
	second := loadedMsg(t, m, func() tea.Cmd {
		return m.Load(2, "text/plain", append(bytes.Repeat([]byte("second body\n"), SyncMax/10), "end"...))
	})
	m.Update(first)
	if !m.Loading() {
		t.Fatal("the first body's result replaced the second's spinner")
	}
	m.Update(second)
	wantRows(t, m, "second body", "second body")

	m.Load(3, "application/json", largeJSON(true))
	third := m.Load(3, "application/json", largeJSON(true))
	if third != nil {
		t.Fatal("Load with the same id again started a second preparation")
	}
	m.SetBody(4, "text/plain", []byte("small body"))
	m.Update(loadedMsg(t, m, func() tea.Cmd { return m.Load(5, "application/json", largeJSON(true)) }))
	m.SetBody(6, "text/plain", []byte("small again"))
	wantRows(t, m, "small again")
}

// TestSetPendingThenLoad: the root shows a spinner while it reads a body
// from its spool file (SetPending), then hands it over with a new id.
func TestSetPendingThenLoad(t *testing.T) {
	m := New()
	m.SetSize(50, 3)
	m.SetBody(1, "text/plain", []byte("the last body"))
	if cmd := m.SetPending(2, "reading the body (52.4 MB) …"); cmd == nil {
		t.Fatal("SetPending did not start the spinner")
	}
	if cmd := m.SetPending(2, "reading the body (52.4 MB) …"); cmd != nil {
		t.Fatal("SetPending started a second spinner")
	}
	wantRows(t, m, "⣾ reading the body (52.4 MB) …", "", "")
	m.Update(m.spin.Tick()) // the spinner turns while pending
	if rows := plainRows(m.View()); strings.HasPrefix(rows[0], "⣾") || !strings.Contains(rows[0], "reading the body") {
		t.Fatalf("the spinner did not turn: %q", rows[0])
	}
	m.Update(loadedMsg(t, m, func() tea.Cmd { return m.Load(3, "text/plain", bytes.Repeat([]byte("spooled\n"), SyncMax/4)) }))
	wantRows(t, m, "spooled", "spooled", "spooled")
	// A tiny pane still fits the spinner's row exactly.
	m.SetPending(4, "reading the body (52.4 MB) …")
	m.SetSize(8, 1)
	checkFrame(t, m.View(), 8, 1)
}

// TestLoadReappliesTheFilterInTheCommand: a jq filter active when a large
// body arrives runs in the command too (gojq decodes the whole body).
func TestLoadReappliesTheFilterInTheCommand(t *testing.T) {
	m := New()
	m.SetSize(40, 3)
	m.SetBody(1, "application/json", []byte(`[{"id": 7}]`))
	if err := m.SetFilter(".[0].id"); err != nil {
		t.Fatal(err)
	}
	msg := loadedMsg(t, m, func() tea.Cmd { return m.Load(2, "application/json", largeJSON(true)) })
	if msg.out == nil {
		t.Fatal("the filter did not run in the command")
	}
	m.Update(msg)
	if m.Filtering() != ".[0].id" {
		t.Fatalf("filter after the load = %q", m.Filtering())
	}
	wantRows(t, m, "0")
}

// TestNoteSaysWhatWasSkipped: a body too large to pretty-print or to
// highlight says so, instead of silently looking unlike a smaller one.
func TestNoteSaysWhatWasSkipped(t *testing.T) {
	for _, c := range []struct {
		name, ct string
		body     []byte
		want     string
	}{
		{"small json", "application/json", []byte(`{"a": 1}`), ""},
		{"plain text", "text/plain", bytes.Repeat([]byte("just text\n"), 200<<10), ""},
		{"json over 1 MiB", "application/json", genJSON(highlightMax+4096, true), "not highlighted: over 1 MiB"},
		{"xml of 90 KiB, highlighted", "application/xml", []byte("<a>" + strings.Repeat("<b>x</b>\n", 10<<10) + "</a>"), ""},
		{"xml over 1 MiB", "application/xml", []byte("<a>" + strings.Repeat("<b>x</b>\n", 120<<10) + "</a>"), "not highlighted: over 1 MiB"},
		{"json over 8 MiB", "application/json", genJSON(prettyMax+4096, false), "shown as sent, not pretty-printed or highlighted: over 8 MiB"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := New()
			m.SetSize(40, 2)
			if len(c.body) > SyncMax {
				m.Update(loadedMsg(t, m, func() tea.Cmd { return m.Load(1, c.ct, c.body) }))
			} else if m.Load(1, c.ct, c.body) != nil {
				t.Fatal("a small body got a command")
			}
			if got := m.Note(); got != c.want {
				t.Fatalf("Note() = %q, want %q", got, c.want)
			}
		})
	}
}

// TestIndentedSizeIsWhatIndentWrites: the pretty-printed copy is sized
// once, from indentedSize, so it must be exact for valid JSON.
func TestIndentedSizeIsWhatIndentWrites(t *testing.T) {
	for _, body := range []string{
		`{}`, `[]`, `{"a":1}`, `[1,2,[],{},[[]]]`, ` { "a" : [ 1 , "x\"]}," , {"b":{}} ] } `,
		`"just a string"`, `42`, `{"esc":"\\","q":"\"{[,:"}`, "[\n  1,\n  2\n]",
		string(genJSON(64<<10, false)), string(genJSON(64<<10, true)),
	} {
		var want bytes.Buffer
		if err := json.Indent(&want, []byte(body), "", "  "); err != nil {
			t.Fatalf("%q: %v", body, err)
		}
		if got := indentedSize([]byte(body)); got != want.Len() {
			t.Errorf("indentedSize(%.40q) = %d, json.Indent wrote %d", body, got, want.Len())
		}
	}
}
