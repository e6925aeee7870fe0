package auth

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
	"time"
	"unicode"

	"github.com/sigscope/sigscope/internal/atomicfile"
)

// CacheKey names one cached login: tokens are kept per collection,
// environment, user pool and user.
type CacheKey struct {
	Collection  string // the collection file's path (made absolute)
	Environment string // "" when the collection has none
	UserPoolID  string
	// Username as typed at login. Left empty in a lookup, it means the
	// user who logged in last for this collection, environment and pool.
	Username string
}

// Store is the token cache: one JSON file per CacheKey under Dir, mode
// 0600 in directories of mode 0700, each written atomically.
type Store struct {
	Dir string
}

// DefaultStore is the cache in the user's cache directory:
// $XDG_CACHE_HOME/sigscope/tokens on Linux, ~/Library/Caches/sigscope/tokens
// on macOS.
func DefaultStore() (*Store, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return nil, fmt.Errorf("token cache: %w (set XDG_CACHE_HOME or HOME)", err)
	}
	return &Store{Dir: filepath.Join(d, "sigscope", "tokens")}, nil
}

const recordVersion = 1

// record is one cached login. It holds secrets: the file is 0600.
type record struct {
	Version     int    `json:"version"`
	Collection  string `json:"collection"`
	Environment string `json:"environment"`
	UserPoolID  string `json:"user_pool_id"`
	Username    string `json:"username"` // as typed: the cache key
	// What the tokens were issued to; a profile that changed since makes
	// them useless.
	ClientID string `json:"client_id"`
	Endpoint string `json:"endpoint,omitempty"`
	Flow     Flow   `json:"flow"`
	Domain   string `json:"domain,omitempty"` // hosted UI logins refresh at its token endpoint

	Tokens   Tokens    `json:"tokens"`
	LoggedIn time.Time `json:"logged_in"`

	IdentityPoolID string             `json:"identity_pool_id,omitempty"`
	IdentityID     string             `json:"identity_id,omitempty"`
	Credentials    *cachedCredentials `json:"credentials,omitempty"`
}

// cachedCredentials are identity-pool credentials as cached.
type cachedCredentials struct {
	AccessKeyID     string    `json:"access_key_id"`
	SecretAccessKey string    `json:"secret_access_key"`
	SessionToken    string    `json:"session_token"`
	Expiry          time.Time `json:"expiry"`
	Obtained        time.Time `json:"obtained"`
}

func (r *record) key() CacheKey {
	return CacheKey{Collection: r.Collection, Environment: r.Environment, UserPoolID: r.UserPoolID, Username: r.Username}
}

// Entry describes a cached login without its secrets, for listings.
type Entry struct {
	Key        CacheKey
	LoggedIn   time.Time
	Expiry     time.Time // of the id and access tokens
	IdentityID string
}

func canonicalCollection(path string) string {
	if path == "" {
		return ""
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	return path
}

func shortHash(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:24]
}

// collectionDir is readable (the file's base name) and unique (a hash of
// its absolute path).
func (s *Store) collectionDir(collection string) string {
	c := canonicalCollection(collection)
	base := strings.TrimSuffix(filepath.Base(c), filepath.Ext(c))
	clean := strings.Map(func(r rune) rune {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_') {
			return r
		}
		return '_'
	}, base)
	if len(clean) > 40 {
		clean = clean[:40]
	}
	return filepath.Join(s.Dir, clean+"-"+shortHash(c)[:12])
}

func (s *Store) file(k CacheKey) string {
	return filepath.Join(s.collectionDir(k.Collection), shortHash(k.Environment, k.UserPoolID, k.Username)+".json")
}

// ensureDir creates dir and its parents up to the store's root with mode
// 0700, tightening directories of ours that are looser.
func (s *Store) ensureDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("token cache: create %s: %w", dir, err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if fi, err := os.Stat(d); err == nil && fi.Mode().Perm() != 0o700 {
			if err := os.Chmod(d, 0o700); err != nil {
				return fmt.Errorf("token cache: chmod %s: %w", d, err)
			}
		}
		if d == s.Dir || d == filepath.Dir(d) || !strings.HasPrefix(d, s.Dir) {
			return nil
		}
	}
}

// save writes r atomically: a temporary file in the same directory, mode
// 0600, synced, then renamed over the old one.
func (s *Store) save(r *record) error {
	r.Version = recordVersion
	r.Collection = canonicalCollection(r.Collection)
	return s.writeRecord(s.file(r.key()), r, "token cache")
}

// writeRecord writes v as JSON to path, mode 0600 in a 0700 folder of the
// store, atomically; what names the cache in errors.
func (s *Store) writeRecord(path string, v any, what string) error {
	if err := s.ensureDir(filepath.Dir(path)); err != nil {
		return err
	}
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("%s: encode: %w", what, err)
	}
	if err := atomicfile.Write(path, data, 0o600); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

func readRecord(path string) (*record, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r record
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("token cache %s is damaged (%v): run 'sigscope logout' and log in again", path, errors.Unwrap(err))
	}
	if r.Version != recordVersion {
		return nil, fmt.Errorf("token cache %s has version %d, this sigscope reads %d: log in again", path, r.Version, recordVersion)
	}
	return &r, nil
}

// load finds the record for k; an empty Username picks the latest login for
// the collection, environment and pool. A missing record is ErrNotLoggedIn.
func (s *Store) load(k CacheKey) (*record, error) {
	k.Collection = canonicalCollection(k.Collection)
	if k.Username != "" {
		r, err := readRecord(s.file(k))
		if errors.Is(err, fs.ErrNotExist) {
			return nil, ErrNotLoggedIn
		}
		return r, err
	}
	recs, err := s.records(s.collectionDir(k.Collection))
	if err != nil {
		return nil, err
	}
	var best *record
	for _, r := range recs {
		if r.Environment == k.Environment && r.UserPoolID == k.UserPoolID && (best == nil || r.LoggedIn.After(best.LoggedIn)) {
			best = r
		}
	}
	if best == nil {
		return nil, ErrNotLoggedIn
	}
	return best, nil
}

// records reads every record under dir (recursively); damaged files are
// skipped so one bad file does not hide the others.
func (s *Store) records(dir string) ([]*record, error) {
	var out []*record
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() && path == s.guestDir() {
			return filepath.SkipDir // guest credentials are no login
		}
		if d.IsDir() || !strings.HasSuffix(path, ".json") {
			return nil
		}
		if r, err := readRecord(path); err == nil {
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("token cache: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].LoggedIn.Before(out[j].LoggedIn) })
	return out, nil
}

// Entries lists the cached logins of a collection ("" for all collections).
func (s *Store) Entries(collection string) ([]Entry, error) {
	dir := s.Dir
	if collection != "" {
		dir = s.collectionDir(collection)
	}
	recs, err := s.records(dir)
	if err != nil {
		return nil, err
	}
	out := make([]Entry, len(recs))
	for i, r := range recs {
		out[i] = Entry{Key: r.key(), LoggedIn: r.LoggedIn, Expiry: r.Tokens.Expiry, IdentityID: r.IdentityID}
	}
	return out, nil
}

// Remove forgets the cached logins of a collection ("" for every
// collection) and returns what it removed.
func (s *Store) Remove(collection string) ([]Entry, error) {
	entries, err := s.Entries(collection)
	if err != nil {
		return nil, err
	}
	dir := s.Dir
	if collection != "" {
		dir = s.collectionDir(collection)
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, fmt.Errorf("token cache: remove %s: %w", dir, err)
	}
	return entries, nil
}

// Delete forgets one cached login.
func (s *Store) Delete(k CacheKey) error {
	k.Collection = canonicalCollection(k.Collection)
	if err := os.Remove(s.file(k)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("token cache: %w", err)
	}
	return nil
}

// CheckWritable makes sure tokens for key can be cached before anything is
// sent: a login should not spend the password (or an MFA code) only to
// find the cache read-only at the end.
func (s *Store) CheckWritable(key CacheKey) error {
	dir := filepath.Dir(s.file(key))
	if err := s.ensureDir(dir); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".write-check-*")
	if err != nil {
		return fmt.Errorf("token cache: %s is not writable: %w (fix its permissions, or set XDG_CACHE_HOME to a writable folder)", dir, err)
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// CheckCache is Store.CheckWritable on the store the options name (the
// default one when none).
func CheckCache(key CacheKey, opts ...Option) error {
	o := buildOptions(opts)
	if err := o.withStore(); err != nil {
		return err
	}
	return o.store.CheckWritable(key)
}
