package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/sigscope/sigscope/auth"
	"github.com/sigscope/sigscope/internal/secret"
	"github.com/sigscope/sigscope/sign"
	"github.com/sigscope/sigscope/workbench"
)

type signFlags struct {
	requestFile      string
	region, service  string
	accessKey        string
	secretKey        string
	sessionToken     string
	profile          string
	at               string
	scheme           string
	presign          bool
	expires          int64
	s3               bool
	unsignedPayload  bool
	signBody         bool
	normalizePath    bool
	omitSessionToken bool
	noHoisting       bool
	resign           bool
	showSecrets      bool
	output           string
	algorithm        string
	regionSet        string
}

func newSignCmd() *cobra.Command {
	f := &signFlags{}
	cmd := &cobra.Command{
		Use:   "sign [--request-file FILE|-] [flags]",
		Short: "Sign a raw HTTP request with SigV4 (or SigV4a) and show every step",
		Long: `Sign reads a raw HTTP/1.1 request (request line, headers, blank line, body),
signs it with AWS Signature Version 4 and prints every step: canonical URI,
query and headers, the canonical request and its hash, the string-to-sign, the
derived keys, the signature and the signed request.

The signature comes from aws-sdk-go-v2's signer; sigscope recomputes each step
on its own and refuses to print anything if the two disagree.

--algorithm sigv4a signs with SigV4a (AWS4-ECDSA-P256-SHA256): the region set
(--region, or --region-set for several, * for all) is signed in
X-Amz-Region-Set, the credential scope has no region, and the string-to-sign
is signed with an ECDSA P-256 key derived from the secret. The canonical
request is still checked against aws-sdk-go-v2's; the public key is printed,
the private key is masked unless --show-secrets. ECDSA signatures differ on
every run.

Credentials: --access-key/--secret-key/--session-token, else the standard AWS
environment variables and shared config (--profile, AWS_PROFILE, SSO).
Session tokens are masked in the output unless --show-secrets is given.

Exit codes: 0 signed, 1 bad input (the request, credentials), 2 usage error
(a flag that cannot be used: --time that cannot be read, --expires out of
range).`,
		Example: `  printf 'GET /prod/pets?limit=10 HTTP/1.1\nHost: abc123.execute-api.us-east-1.amazonaws.com\n\n' |
    sigscope sign --region us-east-1 --service execute-api

  sigscope sign --request-file req.txt --presign --expires 300 -o json

  sigscope sign -f req.txt --algorithm sigv4a --region-set us-east-1,eu-west-1`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSign(cmd, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.requestFile, "request-file", "f", "-", "file holding the raw HTTP request, or - for standard input")
	fl.StringVar(&f.region, "region", "", "region of the credential scope (default: AWS_REGION or the profile's region)")
	fl.StringVar(&f.service, "service", "execute-api", "service of the credential scope (execute-api for API Gateway, s3, lambda, ...)")
	fl.StringVar(&f.accessKey, "access-key", "", "access key id (default: the AWS environment or profile)")
	fl.StringVar(&f.secretKey, "secret-key", "", "secret access key; prefer AWS_SECRET_ACCESS_KEY, flags show up in shell history")
	fl.StringVar(&f.sessionToken, "session-token", "", "session token of temporary credentials")
	fl.StringVar(&f.profile, "profile", "", "AWS shared-config profile to take credentials (and region) from")
	fl.StringVar(&f.at, "time", "", "signing time: RFC 3339 (2015-08-30T12:36:00Z) or 20150830T123600Z (default: now)")
	fl.StringVar(&f.scheme, "scheme", "https", "scheme the request is sent over (decides which default port is dropped from Host)")
	fl.BoolVar(&f.presign, "presign", false, "sign into the query string (presigned URL) instead of the Authorization header")
	fl.Int64Var(&f.expires, "expires", int64(sign.DefaultExpires/time.Second), "lifetime of a presigned URL in seconds (1 to 604800)")
	fl.BoolVar(&f.s3, "s3", false, "S3 mode: path encoded once and not normalized, x-amz-content-sha256 sent")
	fl.BoolVar(&f.unsignedPayload, "unsigned-payload", false, "sign UNSIGNED-PAYLOAD instead of the body's SHA-256")
	fl.BoolVar(&f.signBody, "sign-body", false, "add x-amz-content-sha256 with the body's hash as a signed header")
	fl.BoolVar(&f.normalizePath, "normalize-path", true, "remove dot segments and duplicate slashes from the path (off in S3 mode unless set)")
	fl.BoolVar(&f.omitSessionToken, "omit-session-token", false, "sign without the session token and add it afterwards")
	fl.BoolVar(&f.noHoisting, "no-header-hoisting", false, "when presigning, keep X-Amz-* headers as signed headers instead of moving them into the query")
	fl.BoolVar(&f.resign, "resign", false, "strip the signature the request already carries and sign it anew (without it, such a request is refused: check it with 'sigscope verify')")
	fl.BoolVar(&f.showSecrets, "show-secrets", false, "print the session token in clear")
	fl.StringVarP(&f.output, "output", "o", "text", "output format: text or json")
	fl.StringVar(&f.algorithm, "algorithm", sign.SigV4, "signing algorithm: sigv4 (AWS4-HMAC-SHA256) or sigv4a (AWS4-ECDSA-P256-SHA256)")
	fl.StringVar(&f.regionSet, "region-set", "", "sigv4a: regions the signature is valid in, comma-separated, * for all (default: --region)")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("algorithm", cobra.FixedCompletions([]string{sign.SigV4, sign.SigV4a}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("scheme", cobra.FixedCompletions([]string{"https", "http"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("profile", completeProfiles)
	return cmd
}

func runSign(cmd *cobra.Command, f *signFlags) error {
	if f.output != "text" && f.output != "json" {
		return withCode(ExitUsage, fmt.Errorf("--output %q: use text or json", f.output))
	}
	if f.scheme != "https" && f.scheme != "http" {
		return withCode(ExitUsage, fmt.Errorf("--scheme %q: use https or http", f.scheme))
	}
	in, err := readRequestInput(cmd, f, f.requestFile, inputForm{creds: needKeys, check: func(name string, req *sign.Request) (*sign.Request, error) {
		if up := strings.ToUpper(req.Method); up != req.Method {
			// Methods are case-sensitive: a server routes "get" nowhere.
			return nil, fmt.Errorf("%s: method %q: HTTP methods are case-sensitive and AWS expects upper case: write %s", name, req.Method, up)
		}
		if !sign.HasSignature(req) {
			return req, nil
		}
		if !f.resign {
			return nil, fmt.Errorf("%s: the request already carries a SigV4 signature: to check it, run 'sigscope verify'; to sign it again anyway, add --resign", name)
		}
		return sign.StripSignature(req), nil
	}})
	if err != nil {
		return err
	}
	req, name, warnings, opts := in.req, in.name, in.warnings, in.opts
	tr, err := sign.SignFor(req, opts)
	if err != nil {
		var dis *sign.DisagreementError
		if errors.As(err, &dis) {
			return err
		}
		return fmt.Errorf("%s: %w", name, err)
	}
	out := cmd.OutOrStdout()
	mask := masker(opts.Credentials.SessionToken, f.showSecrets)
	if f.output == "json" {
		return writeSignJSON(out, tr, mask, warnings, f.showSecrets)
	}
	for _, w := range warnings {
		fmt.Fprintf(cmd.ErrOrStderr(), "warning: %s: %s\n", name, w)
	}
	if err := writeSignText(out, tr, mask, opts, f.showSecrets); err != nil {
		return err
	}
	return writeV4aText(out, tr, f.showSecrets)
}

// writeV4aText adds what SigV4a signs differently: the region set, the
// public key a server checks with, and the private key (masked: it signs
// for every region and service of the access key, and never expires).
func writeV4aText(w io.Writer, t *sign.Trace, showSecrets bool) error {
	if t.Algorithm != sign.AlgorithmV4a || t.PublicKey == nil {
		return nil
	}
	priv := t.Keys.Signing
	if !showSecrets {
		priv = secret.Mask(priv) + " (--show-secrets prints it)"
	}
	var b strings.Builder
	b.WriteString("\nSigV4a (AWS4-ECDSA-P256-SHA256)\n")
	fmt.Fprintf(&b, "   %-12s %s  (X-Amz-Region-Set, signed; the credential scope has no region)\n", "region set", strings.Join(t.RegionSet, ","))
	fmt.Fprintf(&b, "   %-12s x=%s\n   %-12s y=%s\n", "public key", t.PublicKey.X, "", t.PublicKey.Y)
	fmt.Fprintf(&b, "   %-12s %s  (SHA-256 of the uncompressed point, first 16 bytes)\n", "fingerprint", t.PublicKey.Fingerprint)
	fmt.Fprintf(&b, "   %-12s %s\n", "private key", priv)
	b.WriteString("              - ECDSA P-256 key derived from the secret and the access key id: HMAC-SHA256 keyed by \"AWS4A\"+secret in counter mode (NIST SP 800-108), label AWS4-ECDSA-P256-SHA256, context access key id + counter byte; the first candidate <= n-2, plus one\n")
	b.WriteString("              - the signature is the hex of an ASN.1 DER ECDSA signature of the string-to-sign's SHA-256: different on every signing, checked with the public key\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// readRequest reads the raw request from a file or standard input.
func readRequest(stdin io.Reader, file string) ([]byte, string, error) {
	if file == "-" || file == "" {
		if st, ok := stdin.(*os.File); ok {
			if term.IsTerminal(int(st.Fd())) { // not /dev/null, a character device too
				return nil, "", fmt.Errorf("no request: pass --request-file FILE or pipe a raw HTTP request into standard input")
			}
		}
		data, err := io.ReadAll(io.LimitReader(stdin, maxRequestBytes+1))
		if err != nil {
			return nil, "", fmt.Errorf("read standard input: %w", err)
		}
		if len(data) > maxRequestBytes {
			return nil, "", fmt.Errorf("standard input: request larger than %d MiB", maxRequestBytes>>20)
		}
		return data, "standard input", nil
	}
	fi, err := os.Stat(file)
	if err != nil {
		return nil, "", fmt.Errorf("read request: %w", err)
	}
	if fi.Size() > maxRequestBytes {
		return nil, "", fmt.Errorf("%s: request larger than %d MiB", file, maxRequestBytes>>20)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, "", fmt.Errorf("read request: %w", err)
	}
	return data, file, nil
}

const maxRequestBytes = 64 << 20

func firstEnv(names ...string) string {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return v
		}
	}
	return ""
}

// parseSigningTime takes RFC 3339 or the X-Amz-Date form.
func parseSigningTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("20060102T150405Z", s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("--time %q: use RFC 3339 (2015-08-30T12:36:00Z) or 20150830T123600Z", s)
}

// completeProfiles offers the profile names of the shared config files.
func completeProfiles(_ *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
	return auth.ProfileNames(), cobra.ShellCompDirectiveNoFileComp
}

// masker hides a session token given to sign in every form it takes in
// the output, unless show (the one redactor of every output, workbench's).
func masker(token string, show bool) func(string) string {
	if show {
		return func(s string) string { return s }
	}
	return workbench.NewSessionTokenRedactor(token).Text
}
