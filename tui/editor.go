package tui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/tui/bodyview"
	"github.com/sigscope/sigscope/workbench"
)

// Editor fields, in tab order.
const (
	fieldMethod = iota
	fieldURL
	fieldQuery
	fieldHeaders
	fieldBody
	numFields
)

var fieldNames = [numFields]string{"method", "url", "query", "headers", "body"}

var methods = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}

// editor edits the selected request in place, in the Request pane: each
// change goes into the open document (in memory) shortly after typing
// stops, and the SigV4 pane follows. ctrl+s writes the file.
type editor struct {
	coll     int
	path     string
	method   textinput.Model
	url      textinput.Model
	query    textarea.Model
	headers  textarea.Model
	body     textarea.Model
	bodyKind collections.BodyKind
	bodyFile string // a file body is shown, not edited
	focus    int
	err      string
	seq      int // of the last change: the debounce drops older ticks
	w, h     int
}

func newEditor(coll int, path string, spec collections.Request) *editor {
	e := &editor{coll: coll, path: path}
	e.method = newTextInput()
	e.method.Prompt = ""
	e.method.SetValue(spec.Method)
	e.url = newTextInput()
	e.url.Prompt = ""
	e.url.SetValue(spec.URL)
	area := func(value string) textarea.Model {
		t := newTextArea()
		t.Prompt = "┆ "
		t.ShowLineNumbers = false
		t.SetValue(value)
		return t
	}
	e.query = area(kvLines(spec.Query, "="))
	e.headers = area(kvLines(spec.Headers, ": "))
	body := ""
	if b := spec.Body; b != nil {
		e.bodyKind = b.Kind
		switch b.Kind {
		case collections.BodyJSON:
			var out bytes.Buffer
			if err := json.Indent(&out, b.JSON, "", "  "); err != nil {
				body = string(b.JSON)
			} else {
				body = out.String()
			}
		case collections.BodyText:
			body = b.Text
		case collections.BodyForm:
			body = kvLines(b.Form, "=")
		case collections.BodyFile:
			e.bodyFile = b.File
		}
	}
	e.body = area(body)
	e.focusField(fieldURL)
	return e
}

func kvLines(kvs []collections.KV, sep string) string {
	var lines []string
	for _, kv := range kvs {
		lines = append(lines, kv.Key+sep+kv.Value)
	}
	return strings.Join(lines, "\n")
}

// parseKV reads "name<sep>value" lines; blank lines are skipped.
func parseKV(s, sep, what string) ([]collections.KV, error) {
	var out []collections.KV
	for i, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		k, v, ok := strings.Cut(l, sep)
		if !ok || strings.TrimSpace(k) == "" {
			return nil, fmt.Errorf("%s line %d: want name%svalue", what, i+1, sep)
		}
		out = append(out, collections.KV{Key: strings.TrimSpace(k), Value: strings.TrimLeft(v, " ")})
	}
	return out, nil
}

func (e *editor) setSize(w, h int) {
	e.w, e.h = w, h
	inner := max(w-9, 10)
	// A method is at most 7 letters (OPTIONS): the ←/→ hint stays beside it.
	e.method.SetWidth(min(8, inner))
	e.url.SetWidth(inner)
	qh, hh := e.areaHeights()
	e.query.SetWidth(w)
	e.query.SetHeight(qh)
	e.headers.SetWidth(w)
	e.headers.SetHeight(hh)
	e.body.SetWidth(w)
	e.body.SetHeight(max(h-qh-hh-6, 1)) // six rows: method, url, three labels, the foot
}

// areaHeights splits the rows below method and URL: query and headers get
// what they hold and a line to add one, when the body leaves room; the
// body keeps at least half the rows when it holds more, else the rest.
func (e *editor) areaHeights() (int, int) {
	avail := max(e.h-6, 3)
	q, hd := e.query.LineCount()+1, e.headers.LineCount()+1
	bodyWants := max(e.body.LineCount()+1, 3)
	if e.bodyFile != "" || e.body.Value() == "" {
		bodyWants = 1 // a line to start one
	}
	if q+hd+bodyWants > avail {
		room := max(avail-min(bodyWants, avail/2), 2)
		if q+hd > room {
			// Share what is left by what each holds, a line each at least.
			q = clamp(room*q/(q+hd), 1, room-1)
			hd = max(room-q, 1)
		}
	}
	return q, hd
}

func (e *editor) focusField(f int) {
	e.focus = f
	e.method.Blur()
	e.url.Blur()
	e.query.Blur()
	e.headers.Blur()
	e.body.Blur()
	switch f {
	case fieldMethod:
		e.method.Focus()
	case fieldURL:
		e.url.Focus()
	case fieldQuery:
		e.query.Focus()
	case fieldHeaders:
		e.headers.Focus()
	case fieldBody:
		if e.bodyFile == "" {
			e.body.Focus()
		}
	}
}

// editTickMsg ends a pause in typing: the edits are applied then.
type editTickMsg struct{ seq int }

// update takes a key for the focused field; changed says whether the text
// changed (so the root schedules an apply).
func (e *editor) update(msg tea.Msg) (cmd tea.Cmd, changed bool) {
	k, isKey := msg.(tea.KeyPressMsg)
	if isKey {
		switch k.String() {
		case "tab":
			e.focusField((e.focus + 1) % numFields)
			return nil, false
		case "shift+tab":
			e.focusField((e.focus + numFields - 1) % numFields)
			return nil, false
		}
		if e.focus == fieldMethod && (k.String() == "left" || k.String() == "right" || k.String() == "up" || k.String() == "down") {
			cur := strings.ToUpper(e.method.Value())
			i := 0
			for j, mm := range methods {
				if mm == cur {
					i = j
				}
			}
			d := 1
			if k.String() == "left" || k.String() == "up" {
				d = len(methods) - 1
			}
			e.method.SetValue(methods[(i+d)%len(methods)])
			return nil, true
		}
	}
	before := e.value(e.focus)
	switch e.focus {
	case fieldMethod:
		e.method, cmd = e.method.Update(msg)
	case fieldURL:
		e.url, cmd = e.url.Update(msg)
	case fieldQuery:
		e.query, cmd = e.query.Update(msg)
	case fieldHeaders:
		e.headers, cmd = e.headers.Update(msg)
	case fieldBody:
		if e.bodyFile == "" {
			e.body, cmd = e.body.Update(msg)
		}
	}
	return cmd, e.value(e.focus) != before
}

func (e *editor) value(f int) string {
	switch f {
	case fieldMethod:
		return e.method.Value()
	case fieldURL:
		return e.url.Value()
	case fieldQuery:
		return e.query.Value()
	case fieldHeaders:
		return e.headers.Value()
	}
	return e.body.Value()
}

// apply writes every field into the document; changed says whether any
// differed from it. A field that does not parse yet (JSON half typed) is
// left as it was, and said so.
func (e *editor) apply(wb *workbench.Workbench) (changed bool, err error) {
	query, err := parseKV(e.query.Value(), "=", "query")
	if err != nil {
		return false, err
	}
	headers, err := parseKV(e.headers.Value(), ":", "headers")
	if err != nil {
		return false, err
	}
	body, err := e.bodySpec()
	if err != nil {
		return false, err
	}
	path := e.path
	err = wb.Edit(func(c *collections.Collection) error {
		spec, err := c.RequestSpec(path)
		if err != nil {
			return err
		}
		m := strings.ToUpper(strings.TrimSpace(e.method.Value()))
		u := strings.TrimSpace(e.url.Value())
		steps := []struct {
			differs bool
			do      func() error
		}{
			{m != spec.Method, func() error { return c.SetMethod(path, m) }},
			{u != spec.URL, func() error { return c.SetURL(path, u) }},
			{!slices.Equal(query, spec.Query), func() error { return c.SetQuery(path, query) }},
			{!slices.Equal(headers, spec.Headers), func() error { return c.SetHeaders(path, headers) }},
			{e.bodyFile == "" && !sameBody(body, spec.Body), func() error { return c.SetBody(path, body) }},
		}
		for _, st := range steps {
			if !st.differs {
				continue
			}
			changed = true
			if err := st.do(); err != nil {
				return err
			}
		}
		return nil
	})
	return changed, err
}

func (e *editor) bodySpec() (*collections.BodySpec, error) {
	text := e.body.Value()
	if strings.TrimSpace(text) == "" {
		return nil, nil
	}
	switch e.bodyKind {
	case collections.BodyForm:
		form, err := parseKV(text, "=", "form body")
		return &collections.BodySpec{Kind: collections.BodyForm, Form: form}, err
	case collections.BodyText:
		return &collections.BodySpec{Kind: collections.BodyText, Text: text}, nil
	}
	if !json.Valid([]byte(text)) {
		if e.bodyKind == collections.BodyJSON {
			return nil, fmt.Errorf("body: not valid JSON yet (the file keeps the last valid body)")
		}
		return &collections.BodySpec{Kind: collections.BodyText, Text: text}, nil
	}
	return &collections.BodySpec{Kind: collections.BodyJSON, JSON: json.RawMessage(text)}, nil
}

func sameBody(a, b *collections.BodySpec) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case collections.BodyJSON:
		return string(compactJSON(a.JSON)) == string(compactJSON(b.JSON))
	case collections.BodyForm:
		return slices.Equal(a.Form, b.Form)
	}
	return a.Text == b.Text
}

func compactJSON(b []byte) []byte {
	var out bytes.Buffer
	if err := json.Compact(&out, b); err != nil {
		return b
	}
	return out.Bytes()
}

// view draws the form in the Request pane.
func (e *editor) view(st Styles) []string {
	label := func(f int, text string) string {
		s := st.Dim
		if e.focus == f {
			s = st.Accent
		}
		return s.Render(fmt.Sprintf("%-8s", text))
	}
	lines := []string{
		label(fieldMethod, "method") + e.method.View() + st.Dim.Render("  ←/→"),
		label(fieldURL, "url") + e.url.View(),
		label(fieldQuery, "query") + st.Dim.Render(" name=value, one a line"),
	}
	lines = append(lines, strings.Split(e.query.View(), "\n")...)
	lines = append(lines, label(fieldHeaders, "headers")+st.Dim.Render(" Name: value, one a line"))
	lines = append(lines, strings.Split(e.headers.View(), "\n")...)
	kind := string(e.bodyKind)
	if kind == "" {
		kind = "none yet: JSON or text"
	}
	lines = append(lines, label(fieldBody, "body")+st.Dim.Render(" "+kind))
	if e.bodyFile != "" {
		lines = append(lines, st.Dim.Render("  from the file "+bodyview.Escape(e.bodyFile)+" (edit it outside sigscope)"))
	} else {
		lines = append(lines, strings.Split(e.body.View(), "\n")...)
	}
	foot := st.Dim.Render("tab next · esc done · ctrl+j send · ctrl+s save")
	if e.err != "" {
		foot = st.Error.Render(bodyview.Escape(e.err))
	}
	lines = fitLines(lines, e.w, max(e.h-1, 0))
	return append(lines, fit(foot, e.w))
}

// editDelay is how long typing must pause before edits are applied: a
// big collection re-validates on every edit.
const editDelay = 250 * time.Millisecond
