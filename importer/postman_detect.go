package importer

import (
	"bytes"
	"encoding/json"
	"strings"
)

// What a JSON document is to the Postman importer (a collection, an
// environment, a v1 collection, or no Postman export), told in the same
// pass that decodes it, so that detecting a file and importing it read
// it once.

// pmDoc is a Postman document as decodePostman read it: its kind
// ("collection", "environment", "v1", or "" when it is no Postman export)
// and, when decoded is set, its collection or environment.
type pmDoc struct {
	kind    string
	raw     []byte // the document (a wrapped collection unwrapped)
	decoded bool
	col     pmCollection
	env     pmEnvironment
}

// pmWhole is every field postmanKind looks at and every field of a
// collection and of an environment, so that detecting a file and
// importing it decode it once.
type pmWhole struct {
	Info       *pmInfo         `json:"info"`
	Item       []pmItem        `json:"item"`
	Auth       *pmAuth         `json:"auth"`
	Event      []pmEvent       `json:"event"`
	Variable   []pmVar         `json:"variable"`
	Collection json.RawMessage `json:"collection"`
	Scope      string          `json:"_postman_variable_scope"`
	Values     []pmVar         `json:"values"`
	Name       *string         `json:"name"`
	Requests   json.RawMessage `json:"requests"`
	Order      json.RawMessage `json:"order"`
}

// decodePostman reads a JSON document in one pass into what both
// detecting and importing it need. What that pass cannot settle (a field
// of the wrong type, which the import reports; a key given as null, which
// postmanKind tells from a missing one) goes the way of postmanKind.
func decodePostman(data []byte) *pmDoc {
	t := bytes.TrimSpace(data)
	if len(t) == 0 || t[0] != '{' || !maybePostman(t) {
		return &pmDoc{}
	}
	if !json.Valid(t) {
		return &pmDoc{} // as postmanKind tells it
	}
	// The spans reader first; encoding/json for what it does not take.
	var w pmWhole
	decoded := pmFastWhole(t, &w)
	if !decoded {
		w = pmWhole{}
		decoded = json.Unmarshal(t, &w) == nil
	}
	if !decoded || (w.Item == nil && w.Info != nil || w.Values == nil && w.Name != nil) && mayHaveKey(t, "item", "values") {
		kind, doc := postmanKind(t)
		return &pmDoc{kind: kind, raw: doc}
	}
	switch {
	case w.Info != nil && (strings.Contains(w.Info.Schema, "postman.com/json/collection") || w.Item != nil):
		return &pmDoc{kind: "collection", raw: t, decoded: true,
			col: pmCollection{Info: *w.Info, Item: w.Item, Auth: w.Auth, Event: w.Event, Variable: w.Variable}}
	case len(w.Collection) > 0 && w.Info == nil:
		if d := decodePostman(w.Collection); d.kind == "collection" {
			return d
		}
	case w.Scope == "environment" || w.Scope == "globals" || (w.Values != nil && w.Name != nil && w.Item == nil):
		env := pmEnvironment{Values: w.Values}
		if w.Name != nil {
			env.Name = *w.Name
		}
		return &pmDoc{kind: "environment", raw: t, decoded: true, env: env}
	case w.Requests != nil && w.Order != nil:
		return &pmDoc{kind: "v1", raw: t}
	}
	return &pmDoc{}
}

// maybePostman reports whether a JSON document may be a Postman export,
// without decoding it (an OpenAPI document is decoded by its own
// importer): one holds a key of a shape postmanKind tells, or names
// Postman's schema.
func maybePostman(t []byte) bool {
	return bytes.Contains(t, []byte("postman.com")) || mayHaveKey(t, "item", "collection", "_postman_variable_scope", "values", "requests")
}

// mayHaveKey reports whether data may hold one of the keys (lower-case
// ASCII), in any case, as encoding/json matches field names. Text that
// escapes characters (\u) or holds one of the runes encoding/json folds
// into ASCII letters may spell a key another way, and may hold it.
func mayHaveKey(data []byte, keys ...string) bool {
	for _, s := range []string{`\u`, "\u0131", "\u017f", "\u212a"} {
		if bytes.Contains(data, []byte(s)) {
			return true
		}
	}
	// One pass over the strings of the text.
	for i := 0; ; {
		j := bytes.IndexByte(data[i:], '"')
		if j < 0 {
			return false
		}
		i += j + 1
		for _, k := range keys {
			if end := i + len(k); end < len(data) && data[end] == '"' && asciiFoldEqual(data[i:end], k) {
				return true
			}
		}
	}
}

// asciiFoldEqual reports whether b is lower, a lower-case ASCII word, in
// any case.
func asciiFoldEqual(b []byte, lower string) bool {
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// postmanKind says what a JSON document is: "collection", "environment",
// or "" when it is no Postman export. A collection wrapped as Postman's API
// returns it ({"collection": {...}}) is unwrapped.
func postmanKind(data []byte) (string, []byte) {
	t := bytes.TrimSpace(data)
	if len(t) == 0 || t[0] != '{' {
		return "", nil
	}
	var probe struct {
		Info       *struct{ Schema string } `json:"info"`
		Item       json.RawMessage          `json:"item"`
		Collection json.RawMessage          `json:"collection"`
		Scope      string                   `json:"_postman_variable_scope"`
		Values     json.RawMessage          `json:"values"`
		Name       *string                  `json:"name"`
		Requests   json.RawMessage          `json:"requests"`
		Order      json.RawMessage          `json:"order"`
	}
	if json.Unmarshal(t, &probe) != nil {
		return "", nil
	}
	switch {
	case probe.Info != nil && (strings.Contains(probe.Info.Schema, "postman.com/json/collection") || probe.Item != nil):
		return "collection", t
	case len(probe.Collection) > 0 && probe.Info == nil:
		if k, inner := postmanKind(probe.Collection); k == "collection" {
			return k, inner
		}
	case probe.Scope == "environment" || probe.Scope == "globals" || (len(probe.Values) > 0 && probe.Name != nil && probe.Item == nil):
		return "environment", t
	case probe.Requests != nil && probe.Order != nil:
		return "v1", t
	}
	return "", nil
}
