package collections

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFileBodiesStayInTheCollectionsFolder: `file: ../.aws/credentials`
// and a symlink beside the collection pointing out are refused; a file
// beside it, or one the user allowed, is read.
func TestFileBodiesStayInTheCollectionsFolder(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "api")
	os.MkdirAll(dir, 0o700)
	os.WriteFile(filepath.Join(root, "credentials"), []byte("aws_secret_access_key=SECRET"), 0o600)
	os.WriteFile(filepath.Join(dir, "pet.json"), []byte(`{"name":"Rex"}`), 0o600)
	os.Symlink(filepath.Join(root, "credentials"), filepath.Join(dir, "link.json"))
	src := "name: files\nrequests:\n" +
		"  - {name: beside, method: POST, url: 'http://h/p', body: {file: pet.json}}\n" +
		"  - {name: parent, method: POST, url: 'http://h/p', body: {file: ../credentials}}\n" +
		"  - {name: absolute, method: POST, url: 'http://h/p', body: {file: " + filepath.Join(root, "credentials") + "}}\n" +
		"  - {name: link, method: POST, url: 'http://h/p', body: {file: link.json}}\n"
	path := filepath.Join(dir, "c.yaml")
	os.WriteFile(path, []byte(src), 0o600)
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if rr, err := c.Resolve("beside", "", nil, nil); err != nil || string(rr.Body.Bytes) != `{"name":"Rex"}` {
		t.Fatalf("beside: %v", err)
	}
	for _, name := range []string{"parent", "absolute", "link"} {
		_, err := c.Resolve(name, "", nil, nil)
		if err == nil || !strings.Contains(err.Error(), "outside the collection's folder") || !strings.Contains(err.Error(), "--allow-file") {
			t.Errorf("%s: %v", name, err)
		}
	}
	c.AllowFiles = []string{filepath.Join(root, "credentials")}
	if _, err := c.Resolve("parent", "", nil, nil); err != nil {
		t.Errorf("allowed: %v", err)
	}
}
