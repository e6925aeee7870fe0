package apigw

import (
	"bytes"
	"encoding/json"
	"testing"
)

// The echo's appenders write what encoding/json writes (HTML escaping
// off) for every string, including control characters, invalid UTF-8,
// U+2028/U+2029 and HTML characters, and for the map shapes it holds.
func TestEchoJSONAsEncodingJSON(t *testing.T) {
	strs := []string{"", "plain", `"quoted" \back\slash`, "<b>&amp;</b>", "\x00\x01\x1f\x7f", "\b\f\n\r\t",
		"caf\u00e9 \u2028 \u2029 \U0001F600", "\xff\xfe bad \xc3", "\xed\xa0\x80 surrogate", "end\\"}
	values := []any{nil, true, false, "x", []string{"a", "b"}, []string(nil), []string{},
		map[string]string{"b": "2", "a": "1", "\u2028": "<>"}, map[string]string(nil),
		map[string][]string{"z": {"1"}, "a": nil, "m": {}}, map[string]any{"n": 1.5, "s": "x", "nil": nil, "nest": map[string]any{"k": json.Number("12")}},
		map[string]any(nil), 42, []any{1, "two"}}
	for _, s := range strs {
		values = append(values, s, map[string]string{s: s})
	}
	for _, v := range values {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		var err error
		got := appendJSONValue(nil, v, &err)
		if err != nil {
			t.Fatalf("%#v: %v", v, err)
		}
		if w := bytes.TrimRight(want.Bytes(), "\n"); !bytes.Equal(got, w) {
			t.Errorf("%#v:\n got %s\nwant %s", v, got, w)
		}
	}
	var err error
	if appendJSONValue(nil, map[string]any{"f": func() {}}, &err); err == nil {
		t.Error("a value encoding/json refuses gave no error")
	}
}

func FuzzEchoJSONString(f *testing.F) {
	f.Add("caf\u00e9 \u2028 <&> \x00 \xff")
	f.Fuzz(func(t *testing.T, s string) {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		if got, w := appendJSONString(nil, s), bytes.TrimRight(want.Bytes(), "\n"); !bytes.Equal(got, w) {
			t.Errorf("%q:\n got %s\nwant %s", s, got, w)
		}
	})
}
