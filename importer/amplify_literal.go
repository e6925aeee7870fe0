package importer

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Amplify Gen 1 writes its configuration as JavaScript (aws-exports.js:
// `const awsmobile = {...}; export default awsmobile;`), and people edit
// those files by hand: unquoted keys, single quotes, comments, trailing
// commas. sigscope reads such a file as data and never runs it. This is a
// parser for the object-literal subset of JavaScript that these files use:
// objects, arrays, strings in either quote (and backticks without ${}),
// numbers, true, false, null, undefined, comments. Anything else in a value
// position (process.env.X, a function call, a spread) is kept as an
// expression with its source text, for the importer to report or map; it is
// never evaluated. JSON is a subset, so amplify_outputs.json and
// amplifyconfiguration.json go through the same parser and get the same
// line:col errors.

// jsValue is a parsed value: jsObject, []jsValue, string, float64, bool,
// nil (null and undefined), or jsExpr.
type jsValue any

// jsObject keeps its keys in source order; a repeated key keeps the last
// value, as JavaScript does.
type jsObject struct {
	keys []string
	vals map[string]jsValue
}

func (o *jsObject) get(k string) jsValue {
	if o == nil {
		return nil
	}
	return o.vals[k]
}

// jsExpr is a value that is code, not data.
type jsExpr struct {
	src       string
	line, col int
}

// jsMaxDepth bounds nesting: configuration files are shallow, and a
// hostile file must not exhaust the stack.
const jsMaxDepth = 64

type jsParser struct {
	src       string
	pos       int
	line, col int // of pos, 1-based; col counts characters
	name      string
	depth     int
}

// jsError is a parse error at a line and column of the file.
type jsError struct {
	name      string
	line, col int
	msg       string
}

func (e *jsError) Error() string { return fmt.Sprintf("%s:%d:%d: %s", e.name, e.line, e.col, e.msg) }

func (p *jsParser) errAt(line, col int, format string, args ...any) error {
	return &jsError{name: p.name, line: line, col: col, msg: fmt.Sprintf(format, args...)}
}

func (p *jsParser) errf(format string, args ...any) error {
	return p.errAt(p.line, p.col, format, args...)
}

func (p *jsParser) eof() bool { return p.pos >= len(p.src) }

func (p *jsParser) peek() rune {
	if p.eof() {
		return 0
	}
	r, _ := utf8.DecodeRuneInString(p.src[p.pos:])
	return r
}

func (p *jsParser) next() rune {
	r, n := utf8.DecodeRuneInString(p.src[p.pos:])
	p.pos += n
	if r == '\n' {
		p.line++
		p.col = 1
	} else {
		p.col++
	}
	return r
}

// skip passes whitespace and comments.
func (p *jsParser) skip() error {
	for !p.eof() {
		switch {
		case strings.HasPrefix(p.src[p.pos:], "//"):
			for !p.eof() && p.peek() != '\n' {
				p.next()
			}
		case strings.HasPrefix(p.src[p.pos:], "/*"):
			line, col := p.line, p.col
			end := strings.Index(p.src[p.pos+2:], "*/")
			if end < 0 {
				return p.errAt(line, col, "a /* comment is never closed")
			}
			for stop := p.pos + 2 + end + 2; p.pos < stop; {
				p.next()
			}
		case unicode.IsSpace(p.peek()) || p.peek() == '\uFEFF':
			p.next()
		default:
			return nil
		}
	}
	return nil
}

// parseJSConfig finds the configuration object of a JavaScript or JSON
// file and parses it: the whole document when it starts with `{`, else the
// object literal assigned or exported first (`const x = {`, `export
// default {`, `module.exports = {`, `Amplify.configure({`).
func parseJSConfig(name, src string) (*jsObject, error) {
	p := &jsParser{src: src, line: 1, col: 1, name: name}
	if err := p.skip(); err != nil {
		return nil, err
	}
	if p.peek() != '{' {
		if err := p.seekObject(); err != nil {
			return nil, err
		}
	}
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	obj, ok := v.(*jsObject)
	if !ok {
		return nil, p.errf("want an object literal")
	}
	return obj, nil
}

// seekObject moves to the first `{` that follows `=`, `export default`
// or `(`, passing strings, comments and template literals whole so that a
// brace inside them is not taken.
func (p *jsParser) seekObject() error {
	prev := ""
	for {
		if err := p.skip(); err != nil {
			return err
		}
		if p.eof() {
			return p.errf("no object literal found: want a file such as `const awsmobile = {...}; export default awsmobile;` or JSON")
		}
		r := p.peek()
		switch {
		case r == '{' && (prev == "=" || prev == "default" || prev == "("):
			return nil
		case r == '"' || r == '\'' || r == '`':
			if _, err := p.str(); err != nil {
				return err
			}
			prev = "string"
		case isIdentStart(r):
			prev = p.ident()
		default:
			p.next()
			prev = string(r)
		}
	}
}

func isIdentStart(r rune) bool { return r == '_' || r == '$' || unicode.IsLetter(r) }
func isIdentPart(r rune) bool  { return isIdentStart(r) || unicode.IsDigit(r) }

func (p *jsParser) ident() string {
	start := p.pos
	for !p.eof() && isIdentPart(p.peek()) {
		p.next()
	}
	return p.src[start:p.pos]
}

func (p *jsParser) value() (jsValue, error) {
	if err := p.skip(); err != nil {
		return nil, err
	}
	if p.eof() {
		return nil, p.errf("the file ends where a value should be")
	}
	switch r := p.peek(); {
	case r == '{':
		return p.object()
	case r == '[':
		return p.array()
	case r == '"' || r == '\'' || r == '`':
		line, col, start := p.line, p.col, p.pos
		if r == '`' {
			// A template literal with ${...} is code: kept as an expression.
			if _, err := p.rawString(); err != nil {
				return nil, err
			}
			if strings.Contains(p.src[start:p.pos], "${") {
				return p.exprFrom(line, col, start)
			}
			p.pos, p.line, p.col = start, line, col
		}
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		if err := p.skip(); err != nil {
			return nil, err
		}
		if p.continuesExpr() { // "a" + b, a concatenation: code
			return p.exprFrom(line, col, start)
		}
		return s, nil
	case r == '-' || r == '+' || r == '.' || (r >= '0' && r <= '9'):
		return p.number()
	case isIdentStart(r):
		line, col, start := p.line, p.col, p.pos
		word := p.ident()
		if err := p.skip(); err != nil {
			return nil, err
		}
		if !p.continuesExpr() {
			switch word {
			case "true":
				return true, nil
			case "false":
				return false, nil
			case "null", "undefined":
				return nil, nil
			}
			return jsExpr{src: word, line: line, col: col}, nil // a variable
		}
		return p.exprFrom(line, col, start)
	default:
		return p.exprFrom(p.line, p.col, p.pos)
	}
}

// continuesExpr reports whether the next character carries a value on
// into an expression (an operator, a member access, a call).
func (p *jsParser) continuesExpr() bool {
	return !p.eof() && strings.ContainsRune("+-*/%?.[(|&=<>!`", p.peek())
}

// atValueEnd reports whether the next character closes a value.
func (p *jsParser) atValueEnd() bool {
	if p.eof() {
		return true
	}
	switch p.peek() {
	case ',', '}', ']', ';':
		return true
	}
	return false
}

// exprFrom reads the rest of an expression that began at start: up to the
// `,`, `}` or `]` that ends the value, brackets balanced, strings and
// comments passed whole. It is kept as text, never evaluated.
func (p *jsParser) exprFrom(line, col, start int) (jsValue, error) {
	var stack []rune
	for {
		if err := p.skip(); err != nil {
			return nil, err
		}
		if p.eof() {
			return nil, p.errAt(line, col, "this value never ends (an unclosed bracket?)")
		}
		r := p.peek()
		if len(stack) == 0 && (r == ',' || r == '}' || r == ']' || r == ';') {
			break
		}
		switch r {
		case '(', '[', '{':
			if len(stack) >= jsMaxDepth {
				return nil, p.errf("nested too deeply")
			}
			stack = append(stack, map[rune]rune{'(': ')', '[': ']', '{': '}'}[r])
			p.next()
		case ')', ']', '}':
			if len(stack) == 0 || stack[len(stack)-1] != r {
				return nil, p.errf("unexpected %q", r)
			}
			stack = stack[:len(stack)-1]
			p.next()
		case '"', '\'', '`':
			if _, err := p.rawString(); err != nil {
				return nil, err
			}
		default:
			p.next()
		}
	}
	src := strings.TrimSpace(p.src[start:p.pos])
	return jsExpr{src: src, line: line, col: col}, nil
}

func (p *jsParser) object() (jsValue, error) {
	if p.depth++; p.depth > jsMaxDepth {
		return nil, p.errf("nested too deeply (more than %d levels)", jsMaxDepth)
	}
	defer func() { p.depth-- }()
	line, col := p.line, p.col
	p.next() // {
	obj := &jsObject{vals: map[string]jsValue{}}
	for {
		if err := p.skip(); err != nil {
			return nil, err
		}
		if p.eof() {
			return nil, p.errAt(line, col, "this { is never closed")
		}
		if p.peek() == '}' {
			p.next()
			return obj, nil
		}
		kl, kc := p.line, p.col
		var key string
		switch r := p.peek(); {
		case r == '"' || r == '\'':
			s, err := p.str()
			if err != nil {
				return nil, err
			}
			key = s
		case isIdentStart(r):
			key = p.ident()
		case r >= '0' && r <= '9':
			n, err := p.number()
			if err != nil {
				return nil, err
			}
			f, ok := n.(float64)
			if !ok {
				return nil, p.errAt(kl, kc, "want a key (a name or a quoted string) or }")
			}
			key = strconv.FormatFloat(f, 'f', -1, 64)
		case r == '.' && strings.HasPrefix(p.src[p.pos:], "..."):
			return nil, p.errf("a spread (...) is code, not data: write the keys out")
		case r == '[':
			return nil, p.errf("a computed key ([...]) is code, not data: write the key as a string")
		default:
			return nil, p.errf("want a key (a name or a quoted string) or }, got %q", r)
		}
		if err := p.skip(); err != nil {
			return nil, err
		}
		if p.peek() != ':' {
			if p.peek() == '(' {
				return nil, p.errf("%s(...) is a method, not data", key)
			}
			return nil, p.errAt(kl, kc, "key %q: want ':' and a value after it", key)
		}
		p.next()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		if _, dup := obj.vals[key]; !dup {
			obj.keys = append(obj.keys, key)
		}
		obj.vals[key] = v
		if err := p.skip(); err != nil {
			return nil, err
		}
		switch p.peek() {
		case ',':
			p.next()
		case '}':
		default:
			if p.eof() {
				return nil, p.errAt(line, col, "this { is never closed")
			}
			return nil, p.errf("want ',' or '}' after the value of %q, got %q", key, p.peek())
		}
	}
}

func (p *jsParser) array() (jsValue, error) {
	if p.depth++; p.depth > jsMaxDepth {
		return nil, p.errf("nested too deeply (more than %d levels)", jsMaxDepth)
	}
	defer func() { p.depth-- }()
	line, col := p.line, p.col
	p.next() // [
	out := []jsValue{}
	for {
		if err := p.skip(); err != nil {
			return nil, err
		}
		if p.eof() {
			return nil, p.errAt(line, col, "this [ is never closed")
		}
		if p.peek() == ']' {
			p.next()
			return out, nil
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		if err := p.skip(); err != nil {
			return nil, err
		}
		switch p.peek() {
		case ',':
			p.next()
		case ']':
		default:
			if p.eof() {
				return nil, p.errAt(line, col, "this [ is never closed")
			}
			return nil, p.errf("want ',' or ']' in the list, got %q", p.peek())
		}
	}
}

func (p *jsParser) number() (jsValue, error) {
	line, col, start := p.line, p.col, p.pos
	for !p.eof() {
		r := p.peek()
		if !(r >= '0' && r <= '9' || r == '.' || r == '-' || r == '+' || r == 'e' || r == 'E' || r == 'x' || r == 'X' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F' || r == '_') {
			break
		}
		p.next()
	}
	text := strings.ReplaceAll(p.src[start:p.pos], "_", "")
	var f float64
	var err error
	if t := strings.TrimLeft(text, "+-"); strings.HasPrefix(t, "0x") || strings.HasPrefix(t, "0X") {
		var n int64
		n, err = strconv.ParseInt(t[2:], 16, 64)
		f = float64(n)
		if strings.HasPrefix(text, "-") {
			f = -f
		}
	} else {
		f, err = strconv.ParseFloat(text, 64)
	}
	if err != nil {
		if err := p.skip(); err != nil {
			return nil, err
		}
		if !p.atValueEnd() { // -x, 1 + y: code
			return p.exprFrom(line, col, start)
		}
		return nil, p.errAt(line, col, "%q is not a number", text)
	}
	return f, nil
}
