package capture

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/sigscope/sigscope/rawhttp"
)

// parseURL reads a bare URL: a GET of that URL, as a browser or curl sends
// a presigned URL.
func parseURL(lines []string, first int) (*Capture, error) {
	u := strings.TrimSpace(lines[first])
	for i := first + 1; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != "" {
			return nil, &Error{Format: FormatURL, Line: i + 1, Col: 1, Entry: -1, Msg: "more text after the URL: give the URL alone, or a whole request"}
		}
	}
	scheme, host, target, ok := splitURL(u)
	if !ok {
		return nil, &Error{Format: FormatURL, Line: first + 1, Col: 1, Entry: -1, Msg: "no host in the URL"}
	}
	var warnings []string
	if sent := escapeAsBrowsers(target); sent != target {
		warnings = append(warnings, "the URL holds spaces or non-ASCII characters: read percent-encoded, as browsers and curl send them")
		target = sent
	}
	raw := &rawhttp.Request{Method: "GET", Target: target, Proto: "HTTP/1.1", Headers: []rawhttp.Header{{Name: "Host", Value: host, Line: first + 1}}}
	if err := raw.Validate(); err != nil {
		var re *rawhttp.Error
		errors.As(err, &re)
		return nil, &Error{Format: FormatURL, Line: first + 1, Entry: -1, Msg: re.Msg}
	}
	return fromRaw(raw, scheme, FormatURL, warnings)
}

// escapeAsBrowsers percent-encodes the bytes of a URL that browsers and
// curl never send raw: spaces, control characters and non-ASCII bytes.
func escapeAsBrowsers(target string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(target); i++ {
		c := target[i]
		if c <= ' ' || c >= 0x7f {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// parseH2 reads HTTP/2 headers as devtools copy them: pseudo-headers
// (":method: GET") and "name: value" lines, no request line; a blank line
// and a body may follow.
func parseH2(lines []string, first int) (*Capture, error) {
	pseudo := map[string]string{}
	pseudoLine := map[string]int{}
	raw := &rawhttp.Request{Proto: "HTTP/1.1"}
	i := first
	for ; i < len(lines); i++ {
		line := strings.TrimRight(lines[i], "\r")
		if line == "" {
			break
		}
		bad := func(msg string) error {
			return &Error{Format: FormatH2, Line: i + 1, Entry: -1, Msg: msg}
		}
		if strings.HasPrefix(line, ":") {
			name, value, ok := strings.Cut(line[1:], ":")
			if !ok {
				return nil, bad(fmt.Sprintf("pseudo-header %q has no value: want \":name: value\"", line))
			}
			name = strings.ToLower(name)
			switch name {
			case "method", "authority", "scheme", "path", "protocol":
			default:
				return nil, bad(fmt.Sprintf("unknown pseudo-header :%s (HTTP/2 requests have :method, :authority, :scheme and :path)", name))
			}
			if _, dup := pseudo[name]; dup {
				return nil, bad(fmt.Sprintf("a second :%s", name))
			}
			pseudo[name], pseudoLine[name] = strings.TrimSpace(value), i+1
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, bad("header line has no colon; expected \"name: value\" (a blank line must separate the body)")
		}
		raw.Headers = append(raw.Headers, rawhttp.Header{Name: name, Value: strings.Trim(value, " \t"), Line: i + 1})
	}
	for _, need := range []string{"method", "path"} {
		if pseudo[need] == "" {
			return nil, &Error{Format: FormatH2, Line: first + 1, Entry: -1, Msg: fmt.Sprintf("no :%s pseudo-header: copy all request headers, including :method and :path", need)}
		}
	}
	raw.Method, raw.Target = pseudo["method"], pseudo["path"]
	if a := pseudo["authority"]; a != "" {
		if h, ok := raw.Get("Host"); ok && !strings.EqualFold(h, a) {
			return nil, &Error{Format: FormatH2, Line: pseudoLine["authority"], Entry: -1, Msg: fmt.Sprintf(":authority %q and Host %q disagree", a, h)}
		}
		if _, ok := raw.Get("Host"); !ok {
			raw.Headers = append([]rawhttp.Header{{Name: "Host", Value: a, Line: pseudoLine["authority"]}}, raw.Headers...)
		}
	}
	if i+1 < len(lines) {
		if body := strings.Join(lines[i+1:], "\n"); body != "" {
			raw.Body = []byte(body)
		}
	}
	if err := validate(raw, FormatH2, func(k int) int {
		if k < 0 {
			return pseudoLine["path"]
		}
		return raw.Headers[k].Line
	}); err != nil {
		return nil, err
	}
	scheme := strings.ToLower(pseudo["scheme"])
	if scheme == "" {
		scheme = "https"
	}
	return fromRaw(raw, scheme, FormatH2, nil)
}

// validate checks a request rebuilt from another layout with rawhttp's
// rules; lineOf maps header index k (-1 for the request line) to its line
// in the input.
func validate(raw *rawhttp.Request, f Format, lineOf func(k int) int) error {
	err := raw.Validate()
	if err == nil {
		return nil
	}
	var re *rawhttp.Error
	if !errors.As(err, &re) {
		return &Error{Format: f, Entry: -1, Msg: err.Error()}
	}
	return &Error{Format: f, Line: lineOf(re.Line - 2), Entry: -1, Msg: re.Msg}
}

// isCurlOutput recognizes curl -v output: a "> METHOD target HTTP/…" line.
func isCurlOutput(lines []string) bool {
	for _, l := range lines {
		if rest, ok := strings.CutPrefix(l, "> "); ok {
			f := strings.Fields(rest)
			return len(f) == 3 && strings.HasPrefix(f[2], "HTTP/")
		}
	}
	return false
}

// parseCurl reads the request curl -v printed: the "> " lines up to the
// lone ">" that ends the headers. curl -v does not print the body; the
// scheme comes from the connection lines ("port 443", TLS).
func parseCurl(lines []string) (*Capture, error) {
	var text []string
	var lineOf []int
	scheme, sent := "https", ""
	ended := false
	for i, l := range lines {
		l = strings.TrimRight(l, "\r")
		switch {
		case l == ">" || l == "> ":
			if len(text) > 0 && !ended {
				ended = true
			}
		case strings.HasPrefix(l, "> "):
			if ended {
				continue // a second request (a redirect, a retry): the first is read
			}
			text, lineOf = append(text, l[2:]), append(lineOf, i+1)
		case strings.HasPrefix(l, "* "):
			scheme = curlScheme(l, scheme)
			if _, n, ok := strings.Cut(l, "upload completely sent off: "); ok && sent == "" {
				sent = n
			}
		case strings.HasPrefix(l, "} [") && sent == "":
			sent = strings.TrimSuffix(strings.TrimPrefix(l, "} ["), "]")
		}
	}
	if len(text) == 0 {
		return nil, &Error{Format: FormatCurl, Line: 1, Entry: -1, Msg: "no \"> \" request lines"}
	}
	c, err := parseRaw(append(text, ""), 0, FormatCurl, func(l int) int {
		if l >= 1 && l <= len(lineOf) {
			return lineOf[l-1]
		}
		return lineOf[len(lineOf)-1]
	})
	if err != nil {
		return nil, err
	}
	if c.Request.Scheme == "https" && scheme == "http" {
		c.Request.Scheme = "http"
	}
	if sent != "" {
		c.Warnings = append(c.Warnings, fmt.Sprintf("curl -v does not print the request body (%s were sent): the body is taken as empty, so a payload hash computed from it will not match; capture with --trace-ascii, or give the request with its body", sent))
	}
	return c, nil
}

// curlScheme reads the scheme from one of curl's connection lines
// ("* Connected to h (1.2.3.4) port 80", "* SSL connection using TLSv1.3").
func curlScheme(line, scheme string) string {
	if strings.Contains(line, "SSL") || strings.Contains(line, "TLS") || strings.Contains(line, "ALPN") {
		return "https"
	}
	f := strings.Fields(line)
	for i := 0; i+1 < len(f); i++ {
		if f[i] == "port" {
			switch strings.TrimRightFunc(f[i+1], func(r rune) bool { return r < '0' || r > '9' }) {
			case "80":
				return "http"
			case "443":
				return "https"
			}
		}
	}
	return scheme
}

// har is the part of a HAR file that holds requests.
type har struct {
	Log *struct {
		Entries []struct {
			Request harRequest `json:"request"`
		} `json:"entries"`
	} `json:"log"`
}

type harRequest struct {
	Method      string `json:"method"`
	URL         string `json:"url"`
	HTTPVersion string `json:"httpVersion"`
	Headers     []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"headers"`
	PostData *struct {
		MimeType string            `json:"mimeType"`
		Text     string            `json:"text"`
		Params   []json.RawMessage `json:"params"`
	} `json:"postData"`
}

// signed reports whether a HAR request carries an AWS signature.
func (r harRequest) signed() bool {
	for _, h := range r.Headers {
		if strings.EqualFold(h.Name, "Authorization") && strings.HasPrefix(strings.ToUpper(strings.TrimSpace(h.Value)), "AWS4-") {
			return true
		}
	}
	return strings.Contains(r.URL, "X-Amz-Signature=")
}

// parseHAR reads one entry of a HAR file: entry, or the first signed one
// when entry is negative.
func parseHAR(data []byte, entry int) (*Capture, error) {
	var h har
	if err := json.Unmarshal(data, &h); err != nil {
		e := &Error{Format: FormatHAR, Entry: -1, Msg: "not valid JSON: " + err.Error()}
		var se *json.SyntaxError
		if errors.As(err, &se) {
			e.Line, e.Col = position(data, se.Offset)
		}
		return nil, e
	}
	if h.Log == nil || len(h.Log.Entries) == 0 {
		return nil, &Error{Format: FormatHAR, Entry: -1, Msg: "no log.entries: export the HAR from the browser's network panel (Save all as HAR)"}
	}
	n := len(h.Log.Entries)
	if entry >= n {
		return nil, &Error{Format: FormatHAR, Entry: -1, Msg: fmt.Sprintf("--entry %d: the file has %d entries (0 to %d)", entry, n, n-1)}
	}
	if entry < 0 {
		for i, e := range h.Log.Entries {
			if e.Request.signed() {
				entry = i
				break
			}
		}
		if entry < 0 {
			return nil, &Error{Format: FormatHAR, Entry: -1, Msg: fmt.Sprintf("none of the %d entries carries an AWS signature (Authorization: AWS4-… or X-Amz-Signature in the URL); pick one with --entry N", n)}
		}
	}
	c, err := harEntry(h.Log.Entries[entry].Request, entry)
	if err != nil {
		return nil, err
	}
	c.Entry = entry
	return c, nil
}

func harEntry(r harRequest, entry int) (*Capture, error) {
	fail := func(msg string) error { return &Error{Format: FormatHAR, Entry: entry, Msg: msg} }
	scheme, host, target, ok := splitURL(r.URL)
	if !ok {
		return nil, fail(fmt.Sprintf("request.url %q is not an absolute URL", r.URL))
	}
	raw := &rawhttp.Request{Method: r.Method, Target: target, Proto: "HTTP/1.1"}
	authority := host
	for _, hd := range r.Headers {
		if strings.HasPrefix(hd.Name, ":") {
			if strings.EqualFold(hd.Name, ":authority") && hd.Value != "" {
				authority = hd.Value
			}
			continue // HTTP/2 pseudo-headers, as Chrome lists them
		}
		raw.Headers = append(raw.Headers, rawhttp.Header{Name: hd.Name, Value: hd.Value})
	}
	if _, ok := raw.Get("Host"); !ok {
		raw.Headers = append([]rawhttp.Header{{Name: "Host", Value: authority}}, raw.Headers...)
	}
	var warnings []string
	if p := r.PostData; p != nil {
		raw.Body = []byte(p.Text)
		if p.Text == "" && len(p.Params) > 0 {
			warnings = append(warnings, "the HAR entry has postData.params but no postData.text: the body is taken as empty")
		}
	}
	if err := raw.Validate(); err != nil {
		return nil, fail(err.Error())
	}
	c, err := fromRaw(raw, scheme, FormatHAR, warnings)
	if err != nil {
		return nil, fail(err.(*Error).Msg)
	}
	return c, nil
}

// position turns a byte offset into a 1-based line and column.
func position(data []byte, off int64) (line, col int) {
	off = min(off, int64(len(data)))
	before := string(data[:off])
	line = strings.Count(before, "\n") + 1
	col = len(before) - strings.LastIndexByte(before, '\n')
	return line, col
}
