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
