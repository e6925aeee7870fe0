package history

import (
	"errors"
	"fmt"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrUnavailable is matched (errors.Is) by every error that means the
// history cannot be used at all or for this write: a corrupt, locked,
// read-only or full database, or one made by a newer sigscope. Callers
// warn once and go on without history; the exchange itself is not
// affected.
var ErrUnavailable = errors.New("history unavailable")

// ErrNotFound is returned, wrapped with what was looked for, when no entry
// matches. It is not an ErrUnavailable: the store works, the entry is not
// there.
var ErrNotFound = errors.New("no such history entry")

// UnavailableError says why the history database cannot be used, where
// it is, and what the user can do about it. It matches ErrUnavailable.
type UnavailableError struct {
	Path    string // the database file
	Problem string // what is wrong, in words
	Fix     string // what the user can do
	Err     error  // the underlying error, if any
}

func (e *UnavailableError) Error() string {
	msg := "history database " + e.Path + ": " + e.Problem
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	if e.Fix != "" {
		msg += "; " + e.Fix
	}
	return msg
}

// Is makes errors.Is(err, ErrUnavailable) true.
func (e *UnavailableError) Is(target error) bool { return target == ErrUnavailable }

// Unwrap gives the underlying error (a *sqlite.Error, an *fs.PathError...).
func (e *UnavailableError) Unwrap() error { return e.Err }

const (
	fixMoveAway  = "move it away (sigscope starts a new one) or set SIGSCOPE_HISTORY to another file, or SIGSCOPE_HISTORY=off"
	fixLocked    = "another program holds it locked for too long; close it, or set SIGSCOPE_HISTORY to another file"
	fixReadOnly  = "make the file and its directory writable by you, or set SIGSCOPE_HISTORY to another file, or SIGSCOPE_HISTORY=off"
	fixDiskFull  = "free some disk space, or run `sigscope history clear --before DATE`"
	fixNewer     = "upgrade sigscope, or set SIGSCOPE_HISTORY to another file"
	fixReadOlder = "open it once read-write with this sigscope to bring it up to date"
)

// sqliteCode is the primary SQLite result code of err, or 0.
func sqliteCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() & 0xff
	}
	return 0
}

// classify turns a database error into an UnavailableError when it means
// the store cannot be used (so callers go on without history), and wraps
// any other error with the operation and the path.
func classify(path, op string, err error) error {
	if err == nil {
		return nil
	}
	var ue *UnavailableError
	if errors.As(err, &ue) {
		return err
	}
	mk := func(problem, fix string) error {
		return &UnavailableError{Path: path, Problem: op + ": " + problem, Fix: fix, Err: err}
	}
	switch sqliteCode(err) {
	case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
		return mk("the file is damaged or is not a sigscope history database", fixMoveAway)
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return mk("the database stayed locked beyond the busy timeout", fixLocked)
	case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_AUTH:
		return mk("the database or its directory cannot be written", fixReadOnly)
	case sqlite3.SQLITE_FULL:
		return mk("the disk (or the database's size limit) is full", fixDiskFull)
	case sqlite3.SQLITE_IOERR:
		return mk("a disk I/O error occurred", fixMoveAway)
	}
	return fmt.Errorf("history %s %s: %w", op, path, err)
}
