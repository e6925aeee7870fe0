package history

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func TestMigrationsAreInOrder(t *testing.T) {
	for i, m := range migrations {
		if m.version != i+1 || m.name == "" || m.up == nil {
			t.Errorf("migration %d is %+v; versions must run 1, 2, 3... with a name and a function", i, m)
		}
	}
	if schemaVersion != len(migrations) {
		t.Errorf("schemaVersion %d, %d migrations", schemaVersion, len(migrations))
	}
}

// addAtV1 writes entries as schema version 1 did: the two tables only.
func addAtV1(t *testing.T, tx *sql.Tx, entries ...*Entry) []int64 {
	t.Helper()
	var ids []int64
	s := &Store{opts: Options{}.withDefaults()}
	for _, e := range entries {
		kept := prepareEntry(e, s.opts)
		detail, err := encodeDetail(kept)
		if err != nil {
			t.Fatal(err)
		}
		id, err := insertEntryV1(tx, kept, detail, entrySize(kept, detail))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

// insertEntryV1 is insertEntry as versions 1 to 3 wrote it (no source).
func insertEntryV1(tx *sql.Tx, e *Entry, detail []byte, size int64) (int64, error) {
	ctx := context.Background()
	res, err := tx.ExecContext(ctx, `INSERT INTO entries
		(time, collection, collection_path, request, environment, mode, method, url, status, mismatch, error, duration, size)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Time.UnixNano(), e.Collection, e.CollectionPath, e.Request, e.Environment, e.Mode,
		e.Method, e.URL, e.Status, e.Mismatch, e.Error, int64(e.Timings.Total), size)
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	_, err = tx.ExecContext(ctx, sqlInsertData, id, detail, nonNil(e.RequestBody.Data), nonNil(e.ResponseBody.Data))
	return id, err
}

// Version 3 to 4: entries written before the source column get theirs
// from their recorded detail, and a run's entries are found by it.
func TestMigration4Source(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	var ids []int64
	run, send, tui := sampleEntry(1), sampleEntry(2), sampleEntry(3)
	run.Source, send.Source, tui.Source = "run 20261207T101500Z", "send", "tui"
	buildAt(t, path, 3, func(tx *sql.Tx) { ids = addAtV1(t, tx, run, send, tui) })
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	got, err := s.List(ctx, Filter{Source: "run 20261207T101500Z"})
	if err != nil || len(got) != 1 || got[0].ID != ids[0] || got[0].Source != "run 20261207T101500Z" {
		t.Fatalf("the run's entries after migration: %+v, %v", got, err)
	}
	if got, _ := s.List(ctx, Filter{Source: "send"}); len(got) != 1 || got[0].ID != ids[1] {
		t.Errorf("send's entries: %+v", got)
	}
	e, err := s.Get(ctx, ids[0])
	if err != nil || e.Source != run.Source || e.Request != run.Request {
		t.Errorf("entry changed by the migration: %+v, %v", e, err)
	}
}

// Version 0 (an empty file) to 1: the tables appear and take an entry.
func TestMigration1Core(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	buildAt(t, path, 0, nil)
	if v := userVersion(t, path); v != 0 {
		t.Fatalf("start at version %d", v)
	}
	var ids []int64
	buildAt(t, path, 1, func(tx *sql.Tx) { ids = addAtV1(t, tx, fullEntry()) })
	if v := userVersion(t, path); v != 1 {
		t.Fatalf("version %d after migration 1", v)
	}
	db := rawDB(t, path)
	defer db.Close()
	e, err := scanEntry(db.QueryRow(entryQuery+` WHERE e.id = ?`, ids[0]))
	if err != nil {
		t.Fatal(err)
	}
	if e.Request != "admin/Create pet" || e.Signing == nil || string(e.RequestBody.Data) != `{"name":"Rex","kind":"dog"}` {
		t.Errorf("entry written at version 1 reads back as %+v", e)
	}
}

// Version 1 to 2: entries written before the full-text index are
// indexed by the migration and found by search.
func TestMigration2FullText(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	var ids []int64
	buildAt(t, path, 1, func(tx *sql.Tx) { ids = addAtV1(t, tx, sampleEntry(1), sampleEntry(2), fullEntry()) })

	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v := userVersion(t, path); v != schemaVersion {
		t.Fatalf("version %d after Open, want %d", v, schemaVersion)
	}
	ctx := context.Background()
	got, err := s.Get(ctx, ids[2])
	if err != nil {
		t.Fatal(err)
	}
	want := fullEntry()
	want.ID, want.Time = ids[2], want.Time.UTC()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("entry changed by the migration:\n got %+v\nwant %+v", got, want)
	}
	for text, id := range map[string]int64{"pet-2": ids[1], "Rex": ids[2], "canonical query differs": ids[2]} {
		list, err := s.List(ctx, Filter{Text: text})
		if err != nil || len(list) != 1 || list[0].ID != id {
			t.Errorf("search %q after migration: %v, %v; want entry %d", text, list, err, id)
		}
	}
	// The trigger keeps the index in step with deletions.
	if _, err := s.Clear(ctx, baseTime.Add(1500*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Count(ctx, Filter{Text: "pet-1"}); err != nil || n != 0 {
		t.Errorf("cleared entry still found: %d, %v", n, err)
	}
}

// Version 2 to 3: the totals are computed from the entries already
// there, and retention works on them.
func TestMigration3Totals(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	var ids []int64
	buildAt(t, path, 2, func(tx *sql.Tx) {
		ids = addAtV1(t, tx, sampleEntry(1), sampleEntry(2), sampleEntry(3))
		for i, id := range ids {
			if err := indexText(context.Background(), tx, id, sampleEntry(i+1)); err != nil {
				t.Fatal(err)
			}
		}
	})
	db := rawDB(t, path)
	var size int64
	if err := db.QueryRow(`SELECT sum(size) FROM entries`).Scan(&size); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s, err := Open(path, Options{MaxEntries: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var count, bytes int64
	if err := s.db.QueryRow(`SELECT entries, bytes FROM stats`).Scan(&count, &bytes); err != nil {
		t.Fatal(err)
	}
	if count != 3 || bytes != size {
		t.Errorf("stats after migration: %d entries, %d bytes; want 3, %d", count, bytes, size)
	}
	mustAdd(t, s, sampleEntry(4))
	if _, err := s.Get(context.Background(), ids[0]); !errors.Is(err, ErrNotFound) {
		t.Errorf("retention kept the oldest pre-migration entry: %v", err)
	}
	if n, _ := s.Count(context.Background(), Filter{}); n != 3 {
		t.Errorf("%d entries, want 3", n)
	}
}
