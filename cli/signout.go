package cli

import (
	"encoding/json"
	"fmt"
	"github.com/sigscope/sigscope/exchange"
	"github.com/sigscope/sigscope/internal/secret"
	"github.com/sigscope/sigscope/internal/termsafe"
	"github.com/sigscope/sigscope/workbench"
	"io"
	"strconv"
	"strings"

	"github.com/sigscope/sigscope/sign"
)

// writeSignText prints the four SigV4 steps, for someone learning SigV4
// or hunting a mismatch: every canonical line with its label, the rules
// that made it and the input it came from, then the exact blocks, the key
// chain (masked unless showSecrets: the derived keys sign for a whole day)
// and the signature. It renders workbench.Steps, as the TUI does.
func writeSignText(w io.Writer, t *sign.Trace, mask func(string) string, opts sign.Options, showSecrets bool) error {
	var b strings.Builder
	mode := "Authorization header"
	if t.Mode == "query" {
		mode = "presigned URL (query string)"
	}
	fmt.Fprintf(&b, "Signing %s %s for %s in %s at %s, into the %s\n", t.Method, t.URI.Input, opts.Service, opts.Region, t.RequestDate, mode)
	for _, st := range workbench.Steps(t) {
		writeStep(&b, st, showSecrets)
	}
	b.WriteString("\nSigned request (CRLF line ends on the wire; -o json's signed_request holds the exact bytes)\n")
	writeBlock(&b, signedRequestText(t.Signed, false))
	if len(t.Notes) > 0 {
		b.WriteString("\nNotes: where other signers differ\n")
		for _, n := range t.Notes {
			fmt.Fprintf(&b, " - %s\n", n)
		}
	}
	text := mask(b.String())
	if isTerminal(w) {
		text = termsafe.Text(text) // the request's own bytes, from a file
	}
	_, err := io.WriteString(w, text)
	return err
}

// writeStep prints one step: heading, labelled lines with their rules,
// the headers left unsigned, and the step's exact text.
func writeStep(b *strings.Builder, st workbench.Step, showSecrets bool) {
	fmt.Fprintf(b, "\n%d. %s", st.N, st.Title)
	if st.Digest != "" && st.N != 4 {
		fmt.Fprintf(b, "  (%s)", st.Digest)
	}
	b.WriteString("\n")
	for _, l := range st.Lines {
		text := l.Text
		if l.Secret && !showSecrets {
			text = secret.Mask(text) + " (--show-secrets prints it)"
		}
		if text == "" {
			text = "(empty line)"
		}
		fmt.Fprintf(b, "   %-8s %s", l.Label, text)
		if l.Note != "" {
			fmt.Fprintf(b, "  (%s)", l.Note)
		}
		b.WriteString("\n")
		if l.From != "" {
			fmt.Fprintf(b, "            %s\n", l.From)
		}
		if len(l.Parts) == 0 {
			for _, r := range l.Rules {
				fmt.Fprintf(b, "              - %s\n", r)
			}
		}
		for _, p := range l.Parts {
			fmt.Fprintf(b, "            %s  (%s)\n", p.Text, p.From)
			for _, r := range p.Rules {
				fmt.Fprintf(b, "              - %s\n", r)
			}
		}
	}
	for _, sk := range st.Skipped {
		fmt.Fprintf(b, "   not signed: %s\n", sk)
	}
	if st.Block != "" {
		writeBlock(b, st.Block)
	}
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
	RegionSet              []string             `json:"region_set,omitempty"` // SigV4a
	PublicKey              *sign.PublicKey      `json:"public_key,omitempty"` // SigV4a: the key the server verifies with
	StringToSign           string               `json:"string_to_sign"`
	SigningKey             string               `json:"signing_key"`
	DerivedKeys            sign.SigningKeys     `json:"derived_keys"`
	Signature              string               `json:"signature"`
	Authorization          string               `json:"authorization,omitempty"`
	PresignedURL           string               `json:"presigned_url,omitempty"`
	SignedRequest          string               `json:"signed_request"`
	Notes                  []string             `json:"notes"`
	Warnings               []string             `json:"warnings,omitempty"` // sign only: what a server reads differently from the text
}

// signingJSON is the trace in the shape `sigscope sign -o json` prints.
func signingJSON(t *sign.Trace) signJSON {
	return signJSON{
		Mode: t.Mode, Method: t.Method, CanonicalURI: t.URI, CanonicalQuery: t.Query,
		CanonicalHeaders: t.Headers, HeaderRules: t.HeaderRules, SkippedHeaders: t.Skipped, SignedHeaders: t.SignedHeaders,
		PayloadHash: t.Payload.Hash, PayloadSource: t.Payload.Source,
		CanonicalRequest: t.CanonicalRequest, CanonicalRequestSHA256: t.CanonicalRequestHash,
		Algorithm: t.Algorithm, RequestDate: t.RequestDate, CredentialScope: t.CredentialScope,
		RegionSet: t.RegionSet, PublicKey: t.PublicKey,
		StringToSign: t.StringToSign, SigningKey: t.Keys.Signing, DerivedKeys: t.Keys,
		Signature: t.Signature, Authorization: t.Authorization, PresignedURL: t.PresignedURL,
		SignedRequest: signedRequestText(t.Signed, true), Notes: t.Notes,
	}
}

func writeSignJSON(w io.Writer, t *sign.Trace, mask func(string) string, warnings []string, showSecrets bool) error {
	v := signingJSON(t)
	maskKeys(&v, showSecrets)
	v.Warnings = warnings
	// What is meant to be used stays usable: the presigned URL and the
	// signed request carry the session token in clear. Only the text meant
	// for reading (the canonical request, the steps) is masked.
	usable := map[string]string{}
	hold := func(field *string, name string) {
		if *field != "" {
			key := "\x00usable-" + name + "\x00"
			usable[key], *field = *field, key
		}
	}
	hold(&v.PresignedURL, "url")
	hold(&v.SignedRequest, "request")
	for _, val := range usable {
		if mask(val) != val { // a secret is in it, masked elsewhere
			v.Notes = append(v.Notes, "presigned_url and signed_request are usable as they are: they carry the session token in clear; elsewhere it is masked (--show-secrets prints it)")
			break
		}
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode json: %w", err)
	}
	out := mask(b.String())
	for key, val := range usable {
		q, _ := json.Marshal(val)
		k, _ := json.Marshal(key)
		out = strings.Replace(out, string(k), string(q), 1)
	}
	_, err := io.WriteString(w, out)
	return err
}

// signedRequestText is the signed request as it must go out, to paste and
// replay: "Name: value" headers, a Content-Length for a body, CRLF line
// ends (LF when crlf is false, for reading). A request no client could
// send as is (the AWS suite's raw spaces) is shown in the suite's form.
func signedRequestText(r *sign.Request, crlf bool) string {
	out := r.Clone()
	if _, ok := out.Get("Content-Length"); !ok && len(out.Body) > 0 {
		out.Set("Content-Length", strconv.Itoa(len(out.Body)))
	}
	wire, err := exchange.WireBytes(out)
	if err != nil {
		return r.Display()
	}
	if !crlf {
		return strings.ReplaceAll(string(wire), "\r\n", "\n")
	}
	return string(wire)
}

// maskKeys hides the derived keys unless asked: kDate alone signs any
// region and service for that day (a forged request with a printed kDate
// was accepted). The first bytes stay, to tell keys apart.
func maskKeys(v *signJSON, show bool) {
	if show {
		return
	}
	k := &v.DerivedKeys
	for _, s := range []*string{&v.SigningKey, &k.Date, &k.Region, &k.Service, &k.Signing} {
		*s = secret.Mask(*s)
	}
}
