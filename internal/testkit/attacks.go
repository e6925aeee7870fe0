package testkit

import (
	"embed"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

//go:embed attacks/*.yaml
var attackFiles embed.FS

// Planted are the values the attack corpus tries to steal; a test puts
// them in the environment it gives sigscope.
var Planted = map[string]string{
	"AWS_SECRET_ACCESS_KEY": "planted/SECRET+key0123456789abcdefghijkl",
	"SIGSCOPE_ATTACK_VALUE": "planted-attack-value-0123456789",
}

// Attack is one collection of the corpus, written where a test can open
// it, with what sigscope must do with it:
//
//	refused: opening, sending or logging in fails with a message holding Want
//	confirm: nothing is sent before the user confirms the collection
//	good:    sent, but only to the collection's own host, and no secret
//	         reaches the other one
type Attack struct {
	Name, Path, Expect, Want string
}

var expectLine = regexp.MustCompile(`(?m)^# expect: (\w+)(?: "([^"]*)")?$`)

// Attacks writes the corpus into a new folder with its placeholders
// filled: GOOD is the URL of the server the collection is for, ATTACKER
// the URL of the one that must learn nothing (ATTACKER_HOST its
// host:port), LINK a symbolic link to a file outside the folder.
func Attacks(t testing.TB, good, attacker string) []Attack {
	t.Helper()
	root := t.TempDir()
	dir := filepath.Join(root, "repo", "collection")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(root, "outside.txt")
	if err := os.WriteFile(outside, []byte("aws_secret_access_key = "+Planted["AWS_SECRET_ACCESS_KEY"]+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "LINK")); err != nil {
		t.Fatal(err)
	}
	au, err := url.Parse(attacker)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := attackFiles.ReadDir("attacks")
	if err != nil {
		t.Fatal(err)
	}
	var out []Attack
	for _, e := range entries {
		data, err := attackFiles.ReadFile("attacks/" + e.Name())
		if err != nil {
			t.Fatal(err)
		}
		m := expectLine.FindSubmatch(data)
		if m == nil {
			t.Fatalf("%s has no '# expect:' line", e.Name())
		}
		text := strings.NewReplacer("ATTACKER_HOST", au.Host, "ATTACKER", attacker, "GOOD", good).Replace(string(data))
		path := filepath.Join(dir, e.Name())
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		out = append(out, Attack{Name: strings.TrimSuffix(e.Name(), ".yaml"), Path: path, Expect: string(m[1]), Want: string(m[2])})
	}
	return out
}

// PlantedEnv looks up the planted values (and nothing else).
func PlantedEnv(name string) (string, bool) {
	v, ok := Planted[name]
	return v, ok
}

// Leaks lists the planted values found in raw requests, in clear or
// percent-encoded.
func Leaks(raw []string) []string {
	var found []string
	for name, v := range Planted {
		for _, r := range raw {
			if strings.Contains(r, v) || strings.Contains(r, url.QueryEscape(v)) || strings.Contains(r, url.PathEscape(v)) {
				found = append(found, name)
				break
			}
		}
	}
	return found
}

// RedirectingRecorder answers /redirect with a 302 to another URL, and
// anything else with 200.
func RedirectingRecorder(t testing.TB, to func() string) *Recorder {
	return NewRecorder(t, func(r *http.Request) string {
		if r.URL.Path == "/redirect" {
			return "HTTP/1.1 302 Found\r\nLocation: " + to() + "/landing\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
		}
		return OK(r)
	})
}
