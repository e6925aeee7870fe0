package importer

import (
	"encoding/json"
)

// Fast readers of a Postman request, its URL and its headers, which the
// export nests as values of several shapes (a URL is a string or an
// object, headers a list or "Key: Value" lines) and the importer used to
// decode with one json.Unmarshal each: at 5,000 requests those calls took
// a quarter of the import. Each reader fills the same struct from the
// spans of the already checked JSON and says !ok when the value holds
// anything it does not take as encoding/json would (a value of another
// type, a key given twice or matched only by case); the caller then
// decodes the value with encoding/json, which names the problem as before.

// pmURLObject is a URL object; an alias, so encoding/json's messages
// name it as they did when it was declared in place.
type pmURLObject = struct {
	Raw      string          `json:"raw"`
	Protocol string          `json:"protocol"`
	Host     json.RawMessage `json:"host"`
	Port     string          `json:"port"`
	Path     json.RawMessage `json:"path"`
	Query    []pmQueryParam  `json:"query"`
	Variable []pmVar         `json:"variable"`
}

type pmQueryParam = struct {
	Key      *string         `json:"key"`
	Value    json.RawMessage `json:"value"`
	Disabled bool            `json:"disabled"`
}

type pmHeader = struct {
	Key      string          `json:"key"`
	Value    json.RawMessage `json:"value"`
	Disabled bool            `json:"disabled"`
}

var pmRequestFields = []string{"url", "method", "header", "body", "auth", "description"}

// pmFastFields hands each member of the object raw whose key is one of
// fields to set, by the field's index; other keys are skipped as
// encoding/json skips them.
func pmFastFields(raw []byte, fields []string, set func(i int, val []byte) bool) bool {
	var seen jsonSeen
	return jsonMembers(raw, func(key, val []byte) bool {
		i := fieldIndex(fields, key)
		if i < 0 {
			return !jsonFoldedKey(key, fields...)
		}
		return seen.first(i) && set(i, val)
	})
}

func pmFastRequest(raw []byte, pr *pmRequest) bool {
	return pmFastFields(raw, pmRequestFields, func(i int, val []byte) bool {
		switch i {
		case 0:
			pr.URL = val
		case 1:
			return jsonStringInto(val, &pr.Method)
		case 2:
			pr.Header = val
		case 3:
			if string(val) == "null" {
				pr.Body = nil
				return true
			}
			pr.Body = &pmBody{}
			return pmFastBody(val, pr.Body)
		case 4:
			return json.Unmarshal(val, &pr.Auth) == nil
		case 5:
			pr.Description = val
		}
		return true
	})
}

var pmURLFields = []string{"raw", "protocol", "host", "port", "path", "query", "variable"}

func pmFastURL(raw []byte, u *pmURLObject) bool {
	return pmFastFields(raw, pmURLFields, func(i int, val []byte) bool {
		ok := true
		switch i {
		case 0:
			ok = jsonStringInto(val, &u.Raw)
		case 1:
			ok = jsonStringInto(val, &u.Protocol)
		case 2:
			u.Host = val
		case 3:
			ok = jsonStringInto(val, &u.Port)
		case 4:
			u.Path = val
		case 5:
			u.Query, ok = pmFastQuery(val)
		case 6:
			ok = json.Unmarshal(val, &u.Variable) == nil
		}
		return ok
	})
}

var pmParamFields = []string{"key", "value", "disabled"}

func pmFastQuery(raw []byte) ([]pmQueryParam, bool) {
	if string(raw) == "null" {
		return nil, true
	}
	return pmFastParams(raw, func(q *pmQueryParam, i int, v []byte) bool {
		switch i {
		case 0:
			if string(v) == "null" {
				q.Key = nil
				return true
			}
			q.Key = new(string)
			return jsonStringInto(v, q.Key)
		case 1:
			q.Value = v
			return true
		}
		return jsonBoolInto(v, &q.Disabled)
	})
}

func pmFastHeaders(raw []byte) ([]pmHeader, bool) {
	return pmFastParams(raw, func(h *pmHeader, i int, v []byte) bool {
		switch i {
		case 0:
			return jsonStringInto(v, &h.Key)
		case 1:
			h.Value = v
			return true
		}
		return jsonBoolInto(v, &h.Disabled)
	})
}

// pmFastParams reads a list of {"key", "value", "disabled"} objects, set
// filling an element from a field's index and value.
func pmFastParams[T any](raw []byte, set func(el *T, i int, v []byte) bool) ([]T, bool) {
	out := []T{}
	ok := jsonElements(raw, func(el []byte) bool {
		var p T
		ok := pmFastParam(el, func(i int, v []byte) bool { return set(&p, i, v) })
		out = append(out, p)
		return ok
	})
	return out, ok
}

// pmFastParam reads one {"key", "value", "disabled"} object of a list (a
// null element is left zero, as encoding/json leaves it).
func pmFastParam(el []byte, set func(int, []byte) bool) bool {
	return string(el) == "null" || pmFastFields(el, pmParamFields, set)
}

func fieldIndex(fields []string, key []byte) int {
	for i, f := range fields {
		if f == string(key) {
			return i
		}
	}
	return -1
}

var pmItemFields = []string{"name", "description", "item", "request", "auth", "event", "response", "variable"}

// pmFastItems reads a list of items (folders and requests), each item's
// own list too.
func pmFastItems(raw []byte) ([]pmItem, bool) {
	if string(raw) == "null" {
		return nil, true
	}
	out := []pmItem{}
	ok := jsonElements(raw, func(el []byte) bool {
		var it pmItem
		ok := string(el) == "null" || pmFastFields(el, pmItemFields, func(i int, val []byte) bool {
			ok := true
			switch i {
			case 0:
				ok = jsonStringInto(val, &it.Name)
			case 1:
				it.Description = val
			case 2:
				it.Item, ok = pmFastItems(val)
			case 3:
				it.Request = val
			case 4:
				ok = json.Unmarshal(val, &it.Auth) == nil
			case 5:
				ok = json.Unmarshal(val, &it.Event) == nil
			case 6:
				it.Response, ok = pmFastRaws(val)
			case 7:
				ok = json.Unmarshal(val, &it.Variable) == nil
			}
			return ok
		})
		out = append(out, it)
		return ok
	})
	return out, ok
}

// pmFastRaws reads a list of values kept as written.
func pmFastRaws(raw []byte) ([]json.RawMessage, bool) {
	if string(raw) == "null" {
		return nil, true
	}
	out := []json.RawMessage{}
	ok := jsonElements(raw, func(el []byte) bool {
		out = append(out, el)
		return true
	})
	return out, ok
}

var pmWholeFields = []string{"info", "item", "auth", "event", "variable", "collection", "_postman_variable_scope", "values", "name", "requests", "order"}

// pmFastWhole reads a whole document, which must be valid JSON.
func pmFastWhole(raw []byte, w *pmWhole) bool {
	return pmFastFields(raw, pmWholeFields, func(i int, val []byte) bool {
		ok := true
		switch i {
		case 0:
			ok = json.Unmarshal(val, &w.Info) == nil
		case 1:
			w.Item, ok = pmFastItems(val)
		case 2:
			ok = json.Unmarshal(val, &w.Auth) == nil
		case 3:
			ok = json.Unmarshal(val, &w.Event) == nil
		case 4:
			ok = json.Unmarshal(val, &w.Variable) == nil
		case 5:
			w.Collection = val
		case 6:
			ok = jsonStringInto(val, &w.Scope)
		case 7:
			ok = json.Unmarshal(val, &w.Values) == nil
		case 8:
			if string(val) == "null" {
				w.Name = nil
				return true
			}
			w.Name = new(string)
			ok = jsonStringInto(val, w.Name)
		case 9:
			w.Requests = val
		case 10:
			w.Order = val
		}
		return ok
	})
}

var pmBodyFields = []string{"mode", "raw", "urlencoded", "formdata", "file", "graphql", "options", "disabled"}

// pmFastBody reads a body; its rarer modes' fields by encoding/json.
func pmFastBody(raw []byte, b *pmBody) bool {
	return pmFastFields(raw, pmBodyFields, func(i int, val []byte) bool {
		switch i {
		case 0:
			return jsonStringInto(val, &b.Mode)
		case 1:
			return jsonStringInto(val, &b.Raw)
		case 2:
			return json.Unmarshal(val, &b.URLEncoded) == nil
		case 3:
			return json.Unmarshal(val, &b.FormData) == nil
		case 4:
			return json.Unmarshal(val, &b.File) == nil
		case 5:
			return json.Unmarshal(val, &b.GraphQL) == nil
		case 6:
			// options.raw.language, each level null or an object.
			return pmFastObject(val, "raw", func(v []byte) bool {
				return pmFastObject(v, "language", func(v []byte) bool { return jsonStringInto(v, &b.Options.Raw.Language) })
			})
		}
		return jsonBoolInto(val, &b.Disabled)
	})
}

// pmFastObject reads the one field of an object that is read (null leaves
// it, as encoding/json does).
func pmFastObject(raw []byte, field string, set func([]byte) bool) bool {
	return string(raw) == "null" || pmFastFields(raw, []string{field}, func(_ int, v []byte) bool { return set(v) })
}
