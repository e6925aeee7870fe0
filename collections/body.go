package collections

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sigscope/sigscope/internal/lazyre"
)

// maxJSONNodes bounds a JSON body after YAML aliases are expanded, so that
// an "alias bomb" fails with a message instead of eating all memory.
const maxJSONNodes = 1 << 20

var jsonNumber = lazyre.New(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// checkJSON reports what cannot become JSON, and template syntax errors in
// the strings, when the file loads.
func (l *loader) checkJSON(n *yaml.Node, what string) {
	w := &jsonWriter{budget: maxJSONNodes, onString: func(s *yaml.Node) string {
		l.template(s)
		return s.Value
	}}
	if err := w.write(n); err != nil {
		var je *jsonError
		if errors.As(err, &je) {
			l.errorf(je.node, "%s: %s", what, je.msg)
		}
	}
}

type jsonError struct {
	node *yaml.Node
	msg  string
}

func (e *jsonError) Error() string { return e.msg }

// jsonWriter turns a YAML node into JSON text, keeping mapping order and
// writing numbers as they were written when they are valid JSON numbers.
type jsonWriter struct {
	buf      bytes.Buffer
	budget   int
	onString func(*yaml.Node) string // expands templates in strings
}

func (w *jsonWriter) write(n *yaml.Node) error {
	if w.budget--; w.budget < 0 {
		return &jsonError{n, "the JSON body is too large once YAML aliases are expanded"}
	}
	n = deref(n)
	switch n.Kind {
	case yaml.MappingNode:
		w.buf.WriteByte('{')
		for i := 0; i+1 < len(n.Content); i += 2 {
			if i > 0 {
				w.buf.WriteByte(',')
			}
			k := deref(n.Content[i])
			if k.Kind != yaml.ScalarNode {
				return &jsonError{k, "a JSON object key must be a string, got " + kindName(k)}
			}
			writeJSONString(&w.buf, k.Value)
			w.buf.WriteByte(':')
			if err := w.write(n.Content[i+1]); err != nil {
				return err
			}
		}
		w.buf.WriteByte('}')
	case yaml.SequenceNode:
		w.buf.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				w.buf.WriteByte(',')
			}
			if err := w.write(c); err != nil {
				return err
			}
		}
		w.buf.WriteByte(']')
	case yaml.ScalarNode:
		return w.scalar(n)
	default:
		return &jsonError{n, "cannot be written as JSON"}
	}
	return nil
}

func (w *jsonWriter) scalar(n *yaml.Node) error {
	switch n.ShortTag() {
	case "!!null":
		w.buf.WriteString("null")
	case "!!bool":
		if strings.EqualFold(n.Value, "true") {
			w.buf.WriteString("true")
		} else {
			w.buf.WriteString("false")
		}
	case "!!int", "!!float":
		if jsonNumber.MatchString(n.Value) {
			w.buf.WriteString(n.Value)
			return nil
		}
		var v any
		if err := n.Decode(&v); err != nil {
			return &jsonError{n, fmt.Sprintf("number %q cannot be read: %v", n.Value, err)}
		}
		if f, ok := v.(float64); ok && (math.IsInf(f, 0) || math.IsNaN(f)) {
			return &jsonError{n, fmt.Sprintf("%s has no JSON form; quote it to send a string", n.Value)}
		}
		b, err := json.Marshal(v)
		if err != nil {
			return &jsonError{n, fmt.Sprintf("number %q has no JSON form; quote it to send a string", n.Value)}
		}
		w.buf.Write(b)
	case "!!str":
		writeJSONString(&w.buf, w.onString(n))
	default:
		// Timestamps, binary and custom tags are sent as the text written.
		writeJSONString(&w.buf, n.Value)
	}
	return nil
}

func writeJSONString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // encoding a string cannot fail
	b.Truncate(b.Len() - 1)
}

// encodeForm writes pairs as application/x-www-form-urlencoded with RFC
// 3986 percent-encoding: every byte but A-Z a-z 0-9 - . _ ~ becomes %XX,
// so a space is %20, never '+'.
func encodeForm(pairs []KV) []byte {
	var b bytes.Buffer
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(pctEncode(p.Key))
		b.WriteByte('=')
		b.WriteString(pctEncode(p.Value))
	}
	return b.Bytes()
}

func pctEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// fileTypes is a fixed table rather than mime.TypeByExtension, whose
// answers depend on the machine's /etc/mime.types.
var fileTypes = map[string]string{
	".json": "application/json",
	".txt":  "text/plain",
	".xml":  "application/xml",
	".html": "text/html",
	".csv":  "text/csv",
	".yaml": "application/yaml",
	".yml":  "application/yaml",
	".png":  "image/png",
	".jpg":  "image/jpeg",
	".jpeg": "image/jpeg",
	".gif":  "image/gif",
	".pdf":  "application/pdf",
	".zip":  "application/zip",
}

// resolveBody builds the bytes of a body. Errors go to x.
func (c *Collection) resolveBody(b *bodySpec, x *expander, headers []KV) *ResolvedBody {
	out := &ResolvedBody{Kind: b.kind}
	switch b.kind {
	case BodyJSON:
		w := &jsonWriter{budget: maxJSONNodes, onString: func(s *yaml.Node) string {
			segs, err := parseTemplate(s.Value)
			if err != nil {
				return s.Value // reported when the file loaded
			}
			return x.expand(tmpl{raw: s.Value, node: s, segs: segs})
		}}
		if err := w.write(b.json); err != nil {
			x.errs = append(x.errs, &Error{File: c.Path, Line: b.json.Line, Col: b.json.Column, Msg: err.Error()})
		}
		out.Bytes, out.ContentType = w.buf.Bytes(), "application/json"
	case BodyText:
		out.Bytes, out.ContentType = []byte(x.expand(b.text)), "text/plain"
	case BodyForm:
		var kv []KV
		for _, e := range b.form {
			k := x.expand(e.key)
			for _, v := range e.values {
				kv = append(kv, KV{k, x.expand(v)})
			}
		}
		out.Bytes, out.ContentType = encodeForm(kv), "application/x-www-form-urlencoded"
	case BodyFile:
		p := x.expand(b.file)
		if !filepath.IsAbs(p) {
			p = filepath.Join(filepath.Dir(c.Path), p)
		}
		if abs, err := filepath.Abs(p); err == nil {
			p = abs
		}
		out.File = p
		if err := c.fileAllowed(p); err != nil {
			x.errs = append(x.errs, &Error{File: c.Path, Line: b.file.node.Line, Col: b.file.node.Column, Msg: err.Error()})
			break
		}
		data, err := readBodyFile(p)
		if err != nil {
			x.errs = append(x.errs, &Error{File: c.Path, Line: b.file.node.Line, Col: b.file.node.Column, Msg: err.Error()})
		}
		out.Bytes = data
		out.ContentType = "application/octet-stream"
		if t, ok := fileTypes[strings.ToLower(filepath.Ext(p))]; ok {
			out.ContentType = t
		}
	}
	for _, h := range headers {
		if strings.EqualFold(h.Key, "Content-Type") {
			out.ContentType = h.Value
			break
		}
	}
	return out
}

// maxBodyFile bounds a file body read into memory.
const maxBodyFile = 1 << 30

// readBodyFile reads a regular file for a body. Devices and pipes are
// refused: /dev/zero never ends and a FIFO can block forever.
func readBodyFile(p string) ([]byte, error) {
	const rel = "(a relative path is taken from the collection file's folder)"
	st, err := os.Stat(p)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("body file %s does not exist %s", p, rel)
	case err != nil:
		return nil, fmt.Errorf("body file %s cannot be read %s: %v", p, rel, errors.Unwrap(err))
	case !st.Mode().IsRegular():
		return nil, fmt.Errorf("body file %s is not a regular file", p)
	case st.Size() > maxBodyFile:
		return nil, fmt.Errorf("body file %s is larger than %d MiB", p, maxBodyFile>>20)
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("body file %s cannot be read: %v", p, errors.Unwrap(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxBodyFile+1))
	if err != nil {
		return nil, fmt.Errorf("body file %s cannot be read: %v", p, err)
	}
	if len(data) > maxBodyFile {
		return nil, fmt.Errorf("body file %s is larger than %d MiB", p, maxBodyFile>>20)
	}
	return data, nil
}

// fileAllowed confines file bodies to the collection's folder: a
// collection is untrusted input, and `file: ../.aws/credentials` must not
// send the user's keys anywhere. Symlinks are resolved on both sides, so a
// link inside the folder to a file outside it is outside too. The user may
// allow a path explicitly (AllowFiles: send --allow-file).
func (c *Collection) fileAllowed(p string) error {
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return nil // readBodyFile says it does not exist or cannot be read
	}
	for _, a := range c.AllowFiles {
		if ra, err := filepath.EvalSymlinks(a); err == nil && (ra == real || within(real, ra)) {
			return nil
		}
	}
	dir := filepath.Dir(c.Path)
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	if rd, err := filepath.EvalSymlinks(dir); err == nil {
		dir = rd
	}
	if within(real, dir) {
		return nil
	}
	return fmt.Errorf("body file %s is outside the collection's folder %s: a collection reads only files beside it (it could be anyone's); allow this one with --allow-file %s", p, dir, p)
}

// within reports whether path is dir or below it.
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}
