package collections

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrChangedOnDisk is returned by Save when the file no longer holds what
// was loaded: someone edited it meanwhile, and writing would lose that.
var ErrChangedOnDisk = errors.New("the file changed on disk since it was loaded; reload it before saving")

// fileOps are the file system calls Save makes, replaceable in tests to
// simulate a full disk or a failing rename.
type fileOps struct {
	createTemp func(dir, pattern string) (*os.File, error)
	write      func(f *os.File, b []byte) (int, error)
	sync       func(f *os.File) error
	rename     func(oldpath, newpath string) error
}

var osOps = fileOps{
	createTemp: os.CreateTemp,
	write:      func(f *os.File, b []byte) (int, error) { return f.Write(b) },
	sync:       func(f *os.File) error { return f.Sync() },
	rename:     os.Rename,
}

// Save writes the collection to its file atomically: a temporary file in
// the same folder is written, flushed to disk and renamed over the
// original, whose permission bits it keeps. A failure at any step leaves
// the original file as it was and removes the temporary file.
func (c *Collection) Save() error {
	return c.save(osOps)
}

func (c *Collection) save(ops fileOps) error {
	path := c.Path
	if path == "" {
		return fmt.Errorf("save: the collection has no file name")
	}
	// Write through a symlink to its target, not over the link itself.
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	mode := fs.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		if !st.Mode().IsRegular() {
			return fmt.Errorf("save %s: not a regular file", c.Path)
		}
		mode = st.Mode().Perm()
		if c.fromDisk {
			cur, err := os.ReadFile(path)
			if err != nil {
				return fmt.Errorf("save %s: %w", c.Path, err)
			}
			if !bytes.Equal(cur, c.diskData) {
				return fmt.Errorf("save %s: %w", c.Path, ErrChangedOnDisk)
			}
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("save %s: %w", c.Path, err)
	}
	data := c.src.data
	if err := writeAtomic(ops, path, data, mode); err != nil {
		return fmt.Errorf("save %s: %w", c.Path, err)
	}
	c.diskData = append([]byte(nil), data...)
	c.fromDisk = true
	return nil
}

func writeAtomic(ops fileOps, path string, data []byte, mode fs.FileMode) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := ops.createTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if n, err := ops.write(f, data); err != nil {
		return err
	} else if n != len(data) {
		return fmt.Errorf("short write to %s", tmp)
	}
	if err := f.Chmod(mode); err != nil {
		return err
	}
	if err := ops.sync(f); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := ops.rename(tmp, path); err != nil {
		return err
	}
	// Make the rename itself durable; not all systems allow syncing a
	// directory, and the data is already safe, so failures are ignored.
	if d, derr := os.Open(dir); derr == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}
