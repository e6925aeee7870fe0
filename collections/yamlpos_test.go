package collections

import (
	"errors"
	"testing"
)

// TestYAMLSyntaxErrorsNameTheBadLine: yaml.v3 reports these shapes on the
// line before the bad one; the error must name the line to fix.
func TestYAMLSyntaxErrorsNameTheBadLine(t *testing.T) {
	head := "name: broken\nrequests:\n  - name: a\n    method: GET\n"
	cases := []struct {
		name, src string
		line      int
	}{
		{"a dedent to a column nothing opened", head + "   url: http://127.0.0.1:1/x\n", 5},
		{"a tab in the indentation", head + "\turl: http://127.0.0.1:1/x\n", 5},
		{"a flow mapping never closed", head + "    headers: {A: b\n    url: http://127.0.0.1:1/x\n", 5},
		{"a flow sequence never closed", head + "    url: http://127.0.0.1:1/x\n    query: {type: [dog, cat}\n", 6},
		{"a dedent deeper in the file", head + "    url: http://h/x\n  - name: b\n    method: GET\n     url: http://h/y\n", 8},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := LoadBytes("broken.yaml", []byte(c.src))
			var es Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("no syntax error: %v", err)
			}
			if es[0].Line != c.line {
				t.Fatalf("error on line %d, the bad line is %d: %v", es[0].Line, c.line, err)
			}
		})
	}
}
