package workbench

import "testing"

// A header glob matches across '/': a media type is no path.
func TestHeaderGlob(t *testing.T) {
	for _, c := range []struct {
		glob, value string
		want        bool
	}{
		{"application/json*", "application/json; charset=utf-8", true},
		{"*json*", "application/json", true},
		{"*/json", "Application/JSON", true},
		{"text/*", "application/json", false},
		{"max-age=?", "max-age=60", false},
		{"[Ww]/*", `W/"abc"`, true},
	} {
		if got := globMatch(c.glob, c.value); got != c.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", c.glob, c.value, got, c.want)
		}
	}
}
