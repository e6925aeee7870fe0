package history

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func openSpoolTest(t *testing.T) (*Spool, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "history.db")
	sp, err := OpenSpool(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return sp, path
}

func mustSpool(t *testing.T, sp *Spool, e *Entry) {
	t.Helper()
	if id, err := sp.Add(context.Background(), e); err != nil || id != 0 {
		t.Fatalf("spool Add: %d, %v", id, err)
	}
}

// A spooled entry, bytes that are not UTF-8 included, comes out of the
// store exactly as Add would have kept it, once the store is opened; the
// spool is then empty, its folder and files private.
func TestSpoolImportedOnOpen(t *testing.T) {
	sp, path := openSpoolTest(t)
	in := fullEntry()
	in.ResponseHeaders = append(in.ResponseHeaders, Header{"X-Name", "Jos\xe9"})
	mustSpool(t, sp, in)
	mustSpool(t, sp, sampleEntry(2))
	if n := sp.Pending(); n != 2 {
		t.Fatalf("pending %d, want 2", n)
	}
	for _, p := range append(spooled(SpoolDir(path)), "") {
		st, err := os.Stat(filepath.Join(SpoolDir(path), p))
		if err != nil || st.Mode().Perm()&0o077 != 0 {
			t.Errorf("spool %q: mode %v, %v", p, st.Mode(), err)
		}
	}
	if _, err := os.Stat(path); err == nil {
		t.Fatal("spooling created the database")
	}
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	list, err := s.List(context.Background(), Filter{})
	if err != nil || len(list) != 2 {
		t.Fatalf("list after import: %d entries, %v", len(list), err)
	}
	got, err := s.Get(context.Background(), list[1].ID) // the first spooled, oldest
	if err != nil {
		t.Fatal(err)
	}
	want := *in
	want.ID, want.Time = got.ID, in.Time.UTC()
	if !reflect.DeepEqual(got, &want) {
		t.Errorf("spooled round trip differs:\n got %+v\nwant %+v", got, &want)
	}
	if n := sp.Pending(); n != 0 {
		t.Errorf("%d entries still spooled after the import", n)
	}
}

// An import that committed but died before deleting its files (the files
// are put back here) adds nothing twice.
func TestSpoolImportOnce(t *testing.T) {
	sp, path := openSpoolTest(t)
	mustSpool(t, sp, sampleEntry(1))
	name := spooled(SpoolDir(path))[0]
	saved, err := os.ReadFile(filepath.Join(SpoolDir(path), name))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := os.WriteFile(filepath.Join(SpoolDir(path), name), saved, 0o600); err != nil {
		t.Fatal(err)
	}
	mustSpool(t, sp, sampleEntry(2))
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n, err := s.Count(context.Background(), Filter{}); err != nil || n != 2 {
		t.Errorf("count %d, %v; want 2 (one entry imported twice?)", n, err)
	}
	if n := sp.Pending(); n != 0 {
		t.Errorf("%d entries still spooled", n)
	}
}

// A read-only reader (the history command) shows what was spooled a
// moment ago; a file that is not an entry is kept aside, never deleted.
func TestSpoolReadOnlyReaderSeesSpooled(t *testing.T) {
	sp, path := openSpoolTest(t)
	s, err := Open(path, Options{}) // the history exists
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	e := sampleEntry(7)
	mustSpool(t, sp, e)
	junk := filepath.Join(SpoolDir(path), "00000000000000000001-1-junk"+spoolSuffix)
	if err := os.WriteFile(junk, []byte("not an entry"), 0o600); err != nil {
		t.Fatal(err)
	}
	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	list, err := ro.List(context.Background(), Filter{})
	if err != nil || len(list) != 1 || list[0].Request != e.Request {
		t.Fatalf("read-only list: %+v, %v", list, err)
	}
	if _, err := os.Stat(junk + spoolBad); err != nil {
		t.Errorf("the undecodable file was not kept aside: %v", err)
	}
}

// A store that stays open (the UI) picks up what another process spooled
// when it lists.
func TestSpoolImportedByOpenStoreOnList(t *testing.T) {
	sp, path := openSpoolTest(t)
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mustSpool(t, sp, sampleEntry(3))
	list, err := s.List(context.Background(), Filter{})
	if err != nil || len(list) != 1 || !strings.Contains(list[0].URL, "/") {
		t.Fatalf("list: %+v, %v", list, err)
	}
}

// A file a spooling process began and never finished is removed once it
// is old; a recent one (a send writing now) is left alone.
func TestSpoolStaleTempsRemoved(t *testing.T) {
	_, path := openSpoolTest(t)
	dir := SpoolDir(path)
	stale, fresh := filepath.Join(dir, spoolTempPre+"1"), filepath.Join(dir, spoolTempPre+"2")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte(spoolMagic), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := os.Stat(stale); err == nil {
		t.Error("an hour-old unfinished spool file was kept")
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("a spool file being written was removed: %v", err)
	}
}

// Readers that open at once (two terminals) import every spooled entry
// once between them.
func TestSpoolConcurrentImportsAddOnce(t *testing.T) {
	sp, path := openSpoolTest(t)
	const n = 40
	for i := 0; i < n; i++ {
		mustSpool(t, sp, sampleEntry(i))
	}
	errs := make(chan error, 3)
	for range 3 {
		go func() {
			s, err := Open(path, Options{})
			if err == nil {
				err = s.Close()
			}
			errs <- err
		}()
	}
	for range 3 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	s, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, err := s.Count(context.Background(), Filter{}); err != nil || got != n {
		t.Errorf("count %d, %v; want %d", got, err, n)
	}
}
