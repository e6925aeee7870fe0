package workbench

import (
	"fmt"
	"strings"

	"github.com/sigscope/sigscope/sign"
)

// Step is one of SigV4's four steps as data: every face (sign's text,
// send --show-signing, the demo, the TUI's inspector and walk-through)
// renders these instead of walking the trace itself.
type Step struct {
	N       int
	Title   string // "CANONICAL REQUEST"
	Digest  string // the step's result in short: a hash, the signature
	Explain string // one paragraph for someone learning SigV4
	Lines   []Line
	// Skipped are request headers left out of the signature, and why
	// ("user-agent: clients and proxies rewrite it"); step 1 only.
	Skipped []string
	// Block is the step's exact text: the canonical request, the string to
	// sign; "" for the key chain and the signature.
	Block string
}

// Line is one line of a step: a canonical request line, a string-to-sign
// line, a key of the chain.
type Line struct {
	Label  string   // "method", "uri", "headers" (first header line only), "key"...
	Part   string   // sign.PartMethod..., for the mismatch diff; "" when not a canonical line
	Text   string   // exactly as in the canonical text
	Note   string   // short: "encoded twice", "added by signer"
	Rules  []string // every rule that made the line, for the walk-through
	Source string   // where the line came from in the request: "path", "query", "header host", "signer", "body"
	From   string   // the input it was made from, when it differs: the path as sent
	Parts  []Part   // the query line's parameters, one by one
	// Secret marks a derived key: it signs on the owner's behalf (kDate
	// for a whole day), so every face masks it unless asked.
	Secret bool
}

// Part is one parameter of the canonical query.
type Part struct {
	Text  string   // key=value as in the canonical query
	From  string   // "from \"a+b\"", "added by the signer", "from the X-Amz-Date header"
	Rules []string // the rules particular to this parameter
}

// Steps turns a trace into the four steps; nil for an unsigned request.
func Steps(t *sign.Trace) []Step {
	if t == nil {
		return nil
	}
	scope := strings.Split(t.CredentialScope, "/")
	for len(scope) < 4 {
		scope = append(scope, "")
	}
	return []Step{canonicalStep(t), stringToSignStep(t), keyStep(t, scope), signatureStep(t)}
}

func canonicalStep(t *sign.Trace) Step {
	s := Step{N: 1, Title: "CANONICAL REQUEST", Digest: "sha256 " + t.CanonicalRequestHash,
		Explain: "The request reduced to a fixed form that client and server both compute from the bytes sent: method, path encoded by SigV4's rules, query sorted, headers lower-cased, trimmed and sorted, the list of signed headers and the hash of the body. Any byte that differs here makes a different signature."}
	s.Lines = append(s.Lines, Line{Label: "method", Part: sign.PartMethod, Text: t.Method, Source: "method", Rules: []string{"the HTTP method, upper case, as sent"}})
	uriNote := ""
	switch {
	case t.URI.Input != t.URI.Output && strings.Contains(t.URI.Output, "%25"):
		uriNote = "encoded twice"
	case t.URI.Input != t.URI.Normalized:
		uriNote = "normalized"
	}
	uri := Line{Label: "uri", Part: sign.PartURI, Text: t.URI.Output, Note: uriNote, Source: "path", Rules: orRule(t.URI.Rules, "the path as sent, each segment URI-encoded")}
	if t.URI.Input != t.URI.Output {
		uri.From = fmt.Sprintf("from the path %q", t.URI.Input)
	}
	s.Lines = append(s.Lines, uri)
	qNote := ""
	if len(t.Query.Params) > 1 {
		qNote = "sorted by encoded key"
	}
	qRules := append([]string{}, t.Query.Rules...)
	for _, p := range t.Query.Params {
		for _, r := range p.Rules {
			qRules = append(qRules, fmt.Sprintf("%s: %s", p.EncodedKey, r))
		}
	}
	qFallback := "no query: an empty line"
	if t.Query.Output != "" {
		qFallback = "each name and value URI-encoded, the pairs sorted by name then value, joined by '&'"
	}
	query := Line{Label: "query", Part: sign.PartQuery, Text: t.Query.Output, Note: qNote, Source: "query", Rules: orRule(qRules, qFallback)}
	for _, p := range t.Query.Params {
		pt := Part{Text: p.EncodedKey + "=" + p.EncodedValue, From: "from the request"}
		switch {
		case p.Source == "signer":
			pt.From = "added by the signer"
		case strings.HasPrefix(p.Source, "header "):
			pt.From = "from the " + strings.TrimPrefix(p.Source, "header ") + " header"
		case p.RawKey+"="+p.RawValue != pt.Text:
			pt.From = fmt.Sprintf("from %q", p.RawKey+"="+p.RawValue)
		}
		for _, r := range p.Rules {
			if r != sign.RuleAddedBySigner && r != sign.RuleHoistedHeader {
				pt.Rules = append(pt.Rules, r)
			}
		}
		query.Parts = append(query.Parts, pt)
	}
	s.Lines = append(s.Lines, query)
	for i, h := range t.Headers {
		l := Line{Part: sign.PartHeaders, Text: h.Name + ":" + h.Value, Source: "header " + h.Name, Rules: h.Rules}
		if i == 0 {
			// The rules of the whole block are said once, on its first line.
			l.Label = "headers"
			l.Rules = append(append([]string{}, t.HeaderRules...), h.Rules...)
		}
		if h.Source == "signer" {
			l.Note, l.Source = "added by signer", "signer"
		}
		s.Lines = append(s.Lines, l)
	}
	s.Lines = append(s.Lines, Line{Part: sign.PartEndOfHeaders, Text: "", Rules: []string{"a blank line ends the header block"}})
	s.Lines = append(s.Lines, Line{Label: "signed", Part: sign.PartSignedHeaders, Text: t.SignedHeaders, Rules: []string{"the names of the signed headers, lower case, sorted, joined by ';'"}})
	pNote, pRule := "", ""
	switch t.Payload.Source {
	case "body":
		pNote, pRule = fmt.Sprintf("sha256 of %d-byte body", t.Payload.Size), "hex SHA-256 of the body as sent"
	case "unsigned":
		pNote, pRule = "UNSIGNED-PAYLOAD", "the body is not signed (S3 and presigned URLs allow it)"
	default:
		pNote, pRule = "from "+t.Payload.Source, "taken from the request's "+t.Payload.Source
	}
	s.Lines = append(s.Lines, Line{Label: "payload", Part: sign.PartPayloadHash, Text: t.Payload.Hash, Note: pNote, Source: "body", Rules: []string{pRule}})
	for _, sk := range t.Skipped {
		s.Skipped = append(s.Skipped, sk.Name+": "+sk.Reason)
	}
	s.Block = t.CanonicalRequest
	return s
}

func orRule(rules []string, fallback string) []string {
	if len(rules) == 0 {
		return []string{fallback}
	}
	return rules
}

func stringToSignStep(t *sign.Trace) Step {
	if t.Algorithm == sign.AlgorithmV4a {
		return Step{N: 2, Title: "STRING TO SIGN", Block: t.StringToSign,
			Explain: "What is actually signed with SigV4a: the algorithm, the request time, a scope without a region (day/service) and the SHA-256 of the canonical request. The regions the signature is good for travel in X-Amz-Region-Set, which the canonical request signs.",
			Lines: []Line{
				{Label: "algo", Part: sign.PartAlgorithm, Text: t.Algorithm, Rules: []string{"AWS4-ECDSA-P256-SHA256 for SigV4a"}},
				{Label: "date", Part: sign.PartRequestDate, Text: t.RequestDate, Source: "header x-amz-date", Rules: []string{"the signing time in UTC, as sent in X-Amz-Date; the server allows 5 minutes of skew"}},
				{Label: "scope", Part: sign.PartCredentialScope, Text: t.CredentialScope, Rules: []string{"day/service/aws4_request: no region; the region set " + strings.Join(t.RegionSet, ",") + " is signed in X-Amz-Region-Set"}},
				{Label: "hash", Part: sign.PartRequestHash, Text: t.CanonicalRequestHash, Rules: []string{"hex SHA-256 of the canonical request of step 1"}},
			}}
	}
	return Step{N: 2, Title: "STRING TO SIGN", Block: t.StringToSign,
		Explain: "What is actually signed: the algorithm, the request time, the credential scope (day, region, service) and the SHA-256 of the canonical request. The server rebuilds it from the request's X-Amz-Date and Credential; a wrong region or service, or a clock off by more than 5 minutes, fails here.",
		Lines: []Line{
			{Label: "algo", Part: sign.PartAlgorithm, Text: t.Algorithm, Rules: []string{"always AWS4-HMAC-SHA256 for SigV4"}},
			{Label: "date", Part: sign.PartRequestDate, Text: t.RequestDate, Source: "header x-amz-date", Rules: []string{"the signing time in UTC, as sent in X-Amz-Date; the server allows 5 minutes of skew"}},
			{Label: "scope", Part: sign.PartCredentialScope, Text: t.CredentialScope, Rules: []string{"day/region/service/aws4_request: must name the region and service that receive the request"}},
			{Label: "hash", Part: sign.PartRequestHash, Text: t.CanonicalRequestHash, Rules: []string{"hex SHA-256 of the canonical request of step 1"}},
		}}
}

func keyStep(t *sign.Trace, scope []string) Step {
	if t.Algorithm == sign.AlgorithmV4a {
		s := Step{N: 3, Title: "SIGNING KEY", Digest: "ECDSA P-256 key from the secret",
			Explain: "SigV4a derives one ECDSA P-256 key pair from the secret key and the access key id (an HMAC-SHA256 KDF in counter mode over \"AWS4A\"+secret). It signs for any region of the region set and any day; the server checks with the public key.",
			Lines: []Line{
				{Label: "private", Text: t.Keys.Signing, Note: "KDF(\"AWS4A\"+secret, access key id) + 1", Secret: true},
			}}
		if pk := t.PublicKey; pk != nil {
			s.Lines = append(s.Lines, Line{Label: "public", Text: pk.Fingerprint, Note: "fingerprint of the public key (x " + pk.X[:min(8, len(pk.X))] + "…)"})
		}
		s.Lines = append(s.Lines, Line{Label: "regions", Text: strings.Join(t.RegionSet, ","), Note: "X-Amz-Region-Set"})
		return s
	}
	return Step{N: 3, Title: "SIGNING KEY", Digest: "kDate → kRegion → kService → kSigning",
		Explain: "The secret key never travels. Both sides derive a key for one day, region and service with a chain of HMAC-SHA256: a leaked signing key is useless elsewhere and tomorrow.",
		Lines: []Line{
			{Label: "kDate", Text: t.Keys.Date, Note: "HMAC(\"AWS4\"+secret, " + scope[0] + ")", Secret: true},
			{Label: "kRegion", Text: t.Keys.Region, Note: "HMAC(kDate, " + scope[1] + ")", Secret: true},
			{Label: "kService", Text: t.Keys.Service, Note: "HMAC(kRegion, " + scope[2] + ")", Secret: true},
			{Label: "kSigning", Text: t.Keys.Signing, Note: "HMAC(kService, aws4_request)", Secret: true},
		}}
}

func signatureStep(t *sign.Trace) Step {
	s := Step{N: 4, Title: "SIGNATURE", Digest: t.Signature,
		Explain: "The signature is hex(HMAC-SHA256(signing key, string to sign)). It goes into the Authorization header with the credential and the signed header list (or into X-Amz-Signature for a presigned URL); the server recomputes it and compares."}
	note := "hex HMAC(kSigning, string to sign)"
	if t.Algorithm == sign.AlgorithmV4a {
		s.Explain = "The signature is an ECDSA P-256 signature of the SHA-256 of the string to sign, DER-encoded in hex; it differs on every signing, since ECDSA is randomized. The server verifies it with the public key it derives from the secret."
		note = "ECDSA (DER hex) of the string to sign"
	}
	s.Lines = append(s.Lines, Line{Label: "sig", Text: t.Signature, Note: note})
	if t.Mode == "query" {
		s.Lines = append(s.Lines, Line{Label: "url", Text: t.PresignedURL, Note: "presigned"})
	} else {
		s.Lines = append(s.Lines, Line{Label: "auth", Text: t.Authorization, Source: "header authorization"})
	}
	return s
}
