//go:build unix

package importer

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// planted is what the files outside the collection hold: it must show up
// in no output, finding or error.
const planted = "hvs.PLANTEDvaultTOKEN0000secret"

// hostileOutside writes, outside any collection folder, a token file and
// a valid request and environment that carry the planted secret.
func hostileOutside(t *testing.T) string {
	t.Helper()
	out := t.TempDir()
	write(t, filepath.Join(out, "vault-token"), planted)
	write(t, filepath.Join(out, "request.bru"), "meta {\n  name: stolen\n}\n\nget {\n  url: https://h.test/\n}\n\nheaders {\n  X-Stolen: "+planted+"\n}\n")
	write(t, filepath.Join(out, "request.yml"), "info:\n  name: stolen\nhttp:\n  method: GET\n  url: https://h.test/\n  headers:\n    - name: X-Stolen\n      value: "+planted+"\n")
	write(t, filepath.Join(out, "env.bru"), "vars {\n  stolen: "+planted+"\n}\n")
	write(t, filepath.Join(out, "env.yml"), "variables:\n  - name: stolen\n    value: "+planted+"\n")
	return out
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

// importWithin imports path, failing (not hanging) when the import does not
// finish: a guard far longer than any import, not a measurement.
func importWithin(t *testing.T, path string) (*Collection, error) {
	t.Helper()
	type res struct {
		c   *Collection
		err error
	}
	ch := make(chan res, 1)
	go func() {
		c, err := ImportPath(path, "")
		ch <- res{c, err}
	}()
	select {
	case r := <-ch:
		return r.c, r.err
	case <-time.After(20 * time.Second):
		t.Fatalf("import of %s did not finish", path)
		return nil, nil
	}
}

// hostileFolder adds to a collection folder every kind of file an import
// must not read: links to /dev/zero, to a secret outside and to a folder
// outside, a FIFO with no writer, a file past the size limit and an
// environments folder that is a link.
func hostileFolder(t *testing.T, dir, ext, outside string) {
	t.Helper()
	symlink(t, "/dev/zero", filepath.Join(dir, "zzz"+ext))
	symlink(t, filepath.Join(outside, "request"+ext), filepath.Join(dir, "stolen"+ext))
	symlink(t, outside, filepath.Join(dir, "linked-folder"))
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo"+ext), 0o644); err != nil {
		t.Fatal(err)
	}
	big, err := os.Create(filepath.Join(dir, "big"+ext))
	if err != nil {
		t.Fatal(err)
	}
	// Sparse: the limit's worth of nothing, on no disk.
	if err := big.Truncate(maxInput + 1); err != nil {
		t.Fatal(err)
	}
	big.Close()
	envs := t.TempDir()
	symlink(t, filepath.Join(outside, "env"+ext), filepath.Join(envs, "prod"+ext))
	symlink(t, envs, filepath.Join(dir, "environments"))
}

func checkNoPlanted(t *testing.T, c *Collection, err error) {
	t.Helper()
	if err != nil {
		if strings.Contains(err.Error(), planted[:8]) {
			t.Fatalf("the error quotes the planted secret: %v", err)
		}
		t.Fatal(err)
	}
	data, yerr := c.YAML()
	if yerr != nil {
		t.Fatal(yerr)
	}
	if strings.Contains(string(data), planted[:8]) || strings.Contains(string(data), "stolen") {
		t.Errorf("the YAML holds what a link points to:\n%s", data)
	}
	for _, f := range c.Report.Findings {
		if strings.Contains(f.Where+f.What, planted[:8]) {
			t.Errorf("a finding quotes the planted secret: %s: %s", f.Where, f.What)
		}
	}
}

func wantSkipped(t *testing.T, c *Collection, where, reason string) {
	t.Helper()
	for _, f := range c.Report.Findings {
		if f.Where == where && strings.HasPrefix(f.What, "not read: ") && strings.Contains(f.What, reason) {
			return
		}
	}
	t.Errorf("no finding says %s was not read (%s); findings:", where, reason)
	for _, f := range c.Report.Findings {
		t.Logf("  %s: %s", f.Where, f.What)
	}
}

// TestBrunoFolderReadsRegularFilesOnly: links (to /dev/zero, to a secret
// outside, to folders), a FIFO and an oversize file in a Bruno folder are
// listed as not read, the import finishes, and nothing they point to
// reaches the collection, the report or an error.
func TestBrunoFolderReadsRegularFilesOnly(t *testing.T) {
	outside := hostileOutside(t)
	for _, tc := range []struct {
		name, ext, marker, request string
	}{
		{"bru", ".bru", "bruno.json", "meta {\n  name: ok\n}\n\nget {\n  url: https://h.test/ok\n}\n"},
		{"yaml", ".yml", "opencollection.yml", "info:\n  name: ok\nhttp:\n  method: GET\n  url: https://h.test/ok\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			marker := `{"name": "hostile"}`
			if tc.ext == ".yml" {
				marker = "info:\n  name: hostile\n"
			}
			write(t, filepath.Join(dir, tc.marker), marker)
			write(t, filepath.Join(dir, "ok"+tc.ext), tc.request)
			hostileFolder(t, dir, tc.ext, outside)
			// Where a folder or collection settings file would be.
			if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
				t.Fatal(err)
			}
			symlink(t, filepath.Join(outside, "vault-token"), filepath.Join(dir, "sub", "folder"+tc.ext))
			if tc.ext == ".bru" {
				symlink(t, filepath.Join(outside, "vault-token"), filepath.Join(dir, "collection.bru"))
			}

			c, err := importWithin(t, dir)
			checkNoPlanted(t, c, err)
			if c.Report.Imported != 1 {
				t.Errorf("imported %d requests, want the 1 regular one", c.Report.Imported)
			}
			wantSkipped(t, c, "zzz"+tc.ext, "symbolic link")
			wantSkipped(t, c, "stolen"+tc.ext, "symbolic link")
			wantSkipped(t, c, "linked-folder", "symbolic link")
			wantSkipped(t, c, "environments", "symbolic link")
			wantSkipped(t, c, "sub/folder"+tc.ext, "symbolic link")
			wantSkipped(t, c, "fifo"+tc.ext, "named pipe")
			wantSkipped(t, c, "big"+tc.ext, "more than an export can be")
			if tc.ext == ".bru" {
				wantSkipped(t, c, "collection.bru", "symbolic link")
			}
		})
	}
}

// TestBrunoFolderMarkerLinkRefused: a bruno.json or opencollection.yml that
// is a link fails the import, without quoting what it points to.
func TestBrunoFolderMarkerLinkRefused(t *testing.T) {
	outside := hostileOutside(t)
	for _, marker := range []string{"bruno.json", "opencollection.yml"} {
		dir := t.TempDir()
		symlink(t, filepath.Join(outside, "vault-token"), filepath.Join(dir, marker))
		_, err := importWithin(t, dir)
		if err == nil || !strings.Contains(err.Error(), "symbolic link") || strings.Contains(err.Error(), planted[:8]) {
			t.Errorf("%s a link: error %v, want a refusal that quotes nothing", marker, err)
		}
	}
}

// TestImportPathRefusesDevicesAndFIFOs: a named export file must be a
// regular file: /dev/zero never ends and a FIFO waits for a writer.
// A link the user names to a regular file is theirs to follow.
func TestImportPathRefusesDevicesAndFIFOs(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "export.json")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{"/dev/zero": "a device", fifo: "a named pipe"} {
		if _, err := importWithin(t, path); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("import %s: %v, want %q", path, err, want)
		}
	}
	req := filepath.Join(dir, "req.bru")
	write(t, req, "meta {\n  name: ok\n}\n\nget {\n  url: https://h.test/ok\n}\n")
	link := filepath.Join(dir, "link.bru")
	symlink(t, req, link)
	if c, err := importWithin(t, link); err != nil || c.Report.Imported != 1 {
		t.Errorf("import of a named link to a request: %v", err)
	}
}
