package emulator

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base32"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/net/netutil"

	"github.com/sigscope/sigscope/emulator/apigw"
	"github.com/sigscope/sigscope/emulator/awsauth"
	"github.com/sigscope/sigscope/emulator/cognito"
	"github.com/sigscope/sigscope/emulator/iampolicy"
	"github.com/sigscope/sigscope/emulator/s3"
	"github.com/sigscope/sigscope/emulator/sts"
	"github.com/sigscope/sigscope/internal/atomicfile"
)

// DefaultCAFile is where Start writes the CA certificate when TLS is on and
// Options.CAFile is empty: sigscope/emulator/ca.pem in os.UserCacheDir(),
// that is $XDG_CACHE_HOME/sigscope/emulator/ca.pem (else
// ~/.cache/sigscope/emulator/ca.pem) on Linux,
// ~/Library/Caches/sigscope/emulator/ca.pem on macOS and
// %LocalAppData%\sigscope\emulator\ca.pem on Windows. Start makes its folder
// private (0700): in a shared directory another local user could plant a CA
// of their own for the clients to trust.
func DefaultCAFile() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory for the emulator's CA certificate (set XDG_CACHE_HOME or HOME, or pass --ca-file): %w", err)
	}
	return filepath.Join(base, "sigscope", "emulator", "ca.pem"), nil
}

// Options start an emulator.
type Options struct {
	Addr   string  // host:port on loopback; default 127.0.0.1:0 (any free port)
	Config *Config // nil: DefaultConfig()
	// TLS serves HTTPS with a certificate for 127.0.0.1, ::1 and localhost
	// from a CA generated at start, written as PEM to CAFile (default
	// DefaultCAFile). The CA may sign only for localhost, 127.0.0.0/8 and
	// ::1 (critical name constraints).
	TLS      bool
	CAFile   string
	Log      io.Writer        // request and Cognito log lines; nil: silent
	Now      func() time.Time // nil: time.Now
	Timeouts Timeouts         // zero fields: the defaults
	// MaxConns bounds the connections served at once (default 64); more
	// wait, unaccepted, until one closes. The timeouts bound how long that is.
	MaxConns int
}

// Timeouts bound how long one connection may hold the emulator, so that
// idle or deliberately slow clients cannot pile up.
type Timeouts struct {
	ReadHeader time.Duration // request line and headers; default 10s
	Read       time.Duration // a whole request, body included; default 1 minute
	Write      time.Duration // from the end of the headers to the end of the answer; default 1 minute
	Idle       time.Duration // a kept-alive connection waiting for its next request; default 2 minutes
}

func (t Timeouts) withDefaults() Timeouts {
	set := func(d *time.Duration, def time.Duration) {
		if *d <= 0 {
			*d = def
		}
	}
	set(&t.ReadHeader, 10*time.Second)
	set(&t.Read, time.Minute)
	set(&t.Write, time.Minute)
	set(&t.Idle, 2*time.Minute)
	return t
}

// maxRequestBody caps every request body. The gateway answers 413 past
// apigw.MaxBody (it reads one byte more to tell); Cognito's calls and the
// hosted UI's forms have smaller limits of their own.
const maxRequestBody = apigw.MaxBody + 1

// defaultMaxConns bounds the connections served at once: each may hold
// a request body of up to apigw.MaxBody, and its goroutine, at a time.
const defaultMaxConns = 64

// Server is a running emulator.
type Server struct {
	URL     string // http(s)://127.0.0.1:PORT, the endpoint for Cognito and the API
	CAFile  string // PEM of the CA that signed the TLS certificate ("" without TLS)
	Config  *Config
	Cognito *cognito.Service
	Gateway *apigw.Gateway
	S3      *s3.Service

	srv       *http.Server
	ln        net.Listener
	closeOnce sync.Once
	closeErr  error
	done      chan struct{}
}

// APIURL is the base URL of the API's first stage, e.g. http://127.0.0.1:PORT/prod.
func (s *Server) APIURL() string {
	if len(s.Config.API.Stages) == 0 {
		return s.URL
	}
	return s.URL + "/" + s.Config.API.Stages[0]
}

// Start listens on a loopback address and serves until ctx ends or Close.
func Start(ctx context.Context, opts Options) (*Server, error) {
	cfg := opts.Config
	if cfg == nil {
		cfg = DefaultConfig()
	}
	addr := opts.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	listenAddr, err := loopbackAddr(addr)
	if err != nil {
		return nil, err
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	account := cfg.AccountID
	if account == "" {
		account = "123456789012"
	}
	// Cognito's Admin* calls are signed with the same keys the gateway
	// knows, some of which Cognito itself issues: the lookup is filled in
	// once both exist.
	creds := &credentialLookup{static: map[string]apigw.Credential{}, account: account, rolePolicies: cfg.API.RolePolicies}
	cog, err := cognito.New(cfg.Cognito, cognito.Options{Region: cfg.Region, Now: now, Log: opts.Log, AccountID: account, Credentials: creds.awsauth})
	if err != nil {
		return nil, cfg.cognitoError(err)
	}
	creds.cognito = cog
	for _, sc := range cfg.Credentials {
		creds.static[sc.AccessKeyID] = staticCredential(sc, account)
	}
	gw, err := apigw.New(cfg.API, apigw.Deps{
		Region: cfg.Region, AccountID: account, Now: now,
		Credentials: creds, Tokens: cog, SecureCookies: opts.TLS, Log: opts.Log,
	})
	if err != nil {
		return nil, fmt.Errorf("%sapi: %w", cfg.src.at("api"), err)
	}
	objects, err := s3.New(s3.Options{Region: cfg.Region, Now: now, Log: opts.Log, Credentials: func(akid string) (s3.Credential, bool) {
		c, ok := creds.LookupCredentials(akid)
		return s3.Credential{SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken, Expiration: c.Expiration}, ok
	}})
	if err != nil {
		return nil, err
	}
	identities, err := sts.New(sts.Options{Region: cfg.Region, Now: now, Log: opts.Log, Credentials: creds.identity})
	if err != nil {
		return nil, err
	}

	ln, err := net.Listen("tcp", listenAddr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return nil, fmt.Errorf("listen on %s: the port is already in use (another emulator?); pick another port or use 127.0.0.1:0 for any free one", listenAddr)
		}
		return nil, fmt.Errorf("listen on %s: %w", listenAddr, err)
	}
	maxConns := opts.MaxConns
	if maxConns <= 0 {
		maxConns = defaultMaxConns
	}
	// Counted below TLS, so that handshakes in progress count too.
	ln = netutil.LimitListener(ln, maxConns)
	s := &Server{Config: cfg, Cognito: cog, Gateway: gw, S3: objects, ln: ln, done: make(chan struct{})}
	scheme := "http"
	if opts.TLS {
		pki, err := newPKI(now())
		if err != nil {
			ln.Close()
			return nil, fmt.Errorf("emulator TLS certificate: %w", err)
		}
		caFile, err := writeCAFile(opts.CAFile, pki.caPEM)
		if err != nil {
			ln.Close()
			return nil, err
		}
		s.CAFile = caFile
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{pki.cert}, MinVersion: tls.VersionTLS12})
		s.ln = ln
		scheme = "https"
	}
	s.URL = scheme + "://" + ln.Addr().String()

	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !loopbackHost(r.Host) {
			refuseHost(w, r, s.URL)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxRequestBody)
		switch {
		case cog.Handles(r):
			cog.ServeHTTP(w, r)
			return
		case objects.Handles(r):
			// Signed for s3: the same path is an object key, not a route.
			objects.ServeHTTP(w, r)
			return
		case identities.Handles(r):
			// Signed for sts: POST / with Action=GetCallerIdentity.
			identities.ServeHTTP(w, r)
			return
		}
		gw.ServeHTTP(w, r)
	})
	to := opts.Timeouts.withDefaults()
	s.srv = &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: to.ReadHeader,
		ReadTimeout:       to.Read,
		WriteTimeout:      to.Write,
		IdleTimeout:       to.Idle,
	}
	go func() {
		defer close(s.done)
		_ = s.srv.Serve(ln)
	}()
	go func() {
		select {
		case <-ctx.Done():
			_ = s.Close()
		case <-s.done:
		}
	}()
	return s, nil
}

// Close stops the server, letting requests in flight finish for a few seconds.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.srv.Shutdown(ctx); err != nil {
			s.closeErr = s.srv.Close()
		}
		<-s.done
	})
	return s.closeErr
}

// Done is closed once the server has stopped.
func (s *Server) Done() <-chan struct{} { return s.done }

// writeCAFile writes the CA certificate to path, or to DefaultCAFile in a
// private folder when path is empty, readable by the user only.
func writeCAFile(path string, caPEM []byte) (string, error) {
	if path == "" {
		def, err := DefaultCAFile()
		if err != nil {
			return "", err
		}
		dir := filepath.Dir(def)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return "", fmt.Errorf("emulator CA certificate: make %s: %w", dir, err)
		}
		// MkdirAll leaves an existing folder as it was.
		if err := os.Chmod(dir, 0o700); err != nil {
			return "", fmt.Errorf("emulator CA certificate: make %s private: %w", dir, err)
		}
		path = def
	}
	if err := atomicfile.Write(path, caPEM, 0o600); err != nil {
		return "", fmt.Errorf("write emulator CA certificate: %w", err)
	}
	return path, nil
}

// loopbackHost reports whether a request's Host names this machine's
// loopback: localhost, 127.0.0.0/8 or ::1, with or without a port. Any
// other name may be a DNS rebinding attack, a web page whose host name
// now resolves to 127.0.0.1 reading the emulator's answers.
func loopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	} else if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
		host = host[1 : len(host)-1]
	}
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// refuseHost answers 421 Misdirected Request, saying why and what to use.
func refuseHost(w http.ResponseWriter, r *http.Request, base string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Connection", "close")
	w.WriteHeader(http.StatusMisdirectedRequest)
	fmt.Fprintf(w, "sigscope emulator: refused a request for Host %q. The emulator answers only requests for localhost, 127.0.0.1 (127.0.0.0/8) or [::1], with any port, so that a web page cannot reach it through a DNS name that points at this machine (DNS rebinding). Use %s.\n", r.Host, base)
}

// loopbackAddr accepts only loopback hosts: the emulator's keys and
// passwords are public demo data and must not be reachable from elsewhere.
func loopbackAddr(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("emulator address %q: want host:port on loopback, e.g. 127.0.0.1:4566: %w", addr, err)
	}
	switch {
	case host == "localhost":
		host = "127.0.0.1"
	case host == "":
		return "", fmt.Errorf("emulator address %q would listen on every interface; the emulator listens on loopback only (e.g. 127.0.0.1:%s)", addr, port)
	default:
		ip := net.ParseIP(strings.Trim(host, "[]"))
		if ip == nil || !ip.IsLoopback() {
			return "", fmt.Errorf("emulator address %q is not a loopback address; the emulator listens on loopback only (127.0.0.1, ::1 or localhost)", addr)
		}
	}
	return net.JoinHostPort(host, port), nil
}

// credentialLookup adapts static IAM users and Cognito identity-pool
// credentials to the gateway's IAM authorizer.
type credentialLookup struct {
	static       map[string]apigw.Credential
	cognito      *cognito.Service
	account      string
	rolePolicies map[string][]apigw.PolicyDoc // the API config's, by role ARN
}

func (c *credentialLookup) LookupCredentials(akid string) (apigw.Credential, bool) {
	if cred, ok := c.static[akid]; ok {
		return cred, true
	}
	ic, ok := c.cognito.LookupCredentials(akid)
	if !ok {
		return apigw.Credential{}, false
	}
	authType := "unauthenticated"
	if ic.Authenticated {
		authType = "authenticated"
	}
	role := ic.Role // the pool's authenticated or guest role
	roleID := "AROA" + fakeID("role"+ic.IdentityPoolID+role)
	caller := roleID + ":CognitoIdentityCredentials"
	var provider any
	if len(ic.Logins) > 0 {
		provider = strings.Join(ic.Logins, ",")
	}
	return apigw.Credential{
		SecretAccessKey: ic.SecretAccessKey,
		SessionToken:    ic.SessionToken,
		Expiration:      ic.Expiration,
		Caller: map[string]any{
			"accountId":                     c.account,
			"caller":                        caller,
			"user":                          caller,
			"userArn":                       fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/CognitoIdentityCredentials", c.account, role),
			"cognitoIdentityId":             ic.IdentityID,
			"cognitoIdentityPoolId":         ic.IdentityPoolID,
			"cognitoAuthenticationType":     authType,
			"cognitoAuthenticationProvider": provider,
		},
	}, true
}

// awsauth is the lookup Cognito's Admin* calls are verified and judged
// with: the key's principal and identity policies are the gateway's.
func (c *credentialLookup) awsauth(akid string) (awsauth.Credential, bool) {
	cred, ok := c.LookupCredentials(akid)
	if !ok {
		return awsauth.Credential{}, false
	}
	p := apigw.CallerPrincipal(cred)
	pols, restricted := apigw.IdentityPolicies(cred, p, c.rolePolicies)
	return awsauth.Credential{SecretAccessKey: cred.SecretAccessKey, SessionToken: cred.SessionToken, Expiration: cred.Expiration,
		Principal: p, Policies: pols, Restricted: restricted}, true
}

// identity is who an access key is, for STS GetCallerIdentity: the ARN,
// unique id and account the gateway puts in the request context.
func (c *credentialLookup) identity(akid string) (sts.Identity, bool) {
	cred, ok := c.LookupCredentials(akid)
	if !ok {
		return sts.Identity{}, false
	}
	str := func(k string) string { v, _ := cred.Caller[k].(string); return v }
	return sts.Identity{
		Credential: awsauth.Credential{SecretAccessKey: cred.SecretAccessKey, SessionToken: cred.SessionToken, Expiration: cred.Expiration},
		Arn:        str("userArn"), UserID: str("user"), Account: str("accountId"),
	}, true
}

func staticCredential(sc StaticCredential, account string) apigw.Credential {
	arn := sc.ARN
	if arn == "" {
		arn = fmt.Sprintf("arn:aws:iam::%s:user/%s", account, strings.ToLower(sc.AccessKeyID))
	} else if m := arnRE.FindStringSubmatch(arn); m != nil {
		account = m[1]
	}
	userID := "AIDA" + fakeID("user"+sc.AccessKeyID)
	var policies []iampolicy.Named
	for i, d := range sc.Policies {
		policies = append(policies, iampolicy.Named{Name: fmt.Sprintf("policy %d of user %s", i+1, arn[strings.LastIndex(arn, "/")+1:]), Policy: d.Policy})
	}
	return apigw.Credential{
		SecretAccessKey: sc.SecretAccessKey,
		Policies:        policies,
		Restricted:      sc.Policies != nil,
		Caller: map[string]any{
			"accountId": account,
			"caller":    userID,
			"user":      userID,
			"userArn":   arn,
		},
	}
}

// fakeID derives a stable IAM-style unique id (17 characters of A-Z2-7).
func fakeID(seed string) string {
	sum := sha256.Sum256([]byte(seed))
	return base32.StdEncoding.EncodeToString(sum[:])[:17]
}
