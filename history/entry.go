// Package history keeps every exchange sigscope makes in one SQLite
// database, so that a request that fails today can be compared with the
// one that worked yesterday.
//
// Masking is the caller's job. The store never sees a secret: the
// workbench masks every value that came from a credential source, an
// environment variable or a cookie before it builds an Entry (tokens keep
// a fingerprint and their non-secret claims in Entry.Secrets), and Signing
// has no field for a key by design. The store trusts that and only keeps,
// finds, trims and exports what it is given; it does not look for
// secrets.
//
// One file serves every sigscope process at once (the TUI and several
// `send`s): SQLite in WAL mode, one short transaction per Add, a busy
// timeout for writers. The file is 0600 in a 0700 directory (DefaultPath
// says where). Entries are found by collection identity (Entry.Collection:
// the collection's name: field, else its file's base name), which
// survives moving the file; the path it was recorded from is kept too.
// Newest and oldest mean in the order entries were recorded (ids).
//
// A store that cannot be used (a damaged or foreign file, a lock held too
// long, a read-only file or directory, a full disk, a schema from a newer
// sigscope) gives errors matching ErrUnavailable that say what is wrong,
// where, and what to do; callers warn and go on without history. The
// store never deletes, truncates or rewrites a file it cannot use.
package history

import "time"

// Entry is one exchange as it was made, with every secret already masked.
type Entry struct {
	ID   int64     `json:"id"`
	Time time.Time `json:"time"` // when the request was sent

	// Collection is the collection's identity: its name: field, else the
	// file's base name without extension. A name survives moving the file,
	// which a path does not; CollectionPath is where it was at the time.
	Collection     string `json:"collection"`
	CollectionPath string `json:"collection_path,omitempty"`
	Request        string `json:"request"` // the request's path in the collection ("folder/name")
	Environment    string `json:"environment,omitempty"`
	Mode           string `json:"mode,omitempty"`    // auth mode: iam, id_token, access_token, api_key, none
	Profile        string `json:"profile,omitempty"` // auth profile name
	User           string `json:"user,omitempty"`    // the Cognito user, when one signed in
	Source         string `json:"source,omitempty"`  // which face made it: tui, send, demo, replay

	Method          string   `json:"method"`
	URL             string   `json:"url"`
	RequestHeaders  []Header `json:"request_headers,omitempty"`
	RequestBody     Body     `json:"request_body"`
	RequestWireHead string   `json:"request_wire_head,omitempty"` // request line and headers, as sent

	Signing *Signing `json:"signing,omitempty"` // iam mode only

	Status          int      `json:"status,omitempty"` // 0 when no answer came
	StatusText      string   `json:"status_text,omitempty"`
	ResponseHeaders []Header `json:"response_headers,omitempty"`
	ResponseBody    Body     `json:"response_body"`

	CookiesSent     []Cookie `json:"cookies_sent,omitempty"`
	CookiesReceived []Cookie `json:"cookies_received,omitempty"`

	Timings Timings `json:"timings"`
	TLS     string  `json:"tls,omitempty"` // one-line summary: version, cipher, server name, issuer

	// Error is why nothing was sent (resolve, credentials) or why the
	// answer did not come (a transport error); empty on an answer.
	Error     string `json:"error,omitempty"`
	ErrorKind string `json:"error_kind,omitempty"`
	// Diagnosis is sigscope's reading of an error answer; Mismatch says it
	// was a signature mismatch.
	Diagnosis string   `json:"diagnosis,omitempty"`
	Mismatch  bool     `json:"mismatch,omitempty"`
	Warnings  []string `json:"warnings,omitempty"`

	// Secrets describe the masked values so that entries stay
	// recognisable: which token, its fingerprint and its public claims.
	Secrets []Secret `json:"secrets,omitempty"`
}

// Header is one header line in order.
type Header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Body is a request or response body as kept: Data holds at most the
// store's body limit, Size the full length.
type Body struct {
	Data      []byte `json:"data,omitempty"`
	Size      int64  `json:"size"`
	Truncated bool   `json:"truncated,omitempty"`
	Binary    bool   `json:"binary,omitempty"` // not UTF-8 text: shown as a hex dump, exported as base64
	MimeType  string `json:"mime_type,omitempty"`
}

// Signing is the SigV4 trace without anything derived from the secret:
// never the signing key nor the intermediate keys. The signature is kept
// only as a fingerprint, since a signed request can be replayed while it
// is valid.
type Signing struct {
	Algorithm        string `json:"algorithm"`
	AccessKeyID      string `json:"access_key_id,omitempty"`
	RequestDate      string `json:"request_date"` // X-Amz-Date
	Scope            string `json:"scope"`
	SignedHeaders    string `json:"signed_headers"`
	PayloadHash      string `json:"payload_hash,omitempty"`
	CanonicalRequest string `json:"canonical_request"`
	StringToSign     string `json:"string_to_sign"`
	Signature        string `json:"signature,omitempty"` // fingerprint only
	Presigned        bool   `json:"presigned,omitempty"`
}

// Cookie is a cookie sent or received, its value masked.
type Cookie struct {
	Name       string `json:"name"`
	Value      string `json:"value"` // masked
	Domain     string `json:"domain,omitempty"`
	Path       string `json:"path,omitempty"`
	Attributes string `json:"attributes,omitempty"` // as a Set-Cookie line would write them
	Stored     bool   `json:"stored,omitempty"`
	Reason     string `json:"reason,omitempty"` // why a received cookie was not stored
}

// Timings are the exchange's phases.
type Timings struct {
	DNS       time.Duration `json:"dns"`
	Connect   time.Duration `json:"connect"`
	TLS       time.Duration `json:"tls"`
	Send      time.Duration `json:"send"`
	FirstByte time.Duration `json:"first_byte"`
	Transfer  time.Duration `json:"transfer"`
	Total     time.Duration `json:"total"`
}

// Secret describes one masked value: its kind (id_token, access_token,
// session_token, secret_key, api_key, password, cookie, env), a
// fingerprint (the first 12 hex digits of its SHA-256) and, for a JWT,
// the claims that are not themselves secret (sub, username, aud, iss,
// exp, iat, token_use, client_id, scope).
type Secret struct {
	Kind        string            `json:"kind"`
	Name        string            `json:"name,omitempty"` // header, variable or cookie it was in
	Fingerprint string            `json:"fingerprint"`
	Claims      map[string]string `json:"claims,omitempty"`
}

// Success says whether the exchange got a 2xx answer.
func (e *Entry) Success() bool { return e.Status >= 200 && e.Status < 300 }
