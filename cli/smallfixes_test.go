package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Issue 10's smaller items, each as the user met it.
func TestSmallFixes(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
	run := func(stdin string, args ...string) (int, string, string) {
		var out, errb lockedBuf
		code := Main(args, strings.NewReader(stdin), &out, &errb)
		return code, out.String(), errb.String()
	}
	// A repeated --var is refused, not silently last-wins.
	if code, _, stderr := run("", "send", demoCollection, "Public", "--var", "emulator=http://a", "--var", "emulator=http://b"); code != ExitUsage || !strings.Contains(stderr, "--var emulator is given twice") {
		t.Errorf("repeated --var: exit %d: %s", code, stderr)
	}
	// A lower-case method is refused with the fix.
	if code, _, stderr := run("get /p HTTP/1.1\nHost: h\n\n", "sign", "--region", "us-east-1"); code != ExitError || !strings.Contains(stderr, "write GET") {
		t.Errorf("lower-case method: exit %d: %s", code, stderr)
	}
	// The signed request is replayable: "Name: value", a Content-Length.
	code, stdout, stderr := run("POST /p HTTP/1.1\nHost: h.example.com\n\nhello", "sign", "--region", "us-east-1", "-o", "json")
	var v map[string]any
	if code != ExitOK || json.Unmarshal([]byte(stdout), &v) != nil {
		t.Fatalf("sign: exit %d: %s", code, stderr)
	}
	sr := v["signed_request"].(string)
	if !strings.HasPrefix(sr, "POST /p HTTP/1.1\r\nHost: h.example.com\r\n") || !strings.Contains(sr, "Content-Length: 5\r\n") || !strings.HasSuffix(sr, "\r\n\r\nhello") {
		t.Errorf("signed request not replayable: %q", sr)
	}
	// An empty key variable is "set but empty", not "not set".
	dir := t.TempDir()
	coll := filepath.Join(dir, "c.yaml")
	os.WriteFile(coll, []byte("name: c\nauth:\n  k: {type: static, access_key_id_env: EMPTY_AK, secret_access_key_env: EMPTY_SK}\nrequests:\n  - name: r\n    method: GET\n    url: http://127.0.0.1:9/x\n    auth: {mode: iam, profile: k, region: us-east-1}\n"), 0o600)
	t.Setenv("EMPTY_AK", "")
	t.Setenv("EMPTY_SK", "x")
	t.Setenv("HOME", dir)
	t.Setenv("XDG_CACHE_HOME", dir)
	if code, _, stderr := run("", "send", coll, "r", "--yes"); code != ExitError || !strings.Contains(stderr, "EMPTY_AK is set but empty") {
		t.Errorf("empty variable: exit %d: %s", code, stderr)
	}
}

// TestSignFromDevNull: /dev/null is a character device but no terminal:
// an empty request, said so, not "pass --request-file".
func TestSignFromDevNull(t *testing.T) {
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	var out, errb lockedBuf
	code := Main([]string{"sign", "--region", "us-east-1"}, null, &out, &errb)
	if code == ExitOK || strings.Contains(errb.String(), "pipe a raw HTTP request") {
		t.Fatalf("sign < /dev/null: exit %d: %s", code, errb.String())
	}
}

// TestSendJSONMasksDerivedKeys: kDate alone signs for the whole day: send
// -o json shows the derived keys' first bytes only, unless --show-secrets.
func TestSendJSONMasksDerivedKeys(t *testing.T) {
	sj := signJSON{SigningKey: "0123456789abcdef0123456789abcdef"}
	sj.DerivedKeys.Date = "fedcba9876543210fedcba9876543210"
	maskKeys(&sj, false)
	if strings.Contains(sj.SigningKey, "89abcdef") || strings.Contains(sj.DerivedKeys.Date, "76543210") {
		t.Fatalf("keys in clear: %+v", sj)
	}
	sj = signJSON{SigningKey: "0123456789abcdef0123456789abcdef"}
	maskKeys(&sj, true)
	if sj.SigningKey != "0123456789abcdef0123456789abcdef" {
		t.Fatal("--show-secrets did not show the key")
	}
}

// TestAllowFile: a body file outside the collection's folder is refused
// until the user allows it by name.
func TestAllowFile(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "api")
	os.MkdirAll(dir, 0o700)
	outside := filepath.Join(root, "payload.json")
	os.WriteFile(outside, []byte(`{"a":1}`), 0o600)
	coll := filepath.Join(dir, "c.yaml")
	os.WriteFile(coll, []byte("name: c\nrequests:\n  - name: r\n    method: POST\n    url: http://127.0.0.1:9/x\n    body: {file: ../payload.json}\n"), 0o600)
	t.Setenv("HOME", root)
	t.Setenv("XDG_CACHE_HOME", root)
	var out, errb lockedBuf
	code := Main([]string{"send", coll, "r", "--yes"}, strings.NewReader(""), &out, &errb)
	if code != ExitError || !strings.Contains(errb.String(), "outside the collection's folder") {
		t.Fatalf("without --allow-file: exit %d: %s", code, errb.String())
	}
	errb = lockedBuf{}
	code = Main([]string{"send", coll, "r", "--yes", "--allow-file", outside, "--timeout", "2s"}, strings.NewReader(""), &out, &errb)
	if strings.Contains(errb.String(), "outside the collection's folder") || code != ExitTransport {
		t.Fatalf("with --allow-file: exit %d: %s", code, errb.String())
	}
}
