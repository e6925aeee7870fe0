package rawhttp

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// Chunked reports whether the request's body is chunked: the last
// transfer coding of its Transfer-Encoding headers is "chunked".
func (r *Request) Chunked() bool {
	var last string
	for _, v := range r.Values("Transfer-Encoding") {
		for _, c := range strings.Split(v, ",") {
			if c = strings.TrimSpace(c); c != "" {
				last = c
			}
		}
	}
	return strings.EqualFold(last, "chunked")
}

// DecodeChunked removes the chunked framing (RFC 9112 §7.1): the payload a
// server hashes is the decoded body, not the chunk sizes and line ends.
// Chunk extensions and trailer fields are dropped. Line ends may be CRLF
// or LF, as in hand-written requests.
func DecodeChunked(b []byte) ([]byte, error) {
	var out []byte
	off := 0
	for {
		nl := bytes.IndexByte(b[off:], '\n')
		if nl < 0 {
			return nil, fmt.Errorf("chunked body: no chunk-size line at byte %d (a chunked body ends with a 0 chunk)", off)
		}
		line := strings.TrimRight(string(b[off:off+nl]), "\r")
		sizeText, _, _ := strings.Cut(line, ";") // chunk extensions
		size, err := strconv.ParseUint(strings.TrimSpace(sizeText), 16, 63)
		if err != nil {
			return nil, fmt.Errorf("chunked body: chunk size %q at byte %d is not hexadecimal", sizeText, off)
		}
		off += nl + 1
		if size == 0 {
			return out, nil // the trailer section, if any, is not payload
		}
		if uint64(len(b)-off) < size {
			return nil, fmt.Errorf("chunked body: a chunk of %d bytes at byte %d, but only %d follow", size, off, len(b)-off)
		}
		out = append(out, b[off:off+int(size)]...)
		off += int(size)
		switch {
		case bytes.HasPrefix(b[off:], []byte("\r\n")):
			off += 2
		case bytes.HasPrefix(b[off:], []byte("\n")):
			off++
		default:
			return nil, fmt.Errorf("chunked body: no line end after the chunk that ends at byte %d", off)
		}
	}
}

// Warnings name what a server will read differently from the text: a
// Content-Length that disagrees with the body, a chunked body (whose
// payload is the decoded data).
func (r *Request) Warnings() []string {
	var w []string
	_, hasLength := r.Get("Content-Length")
	if r.Chunked() && hasLength {
		w = append(w, "both Transfer-Encoding: chunked and Content-Length: a server must ignore Content-Length and many refuse the request (request smuggling); drop Content-Length")
	} else if declared, actual, mismatch := r.ContentLengthMismatch(); mismatch {
		if declared >= 0 {
			w = append(w, fmt.Sprintf("Content-Length says %d bytes but the body has %d: a server reads %d bytes (and waits, or cuts the body); fix the header or the body", declared, actual, declared))
		} else {
			w = append(w, "Content-Length is not a plain number: a server refuses the request; write the body's length in bytes")
		}
	}
	if r.Chunked() {
		w = append(w, "the body is chunked: the payload hash covers the decoded body, as the server computes it after removing the framing")
	}
	return w
}
