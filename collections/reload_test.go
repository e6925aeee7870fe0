package collections

import (
	"errors"
	"os"
	"testing"
)

func TestDirtyReloadChangedOnDisk(t *testing.T) {
	path, orig := copyToTemp(t, "orders.yaml", 0o644)
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	check := func(step string, dirty, changed bool) {
		t.Helper()
		if c.Dirty() != dirty {
			t.Errorf("%s: Dirty() = %v, want %v", step, !dirty, dirty)
		}
		got, err := c.ChangedOnDisk()
		if err != nil || got != changed {
			t.Errorf("%s: ChangedOnDisk() = %v, %v; want %v", step, got, err, changed)
		}
	}
	check("loaded", false, false)

	if err := c.SetHeader("List orders", "X-Probe", "1"); err != nil {
		t.Fatal(err)
	}
	check("edited", true, false)
	if err := c.DeleteHeader("List orders", "X-Probe"); err != nil {
		t.Fatal(err)
	}
	check("edit undone", false, false)

	if err := c.SetMethod("List orders", "post"); err != nil {
		t.Fatal(err)
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	check("saved", false, false)

	// Someone else edits the file: same size, other bytes, then longer.
	saved, _ := os.ReadFile(path)
	theirs := append([]byte(nil), saved...)
	theirs[len(theirs)-2] = 'X'
	if err := os.WriteFile(path, theirs, 0o644); err != nil {
		t.Fatal(err)
	}
	check("changed on disk, same size", false, true)
	theirs = append(orig, []byte("# theirs\n")...)
	if err := os.WriteFile(path, theirs, 0o644); err != nil {
		t.Fatal(err)
	}
	check("changed on disk", false, true)
	if err := c.SetURL("List orders", "{{base_url}}/mine"); err != nil {
		t.Fatal(err)
	}
	if err := c.Save(); !errors.Is(err, ErrChangedOnDisk) {
		t.Errorf("save over their change: %v", err)
	}

	// Reload takes their version and drops the unsaved edit.
	if err := c.Reload(); err != nil {
		t.Fatal(err)
	}
	check("reloaded", false, false)
	if string(c.Bytes()) != string(theirs) {
		t.Errorf("reloaded text is not the file's")
	}
	if r, err := c.Resolve("List orders", "dev", nil, nil); err != nil || r.Method != "GET" || r.URL != "http://127.0.0.1:3000/dev/orders" {
		t.Errorf("after reload: %v %v", r, err)
	}
	if err := c.SetHeader("List orders", "X-Probe", "1"); err != nil || c.Save() != nil {
		t.Errorf("edit and save after reload: %v", err)
	}

	// A file that no longer loads: Reload says why and keeps the collection.
	before := string(c.Bytes())
	if err := os.WriteFile(path, []byte("name: broken\ncolour: red\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err = c.Reload()
	var es Errors
	if !errors.As(err, &es) || len(es) != 1 || es[0].Line != 2 {
		t.Errorf("reload of a broken file: %v", err)
	}
	if string(c.Bytes()) != before || c.Name != "Orders API" {
		t.Errorf("a failed reload changed the collection")
	}
	check("broken on disk", false, true)

	// Removed on disk: changed; Save recreates it.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	check("removed", false, true)
	if err := c.Reload(); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("reload of a removed file: %v", err)
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	check("recreated", false, false)
}

func TestDirtyLoadBytes(t *testing.T) {
	c := mustLoad(t, doc("name: t", "requests:", "  - name: r", "    url: https://x.test/"))
	if c.Dirty() {
		t.Errorf("dirty right after LoadBytes")
	}
	if changed, err := c.ChangedOnDisk(); changed || err != nil {
		t.Errorf("ChangedOnDisk of a collection never on disk: %v %v", changed, err)
	}
	if err := c.SetMethod("r", "delete"); err != nil {
		t.Fatal(err)
	}
	if !c.Dirty() {
		t.Errorf("not dirty after an edit")
	}
	c.Path = ""
	if err := c.Reload(); err == nil {
		t.Errorf("reload without a file name accepted")
	}
}
