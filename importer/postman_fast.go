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

func pmFastRequest(raw []byte, pr *pmRequest) bool {
	ms, ok := jsonMembers(raw)
	if !ok {
		return false
	}
	var seen jsonSeen
	for _, m := range ms {
		i := fieldIndex(pmRequestFields, m.key)
		if i < 0 {
			if jsonFoldedKey(m.key, pmRequestFields...) {
				return false
			}
			continue
		}
		if !seen.first(i) {
			return false
		}
		switch i {
		case 0:
			pr.URL = m.val
		case 1:
			ok = jsonStringInto(m.val, &pr.Method)
		case 2:
			pr.Header = m.val
		case 3:
			ok = json.Unmarshal(m.val, &pr.Body) == nil
		case 4:
			ok = json.Unmarshal(m.val, &pr.Auth) == nil
		case 5:
			pr.Description = m.val
		}
		if !ok {
			return false
		}
	}
	return true
}

var pmURLFields = []string{"raw", "protocol", "host", "port", "path", "query", "variable"}

func pmFastURL(raw []byte, u *pmURLObject) bool {
	ms, ok := jsonMembers(raw)
	if !ok {
		return false
	}
	var seen jsonSeen
	for _, m := range ms {
		i := fieldIndex(pmURLFields, m.key)
		if i < 0 {
			if jsonFoldedKey(m.key, pmURLFields...) {
				return false
			}
			continue
		}
		if !seen.first(i) {
			return false
		}
		switch i {
		case 0:
			ok = jsonStringInto(m.val, &u.Raw)
		case 1:
			ok = jsonStringInto(m.val, &u.Protocol)
		case 2:
			u.Host = m.val
		case 3:
			ok = jsonStringInto(m.val, &u.Port)
		case 4:
			u.Path = m.val
		case 5:
			u.Query, ok = pmFastQuery(m.val)
		case 6:
			ok = json.Unmarshal(m.val, &u.Variable) == nil
		}
		if !ok {
			return false
		}
	}
	return true
}

var pmParamFields = []string{"key", "value", "disabled"}

func pmFastQuery(raw []byte) ([]pmQueryParam, bool) {
	if string(raw) == "null" {
		return nil, true
	}
	els, ok := jsonElements(raw)
	if !ok {
		return nil, false
	}
	out := make([]pmQueryParam, len(els))
	for n, el := range els {
		ok := pmFastParam(el, func(i int, v []byte) bool {
			q := &out[n]
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
		if !ok {
			return nil, false
		}
	}
	return out, true
}

func pmFastHeaders(raw []byte) ([]pmHeader, bool) {
	els, ok := jsonElements(raw)
	if !ok {
		return nil, false
	}
	out := make([]pmHeader, len(els))
	for n, el := range els {
		ok := pmFastParam(el, func(i int, v []byte) bool {
			h := &out[n]
			switch i {
			case 0:
				return jsonStringInto(v, &h.Key)
			case 1:
				h.Value = v
				return true
			}
			return jsonBoolInto(v, &h.Disabled)
		})
		if !ok {
			return nil, false
		}
	}
	return out, true
}

// pmFastParam reads one {"key", "value", "disabled"} object of a list (a
// null element is left zero, as encoding/json leaves it), handing each
// field's index and value to set.
func pmFastParam(el []byte, set func(int, []byte) bool) bool {
	if string(el) == "null" {
		return true
	}
	ms, ok := jsonMembers(el)
	if !ok {
		return false
	}
	var seen jsonSeen
	for _, m := range ms {
		i := fieldIndex(pmParamFields, m.key)
		if i < 0 {
			if jsonFoldedKey(m.key, pmParamFields...) {
				return false
			}
			continue
		}
		if !seen.first(i) || !set(i, m.val) {
			return false
		}
	}
	return true
}

func fieldIndex(fields []string, key string) int {
	for i, f := range fields {
		if f == key {
			return i
		}
	}
	return -1
}
