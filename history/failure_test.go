package history

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigscope/sigscope/internal/peer"
)

// wantUnavailable checks err is an ErrUnavailable whose message names
// the path and holds every one of the words.
func wantUnavailable(t *testing.T, err error, path string, words ...string) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("error %q does not match ErrUnavailable", err)
	}
	msg := err.Error()
	for _, w := range append([]string{path}, words...) {
		if !strings.Contains(msg, w) {
			t.Errorf("error %q does not say %q", msg, w)
		}
	}
}

// untouched checks the file holds exactly the bytes it held before, and
// that nothing was created beside it.
func untouched(t *testing.T, path string, before []byte) {
	t.Helper()
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Errorf("the file was changed (%d bytes before, %d after)", len(before), len(after))
	}
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if _, err := os.Stat(path + suffix); err == nil {
			t.Errorf("%s was created beside the file", suffix)
		}
	}
}

func TestOpenRandomBytes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	junk := make([]byte, 8192)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range junk {
		junk[i] = byte(r.UintN(256))
	}
	if err := os.WriteFile(path, junk, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(path, Options{})
	wantUnavailable(t, err, path, "not a SQLite database", "move it away", "sigscope starts a new one")
	untouched(t, path, junk)
	_, err = Open(path, Options{ReadOnly: true})
	wantUnavailable(t, err, path, "not a SQLite database")
}

func TestOpenShortFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	if err := os.WriteFile(path, []byte("SQLite format 3"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(path, Options{})
	wantUnavailable(t, err, path, "not a SQLite database", "move it away")
	untouched(t, path, []byte("SQLite format 3"))
}

// Another program's SQLite file is refused and left as it was, even with
// a user_version this sigscope would migrate from.
func TestOpenForeignSQLiteDatabase(t *testing.T) {
	for _, v := range []int{0, 2} {
		path := filepath.Join(t.TempDir(), "notes.db")
		db := rawDB(t, path)
		for _, q := range []string{`CREATE TABLE notes (body TEXT)`, `INSERT INTO notes VALUES ('keep me')`, fmt.Sprintf(`PRAGMA user_version = %d`, v)} {
			if _, err := db.Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		db.Close()
		before, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		_, err = Open(path, Options{})
		wantUnavailable(t, err, path, "another program", "not a sigscope history", "move it away")
		untouched(t, path, before)
	}
}

// closedWith makes a store of n entries and closes it, leaving one file.
func closedWith(t *testing.T, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "history.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		mustAdd(t, s, sampleEntry(i))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		t.Fatal("the WAL is still there after Close")
	}
	return path
}

func TestOpenTruncatedDatabase(t *testing.T) {
	path := closedWith(t, 300)
	full, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	half := full[:len(full)/2]
	if err := os.WriteFile(path, half, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Open(path, Options{})
	wantUnavailable(t, err, path, "truncated", fmt.Sprint(len(half)), "move it away")
	untouched(t, path, half)
}

func TestDamagedPagesAreReported(t *testing.T) {
	path := closedWith(t, 300)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Scribble over every page but the first, keeping the size.
	r := rand.New(rand.NewPCG(3, 4))
	for i := 4096; i < len(data); i++ {
		data[i] = byte(r.UintN(256))
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path, Options{})
	if err != nil {
		wantUnavailable(t, err, path, "damaged", "move it away")
		return
	}
	defer s.Close()
	err = s.IntegrityCheck(context.Background())
	wantUnavailable(t, err, path, "move it away")
	if _, err := s.List(context.Background(), Filter{}); err != nil && !errors.Is(err, ErrUnavailable) {
		t.Errorf("List on a damaged file: %v is not ErrUnavailable", err)
	}
}

func TestNewerSchema(t *testing.T) {
	path := closedWith(t, 3)
	db := rawDB(t, path)
	if _, err := db.Exec(fmt.Sprintf(`PRAGMA user_version = %d`, schemaVersion+1)); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before, _ := os.ReadFile(path)

	_, err := Open(path, Options{})
	wantUnavailable(t, err, path, "made by a newer sigscope",
		fmt.Sprintf("schema version %d", schemaVersion+1), fmt.Sprintf("up to version %d", schemaVersion), "upgrade sigscope")
	untouched(t, path, before)

	s, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only open of a newer file with every column: %v", err)
	}
	list, err := s.List(context.Background(), Filter{Text: "pet-1"})
	if err != nil || len(list) != 1 {
		t.Errorf("reading the newer file: %v, %v", list, err)
	}
	if _, err := s.Add(context.Background(), sampleEntry(9)); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Add on a read-only store: %v", err)
	}
	if _, err := s.Clear(context.Background(), time.Time{}); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Clear on a read-only store: %v", err)
	}
	s.Close()
}

func TestNewerSchemaWithoutNeededColumns(t *testing.T) {
	path := closedWith(t, 3)
	db := rawDB(t, path)
	for _, q := range []string{
		`ALTER TABLE entries DROP COLUMN mode`,
		fmt.Sprintf(`PRAGMA user_version = %d`, schemaVersion+5),
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	_, err := Open(path, Options{ReadOnly: true})
	wantUnavailable(t, err, path, "newer sigscope", "entries.mode")
}

func TestReadOnlyOlderSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	buildAt(t, path, 1, nil)
	_, err := Open(path, Options{ReadOnly: true})
	wantUnavailable(t, err, path, "older", "read-write")
	if v := userVersion(t, path); v != 1 {
		t.Errorf("read-only open changed the version to %d", v)
	}
}

func TestReadOnlyMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	_, err := Open(path, Options{ReadOnly: true})
	wantUnavailable(t, err, path, "no history yet")
	if _, err := os.Stat(path); err == nil {
		t.Error("a read-only open created the file")
	}
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Open(path, Options{ReadOnly: true})
	wantUnavailable(t, err, path, "no history yet")
}

func TestLockedBeyondBusyTimeout(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	s, err := Open(path, Options{BusyTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	other := rawDB(t, path)
	defer other.Close()
	ctx := context.Background()
	hold, err := other.BeginTx(ctx, nil) // immediate: takes the write lock now
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hold.Exec(`UPDATE stats SET bytes = bytes`); err != nil {
		t.Fatal(err)
	}
	_, err = s.Add(ctx, sampleEntry(1))
	wantUnavailable(t, err, path, "locked", "busy timeout")
	if err := hold.Rollback(); err != nil {
		t.Fatal(err)
	}
	mustAdd(t, s, sampleEntry(1))
}

func TestDiskFull(t *testing.T) {
	s := openTest(t, Options{})
	mustAdd(t, s, sampleEntry(1))
	// Pin the store to one connection and cap the file's size: SQLite
	// then fails the write with SQLITE_FULL, as on a full disk.
	s.db.SetMaxOpenConns(1)
	var pages int
	if err := s.db.QueryRow(`PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(fmt.Sprintf(`PRAGMA max_page_count = %d`, pages+2)); err != nil {
		t.Fatal(err)
	}
	e := sampleEntry(2)
	e.ResponseBody = Body{Data: bytes.Repeat([]byte("full "), 100000)}
	_, err := s.Add(context.Background(), e)
	wantUnavailable(t, err, s.Path(), "full", "add")
	if n, _ := s.Count(context.Background(), Filter{}); n != 1 {
		t.Errorf("%d entries after the failed add, want 1", n)
	}
}

func TestAddAfterClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err = s.Add(context.Background(), sampleEntry(1))
	if err == nil || !strings.Contains(err.Error(), path) || !errors.Is(err, sql.ErrConnDone) && !strings.Contains(err.Error(), "closed") {
		t.Errorf("Add after Close: %v", err)
	}
	if _, err := s.Add(context.Background(), nil); err == nil {
		t.Error("Add(nil) gave no error")
	}
}

func TestHistoryOff(t *testing.T) {
	_, err := Open("", Options{})
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "off") {
		t.Errorf("Open(\"\") = %v", err)
	}
}

// Modes are ignored by root, so as root (CI runs as root) the test runs
// itself again as nobody through setpriv, and passes only if every case
// passed there.
func TestReadOnlyFileAndDirectory(t *testing.T) {
	if os.Geteuid() == 0 {
		runAsNobody(t, "TestReadOnlyFileAndDirectory")
		return
	}
	t.Run("read-only file", func(t *testing.T) {
		path := closedWith(t, 2)
		if err := os.Chmod(path, 0o400); err != nil {
			t.Fatal(err)
		}
		_, err := Open(path, Options{})
		wantUnavailable(t, err, path, "cannot open it for writing", "writable")
		s, err := Open(path, Options{ReadOnly: true})
		if err != nil {
			t.Fatalf("read-only open of a read-only file: %v", err)
		}
		defer s.Close()
		if n, err := s.Count(context.Background(), Filter{}); err != nil || n != 2 {
			t.Errorf("Count = %d, %v", n, err)
		}
	})
	t.Run("read-only directory, new file", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.Chmod(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		defer os.Chmod(dir, 0o700)
		path := filepath.Join(dir, "sub", "history.db")
		_, err := Open(path, Options{})
		wantUnavailable(t, err, path, "cannot create its directory", "writable")
	})
	t.Run("read-only directory, existing file", func(t *testing.T) {
		path := closedWith(t, 2)
		dir := filepath.Dir(path)
		if err := os.Chmod(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		defer os.Chmod(dir, 0o700)
		_, err := Open(path, Options{})
		wantUnavailable(t, err, path, "directory is not writable")
	})
}

// runAsNobody runs the test named of this very binary as the unprivileged
// user nobody (setpriv, util-linux) and fails unless it passed there: its
// output is logged, so go test -v shows the cases running. Without setpriv
// it is a missing peer (a failure under SIGSCOPE_REQUIRE_PEERS=1).
func runAsNobody(t *testing.T, name string) {
	t.Helper()
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		peer.Missing(t, "running as root, which ignores file modes, and setpriv (util-linux) is not on PATH to run %s as nobody", name)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// The test binary sits in go's private build folder: copy it where
	// nobody can run it.
	dir, err := os.MkdirTemp("", "sigscope-nobody-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, filepath.Base(self))
	data, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups",
		bin, "-test.run", "^"+name+"$", "-test.v", "-test.count=1")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+dir, "TMPDIR="+os.TempDir())
	out, err := cmd.CombinedOutput()
	t.Logf("%s as nobody (setpriv):\n%s", name, out)
	if err != nil {
		t.Fatalf("%s as nobody: %v", name, err)
	}
	if !strings.Contains(string(out), "--- PASS: "+name) || strings.Contains(string(out), "--- SKIP") {
		t.Fatalf("%s as nobody did not run and pass every case", name)
	}
}
