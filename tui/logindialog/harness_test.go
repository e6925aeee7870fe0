package logindialog

import (
	"context"
	"strings"
	"sync"
	"testing"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sigscope/sigscope/auth"
)

// reply is what the fake login answers to one Answer.
type reply struct {
	step auth.Step
	err  error
}

// fakeLogin is a Stepper that plays replies in order and records what it
// was asked. With block set, Answer waits for its context instead.
type fakeLogin struct {
	mu      sync.Mutex
	step    auth.Step
	replies []reply
	answers []auth.Answer
	ctxs    []context.Context
	block   bool
}

func newFake(replies ...reply) *fakeLogin {
	return &fakeLogin{step: auth.Step{Kind: auth.StepPassword, Prompt: "Password for demo"}, replies: replies}
}

func (f *fakeLogin) Next() auth.Step {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.step
}

func (f *fakeLogin) Answer(ctx context.Context, a auth.Answer) (auth.Step, error) {
	f.mu.Lock()
	f.answers = append(f.answers, a)
	f.ctxs = append(f.ctxs, ctx)
	block := f.block
	f.mu.Unlock()
	if block {
		<-ctx.Done()
		return f.Next(), ctx.Err()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.replies) == 0 {
		panic("fakeLogin: no reply left")
	}
	r := f.replies[0]
	f.replies = f.replies[1:]
	f.step = r.step
	return r.step, r.err
}

func (f *fakeLogin) answered() []auth.Answer {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]auth.Answer(nil), f.answers...)
}

// harness drives a dialog as the root model would, running commands
// synchronously and feeding their messages back.
type harness struct {
	t       *testing.T
	m       *Model
	fake    *fakeLogin
	starts  []string  // usernames Start was called with
	emitted []tea.Msg // DoneMsg and CanceledMsg, for the root
	views   []string  // View after every Update
	secrets []string  // must never appear in a view
}

func newHarness(t *testing.T, fake *fakeLogin, w, h int, tweak ...func(*Config)) *harness {
	t.Helper()
	hs := &harness{t: t, fake: fake}
	cfg := Config{
		Title: "app", Pool: "us-east-1_Demo1", Flow: "srp", Username: "demo",
		Start: func(username string) (Stepper, error) {
			hs.starts = append(hs.starts, username)
			return fake, nil
		},
	}
	for _, f := range tweak {
		f(&cfg)
	}
	hs.m = New(cfg, DefaultStyles())
	hs.m.SetSize(w, h)
	hs.views = append(hs.views, hs.m.View())
	return hs
}

func (h *harness) send(msg tea.Msg) {
	h.t.Helper()
	m, cmd := h.m.Update(msg)
	if m != h.m {
		h.t.Fatal("Update returned another model")
	}
	h.views = append(h.views, h.m.View())
	h.run(cmd)
}

func (h *harness) run(cmd tea.Cmd) {
	h.t.Helper()
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			h.run(c)
		}
	case spinner.TickMsg:
		// The spinner's own loop: nothing to check.
	case DoneMsg, CanceledMsg:
		h.emitted = append(h.emitted, msg)
	default:
		h.send(msg)
	}
}

func (h *harness) typeText(s string) {
	h.t.Helper()
	for _, r := range s {
		h.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func (h *harness) press(code rune, mod ...tea.KeyMod) {
	h.t.Helper()
	k := tea.KeyPressMsg{Code: code}
	for _, m := range mod {
		k.Mod |= m
	}
	h.send(k)
}

func (h *harness) enter() { h.t.Helper(); h.press(tea.KeyEnter) }
func (h *harness) tab()   { h.t.Helper(); h.press(tea.KeyTab) }

// screen is the current view without colours.
func (h *harness) screen() string { return ansi.Strip(h.m.View()) }

func (h *harness) mustShow(parts ...string) {
	h.t.Helper()
	s := h.screen()
	for _, p := range parts {
		if !strings.Contains(s, p) {
			h.t.Fatalf("view lacks %q:\n%s", p, s)
		}
	}
}

func (h *harness) mustNotShow(parts ...string) {
	h.t.Helper()
	s := h.screen()
	for _, p := range parts {
		if strings.Contains(s, p) {
			h.t.Fatalf("view shows %q:\n%s", p, s)
		}
	}
}

// checkViews checks every view so far: each line exactly the box's width
// and no wider than the terminal, and no secret anywhere.
func (h *harness) checkViews() {
	h.t.Helper()
	for _, v := range h.views {
		for _, s := range h.secrets {
			if strings.Contains(v, s) || strings.Contains(ansi.Strip(v), s) {
				h.t.Fatalf("a view shows the secret %q:\n%s", s, ansi.Strip(v))
			}
		}
		for i, l := range strings.Split(v, "\n") {
			if w := ansi.StringWidth(l); w != h.m.width || w > h.m.termW {
				h.t.Fatalf("terminal %dx%d: line %d is %d columns, want %d:\n%s",
					h.m.termW, h.m.termH, i, w, h.m.width, ansi.Strip(v))
			}
		}
	}
}

func (h *harness) done() DoneMsg {
	h.t.Helper()
	for _, m := range h.emitted {
		if d, ok := m.(DoneMsg); ok {
			return d
		}
	}
	h.t.Fatalf("no DoneMsg; emitted %v", h.emitted)
	return DoneMsg{}
}
