package history

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// A Spool keeps entries for the store without opening it: one small file
// per entry in a private folder beside the database. Opening SQLite,
// committing with the full-text index and checkpointing on close took
// about a third of a `sigscope send` (issue 21); writing a file takes a
// fraction of that. The next Open of the store (the history commands, the
// UI, a run) imports what was spooled, each entry once, in transactions,
// and only then deletes the files: a process that dies at any point loses
// no entry and imports none twice.
//
// A file is written under a temporary name and renamed when complete, so
// an importer never reads half an entry. Like the store with
// synchronous=NORMAL, a spooled entry survives the process dying, not
// necessarily a power cut.
type Spool struct {
	dir  string
	opts Options
}

const (
	spoolSuffix  = ".entry"
	spoolBad     = ".bad" // a file that does not decode is renamed, never deleted
	spoolMagic   = "sigscope-spool 1\n"
	spoolBatch   = 256 // entries imported per transaction
	spoolTempPre = ".new-"
)

// SpoolDir is where entries for the database at dbPath are spooled.
func SpoolDir(dbPath string) string { return dbPath + ".spool" }

// Exists reports whether anything was kept at path: the database, or
// entries spooled for it that the first Open will import.
func Exists(path string) bool {
	if _, err := os.Stat(path); err == nil {
		return true
	}
	return len(spooled(SpoolDir(path))) > 0
}

// OpenSpool prepares the spool of the database at path (folder 0700). It
// does not open or create the database.
func OpenSpool(path string, opts Options) (*Spool, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("history %s: %w", path, err)
	}
	// A database that is not one (or is cut short) is said now, as Open
	// says it, rather than when a reader finds entries it cannot import;
	// reading its header is cheap, opening it is what the spool saves.
	if st, err := os.Stat(abs); err == nil && st.Mode().IsRegular() {
		if err := checkHeader(abs); err != nil {
			return nil, err
		}
	}
	dir := SpoolDir(abs)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, &UnavailableError{Path: abs, Problem: "cannot create its spool folder " + dir, Fix: fixReadOnly, Err: err}
	}
	return &Spool{dir: dir, opts: opts.withDefaults()}, nil
}

// Pending is how many entries wait in the spool (0 when it cannot be read).
func (sp *Spool) Pending() int { return len(spooled(sp.dir)) }

// Add spools one entry, cut to the limits as Store.Add cuts it. The id is
// 0: the entry gets one when the store imports it.
func (sp *Spool) Add(_ context.Context, e *Entry) (int64, error) {
	if e == nil {
		return 0, errors.New("history spool: no entry")
	}
	kept := prepareEntry(e, sp.opts)
	var b bytes.Buffer
	b.WriteString(spoolMagic)
	// gob keeps every byte as it was (JSON would change strings that are
	// not UTF-8) and matches fields by name, so a newer sigscope reads it.
	if err := gob.NewEncoder(&b).Encode(kept); err != nil {
		return 0, fmt.Errorf("history spool: encode entry: %w", err)
	}
	f, err := os.CreateTemp(sp.dir, spoolTempPre+"*") // 0600
	if err != nil {
		return 0, fmt.Errorf("history spool: %w", err)
	}
	tmp := f.Name()
	_, err = f.Write(b.Bytes())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return 0, fmt.Errorf("history spool: %w", err)
	}
	// The name sorts by time, so entries are imported in the order sent.
	var r [4]byte
	_, _ = rand.Read(r[:])
	name := fmt.Sprintf("%020d-%d-%s%s", kept.Time.UnixNano(), os.Getpid(), hex.EncodeToString(r[:]), spoolSuffix)
	if err := os.Rename(tmp, filepath.Join(sp.dir, name)); err != nil {
		os.Remove(tmp)
		return 0, fmt.Errorf("history spool: %w", err)
	}
	return 0, nil
}

// spooled lists the complete entry files of dir, oldest first.
func spooled(dir string) []string {
	des, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var names []string
	for _, de := range des {
		if n := de.Name(); strings.HasSuffix(n, spoolSuffix) && !strings.HasPrefix(n, ".") && de.Type().IsRegular() {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names
}

// removeStaleTemps deletes files a spooling process began and never
// renamed (it died while writing: the entry was never complete). A live
// writer renames its file within milliseconds; an hour is far past that.
func removeStaleTemps(dir string) {
	des, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, de := range des {
		if !strings.HasPrefix(de.Name(), spoolTempPre) {
			continue
		}
		if info, err := de.Info(); err == nil && time.Since(info.ModTime()) > time.Hour {
			_ = os.Remove(filepath.Join(dir, de.Name()))
		}
	}
}

// importSpool moves the spooled entries into the store. An entry already
// there (a previous import committed, then died before deleting its
// file) is not added again: the same time to the nanosecond, request and
// URL is the same exchange.
func (s *Store) importSpool(ctx context.Context) error {
	dir := SpoolDir(s.path)
	removeStaleTemps(dir)
	names := spooled(dir)
	for len(names) > 0 {
		batch := names[:min(len(names), spoolBatch)]
		names = names[len(batch):]
		if err := s.importBatch(ctx, dir, batch); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) importBatch(ctx context.Context, dir string, batch []string) error {
	type spooledEntry struct {
		name   string
		e      *Entry
		detail []byte
	}
	var todo []spooledEntry
	for _, name := range batch {
		e, err := readSpooled(filepath.Join(dir, name))
		if errors.Is(err, fs.ErrNotExist) {
			continue // another process imported it
		}
		if err != nil {
			// Kept aside for a person to look at, never deleted.
			_ = os.Rename(filepath.Join(dir, name), filepath.Join(dir, name+spoolBad))
			continue
		}
		kept := prepareEntry(e, s.opts)
		detail, err := encodeDetail(kept)
		if err != nil {
			return fmt.Errorf("history import %s: encode entry: %w", filepath.Join(dir, name), err)
		}
		todo = append(todo, spooledEntry{name, kept, detail})
	}
	if len(todo) == 0 {
		return nil
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return classify(s.path, "import spooled entries", err)
	}
	defer tx.Rollback()
	ex := preparedTx{s, tx}
	for _, t := range todo {
		var dup int
		err := tx.QueryRowContext(ctx, `SELECT count(*) FROM entries WHERE time = ? AND request = ? AND url = ?`,
			t.e.Time.UnixNano(), t.e.Request, t.e.URL).Scan(&dup)
		if err != nil {
			return classify(s.path, "import spooled entries", err)
		}
		if dup > 0 {
			continue
		}
		if _, err := s.addIn(ctx, ex, t.e, t.detail); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return classify(s.path, "import spooled entries", err)
	}
	for _, t := range todo {
		_ = os.Remove(filepath.Join(dir, t.name))
	}
	return nil
}

func readSpooled(path string) (*Entry, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	rest, ok := bytes.CutPrefix(b, []byte(spoolMagic))
	if !ok {
		return nil, fmt.Errorf("%s: not a spooled history entry", path)
	}
	var e Entry
	if err := gob.NewDecoder(bytes.NewReader(rest)).Decode(&e); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &e, nil
}

// drainSpool imports the spool of the database at abs through a writable
// store, for a read-only Open to see what was spooled. It fails quietly:
// the entries stay spooled for the next writable Open.
func drainSpool(abs string, opts Options) {
	if len(spooled(SpoolDir(abs))) == 0 {
		return
	}
	opts.ReadOnly = false
	if s, err := Open(abs, opts); err == nil {
		s.Close()
	}
}
