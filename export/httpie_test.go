package export

import (
	"slices"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/sign"
)

// httpieCall is an HTTPie command line read back: its options, method,
// URL, header items (Name:value) and body.
type httpieCall struct {
	opts    []string
	method  string
	url     string
	headers []sign.Header
	body    string
	stdin   string
	env     map[string]string
}

// parseHTTPie reads a command as HTTPie would get it from the shell
// (its argument grammar is simple; TestHTTPieReadsNoFiles runs HTTPie
// itself).
func parseHTTPie(t *testing.T, command string, env ...string) httpieCall {
	t.Helper()
	args, assigns, redirect := shellWords(t, command, env...)
	if len(args) == 0 || args[0] != "http" {
		t.Fatalf("not an http command: %q", args)
	}
	c := httpieCall{env: assigns, stdin: redirect}
	i := 1
	for ; i < len(args) && strings.HasPrefix(args[i], "--"); i++ {
		if args[i] == "--" {
			i++
			break
		}
		opt, value, _ := strings.Cut(args[i], "=")
		c.opts = append(c.opts, opt)
		switch opt {
		case "--raw":
			c.body = value
		case "--auth-type", "--auth":
			i++
			c.opts = append(c.opts, args[i])
		}
	}
	if i+1 >= len(args) {
		t.Fatalf("no method and URL in %q", args)
	}
	c.method, c.url = args[i], args[i+1]
	for _, it := range args[i+2:] {
		name, value, ok := strings.Cut(it, ":")
		if !ok {
			if n, empty := strings.CutSuffix(it, ";"); empty {
				name, value, ok = n, "", true
			}
		}
		if !ok {
			t.Fatalf("item %q is not a header", it)
		}
		c.headers = append(c.headers, sign.Header{Name: name, Value: httpieUnescape(value)})
	}
	return c
}

// httpieUnescape reads an item's value as HTTPie does: a backslash
// before a separator character is dropped, any other is kept.
func httpieUnescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			if strings.IndexByte(httpieSeparators, s[i+1]) < 0 {
				b.WriteByte('\\')
			}
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func TestHTTPieForms(t *testing.T) {
	b := newBench(t, staticCollection, map[string]string{"TEMP_KEY_ID": "AKIDTEMP", "TEMP_SECRET": "s3cr3t-temp", "TEMP_SESSION_TOKEN": "PLANTED-SESSION-TOKEN-0123456789"})
	writeBody(t, b)
	env := []string{"TEMP_KEY_ID=AKIDTEMP", "TEMP_SECRET=s3cr3t-temp", "TEMP_SESSION_TOKEN=PLANTED-SESSION-TOKEN-0123456789"}

	pv := b.preview(t, "temporary/with token")
	// By default, for stock HTTPie: the request as signed, and why.
	cmd, err := HTTPie(pv.Prepared, Options{EnvNames: b.envNames(pv)})
	if err != nil {
		t.Fatal(err)
	}
	c := parseHTTPie(t, cmd, env...)
	if slices.Contains(c.opts, "--auth-type") || !strings.Contains(cmd, "stock HTTPie cannot sign SigV4") || !strings.Contains(cmd, "--httpie-plugin") || !strings.Contains(cmd, "15 minutes later") {
		t.Errorf("the default form is not the signed request:\n%s", cmd)
	}
	if az, _ := pv.Prepared.Request.Get("Authorization"); !slices.Contains(c.headers, sign.Header{Name: "Authorization", Value: az}) {
		t.Errorf("the signature is not an item:\n%s", cmd)
	}

	// The plugin form signs on every run.
	cmd, err = HTTPie(pv.Prepared, Options{EnvNames: b.envNames(pv), HTTPiePlugin: true})
	if err != nil {
		t.Fatal(err)
	}
	c = parseHTTPie(t, cmd, env...)
	if !slices.Equal(c.opts, []string{"--path-as-is", "--auth-type", "aws4", "--auth", "service=execute-api,region=us-east-1", "--ignore-stdin", "--raw"}) || !strings.Contains(cmd, " -- POST ") {
		t.Errorf("options %q", c.opts)
	}
	// The plugin reads the AWS CLI's variables; the profile's are handed over.
	if c.env["AWS_ACCESS_KEY_ID"] != "AKIDTEMP" || c.env["AWS_SECRET_ACCESS_KEY"] != "s3cr3t-temp" || c.env["AWS_SESSION_TOKEN"] != "PLANTED-SESSION-TOKEN-0123456789" {
		t.Errorf("credentials handed over: %q", c.env)
	}
	if strings.Contains(cmd, "PLANTED") || strings.Contains(cmd, "s3cr3t") {
		t.Errorf("a secret in clear:\n%s", cmd)
	}
	u := pv.Prepared.Unsigned
	if c.method != "POST" || c.url != b.srv.URL+"/prod/pets" || c.body != string(u.Body) {
		t.Errorf("request %s %s %q", c.method, c.url, c.body)
	}
	want := []sign.Header{{Name: "Accept", Value: "application/json"}, {Name: "Content-Type", Value: "text/plain"}}
	if !slices.Equal(c.headers, want) {
		t.Errorf("headers %q, want %q", c.headers, want)
	}

	// Frozen: the signed headers as items, the token from its variable.
	cmd, err = HTTPie(pv.Prepared, Options{Frozen: true, EnvNames: b.envNames(pv)})
	if err != nil {
		t.Fatal(err)
	}
	c = parseHTTPie(t, cmd, env...)
	var signed []sign.Header
	for _, h := range pv.Prepared.Request.Headers {
		if h.Name != "Content-Length" {
			signed = append(signed, h)
		}
	}
	if !slices.Equal(c.headers, signed) || slices.Contains(c.opts, "--auth-type") || !strings.Contains(cmd, "15 minutes later") {
		t.Errorf("frozen headers %q, want %q\n%s", c.headers, signed, cmd)
	}

	// A file body comes from standard input.
	pv = b.preview(t, "file body")
	cmd, err = HTTPie(pv.Prepared, Options{})
	if err != nil {
		t.Fatal(err)
	}
	c = parseHTTPie(t, cmd)
	if !strings.HasSuffix(c.stdin, "/body.bin") || c.body != "" || slices.Contains(c.opts, "--ignore-stdin") {
		t.Errorf("file body: stdin %q body %q opts %q", c.stdin, c.body, c.opts)
	}
}

func TestHTTPieTokenMode(t *testing.T) {
	b := openDemo(t)
	login(t, b.wb)
	pv := b.preview(t, "Who am I")
	tok, _ := pv.Prepared.Request.Get("Authorization")
	cmd, err := HTTPie(pv.Prepared, Options{Collection: demoPath})
	if err != nil {
		t.Fatal(err)
	}
	c := parseHTTPie(t, cmd, "SIGSCOPE_ID_TOKEN="+tok)
	if !slices.Contains(c.headers, sign.Header{Name: "Authorization", Value: tok}) || strings.Contains(cmd, tok) {
		t.Errorf("token item:\n%s", cmd)
	}
}

// TestTokenHintVars: the login recipe carries the --env and --var the
// export was given, so that it runs as printed, but never a variable that
// holds a secret.
func TestTokenHintVars(t *testing.T) {
	b := openDemo(t)
	login(t, b.wb)
	pv := b.preview(t, "Who am I")
	tok, _ := pv.Prepared.Request.Get("Authorization")
	vars := map[string]string{"emulator": b.srv.URL, "session_token": "PLANTED-0123456789", "copied": tok}
	for name, export := range exporters {
		cmd, err := export(pv.Prepared, Options{Collection: demoPath, Environment: "local", Vars: vars})
		if err != nil {
			t.Fatal(err)
		}
		want := "sigscope login " + demoPath + " --profile app --env local --var emulator=" + b.srv.URL + " -o json --show-tokens"
		if !strings.Contains(cmd, want) {
			t.Errorf("%s: no %q in\n%s", name, want, cmd)
		}
		if strings.Contains(cmd, "PLANTED") || strings.Contains(cmd, tok) {
			t.Errorf("%s: a secret variable in the recipe:\n%s", name, cmd)
		}
	}
}
