package apigw

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"unicode/utf8"
)

// The echo is the answer a load test measures, and encoding/json spent
// most of its time on it reflecting over maps and sorting their keys
// anew per request. These appenders write the echo's own shapes
// (strings, maps of strings, the headers) straight into one reused
// buffer; the bytes are exactly encoding/json's with HTML escaping off
// (TestEchoJSONAsEncodingJSON), and any other value still goes through
// encoding/json.

// headerList is the echo's view of the request headers: names sorted
// once, each with its values as echoed (secrets masked). It encodes as
// both "headers" (the last value of each) and "multiValueHeaders".
type headerList struct {
	names  []string
	values [][]string
}

// echoHeaders lists Host then r.Header, as API Gateway's event has them.
func echoHeaders(r *http.Request) headerList {
	names := make([]string, 0, len(r.Header)+1)
	names = append(names, "Host")
	for k, vs := range r.Header {
		if k != "Host" && len(vs) > 0 {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	h := headerList{names: names, values: make([][]string, len(names))}
	for i, k := range names {
		var vs []string
		if k == "Host" {
			vs = append(vs, r.Host)
		}
		vs = append(vs, r.Header[k]...)
		for j, v := range vs {
			vs[j] = maskHeaderValue(k, v)
		}
		h.values[i] = vs
	}
	return h
}

// appendSingle writes "headers": the last value of each.
func (h headerList) appendSingle(b []byte) []byte {
	return h.appendEach(b, func(b []byte, vs []string) []byte { return appendJSONString(b, vs[len(vs)-1]) })
}

// appendMulti writes "multiValueHeaders": every value of each.
func (h headerList) appendMulti(b []byte) []byte { return h.appendEach(b, appendJSONStrings) }

func (h headerList) appendEach(b []byte, value func([]byte, []string) []byte) []byte {
	b = append(b, '{')
	for i, k := range h.names {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		b = value(b, h.values[i])
	}
	return append(b, '}')
}

// appendJSON writes the echo as encoding/json would write the struct;
// err is encoding/json's for a value it cannot encode.
func (e *echoEvent) appendJSON(b []byte) (_ []byte, err error) {
	b = append(b, `{"body":`...)
	b = appendJSONValue(b, e.Body, &err)
	b = append(b, `,"headers":`...)
	b = e.Headers.appendSingle(b)
	b = append(b, `,"httpMethod":`...)
	b = appendJSONString(b, e.HTTPMethod)
	b = append(b, `,"isBase64Encoded":`...)
	b = strconv.AppendBool(b, e.IsBase64Encoded)
	b = append(b, `,"multiValueHeaders":`...)
	b = e.Headers.appendMulti(b)
	b = append(b, `,"multiValueQueryStringParameters":`...)
	b = appendJSONValue(b, e.MultiValueQueryStringParameters, &err)
	b = append(b, `,"path":`...)
	b = appendJSONString(b, e.Path)
	b = append(b, `,"pathParameters":`...)
	b = appendJSONValue(b, e.PathParameters, &err)
	b = append(b, `,"queryStringParameters":`...)
	b = appendJSONValue(b, e.QueryStringParameters, &err)
	b = append(b, `,"rawPath":`...)
	b = appendJSONString(b, e.RawPath)
	b = append(b, `,"rawQuery":`...)
	b = appendJSONString(b, e.RawQuery)
	b = append(b, `,"requestContext":`...)
	b = e.RequestContext.appendJSON(b, &err)
	b = append(b, `,"resource":`...)
	b = appendJSONString(b, e.Resource)
	b = append(b, `,"stageVariables":`...)
	b = appendJSONValue(b, e.StageVariables, &err)
	return append(b, '}'), err
}

func (c *echoContext) appendJSON(b []byte, err *error) []byte {
	b = append(b, `{"accountId":`...)
	b = appendJSONString(b, c.AccountID)
	b = append(b, `,"apiId":`...)
	b = appendJSONString(b, c.APIID)
	b = append(b, `,"authorizationType":`...)
	b = appendJSONString(b, c.AuthorizationType)
	if c.Authorizer != nil { // omitempty
		b = append(b, `,"authorizer":`...)
		b = appendJSONValue(b, c.Authorizer, err)
	}
	b = append(b, `,"domainName":`...)
	b = appendJSONString(b, c.DomainName)
	b = append(b, `,"httpMethod":`...)
	b = appendJSONString(b, c.HTTPMethod)
	b = append(b, `,"identity":`...)
	b = appendJSONValue(b, c.Identity, err)
	b = append(b, `,"path":`...)
	b = appendJSONString(b, c.Path)
	b = append(b, `,"protocol":`...)
	b = appendJSONString(b, c.Protocol)
	b = append(b, `,"requestId":`...)
	b = appendJSONString(b, c.RequestID)
	b = append(b, `,"requestTimeEpoch":`...)
	b = strconv.AppendInt(b, c.RequestTimeEpoch, 10)
	b = append(b, `,"resourcePath":`...)
	b = appendJSONString(b, c.ResourcePath)
	b = append(b, `,"stage":`...)
	b = appendJSONString(b, c.Stage)
	return append(b, '}')
}

// appendJSONValue writes the shapes an echo holds directly and hands
// anything else to encoding/json, whose error, if any, lands in *err.
func appendJSONValue(b []byte, v any, err *error) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case string:
		return appendJSONString(b, x)
	case bool:
		return strconv.AppendBool(b, x)
	case []string:
		return appendJSONStrings(b, x)
	case map[string]string:
		return appendJSONMap(b, x, appendJSONString)
	case map[string][]string:
		return appendJSONMap(b, x, appendJSONStrings)
	case map[string]any:
		return appendJSONMap(b, x, func(b []byte, v any) []byte { return appendJSONValue(b, v, err) })
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if e := enc.Encode(v); e != nil {
		*err = e
		return b
	}
	return append(b, bytes.TrimRight(buf.Bytes(), "\n")...)
}

// appendJSONMap writes m with its keys sorted, as encoding/json does, and
// null for a nil map.
func appendJSONMap[V any](b []byte, m map[string]V, value func([]byte, V) []byte) []byte {
	if m == nil {
		return append(b, "null"...)
	}
	b = append(b, '{')
	for i, k := range sortedKeys(m) {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		b = value(b, m[k])
	}
	return append(b, '}')
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func appendJSONStrings(b []byte, vs []string) []byte {
	if vs == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, v := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, v)
	}
	return append(b, ']')
}

const lowerHex = "0123456789abcdef"

// appendJSONString quotes s as encoding/json does without HTML escaping:
// '"' and '\\' escaped, control characters as \b \f \n \r \t or \u00XX,
// invalid UTF-8 as \ufffd, and U+2028 and U+2029 escaped (JavaScript
// reads them as line ends).
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', lowerHex[c>>4], lowerHex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', lowerHex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
