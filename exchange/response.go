package exchange

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"
	"mime"
	"os"
	"strings"
	"unicode/utf8"
)

// Header is one response header line as received.
type Header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Response is an HTTP answer: headers in the order received, the body
// decoded from its Content-Encoding.
type Response struct {
	Status     int
	StatusText string // "200 OK"
	Proto      string
	Headers    []Header
	// TransferEncoding is the framing net/http undid ("chunked").
	TransferEncoding []string

	// Body is the decoded body when it fits in Options.MemoryLimit;
	// otherwise BodyFile names the temporary file (mode 0600) holding it.
	Body     []byte
	BodyFile string
	Size     int64 // decoded size
	WireSize int64 // size as received, before decoding
	// Decoded lists the Content-Encodings that were undone ("gzip").
	Decoded []string
	// Undecoded names a Content-Encoding left as is (br, zstd...).
	Undecoded string
	Truncated bool // MaxBody was reached
	Binary    bool
	// BinaryReason says why the body counts as binary.
	BinaryReason string
	// Incomplete, when not empty, says how the body was cut short, with
	// the byte count ("the connection closed after 1234 of 5000 bytes");
	// Body holds the bytes that arrived. Result.Err is then of kind
	// KindIncomplete.
	Incomplete string
}

// Header returns the first value of a header, matched without case.
func (r *Response) Header(name string) (string, bool) {
	for _, h := range r.Headers {
		if strings.EqualFold(h.Name, name) {
			return h.Value, true
		}
	}
	return "", false
}

// Values returns every value of a header, in order.
func (r *Response) Values(name string) []string {
	var out []string
	for _, h := range r.Headers {
		if strings.EqualFold(h.Name, name) {
			out = append(out, h.Value)
		}
	}
	return out
}

// OpenBody reads the body, from memory or from its spool file.
func (r *Response) OpenBody() (io.ReadCloser, error) {
	if r.BodyFile != "" {
		f, err := os.Open(r.BodyFile)
		if err != nil {
			return nil, fmt.Errorf("open spooled body: %w", err)
		}
		return f, nil
	}
	return io.NopCloser(bytes.NewReader(r.Body)), nil
}

// discard drops the body of a redirect hop.
func (r *Response) discard() {
	if r.BodyFile != "" {
		os.Remove(r.BodyFile)
	}
	r.Body, r.BodyFile = nil, ""
}

// spool keeps bytes in memory up to limit, then moves them to a file.
type spool struct {
	limit int64
	dir   string
	mem   bytes.Buffer
	file  *os.File
	size  int64
}

func (s *spool) Write(p []byte) (int, error) {
	if s.file == nil && int64(s.mem.Len()+len(p)) > s.limit {
		f, err := os.CreateTemp(s.dir, "sigscope-body-*")
		if err != nil {
			return 0, fmt.Errorf("spool a large body to disk: %w", err)
		}
		// CreateTemp already uses 0600; say it, since bodies can hold secrets.
		if err := f.Chmod(0o600); err != nil {
			f.Close()
			os.Remove(f.Name())
			return 0, fmt.Errorf("spool a large body to disk: %w", err)
		}
		if _, err := f.Write(s.mem.Bytes()); err != nil {
			f.Close()
			os.Remove(f.Name())
			return 0, fmt.Errorf("spool a large body to disk: %w", err)
		}
		s.file = f
		s.mem = bytes.Buffer{}
	}
	s.size += int64(len(p))
	if s.file != nil {
		return s.file.Write(p)
	}
	return s.mem.Write(p)
}

// finish closes the file; it returns the in-memory bytes or the file name.
func (s *spool) finish() ([]byte, string, error) {
	if s.file == nil {
		return s.mem.Bytes(), "", nil
	}
	name := s.file.Name()
	if err := s.file.Close(); err != nil {
		os.Remove(name)
		return nil, "", fmt.Errorf("spool a large body to disk: %w", err)
	}
	return nil, name, nil
}

func (s *spool) abort() {
	if s.file != nil {
		s.file.Close()
		os.Remove(s.file.Name())
	}
}

func (s *spool) reader() (io.ReadCloser, error) {
	if s.file == nil {
		return io.NopCloser(bytes.NewReader(s.mem.Bytes())), nil
	}
	return os.Open(s.file.Name())
}

// readBody reads the framed body into a spool, then undoes the
// Content-Encoding into another one, so a broken compressed body can still be
// shown as received.
func (r *Response) readBody(body io.Reader, opts Options) error {
	raw := &spool{limit: opts.MemoryLimit, dir: opts.SpoolDir}
	rd := &readErrors{r: body}
	n, err := io.Copy(raw, io.LimitReader(rd, opts.MaxBody))
	if err != nil && rd.err == nil {
		raw.abort() // a local failure, not the server's
		return err
	}
	r.WireSize = n
	if err != nil {
		// Cut short: keep what arrived, as received (a compressed body cut
		// in the middle is not decoded).
		cut := &cutBody{err: rd.err}
		if ce, ok := r.Header("Content-Encoding"); ok && !strings.EqualFold(strings.TrimSpace(ce), "identity") {
			r.Undecoded = fmt.Sprintf("Content-Encoding %s: not decoded, the body is incomplete; it is shown as received", ce)
		}
		r.Size = raw.size
		if r.Body, r.BodyFile, err = raw.finish(); err != nil {
			return err
		}
		r.detectBinary(true)
		return cut
	}
	if n == opts.MaxBody {
		var one [1]byte
		if m, _ := io.ReadFull(body, one[:]); m > 0 {
			r.Truncated = true
		}
	}
	var codings []string
	if ce, ok := r.Header("Content-Encoding"); ok {
		for _, c := range strings.Split(ce, ",") {
			if c = strings.ToLower(strings.TrimSpace(c)); c != "" && c != "identity" {
				codings = append(codings, c)
			}
		}
	}
	if len(codings) > 0 && !r.Truncated {
		if decoded, err := r.decode(raw, codings, opts); err == nil {
			raw.abort()
			raw = decoded
		} else {
			r.Decoded = nil
			r.Undecoded = err.Error()
		}
	} else if len(codings) > 0 {
		r.Undecoded = "not decoded: the body was truncated at the size limit"
	}
	r.Size = raw.size
	if r.Body, r.BodyFile, err = raw.finish(); err != nil {
		return err
	}
	r.detectBinary(false)
	return nil
}

// decode undoes the codings in reverse order of application.
func (r *Response) decode(raw *spool, codings []string, opts Options) (*spool, error) {
	cur := raw
	for i := len(codings) - 1; i >= 0; i-- {
		c := codings[i]
		in, err := cur.reader()
		if err != nil {
			return nil, err
		}
		var dec io.Reader
		switch c {
		case "gzip", "x-gzip":
			zr, err := gzip.NewReader(in)
			if err != nil {
				in.Close()
				return nil, fmt.Errorf("Content-Encoding %s: not gzip data (%v); the body is shown as received", c, err)
			}
			dec = zr
		case "deflate":
			// "deflate" means zlib (RFC 9110), but some servers send raw
			// DEFLATE; try zlib and fall back.
			peek, _ := cur.reader()
			var hdr [2]byte
			_, herr := io.ReadFull(peek, hdr[:])
			peek.Close()
			if herr == nil && (uint16(hdr[0])<<8|uint16(hdr[1]))%31 == 0 && hdr[0]&0x0f == 8 {
				zr, err := zlib.NewReader(in)
				if err != nil {
					in.Close()
					return nil, fmt.Errorf("Content-Encoding deflate: %v; the body is shown as received", err)
				}
				dec = zr
			} else {
				dec = flate.NewReader(in)
			}
		default:
			in.Close()
			return nil, fmt.Errorf("Content-Encoding %s is not decoded by sigscope; the body is shown as received", c)
		}
		out := &spool{limit: opts.MemoryLimit, dir: opts.SpoolDir}
		n, err := io.Copy(out, io.LimitReader(dec, opts.MaxBody+1))
		in.Close()
		if err == nil && n > opts.MaxBody {
			err = fmt.Errorf("larger than %d bytes once decoded", opts.MaxBody)
		}
		if err != nil {
			out.abort()
			if cur != raw {
				cur.abort()
			}
			return nil, fmt.Errorf("Content-Encoding %s: %v; the body is shown as received", c, err)
		}
		if cur != raw {
			cur.abort()
		}
		cur = out
		r.Decoded = append(r.Decoded, c)
	}
	return cur, nil
}

// sniffLen is how much of a spooled body is read to tell text from binary.
const sniffLen = 8 << 10

// detectBinary calls a body binary when its media type says so, or when
// it holds a NUL byte or is not valid UTF-8. cut says the body stopped
// short, perhaps inside a character.
func (r *Response) detectBinary(cut bool) {
	if ct, ok := r.Header("Content-Type"); ok {
		if mt, _, err := mime.ParseMediaType(ct); err == nil && binaryMediaType(mt) {
			r.Binary, r.BinaryReason = true, "Content-Type "+mt
			return
		}
	}
	sample := r.Body
	if r.BodyFile != "" {
		if f, err := os.Open(r.BodyFile); err == nil {
			buf := make([]byte, sniffLen)
			n, _ := io.ReadFull(f, buf)
			f.Close()
			sample = buf[:n]
		}
	}
	if bytes.IndexByte(sample, 0) >= 0 {
		r.Binary, r.BinaryReason = true, "NUL bytes in the body"
		return
	}
	if !utf8.Valid(sample) {
		// A sample cut from a larger body, or a body cut short, may end
		// inside a character.
		cut = cut || int64(len(sample)) < r.Size
		if !cut || !validUTF8Prefix(sample) {
			r.Binary, r.BinaryReason = true, "the body is not valid UTF-8"
		}
	}
}

// validUTF8Prefix accepts text whose only flaw is a character cut at the end.
func validUTF8Prefix(b []byte) bool {
	for i := 0; i < utf8.UTFMax && i < len(b); i++ {
		if utf8.Valid(b[:len(b)-i]) {
			return true
		}
	}
	return false
}

func binaryMediaType(mt string) bool {
	switch {
	case strings.HasPrefix(mt, "text/"):
		return false
	case strings.HasPrefix(mt, "image/"), strings.HasPrefix(mt, "audio/"), strings.HasPrefix(mt, "video/"), strings.HasPrefix(mt, "font/"):
		return mt != "image/svg+xml"
	}
	switch mt {
	case "application/octet-stream", "application/pdf", "application/zip", "application/gzip", "application/x-gzip",
		"application/x-tar", "application/x-protobuf", "application/protobuf", "application/vnd.google.protobuf",
		"application/cbor", "application/msgpack", "application/x-msgpack", "application/wasm",
		"application/x-amz-json-1.0+cbor", "application/vnd.amazon.eventstream":
		return true
	}
	return false
}

// protocolError is an answer that is not HTTP/1.x, or one too big to
// read (hint says so, where "not HTTP/1.1" would mislead).
type protocolError struct {
	err  error
	hint string
}

func (e *protocolError) Error() string { return e.err.Error() }
func (e *protocolError) Unwrap() error { return e.err }
