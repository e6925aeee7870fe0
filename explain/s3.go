package explain

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// readS3 keeps the elements S3 adds to its signature-family errors: the two
// payload hashes of XAmzContentSHA256Mismatch, the times of
// RequestTimeTooSkewed and of an expired presigned URL, the region of
// AuthorizationHeaderMalformed.
func (a *Answer) readS3(fields map[string]string) {
	a.Elements = map[string]string{}
	for k, v := range fields {
		if !strings.HasPrefix(k, "Token-") { // S3 echoes the session token there
			a.Elements[k] = strings.TrimSpace(v)
		}
	}
	get := func(k string) string { return a.Elements[k] }
	a.ExpectedRegion = get("Region")
	a.ClientContentSHA256 = get("ClientComputedContentSHA256")
	a.ServerContentSHA256 = get("S3ComputedContentSHA256")
	a.PresignExpires = get("X-Amz-Expires")
	a.MaxSkew = get("MaxAllowedSkewMilliseconds")
	for _, k := range []string{"RequestTime", "X-Amz-Date"} {
		if t, ok := amzTime(get(k)); ok {
			a.SignedAt = t
			break
		}
	}
	if t, ok := amzTime(get("ServerTime")); ok {
		a.ServerTime = t
	}
	if t, ok := amzTime(get("Expires")); ok {
		a.ExpiresAt = t
	}
}

// amzTime reads the times S3 writes in its errors, which come in several
// forms (20150604T232559Z, 2015-06-04T22:26:16Z, 2019-03-30T13:18:53.000Z,
// an HTTP date, and milliseconds since 1970 in "Request is not yet
// valid"), as X-Amz-Date's form.
func amzTime(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", false
	}
	for _, layout := range []string{amzDate, time.RFC3339Nano, http.TimeFormat, time.RFC1123Z} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC().Format(amzDate), true
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && len(s) >= 10 {
		t := time.Unix(n, 0)
		if len(s) >= 13 {
			t = time.UnixMilli(n)
		}
		return t.UTC().Format(amzDate), true
	}
	return "", false
}

// element quotes an S3 error element as the answer wrote it.
func (a Answer) element(name string) Quote {
	return Quote{From: QuoteAnswer, Text: "<" + name + ">" + a.Elements[name] + "</" + name + ">"}
}
