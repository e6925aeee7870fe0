package workbench

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// OpenAll opens the collections the command line names: a file is itself,
// a folder every .yaml or .yml file in it that is a collection (has a
// top-level requests: key; other YAML is left alone). The collections that
// fail to load come back as errors with file:line:col, beside the others.
func OpenAll(paths []string, o Options) ([]*Workbench, []error) {
	files, errs := collectionFiles(paths)
	var out []*Workbench
	for _, f := range files {
		wb, err := Open(f, o)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, wb)
	}
	return out, errs
}

// collectionFiles expands the paths: a file is
// itself, a folder is every .yaml or .yml file in it that looks like a
// collection (has a requests: key).
func collectionFiles(paths []string) ([]string, []error) {
	var files []string
	var errs []error
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			errs = append(errs, fmt.Errorf("open %s: %w", p, err))
			continue
		}
		if !fi.IsDir() {
			files = append(files, p)
			continue
		}
		entries, err := os.ReadDir(p)
		if err != nil {
			errs = append(errs, fmt.Errorf("read folder %s: %w", p, err))
			continue
		}
		var found []string
		for _, e := range entries {
			ext := strings.ToLower(filepath.Ext(e.Name()))
			if e.IsDir() || (ext != ".yaml" && ext != ".yml") {
				continue
			}
			full := filepath.Join(p, e.Name())
			if looksLikeCollection(full) {
				found = append(found, full)
			}
		}
		sort.Strings(found)
		files = append(files, found...)
	}
	return files, errs
}

// looksLikeCollection reads the start of a YAML file for a top-level
// requests: key, so that other YAML in a folder is left alone.
func looksLikeCollection(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	buf := make([]byte, 64*1024)
	n, _ := f.Read(buf)
	for _, l := range strings.Split(string(buf[:n]), "\n") {
		if strings.HasPrefix(l, "requests:") {
			return true
		}
	}
	return false
}
