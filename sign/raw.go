package sign

import (
	"fmt"
	"strings"

	"github.com/sigscope/sigscope/rawhttp"
)

// FromRaw turns a parsed raw request into a Request to sign. The Host
// header becomes Request.Host; scheme is "https" or "http". A chunked body
// is decoded: its payload hash is the decoded data's.
func FromRaw(raw *rawhttp.Request, scheme string) (*Request, error) {
	r := &Request{Method: raw.Method, Scheme: scheme, Path: raw.Path(), RawQuery: raw.RawQuery(), Body: raw.Body}
	if raw.Chunked() {
		// The server hashes the payload, not the chunk framing.
		body, err := rawhttp.DecodeChunked(raw.Body)
		if err != nil {
			return nil, err
		}
		r.Body = body
	}
	hosts := 0
	for _, h := range raw.Headers {
		if strings.EqualFold(h.Name, "Host") {
			hosts++
			if hosts > 1 {
				return nil, fmt.Errorf("line %d: a second Host header: a request has exactly one", h.Line)
			}
			r.Host = h.Value
			continue
		}
		r.Headers = append(r.Headers, Header{Name: h.Name, Value: h.Value})
	}
	if r.Host == "" {
		r.Host = raw.Host()
	}
	if r.Host == "" {
		return nil, fmt.Errorf("the request has no Host header: add one (for example Host: abc123.execute-api.us-east-1.amazonaws.com)")
	}
	return r, nil
}

// ParseRaw parses a raw HTTP request and converts it with FromRaw.
func ParseRaw(data []byte, scheme string) (*Request, error) {
	raw, err := rawhttp.Parse(data)
	if err != nil {
		return nil, err
	}
	return FromRaw(raw, scheme)
}
