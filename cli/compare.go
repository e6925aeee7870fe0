package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/sigscope/sigscope/internal/termsafe"
	"github.com/sigscope/sigscope/rawhttp"
	"github.com/sigscope/sigscope/sign"
)

type compareFlags struct {
	requestFile     string
	region, service string
	at              string
	scheme          string
	presign         bool
	expires         int64
	s3              bool
	normalizePath   bool
	noHoisting      bool
	output          string
}

func newCompareCmd() *cobra.Command {
	f := &compareFlags{}
	cmd := &cobra.Command{
		Use:   "compare [--request-file FILE|-] [flags]",
		Short: "Show where well-known signers canonicalize a request differently from AWS",
		Long: `Compare reads a raw HTTP/1.1 request, as sign does, and canonicalizes it by
the rule AWS servers apply to the bytes they receive (what sigscope signs) and
as well-known client signers do: aws-sdk-go-v2, botocore, @smithy/signature-v4
(the AWS SDK for JavaScript v3), the aws4 npm package, Amplify's Signer and
curl --aws-sigv4. For each signer it prints "same as AWS" or the canonical
lines that differ, side by side, with the rule behind each and its source,
then whether AWS would accept that signer's signature for these bytes.

The signers' behaviours are the documented ones (PRODUCT.md's list of known
disagreements; aws-sdk-go-v2's from its source, checked against the SDK).
Where what a signer does with this request is not documented, the output says
"not documented here" and the verdict is "not known".

No credentials are needed. Region, service, time and the presigned form are
taken from the request's own signature when it carries one.

Exit codes: 0 compared, 1 bad input, 2 usage error.`,
		Example: `  printf 'GET /prod/pets?q=a+b HTTP/1.1\nHost: abc123.execute-api.us-east-1.amazonaws.com\n\n' |
    sigscope compare

  sigscope compare --request-file req.txt --s3 -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runCompare(cmd, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.requestFile, "request-file", "f", "-", "file holding the raw HTTP request, or - for standard input")
	fl.StringVar(&f.region, "region", "", "region of the credential scope (default: the request's signature, else us-east-1); only a presigned query shows it")
	fl.StringVar(&f.service, "service", "", "service of the credential scope (default: the request's signature, else execute-api)")
	fl.StringVar(&f.at, "time", "", "signing time: RFC 3339 or 20150830T123600Z (default: the request's X-Amz-Date, else now)")
	fl.StringVar(&f.scheme, "scheme", "https", "scheme the request is sent over (decides which default port is dropped from Host)")
	fl.BoolVar(&f.presign, "presign", false, "compare presigned URLs (X-Amz-* query parameters) instead of Authorization headers")
	fl.Int64Var(&f.expires, "expires", int64(sign.DefaultExpires/time.Second), "lifetime of a presigned URL in seconds (1 to 604800)")
	fl.BoolVar(&f.s3, "s3", false, "S3 mode: path encoded once and not normalized, x-amz-content-sha256 sent")
	fl.BoolVar(&f.normalizePath, "normalize-path", true, "AWS's rule removes dot segments and duplicate slashes (off in S3 mode unless set)")
	fl.BoolVar(&f.noHoisting, "no-header-hoisting", false, "when presigning, sigscope keeps X-Amz-* headers as signed headers instead of moving them into the query")
	fl.StringVarP(&f.output, "output", "o", "text", "output format: text or json")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("scheme", cobra.FixedCompletions([]string{"https", "http"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runCompare(cmd *cobra.Command, f *compareFlags) error {
	if f.output != "text" && f.output != "json" {
		return withCode(ExitUsage, fmt.Errorf("--output %q: use text or json", f.output))
	}
	if f.scheme != "https" && f.scheme != "http" {
		return withCode(ExitUsage, fmt.Errorf("--scheme %q: use https or http", f.scheme))
	}
	opts := sign.Options{Region: f.region, Service: f.service, S3: f.s3, Presign: f.presign, DisableHeaderHoisting: f.noHoisting}
	if cmd.Flags().Changed("expires") {
		if f.expires <= 0 {
			return withCode(ExitUsage, fmt.Errorf("--expires %d: a presigned URL lives from 1 second to 7 days (604800 seconds)", f.expires))
		}
		opts.Expires = time.Duration(f.expires) * time.Second
	}
	if cmd.Flags().Changed("normalize-path") {
		opts.NormalizePath = sign.NormalizeOff
		if f.normalizePath {
			opts.NormalizePath = sign.NormalizeOn
		}
	}
	if f.at != "" {
		t, err := parseSigningTime(f.at)
		if err != nil {
			return withCode(ExitUsage, err)
		}
		opts.Time = t
	}
	data, name, err := readRequest(cmd.InOrStdin(), f.requestFile)
	if err != nil {
		return err
	}
	raw, err := rawhttp.Parse(data)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	req, err := sign.FromRaw(raw, f.scheme)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	c, err := sign.CompareDialects(req, opts)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	out := cmd.OutOrStdout()
	if f.output == "json" {
		enc := json.NewEncoder(out)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(c); err != nil {
			return fmt.Errorf("encode json: %w", err)
		}
		return nil
	}
	for _, w := range raw.Warnings() {
		fmt.Fprintf(cmd.ErrOrStderr(), "warning: %s: %s\n", name, termsafe.Line(w))
	}
	_, err = io.WriteString(out, compareText(c))
	return err
}

// compareText renders a comparison for a person: AWS's canonical request,
// then each signer's differing lines side by side with their rules, then a
// verdict per signer.
func compareText(c *sign.DialectComparison) string {
	var b strings.Builder
	mode := "Authorization header"
	if c.Mode == "query" {
		mode = "presigned URL"
	}
	if c.S3 {
		mode += ", S3"
	}
	fmt.Fprintf(&b, "Comparing %s (%s)\n\nAWS's canonical request (the server's rule on these bytes; what sigscope signs)\n", termsafe.Line(c.Request), mode)
	lines := strings.Split(c.CanonicalRequest, "\n")
	for i, l := range lines {
		lines[i] = termsafe.Line(l)
	}
	writeBlock(&b, strings.Join(lines, "\n"))
	width := len("AWS")
	for _, d := range c.Dialects {
		width = max(width, utf8.RuneCountInString(d.Signer))
	}
	for _, d := range c.Dialects {
		fmt.Fprintf(&b, "\n%s — %s\n", d.Signer, d.About)
		if d.Same {
			b.WriteString("   same as AWS\n")
		}
		for _, l := range d.Lines {
			writeDialectLine(&b, d.Signer, l, width)
		}
		for _, g := range d.NotDocumented {
			fmt.Fprintf(&b, "   not documented here: %s — %s\n", g.Feature, strings.TrimPrefix(g.Note, "not documented here: "))
		}
		if o := d.OwnRequest; o != nil {
			verdict := "which AWS also rejects"
			if o.Accepted {
				verdict = "which AWS accepts"
			}
			fmt.Fprintf(&b, "   %s itself would send %s instead, %s", d.Signer, termsafe.Line(o.Target), verdict)
			if o.Note != "" {
				fmt.Fprintf(&b, "; but %s", termsafe.Line(o.Note))
			}
			b.WriteString("\n")
		}
	}
	b.WriteString("\nWould AWS accept each signer's signature for these bytes?\n")
	for _, d := range c.Dialects {
		mark, word := "✓", "accepted"
		switch d.Verdict {
		case sign.VerdictRejected:
			mark, word = "✗", "rejected"
		case sign.VerdictUnknown:
			mark, word = "?", "not known"
		}
		fmt.Fprintf(&b, "  %s %-*s %s, %s\n", mark, width, d.Signer, word, termsafe.Line(d.Reason))
	}
	return b.String()
}

// writeDialectLine prints one differing line: AWS's and the signer's one
// above the other, the first differing character marked, and the rules.
func writeDialectLine(b *strings.Builder, signer string, l sign.DialectLine, width int) {
	part := l.Part
	if l.Header != "" {
		part += " (" + termsafe.Line(l.Header) + ")"
	}
	fmt.Fprintf(b, "   %s\n", part)
	aws, theirs := termsafe.Line(l.AWS), termsafe.Line(l.Signer)
	show := func(s string) string {
		if s == "" {
			return "(no such line)"
		}
		return s
	}
	fmt.Fprintf(b, "     %-*s  %s\n", width, "AWS", show(aws))
	fmt.Fprintf(b, "     %-*s  %s\n", width, signer, show(theirs))
	if aws != "" && theirs != "" {
		fmt.Fprintf(b, "     %*s  %s^\n", width, "", strings.Repeat(" ", firstDiffRune(aws, theirs)))
	}
	if len(l.Rules) == 0 {
		b.WriteString("     no documented rule explains this line\n")
	}
	for _, m := range l.Rules {
		fmt.Fprintf(b, "     why: %s — %s: %s\n", m.Feature, signer, m.Signer)
		fmt.Fprintf(b, "          AWS: %s\n", m.AWS)
		fmt.Fprintf(b, "          source: %s\n", m.Source)
	}
}

// firstDiffRune is the index, in runes, of the first rune where a and b differ.
func firstDiffRune(a, b string) int {
	n := 0
	for a != "" && b != "" {
		ra, sa := utf8.DecodeRuneInString(a)
		rb, sb := utf8.DecodeRuneInString(b)
		if ra != rb {
			break
		}
		a, b = a[sa:], b[sb:]
		n++
	}
	return n
}
