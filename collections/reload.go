package collections

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Dirty reports whether the collection's text differs from what was last
// loaded or saved: there are edits to save. An edit undone (a header set,
// then deleted) leaves it clean again.
func (c *Collection) Dirty() bool {
	return !bytes.Equal(c.src.data, c.diskData)
}

// ChangedOnDisk reports whether the file at Path no longer holds what was
// last loaded from it or saved to it: something else edited (or removed)
// it. Save refuses to write over an edited file (ErrChangedOnDisk) and
// would recreate a removed one; a collection made with LoadBytes and never
// saved has nothing on disk to compare with and reports false.
func (c *Collection) ChangedOnDisk() (bool, error) {
	if !c.fromDisk {
		return false, nil
	}
	st, err := os.Stat(c.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return true, nil
	case err != nil:
		return false, fmt.Errorf("check %s: %w", c.Path, err)
	case st.Size() != int64(len(c.diskData)):
		return true, nil
	}
	cur, err := os.ReadFile(c.Path)
	if err != nil {
		return false, fmt.Errorf("check %s: %w", c.Path, err)
	}
	return !bytes.Equal(cur, c.diskData), nil
}

// Reload reads the file at Path again, replacing the collection in memory
// and dropping unsaved edits (the answer to "the file changed on disk:
// reload?"). When the file cannot be read or no longer loads, the error
// says why (Errors with positions for a file that has problems) and the
// collection is left as it was.
func (c *Collection) Reload() error {
	if c.Path == "" {
		return fmt.Errorf("reload: the collection has no file name")
	}
	nc, err := Load(c.Path)
	if err != nil {
		return fmt.Errorf("reload: %w", err)
	}
	now, uuid := c.now, c.uuid
	*c = *nc
	c.now, c.uuid = now, uuid
	return nil
}
