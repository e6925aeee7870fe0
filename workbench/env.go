// Package workbench is the one pipeline under sigscope's faces: it opens a
// collection, previews a request (resolve, credentials, cookies, sign),
// sends it, logs in and out, and masks what each outcome holds. The
// command line and the terminal UI drive it; it never talks to a terminal.
//
// A collection from a file is used only once a person confirmed the
// environment variables it reads and the hosts it talks to (TrustStatus,
// Trust); until then Preview, Send and LoginTarget refuse with an
// *UntrustedError, and each face asks in its own way.
package workbench

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/sigscope/sigscope/auth"
)

// Env is the only source of process state the pipeline reads: the
// environment, the clock, where caches live and the user agent. Tests and
// the TUI pass a fake; OSEnv is the real process.
type Env struct {
	// LookupEnv reads environment variables; nil means os.LookupEnv.
	LookupEnv func(string) (string, bool)
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// CacheDir holds tokens/ and cookies/; "" means the user cache
	// directory's sigscope folder.
	CacheDir string
	// UserAgent is sent unless a request sets its own.
	UserAgent string
	// AuthOptions reach package auth (a test's clock, an in-memory store).
	AuthOptions []auth.Option
	// History keeps every exchange; nil keeps none.
	History Recorder
}

// OSEnv is the process's own environment with the given user agent.
func OSEnv(userAgent string) Env { return Env{UserAgent: userAgent} }

func (e Env) lookup(name string) (string, bool) {
	if e.LookupEnv != nil {
		return e.LookupEnv(name)
	}
	return os.LookupEnv(name)
}

func (e Env) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

// cacheDir is the root of the token and cookie caches.
func (e Env) cacheDir() (string, error) {
	if e.CacheDir != "" {
		return e.CacheDir, nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory (set XDG_CACHE_HOME or HOME): %w", err)
	}
	return filepath.Join(base, "sigscope"), nil
}

// authOptions adds the token store under CacheDir when one was given, so
// that a fake Env never touches the user's real cache.
func (e Env) authOptions() []auth.Option {
	opts := append([]auth.Option{}, e.AuthOptions...)
	if e.CacheDir != "" {
		opts = append([]auth.Option{auth.WithStore(&auth.Store{Dir: filepath.Join(e.CacheDir, "tokens")})}, opts...)
	}
	return opts
}
