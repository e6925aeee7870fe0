package settings

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"gopkg.in/yaml.v3"

	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/internal/atomicfile"
)

// DefaultFile is what `sigscope config --init` writes: every key, commented
// out, with what it does.
const DefaultFile = `# sigscope settings: 'sigscope config --path' prints where this file is,
# 'sigscope config' what is in effect. Every key is optional.

# The theme, dark or light. T in the terminal UI switches it and writes
# it here. Unset, sigscope asks the terminal for its background colour.
# theme: dark

# The editor: the command E opens a collection file with, at the
# request's line (default: $VISUAL, else $EDITOR, else vi).
# editor: code --wait

# The pager: the command P shows the response body with (default:
# $PAGER, else less).
# pager: less

# The keymap: other keys for an action, as a list; an empty list []
# unbinds it. 'sigscope config' lists every action with its keys. A key is a
# character as typed (q, T, ?) or a name (enter, tab, esc, space, up,
# pgdown, f5), after modifiers: ctrl+s, alt+enter, shift+tab.
# keymap:
#   quit: [q, ctrl+q]
#   env: [e, ctrl+e]
`

// Init writes DefaultFile at path, readable by its owner only, in a
// folder made for it; an existing file is never overwritten.
func Init(path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s exists already: edit it, or remove it first", path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("write settings %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("write settings %s: %w", path, err)
	}
	return atomicfile.Write(path, []byte(DefaultFile), 0o600)
}

// SetTheme writes theme into the file at path and leaves everything else
// as it was, comments and layout included: the value of an existing
// theme: is replaced in place, else a theme: line is added at the end. A
// missing file is created (mode 0600). A file that does not read as
// settings is not touched: the error says where it is wrong.
func SetTheme(path, theme string, actions []string) error {
	if !slices.Contains(Themes, theme) {
		return fmt.Errorf("theme %q: want %s", theme, Themes)
	}
	data, err := os.ReadFile(path)
	perm := fs.FileMode(0o600)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return fmt.Errorf("write settings %s: %w", path, err)
		}
	case err != nil:
		return fmt.Errorf("read settings %s: %w", path, err)
	default:
		if fi, err := os.Stat(path); err == nil {
			perm = fi.Mode().Perm()
		}
		if _, err := Parse(path, data, actions); err != nil {
			return fmt.Errorf("not saved, the settings file has errors: %w", err)
		}
	}
	out, err := withTheme(data, theme)
	if err != nil {
		return fmt.Errorf("write settings %s: %w", path, err)
	}
	if s, err := Parse(path, out, actions); err != nil || s.Theme != theme {
		// Never write a file that would not read back as asked.
		return fmt.Errorf("write settings %s: the edited file would not read back (%v): not saved", path, err)
	}
	return atomicfile.Write(path, out, perm)
}

// withTheme edits the text of a settings file.
func withTheme(data []byte, theme string) ([]byte, error) {
	var doc yaml.Node
	if err := unmarshal(data, &doc); err != nil {
		return nil, err
	}
	var root *yaml.Node
	if len(doc.Content) > 0 && doc.Content[0].Kind == yaml.MappingNode {
		root = doc.Content[0]
	}
	if root != nil {
		for i := 0; i+1 < len(root.Content); i += 2 {
			if k, v := root.Content[i], root.Content[i+1]; k.Value == "theme" {
				if out, ok := replaceScalar(data, v, theme); ok {
					return out, nil
				}
				v.Kind, v.Tag, v.Value, v.Style = yaml.ScalarNode, "!!str", theme, 0
				return collections.EncodeDocument(&doc)
			}
		}
		if root.Style&yaml.FlowStyle != 0 {
			root.Content = append(root.Content,
				&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "theme"},
				&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: theme})
			return collections.EncodeDocument(&doc)
		}
	}
	// A block mapping, an empty file or one of comments only: a line at
	// the end.
	out := append([]byte{}, data...)
	if len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, '\n')
	}
	return append(out, "theme: "+theme+"\n"...), nil
}

// replaceScalar puts value where the one-line scalar v is written, when
// the text there is what yaml read (a plain or simply quoted word).
func replaceScalar(data []byte, v *yaml.Node, value string) ([]byte, bool) {
	if v.Kind != yaml.ScalarNode || v.Line < 1 || v.Column < 1 || v.Value == "" {
		return nil, false
	}
	start := 0
	for line := 1; line < v.Line; line++ {
		i := bytes.IndexByte(data[start:], '\n')
		if i < 0 {
			return nil, false
		}
		start += i + 1
	}
	start += v.Column - 1
	quote := ""
	switch v.Style {
	case 0:
	case yaml.DoubleQuotedStyle:
		quote = `"`
	case yaml.SingleQuotedStyle:
		quote = "'"
	default:
		return nil, false
	}
	written := quote + v.Value + quote
	if start > len(data) || !bytes.HasPrefix(data[start:], []byte(written)) {
		return nil, false
	}
	out := append(append([]byte{}, data[:start]...), quote+value+quote...)
	return append(out, data[start+len(written):]...), true
}
