package collections

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// copyToTemp copies the commented test collection into a fresh folder.
func copyToTemp(t *testing.T, name string, mode os.FileMode) (path string, orig []byte) {
	t.Helper()
	orig, err := os.ReadFile("testdata/commented.yaml")
	if err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, orig, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // WriteFile's mode is filtered by umask
		t.Fatal(err)
	}
	return path, orig
}

// onlyFile asserts the folder holds nothing but the collection: no
// temporary file left behind.
func onlyFile(t *testing.T, path string) {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != filepath.Base(path) {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("folder holds %v, want only %s", names, filepath.Base(path))
	}
}

func TestSaveWritesAndKeepsMode(t *testing.T) {
	path, orig := copyToTemp(t, "orders.yaml", 0o600)
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetURL("List orders", "{{base_url}}/v2/orders"); err != nil {
		t.Fatal(err)
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if !bytes.Equal(got, c.Bytes()) || bytes.Equal(got, orig) {
		t.Errorf("saved bytes are not the edited text")
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600 kept", st.Mode().Perm())
	}
	onlyFile(t, path)
	again, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if r, err := again.Resolve("List orders", "dev", nil, nil); err != nil || r.URL != "http://127.0.0.1:3000/dev/v2/orders" {
		t.Errorf("reloaded: %v %v", r, err)
	}
	// A second save after a second edit works from the saved state.
	if err := c.SetHeader("List orders", "X-Client", "two"); err != nil {
		t.Fatal(err)
	}
	if err := c.Save(); err != nil {
		t.Errorf("second save: %v", err)
	}
}

// Each step of the atomic write fails in turn; the original file must keep
// its bytes and no temporary file may be left.
func TestSaveFailureLeavesOriginal(t *testing.T) {
	enospc := &os.PathError{Op: "write", Path: "tmp", Err: syscall.ENOSPC}
	cases := map[string]func(o *fileOps){
		"create": func(o *fileOps) {
			o.createTemp = func(string, string) (*os.File, error) { return nil, syscall.EACCES }
		},
		"write half then disk full": func(o *fileOps) {
			o.write = func(f *os.File, b []byte) (int, error) {
				n, _ := f.Write(b[:len(b)/2])
				return n, enospc
			}
		},
		"short write": func(o *fileOps) {
			o.write = func(f *os.File, b []byte) (int, error) { return f.Write(b[:10]) }
		},
		"fsync": func(o *fileOps) {
			o.sync = func(*os.File) error { return syscall.EIO }
		},
		"rename": func(o *fileOps) {
			o.rename = func(string, string) error { return syscall.EXDEV }
		},
	}
	for name, breakIt := range cases {
		t.Run(name, func(t *testing.T) {
			path, orig := copyToTemp(t, "orders.yaml", 0o644)
			c, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.SetAuthMode("Create order", ModeIAM); err != nil {
				t.Fatal(err)
			}
			ops := osOps
			breakIt(&ops)
			err = c.save(ops)
			if err == nil || !strings.HasPrefix(err.Error(), "save "+path+": ") {
				t.Errorf("want a save error naming the file, got %v", err)
			}
			got, _ := os.ReadFile(path)
			if !bytes.Equal(got, orig) {
				t.Errorf("the original file was damaged")
			}
			onlyFile(t, path)
			// The edit is still in memory: a later save can succeed.
			if err := c.Save(); err != nil {
				t.Errorf("save after the failure: %v", err)
			}
		})
	}
}

// A real failure from the operating system, without injected faults: the
// temporary file's name is too long for the file system. This works as
// root too, unlike a read-only folder.
func TestSaveRealFailureNameTooLong(t *testing.T) {
	name := strings.Repeat("n", 240) + ".yaml" // fits in 255 bytes; ".<name>.tmp-<digits>" does not
	path, orig := copyToTemp(t, name, 0o644)
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetURL("List orders", "{{base_url}}/x"); err != nil {
		t.Fatal(err)
	}
	err = c.Save()
	if err == nil || !errors.Is(err, syscall.ENAMETOOLONG) {
		t.Fatalf("want ENAMETOOLONG, got %v", err)
	}
	got, _ := os.ReadFile(path)
	if !bytes.Equal(got, orig) {
		t.Errorf("the original file was damaged")
	}
	onlyFile(t, path)
}

func TestSaveRefusesFileChangedOnDisk(t *testing.T) {
	path, _ := copyToTemp(t, "orders.yaml", 0o644)
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetURL("List orders", "{{base_url}}/x"); err != nil {
		t.Fatal(err)
	}
	theirs := []byte("name: edited elsewhere\n")
	if err := os.WriteFile(path, theirs, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := c.Save(); !errors.Is(err, ErrChangedOnDisk) {
		t.Errorf("want ErrChangedOnDisk, got %v", err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, theirs) {
		t.Errorf("the other editor's change was overwritten")
	}
}

func TestSaveThroughSymlink(t *testing.T) {
	path, _ := copyToTemp(t, "orders.yaml", 0o644)
	link := filepath.Join(t.TempDir(), "link.yaml")
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	c, err := Load(link)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetURL("List orders", "{{base_url}}/x"); err != nil {
		t.Fatal(err)
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the symlink was replaced by a file")
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, c.Bytes()) {
		t.Errorf("the link's target was not updated")
	}
}

func TestSaveNewFileFromLoadBytes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.yaml")
	c := mustLoad(t, doc("name: fresh"))
	c.Path = path
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "name: fresh\n" {
		t.Errorf("got %q", got)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o644 {
		t.Errorf("new file mode %v, want 0644", st.Mode().Perm())
	}
}
