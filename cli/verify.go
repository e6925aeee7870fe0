package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/sigscope/sigscope/capture"
	"github.com/sigscope/sigscope/internal/termsafe"
	"github.com/sigscope/sigscope/sign"
	"github.com/sigscope/sigscope/workbench"
)

// verifyFlags are sign's credential, scope and S3 flags (read the same
// way) and verify's own.
type verifyFlags struct {
	signFlags
	entry         int
	now           string
	canonicalFile string
	bodyFile      string
}

func newVerifyCmd() *cobra.Command {
	f := &verifyFlags{}
	cmd := &cobra.Command{
		Use:   "verify [FILE|-] [flags]",
		Short: "Check the SigV4 (or SigV4a) signature a captured request carries, and say which step differs",
		Long: `Verify reads a request that carries its own SigV4 signature, as it was captured,
recomputes the signature with the secret key at the request's own X-Amz-Date and
credential scope, signing exactly the headers the request lists, and says which
step differs: the access key, the date (expired or not yet valid presigned URLs,
clock skew), the credential scope, the signed header list, the canonical request
(line and character), the payload hash, or only the final signature.

A SigV4a request (AWS4-ECDSA-P256-SHA256) is verified the same way: its
signature is checked with the ECDSA public key derived from the secret (ECDSA
signatures differ on every signing, so they are never compared by bytes), and
its X-Amz-Region-Set must be signed and name the endpoint's region.

When the signature does not match, verify tries the classic mistakes (path
encoded once instead of twice or not normalized, '+' signed as a space,
UNSIGNED-PAYLOAD, a charset added to Content-Type after signing, the session
token left out, the host's port, another region or service...) and the way
every signer 'sigscope compare' knows canonicalizes the request, release by
release (curl 7.x signs the path and query as written...), and names the
one that reproduces the signature and the signers that sign it so. With the canonical request the signer logged
(or AWS sent back), --canonical-request shows the first line that differs.

Input (FILE or standard input), detected by its shape:
  a raw HTTP/1.1 request (a proxy, Burp, curl --trace, devtools for HTTP/1.1)
  HTTP/2 headers as Chrome or Firefox devtools copy them (:method, :authority, :path)
  a HAR file (the first entry that carries a signature, or --entry N)
  a presigned URL (https://...?X-Amz-Algorithm=...&X-Amz-Signature=...)
  curl -v output (the "> " lines)

Credentials: --access-key/--secret-key/--session-token (--secret-key alone
takes the key id from the request), else the standard AWS environment variables
and shared config (--profile, AWS_PROFILE, SSO). Secrets are never printed;
session tokens are masked.

Exit codes: 0 the signature verifies, 1 it does not (or the input cannot be read),
2 usage error.`,
		Example: `  sigscope verify captured.txt --profile staging
  pbpaste | sigscope verify --secret-key "$SECRET"
  sigscope verify session.har --entry 12 -o json
  sigscope verify url.txt --now 2015-08-30T12:40:00Z --access-key AKID --secret-key SECRET`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			file := "-"
			if len(args) == 1 {
				file = args[0]
			}
			return runVerify(cmd, f, file)
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&f.entry, "entry", -1, "HAR only: the index in log.entries to verify; -1 picks the first entry that carries a signature")
	fl.StringVar(&f.accessKey, "access-key", "", "access key id; must be the request's (default: the AWS environment or profile)")
	fl.StringVar(&f.secretKey, "secret-key", "", "secret access key; prefer AWS_SECRET_ACCESS_KEY, flags show up in shell history")
	fl.StringVar(&f.sessionToken, "session-token", "", "session token of temporary credentials: the request must carry it")
	fl.StringVar(&f.profile, "profile", "", "AWS shared-config profile to take credentials from")
	fl.StringVar(&f.region, "region", "", "region the endpoint expects (default: read from well-known AWS host names); a scope naming another is a problem")
	fl.StringVar(&f.service, "service", "", "service the endpoint expects (execute-api, s3, lambda, ...); a scope naming another is a problem")
	fl.BoolVar(&f.s3, "s3", false, "S3 rules: path encoded once and not normalized, presigned URLs with UNSIGNED-PAYLOAD")
	fl.BoolVar(&f.normalizePath, "normalize-path", true, "remove dot segments and duplicate slashes from the path (off in S3 mode unless set)")
	fl.BoolVar(&f.omitSessionToken, "omit-session-token", false, "the session token was added after signing and is not part of the signature (AWS IoT)")
	fl.StringVar(&f.now, "now", "", "the time to check the signature's validity against: RFC 3339 or 20150830T123600Z (default: now)")
	fl.StringVar(&f.canonicalFile, "canonical-request", "", "file holding the canonical request the signer logged or AWS sent back: the first differing line is shown")
	fl.StringVar(&f.bodyFile, "body", "", "file holding the request body, for captures that do not show it (curl -v, devtools header copies)")
	fl.StringVarP(&f.output, "output", "o", "text", "output format: text or json")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("profile", completeProfiles)
	return cmd
}

// verifyRun is everything one verification reports.
type verifyRun struct {
	source  string
	capture *capture.Capture
	v       *sign.Verification
	in      sign.VerifyInput
	mask    func(string) string
}

func runVerify(cmd *cobra.Command, f *verifyFlags, file string) error {
	if f.output != "text" && f.output != "json" {
		return withCode(ExitUsage, fmt.Errorf("--output %q: use text or json", f.output))
	}
	if f.entry < -1 {
		return withCode(ExitUsage, fmt.Errorf("--entry %d: give the index of a HAR entry (0 is the first)", f.entry))
	}
	now := time.Now()
	if f.now != "" {
		t, err := parseSigningTime(f.now)
		if err != nil {
			return withCode(ExitUsage, fmt.Errorf("--now %q: use RFC 3339 (2015-08-30T12:36:00Z) or 20150830T123600Z", f.now))
		}
		now = t
	}
	input, err := readRequestInput(cmd, &f.signFlags, file, inputForm{captured: true, entry: f.entry, creds: needSecret})
	if err != nil {
		return err
	}
	c, name, creds := input.capture, input.name, input.opts.Credentials
	if f.bodyFile != "" {
		body, err := os.ReadFile(f.bodyFile)
		if err != nil {
			return fmt.Errorf("--body: %w", err)
		}
		c.Request.Body, c.WireBody = body, nil
	}
	in := sign.VerifyInput{Request: c.Request, Now: now, S3: f.s3, OmitSessionToken: f.omitSessionToken,
		Region: f.region, Service: f.service, WireBody: c.WireBody, NormalizePath: input.opts.NormalizePath,
		AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey, SessionToken: creds.SessionToken}
	if f.canonicalFile != "" {
		text, err := os.ReadFile(f.canonicalFile)
		if err != nil {
			return fmt.Errorf("--canonical-request: %w", err)
		}
		in.ExpectedCanonicalRequest = strings.TrimRight(strings.ReplaceAll(string(text), "\r\n", "\n"), "\n")
	}
	v, err := sign.Verify(in)
	if err != nil {
		if errors.Is(err, sign.ErrNoSignature) {
			return fmt.Errorf("%s: %w (to sign it, use 'sigscope sign')", name, err)
		}
		return fmt.Errorf("%s: %w", name, err)
	}
	run := &verifyRun{source: name, capture: c, v: v, in: in,
		mask: tokenMasker(in.SessionToken, v.Info.SessionToken, rawQueryValue(c.Request.RawQuery, "X-Amz-Security-Token"))}
	out := cmd.OutOrStdout()
	if f.output == "json" {
		err = run.writeJSON(out)
	} else {
		err = run.writeText(out)
	}
	if err != nil {
		return err
	}
	if !v.Valid() {
		return withCode(ExitError, fmt.Errorf("the signature does not verify (first failing step: %s)", v.Problems[0].Step))
	}
	return nil
}

// tokenMasker hides session tokens (as given, URI-encoded, and as written
// in the query) wherever they appear in the output; verify has no way to
// print them.
func tokenMasker(tokens ...string) func(string) string {
	return workbench.NewSessionTokenRedactor(tokens...).Text
}

// rawQueryValue is the value of a query parameter as written.
func rawQueryValue(query, key string) string {
	for _, p := range strings.Split(query, "&") {
		if k, v, ok := strings.Cut(p, "="); ok && k == key {
			return v
		}
	}
	return ""
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// okDetail says what a passed check established.
func (r *verifyRun) okDetail(step string) string {
	info, tr := r.v.Info, r.v.Trace
	switch step {
	case sign.StepAuthorization:
		if info.Presigned {
			return info.Algorithm + ", in the query (presigned URL)"
		}
		return info.Algorithm + ", in the Authorization header"
	case sign.StepAccessKey:
		return info.AccessKeyID + " is the key of the credentials given"
	case sign.StepSessionToken:
		return "the request carries the credentials' session token"
	case sign.StepDate:
		if info.Presigned {
			if e := info.Expires; e > 0 {
				return fmt.Sprintf("%s, valid for %d s", info.AmzDate, int64(e/time.Second))
			}
		}
		return info.AmzDate + ", within 5 minutes of now"
	case sign.StepCredentialScope:
		return info.Scope()
	case sign.StepSignedHeaders:
		return strings.Join(info.SignedHeaders, ";")
	case sign.StepCanonicalRequest:
		if r.in.ExpectedCanonicalRequest != "" {
			return "the same as the one given"
		}
		return "recomputed from the request as received"
	case sign.StepStringToSign:
		return "the same as the one given"
	case sign.StepPayloadHash:
		if tr != nil && tr.Payload.Source != "body" {
			return tr.Payload.Hash + " (" + tr.Payload.Source + ")"
		}
		if tr != nil {
			return tr.Payload.Hash + " (SHA-256 of the body)"
		}
	case sign.StepRegionSet:
		return strings.Join(info.RegionSet, ",") + " (X-Amz-Region-Set)"
	case sign.StepSignature:
		if tr != nil && tr.PublicKey != nil {
			return "verifies with the public key derived from the secret (fingerprint " + tr.PublicKey.Fingerprint + ")"
		}
		return "matches: " + info.Signature
	}
	return ""
}

func (r *verifyRun) writeText(w io.Writer) error {
	var b strings.Builder
	v, req := r.v, r.capture.Request
	from := string(r.capture.Format)
	if r.capture.Entry >= 0 {
		from += fmt.Sprintf(", entry %d", r.capture.Entry)
	}
	fmt.Fprintf(&b, "Verifying %s %s\n  (%s, %s)\n\n", req.Method, req.URL(), r.source, from)
	if info := v.Info; info.AccessKeyID != "" {
		fmt.Fprintf(&b, "  credential      %s/%s\n", info.AccessKeyID, info.Scope())
		if info.Algorithm == sign.AlgorithmV4a {
			fmt.Fprintf(&b, "  algorithm       %s (SigV4a)\n  region set      %s\n", info.Algorithm, strings.Join(info.RegionSet, ","))
		}
		fmt.Fprintf(&b, "  X-Amz-Date      %s\n", info.AmzDate)
		fmt.Fprintf(&b, "  signed headers  %s\n", strings.Join(info.SignedHeaders, ";"))
		fmt.Fprintf(&b, "  signature       %s\n\n", info.Signature)
	}
	ran := map[string]bool{}
	for _, c := range v.Checks() {
		ran[c.Step] = true
		r.writeCheck(&b, c)
		if c.Step == sign.StepAuthorization && r.in.AccessKeyID == "" && v.Info.AccessKeyID != "" {
			fmt.Fprintf(&b, "  · %-18s not given: the secret key is taken to be %s's\n", sign.StepAccessKey, v.Info.AccessKeyID)
		}
	}
	if v.Trace != nil && !ran[sign.StepSignature] {
		fmt.Fprintf(&b, "  · %-18s not checked: the secret key given belongs to another access key\n", sign.StepSignature)
	}
	if tr := v.Trace; tr != nil {
		b.WriteString("\nCanonical request, as the server computes it from this request\n")
		writeBlock(&b, tr.CanonicalRequest)
		b.WriteString("\nString to sign\n")
		writeBlock(&b, tr.StringToSign)
		if pub := tr.PublicKey; pub != nil {
			verdict := "does not verify with it"
			if v.Match {
				verdict = "verifies with it"
			}
			fmt.Fprintf(&b, "\n  public key (derived)  x=%s\n                        y=%s\n  the request's         %s\n                        %s (ECDSA: checked with the key, never by bytes)\n",
				pub.X, pub.Y, v.Info.Signature, verdict)
		} else {
			fmt.Fprintf(&b, "\n  recomputed signature  %s\n  the request's         %s\n", tr.Signature, v.Info.Signature)
		}
	}
	writeList(&b, "Notes", v.Notes)
	writeList(&b, "Warnings (reading the capture)", r.capture.Warnings)
	if v.Valid() {
		b.WriteString("\nVALID: the signature verifies\n")
	} else {
		fmt.Fprintf(&b, "\nINVALID: %s\n", firstLine(v.Problems[0].Detail))
	}
	_, err := io.WriteString(w, termsafe.Text(r.mask(b.String())))
	return err
}

// writeCheck prints one check: ✓ and what it established, or ✗ and each
// problem with its located line and hint.
func (r *verifyRun) writeCheck(b *strings.Builder, c sign.Check) {
	if c.OK {
		fmt.Fprintf(b, "  ✓ %-18s %s\n", c.Step, r.okDetail(c.Step))
		return
	}
	for i, p := range c.Problems {
		label := c.Step
		if i > 0 {
			label = ""
		}
		fmt.Fprintf(b, "  ✗ %-18s %s\n", label, p.Detail)
		writeLocated(b, p, r.theirsLabel())
		if p.Hint != "" {
			fmt.Fprintf(b, "    %-18s hint: %s\n", "", p.Hint)
		}
	}
}

func (r *verifyRun) theirsLabel() string {
	switch {
	case r.v.Cause != "":
		return "signed"
	case r.in.ExpectedCanonicalRequest != "":
		return "given"
	}
	return "theirs"
}

// writeLocated shows a differing line on both sides with a caret under the
// first differing character.
func writeLocated(b *strings.Builder, p sign.Problem, theirs string) {
	if p.Column < 1 || p.Ours == p.Theirs {
		return
	}
	indent := strings.Repeat(" ", 23)
	fmt.Fprintf(b, "%s%-8s %s\n", indent, "request", termsafe.Text(p.Ours))
	fmt.Fprintf(b, "%s%-8s %s\n", indent, theirs, termsafe.Text(p.Theirs))
	prefix := p.Ours[:min(p.Column-1, len(p.Ours))]
	fmt.Fprintf(b, "%s%-8s %s^\n", indent, "", strings.Repeat(" ", utf8.RuneCountInString(termsafe.Text(prefix))))
}

func writeList(b *strings.Builder, title string, items []string) {
	if len(items) == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s\n", title)
	for _, n := range items {
		fmt.Fprintf(b, " - %s\n", n)
	}
}

// verifyJSON is the machine-readable report; field names are stable.
type verifyJSON struct {
	Valid     bool   `json:"valid"`
	Source    string `json:"source"`
	Format    string `json:"format"`
	Entry     *int   `json:"har_entry,omitempty"`
	Method    string `json:"method"`
	URL       string `json:"url"`
	Signature struct {
		Mode            string   `json:"mode"` // "header" or "query"
		Algorithm       string   `json:"algorithm"`
		AccessKeyID     string   `json:"access_key_id"`
		CredentialScope string   `json:"credential_scope"`
		Region          string   `json:"region"`
		Service         string   `json:"service"`
		AmzDate         string   `json:"amz_date"`
		ExpiresSeconds  int64    `json:"expires_seconds,omitempty"`
		SignedHeaders   []string `json:"signed_headers"`
		Signature       string   `json:"signature"`
		RegionSet       []string `json:"region_set,omitempty"` // SigV4a
	} `json:"signature"`
	Checks []struct {
		Step string `json:"step"`
		OK   bool   `json:"ok"`
	} `json:"checks"`
	Problems          []problemJSON `json:"problems"`
	Cause             string        `json:"cause,omitempty"`
	Signers           []string      `json:"signers,omitempty"` // the modelled signers (and releases) that sign it as the cause says
	CanonicalRequest  string        `json:"canonical_request,omitempty"`
	StringToSign      string        `json:"string_to_sign,omitempty"`
	ComputedSignature string        `json:"computed_signature,omitempty"`
	Notes             []string      `json:"notes"`
	Warnings          []string      `json:"warnings"`

	// PublicKey is SigV4a's, derived from the secret: the signature is
	// checked with it (computed_signature is then a fresh one, never equal).
	PublicKey *sign.PublicKey `json:"public_key,omitempty"`
}

type problemJSON struct {
	Step   string `json:"step"`
	Detail string `json:"detail"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
	Part   string `json:"part,omitempty"`
	Name   string `json:"name,omitempty"`
	Ours   string `json:"request,omitempty"`
	Theirs string `json:"other,omitempty"`
	Hint   string `json:"hint,omitempty"`
}

func (r *verifyRun) writeJSON(w io.Writer) error {
	v, info := r.v, r.v.Info
	out := verifyJSON{Valid: v.Valid(), Source: r.source, Format: string(r.capture.Format), Method: r.capture.Request.Method,
		URL: r.capture.Request.URL(), Cause: v.Cause, Signers: v.Signers, Notes: v.Notes, Warnings: r.capture.Warnings, Problems: []problemJSON{}}
	if r.capture.Entry >= 0 {
		out.Entry = &r.capture.Entry
	}
	s := &out.Signature
	s.Mode = "header"
	if info.Presigned {
		s.Mode = "query"
	}
	s.Algorithm, s.AccessKeyID, s.Region, s.Service, s.AmzDate = info.Algorithm, info.AccessKeyID, info.Region, info.Service, info.AmzDate
	s.CredentialScope, s.SignedHeaders, s.Signature = info.Scope(), info.SignedHeaders, info.Signature
	s.ExpiresSeconds = int64(info.Expires / time.Second)
	s.RegionSet = info.RegionSet
	for _, c := range v.Checks() {
		out.Checks = append(out.Checks, struct {
			Step string `json:"step"`
			OK   bool   `json:"ok"`
		}{c.Step, c.OK})
	}
	for _, p := range v.Problems {
		out.Problems = append(out.Problems, problemJSON{Step: p.Step, Detail: p.Detail, Line: p.Line, Column: p.Column, Part: p.Part, Name: p.Name, Ours: p.Ours, Theirs: p.Theirs, Hint: p.Hint})
	}
	if tr := v.Trace; tr != nil {
		out.CanonicalRequest, out.StringToSign, out.ComputedSignature = tr.CanonicalRequest, tr.StringToSign, tr.Signature
		out.PublicKey = tr.PublicKey
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("encode json: %w", err)
	}
	_, err := io.WriteString(w, r.mask(b.String()))
	return err
}
