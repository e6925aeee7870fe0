package workbench

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sigscope/sigscope/internal/atomicfile"
)

// A collection is anyone's file: before its first request is prepared, a
// person sees the environment variables it reads, the hosts it talks to
// and what it does with credentials (each profile's source, each field
// with the variable it reads, the service, region and host every request
// is signed for), and confirms once. The confirmation is remembered per
// collection file (symlinks resolved) with a hash of all three, so a
// change to any of them asks again.

// UntrustedError is what Preview, Send and LoginTarget return for a
// collection nobody confirmed yet (or whose variables or hosts changed
// since): what it would read and where it would go.
type UntrustedError struct {
	Collection string   // the collection's name
	Path       string   // its file, symlinks resolved
	Vars       []string // the environment variables it reads
	Hosts      []string // where its requests and logins go
	Uses       []string // what it does with credentials (collections.Uses)
}

func (e *UntrustedError) Error() string {
	return fmt.Sprintf("collection %q (%s) is not trusted yet: it reads the environment variables %s and sends requests to %s; confirm to use this collection (send and login: --yes)",
		e.Collection, e.Path, listOrNone(e.Vars), listOrNone(e.Hosts))
}

// List is what a person confirms, one name a line:
//
//	It reads these environment variables:
//	  NAME
//	It sends requests and logins to these hosts:
//	  host:port
//	It uses credentials this way:
//	  auth profile "keys": static keys, the access key id from $NAME, ...
func (e *UntrustedError) List() string {
	var b strings.Builder
	section := func(title, none string, items []string) {
		if len(items) == 0 {
			b.WriteString(none + "\n")
			return
		}
		b.WriteString(title + "\n")
		for _, it := range items {
			b.WriteString("  " + it + "\n")
		}
	}
	section("It reads these environment variables:", "It reads no environment variables.", e.Vars)
	section("It sends requests and logins to these hosts:", "It sends requests to no host.", e.Hosts)
	section("It uses credentials this way:", "It uses no credentials.", e.Uses)
	return strings.TrimSuffix(b.String(), "\n")
}

func listOrNone(list []string) string {
	if len(list) == 0 {
		return "(none)"
	}
	return strings.Join(list, ", ")
}

// IsUntrusted reports whether err (or what it wraps) is an UntrustedError.
func IsUntrusted(err error) (*UntrustedError, bool) {
	var u *UntrustedError
	ok := errors.As(err, &u)
	return u, ok
}

// trustInfo is what a confirmation covers, for one text of the collection.
type trustInfo struct {
	version           uint64 // collections.Collection.Version of the text
	vars, hosts, uses []string
	hash              string
}

// trustInfo computes (or reuses) the variables, hosts and hash of the
// collection as it is now, edits included. It is kept by the text's
// version: at 20,000 requests copying and comparing the text cost more
// than the preview that asked.
func (w *Workbench) trustInfo() trustInfo {
	w.doc.RLock()
	if memo, ok := w.trustMemo(w.Coll.Version()); ok {
		w.doc.RUnlock()
		return memo
	}
	info := trustInfo{version: w.Coll.Version(), vars: w.Coll.Variables(), hosts: w.Coll.Hosts(), uses: w.Coll.Uses()}
	w.doc.RUnlock()
	h := sha256.New()
	fmt.Fprintf(h, "sigscope trust v2\nvariables\n")
	for _, v := range info.vars {
		fmt.Fprintf(h, "%s\n", v)
	}
	fmt.Fprintf(h, "hosts\n")
	for _, v := range info.hosts {
		fmt.Fprintf(h, "%q\n", v)
	}
	fmt.Fprintf(h, "uses\n")
	for _, v := range info.uses {
		fmt.Fprintf(h, "%q\n", v)
	}
	info.hash = hex.EncodeToString(h.Sum(nil))
	w.trustMu.Lock()
	w.trustCalc = info
	w.trustMu.Unlock()
	return info
}

// trustMemo is the trust information computed for the text of version,
// if it was.
func (w *Workbench) trustMemo(version uint64) (trustInfo, bool) {
	w.trustMu.Lock()
	defer w.trustMu.Unlock()
	memo := w.trustCalc
	return memo, memo.hash != "" && memo.version == version
}

// TrustStatus says whether the collection may be used as it is now, and
// what a person confirms: the environment variables it reads and the hosts
// it talks to. It reads the remembered confirmation (file I/O) unless this
// workbench already knows the answer.
func (w *Workbench) TrustStatus() (trusted bool, vars []string, hosts []string) {
	info := w.trustInfo()
	if w.known(info.hash) {
		return true, info.vars, info.hosts
	}
	rec, err := w.readTrust()
	if err == nil && rec.Hash == info.hash && rec.Path == w.collectionPath() {
		w.remember(info.hash)
		return true, info.vars, info.hosts
	}
	return false, info.vars, info.hosts
}

// known reports whether the collection whose variables and hosts hash to
// hash is trusted, as far as this workbench knows without I/O.
func (w *Workbench) known(hash string) bool {
	if w.trusted {
		return true
	}
	w.trustMu.Lock()
	defer w.trustMu.Unlock()
	return w.trustedHash == hash
}

func (w *Workbench) remember(hash string) {
	w.trustMu.Lock()
	w.trustedHash = hash
	w.trustMu.Unlock()
}

// KnownTrusted reports, without any I/O or work that grows with the
// collection (the UI asks it on its update loop), whether the collection
// as it is now is trusted by construction (Options.Trusted) or was found
// or made trusted by an earlier TrustStatus or Trust. Until a preview,
// TrustStatus or CheckTrust has looked at the text as it is now (after an
// edit, say), the answer is false: not known.
func (w *Workbench) KnownTrusted() bool {
	if w.trusted {
		return true
	}
	w.doc.RLock()
	memo, ok := w.trustMemo(w.Coll.Version())
	w.doc.RUnlock()
	return ok && w.known(memo.hash)
}

// Trust records that the person confirmed the collection's variables and
// hosts as they are now (file I/O), so that it is not asked again until
// they change. This workbench trusts the collection from then on even when
// the confirmation cannot be remembered (no cache directory): the error
// says why.
func (w *Workbench) Trust() error {
	if w.trusted {
		return nil
	}
	info := w.trustInfo()
	w.remember(info.hash)
	file, err := w.trustFile()
	if err != nil {
		return err
	}
	rec := trustRecord{Path: w.collectionPath(), Hash: info.hash, Variables: info.vars, Hosts: info.hosts, Uses: info.uses, Confirmed: w.Env.now().UTC()}
	if rec.Variables == nil {
		rec.Variables = []string{}
	}
	if rec.Hosts == nil {
		rec.Hosts = []string{}
	}
	data, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	if err := writePrivate(file, append(data, '\n')); err != nil {
		return fmt.Errorf("remember the confirmation of %s: %w", rec.Path, err)
	}
	return nil
}

// CheckTrust is the gate of Preview, Send and LoginTarget: nil when the
// collection may be used, else an *UntrustedError (it may read the
// remembered confirmation: file I/O).
func (w *Workbench) CheckTrust() error {
	ok, vars, hosts := w.TrustStatus()
	if ok {
		return nil
	}
	return &UntrustedError{Collection: w.Coll.Name, Path: w.collectionPath(), Vars: vars, Hosts: hosts, Uses: w.trustInfo().uses}
}

// trustRecord is one remembered confirmation, a small JSON file.
type trustRecord struct {
	Path      string    `json:"collection"`
	Hash      string    `json:"hash"`
	Variables []string  `json:"variables"`
	Hosts     []string  `json:"hosts"`
	Uses      []string  `json:"uses"`
	Confirmed time.Time `json:"confirmed"`
}

// trustFile is where the confirmation of this collection lives: one file
// per collection path under the cache root's trust/ folder.
func (w *Workbench) trustFile() (string, error) {
	dir, err := w.Env.cacheDir()
	if err != nil {
		return "", fmt.Errorf("trust: %w", err)
	}
	sum := sha256.Sum256([]byte(w.collectionPath()))
	return filepath.Join(dir, "trust", hex.EncodeToString(sum[:16])+".json"), nil
}

func (w *Workbench) readTrust() (*trustRecord, error) {
	file, err := w.trustFile()
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var rec trustRecord
	if err := json.Unmarshal(data, &rec); err != nil {
		return nil, err
	}
	return &rec, nil
}

// writePrivate writes a file of mode 0600 in a folder of mode 0700,
// atomically.
func writePrivate(file string, data []byte) error {
	dir := filepath.Dir(file)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if err := os.Chmod(dir, 0o700); err != nil && !errors.Is(err, fs.ErrPermission) {
		return err
	}
	return atomicfile.Write(file, data, 0o600)
}
