package importer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestParseErrorsQuoteOnlyAnExcerpt: a file that is not what it claims
// (a token, a key file) is quoted in errors by at most 40 bytes, with
// terminal controls escaped.
func TestParseErrorsQuoteOnlyAnExcerpt(t *testing.T) {
	const secret = "PLANTEDSECRETTAIL"
	long := strings.Repeat("x", 45) + secret
	for _, src := range []string{
		long + " not a block\n",
		long + "{\n  a: b\n",                                // a block that is not closed, named by the whole line
		"headers {\n  \"" + long + "\" " + secret + "\n}\n", // no ':' after a quoted key
		"headers {\n  " + long + "\n}\n",                    // no ':'
		"headers {\n  " + long + ": '''\n  v\n}\n",          // text not closed
		"\x1b]0;owned\x07" + long + "\n",
	} {
		_, err := parseBru("f.bru", src)
		if err == nil {
			t.Fatalf("%q parsed", src)
		}
		msg := err.Error()
		if strings.Contains(msg, secret[:7]) || strings.ContainsAny(msg, "\x1b\x07") || len(msg) > 160 {
			t.Errorf("%q: the error quotes too much: %s", src, msg)
		}
	}

	// yaml.v3 quotes a duplicate key whole.
	dir := t.TempDir()
	put := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	put("opencollection.yml", "info:\n  name: c\n")
	put("r.yml", long+": 1\n"+long+": 2\n")
	_, err := ImportPath(dir, "")
	if err == nil || !strings.Contains(err.Error(), "already defined") || strings.Contains(err.Error(), secret[:7]) {
		t.Errorf("duplicate YAML key: %v", err)
	}
}

// TestBrunoFolderTotalBounded: the files of a folder together are bounded
// as one export is, each of them under the limit.
func TestBrunoFolderTotalBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and reads 64 MiB")
	}
	dir := t.TempDir()
	docs := "meta {\n  name: r\n}\n\nget {\n  url: https://h.test/\n}\n\ndocs {\n  " + strings.Repeat("a", maxInput/2) + "\n}\n"
	for _, name := range []string{"bruno.json", "a.bru", "b.bru"} {
		content := docs
		if name == "bruno.json" {
			content = `{"name": "big"}`
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ImportPath(dir, ""); err == nil || !strings.Contains(err.Error(), "more than 64 MiB together") {
		t.Errorf("two files of half the limit each: %v", err)
	}
}
