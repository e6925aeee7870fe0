package workbench

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/sigscope/sigscope/cookies"
	"github.com/sigscope/sigscope/exchange"
	"github.com/sigscope/sigscope/history"
	"github.com/sigscope/sigscope/internal/lazyre"
	"github.com/sigscope/sigscope/sign"
)

// Recorder keeps exchanges: *history.Store is one. The workbench hands it
// entries with every secret already masked.
type Recorder interface {
	Add(ctx context.Context, e *history.Entry) (int64, error)
}

// historyBodyCap bounds how much of a body is read to be kept: the store
// trims to its own limit (1 MiB unless set otherwise).
const historyBodyCap = 1 << 20

// record keeps an outcome in the history, when there is one. A history
// that fails is a warning on the outcome, never a failed send.
func (w *Workbench) record(ctx context.Context, requestPath string, run Run, out *Outcome) {
	if w.Env.History == nil {
		return
	}
	e := w.historyEntry(requestPath, run, out)
	id, err := w.Env.History.Add(context.WithoutCancel(ctx), e)
	if err != nil {
		out.Warnings = append(out.Warnings, fmt.Sprintf("history: %v; this exchange was not kept", err))
		return
	}
	out.HistoryID = id
}

// historyEntry builds the secret-free record of an outcome. Masking here
// is always on, whatever the run shows on screen: --show-secrets is for
// the person at the terminal, never for the file.
func (w *Workbench) historyEntry(requestPath string, run Run, out *Outcome) *history.Entry {
	e := &history.Entry{
		Time:           w.Env.now(),
		Collection:     CollectionIdentity(w.Coll.Name, w.Coll.Path),
		CollectionPath: w.Coll.Path,
		Request:        requestPath,
		Environment:    w.EffectiveEnvironment(),
		Mode:           string(run.Mode),
		Source:         run.Source,
	}
	if out.Err != nil {
		e.Error, e.ErrorKind = out.Err.Error(), "prepare"
	}
	pv := out.Preview
	if pv == nil || pv.Prepared == nil {
		// Nothing was prepared, but the message may quote a value the
		// request takes from the environment (in a URL that does not
		// parse, say): mask those, and what looks like a credential.
		var secrets []string
		if rr, err := w.resolveWithMode(requestPath, run.Mode); err == nil {
			secrets = rr.Secrets
		}
		e.Error = w.environmentRedactor(secrets).Text(e.Error)
		return e
	}
	p := pv.Prepared
	res := out.Result
	fields := exchangeFields(p, res)
	m := historyRedactor(p, res, fields)
	mask := func(s string) string { return m.Text(fingerprintSignatures(s)) }
	rr := p.Resolved
	e.Environment, e.Mode, e.User = rr.Environment, string(p.Mode), pv.User
	if rr.Auth.Profile != nil {
		e.Profile = rr.Auth.Profile.Name
	}
	req := p.Request
	if res != nil && res.Request != nil {
		req = res.Request
	}
	e.Method, e.URL = req.Method, mask(req.URL())
	for _, h := range req.Headers {
		e.RequestHeaders = append(e.RequestHeaders, history.Header{Name: h.Name, Value: m.Header(h.Name, fingerprintSignatures(h.Value))})
	}
	ct, _ := req.Get("Content-Type")
	e.RequestBody = keptBody(m, req.Body, nil, ct)
	wire := p.Wire
	if res != nil && len(res.Wire) > 0 {
		wire = res.Wire
	}
	head, _, _ := strings.Cut(string(wire), "\r\n\r\n")
	e.RequestWireHead = mask(strings.ToValidUTF8(head, "\uFFFD"))
	if tr := p.Trace; tr != nil {
		e.Signing = &history.Signing{
			Algorithm: tr.Algorithm, AccessKeyID: tr.AccessKeyID, RequestDate: tr.RequestDate, Scope: tr.CredentialScope,
			SignedHeaders: tr.SignedHeaders, PayloadHash: tr.Payload.Hash,
			CanonicalRequest: mask(tr.CanonicalRequest), StringToSign: tr.StringToSign,
			Signature: Fingerprint(tr.Signature), Presigned: tr.Mode == "query",
		}
	}
	e.Secrets = secretsOf(p, res, fields)
	for _, c := range p.CookiesSent {
		e.CookiesSent = append(e.CookiesSent, history.Cookie{Name: c.Cookie.Name, Value: c.Cookie.Masked(), Domain: c.Domain, Path: c.Path, Attributes: c.Cookie.Attributes(), Stored: true})
	}
	e.Warnings = append(e.Warnings, out.Warnings...)
	for i, s := range e.Warnings {
		e.Warnings[i] = mask(s)
	}
	if res != nil {
		w.recordResult(e, m, mask, res)
	}
	if out.Mismatch != nil {
		e.Mismatch = true
		e.Diagnosis = mask(diagnosisLine(out.Mismatch.Hint, out.Mismatch.First))
	} else if out.Hint != "" {
		e.Diagnosis = mask(out.Hint)
	}
	e.Error = mask(e.Error)
	return e
}

func (w *Workbench) recordResult(e *history.Entry, m *Redactor, mask func(string) string, res *exchange.Result) {
	if res.Err != nil {
		e.Error, e.ErrorKind = mask(res.Err.Error()), res.Err.Kind
	}
	for _, c := range res.Cookies {
		e.CookiesReceived = append(e.CookiesReceived, history.Cookie{Name: c.Cookie.Name, Value: c.Cookie.Masked(), Domain: c.Cookie.Domain, Path: c.Cookie.Path, Attributes: c.Cookie.Attributes(), Stored: c.Stored, Reason: c.Reason})
	}
	t := res.Timings
	e.Timings = history.Timings{DNS: t.DNS, Connect: t.Connect, TLS: t.TLS, Send: t.Send, FirstByte: t.FirstByte, Transfer: t.Transfer, Total: t.Total}
	if s := res.TLS; s != nil {
		e.TLS = fmt.Sprintf("%s %s, server name %s, issued by %s", s.Version, s.CipherSuite, s.ServerName, s.Issuer)
	}
	r := res.Response
	if r == nil {
		return
	}
	e.Status, e.StatusText = r.Status, r.StatusText
	for _, h := range r.Headers {
		e.ResponseHeaders = append(e.ResponseHeaders, history.Header{Name: h.Name, Value: m.Header(h.Name, h.Value)})
	}
	var spooled io.ReadCloser
	if r.BodyFile != "" {
		spooled, _ = r.OpenBody()
	}
	ct, _ := r.Header("Content-Type")
	kept := keptBody(m, r.Body, spooled, ct)
	// Masking shortens what is kept: the sizes say whether all was.
	kept.Truncated = kept.Truncated || r.Truncated || r.Size > kept.Size
	kept.Size = max(kept.Size, r.Size)
	e.ResponseBody = kept
}

// historyRedactor masks, beyond what the screen masks, the SigV4
// signature: sigscope's, and one a pasted presigned URL carries.
func historyRedactor(p *exchange.Prepared, res *exchange.Result, fields []foundField) *Redactor {
	secrets := append([]string{}, p.Secrets...)
	if q, err := url.ParseQuery(p.Request.RawQuery); err == nil {
		for k, vs := range q {
			if strings.EqualFold(k, "X-Amz-Signature") {
				secrets = append(secrets, vs...)
			}
		}
	}
	if p.Trace != nil {
		secrets = append(secrets, p.Trace.Signature)
	}
	return newRedactor(secrets, fields, p, res)
}

// keptBody masks up to historyBodyCap bytes of a body. A spooled body is
// read through the masking writer, so a secret cut by the cap is masked
// whole rather than kept in part.
func keptBody(m *Redactor, data []byte, spooled io.ReadCloser, contentType string) history.Body {
	b := history.Body{Size: int64(len(data)), MimeType: contentType}
	if spooled != nil {
		defer spooled.Close()
		var buf strings.Builder
		mw := m.Writer(&buf)
		n, _ := io.Copy(mw, io.LimitReader(spooled, historyBodyCap))
		_ = mw.Close()
		rest, _ := io.Copy(io.Discard, spooled)
		b.Size, data, b.Truncated = n+rest, []byte(buf.String()), rest > 0
	} else {
		data = []byte(m.Known(string(data)))
	}
	if len(data) > historyBodyCap {
		data, b.Truncated = data[:historyBodyCap], true
	}
	b.Data = data
	b.Binary = !utf8.Valid(data) && !(b.Truncated && utf8.Valid(trimPartialRune(data)))
	return b
}

// trimPartialRune drops a rune cut in half at the end of a truncated body.
func trimPartialRune(b []byte) []byte {
	for i := 0; i < utf8.UTFMax && len(b) > 0; i++ {
		if utf8.Valid(b) {
			return b
		}
		b = b[:len(b)-1]
	}
	return b
}

// CollectionIdentity names a collection in the history: its name: field,
// which survives moving or renaming the file, else the file's base name.
func CollectionIdentity(name, path string) string {
	if strings.TrimSpace(name) != "" {
		return name
	}
	base := filepath.Base(path)
	return strings.TrimSuffix(base, filepath.Ext(base))
}

// Fingerprint is how the history names a secret it does not keep: the
// first 12 hex digits of its SHA-256, enough to tell two apart and to
// recognise the same one again, useless for signing anything.
func Fingerprint(s string) string {
	if s == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(s))
	return "sha256:" + hex.EncodeToString(sum[:6])
}

var sigv4Signature = lazyre.New(`((?:^|[^A-Za-z])Signature=)([0-9a-fA-F]{64,})`)

// fingerprintSignatures replaces SigV4 signatures (Authorization's
// Signature=, a presigned URL's X-Amz-Signature=) by their fingerprint: a
// signed request can be replayed while it is valid, so the history keeps
// only what tells two signatures apart.
func fingerprintSignatures(s string) string {
	return sigv4Signature.ReplaceAllStringFunc(s, func(m string) string {
		sub := sigv4Signature.FindStringSubmatch(m)
		return sub[1] + Fingerprint(sub[2])
	})
}

// secretsOf describes the masked values of an exchange: what they were,
// where, a fingerprint and, for tokens, the claims that are no secret.
func secretsOf(p *exchange.Prepared, res *exchange.Result, fields []foundField) []history.Secret {
	var out []history.Secret
	auth, _ := p.Request.Get("Authorization")
	session, _ := p.Request.Get("X-Amz-Security-Token")
	apiKey, _ := p.Request.Get("x-api-key")
	for _, s := range p.Secrets {
		if s == "" {
			continue
		}
		sec := history.Secret{Kind: "env", Fingerprint: Fingerprint(s)}
		switch {
		case s == session:
			sec.Kind, sec.Name = "session_token", "X-Amz-Security-Token"
		case s == apiKey:
			sec.Kind, sec.Name = "api_key", "x-api-key"
		case strings.Contains(auth, s) && (p.Mode == "id_token" || p.Mode == "access_token"):
			sec.Kind, sec.Name = string(p.Mode), "Authorization"
		}
		sec.Claims = publicClaims(s)
		out = append(out, sec)
	}
	// A credential carried by name is kept as where it was
	// (request_header, query, request_body, response_header,
	// response_body), its name, a fingerprint and a token's public claims.
	seen := map[string]bool{}
	for _, s := range p.Secrets {
		seen[s] = true
	}
	for _, f := range fields {
		if seen[f.value] {
			continue // listed where it was first seen (an echo is no new secret)
		}
		seen[f.value] = true
		out = append(out, history.Secret{Kind: f.where, Name: f.name, Fingerprint: Fingerprint(f.value), Claims: publicClaims(f.value)})
	}
	add := func(c cookies.Cookie) {
		out = append(out, history.Secret{Kind: "cookie", Name: c.Name, Fingerprint: Fingerprint(c.Value)})
	}
	for _, c := range p.CookiesSent {
		add(c.Cookie)
	}
	if res != nil {
		for _, c := range res.Cookies {
			add(c.Cookie)
		}
	}
	return out
}

// claimsKept are a JWT's claims that say whose and which token it is
// without being usable as one.
var claimsKept = []string{"sub", "username", "cognito:username", "aud", "iss", "exp", "iat", "auth_time", "token_use", "client_id", "scope"}

// publicClaims decodes a JWT's payload and keeps the claims that identify
// it; nil for anything that is not a JWT.
func publicClaims(tok string) map[string]string {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil
	}
	var claims map[string]any
	if json.Unmarshal(raw, &claims) != nil {
		return nil
	}
	out := map[string]string{}
	for _, k := range claimsKept {
		if v, ok := claims[k]; ok {
			switch v := v.(type) {
			case string:
				out[k] = v
			case float64:
				out[k] = fmt.Sprintf("%.0f", v)
			default:
				b, _ := json.Marshal(v)
				out[k] = string(b)
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// diagnosisLine is a mismatch in one line: the hint and where the two
// sides first differ.
func diagnosisLine(hint string, first *sign.Problem) string {
	if first == nil {
		return hint
	}
	where := first.Step
	if first.Part != "" {
		where = fmt.Sprintf("%s line %d (%s)", first.Step, first.Line, first.Part)
	}
	return fmt.Sprintf("%s; first difference: %s", hint, where)
}
