package importer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// Importer reads one format. Each format registers itself in an init
// function of its own file (Register(curlImporter{})).
type Importer interface {
	// Name is the format's name as --format takes it: curl, openapi,
	// postman, insomnia, bruno.
	Name() string
	// Detect reports whether data (read from filename, which may be "-"
	// or "") is in this format. It must be cheap and must not panic.
	Detect(data []byte, filename string) bool
	// Import reads data into a collection. Report.Findings lists what was
	// not mapped; Source, Format and Imported are filled by the package's
	// Import.
	Import(data []byte, filename string) (*Collection, error)
}

// DirImporter is an Importer whose exports may be folders (Bruno): Import
// of a folder calls ImportDir.
type DirImporter interface {
	Importer
	DetectDir(dir string) bool
	ImportDir(dir string) (*Collection, error)
}

var (
	regMu     sync.Mutex
	importers []Importer
)

// Register adds an importer. A second importer of the same name panics:
// it is a programming error caught by any test.
func Register(im Importer) {
	regMu.Lock()
	defer regMu.Unlock()
	for _, o := range importers {
		if o.Name() == im.Name() {
			panic("importer: " + im.Name() + " registered twice")
		}
	}
	importers = append(importers, im)
	sort.Slice(importers, func(i, j int) bool { return importers[i].Name() < importers[j].Name() })
}

// Formats lists the names of the registered importers, sorted.
func Formats() []string {
	regMu.Lock()
	defer regMu.Unlock()
	out := make([]string, len(importers))
	for i, im := range importers {
		out[i] = im.Name()
	}
	return out
}

// Lookup returns the importer of a format name.
func Lookup(format string) (Importer, error) {
	regMu.Lock()
	defer regMu.Unlock()
	for _, im := range importers {
		if im.Name() == format {
			return im, nil
		}
	}
	names := make([]string, len(importers))
	for i, im := range importers {
		names[i] = im.Name()
	}
	return nil, fmt.Errorf("unknown format %q: use one of %s", format, strings.Join(names, ", "))
}

// docImporter is an Importer whose Detect has to decode the whole
// document (Postman's JSON): it hands what it decoded to its import, so
// that an import decodes the file once.
type docImporter interface {
	Importer
	// detectDoc is Detect, returning the decoded document when it matches.
	detectDoc(data []byte) (doc any, ok bool)
	// importDoc is Import of a document detectDoc returned.
	importDoc(doc any) (*Collection, error)
}

// Detect picks the importer for data. No match, or more than one, is an
// error that says to pass the format.
func Detect(data []byte, filename string) (Importer, error) {
	im, _, err := detect(data, filename)
	return im, err
}

// detect is Detect, with the document the picked importer decoded while
// detecting (nil when it is no docImporter).
func detect(data []byte, filename string) (Importer, any, error) {
	regMu.Lock()
	all := append([]Importer(nil), importers...)
	regMu.Unlock()
	var hits []Importer
	var docs []any
	for _, im := range all {
		if d, ok := im.(docImporter); ok {
			if doc, ok := d.detectDoc(data); ok {
				hits, docs = append(hits, im), append(docs, doc)
			}
			continue
		}
		if im.Detect(data, filename) {
			hits, docs = append(hits, im), append(docs, nil)
		}
	}
	im, err := pick(hits, all, filename)
	if err != nil {
		return nil, nil, err
	}
	return im, docs[0], nil
}

func pick(hits, all []Importer, filename string) (Importer, error) {
	names := func(list []Importer) string {
		out := make([]string, len(list))
		for i, im := range list {
			out[i] = im.Name()
		}
		return strings.Join(out, ", ")
	}
	switch len(hits) {
	case 1:
		return hits[0], nil
	case 0:
		return nil, fmt.Errorf("%s: not a format sigscope imports (%s): pass --format if it is one of them", show(filename), names(all))
	}
	return nil, fmt.Errorf("%s: could be %s: pass --format to choose", show(filename), names(hits))
}

func show(filename string) string {
	if filename == "" || filename == "-" {
		return "standard input"
	}
	return filename
}

// Import reads data in the named format, or the detected one when format
// is "", and fills the report's source, format and count.
func Import(data []byte, filename, format string) (*Collection, error) {
	var im Importer
	var doc any
	var err error
	if format == "" {
		im, doc, err = detect(data, filename)
	} else {
		im, err = Lookup(format)
	}
	if err != nil {
		return nil, err
	}
	var c *Collection
	if d, ok := im.(docImporter); ok && doc != nil {
		c, err = d.importDoc(doc)
	} else {
		c, err = im.Import(data, filename)
	}
	if err != nil {
		return nil, fmt.Errorf("import %s as %s: %w", show(filename), im.Name(), err)
	}
	return finish(c, filename, im.Name())
}

func finish(c *Collection, source, format string) (*Collection, error) {
	if c == nil {
		return nil, fmt.Errorf("import %s as %s: nothing imported", show(source), format)
	}
	c.Report.Source = source
	if source == "" {
		c.Report.Source = "-"
	}
	c.Report.Format = format
	c.checkImported()
	c.Report.Imported = c.Requests()
	return c, nil
}

// maxInput bounds what Import reads from one file: exports are text, and
// anything larger is a mistake (a binary, a log).
const maxInput = 64 << 20

// ImportPath imports a file or, for a format whose exports are folders
// (Bruno), a folder.
func ImportPath(path, format string) (*Collection, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", path, err)
	}
	if !st.IsDir() {
		data, err := readInputFile(path, st)
		if err != nil {
			return nil, fmt.Errorf("import %s: %w", path, err)
		}
		return Import(data, path, format)
	}
	regMu.Lock()
	all := append([]Importer(nil), importers...)
	regMu.Unlock()
	var dirs, hits []Importer
	for _, im := range all {
		d, ok := im.(DirImporter)
		if !ok {
			continue
		}
		dirs = append(dirs, im)
		if format == im.Name() || (format == "" && d.DetectDir(path)) {
			hits = append(hits, im)
		}
	}
	if len(hits) == 0 && format != "" {
		if _, err := Lookup(format); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("import %s: a folder, and %s imports files only: name the file", path, format)
	}
	if len(dirs) == 0 {
		return nil, errors.New("import " + path + ": a folder, and no format imports folders: name the file")
	}
	im, err := pick(hits, dirs, filepath.Clean(path))
	if err != nil {
		return nil, err
	}
	c, err := im.(DirImporter).ImportDir(path)
	if err != nil {
		return nil, fmt.Errorf("import %s as %s: %w", path, im.Name(), err)
	}
	return finish(c, path, im.Name())
}
