package history

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

// The HAR 1.2 field list (http://www.softwareishard.com/blog/har-12-spec/):
// for each object, its required fields and the JSON type of every field
// it may have. Fields starting with "_" are custom and allowed anywhere.
type harField struct {
	kind     string // string, number, boolean, object, array, array-of-X (X an object name)
	required bool
}

var harSchema = map[string]map[string]harField{
	"root":    {"log": {"object:log", true}},
	"log":     {"version": {"string", true}, "creator": {"object:creator", true}, "browser": {"object:creator", false}, "pages": {"array:page", false}, "entries": {"array:entry", true}, "comment": {"string", false}},
	"creator": {"name": {"string", true}, "version": {"string", true}, "comment": {"string", false}},
	"page":    {"startedDateTime": {"string", true}, "id": {"string", true}, "title": {"string", true}, "pageTimings": {"object", true}, "comment": {"string", false}},
	"entry": {"pageref": {"string", false}, "startedDateTime": {"string", true}, "time": {"number", true}, "request": {"object:request", true},
		"response": {"object:response", true}, "cache": {"object:cache", true}, "timings": {"object:timings", true},
		"serverIPAddress": {"string", false}, "connection": {"string", false}, "comment": {"string", false}},
	"request": {"method": {"string", true}, "url": {"string", true}, "httpVersion": {"string", true}, "cookies": {"array:cookie", true},
		"headers": {"array:nv", true}, "queryString": {"array:nv", true}, "postData": {"object:postData", false},
		"headersSize": {"number", true}, "bodySize": {"number", true}, "comment": {"string", false}},
	"response": {"status": {"number", true}, "statusText": {"string", true}, "httpVersion": {"string", true}, "cookies": {"array:cookie", true},
		"headers": {"array:nv", true}, "content": {"object:content", true}, "redirectURL": {"string", true},
		"headersSize": {"number", true}, "bodySize": {"number", true}, "comment": {"string", false}},
	"cookie": {"name": {"string", true}, "value": {"string", true}, "path": {"string", false}, "domain": {"string", false},
		"expires": {"string", false}, "httpOnly": {"boolean", false}, "secure": {"boolean", false}, "comment": {"string", false}},
	"nv":       {"name": {"string", true}, "value": {"string", true}, "comment": {"string", false}},
	"postData": {"mimeType": {"string", true}, "params": {"array:param", false}, "text": {"string", false}, "comment": {"string", false}},
	"param":    {"name": {"string", true}, "value": {"string", false}, "fileName": {"string", false}, "contentType": {"string", false}, "comment": {"string", false}},
	"content": {"size": {"number", true}, "compression": {"number", false}, "mimeType": {"string", true}, "text": {"string", false},
		"encoding": {"string", false}, "comment": {"string", false}},
	"cache": {"beforeRequest": {"object", false}, "afterRequest": {"object", false}, "comment": {"string", false}},
	"timings": {"blocked": {"number", false}, "dns": {"number", false}, "connect": {"number", false}, "send": {"number", true},
		"wait": {"number", true}, "receive": {"number", true}, "ssl": {"number", false}, "comment": {"string", false}},
}

// checkHAR validates v as the HAR object name, reporting every problem
// with its JSON path.
func checkHAR(t *testing.T, path, name string, v any) {
	t.Helper()
	obj, ok := v.(map[string]any)
	if !ok {
		t.Errorf("%s: not an object", path)
		return
	}
	fields := harSchema[name]
	for fname, f := range fields {
		if _, ok := obj[fname]; f.required && !ok {
			t.Errorf("%s: required field %q missing", path, fname)
		}
	}
	for fname, val := range obj {
		if strings.HasPrefix(fname, "_") {
			continue
		}
		f, ok := fields[fname]
		if !ok {
			t.Errorf("%s: field %q is not in HAR 1.2", path, fname)
			continue
		}
		p := path + "." + fname
		kind, sub, _ := strings.Cut(f.kind, ":")
		switch kind {
		case "string":
			if _, ok := val.(string); !ok {
				t.Errorf("%s: not a string", p)
			}
		case "number":
			if _, ok := val.(float64); !ok {
				t.Errorf("%s: not a number", p)
			}
		case "boolean":
			if _, ok := val.(bool); !ok {
				t.Errorf("%s: not a boolean", p)
			}
		case "object":
			if sub != "" {
				checkHAR(t, p, sub, val)
			} else if _, ok := val.(map[string]any); !ok {
				t.Errorf("%s: not an object", p)
			}
		case "array":
			arr, ok := val.([]any)
			if !ok {
				t.Errorf("%s: not an array", p)
				continue
			}
			for i, item := range arr {
				checkHAR(t, fmt.Sprintf("%s[%d]", p, i), sub, item)
			}
		}
	}
	switch name {
	case "entry":
		if _, err := time.Parse(time.RFC3339Nano, fmt.Sprint(obj["startedDateTime"])); err != nil {
			t.Errorf("%s.startedDateTime: not ISO 8601: %v", path, err)
		}
		checkTimings(t, path, obj)
	case "postData":
		_, text := obj["text"]
		_, params := obj["params"]
		if text == params {
			t.Errorf("%s: needs exactly one of text and params", path)
		}
	}
}

// checkTimings: send, wait, receive non-negative, the optional phases -1
// or non-negative, and time their sum (ssl being inside connect).
func checkTimings(t *testing.T, path string, entry map[string]any) {
	t.Helper()
	tm, _ := entry["timings"].(map[string]any)
	sum := 0.0
	for _, k := range []string{"blocked", "dns", "connect", "send", "wait", "receive", "ssl"} {
		v, _ := tm[k].(float64)
		optional := k != "send" && k != "wait" && k != "receive"
		if v < 0 && !(optional && v == -1) {
			t.Errorf("%s.timings.%s = %v", path, k, v)
		}
		if v > 0 && k != "ssl" {
			sum += v
		}
	}
	if ssl, _ := tm["ssl"].(float64); ssl > 0 && ssl > tm["connect"].(float64) {
		t.Errorf("%s.timings: ssl %v is not inside connect %v", path, ssl, tm["connect"])
	}
	if total, _ := entry["time"].(float64); math.Abs(total-sum) > 1e-6 {
		t.Errorf("%s.time %v is not the sum of its timings %v", path, total, sum)
	}
}

func harEntries() []*Entry {
	full := fullEntry()
	full.ID = 7
	failed := sampleEntry(5)
	failed.ID = 8
	failed.Status, failed.StatusText, failed.ResponseHeaders, failed.ResponseBody = 0, "", nil, Body{}
	failed.Error, failed.ErrorKind = "connect: connection refused", "connect"
	failed.Timings = Timings{Connect: 2 * time.Millisecond, Total: 2 * time.Millisecond}
	text := sampleEntry(6)
	text.ID = 9
	text.RequestBody = Body{Data: []byte("a=1&b=2"), Size: 7, MimeType: "application/x-www-form-urlencoded"}
	text.ResponseBody = Body{Data: []byte("héllo"), Size: 100, Truncated: true}
	text.Timings.Total = 10 * time.Millisecond // two hops: the first is in blocked
	return []*Entry{full, failed, text}
}

func TestHARValidates(t *testing.T) {
	out, err := HAR(harEntries(), "sigscope 0.9.0")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("HAR is not JSON: %v", err)
	}
	checkHAR(t, "$", "root", doc)
	golden(t, "export.har", out)

	var har harFile
	if err := json.Unmarshal(out, &har); err != nil {
		t.Fatal(err)
	}
	l := har.Log
	if l.Version != "1.2" || l.Creator != (harCreator{"sigscope", "0.9.0"}) || len(l.Entries) != 3 {
		t.Fatalf("log: %+v", l)
	}
	full, failed, text := l.Entries[0], l.Entries[1], l.Entries[2]
	e := fullEntry()
	if full.StartedDateTime != "2025-03-04T06:06:07.890+01:00" || full.Request.URL != e.URL || full.Request.Method != "POST" || full.Request.HTTPVersion != "HTTP/1.1" {
		t.Errorf("request: %+v", full.Request)
	}
	if len(full.Request.Headers) != len(e.RequestHeaders) || full.Request.Headers[3].Value != "‹masked session_token 1a2b3c4d5e6f›" {
		t.Errorf("headers not as stored: %+v", full.Request.Headers)
	}
	wantQuery := []harNV{{"limit", "10"}, {"type", "dog"}, {"type", "cat"}, {"q", "a b"}}
	if fmt.Sprint(full.Request.QueryString) != fmt.Sprint(wantQuery) {
		t.Errorf("queryString %v, want %v", full.Request.QueryString, wantQuery)
	}
	if pd := full.Request.PostData; pd == nil || pd.Text != `{"name":"Rex","kind":"dog"}` || pd.MimeType != "application/json" {
		t.Errorf("postData %+v", pd)
	}
	if full.Request.HeadersSize != int64(len(e.RequestWireHead)) || full.Request.BodySize != 27 {
		t.Errorf("request sizes %d, %d", full.Request.HeadersSize, full.Request.BodySize)
	}
	r := full.Response
	if r.Status != 403 || r.StatusText != "Forbidden" || r.RedirectURL != "https://127.0.0.1:8443/prod/elsewhere" || r.BodySize != 4096 {
		t.Errorf("response %+v", r)
	}
	if data, err := base64.StdEncoding.DecodeString(r.Content.Text); err != nil || string(data) != string(e.ResponseBody.Data) || r.Content.Encoding != "base64" || r.Content.Size != 4096 {
		t.Errorf("binary content %+v", r.Content)
	}
	c := r.Cookies[0]
	if c.Name != "session" || c.Value != "‹masked cookie›" || !c.HTTPOnly || !c.Secure || c.Path != "/prod" || c.Expires != "2025-03-05T05:06:07.000Z" {
		t.Errorf("received cookie %+v", c)
	}
	tm := full.Timings
	if tm.DNS != 1 || tm.Connect != 5 || tm.SSL != 3 || tm.Send != 0.4 || tm.Wait != 2.6 || tm.Receive != 1.5 || tm.Blocked != 1.5 || full.Time != 12 {
		t.Errorf("timings %+v, time %v", tm, full.Time)
	}
	if full.SigV4 == nil || full.SigV4.CanonicalRequest != e.Signing.CanonicalRequest || full.SigV4.StringToSign != e.Signing.StringToSign {
		t.Errorf("_sigv4 %+v", full.SigV4)
	}
	if full.Sigscope.ID != 7 || full.Sigscope.Diagnosis != e.Diagnosis || !full.Sigscope.Mismatch || len(full.Sigscope.Secrets) != 1 {
		t.Errorf("_sigscope %+v", full.Sigscope)
	}

	if failed.Response.Status != 0 || failed.Response.Error != "connect: connection refused" || failed.Timings.Connect != 2 ||
		failed.Timings.DNS != -1 || failed.Timings.SSL != -1 || failed.Time != 2 {
		t.Errorf("failed exchange: %+v, time %v", failed, failed.Time)
	}
	if text.Response.Content.Text != "héllo" || text.Response.Content.Encoding != "" || !strings.Contains(text.Response.Content.Comment, "6 of 100") {
		t.Errorf("truncated text content %+v", text.Response.Content)
	}
	if text.Timings.Blocked != 6.8 || text.Time != 10 {
		t.Errorf("two-hop timings %+v, time %v", text.Timings, text.Time)
	}
}

func TestHAREmpty(t *testing.T) {
	out, err := HAR(nil, "sigscope")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	checkHAR(t, "$", "root", doc)
	if !strings.Contains(string(out), `"entries": []`) {
		t.Errorf("no entries array:\n%s", out)
	}
	if _, err := HAR([]*Entry{nil}, "sigscope"); err == nil {
		t.Error("a nil entry gave no error")
	}
}
