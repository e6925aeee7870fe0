package auth

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func testRecord(coll, env, user string, at time.Time) *record {
	return &record{Collection: coll, Environment: env, UserPoolID: demoPool, Username: user, ClientID: webClient,
		Tokens: Tokens{IDToken: "id-" + user, AccessToken: "access-" + user, RefreshToken: "refresh-" + user, Expiry: at.Add(time.Hour)}, LoggedIn: at}
}

func TestStoreKeysAndRemoval(t *testing.T) {
	s := &Store{Dir: filepath.Join(t.TempDir(), "cache", "sigscope", "tokens")}
	t0 := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	dir := t.TempDir()
	pets, shop := filepath.Join(dir, "pets.yaml"), filepath.Join(dir, "shop.yaml")
	for _, r := range []*record{
		testRecord(pets, "local", "alice", t0),
		testRecord(pets, "local", "bob", t0.Add(time.Minute)),
		testRecord(pets, "prod", "alice", t0.Add(2*time.Minute)),
		testRecord(shop, "local", "alice", t0),
	} {
		if err := s.save(r); err != nil {
			t.Fatal(err)
		}
	}
	// A relative path names the same collection as the absolute one.
	t.Chdir(dir)
	r, err := s.load(CacheKey{Collection: "pets.yaml", Environment: "local", UserPoolID: demoPool, Username: "alice"})
	if err != nil || r.Tokens.IDToken != "id-alice" {
		t.Fatalf("load alice by relative path: %v", err)
	}
	// No username: the latest login for that collection, environment, pool.
	r, err = s.load(CacheKey{Collection: pets, Environment: "local", UserPoolID: demoPool})
	if err != nil || r.Username != "bob" {
		t.Fatalf("latest login: %v %v", r, err)
	}
	if _, err := s.load(CacheKey{Collection: pets, Environment: "staging", UserPoolID: demoPool}); !errors.Is(err, ErrNotLoggedIn) {
		t.Errorf("unknown environment: %v", err)
	}
	entries, err := s.Entries("")
	if err != nil || len(entries) != 4 {
		t.Fatalf("entries: %d %v", len(entries), err)
	}
	removed, err := s.Remove(pets)
	if err != nil || len(removed) != 3 {
		t.Fatalf("remove pets: %d %v", len(removed), err)
	}
	if _, err := s.load(CacheKey{Collection: pets, Environment: "local", UserPoolID: demoPool, Username: "alice"}); !errors.Is(err, ErrNotLoggedIn) {
		t.Errorf("after logout: %v", err)
	}
	if r, err := s.load(CacheKey{Collection: shop, Environment: "local", UserPoolID: demoPool, Username: "alice"}); err != nil || r == nil {
		t.Errorf("the other collection was removed too: %v", err)
	}
	removed, err = s.Remove("")
	if err != nil || len(removed) != 1 {
		t.Fatalf("remove all: %d %v", len(removed), err)
	}
	if _, err := os.Stat(s.Dir); !os.IsNotExist(err) {
		t.Errorf("token dir still there: %v", err)
	}
	// Removing from an empty cache is fine.
	if removed, err := s.Remove(""); err != nil || len(removed) != 0 {
		t.Errorf("remove from empty: %v %v", removed, err)
	}
}

func TestStoreFilesAreAtomicAndPrivate(t *testing.T) {
	base := t.TempDir()
	s := &Store{Dir: filepath.Join(base, "tokens")}
	// A directory of ours left with loose permissions is tightened.
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		t.Fatal(err)
	}
	r := testRecord("/c/pets.yaml", "local", "alice", time.Now())
	for i := 0; i < 3; i++ {
		r.Tokens.IDToken = strings.Repeat("x", i+1)
		if err := s.save(r); err != nil {
			t.Fatal(err)
		}
	}
	var files []string
	filepath.WalkDir(s.Dir, func(p string, d os.DirEntry, err error) error {
		fi, _ := d.Info()
		if d.IsDir() {
			if fi.Mode().Perm() != 0o700 {
				t.Errorf("%s: mode %v", p, fi.Mode().Perm())
			}
			return nil
		}
		files = append(files, filepath.Base(p))
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v", p, fi.Mode().Perm())
		}
		return nil
	})
	// One file per key, no temporary files left behind.
	if len(files) != 1 || strings.HasPrefix(files[0], ".") {
		t.Fatalf("files %v", files)
	}
	got, err := s.load(r.key())
	if err != nil || got.Tokens.IDToken != "xxx" {
		t.Fatalf("last write not read back: %v", err)
	}
	// A damaged file says what to do.
	path := s.file(r.key())
	os.WriteFile(path, []byte("{not json"), 0o600)
	if _, err := s.load(r.key()); err == nil || !strings.Contains(err.Error(), "sigscope logout") {
		t.Errorf("damaged file: %v", err)
	}
}

func TestDefaultStoreFollowsXDG(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", dir)
	t.Setenv("HOME", dir)
	s, err := DefaultStore()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "sigscope", "tokens"); s.Dir != want && !strings.HasSuffix(s.Dir, "/Library/Caches/sigscope/tokens") {
		t.Errorf("store dir %s, want %s", s.Dir, want)
	}
}
