package history

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

const benchEntries = 100_000

// The 100k fixture is built once per test binary run, only when a
// benchmark asks for it, and removed by TestMain.
var benchFixture struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func cleanupBenchFixture() {
	if benchFixture.dir != "" {
		os.RemoveAll(benchFixture.dir)
	}
}

// benchStore opens the fixture: 100,000 entries of about 2 KB (100
// requests over 5 collections). They are written in large transactions
// through the same functions Add uses, which is much faster than 100k
// Adds and gives the same rows.
func benchStore(b *testing.B, opts Options) *Store {
	b.Helper()
	f := &benchFixture
	f.once.Do(func() {
		f.dir, f.err = os.MkdirTemp("", "sigscope-history-bench-")
		if f.err != nil {
			return
		}
		f.path = filepath.Join(f.dir, "history.db")
		s, err := Open(f.path, Options{MaxEntries: -1, MaxBytes: -1})
		if err != nil {
			f.err = err
			return
		}
		defer s.Close()
		ctx := context.Background()
		for start := 0; start < benchEntries && f.err == nil; start += 5000 {
			f.err = func() error {
				tx, err := s.db.BeginTx(ctx, nil)
				if err != nil {
					return err
				}
				defer tx.Rollback()
				for i := start; i < start+5000; i++ {
					e := prepareEntry(sampleEntry(i), s.opts)
					detail, err := encodeDetail(e)
					if err != nil {
						return err
					}
					id, err := insertEntry(ctx, tx, e, detail, entrySize(e, detail))
					if err != nil {
						return err
					}
					if err := indexText(ctx, tx, id, e); err != nil {
						return err
					}
				}
				return tx.Commit()
			}()
		}
	})
	if f.err != nil {
		b.Fatal(f.err)
	}
	if st, err := os.Stat(f.path); err == nil {
		b.Logf("fixture: %d entries, file %d MiB", benchEntries, st.Size()>>20)
	}
	s, err := Open(f.path, opts)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

func benchList(b *testing.B, f Filter, min int) {
	s := benchStore(b, Options{})
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		list, err := s.List(ctx, f)
		if err != nil {
			b.Fatal(err)
		}
		if len(list) < min {
			b.Fatalf("%d results, want at least %d", len(list), min)
		}
	}
}

// The newest 100 of 100k.
func BenchmarkList100k(b *testing.B) { benchList(b, Filter{Limit: 100}, 100) }

func BenchmarkFilterRequest(b *testing.B) {
	b.Run("part", func(b *testing.B) { benchList(b, Filter{Request: "get-42"}, 100) })
	b.Run("collection and request", func(b *testing.B) {
		benchList(b, Filter{Collection: "Collection 2", Request: "pets/get-42"}, 100)
	})
	b.Run("no match", func(b *testing.B) { benchList(b, Filter{Request: "nothing"}, 0) })
	b.Run("collection", func(b *testing.B) { benchList(b, Filter{Collection: "Collection 2"}, 100) })
	b.Run("collection file", func(b *testing.B) { benchList(b, Filter{Collection: "/home/ana/apis/c2.yaml"}, 100) })
	b.Run("since an hour", func(b *testing.B) {
		benchList(b, Filter{Since: baseTime.Add((benchEntries - 3600) * time.Second)}, 100)
	})
	b.Run("before the first hour", func(b *testing.B) { benchList(b, Filter{Before: baseTime.Add(3600 * time.Second)}, 100) })
	b.Run("status", func(b *testing.B) { benchList(b, Filter{Status: "4xx"}, 100) })
	b.Run("mismatch", func(b *testing.B) { benchList(b, Filter{Status: "mismatch"}, 100) })
}

func BenchmarkSearch(b *testing.B) {
	b.Run("rare word", func(b *testing.B) { benchList(b, Filter{Text: "word123"}, 100) })
	b.Run("one entry", func(b *testing.B) { benchList(b, Filter{Text: "req-00054321"}, 1) })
	b.Run("word in every entry", func(b *testing.B) { benchList(b, Filter{Text: "lorem"}, 100) })
	b.Run("two words", func(b *testing.B) { benchList(b, Filter{Text: "Lisbon word5"}, 100) })
	b.Run("no match", func(b *testing.B) { benchList(b, Filter{Text: "nothing"}, 0) })
	b.Run("common word, rare status", func(b *testing.B) { benchList(b, Filter{Text: "lorem", Status: "403"}, 100) })
}

func BenchmarkCount100k(b *testing.B) {
	for _, c := range []struct {
		name string
		f    Filter
		min  int
	}{
		{"all", Filter{}, benchEntries},
		{"status", Filter{Status: "4xx"}, benchEntries / 10},
		{"word in every entry", Filter{Text: "lorem"}, benchEntries},
		{"word and status", Filter{Text: "lorem", Status: "4xx"}, benchEntries / 10},
	} {
		b.Run(c.name, func(b *testing.B) {
			s := benchStore(b, Options{})
			ctx := context.Background()
			for b.Loop() {
				if n, err := s.Count(ctx, c.f); err != nil || n < c.min {
					b.Fatal(n, err)
				}
			}
		})
	}
}

// Add to a full store: each Add also deletes the oldest entry.
func BenchmarkAdd(b *testing.B) {
	s := benchStore(b, Options{MaxEntries: benchEntries})
	ctx := context.Background()
	i := benchEntries
	for b.Loop() {
		if _, err := s.Add(ctx, sampleEntry(i)); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// What `history diff ID` does: read two entries, take their sections,
// diff each pair.
func BenchmarkDiff(b *testing.B) {
	s := benchStore(b, Options{})
	ctx := context.Background()
	list, err := s.List(ctx, Filter{Request: "pets/get-13", Limit: 2})
	if err != nil || len(list) != 2 {
		b.Fatal(list, err)
	}
	for b.Loop() {
		x, err := s.Get(ctx, list[0].ID)
		if err != nil {
			b.Fatal(err)
		}
		y, err := s.LastSuccess(ctx, x.Collection, x.Request, x.ID)
		if err != nil {
			b.Fatal(err)
		}
		sx, sy := Sections(x), Sections(y)
		for i := range sx {
			DiffLines(sx[i].Text, sy[i].Text)
		}
	}
}
