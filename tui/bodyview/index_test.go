package bodyview

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// randomBody mixes short lines, CRLF, lone CR, multi-byte runes and lines
// long enough to be chunked.
func randomBody(r *rand.Rand, size int) []byte {
	var b bytes.Buffer
	for b.Len() < size {
		switch r.IntN(10) {
		case 0:
			b.WriteString("\r\n")
		case 1:
			b.WriteString("\r")
		case 2:
			b.WriteString(strings.Repeat("é", r.IntN(3*maxLineBytes/2)))
		case 3:
			b.WriteString(strings.Repeat("x", r.IntN(2*maxLineBytes)))
		case 4:
			b.WriteString("日本")
		default:
			b.WriteString(strings.Repeat("\n", r.IntN(3)) + "ab")
		}
	}
	return b.Bytes()
}

func TestLineIndexMatchesASequentialScan(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for round := range 20 {
		src := randomBody(r, r.IntN(600<<10))
		ix := newLineIndex(src)

		// Reference: walk next() from the start.
		type span struct{ start, end, next int }
		var ref []span
		for off := 0; off < len(src); {
			end, next := ix.next(off)
			if next <= off {
				t.Fatalf("round %d: next(%d) = %d does not advance", round, off, next)
			}
			if end-off > maxLineBytes {
				t.Fatalf("round %d: line of %d bytes", round, end-off)
			}
			if utf8.Valid(src) && !utf8.RuneStart(src[next%len(src)]) && next < len(src) {
				t.Fatalf("round %d: line starts inside a rune at %d", round, next)
			}
			ref = append(ref, span{off, end, next})
			off = next
		}
		if ix.n != len(ref) {
			t.Fatalf("round %d: %d lines, want %d", round, ix.n, len(ref))
		}
		// The lines and their terminators are the whole text, nothing lost.
		var rebuilt bytes.Buffer
		for _, s := range ref {
			rebuilt.Write(src[s.start:s.next])
		}
		if !bytes.Equal(rebuilt.Bytes(), src) {
			t.Fatalf("round %d: lines do not add up to the body", round)
		}
		// Backwards, line by line, as scrolling up asks.
		for l := len(ref) - 1; l >= 0; l-- {
			if s, e := ix.bounds(l); s != ref[l].start || e != ref[l].end {
				t.Fatalf("round %d: backwards bounds(%d) = %d,%d, want %d,%d", round, l, s, e, ref[l].start, ref[l].end)
			}
		}
		// Random access in random order, which exercises marks and cursor.
		for range 300 {
			l := r.IntN(max(len(ref), 1))
			if len(ref) == 0 {
				break
			}
			if s, e := ix.bounds(l); s != ref[l].start || e != ref[l].end {
				t.Fatalf("round %d: bounds(%d) = %d,%d, want %d,%d", round, l, s, e, ref[l].start, ref[l].end)
			}
			off := r.IntN(len(src))
			got := ix.lineOf(off)
			if ref[got].start > off || (off >= ref[got].next && got != len(ref)-1) {
				t.Fatalf("round %d: lineOf(%d) = %d spanning %v", round, off, got, ref[got])
			}
		}
	}
}

func TestIndexOfABodyOfNewlinesIsSmall(t *testing.T) {
	src := bytes.Repeat([]byte{'\n'}, 1<<20)
	ix := newLineIndex(src)
	if ix.n != 1<<20 {
		t.Fatalf("n = %d", ix.n)
	}
	if size := len(ix.marks) * 32; size > len(src)/6 {
		t.Fatalf("index takes %d bytes for a %d byte body", size, len(src))
	}
}

func TestHugeLineIsChunked(t *testing.T) {
	m := newView(80, 3, "text/plain", strings.Repeat("abcdefgh", 1<<17)) // 1 MiB, one line
	if m.Lines() != 16 {
		t.Fatalf("Lines = %d, want 16 chunks of 64 KiB", m.Lines())
	}
	for i, row := range plainRows(m.View()) {
		if !strings.HasSuffix(row, "…") || len([]rune(row)) != 80 {
			t.Fatalf("row %d = %q, want 79 cells and an ellipsis", i, row)
		}
	}
	press(t, m, "G", "right", "right")
	checkFrame(t, m.View(), 80, 3)

	// Chunks are cut between runes, never inside one.
	m = newView(20, 2, "text/plain", strings.Repeat("é", maxLineBytes))
	press(t, m, "down")
	if row := plainRows(m.View())[0]; !strings.HasPrefix(row, "éé") {
		t.Fatalf("second chunk starts %q", row)
	}
}

func TestLargeJSONIsNotPrettyPrinted(t *testing.T) {
	body := genJSON(prettyMax+1024, false)
	m := New()
	m.SetSize(40, 2)
	m.SetBody(1, "application/json", body)
	if want := (len(body) + maxLineBytes - 1) / maxLineBytes; m.Lines() != want {
		t.Fatalf("Lines = %d, want %d (as sent, in chunks)", m.Lines(), want)
	}
	if row := plainRows(m.View())[0]; !strings.HasPrefix(row, `[{"id":0,`) {
		t.Fatalf("row 0 = %q", row)
	}
	// Small enough JSON is pretty-printed.
	m.SetBody(2, "application/json", genJSON(4096, false))
	if row := plainRows(m.View())[1]; row != "  {" {
		t.Fatalf("row 1 = %q", row)
	}
}
