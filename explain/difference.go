package explain

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sigscope/sigscope/sign"
)

// fromDifference names the cause the first differing line proves. When
// the "signed" side was rebuilt from the request as given, the line shows
// that the request changed between where it was captured and the server.
func fromDifference(r *ranking, e *Evidence, p *sign.Problem) {
	ours, theirs := p.Ours, p.Theirs
	side := "signed"
	if e.Rebuilt {
		side = "the request as given implies"
	}
	at := fmt.Sprintf("%s line %d (%s): %s %q, the server computed %q", p.Step, p.Line, p.Part, side, ours, theirs)
	if e.Rebuilt {
		at += ", so the request changed on its way (a proxy, a load balancer, or the capture is not what was sent)"
	}
	quote := Quote{From: QuoteServerCanonical, Line: p.Line, Text: theirs}.masked()
	if p.Step == sign.StepStringToSign {
		quote.From = QuoteServerSTS
	}
	add := func(id, evidence string) { r.add(id, weightCertain, evidence).Quotes = []Quote{quote} }
	switch p.Part {
	case sign.PartMethod:
		add(CauseMethod, at)
	case sign.PartURI:
		add(CausePath, at+": "+describePath(ours, theirs))
	case sign.PartQuery:
		if plusOnly(ours, theirs) {
			add(CausePlus, at+": only '+', %2B and %20 differ")
		} else {
			add(CauseQuery, at+": "+describeQuery(ours, theirs))
		}
	case sign.PartHeaders, sign.PartEndOfHeaders, sign.PartExtraLine:
		oname, ovalue, _ := strings.Cut(ours, ":")
		tname, tvalue, _ := strings.Cut(theirs, ":")
		switch {
		case oname == "host" && tname == "host":
			add(CauseHost, at)
		case oname == tname && oname == "content-type" && hasCharset(tvalue) && !hasCharset(ovalue):
			add(CauseHeader, at+": a charset was appended to Content-Type after signing (browsers, fetch, axios and many HTTP clients do)")
		case oname == tname && oname == "x-amz-security-token":
			add(CauseSessionToken, at)
		case oname == tname && oname == "x-amz-date":
			add(CauseClock, at+": X-Amz-Date was rewritten after signing")
		case oname == tname:
			add(CauseHeader, at+": the header's value changed after signing")
		default:
			add(CauseHeader, at+": the set of signed headers differs (a header added, dropped or renamed after signing)")
		}
	case sign.PartSignedHeaders:
		add(CauseHeader, at)
	case sign.PartPayloadHash:
		add(CausePayload, at+": "+describePayload(ours, theirs))
	case sign.PartAlgorithm:
		add(CauseAuthHeader, at)
	case sign.PartRequestDate:
		add(CauseClock, at+": the server read another X-Amz-Date (rewritten in flight, or the Date header was used)")
	case sign.PartCredentialScope:
		add(CauseScope, at+": "+describeScope(ours, theirs))
	}
	// sign.PartRequestHash: the canonical requests differ but the server
	// did not show its own; the other clues decide.
}

// keyFromRebuilt weighs the secret key when the request was rebuilt from
// its bytes and the server computed the same canonical request: it comes
// first only when no way of signing explains a difference and the
// server's answer shows that it read the request as its bytes say.
func keyFromRebuilt(r *ranking, e *Evidence, findings []Finding) {
	dropped := ""
	for _, f := range findings {
		if f.explains && f.Weight >= weightMedium {
			return
		}
		if f.Rule == ruleDropped {
			dropped = f.Why
		}
	}
	a := e.Answer
	if a.ServerCanonicalRequest == "" && a.ServerStringToSign == "" {
		return
	}
	what := "AWS's canonical request is byte for byte the one the request's bytes give"
	if a.ServerCanonicalRequest == "" {
		what = "the hash of the canonical request in AWS's string to sign is the one the request's bytes give"
	}
	signers := "aws-sdk-go-v2, botocore, @smithy/signature-v4, aws4, amplify, curl 7.88.1"
	date, dq, _ := e.signedDate()
	scopeDate, region, service, sq, ok := e.scope()
	checked := ""
	if ok {
		checked = fmt.Sprintf("; the string to sign's date %s and scope %s/%s/%s, checked first, are the request's own X-Amz-Date and Credential", date, scopeDate, region, service)
	}
	var c *Cause
	if dropped != "" {
		// The client's stack may have dropped what it signed: the bytes
		// cannot tell that from a wrong key.
		c = r.add(CauseSecret, weightWeak+10, "%s, and none of the known signers (%s) canonicalizes these bytes otherwise%s; but the client may have signed bytes it did not send (the cause above), which the bytes cannot show", what, signers, checked)
	} else {
		c = r.add(CauseSecret, weightStrong, "%s, and none of the known signers (%s) canonicalizes this request otherwise%s: only the signing key remains", what, signers, checked)
	}
	c.Quotes = append(c.Quotes, dq, sq)
	if ok {
		sc := r.add(CauseScope, weightWeak, "the signing key is derived from the date, region and service of the scope: a client that derived it for another day (its local date), region or service than the %s/%s/%s it wrote in Credential= fails the same way", scopeDate, region, service)
		sc.Quotes = append(sc.Quotes, sq)
	}
}

func hasCharset(v string) bool { return strings.Contains(strings.ToLower(v), "charset") }

// encodePath encodes every byte but the unreserved ones and '/'.
func encodePath(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '/' || c == '-' || c == '.' || c == '_' || c == '~' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

func hasDotSegments(p string) bool {
	return strings.Contains(p, "//") || strings.Contains(p, "/./") || strings.Contains(p, "/../") ||
		strings.HasSuffix(p, "/.") || strings.HasSuffix(p, "/..")
}

func describePath(ours, theirs string) string {
	switch {
	case encodePath(ours) == theirs:
		return "the server encoded the signed path once more (each %XX became %25XX): it encodes the path twice, as every service but S3 does; sign with the path encoded twice (not S3 mode)"
	case encodePath(theirs) == ours:
		return "the signed path was encoded once more than the server's: S3 encodes the path only once; sign in S3 mode (auth.s3)"
	case hasDotSegments(ours) != hasDotSegments(theirs):
		return "one side removed dot segments or duplicate slashes: every service but S3 normalizes the path; S3 keeps it as is"
	case strings.TrimSuffix(ours, "/") == strings.TrimSuffix(theirs, "/"):
		return "a trailing slash was dropped or added between signing and sending (some URL libraries drop it)"
	}
	return "the path differs: a stage prefix, a custom domain's base path mapping, or a proxy changed it"
}

// plusOnly reports two canonical queries that differ only in how '+' and
// spaces were read.
func plusOnly(ours, theirs string) bool {
	norm := func(s string) string {
		return strings.NewReplacer("%2B", "%20", "%2b", "%20", "+", "%20").Replace(s)
	}
	return ours != theirs && norm(ours) == norm(theirs)
}

func describeQuery(ours, theirs string) string {
	split := func(s string) []string {
		if s == "" {
			return nil
		}
		return strings.Split(s, "&")
	}
	a, b := split(ours), split(theirs)
	as, bs := slices.Clone(a), slices.Clone(b)
	slices.Sort(as)
	slices.Sort(bs)
	if slices.Equal(as, bs) {
		return "the same parameters in another order: sort by encoded name, then by encoded value"
	}
	keys := func(ps []string) []string {
		var k []string
		for _, p := range ps {
			name, _, _ := strings.Cut(p, "=")
			k = append(k, name)
		}
		slices.Sort(k)
		return slices.Compact(k)
	}
	ka, kb := keys(a), keys(b)
	var onlySigned, onlyServer []string
	for _, k := range ka {
		if !slices.Contains(kb, k) {
			onlySigned = append(onlySigned, k)
		}
	}
	for _, k := range kb {
		if !slices.Contains(ka, k) {
			onlyServer = append(onlyServer, k)
		}
	}
	if len(onlySigned)+len(onlyServer) > 0 {
		return fmt.Sprintf("parameters added or dropped on the way: only signed %v, only at the server %v", onlySigned, onlyServer)
	}
	return "the same parameters encoded differently: each name and value is percent-encoded per RFC 3986 with upper-case hex"
}

func describePayload(ours, theirs string) string {
	switch {
	case ours == sign.UnsignedPayload || theirs == sign.UnsignedPayload:
		return "one side signed UNSIGNED-PAYLOAD: send x-amz-content-sha256: UNSIGNED-PAYLOAD when signing it (S3), or sign the body's hash"
	case strings.HasPrefix(ours, "STREAMING-") || strings.HasPrefix(theirs, "STREAMING-"):
		return "a streaming (aws-chunked) payload on one side only"
	case theirs == emptyHash:
		return "the server hashed an empty body: the body was not sent, or sent in a form the server does not count (chunked without decoding)"
	case ours == emptyHash:
		return "the body was signed empty but sent with content"
	}
	return "the body changed after signing (re-serialized JSON, a charset conversion, compression, chunk framing hashed)"
}

func describeScope(ours, theirs string) string {
	o, t := strings.Split(ours, "/"), strings.Split(theirs, "/")
	if len(o) == 4 && len(t) == 4 {
		switch {
		case o[1] != t[1]:
			return fmt.Sprintf("signed for region %s, the endpoint is in %s", o[1], t[1])
		case o[2] != t[2]:
			return fmt.Sprintf("signed for service %s, the endpoint is %s", o[2], t[2])
		case o[0] != t[0]:
			return "the scope's date differs: the day of X-Amz-Date in UTC"
		}
	}
	return "the credential scope differs"
}

// emptyHash is SHA-256 of nothing: the hash of an empty body.
const emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
