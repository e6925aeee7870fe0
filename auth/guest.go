package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Guest credentials (auth mode guest) belong to an identity pool, not to a
// login: nobody signs in, so they are cached per identity pool (and the
// endpoint that serves it), in the token cache's guest folder, mode 0600
// like every record there. The identity id is kept with them so that a
// renewal asks for the same guest identity instead of minting a new one
// each hour, as Amplify keeps it in the browser's storage.

// guestDirName is the token cache's folder of guest credentials; the
// listing of logins (Entries) skips it.
const guestDirName = "guest"

// guestRecord is one identity pool's cached guest credentials.
type guestRecord struct {
	Version        int                `json:"version"`
	IdentityPoolID string             `json:"identity_pool_id"`
	Endpoint       string             `json:"endpoint,omitempty"`
	IdentityID     string             `json:"identity_id,omitempty"`
	Credentials    *cachedCredentials `json:"credentials,omitempty"`
}

func (s *Store) guestDir() string { return filepath.Join(s.Dir, guestDirName) }

func (s *Store) guestFile(poolID, endpoint string) string {
	return filepath.Join(s.guestDir(), shortHash(endpoint, poolID)+".json")
}

func (s *Store) loadGuest(poolID, endpoint string) (*guestRecord, error) {
	path := s.guestFile(poolID, endpoint)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &guestRecord{IdentityPoolID: poolID, Endpoint: endpoint}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("guest credential cache: %w", err)
	}
	var r guestRecord
	if err := json.Unmarshal(data, &r); err != nil || r.Version != recordVersion || r.IdentityPoolID != poolID || r.Endpoint != endpoint {
		// A damaged or foreign file holds nothing worth keeping: fetch
		// anew and write over it.
		return &guestRecord{IdentityPoolID: poolID, Endpoint: endpoint}, nil
	}
	return &r, nil
}

func (s *Store) saveGuest(r *guestRecord, now time.Time) error {
	r.Version = recordVersion
	s.pruneGuests(now)
	return s.writeRecord(s.guestFile(r.IdentityPoolID, r.Endpoint), r, "guest credential cache")
}

// guestRetention is how long expired guest credentials stay cached: an
// emulator on a new port each run (sigscope demo) would otherwise leave a
// file per run.
const guestRetention = 24 * time.Hour

// pruneGuests removes guest records whose credentials expired long ago,
// and files that are no guest record at all.
func (s *Store) pruneGuests(now time.Time) {
	paths, _ := filepath.Glob(filepath.Join(s.guestDir(), "*.json"))
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		var r guestRecord
		if json.Unmarshal(data, &r) != nil || r.Credentials == nil || now.Sub(r.Credentials.Expiry) > guestRetention {
			_ = os.Remove(path)
		}
	}
}

// guestLocks serialises fetches per cache file within the process, so two
// requests sent at once do not both create a guest identity.
var guestLocks sync.Map // path -> *sync.Mutex

// CachedGuestCredentials returns the guest (unauthenticated) credentials
// of p's identity pool: from the token cache while they are fresh, else
// GetId without logins (unless a guest identity is cached) and
// GetCredentialsForIdentity, cached again. They are renewed a few minutes
// before they expire. A pool that does not allow guests answers
// NotAuthorizedException, explained in the error.
func CachedGuestCredentials(ctx context.Context, p CognitoProfile, opts ...Option) (aws.Credentials, error) {
	if p.IdentityPoolID == "" {
		return aws.Credentials{}, errors.New("guest credentials need identity_pool_id: the identity pool whose unauthenticated role they come from")
	}
	o := buildOptions(opts)
	if err := o.withStore(); err != nil {
		return aws.Credentials{}, err
	}
	path := o.store.guestFile(p.IdentityPoolID, p.Endpoint)
	mu, _ := guestLocks.LoadOrStore(path, &sync.Mutex{})
	mu.(*sync.Mutex).Lock()
	defer mu.(*sync.Mutex).Unlock()

	rec, err := o.store.loadGuest(p.IdentityPoolID, p.Endpoint)
	if err != nil {
		return aws.Credentials{}, err
	}
	if c := rec.Credentials; c != nil && o.now().Before(c.Expiry.Add(-refreshWindow(c.Obtained, c.Expiry))) {
		a := c.aws()
		a.Source = guestSource
		return a, nil
	}
	a, id, err := guestFetch(ctx, p, rec.IdentityID, opts)
	if err != nil {
		return aws.Credentials{}, err
	}
	rec.IdentityID = id
	rec.Credentials = &cachedCredentials{
		AccessKeyID: a.AccessKeyID, SecretAccessKey: a.SecretAccessKey, SessionToken: a.SessionToken,
		Expiry: a.Expires, Obtained: o.now(),
	}
	if err := o.store.saveGuest(rec, o.now()); err != nil {
		return aws.Credentials{}, err
	}
	return a, nil
}

const guestSource = "sigscope: Cognito identity pool (guest)"
