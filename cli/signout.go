package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/sigscope/sigscope/sign"
)

// writeSignText prints the steps of a signature under numbered headings,
// in the order AWS documents them, for someone learning SigV4.
func writeSignText(w io.Writer, t *sign.Trace, mask func(string) string, opts sign.Options) error {
	var b strings.Builder
	mode := "Authorization header"
	if t.Mode == "query" {
		mode = "presigned URL (query string)"
	}
	fmt.Fprintf(&b, "Signing %s %s for %s in %s at %s, into the %s\n", t.Method, t.URI.Input, opts.Service, opts.Region, t.RequestDate, mode)
	step := 0
	heading := func(title string) {
		step++
		fmt.Fprintf(&b, "\n%d. %s\n", step, title)
	}
	rules := func(rs []string) {
		for _, r := range rs {
			fmt.Fprintf(&b, "     - %s\n", r)
		}
	}

	heading("HTTP method")
	fmt.Fprintf(&b, "   %s\n", t.Method)

	heading("Canonical URI")
	fmt.Fprintf(&b, "   %s\n", t.URI.Output)
	if t.URI.Input != t.URI.Output {
		fmt.Fprintf(&b, "   from the path %q\n", t.URI.Input)
	}
	rules(t.URI.Rules)

	heading("Canonical query string")
	if t.Query.Output == "" {
		b.WriteString("   (empty: the request has no query)\n")
	} else {
		fmt.Fprintf(&b, "   %s\n", t.Query.Output)
		rules(t.Query.Rules)
		for _, p := range t.Query.Params {
			from := "from the request"
			switch {
			case p.Source == "signer":
				from = "added by the signer"
			case strings.HasPrefix(p.Source, "header "):
				from = "from the " + strings.TrimPrefix(p.Source, "header ") + " header"
			case p.RawKey+"="+p.RawValue != p.EncodedKey+"="+p.EncodedValue:
				from = fmt.Sprintf("from %q", p.RawKey+"="+p.RawValue)
			}
			fmt.Fprintf(&b, "   %s=%s  (%s)\n", p.EncodedKey, p.EncodedValue, from)
			for _, r := range p.Rules {
				if r != sign.RuleAddedBySigner && r != sign.RuleHoistedHeader {
					fmt.Fprintf(&b, "     - %s\n", r)
				}
			}
		}
	}

	heading("Canonical headers")
	rules(t.HeaderRules)
	for _, h := range t.Headers {
		from := ""
		if h.Source == "signer" {
			from = "  (added by the signer)"
		}
		fmt.Fprintf(&b, "   %s:%s%s\n", h.Name, h.Value, from)
		rules(h.Rules)
	}
	for _, s := range t.Skipped {
		fmt.Fprintf(&b, "   not signed: %s (%s)\n", s.Name, s.Reason)
	}

	heading("Signed headers")
	fmt.Fprintf(&b, "   %s\n", t.SignedHeaders)

	heading("Payload hash")
	fmt.Fprintf(&b, "   %s\n", t.Payload.Hash)
	switch t.Payload.Source {
	case "body":
		fmt.Fprintf(&b, "   SHA-256 of the %d-byte body\n", t.Payload.Size)
	case "unsigned":
		b.WriteString("   the body is not signed\n")
	default:
		fmt.Fprintf(&b, "   taken from the request's %s\n", t.Payload.Source)
	}

	heading("Canonical request (method, URI, query, headers, blank line, signed headers, payload hash)")
	writeBlock(&b, t.CanonicalRequest)
	fmt.Fprintf(&b, "   SHA-256: %s\n", t.CanonicalRequestHash)

	heading("String to sign (algorithm, date, credential scope, hash of the canonical request)")
	writeBlock(&b, t.StringToSign)

	heading("Signing key (HMAC-SHA256 chain from the secret key)")
	day, _, _ := strings.Cut(t.CredentialScope, "/")
	fmt.Fprintf(&b, "   kDate    = HMAC(\"AWS4\" + secret, %q) = %s\n", day, t.Keys.Date)
	fmt.Fprintf(&b, "   kRegion  = HMAC(kDate, %q) = %s\n", opts.Region, t.Keys.Region)
	fmt.Fprintf(&b, "   kService = HMAC(kRegion, %q) = %s\n", opts.Service, t.Keys.Service)
	fmt.Fprintf(&b, "   kSigning = HMAC(kService, \"aws4_request\") = %s\n", t.Keys.Signing)

	heading("Signature = hex(HMAC(kSigning, string to sign))")
	fmt.Fprintf(&b, "   %s\n", t.Signature)

	if t.Mode == "header" {
		heading("Authorization header")
		fmt.Fprintf(&b, "   %s\n", t.Authorization)
	} else {
		heading("Presigned URL")
		fmt.Fprintf(&b, "   %s\n", t.PresignedURL)
	}

	heading("Signed request")
	writeBlock(&b, t.Signed.Display())

	if len(t.Notes) > 0 {
		b.WriteString("\nNotes: where other signers differ\n")
		for _, n := range t.Notes {
			fmt.Fprintf(&b, " - %s\n", n)
		}
	}
	_, err := io.WriteString(w, mask(b.String()))
	return err
}

func writeBlock(b *strings.Builder, text string) {
	b.WriteString("   ┌──\n")
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		fmt.Fprintf(b, "   │%s\n", line)
	}
	b.WriteString("   └──\n")
}

// signJSON is the machine-readable form of a trace; field names are stable.
type signJSON struct {
	Mode                   string               `json:"mode"`
	Method                 string               `json:"method"`
	CanonicalURI           sign.URIStep         `json:"canonical_uri"`
	CanonicalQuery         sign.QueryStep       `json:"canonical_query"`
	CanonicalHeaders       []sign.HeaderLine    `json:"canonical_headers"`
	HeaderRules            []string             `json:"header_rules"`
	SkippedHeaders         []sign.SkippedHeader `json:"skipped_headers"`
	SignedHeaders          string               `json:"signed_headers"`
	PayloadHash            string               `json:"payload_hash"`
	PayloadSource          string               `json:"payload_source"`
	CanonicalRequest       string               `json:"canonical_request"`
	CanonicalRequestSHA256 string               `json:"canonical_request_sha256"`
	Algorithm              string               `json:"algorithm"`
	RequestDate            string               `json:"request_date"`
	CredentialScope        string               `json:"credential_scope"`
	StringToSign           string               `json:"string_to_sign"`
	SigningKey             string               `json:"signing_key"`
	DerivedKeys            sign.SigningKeys     `json:"derived_keys"`
	Signature              string               `json:"signature"`
	Authorization          string               `json:"authorization,omitempty"`
	PresignedURL           string               `json:"presigned_url,omitempty"`
	SignedRequest          string               `json:"signed_request"`
	Notes                  []string             `json:"notes"`
}

// signingJSON is the trace in the shape `sigscope sign -o json` prints.
func signingJSON(t *sign.Trace) signJSON {
	return signJSON{
		Mode: t.Mode, Method: t.Method, CanonicalURI: t.URI, CanonicalQuery: t.Query,
		CanonicalHeaders: t.Headers, HeaderRules: t.HeaderRules, SkippedHeaders: t.Skipped, SignedHeaders: t.SignedHeaders,
		PayloadHash: t.Payload.Hash, PayloadSource: t.Payload.Source,
		CanonicalRequest: t.CanonicalRequest, CanonicalRequestSHA256: t.CanonicalRequestHash,
		Algorithm: t.Algorithm, RequestDate: t.RequestDate, CredentialScope: t.CredentialScope,
		StringToSign: t.StringToSign, SigningKey: t.Keys.Signing, DerivedKeys: t.Keys,
		Signature: t.Signature, Authorization: t.Authorization, PresignedURL: t.PresignedURL,
		SignedRequest: t.Signed.Display(), Notes: t.Notes,
	}
}

func writeSignJSON(w io.Writer, t *sign.Trace, mask func(string) string) error {
	v := signingJSON(t)
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode json: %w", err)
	}
	_, err := io.WriteString(w, mask(b.String()))
	return err
}
