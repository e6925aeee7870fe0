package cookies

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/sigscope/sigscope/internal/atomicfile"
)

// fileVersion is written in every jar file so that a later format can tell
// old files apart.
const fileVersion = 1

type jarFile struct {
	Version    int      `json:"version"`
	Collection string   `json:"collection,omitempty"`
	Env        string   `json:"environment,omitempty"`
	Cookies    []*Entry `json:"cookies"`
}

// Dir is where jars live: os.UserCacheDir()/sigscope/cookies.
func Dir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("cookie jar: no cache directory (set XDG_CACHE_HOME or HOME): %w", err)
	}
	return filepath.Join(base, "sigscope", "cookies"), nil
}

// PathFor names the jar file of a collection file and an environment: the
// file's base name and the environment keep it readable, a hash of the
// absolute path keeps two collections with the same name apart.
func PathFor(collectionPath, env string) (string, error) {
	dir, err := Dir()
	if err != nil {
		return "", err
	}
	return PathIn(dir, collectionPath, env), nil
}

// PathIn is PathFor under another directory (a test's, or a cache root
// the caller chose).
func PathIn(dir, collectionPath, env string) string {
	abs, err := filepath.Abs(collectionPath)
	if err != nil {
		abs = collectionPath
	}
	sum := sha256.Sum256([]byte(abs + "\x00" + env))
	base := strings.TrimSuffix(filepath.Base(abs), filepath.Ext(abs))
	name := slug(base)
	if env != "" {
		name += "." + slug(env)
	}
	return filepath.Join(dir, name+"."+hex.EncodeToString(sum[:6])+".json")
}

// Open reads the jar saved at path; a missing file gives an empty jar that
// Save will create.
func Open(path string) (*Jar, error) {
	j := &Jar{path: path}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return j, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read cookie jar %s: %w", path, err)
	}
	var f jarFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("read cookie jar %s: %w (delete the file to start with an empty jar)", path, err)
	}
	if f.Version != fileVersion {
		return nil, fmt.Errorf("read cookie jar %s: format version %d, this sigscope reads %d (delete the file to start again)", path, f.Version, fileVersion)
	}
	for _, e := range f.Cookies {
		if loadable(e) {
			j.entries = append(j.entries, e)
		}
	}
	return j, nil
}

// Path is the file the jar is saved to ("" for a jar in memory).
func (j *Jar) Path() string { return j.path }

// Save writes the jar to its file with mode 0600 (the values are secrets),
// atomically, and without losing what other processes saved meanwhile:
// under a lock on the file, it reads the jar on disk again, applies this
// jar's own stores and removals since the last Save, and writes the
// merge. A jar without a file is not saved.
func (j *Jar) Save(collection, env string) error {
	if j.path == "" {
		return nil
	}
	dir := filepath.Dir(j.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("save cookie jar: %w", err)
	}
	unlock, err := lockFile(j.path + ".lock")
	if err != nil {
		return fmt.Errorf("save cookie jar: %w", err)
	}
	defer unlock()
	disk, err := Open(j.path)
	if err != nil {
		return fmt.Errorf("save cookie jar: %w", err)
	}
	j.mu.Lock()
	merged := disk.entries
	// Drop what this process changed, then add its versions in the jar's
	// own order (not the map's, which is random: cookies created at the
	// same instant must keep their order).
	kept := merged[:0]
	for _, d := range merged {
		if _, changed := j.changes[d.key()]; !changed {
			kept = append(kept, d)
		}
	}
	merged = kept
	for _, e := range j.entries {
		if c, changed := j.changes[e.key()]; changed && c != nil {
			merged = append(merged, c)
		}
	}
	sort.SliceStable(merged, func(a, b int) bool { return merged[a].Created.Before(merged[b].Created) })
	// Processes that each stayed within a limit may exceed it together.
	merged = capPerSite(merged)
	if len(merged) > maxEntries {
		merged = merged[len(merged)-maxEntries:]
	}
	f := jarFile{Version: fileVersion, Collection: collection, Env: env, Cookies: merged}
	data, err := json.MarshalIndent(f, "", "  ")
	if err == nil {
		// This process now sees what the others saved, too.
		j.entries, j.changes = append([]*Entry{}, merged...), nil
	}
	j.mu.Unlock()
	if err != nil {
		return fmt.Errorf("save cookie jar: %w", err)
	}
	if err := atomicfile.Write(j.path, append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("save cookie jar: %w", err)
	}
	return nil
}

// slug keeps letters, digits, '-' and '_' of a name for a file name.
func slug(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	out := b.String()
	if len(out) > 40 {
		out = out[:40]
	}
	if out == "" {
		out = "_"
	}
	return out
}
