package history

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/), with field
// order as the spec lists it. Custom fields start with "_", as it asks.
type harFile struct {
	Log harLog `json:"log"`
}

type harLog struct {
	Version string     `json:"version"`
	Creator harCreator `json:"creator"`
	Entries []harEntry `json:"entries"`
}

type harCreator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type harEntry struct {
	StartedDateTime string       `json:"startedDateTime"`
	Time            float64      `json:"time"`
	Request         harRequest   `json:"request"`
	Response        harResponse  `json:"response"`
	Cache           struct{}     `json:"cache"`
	Timings         harTimings   `json:"timings"`
	Comment         string       `json:"comment,omitempty"`
	SigV4           *Signing     `json:"_sigv4,omitempty"`
	Sigscope        harExtension `json:"_sigscope"`
}

type harRequest struct {
	Method      string       `json:"method"`
	URL         string       `json:"url"`
	HTTPVersion string       `json:"httpVersion"`
	Cookies     []harCookie  `json:"cookies"`
	Headers     []harNV      `json:"headers"`
	QueryString []harNV      `json:"queryString"`
	PostData    *harPostData `json:"postData,omitempty"`
	HeadersSize int64        `json:"headersSize"`
	BodySize    int64        `json:"bodySize"`
}

type harResponse struct {
	Status      int         `json:"status"`
	StatusText  string      `json:"statusText"`
	HTTPVersion string      `json:"httpVersion"`
	Cookies     []harCookie `json:"cookies"`
	Headers     []harNV     `json:"headers"`
	Content     harContent  `json:"content"`
	RedirectURL string      `json:"redirectURL"`
	HeadersSize int64       `json:"headersSize"`
	BodySize    int64       `json:"bodySize"`
	Error       string      `json:"_error,omitempty"` // why no answer came (status 0)
}

type harNV struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type harCookie struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	Path     string `json:"path,omitempty"`
	Domain   string `json:"domain,omitempty"`
	Expires  string `json:"expires,omitempty"`
	HTTPOnly bool   `json:"httpOnly,omitempty"`
	Secure   bool   `json:"secure,omitempty"`
	Comment  string `json:"comment,omitempty"`
}

type harPostData struct {
	MimeType string `json:"mimeType"`
	Text     string `json:"text"`
	Encoding string `json:"_encoding,omitempty"` // "base64" for a binary body, which HAR 1.2 has no field for
	Comment  string `json:"comment,omitempty"`
}

type harContent struct {
	Size     int64  `json:"size"`
	MimeType string `json:"mimeType"`
	Text     string `json:"text,omitempty"`
	Encoding string `json:"encoding,omitempty"`
	Comment  string `json:"comment,omitempty"`
}

type harTimings struct {
	Blocked float64 `json:"blocked"`
	DNS     float64 `json:"dns"`
	Connect float64 `json:"connect"`
	Send    float64 `json:"send"`
	Wait    float64 `json:"wait"`
	Receive float64 `json:"receive"`
	SSL     float64 `json:"ssl"`
}

// harExtension keeps what HAR has no place for, so an export loses
// nothing that history show would tell.
type harExtension struct {
	ID             int64    `json:"id"`
	Collection     string   `json:"collection,omitempty"`
	CollectionPath string   `json:"collection_path,omitempty"`
	Request        string   `json:"request,omitempty"`
	Environment    string   `json:"environment,omitempty"`
	Mode           string   `json:"mode,omitempty"`
	Profile        string   `json:"profile,omitempty"`
	User           string   `json:"user,omitempty"`
	Source         string   `json:"source,omitempty"`
	TLS            string   `json:"tls,omitempty"`
	Error          string   `json:"error,omitempty"`
	ErrorKind      string   `json:"error_kind,omitempty"`
	Diagnosis      string   `json:"diagnosis,omitempty"`
	Mismatch       bool     `json:"mismatch,omitempty"`
	Warnings       []string `json:"warnings,omitempty"`
	Secrets        []Secret `json:"secrets,omitempty"`
}

// HAR exports entries as a HAR 1.2 file, in the order given. Values are
// exactly as stored, so secrets stay masked as in the database. creator
// names the program, "name version" or "name/version". The timings come
// from the exchange's trace in milliseconds: dns, connect (which includes
// ssl, as HAR requires) and ssl are -1 when the phase did not happen;
// blocked holds what Timings.Total has beyond the last hop's phases
// (earlier redirect hops), else -1; time is the sum of the phases, so it
// equals Total when that is known.
func HAR(entries []*Entry, creator string) ([]byte, error) {
	name, version := creator, ""
	if i := strings.IndexAny(creator, " /"); i > 0 {
		name, version = creator[:i], strings.TrimSpace(creator[i+1:])
	}
	f := harFile{Log: harLog{Version: "1.2", Creator: harCreator{Name: name, Version: version}, Entries: []harEntry{}}}
	for i, e := range entries {
		if e == nil {
			return nil, fmt.Errorf("har: entry %d is nil", i)
		}
		f.Log.Entries = append(f.Log.Entries, harOf(e))
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false) // URLs keep their & as written
	enc.SetIndent("", "  ")
	if err := enc.Encode(f); err != nil {
		return nil, fmt.Errorf("har: %w", err)
	}
	return out.Bytes(), nil
}

func harOf(e *Entry) harEntry {
	proto := responseProto(e)
	t := harTimingsOf(e.Timings)
	h := harEntry{
		StartedDateTime: e.Time.Format("2006-01-02T15:04:05.000Z07:00"),
		Time:            t.total,
		Timings:         t.harTimings,
		Comment:         e.Diagnosis,
		SigV4:           e.Signing,
		Request: harRequest{
			Method:      e.Method,
			URL:         e.URL,
			HTTPVersion: proto,
			Cookies:     harCookies(e.CookiesSent),
			Headers:     harHeaders(e.RequestHeaders),
			QueryString: harQuery(e.URL),
			HeadersSize: headSize(e.RequestWireHead),
			BodySize:    e.RequestBody.Size,
		},
		Response: harResponse{
			Status:      e.Status,
			StatusText:  strings.TrimSpace(strings.TrimPrefix(e.StatusText, fmt.Sprint(e.Status))),
			HTTPVersion: proto,
			Cookies:     harCookies(e.CookiesReceived),
			Headers:     harHeaders(e.ResponseHeaders),
			Content:     harContentOf(e.ResponseBody, e.ResponseHeaders),
			RedirectURL: headerValue(e.ResponseHeaders, "Location"),
			HeadersSize: -1, // the answer's head is not kept as bytes
			BodySize:    e.ResponseBody.Size,
		},
		Sigscope: harExtension{
			ID: e.ID, Collection: e.Collection, CollectionPath: e.CollectionPath, Request: e.Request,
			Environment: e.Environment, Mode: e.Mode, Profile: e.Profile, User: e.User, Source: e.Source,
			TLS: e.TLS, Error: e.Error, ErrorKind: e.ErrorKind, Diagnosis: e.Diagnosis, Mismatch: e.Mismatch,
			Warnings: e.Warnings, Secrets: e.Secrets,
		},
	}
	if e.Status == 0 {
		h.Response.HTTPVersion = ""
		h.Response.BodySize = -1
		h.Response.Error = e.Error
	}
	if e.RequestBody.Size > 0 || len(e.RequestBody.Data) > 0 {
		pd := &harPostData{MimeType: mimeOf(e.RequestBody, e.RequestHeaders)}
		pd.Text, pd.Encoding = bodyForHAR(e.RequestBody)
		pd.Comment = truncNote(e.RequestBody)
		h.Request.PostData = pd
	}
	return h
}

type harTimes struct {
	harTimings
	total float64
}

// harTimingsOf maps the trace to HAR phases, summing in microseconds so
// that time is exactly the sum of the parts.
func harTimingsOf(t Timings) harTimes {
	us := func(d time.Duration) int64 { return max(d.Microseconds(), 0) }
	dns, conn, ssl, send, recv := us(t.DNS), us(t.Connect+t.TLS), us(t.TLS), us(t.Send), us(t.Transfer)
	wait := max(us(t.FirstByte)-dns-conn-send, 0)
	sum := dns + conn + send + wait + recv
	blocked := us(t.Total) - sum
	if blocked <= 0 {
		blocked = 0
	}
	sum += blocked
	ms := func(v int64) float64 { return float64(v) / 1000 }
	opt := func(v int64, happened bool) float64 {
		if !happened {
			return -1
		}
		return ms(v)
	}
	return harTimes{
		harTimings: harTimings{
			Blocked: opt(blocked, blocked > 0),
			DNS:     opt(dns, t.DNS > 0),
			Connect: opt(conn, t.Connect > 0 || t.TLS > 0),
			SSL:     opt(ssl, t.TLS > 0),
			Send:    ms(send),
			Wait:    ms(wait),
			Receive: ms(recv),
		},
		total: ms(sum),
	}
}

func harHeaders(hs []Header) []harNV {
	out := make([]harNV, 0, len(hs))
	for _, h := range hs {
		out = append(out, harNV{h.Name, h.Value})
	}
	return out
}

// harQuery lists the URL's query pairs in order, decoded; a pair that
// does not decode is kept as written.
func harQuery(raw string) []harNV {
	out := []harNV{}
	u, err := url.Parse(raw)
	if err != nil || u.RawQuery == "" {
		return out
	}
	for _, pair := range strings.Split(u.RawQuery, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		if dk, err := url.QueryUnescape(k); err == nil {
			k = dk
		}
		if dv, err := url.QueryUnescape(v); err == nil {
			v = dv
		}
		out = append(out, harNV{k, v})
	}
	return out
}

func harCookies(cs []Cookie) []harCookie {
	out := make([]harCookie, 0, len(cs))
	for _, c := range cs {
		hc := harCookie{Name: c.Name, Value: c.Value, Path: c.Path, Domain: c.Domain, Comment: c.Reason}
		for _, attr := range strings.Split(c.Attributes, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(attr), "=")
			switch strings.ToLower(k) {
			case "httponly":
				hc.HTTPOnly = true
			case "secure":
				hc.Secure = true
			case "path":
				if hc.Path == "" {
					hc.Path = v
				}
			case "domain":
				if hc.Domain == "" {
					hc.Domain = v
				}
			case "expires":
				if t, err := time.Parse(time.RFC1123, v); err == nil {
					hc.Expires = t.UTC().Format("2006-01-02T15:04:05.000Z07:00")
				}
			}
		}
		out = append(out, hc)
	}
	return out
}

func harContentOf(b Body, hs []Header) harContent {
	c := harContent{Size: b.Size, MimeType: mimeOf(b, hs), Comment: truncNote(b)}
	c.Text, c.Encoding = bodyForHAR(b)
	return c
}

// bodyForHAR is a body as HAR text: as is when it is UTF-8 text, else
// base64.
func bodyForHAR(b Body) (text, encoding string) {
	if len(b.Data) == 0 {
		return "", ""
	}
	if b.Binary || !utf8.Valid(b.Data) {
		return base64.StdEncoding.EncodeToString(b.Data), "base64"
	}
	return string(b.Data), ""
}

func truncNote(b Body) string {
	if !b.Truncated {
		return ""
	}
	return fmt.Sprintf("truncated by sigscope: %d of %d bytes kept", len(b.Data), b.Size)
}

func mimeOf(b Body, hs []Header) string {
	if b.MimeType != "" {
		return b.MimeType
	}
	if v := headerValue(hs, "Content-Type"); v != "" {
		return v
	}
	switch {
	case b.Binary:
		return "application/octet-stream"
	case len(b.Data) == 0:
		return "" // no body: nothing to type
	}
	return "text/plain"
}

func headerValue(hs []Header, name string) string {
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

// headSize is the request head's size in bytes up to and including the
// blank line, or -1 when it was not kept.
func headSize(head string) int64 {
	if head == "" {
		return -1
	}
	n := int64(len(head))
	switch {
	case strings.HasSuffix(head, "\r\n\r\n"):
	case strings.HasSuffix(head, "\r\n"):
		n += 2
	default:
		n += 4
	}
	return n
}
