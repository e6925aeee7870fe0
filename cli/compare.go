package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/sigscope/sigscope/internal/lazyre"
	"github.com/sigscope/sigscope/internal/termsafe"
	"github.com/sigscope/sigscope/sign"
)

// compareFlags are sign's scope and mode flags (read the same way) and
// compare's own.
type compareFlags struct {
	signFlags
	curlVersion string
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

A signer whose rules changed between releases is modelled release by release
(curl from 7.75.0, aws-sdk-go-v2 before and after v1.47.6), and each verdict
says which releases it is for; releases that give the same verdict on this
request are shown together. The curl on this machine is read from
'curl --version' and its verdict marked (--curl-version names another).

The signers' behaviours are the documented ones (PRODUCT.md's list of known
disagreements; aws-sdk-go-v2's from its source, checked against the SDK;
botocore, aws4 and curl run here; curl's releases from its source).
Where what a signer does with this request is not documented, the output says
"not documented here" and the verdict is "not known".

No credentials are needed. Region, service, time and the presigned form are
taken from the request's own signature when it carries one.

Exit codes: 0 compared, 1 bad input, 2 usage error.`,
		Example: `  printf 'GET /prod/pets?q=a+b HTTP/1.1\nHost: abc123.execute-api.us-east-1.amazonaws.com\n\n' |
    sigscope compare

  sigscope compare --request-file req.txt --s3 -o json
  sigscope compare -f req.txt --curl-version 8.5.0`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runCompare(cmd, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.requestFile, "request-file", "f", "-", "file holding the raw HTTP request, or - for standard input")
	fl.StringVar(&f.region, "region", "", "region of the credential scope (default: the request's signature, else us-east-1); only a presigned query shows it")
	fl.StringVar(&f.service, "service", "", "service of the credential scope (default: the request's signature, else execute-api); s3 selects S3's rule")
	fl.StringVar(&f.at, "time", "", "signing time: RFC 3339 or 20150830T123600Z (default: the request's X-Amz-Date, else now)")
	fl.StringVar(&f.scheme, "scheme", "https", "scheme the request is sent over (decides which default port is dropped from Host)")
	fl.BoolVar(&f.presign, "presign", false, "compare presigned URLs (X-Amz-* query parameters) instead of Authorization headers")
	fl.Int64Var(&f.expires, "expires", int64(sign.DefaultExpires/time.Second), "lifetime of a presigned URL in seconds (1 to 604800)")
	fl.BoolVar(&f.s3, "s3", false, "S3 mode: path encoded once and not normalized, x-amz-content-sha256 sent")
	fl.BoolVar(&f.normalizePath, "normalize-path", true, "AWS's rule removes dot segments and duplicate slashes (off in S3 mode unless set)")
	fl.BoolVar(&f.noHoisting, "no-header-hoisting", false, "when presigning, sigscope keeps X-Amz-* headers as signed headers instead of moving them into the query")
	fl.StringVar(&f.curlVersion, "curl-version", "", "the curl release whose verdict to mark, e.g. 8.5.0 (default: the curl on PATH, from curl --version; none: no curl)")
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
	curl, err := compareCurl(cmd.Context(), f.curlVersion)
	if err != nil {
		return err
	}
	in, err := readRequestInput(cmd, &f.signFlags, f.requestFile, inputForm{creds: needNone})
	if err != nil {
		return err
	}
	c, err := sign.CompareDialects(in.req, in.opts)
	if err != nil {
		return fmt.Errorf("%s: %w", in.name, err)
	}
	for i, d := range c.Dialects {
		if m, ok := sign.DialectFor(d.Signer, curl.release); ok && d.Signer == "curl" && m.ID == d.ID {
			c.Dialects[i].Installed = curl.release
		}
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
	for _, w := range in.warnings {
		fmt.Fprintf(cmd.ErrOrStderr(), "warning: %s: %s\n", in.name, termsafe.Line(w))
	}
	_, err = io.WriteString(out, compareText(c, curl))
	return err
}

// localCurl is the curl whose verdict compare marks.
type localCurl struct {
	release string // "" when none
	from    string // where the release was read
}

var curlVersionRE = lazyre.New(`^curl (\d+\.\d+\.\d+)`)

// compareCurl is the curl release named by --curl-version, else the one
// curl --version reports, else none.
func compareCurl(ctx context.Context, flag string) (localCurl, error) {
	switch flag {
	case "none":
		return localCurl{}, nil
	case "":
	default:
		if _, ok := sign.DialectFor("curl", flag); !ok {
			return localCurl{}, withCode(ExitUsage, fmt.Errorf("--curl-version %q: give a curl release (7.75.0 or later, e.g. 7.88.1), or none", flag))
		}
		return localCurl{release: strings.TrimPrefix(flag, "v"), from: "--curl-version"}, nil
	}
	path, err := exec.LookPath("curl")
	if err != nil {
		return localCurl{from: "no curl on PATH"}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "--version").Output()
	m := curlVersionRE.FindSubmatch(out)
	if err != nil || m == nil {
		return localCurl{from: path + " --version gave no release"}, nil
	}
	return localCurl{release: string(m[1]), from: path + " --version"}, nil
}

// compareGroup is consecutive releases of one signer that treat this
// request alike: one block, one verdict.
type compareGroup struct {
	sign.DialectResult
	label string
}

// groupReleases merges consecutive results of a signer that compute the
// same canonical request with the same verdict, gaps and own request.
func groupReleases(ds []sign.DialectResult) []compareGroup {
	var out []compareGroup
	for _, d := range ds {
		if n := len(out); n > 0 && alike(out[n-1].DialectResult, d) {
			if v, ok := mergeReleases(out[n-1].Version, d.Version); ok {
				g := &out[n-1]
				g.Version, g.label = v, g.Signer+" "+v
				if v == everyRelease {
					g.Version, g.label = "", g.Signer+" "+v
				}
				g.About = g.Signer + ": these releases canonicalize this request alike (-o json gives each release's model)"
				g.Installed = cmpOr(g.Installed, d.Installed)
				continue
			}
		}
		label := d.Signer
		if d.Version != "" {
			label += " " + d.Version
		}
		out = append(out, compareGroup{d, label})
	}
	return out
}

// alike: the same lines for the same reasons, the same verdict, gaps and
// own request.
func alike(a, b sign.DialectResult) bool {
	why := func(d sign.DialectResult) []string {
		var w []string
		for _, l := range d.Lines {
			for _, m := range l.Rules {
				w = append(w, m.ID+"\x00"+m.Feature+"\x00"+m.Signer)
			}
		}
		return w
	}
	sameOwn := a.OwnRequest == nil && b.OwnRequest == nil ||
		a.OwnRequest != nil && b.OwnRequest != nil && *a.OwnRequest == *b.OwnRequest
	return a.Signer == b.Signer && a.CanonicalRequest == b.CanonicalRequest && a.Verdict == b.Verdict &&
		slices.Equal(a.NotDocumented, b.NotDocumented) && sameOwn && slices.Equal(why(a), why(b))
}

const everyRelease = "(every release)"

// mergeReleases joins two adjacent spans written "A", "A–B" or "A and
// later" into one; "A and later" and "before A" make every release.
func mergeReleases(a, b string) (string, bool) {
	if later, ok := strings.CutSuffix(a, " and later"); ok && b == "before "+later {
		return everyRelease, true
	}
	first, _, ok := strings.Cut(a, "–")
	if !ok {
		first = a
	}
	if strings.Contains(first, " ") || a == "" || b == "" {
		return "", false
	}
	if rest, open := strings.CutSuffix(b, " and later"); open && !strings.Contains(rest, " ") {
		return first + " and later", true
	}
	_, last, ok := strings.Cut(b, "–")
	if !ok {
		last = b
	}
	if strings.Contains(last, " ") {
		return "", false
	}
	return first + "–" + last, true
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// compareText renders a comparison for a person: AWS's canonical request,
// then each signer's differing lines side by side with their rules, then a
// verdict per signer and releases.
func compareText(c *sign.DialectComparison, curl localCurl) string {
	var b strings.Builder
	mode := "Authorization header"
	if c.Mode == "query" {
		mode = "presigned URL"
	}
	if c.S3 {
		mode += ", S3"
	}
	fmt.Fprintf(&b, "Comparing %s (%s)\n", termsafe.Line(c.Request), mode)
	switch {
	case curl.release != "":
		fmt.Fprintf(&b, "curl here: %s (%s)\n", curl.release, termsafe.Line(curl.from))
	case curl.from != "":
		fmt.Fprintf(&b, "curl here: none (%s)\n", termsafe.Line(curl.from))
	}
	b.WriteString("\nAWS's canonical request (the server's rule on these bytes; what sigscope signs)\n")
	lines := strings.Split(c.CanonicalRequest, "\n")
	for i, l := range lines {
		lines[i] = termsafe.Line(l)
	}
	writeBlock(&b, strings.Join(lines, "\n"))
	groups := groupReleases(c.Dialects)
	width := len("AWS")
	for _, g := range groups {
		width = max(width, utf8.RuneCountInString(g.label))
	}
	for _, g := range groups {
		fmt.Fprintf(&b, "\n%s — %s\n", g.label, g.About)
		if g.Installed != "" {
			fmt.Fprintf(&b, "   the curl here (%s) is one of these releases\n", g.Installed)
		}
		switch {
		case g.Same && len(g.Lines) == 0:
			b.WriteString("   same as AWS\n")
		case g.Same:
			b.WriteString("   the same canonical request as AWS, but not for the bytes sent:\n")
		}
		for _, l := range g.Lines {
			writeDialectLine(&b, g.label, l, width)
		}
		for _, gap := range g.NotDocumented {
			fmt.Fprintf(&b, "   not documented here: %s — %s\n", termsafe.Line(gap.Feature), termsafe.Line(strings.TrimPrefix(gap.Note, "not documented here: ")))
		}
		if o := g.OwnRequest; o != nil {
			verdict := "which AWS also rejects"
			if o.Accepted {
				verdict = "which AWS accepts"
			}
			fmt.Fprintf(&b, "   %s itself would send %s instead, %s", g.Signer, termsafe.Line(o.Target), verdict)
			if o.Note != "" {
				fmt.Fprintf(&b, "; but %s", termsafe.Line(o.Note))
			}
			b.WriteString("\n")
		}
	}
	b.WriteString("\nWould AWS accept each signer's signature for these bytes?\n")
	for _, g := range groups {
		mark, word := "✓", "accepted"
		switch g.Verdict {
		case sign.VerdictRejected:
			mark, word = "✗", "rejected"
		case sign.VerdictUnknown:
			mark, word = "?", "not known"
		}
		here := ""
		if g.Installed != "" {
			here = " [the curl here, " + g.Installed + "]"
		}
		fmt.Fprintf(&b, "  %s %-*s %s%s, %s\n", mark, width, g.label, word, here, termsafe.Line(g.Reason))
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
		fmt.Fprintf(b, "     why: %s — %s: %s\n", termsafe.Line(m.Feature), signer, termsafe.Line(m.Signer))
		fmt.Fprintf(b, "          AWS: %s\n", termsafe.Line(m.AWS))
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
