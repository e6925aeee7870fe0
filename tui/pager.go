package tui

import (
	"fmt"
	"os"
	"os/exec"
	"strings"

	tea "charm.land/bubbletea/v2"
	"mvdan.cc/sh/v3/shell"
)

// commandSource is one place a command may be set (the settings file, an
// environment variable, a default), named for messages.
type commandSource struct{ value, from string }

// commandWords splits the first command set among sources into words as a
// shell would, quotes and $VARS included, but never runs a shell.
func commandWords(sources []commandSource) ([]string, error) {
	for _, s := range sources {
		if strings.TrimSpace(s.value) == "" {
			continue
		}
		args, err := shell.Fields(s.value, nil)
		if err != nil {
			return nil, fmt.Errorf("%s %q: %w", s.from, s.value, err)
		}
		if len(args) == 0 || args[0] == "" {
			return nil, fmt.Errorf("%s %q names no program", s.from, s.value)
		}
		return args, nil
	}
	return nil, fmt.Errorf("no command is set")
}

// editorSources: the settings file's editor, then $VISUAL, $EDITOR, vi.
func (m *Model) editorSources() []commandSource {
	return []commandSource{
		{m.settingsValue(func() string { return m.cfg.Settings.Editor }), "the settings' editor"},
		{os.Getenv("VISUAL"), "$VISUAL"}, {os.Getenv("EDITOR"), "$EDITOR"}, {"vi", "the default editor"},
	}
}

// pagerSources: the settings file's pager, then $PAGER, less.
func (m *Model) pagerSources() []commandSource {
	return []commandSource{
		{m.settingsValue(func() string { return m.cfg.Settings.Pager }), "the settings' pager"},
		{os.Getenv("PAGER"), "$PAGER"}, {"less", "the default pager"},
	}
}

func (m *Model) settingsValue(get func() string) string {
	if m.cfg.Settings == nil {
		return ""
	}
	return get()
}

// pagedMsg ends a pager session; file is the temporary copy to remove.
type pagedMsg struct {
	file string
	err  error
}

// openPager is P: the response body as the Body tab shows it (masked
// unless S, escaped, filtered by jq when a filter is on) in the pager,
// from a temporary file only the user can read, removed afterwards.
func (m *Model) openPager() tea.Cmd {
	r := m.selected()
	if r == nil || !r.answered() {
		m.setStatus("no response body to page: send the request first ("+m.keys.Send.Help().Key+")", false)
		return nil
	}
	args, err := commandWords(m.pagerSources())
	if err != nil {
		m.setStatus("pager: "+err.Error(), false)
		return nil
	}
	f, err := os.CreateTemp("", "sigscope-body-*.txt")
	if err != nil {
		m.setStatus("pager: "+err.Error(), false)
		return nil
	}
	_, werr := f.WriteString(m.body.PlainText())
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		os.Remove(f.Name())
		m.setStatus("pager: write "+f.Name()+": "+werr.Error(), false)
		return nil
	}
	// The temporary path is absolute: it cannot read as an option.
	c := exec.Command(args[0], append(args[1:], f.Name())...)
	name := f.Name()
	return execProcess(c, func(err error) tea.Msg { return pagedMsg{file: name, err: err} })
}

func (m *Model) paged(msg pagedMsg) {
	os.Remove(msg.file)
	if msg.err != nil {
		m.setStatus("pager: "+msg.err.Error(), false)
	}
}
