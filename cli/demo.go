package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/sigscope/sigscope/emulator"
	"github.com/sigscope/sigscope/sign"
)

func newDemoCmd() *cobra.Command {
	var keep bool
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Start the built-in AWS emulator and walk through a signed request step by step",
		Long: `demo starts sigscope's AWS emulator on a free loopback port, signs a request
to its API Gateway with SigV4 and shows each step (canonical request,
string-to-sign, signing key, signature) and the gateway's answer. Then it
sends a request whose Content-Type changed after signing, as many HTTP
clients do, and shows the gateway's mismatch message and the line that differs.

No AWS account is needed; the demo's keys are public, fake demo values.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDemo(cmd, keep)
		},
	}
	cmd.Flags().BoolVar(&keep, "keep-running", false, "keep the emulator running after the walk-through, until Ctrl-C")
	return cmd
}

func runDemo(cmd *cobra.Command, keep bool) error {
	ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	srv, err := emulator.Start(ctx, emulator.Options{})
	if err != nil {
		return fmt.Errorf("start the emulator: %w", err)
	}
	defer srv.Close()
	w := cmd.OutOrStdout()
	cfg := srv.Config
	if len(cfg.Credentials) == 0 {
		return fmt.Errorf("the built-in emulator configuration has no IAM user")
	}
	cred := cfg.Credentials[0]
	u, err := url.Parse(srv.URL)
	if err != nil {
		return fmt.Errorf("emulator URL %q: %w", srv.URL, err)
	}
	d := &demo{w: w, host: u.Host, scheme: u.Scheme, opts: sign.Options{
		Credentials: sign.Credentials{AccessKeyID: cred.AccessKeyID, SecretAccessKey: cred.SecretAccessKey},
		Region:      cfg.Region, Service: "execute-api",
	}}
	fmt.Fprintf(w, "sigscope demo: the AWS emulator is listening on %s (API at %s)\n", srv.URL, srv.APIURL())
	fmt.Fprintf(w, "Signing as the demo IAM user %s (public demo keys) for execute-api in %s.\n", cred.AccessKeyID, cfg.Region)

	if err := d.signedRequest(ctx); err != nil {
		return err
	}
	if err := d.brokenRequest(ctx); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nNext: 'sigscope sign --help' signs your own requests; 'sigscope emulator' runs the emulator on its own.\n")
	if keep {
		fmt.Fprintf(w, "The emulator keeps running at %s; press Ctrl-C to stop it.\n", srv.URL)
		<-ctx.Done()
	}
	return nil
}

type demo struct {
	w      io.Writer
	host   string
	scheme string
	opts   sign.Options
	step   int
}

func (d *demo) heading(title string) {
	d.step++
	fmt.Fprintf(d.w, "\n━━ %d. %s\n", d.step, title)
}

func (d *demo) block(label, text string) {
	fmt.Fprintf(d.w, "%s\n", label)
	for _, line := range strings.Split(text, "\n") {
		fmt.Fprintf(d.w, "   │%s\n", line)
	}
}

func (d *demo) request(method, target string, headers []sign.Header, body string) *sign.Request {
	path, query, _ := strings.Cut(target, "?")
	r := &sign.Request{Method: method, Scheme: d.scheme, Host: d.host, Path: path, RawQuery: query, Headers: headers}
	if body != "" {
		r.Body = []byte(body)
	}
	return r
}

func (d *demo) signedRequest(ctx context.Context) error {
	req := d.request("GET", "/prod/pets?type=dog&limit=2", []sign.Header{{Name: "Accept", Value: "application/json"}}, "")
	d.heading("A request signed with SigV4: GET /prod/pets?type=dog&limit=2")
	tr, err := sign.Sign(req, d.opts)
	if err != nil {
		return err
	}
	d.block("Canonical request: method, canonical URI, sorted query, lower-case sorted headers, signed headers, payload hash", tr.CanonicalRequest)
	d.block("String to sign: algorithm, date, credential scope, SHA-256 of the canonical request", tr.StringToSign)
	fmt.Fprintf(d.w, "Signing key: HMAC chain \"AWS4\"+secret → %s → %s → execute-api → aws4_request\n   %s\n", tr.CredentialScope[:8], d.opts.Region, tr.Keys.Signing)
	fmt.Fprintf(d.w, "Signature = HMAC(signing key, string to sign):\n   %s\n", tr.Signature)
	fmt.Fprintf(d.w, "Authorization:\n   %s\n", tr.Authorization)
	status, body, err := d.send(ctx, tr.Signed)
	if err != nil {
		return err
	}
	fmt.Fprintf(d.w, "The gateway answered %s; its echo route says what it received and who called:\n", status)
	fmt.Fprintln(d.w, indent(prettyJSON(echoSummary(body), 20), "   "))
	return nil
}

// echoSummary keeps the parts of the emulator's echo answer that tell the
// story: the request as received and the caller the signature proved.
func echoSummary(body []byte) []byte {
	var echo map[string]any
	if json.Unmarshal(body, &echo) != nil {
		return body
	}
	summary := map[string]any{}
	for _, k := range []string{"httpMethod", "path", "queryStringParameters"} {
		if v, ok := echo[k]; ok {
			summary[k] = v
		}
	}
	if rc, ok := echo["requestContext"].(map[string]any); ok {
		if id, ok := rc["identity"].(map[string]any); ok {
			caller := map[string]any{}
			for _, k := range []string{"accessKey", "caller", "userArn"} {
				if v, ok := id[k]; ok && v != nil {
					caller[k] = v
				}
			}
			summary["requestContext.identity"] = caller
		}
	}
	out, err := json.Marshal(summary)
	if err != nil {
		return body
	}
	return out
}

func (d *demo) brokenRequest(ctx context.Context) error {
	d.heading("A signature mismatch: Content-Type changed after signing")
	req := d.request("POST", "/prod/pets", []sign.Header{{Name: "Content-Type", Value: "application/json"}}, `{"name":"Rex"}`)
	tr, err := sign.Sign(req, d.opts)
	if err != nil {
		return err
	}
	sent := tr.Signed.Clone()
	sent.Set("Content-Type", "application/json; charset=utf-8")
	fmt.Fprintln(d.w, "Signed with 'Content-Type: application/json', then sent with '; charset=utf-8' appended,")
	fmt.Fprintln(d.w, "as some HTTP clients do on their own.")
	status, body, err := d.send(ctx, sent)
	if err != nil {
		return err
	}
	exp, ok := sign.ParseMismatch(body)
	fmt.Fprintf(d.w, "The gateway answered %s:\n", status)
	if !ok {
		fmt.Fprintln(d.w, indent(prettyJSON(body, 14), "   "))
		return fmt.Errorf("the emulator did not answer with a signature mismatch")
	}
	head, _, _ := strings.Cut(exp.Message, "\n")
	fmt.Fprintf(d.w, "   %s\n", head)
	d.block("and the canonical request it computed from what it received:", exp.CanonicalRequest)
	if p := sign.DiffCanonicalRequest(tr.CanonicalRequest, exp.CanonicalRequest); p != nil {
		fmt.Fprintf(d.w, "sigscope compared it with the canonical request it signed: %s\n", p.Detail)
		fmt.Fprintf(d.w, "   signed:   %s\n   received: %s\n", p.Ours, p.Theirs)
		fmt.Fprintln(d.w, "Fix: sign the request exactly as it is sent, or stop the client from changing a signed header.")
	}
	return nil
}

// send puts the signed request on the wire as signed: the path goes out
// as is (URL.Opaque), so net/http does not re-encode it.
func (d *demo) send(ctx context.Context, r *sign.Request) (string, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	u := &url.URL{Scheme: d.scheme, Host: r.Host, Opaque: "//" + r.Host + r.Path, RawQuery: r.RawQuery}
	req, err := http.NewRequestWithContext(ctx, r.Method, u.String(), bytes.NewReader(r.Body))
	if err != nil {
		return "", nil, fmt.Errorf("build request: %w", err)
	}
	req.URL = u
	req.Host = r.Host
	for _, h := range r.Headers {
		req.Header.Add(h.Name, h.Value)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", nil, fmt.Errorf("send %s %s: %w", r.Method, r.Path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", nil, fmt.Errorf("read the answer: %w", err)
	}
	return resp.Status, body, nil
}

// prettyJSON indents a JSON body and keeps at most maxLines lines.
func prettyJSON(body []byte, maxLines int) string {
	var buf bytes.Buffer
	text := string(body)
	if json.Indent(&buf, body, "", "  ") == nil {
		text = buf.String()
	}
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if len(lines) > maxLines {
		lines = append(lines[:maxLines], fmt.Sprintf("… (%d more lines)", len(lines)-maxLines))
	}
	return strings.Join(lines, "\n")
}

func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}
