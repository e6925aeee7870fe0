package inittrace

import (
	"strings"
	"testing"
	"time"
)

// TestParse reads the runtime's lines, unescapes the package path, and
// skips the program's own output mixed into the stream.
func TestParse(t *testing.T) {
	in := "init internal/bytealg @0.008 ms, 0 ms clock, 0 bytes, 0 allocs\n" +
		"sigscope dev (go1.26.8, linux/amd64)\n" +
		"init gopkg.in/yaml%2ev3 @14 ms, 0.085 ms clock, 25736 bytes, 276 allocs\n"
	got, err := Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Package{
		{Path: "internal/bytealg"},
		{Path: "gopkg.in/yaml.v3", Clock: 85 * time.Microsecond, Bytes: 25736, Allocs: 276},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
	if _, err := Parse(strings.NewReader("init broken line\n")); err == nil {
		t.Error("a malformed init line was accepted")
	}
}
