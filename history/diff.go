package history

import (
	"fmt"
	"strings"
)

// Section is one comparable part of an entry as text.
type Section struct {
	Title string `json:"title"`
	Text  string `json:"text"`
}

// Section titles, in the order Sections gives them.
const (
	SectionRequest          = "Request"
	SectionCanonicalRequest = "Canonical request"
	SectionStringToSign     = "String to sign"
	SectionResponse         = "Response"
)

// Sections are the parts of an entry that `history diff` and the TUI
// compare: the request as sent (wire head and body), the canonical
// request, the string-to-sign and the response (status line, headers,
// body). Line ends are "\n". A missing part is a one-line note, so two
// entries always give the same four titles. The text is raw bytes from
// the network: a terminal face must pass it through internal/termsafe.
func Sections(e *Entry) []Section {
	if e == nil {
		e = &Entry{}
	}
	return []Section{
		{SectionRequest, requestText(e)},
		{SectionCanonicalRequest, signingText(e, func(s *Signing) string { return s.CanonicalRequest })},
		{SectionStringToSign, signingText(e, func(s *Signing) string { return s.StringToSign })},
		{SectionResponse, responseText(e)},
	}
}

func requestText(e *Entry) string {
	var b strings.Builder
	head := strings.TrimRight(strings.ReplaceAll(e.RequestWireHead, "\r\n", "\n"), "\n")
	if head == "" {
		head = e.Method + " " + e.URL
		for _, h := range e.RequestHeaders {
			head += "\n" + h.Name + ": " + h.Value
		}
	}
	b.WriteString(head)
	b.WriteString("\n")
	if t := bodyText(e.RequestBody); t != "" {
		b.WriteString("\n" + t)
	}
	return b.String()
}

func signingText(e *Entry, part func(*Signing) string) string {
	if e.Signing == nil {
		mode := e.Mode
		if mode == "" {
			mode = "none"
		}
		return fmt.Sprintf("(not signed with SigV4: auth mode %s)\n", mode)
	}
	return strings.ReplaceAll(part(e.Signing), "\r\n", "\n") + "\n"
}

func responseText(e *Entry) string {
	if e.Status == 0 {
		msg := e.Error
		if msg == "" {
			msg = "nothing was received"
		}
		return "(no answer: " + msg + ")\n"
	}
	var b strings.Builder
	status := e.StatusText
	if !strings.HasPrefix(status, fmt.Sprint(e.Status)) {
		status = strings.TrimSpace(fmt.Sprintf("%d %s", e.Status, status))
	}
	b.WriteString(responseProto(e) + " " + status + "\n")
	for _, h := range e.ResponseHeaders {
		b.WriteString(h.Name + ": " + h.Value + "\n")
	}
	if t := bodyText(e.ResponseBody); t != "" {
		b.WriteString("\n" + t)
	}
	return b.String()
}

// bodyText is a body as text, ending in "\n" when not empty: binary
// bodies as a short note, a cut body with a note of how much is kept.
func bodyText(b Body) string {
	var s string
	switch {
	case b.Binary:
		s = fmt.Sprintf("(binary body, %d bytes)", b.Size)
	case len(b.Data) > 0:
		s = strings.ReplaceAll(string(b.Data), "\r\n", "\n")
	}
	if b.Truncated {
		if s != "" && !strings.HasSuffix(s, "\n") {
			s += "\n"
		}
		s += fmt.Sprintf("(truncated: %d of %d bytes kept)", len(b.Data), b.Size)
	}
	if s != "" && !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return s
}

// responseProto is the HTTP version of the request line, which the answer
// shares (sigscope speaks HTTP/1.1).
func responseProto(e *Entry) string {
	line, _, _ := strings.Cut(e.RequestWireHead, "\n")
	if i := strings.LastIndex(line, " HTTP/"); i >= 0 {
		return strings.TrimSpace(line[i+1:])
	}
	return "HTTP/1.1"
}

// DiffLine is one line of a diff: Op ' ' for a line both sides share, '-'
// for a line only in the first, '+' for a line only in the second.
type DiffLine struct {
	Op   byte   `json:"op"`
	Text string `json:"text"`
}

// The Myers search is bounded so that a diff never hangs the TUI: past
// maxDiffLines lines on a side, or maxDiffEdits differing lines (counted
// after the common head and tail are taken off), the middle is shown as
// removed then added, which is what a reader makes of it anyway. The work
// stays under about 2·maxDiffLines·maxDiffEdits steps and maxDiffEdits²
// remembered positions.
const (
	maxDiffLines = 5000
	maxDiffEdits = 1000
)

// DiffLines compares a and b line by line ("\n" separated) with Myers'
// algorithm, giving a shortest edit script; past the bounds above
// it falls back to a common prefix and suffix around a block replaced.
// Joining the ' ' and '-' lines with "\n" gives a back, the ' ' and '+'
// lines gives b. An empty string has no lines.
func DiffLines(a, b string) []DiffLine {
	al, bl := splitLines(a), splitLines(b)
	pre := 0
	for pre < len(al) && pre < len(bl) && al[pre] == bl[pre] {
		pre++
	}
	suf := 0
	for suf < len(al)-pre && suf < len(bl)-pre && al[len(al)-1-suf] == bl[len(bl)-1-suf] {
		suf++
	}
	out := make([]DiffLine, 0, len(al)+len(bl)-pre-suf)
	for _, l := range al[:pre] {
		out = append(out, DiffLine{' ', l})
	}
	out = append(out, myers(al[pre:len(al)-suf], bl[pre:len(bl)-suf])...)
	for _, l := range al[len(al)-suf:] {
		out = append(out, DiffLine{' ', l})
	}
	return out
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// myers is the greedy O((N+M)·D) algorithm, keeping each round's
// furthest-reaching paths to walk the script back.
func myers(a, b []string) []DiffLine {
	n, m := len(a), len(b)
	if n == 0 || m == 0 || n > maxDiffLines || m > maxDiffLines {
		return replaceBlock(a, b)
	}
	// Compare numbers, not strings.
	ids := map[string]int{}
	num := func(lines []string) []int {
		out := make([]int, len(lines))
		for i, l := range lines {
			id, ok := ids[l]
			if !ok {
				id = len(ids)
				ids[l] = id
			}
			out[i] = id
		}
		return out
	}
	x1, y1 := num(a), num(b)
	maxD := min(n+m, maxDiffEdits)
	off := maxD + 1
	v := make([]int, 2*maxD+3)
	var trace [][]int
	found := -1
	for d := 0; d <= maxD && found < 0; d++ {
		// Only diagonals -d..d are reachable in round d.
		snap := make([]int, 2*d+3)
		copy(snap, v[off-d-1:off+d+2])
		trace = append(trace, snap)
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1] // down: insert from b
			} else {
				x = v[off+k-1] + 1 // right: delete from a
			}
			y := x - k
			for x < n && y < m && x1[x] == y1[y] {
				x++
				y++
			}
			v[off+k] = x
			if x >= n && y >= m {
				found = d
				break
			}
		}
	}
	if found < 0 {
		return replaceBlock(a, b)
	}
	// Walk back from (n, m) through the saved rounds.
	var rev []DiffLine
	x, y := n, m
	for d := found; d > 0; d-- {
		prev := trace[d] // v as it was before round d, diagonals -d-1..d+1
		at := func(k int) int { return prev[k+d+1] }
		k := x - y
		var pk int
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := at(pk)
		py := px - pk
		for x > px && y > py {
			x--
			y--
			rev = append(rev, DiffLine{' ', a[x]})
		}
		if pk == k+1 {
			y--
			rev = append(rev, DiffLine{'+', b[y]})
		} else {
			x--
			rev = append(rev, DiffLine{'-', a[x]})
		}
	}
	for x > 0 && y > 0 {
		x--
		y--
		rev = append(rev, DiffLine{' ', a[x]})
	}
	out := make([]DiffLine, len(rev))
	for i, l := range rev {
		out[len(rev)-1-i] = l
	}
	return out
}

func replaceBlock(a, b []string) []DiffLine {
	out := make([]DiffLine, 0, len(a)+len(b))
	for _, l := range a {
		out = append(out, DiffLine{'-', l})
	}
	for _, l := range b {
		out = append(out, DiffLine{'+', l})
	}
	return out
}
