package history

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it):\n%s", name, got)
	}
}

func ops(d []DiffLine) string {
	var b strings.Builder
	for _, l := range d {
		b.WriteByte(l.Op)
		b.WriteString(l.Text)
		b.WriteByte('|')
	}
	return b.String()
}

func TestDiffLines(t *testing.T) {
	cases := []struct{ a, b, want string }{
		{"", "", ""},
		{"a", "a", " a|"},
		{"a\nb\nc", "a\nc", " a|-b| c|"},
		{"a\nc", "a\nb\nc", " a|+b| c|"},
		{"a", "b", "-a|+b|"},
		{"", "x\ny", "+x|+y|"},
		{"x\ny", "", "-x|-y|"},
		{"x\n", "x", " x|-|"},
		{"one\ntwo\nthree\nfour", "one\n2\nthree\nfour\nfive", " one|-two|+2| three| four|+five|"},
		{"host:a\nx-amz-date:1\n\nhost;x-amz-date", "host:a\nx-amz-date:2\n\nhost;x-amz-date", " host:a|-x-amz-date:1|+x-amz-date:2| | host;x-amz-date|"},
	}
	for _, c := range cases {
		if got := ops(DiffLines(c.a, c.b)); got != c.want {
			t.Errorf("DiffLines(%q, %q) = %s, want %s", c.a, c.b, got, c.want)
		}
	}
	// Myers' paper's example: the shortest script has 5 edits.
	d := DiffLines(strings.Join(strings.Split("ABCABBA", ""), "\n"), strings.Join(strings.Split("CBABAC", ""), "\n"))
	if n := edits(d); n != 5 {
		t.Errorf("ABCABBA → CBABAC in %d edits, want 5: %s", n, ops(d))
	}
}

func edits(d []DiffLine) int {
	n := 0
	for _, l := range d {
		if l.Op != ' ' {
			n++
		}
	}
	return n
}

// rebuild gives the two sides a diff describes.
func rebuild(d []DiffLine) (a, b string) {
	var al, bl []string
	for _, l := range d {
		if l.Op != '+' {
			al = append(al, l.Text)
		}
		if l.Op != '-' {
			bl = append(bl, l.Text)
		}
	}
	return strings.Join(al, "\n"), strings.Join(bl, "\n")
}

func TestDiffLinesBounded(t *testing.T) {
	var a, b []string
	for i := 0; i < 2*maxDiffLines; i++ {
		a = append(a, fmt.Sprintf("line %d", i))
		b = append(b, fmt.Sprintf("line %d", i))
	}
	b[10] = "changed"
	b[len(b)-10] = "changed too"
	// Too long for Myers in the middle: the fallback still gives both sides.
	d := DiffLines(strings.Join(a, "\n"), strings.Join(b, "\n"))
	if ra, rb := rebuild(d); ra != strings.Join(a, "\n") || rb != strings.Join(b, "\n") {
		t.Error("the fallback diff does not rebuild both sides")
	}
	if d[10].Op != '-' || d[9].Op != ' ' || d[len(d)-1].Op != ' ' {
		t.Error("the fallback does not keep the common head and tail")
	}
	// More differences than maxDiffEdits, on lines short enough for Myers.
	var x, y []string
	for i := 0; i < maxDiffLines/2; i++ {
		x = append(x, fmt.Sprintf("x%d", i))
		y = append(y, fmt.Sprintf("y%d", i))
	}
	d = DiffLines(strings.Join(x, "\n"), strings.Join(y, "\n"))
	if ra, rb := rebuild(d); ra != strings.Join(x, "\n") || rb != strings.Join(y, "\n") || edits(d) != len(x)+len(y) {
		t.Error("a diff past maxDiffEdits does not rebuild both sides")
	}
}

// lcs is the textbook dynamic programme, to check Myers gives a shortest
// script on small inputs.
func lcs(a, b []string) int {
	dp := make([][]int, len(a)+1)
	for i := range dp {
		dp[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				dp[i][j] = dp[i+1][j+1] + 1
			} else {
				dp[i][j] = max(dp[i+1][j], dp[i][j+1])
			}
		}
	}
	return dp[0][0]
}

func FuzzDiffLines(f *testing.F) {
	f.Add("", "")
	f.Add("a\nb\nc", "a\nc\nd")
	f.Add("A\nB\nC\nA\nB\nB\nA", "C\nB\nA\nB\nA\nC")
	f.Add("x\n\n\ny", "\ny\n\n")
	f.Add("GET\n/prod/pets\nlimit=10\nhost:a\n", "GET\n/prod/pets\nlimit=10&x=1\nhost:a\n")
	f.Fuzz(func(t *testing.T, a, b string) {
		d := DiffLines(a, b)
		ra, rb := rebuild(d)
		if ra != a || rb != b {
			t.Fatalf("diff %s rebuilds %q, %q from %q, %q", ops(d), ra, rb, a, b)
		}
		al, bl := splitLines(a), splitLines(b)
		if len(al) <= 80 && len(bl) <= 80 {
			if want := len(al) + len(bl) - 2*lcs(al, bl); edits(d) != want {
				t.Fatalf("%d edits, the shortest has %d: %s", edits(d), want, ops(d))
			}
		}
	})
}

func TestSections(t *testing.T) {
	e := fullEntry()
	secs := Sections(e)
	var titles []string
	var all strings.Builder
	for _, s := range secs {
		titles = append(titles, s.Title)
		fmt.Fprintf(&all, "=== %s\n%s", s.Title, s.Text)
	}
	if want := []string{"Request", "Canonical request", "String to sign", "Response"}; !reflect.DeepEqual(titles, want) {
		t.Fatalf("titles %v, want %v", titles, want)
	}
	if strings.Contains(all.String(), "\r") {
		t.Error("sections keep CR line ends")
	}
	if !strings.HasPrefix(secs[0].Text, "POST /prod/pets?limit=10") || !strings.Contains(secs[0].Text, `{"name":"Rex","kind":"dog"}`) {
		t.Errorf("request section:\n%s", secs[0].Text)
	}
	if !strings.Contains(secs[3].Text, "HTTP/1.1 403 Forbidden\n") || !strings.Contains(secs[3].Text, "(binary body, 4096 bytes)\n(truncated: 4 of 4096 bytes kept)") {
		t.Errorf("response section:\n%s", secs[3].Text)
	}

	noAnswer := sampleEntry(3)
	noAnswer.Mode, noAnswer.Signing, noAnswer.Status, noAnswer.Error = "id_token", nil, 0, "connect: connection refused"
	for _, s := range Sections(noAnswer) {
		fmt.Fprintf(&all, "=== %s\n%s", s.Title, s.Text)
	}
	golden(t, "sections.golden", []byte(all.String()))
	if got := Sections(nil); len(got) != 4 {
		t.Errorf("Sections(nil) = %v", got)
	}
}
