package secret

import (
	"strings"
	"testing"
)

func TestMask(t *testing.T) {
	cases := map[string]string{
		"":                 "",
		"short":            "…(5 chars)",
		"wJalrXUtnFEMI/K7": "wJal…(16 chars)",
		"ééééééééé":        "éééé…(9 chars)",
	}
	for in, want := range cases {
		if got := Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
	long := strings.Repeat("A", 400)
	if got := Mask(long); strings.Count(got, "A") != 4 {
		t.Errorf("Mask of a long secret kept %d characters", strings.Count(got, "A"))
	}
}

// TestMaskOnce: a value masked already keeps its mask, and its real
// length, however often it is masked again.
func TestMaskOnce(t *testing.T) {
	long := strings.Repeat("x", 168)
	once := Mask(long)
	if again := Mask(once); again != once || once != "xxxx…(168 chars)" {
		t.Fatalf("Mask(Mask(168 chars)) = %q, Mask = %q", again, once)
	}
	if short := Mask("abc"); Mask(short) != short {
		t.Fatalf("a short mask masked again: %q", Mask(short))
	}
	if Mask("eyJh…") != "eyJh…" {
		t.Fatalf("a value a server cut short itself is masked again: %q", Mask("eyJh…"))
	}
	if got := Mask("a…(3 chars) and more"); got == "a…(3 chars) and more" {
		t.Fatal("a value that only contains a mask is kept in clear")
	}
}
