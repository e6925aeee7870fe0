package collections

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/sigscope/sigscope/internal/lazyre"
)

// maxFileSize bounds what Load reads: collections are hand-written text,
// and a runaway file should fail clearly rather than exhaust memory.
const maxFileSize = 64 << 20

// Load reads and validates one collection file. When the file has
// problems the error is an Errors listing all of them with file:line:col,
// and the collection is nil.
func Load(path string) (*Collection, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	c, err := LoadBytes(path, data)
	if err != nil {
		return nil, err
	}
	c.diskData = data
	c.fromDisk = true
	return c, nil
}

func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("load %s: file is larger than %d MiB; is it really a collection?", path, maxFileSize>>20)
	}
	return data, nil
}

// LoadBytes parses and validates a collection held in memory. name is used
// in error positions, as the base for relative body files, and as the file
// Save writes to.
func LoadBytes(name string, data []byte) (*Collection, error) {
	data = append([]byte(nil), data...) // the caller may reuse its buffer
	doc, err := parseYAML(name, data)
	if err != nil {
		return nil, err
	}
	return loadParsed(name, data, doc)
}

// LoadParsed validates a collection whose text data was just written from
// doc (a document node, positions set as parsing data would set them), as
// LoadBytes does without parsing the text again: the importer checks the
// file it writes this way. The collection keeps data (not a copy, which
// cost the importer a copy of every file it writes): the caller does not
// change it while the collection is in use.
func LoadParsed(name string, data []byte, doc *yaml.Node) (*Collection, error) {
	return loadParsed(name, data, doc)
}

func loadParsed(name string, data []byte, doc *yaml.Node) (*Collection, error) {
	c := &Collection{Path: name, now: time.Now, uuid: newUUID}
	c.src = newSource(data)
	c.doc = doc
	c.version = versions.Add(1)
	c.diskData = data // what Dirty compares with; Save checks the file only when fromDisk
	if errs := c.build(); len(errs) > 0 {
		return nil, errs.sorted()
	}
	return c, nil
}

// LoadDir loads every *.yaml and *.yml file directly inside dir (hidden
// files skipped), in name order. Problems from all files are reported
// together in one Errors; the collections that loaded cleanly are returned
// alongside it.
func LoadDir(dir string) ([]*Collection, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", dir, err)
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		ext := strings.ToLower(filepath.Ext(n))
		if e.IsDir() || strings.HasPrefix(n, ".") || (ext != ".yaml" && ext != ".yml") {
			continue
		}
		names = append(names, n)
	}
	sort.Strings(names)
	var out []*Collection
	var all Errors
	for _, n := range names {
		p := filepath.Join(dir, n)
		c, err := Load(p)
		if err != nil {
			var es Errors
			if errors.As(err, &es) {
				all = append(all, es...)
			} else {
				all = append(all, &Error{File: p, Msg: strings.TrimPrefix(err.Error(), "load "+p+": ")})
			}
			continue
		}
		out = append(out, c)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("load %s: no *.yaml or *.yml files in the folder", dir)
	}
	return out, all.orNil()
}

var yamlLineMsg = lazyre.New(`^yaml: line (\d+): (.*)$`)

// parseYAML parses exactly one YAML document into a node tree. yaml.v3
// errors only name a line; they are turned into *Error so that syntax and
// validation problems read the same way.
func parseYAML(name string, data []byte) (doc *yaml.Node, err error) {
	defer func() {
		// yaml.v3 has panicked on hostile input in the past; bad input must
		// come back as an error, never crash the program.
		if r := recover(); r != nil {
			doc, err = nil, Errors{{File: name, Line: 1, Col: 1, Msg: fmt.Sprintf("cannot parse YAML: %v", r)}}
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var n yaml.Node
	if err := dec.Decode(&n); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, Errors{{File: name, Line: 1, Col: 1, Msg: "empty file: a collection needs at least a name"}}
		}
		return nil, yamlError(name, data, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, Errors{{File: name, Line: extra.Line, Col: extra.Column, Msg: "a second YAML document: one file holds one collection; move it to a file of its own"}}
	} else if !errors.Is(err, io.EOF) {
		return nil, yamlError(name, data, err)
	}
	return &n, nil
}

func yamlError(name string, data []byte, err error) error {
	var es Errors
	msgs := []string{err.Error()}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	for _, m := range msgs {
		e := &Error{File: name, Msg: "YAML syntax: " + strings.TrimPrefix(m, "yaml: ")}
		if sm := yamlLineMsg.FindStringSubmatch(m); sm != nil {
			e.Line, _ = strconv.Atoi(sm[1])
			e.Line = realLine(data, sm[2], e.Line)
			e.Msg = "YAML syntax: " + sm[2]
		}
		es = append(es, e)
	}
	return es.sorted()
}

// loader turns the node tree into the model, collecting every problem.
type loader struct {
	c       *Collection
	errs    Errors
	secrets map[*yaml.Node]bool // keys already reported as literal secrets
	budget  int                 // alias expansions left, against alias bombs
	envRefs []envRef            // every {{env.NAME}}, checked against the declarations at the end
}

func (l *loader) errorf(n *yaml.Node, format string, args ...any) {
	line, col := 0, 0
	if n != nil {
		line, col = n.Line, n.Column
	}
	l.errs = append(l.errs, &Error{File: l.c.Path, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)})
}

// deref follows YAML aliases to the node they stand for.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 64; i++ {
		n = n.Alias
	}
	return n
}

func kindName(n *yaml.Node) string {
	n = deref(n)
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "nothing (null)"
		case "!!bool":
			return "a boolean"
		case "!!int", "!!float":
			return "a number"
		case "!!str":
			return "a string"
		}
		return "a scalar " + n.ShortTag()
	}
	return "something else"
}

type field struct {
	key, val *yaml.Node
}

// fieldSet is a mapping's entries by key, first occurrence only. Lookups
// scan the short list; only large free-form mappings get an index.
type fieldSet struct {
	list   []field
	byName map[string]int
}

func (fs fieldSet) get(name string) (field, bool) {
	if fs.byName != nil {
		i, ok := fs.byName[name]
		if !ok {
			return field{}, false
		}
		return fs.list[i], true
	}
	for _, f := range fs.list {
		if deref(f.key).Value == name {
			return f, true
		}
	}
	return field{}, false
}

func (fs fieldSet) at(name string) field {
	f, _ := fs.get(name)
	return f
}

// fields checks that n is a mapping of the allowed keys and returns its
// entries by key. Unknown keys (with a suggestion) and repeated keys are
// reported; allowed == nil accepts any key.
func (l *loader) fields(n *yaml.Node, what string, allowed []string) (fieldSet, bool) {
	n = deref(n)
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return fieldSet{}, true // "headers:" with nothing after it is just empty
	}
	if n.Kind != yaml.MappingNode {
		l.errorf(n, "%s must be a mapping, got %s", what, kindName(n))
		return fieldSet{}, false
	}
	var out fieldSet
	out.list = make([]field, 0, len(n.Content)/2)
	if len(n.Content) > 32 {
		out.byName = make(map[string]int, len(n.Content)/2)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if deref(k).Kind != yaml.ScalarNode {
			l.errorf(k, "%s: a key must be a plain name, got %s", what, kindName(k))
			continue
		}
		name := deref(k).Value
		if first, dup := out.get(name); dup {
			l.errorf(k, "%s: duplicate field %q (first at line %d)", what, name, first.key.Line)
			continue
		}
		if allowed != nil && !contains(allowed, name) {
			if !l.secrets[k] {
				if name == "<<" {
					l.errorf(k, "%s: YAML merge keys (<<) are not supported; use defaults: on the collection or a folder", what)
				} else {
					l.errorf(k, "%s: unknown field %q%s", what, name, didYouMean(name, allowed))
				}
			}
			continue
		}
		if out.byName != nil {
			out.byName[name] = len(out.list)
		}
		out.list = append(out.list, field{k, v})
	}
	return out, true
}

// scalar returns the text of a scalar value, reporting other kinds.
func (l *loader) scalar(f field, what, name string) (string, bool) {
	v := deref(f.val)
	if v.Kind != yaml.ScalarNode {
		l.errorf(v, "%s must be a string, got %s", join(what, name), kindName(v))
		return "", false
	}
	return v.Value, true
}

// join names a field of a thing in messages ("request \"a\": method"); it
// is called only when there is something to report.
func join(what, name string) string {
	if name == "" {
		return what
	}
	return what + ": " + name
}

// requiredString is a scalar that must be present and non-empty.
func (l *loader) requiredString(fs fieldSet, owner *yaml.Node, name, what string) (string, *yaml.Node, bool) {
	f, ok := fs.get(name)
	if !ok {
		l.errorf(owner, "%s is missing required field %q", what, name)
		return "", nil, false
	}
	s, ok := l.scalar(f, what, name)
	if !ok {
		return "", nil, false
	}
	if strings.TrimSpace(s) == "" || deref(f.val).ShortTag() == "!!null" {
		l.errorf(f.val, "%s: field %q is empty", what, name)
		return "", nil, false
	}
	return s, deref(f.val), true
}

func (l *loader) optString(fs fieldSet, name, what string) (string, *yaml.Node) {
	f, ok := fs.get(name)
	if !ok {
		return "", nil
	}
	s, ok := l.scalar(f, what, name)
	if !ok {
		return "", nil
	}
	if deref(f.val).ShortTag() == "!!null" {
		return "", nil
	}
	return s, deref(f.val)
}

func (l *loader) boolean(fs fieldSet, name, what string) optBool {
	f, ok := fs.get(name)
	if !ok {
		return optBool{}
	}
	v := deref(f.val)
	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!bool" {
		l.errorf(v, "%s: %s must be true or false, got %s", what, name, kindName(v))
		return optBool{}
	}
	b, err := strconv.ParseBool(strings.ToLower(v.Value))
	if err != nil {
		l.errorf(v, "%s: %s must be true or false", what, name)
		return optBool{}
	}
	return optBool{val: b, node: v}
}

// template parses a scalar as a template, reporting syntax errors at the
// exact column of the offending "{{".
func (l *loader) template(n *yaml.Node) tmpl {
	n = deref(n)
	t := tmpl{raw: n.Value, node: n}
	segs, terr := parseTemplate(n.Value)
	if terr != nil {
		line, col := l.c.src.valuePosition(n, terr.off)
		l.errs = append(l.errs, &Error{File: l.c.Path, Line: line, Col: col, Msg: terr.msg})
		return tmpl{raw: n.Value, node: n, segs: []segment{{kind: segLiteral, text: n.Value}}}
	}
	t.segs = segs
	for _, s := range segs {
		if s.kind == segEnv {
			l.envRefs = append(l.envRefs, envRef{name: s.text, node: n, off: s.off})
		}
	}
	return t
}

func (l *loader) optTemplate(fs fieldSet, name, what string) tmpl {
	_, n := l.optString(fs, name, what)
	if n == nil {
		return tmpl{}
	}
	return l.template(n)
}
