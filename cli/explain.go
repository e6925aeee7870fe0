package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/sigscope/sigscope/explain"
	"github.com/sigscope/sigscope/internal/lazyre"
	"github.com/sigscope/sigscope/internal/secret"
	"github.com/sigscope/sigscope/internal/termsafe"
	"github.com/sigscope/sigscope/rawhttp"
	"github.com/sigscope/sigscope/sign"
	"github.com/sigscope/sigscope/workbench"
)

type explainFlags struct {
	requestFile string
	scheme      string
	showSecrets bool
	output      string
	// A collection request signed again, at the time the answer names,
	// stands for the request that failed.
	collection, request, env string
	vars                     []string
	yes                      bool
	// The answer kept in the history: the newest refusal, or one entry.
	last    bool
	entryID string
}

func newExplainCmd() *cobra.Command {
	f := &explainFlags{}
	cmd := &cobra.Command{
		Use:   "explain [FILE|-] [--request-file RAW_HTTP] [-o json]",
		Short: "Read AWS's answer to a signed request and say why it was refused",
		Long: `Explain reads the error AWS answered (a file, or standard input), says which
of AWS's formats it is and what kind of refusal, and why:

  API Gateway REST and HTTP APIs, Lambda, OpenSearch, Bedrock and the other
  JSON services ({"message": …}, {"__type": …}, {"errors": [{"message": …}]}),
  also as plain text with its line breaks flattened or escaped; S3's
  <Error> XML with CanonicalRequest, StringToSign and their byte dumps; the
  query services' <ErrorResponse> (STS, IAM, SQS, SNS); and the short
  refusals: Signature expired, Signature not yet current, Credential should
  be scoped to a valid region or to the correct service, not a valid
  key=value pair, Missing Authentication Token, the security token is
  invalid, the access key id does not exist.

The input may be the body alone or the whole response (status line and
headers first, as curl -i prints it); its Date header then measures clock
skew.

With --request-file, the raw HTTP request that was sent: when it carries its
own SigV4 signature, its canonical request and string to sign are rebuilt
from it (no secret needed) and diffed line by line with the ones AWS says it
computed, the first differing character marked. Either way the likely causes
are listed, most likely first, each with its fix.

Every byte of the input that is printed is escaped (control characters as
\xNN). Session tokens and access tokens in canonical requests are masked
unless --show-secrets.

Exit codes: 0 explained, 1 not an AWS authentication error (or an unreadable
file), 2 usage error.`,
		Example: `  curl -s -i https://abc123.execute-api.us-east-1.amazonaws.com/prod/pets | sigscope explain
  sigscope explain answer.json --request-file request.txt
  sigscope explain s3-error.xml -o json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			file := "-"
			if len(args) == 1 {
				file = args[0]
			}
			if f.last || f.entryID != "" {
				if len(args) == 1 || f.requestFile != "" || f.collection != "" {
					return withCode(ExitUsage, errors.New("--last and --history read the answer and the request from the history: give no FILE, --request-file or --collection with them"))
				}
				file = ""
			}
			return runExplain(cmd, f, file)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.requestFile, "request-file", "", "the raw HTTP request that was sent (- for standard input when the answer is a FILE)")
	fl.StringVar(&f.collection, "collection", "", "a collection file: with --request, the request that failed is this one, signed again at the time AWS's answer names")
	fl.StringVar(&f.request, "request", "", "the request of --collection (a name, or folder/name)")
	fl.StringVarP(&f.env, "env", "e", "", "environment of --collection")
	fl.StringArrayVar(&f.vars, "var", nil, "runtime variable k=v for --collection (repeatable)")
	fl.BoolVar(&f.yes, "yes", false, "trust --collection's environment variables and hosts without being asked (as send --yes)")
	fl.BoolVar(&f.last, "last", false, "explain the newest refusal (4xx) kept in the history, with the canonical request that was signed")
	fl.StringVar(&f.entryID, "history", "", "explain the answer of this history entry (an ID that `sigscope history` lists)")
	fl.StringVar(&f.scheme, "scheme", "https", "scheme the request was sent over (decides which default port is dropped from Host)")
	fl.BoolVar(&f.showSecrets, "show-secrets", false, "print session and access tokens in clear")
	fl.StringVarP(&f.output, "output", "o", "text", "output format: text or json")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("scheme", cobra.FixedCompletions([]string{"https", "http"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// expectedAnswer says what explain reads, for input it does not recognize.
const expectedAnswer = `expected AWS's answer to a signed request: a JSON {"message": …} (API Gateway, Lambda, OpenSearch, Bedrock…), S3's <Error> or a query service's <ErrorResponse> XML, or their text ("The request signature we calculated does not match…", "Signature expired…", "Credential should be scoped to…", "Missing Authentication Token", "The security token included in the request is invalid"…)`

func runExplain(cmd *cobra.Command, f *explainFlags, file string) error {
	if f.output != "text" && f.output != "json" {
		return withCode(ExitUsage, fmt.Errorf("--output %q: use text or json", f.output))
	}
	if f.scheme != "https" && f.scheme != "http" {
		return withCode(ExitUsage, fmt.Errorf("--scheme %q: use https or http", f.scheme))
	}
	if file == "-" && f.requestFile == "-" {
		return withCode(ExitUsage, errors.New("the answer and --request-file cannot both come from standard input"))
	}
	var in explain.Input
	var name string
	if file == "" {
		var err error
		if in, name, err = historyAnswer(cmd, f); err != nil {
			return err
		}
	} else {
		body, n, err := readAnswer(cmd.InOrStdin(), file)
		if err != nil {
			return err
		}
		in, name = explain.Input{Body: body}, n
	}
	body := in.Body
	var warnings []string
	var token string
	if (f.collection == "") != (f.request == "") {
		return withCode(ExitUsage, errors.New("--collection and --request go together: the collection file and the request's name"))
	}
	if f.collection != "" && f.requestFile != "" {
		return withCode(ExitUsage, errors.New("give the request that failed once: --request-file, or --collection with --request"))
	}
	var redact func(string) string
	if f.collection != "" {
		tr, req, red, err := collectionTrace(cmd, f, body)
		if err != nil {
			return err
		}
		in.Trace, in.Request, redact = tr, req, red
	}
	if f.requestFile != "" {
		data, rname, err := readRequest(cmd.InOrStdin(), f.requestFile)
		if err != nil {
			return err
		}
		raw, err := rawhttp.Parse(data)
		if err != nil {
			return fmt.Errorf("%s: %w", rname, err)
		}
		req, err := sign.FromRaw(raw, f.scheme)
		if err != nil {
			return fmt.Errorf("%s: %w", rname, err)
		}
		warnings = append(warnings, raw.Warnings()...)
		in.Request = req
		if t, ok := req.Get("X-Amz-Security-Token"); ok {
			token = t
		}
		if _, err := sign.ReadSignature(req); err == nil {
			tr, _, err := explain.Recompute(req)
			if err != nil {
				warnings = append(warnings, fmt.Sprintf("%s: its signature could not be recomputed: %v", rname, err))
			} else {
				in.Trace = tr
			}
		} else {
			warnings = append(warnings, fmt.Sprintf("%s carries no SigV4 signature: there is no canonical request to compare, only the request itself to read", rname))
		}
	}
	d, ok := explain.Explain(in)
	mask := secretMasker(token, f.showSecrets)
	if redact != nil {
		tokenMask := mask
		mask = func(s string) string { return redact(tokenMask(s)) }
	}
	out := cmd.OutOrStdout()
	if f.output == "json" {
		if err := writeExplainJSON(out, d, ok, in.Trace, mask, warnings); err != nil {
			return err
		}
	}
	if !ok {
		return withCode(ExitError, fmt.Errorf("%s is not an AWS authentication or signature error: %s", name, expectedAnswer))
	}
	if f.output == "json" {
		return nil
	}
	var b strings.Builder
	writeExplainText(&b, d, in.Trace != nil, mask)
	for _, w := range warnings {
		fmt.Fprintf(&b, "\nwarning: %s\n", termsafe.Line(w))
	}
	_, err := io.WriteString(out, b.String())
	return err
}

// readAnswer reads the answer from a file or standard input ("-").
func readAnswer(stdin io.Reader, file string) ([]byte, string, error) {
	if file == "-" {
		if st, ok := stdin.(*os.File); ok {
			if term.IsTerminal(int(st.Fd())) { // not /dev/null, a character device too
				return nil, "", withCode(ExitUsage, errors.New("no answer: pass the FILE holding AWS's answer, or pipe it into standard input"))
			}
		}
		data, err := io.ReadAll(io.LimitReader(stdin, maxRequestBytes+1))
		if err != nil {
			return nil, "", fmt.Errorf("read standard input: %w", err)
		}
		if len(data) > maxRequestBytes {
			return nil, "", fmt.Errorf("standard input: answer larger than %d MiB", maxRequestBytes>>20)
		}
		return data, "standard input", nil
	}
	if fi, err := os.Stat(file); err == nil && fi.Size() > maxRequestBytes {
		return nil, "", fmt.Errorf("%s: answer larger than %d MiB", file, maxRequestBytes>>20)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, "", fmt.Errorf("read answer: %w", err)
	}
	return data, file, nil
}

// secretLine finds the values of canonical header lines that are secrets,
// in a canonical request or quoted in a sentence.
var secretLine = lazyre.New(`(x-amz-security-token:|x-amz-access-token:|authorization:)([^"\n]+)`)

// secretMasker masks the request's session token anywhere, and the values
// of secret header lines, unless show.
func secretMasker(token string, show bool) func(string) string {
	if show {
		return func(s string) string { return s }
	}
	replace := masker(token, false)
	return func(s string) string {
		s = replace(s)
		return secretLine.ReplaceAllStringFunc(s, func(m string) string {
			sub := secretLine.FindStringSubmatch(m)
			if strings.HasPrefix(sub[2], "<session token") {
				return m
			}
			return sub[1] + secret.Mask(sub[2])
		})
	}
}

func writeExplainText(w *strings.Builder, d explain.Diagnosis, compared bool, mask func(string) string) {
	esc := func(s string) string { return termsafe.Line(mask(s)) }
	fmt.Fprintf(w, "AWS said: %s\n", termsafe.Line(d.Message))
	format := d.Format.Describe()
	if d.Code != "" {
		format += " · " + termsafe.Line(d.Code)
	}
	fmt.Fprintf(w, "format:   %s\n", format)
	fmt.Fprintf(w, "kind:     %s\n", d.Describe())
	if d.Layer != "" {
		fmt.Fprintf(w, "layer:    %s refused\n", explain.LayerTitle(d.Layer))
	}
	for _, r := range d.Repairs {
		fmt.Fprintf(w, "read:     %s\n", r)
	}
	block := func(title, text string) {
		if text == "" {
			return
		}
		fmt.Fprintf(w, "\n%s\n", title)
		for _, l := range strings.Split(mask(text), "\n") {
			fmt.Fprintf(w, "  %s\n", termsafe.Line(l))
		}
	}
	block("The canonical request AWS computed:", d.ServerCanonicalRequest)
	block("The string to sign AWS computed:", d.ServerStringToSign)
	if p := d.First; p != nil {
		fmt.Fprintf(w, "\nFirst difference: %s line %d (%s)\n", p.Step, p.Line, p.Part)
		ours, theirs := esc(p.Ours), esc(p.Theirs)
		signedLabel, serverLabel := "  signed: ", "  AWS:    "
		if d.Rebuilt {
			signedLabel, serverLabel = "  request: ", "  AWS:     "
		}
		fmt.Fprintf(w, "%s%s\n%s%s\n", signedLabel, ours, serverLabel, theirs)
		if col := explain.Column(ours, theirs); col > 0 {
			fmt.Fprintf(w, "%s^ first differing character (column %d)\n", strings.Repeat(" ", len(signedLabel)+col-1), p.Column)
		}
	} else if compared && d.Kind == explain.KindMismatch && (d.ServerCanonicalRequest != "" || d.ServerStringToSign != "") {
		if d.Rebuilt {
			fmt.Fprintf(w, "\nThe request's bytes give exactly the canonical request and string to sign AWS computed (rebuilt from them: what the server reads, not a record of what the client signed).\n")
		} else {
			fmt.Fprintf(w, "\nThe request's canonical request and string to sign are the ones AWS computed.\n")
		}
	}
	if d.Hint != "" {
		fmt.Fprintf(w, "\nhint: %s\n", esc(d.Hint))
	}
	if len(d.Causes) == 0 {
		return
	}
	title := "Likely causes, most likely first:"
	if d.Causes[0].Certain {
		title = "Causes, the one the answer shows first:"
	}
	fmt.Fprintf(w, "\n%s\n", title)
	for i, c := range d.Causes {
		if c.Evidence == "" && !c.Certain {
			// A usual suspect, nothing points to it: one line.
			fmt.Fprintf(w, "  %d. %s: %s\n", i+1, c.Title, c.Fix)
			continue
		}
		mark := ""
		if c.Certain {
			mark = "  [shown by the answer]"
		}
		fmt.Fprintf(w, "  %d. %s%s\n", i+1, c.Title, mark)
		if c.Evidence != "" {
			fmt.Fprintf(w, "     why: %s\n", esc(c.Evidence))
		}
		fmt.Fprintf(w, "     fix: %s\n", c.Fix)
	}
}

// explainJSON is explain's machine-readable output; field names are stable.
type explainJSON struct {
	Recognized  bool            `json:"recognized"`
	Expected    string          `json:"expected,omitempty"` // when not recognized
	Explanation json.RawMessage `json:"explanation,omitempty"`
	// Signed is what the request given with --request-file signs, rebuilt
	// from its own signature.
	Signed   *explainSignedJSON `json:"signed,omitempty"`
	Warnings []string           `json:"warnings"`
}

type explainSignedJSON struct {
	CanonicalRequest string `json:"canonical_request"`
	StringToSign     string `json:"string_to_sign"`
	AccessKeyID      string `json:"access_key_id"`
	CredentialScope  string `json:"credential_scope"`
}

func writeExplainJSON(w io.Writer, d explain.Diagnosis, ok bool, tr *sign.Trace, mask func(string) string, warnings []string) error {
	out := explainJSON{Recognized: ok, Warnings: append([]string{}, warnings...)}
	if ok {
		b, err := json.Marshal(maskDiagnosis(d, mask))
		if err != nil {
			return err
		}
		out.Explanation = b
	} else {
		out.Expected = expectedAnswer
	}
	if tr != nil {
		out.Signed = &explainSignedJSON{CanonicalRequest: mask(tr.CanonicalRequest), StringToSign: tr.StringToSign, AccessKeyID: tr.AccessKeyID, CredentialScope: tr.CredentialScope}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}

// maskDiagnosis masks the secrets a diagnosis quotes from the answer.
func maskDiagnosis(d explain.Diagnosis, mask func(string) string) explain.Diagnosis {
	d.ServerCanonicalRequest = mask(d.ServerCanonicalRequest)
	if d.First != nil {
		p := *d.First
		p.Ours, p.Theirs = mask(p.Ours), mask(p.Theirs)
		d.First = &p
	}
	causes := make([]explain.Cause, len(d.Causes))
	for i, c := range d.Causes {
		c.Evidence = mask(c.Evidence)
		c.Quotes = slices.Clone(c.Quotes)
		for j := range c.Quotes {
			c.Quotes[j].Text = mask(c.Quotes[j].Text)
		}
		causes[i] = c
	}
	d.Causes = causes
	return d
}

// collectionTrace signs a collection's request again, at the signing time
// the answer's string to sign names when it names one, so that only what
// really differs shows in the diff (not the date).
func collectionTrace(cmd *cobra.Command, f *explainFlags, body []byte) (*sign.Trace, *sign.Request, func(string) string, error) {
	vars, err := parseVars(f.vars)
	if err != nil {
		return nil, nil, nil, err
	}
	wb, err := workbench.Open(f.collection, workbench.Options{Environment: f.env, Vars: vars, Env: workbench.OSEnv("sigscope/" + Version)})
	if err != nil {
		return nil, nil, nil, err
	}
	if err := confirmTrust(newAnswers(cmd.InOrStdin(), cmd.ErrOrStderr()), wb, f.yes); err != nil {
		return nil, nil, nil, err
	}
	run := workbench.Run{ShowSecrets: f.showSecrets}
	if a, ok := explain.Parse(body); ok {
		if lines := strings.Split(a.ServerStringToSign, "\n"); len(lines) > 1 {
			if at, err := time.Parse("20060102T150405Z", strings.TrimSpace(lines[1])); err == nil {
				run.Time = at
			}
		}
	}
	pv, err := wb.Preview(cmd.Context(), f.request, run)
	if err != nil {
		return nil, nil, nil, err
	}
	if pv.Prepared.Trace == nil {
		return nil, nil, nil, fmt.Errorf("request %q is not signed (auth mode %s): there is no canonical request to compare", f.request, pv.Prepared.Mode)
	}
	return pv.Prepared.Trace, pv.Prepared.Request, pv.Redact.Text, nil
}
