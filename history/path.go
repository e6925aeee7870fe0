package history

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
)

// DefaultPath is where the history lives: SIGSCOPE_HISTORY when set (the
// value "off" (or 0, false, no) disables history and gives ""; "on" (or
// 1, true, yes) is the default place, never a file of that name in the
// working folder), else
// $XDG_DATA_HOME/sigscope/history.db, else
// ~/.local/share/sigscope/history.db. lookup reads the environment; nil
// means os.LookupEnv. A relative XDG_DATA_HOME is ignored, as the XDG
// specification asks.
func DefaultPath(lookup func(string) (string, bool)) (string, error) {
	if lookup == nil {
		lookup = os.LookupEnv
	}
	if v, ok := lookup("SIGSCOPE_HISTORY"); ok && strings.TrimSpace(v) != "" {
		v = strings.TrimSpace(v)
		switch strings.ToLower(v) {
		case "off", "0", "false", "no":
			return "", nil
		case "on", "1", "true", "yes":
			return defaultPlace(lookup)
		}
		if v == "~" || strings.HasPrefix(v, "~/") {
			home, err := homeDir(lookup)
			if err != nil {
				return "", err
			}
			v = filepath.Join(home, v[1:])
		}
		return filepath.Clean(v), nil
	}
	return defaultPlace(lookup)
}

// defaultPlace is the history's place without SIGSCOPE_HISTORY.
func defaultPlace(lookup func(string) (string, bool)) (string, error) {
	if v, ok := lookup("XDG_DATA_HOME"); ok && filepath.IsAbs(v) {
		return filepath.Join(v, "sigscope", "history.db"), nil
	}
	home, err := homeDir(lookup)
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".local", "share", "sigscope", "history.db"), nil
}

func homeDir(lookup func(string) (string, bool)) (string, error) {
	if v, ok := lookup("HOME"); ok && v != "" {
		return v, nil
	}
	return "", errors.New("history: cannot tell where to keep the history: HOME is not set; set XDG_DATA_HOME or SIGSCOPE_HISTORY (a file path, or off)")
}
