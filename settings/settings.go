// Package settings reads and writes the user's sigscope settings:
// $XDG_CONFIG_HOME/sigscope/config.yaml (by default
// ~/.config/sigscope/config.yaml) with the theme, key overrides, the
// editor and the pager. It knows nothing of a terminal: the faces say
// which action names exist and apply what it read.
//
// The file is the user's own, not a collection: nothing in it is a
// secret, and its commands (editor, pager) are run as the user wrote them.
package settings

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sigscope/sigscope/collections"
)

// Themes are the values theme: takes.
var Themes = []string{"dark", "light"}

// Keys are the top-level keys of the file, in the order the default file
// and `sigscope config` list them.
var Keys = []string{"theme", "editor", "pager", "keymap"}

// Settings is one read of the file. The zero value is "nothing set": the
// UI's own defaults hold.
type Settings struct {
	// Path is the file read (it may not exist).
	Path string
	// Exists: the file was there.
	Exists bool
	// Theme is "dark", "light" or "" (ask the terminal).
	Theme string
	// Editor is the command E runs on a collection file, overriding
	// $VISUAL and $EDITOR; Pager the one that shows a response body,
	// overriding $PAGER. "" leaves them to the environment.
	Editor, Pager string
	// Keymap overrides the keys of actions, in file order.
	Keymap []Binding
}

// Binding gives an action its keys, in their canonical form (NormalizeKey);
// no keys unbinds the action. Line and Col locate the action's name.
type Binding struct {
	Action    string
	Keys      []string
	Line, Col int
}

// KeysFor returns the keys the file gives action, and whether it names it.
func (s *Settings) KeysFor(action string) ([]string, bool) {
	for _, b := range s.Keymap {
		if b.Action == action {
			return b.Keys, true
		}
	}
	return nil, false
}

// DefaultPath is where the file lives: $XDG_CONFIG_HOME/sigscope/config.yaml
// when XDG_CONFIG_HOME is an absolute path (the XDG rule: a relative one
// is ignored), else $HOME/.config/sigscope/config.yaml, on every system
// (as Posting and Slumber users expect, macOS included).
func DefaultPath(getenv func(string) string) (string, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	if x := getenv("XDG_CONFIG_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "sigscope", "config.yaml"), nil
	}
	home := getenv("HOME")
	if home == "" {
		h, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("no settings folder: set XDG_CONFIG_HOME or HOME: %w", err)
		}
		home = h
	}
	return filepath.Join(home, ".config", "sigscope", "config.yaml"), nil
}

// maxSize bounds the file read: settings are a few lines.
const maxSize = 1 << 20

// Load reads the file at path; a missing file is empty settings. actions
// are the names keymap: may give keys to. Every problem of the file comes
// back at once as collections.Errors, each with its line and column.
func Load(path string, actions []string) (*Settings, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &Settings{Path: path}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read settings %s: %w", path, err)
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("read settings %s: it is a folder, not a file", path)
	}
	if fi.Size() > maxSize {
		return nil, fmt.Errorf("read settings %s: %d bytes is too big for a settings file (at most %d)", path, fi.Size(), maxSize)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read settings %s: %w", path, err)
	}
	s, err := Parse(path, data, actions)
	if s != nil {
		s.Exists = true
	}
	return s, err
}

// Parse reads settings from data; path names them in errors.
func Parse(path string, data []byte, actions []string) (*Settings, error) {
	s := &Settings{Path: path}
	var doc yaml.Node
	if err := unmarshal(data, &doc); err != nil {
		return nil, collections.YAMLError(path, data, err)
	}
	if len(doc.Content) == 0 {
		return s, nil // empty, or only comments
	}
	root := doc.Content[0]
	p := &parser{path: path, actions: actions}
	if root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null" {
		return s, nil
	}
	if root.Kind != yaml.MappingNode {
		p.errorf(root, "the settings file must be a mapping of keys (%s), got %s", strings.Join(Keys, ", "), collections.KindName(root))
		return nil, p.errs
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			p.errorf(k, "a settings key must be a word, got %s", collections.KindName(k))
			continue
		}
		if line, dup := seen[k.Value]; dup {
			p.errorf(k, "%s is set twice (first at line %d): keep one", k.Value, line)
			continue
		}
		seen[k.Value] = k.Line
		switch k.Value {
		case "theme":
			if t, ok := p.str(k.Value, v); ok && t != "" {
				if !slices.Contains(Themes, t) {
					p.errorf(v, "theme %q: want %s", t, strings.Join(Themes, " or "))
				} else {
					s.Theme = t
				}
			}
		case "editor":
			s.Editor, _ = p.str(k.Value, v)
		case "pager":
			s.Pager, _ = p.str(k.Value, v)
		case "keymap":
			s.Keymap = p.keymap(v)
		default:
			p.errorf(k, "unknown key %q%s (keys: %s)", k.Value, collections.DidYouMean(k.Value, Keys), strings.Join(Keys, ", "))
		}
	}
	if len(p.errs) > 0 {
		return nil, p.errs
	}
	return s, nil
}

type parser struct {
	path    string
	actions []string
	errs    collections.Errors
}

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	p.errs = append(p.errs, &collections.Error{File: p.path, Line: n.Line, Col: n.Column, Msg: fmt.Sprintf(format, args...)})
}

// str reads a string value; null is "".
func (p *parser) str(key string, v *yaml.Node) (string, bool) {
	if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!null" {
		return "", true
	}
	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!str" {
		p.errorf(v, "%s must be a string, got %s", key, collections.KindName(v))
		return "", false
	}
	return strings.TrimSpace(v.Value), true
}

// keymap reads action: [keys...]; a single string is one key.
func (p *parser) keymap(n *yaml.Node) []Binding {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "keymap must map action names to lists of keys, such as keymap: {quit: [q, ctrl+q]}, got %s", collections.KindName(n))
		return nil
	}
	var out []Binding
	owner := map[string]string{} // key → the action that took it
	set := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		name := k.Value
		switch {
		case k.Kind != yaml.ScalarNode:
			p.errorf(k, "keymap: an action name must be a word, got %s", collections.KindName(k))
			continue
		case !slices.Contains(p.actions, name):
			p.errorf(k, "keymap: unknown action %q%s (actions: %s)", name, collections.DidYouMean(name, p.actions), strings.Join(p.actions, ", "))
			continue
		}
		if set[name] {
			p.errorf(k, "keymap: %s is set twice: keep one", name)
			continue
		}
		set[name] = true
		var items []*yaml.Node
		switch {
		case v.Kind == yaml.SequenceNode:
			items = v.Content
		case v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str":
			items = []*yaml.Node{v}
		case v.Kind == yaml.ScalarNode && v.ShortTag() == "!!int":
			items = []*yaml.Node{v} // keymap: {pane_1: 1}
		default:
			p.errorf(v, "keymap: %s must be a list of keys, such as [q, ctrl+q], got %s", name, collections.KindName(v))
			continue
		}
		b := Binding{Action: name, Keys: []string{}, Line: k.Line, Col: k.Column}
		for _, it := range items {
			if it.Kind != yaml.ScalarNode || it.ShortTag() == "!!null" {
				p.errorf(it, "keymap: %s: each key must be a string such as ctrl+s, got %s", name, collections.KindName(it))
				continue
			}
			key, err := NormalizeKey(it.Value)
			if err != nil {
				p.errorf(it, "keymap: %s: %v", name, err)
				continue
			}
			if other, taken := owner[key]; taken {
				p.errorf(it, "keymap: %s is given to both %s and %s: one key, one action", key, other, name)
				continue
			}
			owner[key] = name
			if !slices.Contains(b.Keys, key) {
				b.Keys = append(b.Keys, key)
			}
		}
		out = append(out, b)
	}
	return out
}

// unmarshal parses YAML; a panic of the parser on hostile input is an
// error, never a crash.
func unmarshal(data []byte, doc *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cannot parse YAML: %v", r)
		}
	}()
	return yaml.Unmarshal(data, doc)
}
