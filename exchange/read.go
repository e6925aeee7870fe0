package exchange

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
)

// readResponse reads the status line and headers itself, to keep the header
// order and spelling as received, then lets net/http read the same bytes for
// the framing (Content-Length, chunked, read to close).
func readResponse(br *bufio.Reader, method string, opts Options) (*Response, error) {
	for {
		head, err := readHead(br)
		if err != nil {
			return nil, err
		}
		hr, err := http.ReadResponse(bufio.NewReader(io.MultiReader(bytes.NewReader(head), br)), &http.Request{Method: method})
		if err != nil {
			return nil, &protocolError{err: fmt.Errorf("malformed answer: %w", err)}
		}
		// 1xx answers (100 Continue, 103 Early Hints) precede the real one.
		if hr.StatusCode >= 100 && hr.StatusCode < 200 && hr.StatusCode != http.StatusSwitchingProtocols {
			continue
		}
		resp := &Response{Status: hr.StatusCode, StatusText: hr.Status, Proto: hr.Proto, Headers: parseHeaders(head), TransferEncoding: hr.TransferEncoding}
		err = resp.readBody(hr.Body, opts)
		hr.Body.Close()
		var cut *cutBody
		if errors.As(err, &cut) {
			// What arrived is kept: the caller says it is incomplete.
			cut.expected, cut.chunked = -1, slices.Contains(hr.TransferEncoding, "chunked")
			if !cut.chunked {
				cut.expected = hr.ContentLength
			}
			return resp, err
		}
		if err != nil {
			return nil, err
		}
		return resp, nil
	}
}

// cutBody is a body that stopped before its end (the connection closed,
// was reset or timed out): the Response holds the bytes that arrived.
type cutBody struct {
	err      error // the read error
	expected int64 // Content-Length; -1 when unknown (chunked, read to close)
	chunked  bool
}

func (e *cutBody) Error() string { return e.err.Error() }
func (e *cutBody) Unwrap() error { return e.err }

// readErrors remembers the error of the body's reader, to tell a body cut
// short from a local failure to keep it (a full disk).
type readErrors struct {
	r   io.Reader
	err error
}

func (e *readErrors) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF {
		e.err = err
	}
	return n, err
}

// readHead reads up to and including the blank line after the headers.
func readHead(br *bufio.Reader) ([]byte, error) {
	var head []byte
	for {
		line, err := br.ReadSlice('\n')
		head = append(head, line...)
		if err == bufio.ErrBufferFull {
			if len(head) > maxHeadBytes {
				return nil, &protocolError{err: fmt.Errorf("the status line and headers exceed %d bytes", maxHeadBytes), hint: "the server sent more headers than sigscope reads (a cookie or token header grown too big?): it spoke HTTP, but too much of it"}
			}
			continue
		}
		if err != nil {
			if err == io.EOF && len(head) == 0 {
				return nil, io.EOF
			}
			if err == io.EOF {
				return nil, &protocolError{err: fmt.Errorf("the connection closed in the middle of the headers")}
			}
			return nil, err
		}
		if len(head) > maxHeadBytes {
			return nil, &protocolError{err: fmt.Errorf("the status line and headers exceed %d bytes", maxHeadBytes), hint: "the server sent more headers than sigscope reads (a cookie or token header grown too big?): it spoke HTTP, but too much of it"}
		}
		if string(line) == "\r\n" || string(line) == "\n" {
			if !bytes.HasPrefix(head, []byte("HTTP/")) {
				return nil, &protocolError{err: fmt.Errorf("the answer does not start with HTTP/: %q", clipBytes(head, 40))}
			}
			return head, nil
		}
		if len(head) == len(line) && !bytes.HasPrefix(line, []byte("HTTP/")) {
			return nil, &protocolError{err: fmt.Errorf("the answer does not start with HTTP/: %q", clipBytes(line, 40))}
		}
	}
}

func clipBytes(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

// parseHeaders reads the header lines of a head in order (obsolete line
// folding joined with a space).
func parseHeaders(head []byte) []Header {
	lines := strings.Split(strings.TrimRight(string(head), "\r\n"), "\n")
	var out []Header
	for _, l := range lines[1:] {
		l = strings.TrimRight(l, "\r")
		if l == "" {
			continue
		}
		if (l[0] == ' ' || l[0] == '\t') && len(out) > 0 {
			out[len(out)-1].Value += " " + strings.TrimSpace(l)
			continue
		}
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		out = append(out, Header{Name: name, Value: strings.TrimSpace(value)})
	}
	return out
}
