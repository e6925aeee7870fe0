package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/collections"
)

// read reads a file named as gendemo names it, relative to
// examples/collections, where go generate runs it.
func read(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", path))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// The committed demo is what the outputs and the overlay generate, byte
// for byte.
func TestDemoIsGenerated(t *testing.T) {
	got, err := Generate(read(t, outputsPath), read(t, overlayPath))
	if err != nil {
		t.Fatal(err)
	}
	if want := read(t, demoPath); !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) && i < len(wl); i++ {
			if gl[i] != wl[i] {
				t.Fatalf("examples/collections/demo.yaml is not what the overlay and the outputs generate: line %d is %q, generated %q; run `go generate ./examples/collections` and commit it", i+1, wl[i], gl[i])
			}
		}
		t.Fatalf("examples/collections/demo.yaml has %d lines, generated %d; run `go generate ./examples/collections` and commit it", len(wl), len(gl))
	}
}

// What the outputs say reaches the demo: another pool, client and endpoint
// in the outputs give a demo with them.
func TestDemoFollowsTheOutputs(t *testing.T) {
	out := string(read(t, outputsPath))
	for old, new := range map[string]string{
		"us-east-1_Demo1":                                "eu-west-1_Other9",
		"3n4b5urk1ft4fl3mg5e62d9ado":                     "7abcdefghijklmnopqrstuvwx",
		"\"aws_region\": \"us-east-1\"":                  "\"aws_region\": \"eu-west-1\"",
		"http://127.0.0.1:7466/prod/":                    "http://127.0.0.1:7466/beta/",
		"us-east-1:1a2b3c4d-0000-4000-8000-1234567890ab": "eu-west-1:99999999-0000-4000-8000-1234567890ab",
	} {
		if !strings.Contains(out, old) {
			t.Fatalf("the outputs have no %q: update this test", old)
		}
		out = strings.ReplaceAll(out, old, new)
	}
	data, err := Generate([]byte(out), read(t, overlayPath))
	if err != nil {
		t.Fatal(err)
	}
	c, err := collections.LoadBytes(demoPath, data)
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"emulator": "http://127.0.0.1:4566"}
	r, err := c.Resolve("List pets", "", vars, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.URL != "http://127.0.0.1:4566/beta/pets" {
		t.Errorf("List pets goes to %s, want the outputs' endpoint", r.URL)
	}
	p, _, err := c.ResolveProfile("app", "", vars, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.UserPoolID != "eu-west-1_Other9" || p.ClientID != "7abcdefghijklmnopqrstuvwx" || p.IdentityPoolID != "eu-west-1:99999999-0000-4000-8000-1234567890ab" || p.Region != "eu-west-1" {
		t.Errorf("profile app: %+v, want the outputs' pools and region", p)
	}
	// The overlay's part stays: the demo user and the teaching profile.
	if p.Username != "demo" {
		t.Errorf("profile app's user %q, want the overlay's demo", p.Username)
	}
}

// A broken overlay is named with its line and the fix.
func TestOverlayErrors(t *testing.T) {
	outputs := read(t, outputsPath)
	overlay := string(read(t, overlayPath))
	for name, tc := range map[string]struct{ overlay, want string }{
		"no marker":     {strings.Replace(overlay, "#= generated\n", "", 1), `no "#= generated" line`},
		"unknown slot":  {strings.Replace(overlay, "\n#= amplify environments\n", "\n#= amplify routes\n", 1), `unknown slot "routes"`},
		"no profile":    {strings.Replace(overlay, "#= amplify profile amplify", "#= amplify profile web", 1), `no auth profile "web" (it has amplify)`},
		"missing slot":  {strings.Replace(overlay, "#= amplify default_environment\n", "", 1), `no "#= amplify default_environment" line`},
		"does not load": {strings.Replace(overlay, "    username: demo\n", "    username: [demo]\n", 1), "the generated demo does not load"},
	} {
		_, err := Generate(outputs, []byte(tc.overlay))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
}
