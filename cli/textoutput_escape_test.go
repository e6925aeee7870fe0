package cli

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sigscope/sigscope/emulator"
	"github.com/sigscope/sigscope/emulator/cognito"
	"github.com/sigscope/sigscope/internal/peer"
	"github.com/sigscope/sigscope/internal/testkit"
)

// Hostile text, as a server or a file can hold it: an OSC 52 clipboard
// write, a title change, a CSI, the C1 forms of CSI and OSC, and bidi
// controls that reorder what the line shows.
const (
	hostileESC  = "\x1b]52;c;cHduZWQ=\x07\x1b]0;pwned\x07\x1b[2J"
	hostileC1   = "\u009b31m\u009d0;pwned\u009c"
	hostileBidi = "\u202e\u2066\u200f\u061c"
	hostile     = hostileESC + hostileC1 + hostileBidi
	// hostileRaw adds the 8-bit C1 bytes alone, as a body may carry them.
	hostileRaw = hostile + " \x9b31m \x9d0;pwned\x07"
)

// obeyed lists what in out a terminal would act on rather than show: ESC
// and the other C0 controls but line ends and tabs, C1 controls (as
// UTF-8 or as the single bytes 8-bit terminals read), and bidi controls.
func obeyed(out []byte) []string {
	var found []string
	seen := map[string]bool{}
	add := func(what string) {
		if !seen[what] {
			seen[what] = true
			found = append(found, what)
		}
	}
	for i := 0; i < len(out); {
		r, size := utf8.DecodeRune(out[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			if out[i] >= 0x80 && out[i] <= 0x9f {
				add(fmt.Sprintf("byte 0x%02x", out[i]))
			}
		case r < 0x20 && r != '\n' && r != '\r' && r != '\t', r == 0x7f:
			add(fmt.Sprintf("U+%04X", r))
		case r >= 0x80 && r <= 0x9f:
			add(fmt.Sprintf("U+%04X", r))
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
			add(fmt.Sprintf("U+%04X", r))
		}
		i += size
	}
	return found
}

// termRun runs the built binary on a pseudo-terminal (script), stdin
// typed into it, and returns every byte the terminal got.
func termRun(t *testing.T, stdin string, args ...string) []byte {
	t.Helper()
	sc := peer.Command(t, "script")
	var line strings.Builder
	line.WriteString("NO_COLOR=1 exec " + binary)
	for _, a := range args {
		line.WriteString(" '" + strings.ReplaceAll(a, "'", `'\''`) + "'")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, sc, "-q", "-e", "-c", line.String(), "/dev/null")
	cmd.Stdin = strings.NewReader(stdin)
	out, _ := cmd.Output()
	if ctx.Err() != nil {
		t.Fatalf("%v did not end:\n%q", args, out)
	}
	return out
}

// hostileServer answers every request with the hostile text in the
// reason phrase, a header and the body. /flip answers 200 the first
// time, then 403 with an AWS refusal explain reads.
func hostileServer(t *testing.T) string {
	var flips atomic.Int32
	return testkit.Serve(t, func(c net.Conn) {
		defer c.Close()
		req, err := http.ReadRequest(bufio.NewReader(c))
		if err != nil {
			return
		}
		status, ctype := "200 OK", "text/plain"
		body := "body " + hostile + "\n"
		if strings.HasPrefix(req.URL.Path, "/flip") && flips.Add(1) > 1 {
			// JSON escapes for the C0 bytes, which a JSON string may not
			// hold raw; C1 and bidi controls raw.
			status, ctype = "403 Forbidden", "application/json"
			body = `{"message":"The request signature we calculated does not match the signature you provided. \u001b]52;c;cHduZWQ=\u0007 \u001b]0;pwned\u0007 ` + hostileC1 + hostileBidi + `"}`
		}
		// A header line may not hold C0 controls (the client refuses the
		// answer); the reason phrase may.
		fmt.Fprintf(c, "HTTP/1.1 %s %s\r\nContent-Type: %s\r\nX-Evil: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
			status, hostile, ctype, hostileC1+hostileBidi, len(body), body)
	})
}

// fakeCognito refuses every call with a message full of hostile text,
// \u001b as JSON writes it, which the SDK decodes to a raw ESC.
func fakeCognito(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"__type":"NotAuthorizedException","message":"Incorrect username or password. \u001b]52;c;cHduZWQ=\u0007 \u001b]0;pwned\u0007 \u009b31m \u202e"}`)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestEveryTextOutputEscapesWhatServersAndFilesSay drives each command
// (send, sign, verify, explain, explain --last, compare, login, ls,
// history list/show/search/diff, import, export) on a real pseudo-terminal
// with hostile bytes in every place a server or a file controls:
// collection, request, environment and profile names, URLs, headers,
// reason phrases, bodies, Cognito's messages and claims. No byte a
// terminal would obey may reach it; each output shows the bytes escaped.
func TestEveryTextOutputEscapesWhatServersAndFilesSay(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	t.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "cache"))
	t.Setenv("SIGSCOPE_HISTORY", filepath.Join(dir, "history.db"))
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	q := strconv.QuoteToASCII // a YAML double-quoted string
	write := func(name, text string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}

	// A URL may not hold control bytes (the collection is refused): bidi
	// controls only there; names and header values take the rest.
	reqName := "get " + hostile
	addr := hostileServer(t)
	coll := write("hostile.yaml", "name: "+q("coll "+hostile)+`
environments:
  `+q("env "+hostile)+`: {region: us-east-1}
auth:
  `+q("keys "+hostile)+`:
    type: static
    access_key_id_env: AWS_ACCESS_KEY_ID
    secret_access_key_env: AWS_SECRET_ACCESS_KEY
requests:
  - name: `+q(reqName)+`
    method: GET
    url: "http://`+addr+`/flip/\u202e?q=\u2066"
    auth: {mode: iam, profile: `+q("keys "+hostile)+`, region: us-east-1, service: execute-api}
    headers: {X-Hostile: `+q("v "+hostileC1+hostileBidi)+`}
`)
	rawReq := "POST /p\u202e?a=\u2066 HTTP/1.1\nHost: h.example.com\nX-Hostile: v " + hostileC1 + hostileBidi + " \x9b\x9d\nContent-Length: " + strconv.Itoa(len(hostileRaw)) + "\n\n" + hostileRaw
	raw := write("request.txt", rawReq)
	signed := write("signed.txt", "GET /p\u202e HTTP/1.1\nHost: h.example.com\nX-Amz-Date: 20150830T123600Z\nX-Hostile: v "+hostileC1+hostileBidi+
		"\nAuthorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date;x-hostile, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31\n\n")
	canon := "GET\n/p" + hostile + "\n\nhost:h.example.com\nx-hostile:" + hostile + "\n\nhost;x-hostile\nUNSIGNED-PAYLOAD"
	answer := write("answer.json", `{"message":`+jsonQuote("The request signature we calculated does not match the signature you provided. "+hostile+"\n\nThe Canonical String for this request should have been\n'"+canon+"'\n")+`}`)
	curlFile := write("curl.txt", `curl 'https://h.example.com/p`+"\u202e"+`' -H $'X-Hostile: \x1b]52;c;cHduZWQ=\x07 `+hostileC1+hostileBidi+`' -H 'Cookie: a=`+hostileBidi+`' --data $'\x1b]0;pwned\x07'`+"\n")
	postman := write("postman.json", `{"info":{"name":`+jsonQuote("P "+hostile)+`,"schema":"https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
 "item":[{"name":`+jsonQuote("R "+hostile)+`,"event":[{"listen":"prerequest","script":{"exec":["console.log(1)"]}}],
  "request":{"method":"GET","url":"https://h.example.com/p","header":[{"key":"X-Hostile","value":`+jsonQuote(hostile)+`}],"auth":{"type":`+jsonQuote("oauth2"+hostile)+`}}}]}`)

	// Cognito: one that refuses with a hostile message, and the emulator
	// with a user whose name and email are hostile.
	cognitoColl := write("cognito.yaml", `name: `+q("login "+hostile)+`
auth:
  pool:
    type: cognito
    region: us-east-1
    user_pool_id: us-east-1_Hostile
    client_id: 1example23456789
    endpoint: `+fakeCognito(t)+`
    username: `+q("bob "+hostile)+`
    password_env: HOSTILE_PASSWORD
requests:
  - name: r
    url: https://h.example.com/
`)
	t.Setenv("HOSTILE_PASSWORD", "Wr0ng-passw0rd")
	cfg := emulator.DefaultConfig()
	evilUser := "eve" + hostileC1 + hostileBidi
	cfg.Cognito.UserPools[0].Users = append(cfg.Cognito.UserPools[0].Users,
		cognito.UserConfig{Username: evilUser, Password: demoUserPassword, Attributes: map[string]string{"email": "eve" + hostile + "@example.com"}},
		cognito.UserConfig{Username: "setup" + hostile, Password: demoUserPassword, MFA: &cognito.MFAConfig{Type: "totp-setup"}})
	ctx, cancel := context.WithCancel(context.Background())
	emu, err := emulator.Start(ctx, emulator.Options{Config: cfg, Log: &lockedBuf{}})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { emu.Close(); cancel() })
	t.Setenv("SIGSCOPE_DEMO_PASSWORD", demoUserPassword)

	steps := []struct {
		name  string
		stdin string
		args  []string
	}{
		{"send", "", []string{"send", coll, reqName, "--yes"}},                         // 200: the body
		{"send -i", "", []string{"send", coll, reqName, "--yes", "-i"}},                // 403: reason, headers, mismatch
		{"send --show-signing", "", []string{"send", coll, reqName, "--show-signing"}}, // trusted by now
		{"sign", "", []string{"sign", "--request-file", raw, "--region", "us-east-1"}},
		{"verify", "", []string{"verify", signed, "--secret-key", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "--now", "2015-08-30T12:40:00Z"}},
		{"explain", "", []string{"explain", answer, "--request-file", signed}},
		{"explain --last", "", []string{"explain", "--last"}},
		{"compare", "", []string{"compare", "--request-file", raw}},
		{"ls", "", []string{"ls", coll}},
		{"history", "", []string{"history"}},
		{"history list", "", []string{"history", "list", "--status", "4xx"}},
		{"history show", "", []string{"history", "show", "2"}},
		{"history search", "", []string{"history", "search", "pwned"}},
		{"history diff", "", []string{"history", "diff", "2"}},
		{"import curl", "", []string{"import", curlFile}},
		{"import postman", "", []string{"import", postman}},
		{"export curl", "", []string{"export", coll, reqName, "--as", "curl", "--yes"}},
		{"export raw", "", []string{"export", coll, reqName, "--as", "raw", "--yes"}},
		{"export httpie", "", []string{"export", coll, reqName, "--as", "httpie", "--yes"}},
		{"login refused", "again-1\nagain-2\n", []string{"login", cognitoColl, "--yes"}},
		{"login claims", "", []string{"login", demoCollection, "--var", "emulator=" + emu.URL, "--username", evilUser, "--yes"}},
		{"login TOTP setup", "", []string{"login", demoCollection, "--var", "emulator=" + emu.URL, "--username", "setup" + hostile, "--yes"}},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			out := termRun(t, s.stdin, s.args...)
			if bad := obeyed(out); len(bad) > 0 {
				t.Errorf("%s reached the terminal raw:\n%q", strings.Join(bad, ", "), out)
			}
			// The hostile text was there, shown (however escaped): the
			// check saw something.
			if !strings.Contains(string(out), "pwned") {
				t.Errorf("no hostile text shown escaped: the command did not get to it?\n%q", out)
			}
		})
	}
}

// TestCompareEscapesBidiControls: compare prints the request's own lines;
// a bidi override in a header would reorder what the person reads, so it
// is shown as \u202e, like every other command shows it.
func TestCompareEscapesBidiControls(t *testing.T) {
	req := "GET /p HTTP/1.1\nHost: h.example.com\nX-Hostile: a" + hostileBidi + "b " + hostileC1 + "\n\n"
	var out, errb lockedBuf
	if code := Main([]string{"compare"}, strings.NewReader(req), &out, &errb); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if bad := obeyed([]byte(out.String() + errb.String())); len(bad) > 0 {
		t.Fatalf("%s printed raw:\n%q", strings.Join(bad, ", "), out.String())
	}
	if !strings.Contains(out.String(), `x-hostile:a\u202e\u2066\u200f\u061cb \x9b31m\x9d0;pwned\x9c`) {
		t.Fatalf("the header is not shown escaped:\n%s", out.String())
	}
}
