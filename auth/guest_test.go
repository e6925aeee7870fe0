package auth

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigscope/sigscope/emulator"
)

// Guest credentials are cached per identity pool, 0600, reused while
// fresh and renewed near expiry for the same guest identity.
func TestCachedGuestCredentials(t *testing.T) {
	e := startEmulator(t, nil)
	p := CognitoProfile{IdentityPoolID: demoIDPool, Endpoint: e.srv.URL} // no user pool: nobody logs in
	first, err := CachedGuestCredentials(ctx, p, e.opts()...)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(first.AccessKeyID, "ASIA") || first.SessionToken == "" || first.Source != guestSource {
		t.Fatalf("guest credentials: %s %q", first.AccessKeyID, first.Source)
	}
	if status, body := e.signedGet(t, first.AccessKeyID, first.SecretAccessKey, first.SessionToken); status != http.StatusOK || !strings.Contains(body, `"cognitoAuthenticationType":"unauthenticated"`) {
		t.Fatalf("signed with guest credentials: %d %.300s", status, body)
	}

	path := e.store.guestFile(demoIDPool, e.srv.URL)
	st, err := os.Stat(path)
	if err != nil {
		t.Fatalf("guest cache file: %v", err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("guest cache file mode %v, want 0600", st.Mode().Perm())
	}
	if d, _ := os.Stat(filepath.Dir(path)); d.Mode().Perm() != 0o700 {
		t.Errorf("guest cache folder mode %v, want 0700", d.Mode().Perm())
	}
	rec, err := e.store.loadGuest(demoIDPool, e.srv.URL)
	if err != nil || rec.IdentityID == "" {
		t.Fatalf("cached record: %+v %v", rec, err)
	}

	// Fresh: the cache answers, no new identity or credentials.
	again, err := CachedGuestCredentials(ctx, p, e.opts()...)
	if err != nil || again.AccessKeyID != first.AccessKeyID {
		t.Fatalf("second call: %s, %v; want the cached %s", again.AccessKeyID, err, first.AccessKeyID)
	}
	// Guests are no logins: logout's listing does not show them.
	if entries, err := e.store.Entries(""); err != nil || len(entries) != 0 {
		t.Errorf("Entries() = %v, %v; want no logins", entries, err)
	}

	// Near expiry: renewed, for the same guest identity.
	e.clock.Advance(time.Hour - time.Minute)
	renewed, err := CachedGuestCredentials(ctx, p, e.opts()...)
	if err != nil {
		t.Fatal(err)
	}
	if renewed.AccessKeyID == first.AccessKeyID {
		t.Fatal("credentials a minute from expiry were not renewed")
	}
	rec2, _ := e.store.loadGuest(demoIDPool, e.srv.URL)
	if rec2.IdentityID != rec.IdentityID {
		t.Errorf("renewal changed the guest identity: %s -> %s", rec.IdentityID, rec2.IdentityID)
	}
	if !rec2.Credentials.Expiry.After(e.clock.Now()) {
		t.Errorf("renewed credentials expire at %v, before now %v", rec2.Credentials.Expiry, e.clock.Now())
	}

	// Records of other endpoints (an emulator's earlier port) are pruned
	// once their credentials are long expired.
	stale := &guestRecord{IdentityPoolID: demoIDPool, Endpoint: "http://127.0.0.1:1", Credentials: &cachedCredentials{AccessKeyID: "ASIAOLD", Expiry: e.clock.Now().Add(-48 * time.Hour)}}
	fresh := &guestRecord{IdentityPoolID: demoIDPool, Endpoint: "http://127.0.0.1:2", Credentials: &cachedCredentials{AccessKeyID: "ASIANEW", Expiry: e.clock.Now().Add(-time.Hour)}}
	for _, r := range []*guestRecord{stale, fresh} {
		if err := e.store.writeRecord(e.store.guestFile(r.IdentityPoolID, r.Endpoint), r, "test"); err != nil {
			t.Fatal(err)
		}
	}
	e.clock.Advance(time.Hour)
	if _, err := CachedGuestCredentials(ctx, p, e.opts()...); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(e.store.guestFile(demoIDPool, "http://127.0.0.1:1")); err == nil {
		t.Error("guest credentials expired two days ago were kept")
	}
	if _, err := os.Stat(e.store.guestFile(demoIDPool, "http://127.0.0.1:2")); err != nil {
		t.Errorf("guest credentials expired an hour ago were removed: %v", err)
	}

	// A damaged cache file is fetched anew and written over.
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if c, err := CachedGuestCredentials(ctx, p, e.opts()...); err != nil || c.AccessKeyID == "" {
		t.Fatalf("after a damaged cache: %v", err)
	}
}

// A pool that does not allow guests answers as AWS does, and the error
// says what to do.
func TestCachedGuestCredentialsRefused(t *testing.T) {
	e := startEmulator(t, func(c *emulator.Config) { c.Cognito.IdentityPools[0].AllowUnauthenticated = false })
	_, err := CachedGuestCredentials(ctx, CognitoProfile{IdentityPoolID: demoIDPool, Endpoint: e.srv.URL}, e.opts()...)
	if err == nil || !strings.Contains(err.Error(), "does not allow guests") {
		t.Fatalf("no guests: %v", err)
	}
	if _, statErr := os.Stat(e.store.guestFile(demoIDPool, e.srv.URL)); statErr == nil {
		t.Error("a refusal was cached")
	}
	if _, err := CachedGuestCredentials(ctx, CognitoProfile{}, e.opts()...); err == nil || !strings.Contains(err.Error(), "identity_pool_id") {
		t.Errorf("no pool: %v", err)
	}
}
