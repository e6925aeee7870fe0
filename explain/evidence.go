package explain

import (
	"net/http"
	"strings"
	"time"

	"github.com/sigscope/sigscope/sign"
)

// Evidence is everything known about one refusal, read once for the
// rules: the answer (and the canonical request and string to sign it
// printed, taken apart), the request as sent, what was signed, and the
// clocks.
type Evidence struct {
	Answer  Answer
	Request *sign.Request // as sent; nil when unknown
	Trace   *sign.Trace   // what was signed; nil when unknown
	// Rebuilt is set when Trace holds nothing Request does not: it was
	// rebuilt from the request's own bytes by the server's rule
	// (Recompute, as explain --request-file does). It then says what the
	// server computed, never what the client signed, and a client that
	// canonicalized the same bytes otherwise cannot be told from a wrong
	// key by comparing the two: the rules try the signers' ways instead.
	Rebuilt  bool
	Date     time.Time // the answer's Date header; zero when unknown
	Received time.Time // when the answer arrived by the local clock; zero when unknown

	server   canonicalLines // the server's canonical request, when hasCR
	hasCR    bool
	sts      []string           // the server's string to sign, by line
	sig      sign.SignatureInfo // the request's own signature, when sigOK
	sigOK    bool
	dialects *sign.DialectComparison
	triedCmp bool

	authzDecision string // the emulator's policy decision header
}

// NewEvidence reads an error answer (a body, or a whole raw response)
// and what else is known about it.
func NewEvidence(in Input) *Evidence {
	if r, isResponse := splitResponse(in.Body); isResponse {
		if in.Status == 0 {
			in.Status = r.status
		}
		if in.Date == "" {
			in.Date = r.header("Date")
		}
		if in.ErrorType == "" {
			in.ErrorType = r.header("x-amzn-ErrorType")
		}
		if in.AuthzDecision == "" {
			in.AuthzDecision = r.header(authzDecisionHeader)
		}
		in.Body = r.body
	}
	e := &Evidence{Answer: parse(in.Body, in.ErrorType), Request: in.Request, Trace: in.Trace, Received: in.Received, authzDecision: in.AuthzDecision}
	if t, err := http.ParseTime(in.Date); err == nil {
		e.Date = t
	}
	e.server, e.hasCR = splitCanonical(e.Answer.ServerCanonicalRequest)
	if s := e.Answer.ServerStringToSign; s != "" {
		e.sts = strings.Split(s, "\n")
	}
	if in.Request != nil {
		if info, err := sign.ReadSignature(in.Request); err == nil {
			e.sig, e.sigOK = info, true
		}
	}
	e.Rebuilt = rebuilt(in.Trace, in.Request)
	return e
}

// rebuilt reports a trace that is the request's own bytes read by the
// server's rule: Recompute's, which carries no signature.
func rebuilt(tr *sign.Trace, req *sign.Request) bool {
	if tr == nil || req == nil || tr.Signature != "" {
		return false
	}
	again, _, err := Recompute(req)
	return err == nil && again.CanonicalRequest == tr.CanonicalRequest && again.StringToSign == tr.StringToSign
}

// recorded is the trace when it is a record of what the client signed.
func (e *Evidence) recorded() *sign.Trace {
	if e.Rebuilt {
		return nil
	}
	return e.Trace
}

// unrecorded reports a request carrying a signature that no record
// says how it was made: then the ways other clients sign are worth
// trying. sigscope's own signature (a recorded trace) is AWS's rule.
func (e *Evidence) unrecorded() bool { return e.sigOK && e.recorded() == nil }

// stsLine is a line of the server's string to sign (1-based), "" without.
func (e *Evidence) stsLine(n int) string {
	if n-1 < len(e.sts) {
		return strings.TrimSpace(e.sts[n-1])
	}
	return ""
}

// scope is the credential scope's parts and where they were read: the
// server's string to sign, what was signed, or the request's Credential.
func (e *Evidence) scope() (date, region, service string, q Quote, ok bool) {
	var s string
	switch {
	case strings.Count(e.stsLine(3), "/") == 3:
		s, q = e.stsLine(3), Quote{From: QuoteServerSTS, Line: 3, Text: e.stsLine(3)}
	case e.Trace != nil && e.Trace.CredentialScope != "":
		s = e.Trace.CredentialScope
		q = Quote{From: QuoteSigned, Text: "Credential=" + e.Trace.AccessKeyID + "/" + s}
	case e.sigOK && e.sig.Region != "":
		s = e.sig.Scope()
		q = e.credentialQuote()
	}
	p := strings.Split(s, "/")
	if len(p) != 4 {
		return "", "", "", Quote{}, false
	}
	return p[0], p[1], p[2], q, true
}

// credentialQuote quotes the request's Credential=, in its header or query.
func (e *Evidence) credentialQuote() Quote {
	if v, ok := e.Request.Get("Authorization"); ok {
		if i := strings.Index(v, "Credential="); i >= 0 {
			v = v[i:]
			if j := strings.IndexByte(v, ','); j >= 0 {
				v = v[:j]
			}
			return Quote{From: QuoteRequest, Text: "Authorization: … " + v}
		}
	}
	for _, p := range strings.Split(e.Request.RawQuery, "&") {
		if strings.HasPrefix(p, "X-Amz-Credential=") {
			return Quote{From: QuoteRequest, Text: p}
		}
	}
	return Quote{From: QuoteRequest, Text: e.sig.AccessKeyID + "/" + e.sig.Scope()}
}

// signedDate is X-Amz-Date as the best source has it.
func (e *Evidence) signedDate() (string, Quote, bool) {
	switch {
	case amzDateRE.MatchString(e.stsLine(2)):
		return e.stsLine(2), Quote{From: QuoteServerSTS, Line: 2, Text: e.stsLine(2)}, true
	case e.Trace != nil && amzDateRE.MatchString(e.Trace.RequestDate):
		return e.Trace.RequestDate, Quote{From: QuoteSigned, Text: "x-amz-date:" + e.Trace.RequestDate}, true
	case e.sigOK && amzDateRE.MatchString(e.sig.AmzDate):
		return e.sig.AmzDate, e.requestHeader("X-Amz-Date", "X-Amz-Date: "+e.sig.AmzDate), true
	}
	return "", Quote{}, false
}

// host is the Host the request names: as the server read it, as signed,
// or as sent.
func (e *Evidence) host() string {
	if h, ok := e.server.header("host"); e.hasCR && ok {
		return h.value
	}
	if e.Trace != nil {
		for _, h := range e.Trace.Headers {
			if h.Name == "host" {
				return h.Value
			}
		}
	}
	if e.Request != nil {
		return e.Request.Host
	}
	return ""
}

func (e *Evidence) accessKeyID() (string, Quote) {
	switch {
	case e.Answer.AccessKeyID != "":
		return e.Answer.AccessKeyID, e.Answer.element("AWSAccessKeyId")
	case e.Trace != nil && e.Trace.AccessKeyID != "":
		return e.Trace.AccessKeyID, Quote{From: QuoteSigned, Text: "Credential=" + e.Trace.AccessKeyID + "/" + e.Trace.CredentialScope}
	case e.sigOK:
		return e.sig.AccessKeyID, e.credentialQuote()
	}
	return "", Quote{}
}

// s3 reports a request to S3, whose path and payload rules differ.
func (e *Evidence) s3() bool {
	if _, _, service, _, ok := e.scope(); ok {
		return service == "s3"
	}
	if e.Answer.Format == FormatS3XML {
		return true
	}
	_, service, _, ok := hostScope(e.host())
	return ok && service == "s3"
}

// requestHeader quotes a header of the request as sent, or fallback.
func (e *Evidence) requestHeader(name, fallback string) Quote {
	if e.Request != nil {
		for _, h := range e.Request.Headers {
			if strings.EqualFold(h.Name, name) {
				return Quote{From: QuoteRequest, Text: h.Name + ": " + h.Value}
			}
		}
	}
	return Quote{From: QuoteRequest, Text: fallback}
}

// requestLine quotes the request line as sent.
func (e *Evidence) requestLine() Quote {
	return Quote{From: QuoteRequest, Text: e.Request.Method + " " + e.Request.Target() + " HTTP/1.1"}
}

// serverLine quotes a line of the server's canonical request.
func (e *Evidence) serverLine(n int) Quote {
	return Quote{From: QuoteServerCanonical, Line: n, Text: e.server.lines[n-1]}
}

// signedLine quotes the recorded canonical request's line holding text.
func (e *Evidence) signedLine(prefix string) Quote {
	for i, l := range strings.Split(e.Trace.CanonicalRequest, "\n") {
		if strings.HasPrefix(l, prefix) {
			return Quote{From: QuoteSigned, Line: i + 1, Text: l}
		}
	}
	return Quote{From: QuoteSigned, Text: prefix}
}

// signsHeader reports a header the request's own signature lists.
func (e *Evidence) signsHeader(name string) bool {
	for _, h := range e.sig.SignedHeaders {
		if strings.EqualFold(h, name) {
			return true
		}
	}
	return false
}

// compared is how every known signer canonicalizes the request as sent
// (sign.CompareDialects), nil without a signed request.
func (e *Evidence) compared() *sign.DialectComparison {
	if !e.triedCmp && e.unrecorded() {
		e.triedCmp = true
		if c, err := sign.CompareDialects(e.Request, sign.Options{S3: e.sig.Service == "s3"}); err == nil {
			e.dialects = c
		}
	}
	return e.dialects
}
