package bodyview

import (
	"bytes"
	"sort"
	"unicode/utf8"
)

// maxLineBytes caps a display line. A minified 50 MB body is one line; cutting
// it into chunks at indexing time keeps every per-line operation (horizontal
// scroll, wrap, locating a match, highlighting) bounded, at the price of a
// visible break every 64 KiB, which no one reads across anyway.
const maxLineBytes = 64 << 10

// Checkpoint spacing of the sparse index. A random lookup scans at most
// markLines lines or markBytes+maxLineBytes bytes with IndexByte, a few
// microseconds; the index is under 1% of a typical body and an eighth of a
// body made of nothing but newlines (a dense index would be eight times it).
// Scrolling does not pay even that: see the cursor.
const (
	markLines = 256
	markBytes = 16 << 10
)

func indexNL(b []byte) int { return bytes.IndexByte(b, '\n') }

// mark is a known line with its start, end and the next line's start: for
// the 64 KiB chunks of a long line, which all get a mark, finding the end
// again would mean scanning the chunk for a newline on every render.
type mark struct{ line, off, end, next int }

// lineIndex maps display line numbers to byte ranges of src.
type lineIndex struct {
	src   []byte
	n     int
	marks []mark
	// cursor remembers the last line looked up. Scrolling asks for the
	// neighbours of the lines it asked for last, so one IndexByte forwards
	// or one LastIndexByte backwards finds them, not a scan from the
	// previous checkpoint.
	cursor mark
}

func newLineIndex(src []byte) *lineIndex {
	ix := &lineIndex{src: src, marks: make([]mark, 0, len(src)/markBytes+64)}
	line, off, last := 0, 0, mark{line: -markLines}
	for off < len(src) {
		end, next := ix.next(off)
		if line-last.line >= markLines || off-last.off >= markBytes {
			last = mark{line, off, end, next}
			ix.marks = append(ix.marks, last)
		}
		off = next
		line++
	}
	if len(ix.marks) == 0 {
		ix.marks = append(ix.marks, mark{})
	}
	ix.n = line
	ix.cursor = ix.marks[0]
	return ix
}

// next returns the end of the display line starting at start (without its
// line terminator; a CR before LF belongs to the terminator) and the start of
// the following one. The chunking is deterministic from a line start, which
// is what lets the index be sparse.
func (ix *lineIndex) next(start int) (end, next int) {
	src := ix.src
	limit := min(len(src), start+maxLineBytes+1)
	if i := indexNL(src[start:limit]); i >= 0 {
		end = start + i
		next = end + 1
		if end > start && src[end-1] == '\r' {
			end--
		}
		return end, next
	}
	if limit == len(src) {
		return len(src), len(src)
	}
	// Cut a chunk; back off to a rune start so no rune is split in two
	// invalid halves on screen.
	cut := start + maxLineBytes
	for back := 0; back < utf8.UTFMax-1 && cut > start+1 && !utf8.RuneStart(src[cut]); back++ {
		cut--
	}
	return cut, cut
}

// bounds returns the byte range of line, without its terminator; line must
// be in [0, n).
func (ix *lineIndex) bounds(line int) (start, end int) {
	i := sort.Search(len(ix.marks), func(i int) bool { return ix.marks[i].line > line }) - 1
	base := ix.marks[i]
	c := ix.cursor
	switch {
	case c.line <= line && c.line > base.line:
		base = c
	case c.line == line+1 && c.line > base.line:
		if prev, ok := ix.before(c); ok {
			base = prev
		}
	}
	if base.line < line {
		off := base.next
		for l := base.line + 1; l < line; l++ {
			_, off = ix.next(off)
		}
		end, next := ix.next(off)
		base = mark{line, off, end, next}
	}
	ix.cursor = base
	return base.off, base.end
}

// before returns the line above c when it can be found by looking back for
// the newline before it: that works unless the line above is a chunk of a
// long line, whose cuts are only known from the line's start.
func (ix *lineIndex) before(c mark) (mark, bool) {
	nl := c.off - 1
	if c.line == 0 || nl < 0 || ix.src[nl] != '\n' {
		return mark{}, false
	}
	from := max(0, nl-maxLineBytes-1)
	start := from
	if j := bytes.LastIndexByte(ix.src[from:nl], '\n'); j >= 0 {
		start = from + j + 1
	} else if from > 0 {
		return mark{}, false
	}
	if nl-start > maxLineBytes {
		return mark{}, false
	}
	end := nl
	if end > start && ix.src[end-1] == '\r' {
		end--
	}
	return mark{c.line - 1, start, end, c.off}, true
}

// start returns the offset of line's first byte.
func (ix *lineIndex) start(line int) int {
	start, _ := ix.bounds(line)
	return start
}

// lineOf returns the line holding byte offset off.
func (ix *lineIndex) lineOf(off int) int {
	i := sort.Search(len(ix.marks), func(i int) bool { return ix.marks[i].off > off }) - 1
	base := ix.marks[i]
	if c := ix.cursor; c.off <= off && c.off > base.off {
		base = c
	}
	line, nx := base.line, base.next
	for off >= nx && nx < len(ix.src) && line+1 < ix.n {
		_, nx = ix.next(nx)
		line++
	}
	return line
}
