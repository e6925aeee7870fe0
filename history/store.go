package history

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Options tune a Store. Zero values take the defaults; a negative
// MaxEntries, MaxBytes or MaxBody means no limit.
type Options struct {
	// MaxEntries is how many entries are kept; the oldest go first.
	// Default 10,000.
	MaxEntries int
	// MaxBytes bounds the bytes kept for all entries: bodies, text and
	// metadata as stored. The file is larger by its indexes and page
	// slack, about 1.5 times (measured: 222 MiB of entries in a 345 MiB
	// file). Default 500 MiB.
	MaxBytes int64
	// MaxBody is how much of each body is kept; a longer one is cut,
	// marked Truncated, and keeps its full length in Size. Default 1 MiB.
	MaxBody int64
	// ReadOnly opens an existing database for reading only; Add and
	// Clear fail. It may read a database made by a newer sigscope when
	// the columns it needs are there.
	ReadOnly bool
	// BusyTimeout is how long a write waits for another writer (the TUI
	// and several sends share the file). Default 5 s.
	BusyTimeout time.Duration
}

const (
	defaultMaxEntries  = 10000
	defaultMaxBytes    = 500 << 20
	defaultMaxBody     = 1 << 20
	defaultBusyTimeout = 5 * time.Second
)

func (o Options) withDefaults() Options {
	if o.MaxEntries == 0 {
		o.MaxEntries = defaultMaxEntries
	}
	if o.MaxBytes == 0 {
		o.MaxBytes = defaultMaxBytes
	}
	if o.MaxBody == 0 {
		o.MaxBody = defaultMaxBody
	}
	if o.BusyTimeout <= 0 {
		o.BusyTimeout = defaultBusyTimeout
	}
	return o
}

// Store is an open history database. It is safe for concurrent use, and
// several processes may use the same file at once.
type Store struct {
	db   *sql.DB
	path string
	opts Options
	fts  bool // the full-text index exists (always, except in a read-only newer file without it)

	writeMu sync.Mutex           // one Add at a time in this process
	stmts   map[string]*sql.Stmt // an Add's statements, by SQL; read-only after Open
}

// Open opens the history database at path, creating it (directory 0700,
// file 0600) when it is missing, and brings its schema up to date. It
// never deletes, truncates or rewrites a file it cannot use: a corrupt or
// foreign file, one that is locked, read-only or made by a newer sigscope
// gives an error that matches ErrUnavailable and says what to do.
func Open(path string, opts Options) (*Store, error) {
	if path == "" {
		return nil, &UnavailableError{Path: "(none)", Problem: "history is off (no path)", Fix: "unset SIGSCOPE_HISTORY=off to keep a history"}
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("history %s: %w", path, err)
	}
	opts = opts.withDefaults()
	if opts.ReadOnly {
		// What sends spooled since the last writable Open is shown too.
		drainSpool(abs, opts)
	}
	if err := prepareFile(abs, opts.ReadOnly); err != nil {
		return nil, err
	}
	if err := checkHeader(abs); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", dsn(abs, opts))
	if err != nil {
		return nil, classify(abs, "open", err)
	}
	// One writer at a time anyway; a few readers beside it (the TUI lists
	// while a send records) without a page cache per goroutine.
	db.SetMaxOpenConns(4)
	db.SetMaxIdleConns(2)
	s := &Store{db: db, path: abs, opts: opts, fts: true}
	ctx, cancel := context.WithTimeout(context.Background(), opts.BusyTimeout+30*time.Second)
	defer cancel()
	if err := s.init(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if !opts.ReadOnly {
		if err := s.prepareStatements(ctx); err != nil {
			db.Close()
			return nil, classify(abs, "open", err)
		}
		tightenModes(abs)
		if err := s.importSpool(ctx); err != nil {
			db.Close()
			return nil, err
		}
	}
	return s, nil
}

// dsn builds a file: URI so that SQLite applies mode=, and the path is
// escaped whatever characters it holds. mode=rw: the file already exists
// (prepareFile made it 0600), so SQLite never creates one with its own
// mode.
func dsn(abs string, opts Options) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", opts.BusyTimeout.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	// NORMAL in WAL mode loses no committed transaction when the process
	// dies, only (at worst) the last ones on a power cut, and never
	// corrupts; it spares an fsync per recorded exchange.
	q.Add("_pragma", "synchronous(NORMAL)")
	if opts.ReadOnly {
		q.Set("mode", "ro")
	} else {
		q.Set("mode", "rw")
		// Take the write lock at BEGIN: a read lock upgraded later fails
		// at once in WAL mode instead of waiting for the busy timeout.
		q.Set("_txlock", "immediate")
	}
	u := url.URL{Scheme: "file", Path: abs, RawQuery: q.Encode()}
	return u.String()
}

// prepareFile makes the directory and an empty file with private modes
// for a new store, and checks an existing one can be written. Nothing
// existing is modified.
func prepareFile(abs string, readOnly bool) error {
	if readOnly {
		if _, err := os.Stat(abs); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return &UnavailableError{Path: abs, Problem: "there is no history yet", Err: err}
			}
			return &UnavailableError{Path: abs, Problem: "cannot read it", Fix: fixReadOnly, Err: err}
		}
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return &UnavailableError{Path: abs, Problem: "cannot create its directory", Fix: fixReadOnly, Err: err}
	}
	f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return &UnavailableError{Path: abs, Problem: "cannot open it for writing", Fix: fixReadOnly, Err: err}
	}
	if err := f.Close(); err != nil {
		return &UnavailableError{Path: abs, Problem: "cannot open it for writing", Fix: fixReadOnly, Err: err}
	}
	// SQLite needs to create the -wal and -shm files beside it.
	if err := dirWritable(filepath.Dir(abs)); err != nil {
		return &UnavailableError{Path: abs, Problem: "its directory is not writable (SQLite keeps its journal beside the file)", Fix: fixReadOnly, Err: err}
	}
	return nil
}

func dirWritable(dir string) error {
	f, err := os.CreateTemp(dir, ".sigscope-probe-*")
	if err != nil {
		return err
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// checkHeader rejects, before SQLite touches it, a file that is not a
// SQLite database or is shorter than its own header says. SQLite would
// report both only on the first query that reads the missing part, which
// may be long after Open.
func checkHeader(abs string) error {
	f, err := os.Open(abs)
	if err != nil {
		return &UnavailableError{Path: abs, Problem: "cannot read it", Fix: fixReadOnly, Err: err}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return &UnavailableError{Path: abs, Problem: "cannot read it", Fix: fixReadOnly, Err: err}
	}
	if st.Size() == 0 {
		return nil // new
	}
	var h [100]byte
	n, err := io.ReadFull(f, h[:])
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return &UnavailableError{Path: abs, Problem: "cannot read it", Fix: fixReadOnly, Err: err}
	}
	if n < len(h) || string(h[:16]) != "SQLite format 3\x00" {
		return &UnavailableError{Path: abs, Problem: "the file is not a SQLite database (it has no SQLite header), so it is not a sigscope history", Fix: fixMoveAway}
	}
	pageSize := int64(binary.BigEndian.Uint16(h[16:18]))
	if pageSize == 1 {
		pageSize = 65536
	}
	if pageSize < 512 || pageSize > 65536 || pageSize&(pageSize-1) != 0 {
		return &UnavailableError{Path: abs, Problem: fmt.Sprintf("the file is damaged (its header gives an impossible page size, %d)", pageSize), Fix: fixMoveAway}
	}
	pages := int64(binary.BigEndian.Uint32(h[28:32]))
	// The page count is only meaningful when the change counter matches
	// the version-valid-for number; and with a non-empty WAL, the pages
	// the header counts may still be there rather than in the file.
	if pages == 0 || binary.BigEndian.Uint32(h[24:28]) != binary.BigEndian.Uint32(h[92:96]) {
		return nil
	}
	if wal, err := os.Stat(abs + "-wal"); err == nil && wal.Size() > 0 {
		return nil
	}
	if want := pages * pageSize; st.Size() < want {
		return &UnavailableError{Path: abs, Problem: fmt.Sprintf("the file is truncated: its header says %d bytes, it holds %d", want, st.Size()), Fix: fixMoveAway}
	}
	return nil
}

// tightenModes removes group and other access from the database and its
// journal files: history holds URLs, headers and bodies. Only permission
// bits change, never contents.
func tightenModes(abs string) {
	for _, p := range []string{abs, abs + "-wal", abs + "-shm"} {
		if st, err := os.Stat(p); err == nil && st.Mode().Perm()&0o077 != 0 {
			_ = os.Chmod(p, st.Mode().Perm()&^0o077)
		}
	}
}

// init checks the schema version, turns on WAL and migrates, on one
// connection (auto_vacuum must be set on the connection that creates the
// first table).
func (s *Store) init(ctx context.Context) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return classify(s.path, "open", err)
	}
	defer conn.Close()
	// One statement, so one snapshot: another process may be creating
	// the schema at this moment.
	var tables, v int
	var app int32
	var journal string
	err = conn.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM sqlite_schema),
		(SELECT user_version FROM pragma_user_version), (SELECT application_id FROM pragma_application_id),
		(SELECT journal_mode FROM pragma_journal_mode)`).Scan(&tables, &v, &app, &journal)
	if err != nil {
		return classify(s.path, "open", err)
	}
	fresh := tables == 0 && v == 0
	if fresh && s.opts.ReadOnly {
		return &UnavailableError{Path: s.path, Problem: "there is no history yet (the file is empty)"}
	}
	if !fresh && app != applicationID {
		return &UnavailableError{Path: s.path, Problem: "it is a SQLite database of another program, not a sigscope history, and is not changed", Fix: fixMoveAway}
	}
	switch {
	case v > schemaVersion && !s.opts.ReadOnly:
		return &UnavailableError{Path: s.path,
			Problem: fmt.Sprintf("it was made by a newer sigscope (schema version %d; this sigscope knows up to version %d) and is not changed", v, schemaVersion),
			Fix:     fixNewer + "; it can still be read with read-only access"}
	case s.opts.ReadOnly && v != schemaVersion:
		missing, fts, err := missingColumns(ctx, conn)
		if err != nil {
			return classify(s.path, "open", err)
		}
		if len(missing) > 0 || v < schemaVersion {
			fix := fixReadOlder
			problem := fmt.Sprintf("its schema version is %d, older than this sigscope's %d", v, schemaVersion)
			if v > schemaVersion {
				fix = fixNewer
				problem = fmt.Sprintf("it was made by a newer sigscope (schema version %d; this sigscope knows up to version %d) and lacks %s", v, schemaVersion, strings.Join(missing, ", "))
			}
			return &UnavailableError{Path: s.path, Problem: problem, Fix: fix}
		}
		s.fts = fts
	}
	if !s.opts.ReadOnly {
		if fresh {
			// Both only take effect on a new file. 8 KiB pages hold three
			// entries' data (about 2 KB each) where 4 KiB pages hold one:
			// measured at 100k entries, a file of 345 MiB instead of 476.
			// Incremental auto-vacuum lets Clear give space back.
			for _, q := range []string{`PRAGMA page_size = 8192`, `PRAGMA auto_vacuum = INCREMENTAL`} {
				if _, err := conn.ExecContext(ctx, q); err != nil {
					return classify(s.path, "open", err)
				}
			}
		}
		// WAL is kept in the file and a schema at this version needs no
		// step: a history in use opens with no write at all (each step
		// is a write transaction even when it finds nothing to do, at
		// the start of every send; issue 21).
		if !strings.EqualFold(journal, "wal") {
			if err := conn.QueryRowContext(ctx, `PRAGMA journal_mode = WAL`).Scan(&journal); err != nil {
				return classify(s.path, "open", err)
			}
		}
		if v != schemaVersion {
			if err := migrate(ctx, conn, schemaVersion); err != nil {
				c := classify(s.path, "open", err)
				if !errors.Is(c, ErrUnavailable) {
					c = &UnavailableError{Path: s.path, Problem: "cannot bring its schema up to date (the failed step was rolled back)", Fix: fixMoveAway, Err: err}
				}
				return c
			}
		}
	}
	// Touch the table's last page: a file damaged there fails now, with a
	// clear message, rather than on the first Add.
	var last sql.NullInt64
	if err := conn.QueryRowContext(ctx, `SELECT max(id) FROM entries`).Scan(&last); err != nil {
		return classify(s.path, "open", err)
	}
	return nil
}

// Close closes the database; the WAL is checkpointed into the file.
func (s *Store) Close() error {
	for _, st := range s.stmts {
		st.Close()
	}
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close history %s: %w", s.path, err)
	}
	return nil
}

// Path is the database file's absolute path.
func (s *Store) Path() string { return s.path }

// IntegrityCheck runs SQLite's full integrity check and returns its
// problems, if any (slow on a large file: for `history check` and tests).
func (s *Store) IntegrityCheck(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return classify(s.path, "integrity check", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return classify(s.path, "integrity check", err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return classify(s.path, "integrity check", err)
	}
	if len(problems) > 0 {
		return &UnavailableError{Path: s.path, Problem: "integrity check failed: " + strings.Join(problems, "; "), Fix: fixMoveAway}
	}
	return nil
}
