package s3

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"strings"

	"github.com/sigscope/sigscope/emulator/awsauth"
)

// s3Error is an answer in S3's XML error form:
// <Error><Code>…</Code><Message>…</Message>…<RequestId>…</RequestId><HostId>…</HostId></Error>.
type s3Error struct {
	status        int
	code, message string
	extra         [][2]string // more elements after Message, in S3's order
}

func errMalformed(format string, args ...any) *s3Error {
	return &s3Error{status: http.StatusBadRequest, code: "AuthorizationHeaderMalformed",
		message: "The authorization header is malformed; " + fmt.Sprintf(format, args...)}
}

func errNotImplemented(msg string) *s3Error {
	return &s3Error{status: http.StatusNotImplemented, code: "NotImplemented", message: msg}
}

// errMismatch is S3's SignatureDoesNotMatch: it shows the string to sign
// and canonical request it computed, as text and as bytes in hex.
func errMismatch(akid, provided string, exp awsauth.Recomputed) *s3Error {
	return &s3Error{status: http.StatusForbidden, code: "SignatureDoesNotMatch",
		message: "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
		extra: [][2]string{
			{"AWSAccessKeyId", akid},
			{"StringToSign", exp.StringToSign},
			{"SignatureProvided", provided},
			{"StringToSignBytes", hexBytes(exp.StringToSign)},
			{"CanonicalRequest", exp.CanonicalRequest},
			{"CanonicalRequestBytes", hexBytes(exp.CanonicalRequest)},
		}}
}

// hexBytes writes bytes as S3 does: two lower-case hex digits each, spaced.
func hexBytes(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%02x", s[i])
	}
	return b.String()
}

// xmlText escapes character data as S3 does: newlines stay raw (a
// canonical request is several lines), markup characters are escaped.
var xmlText = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;")

func writeError(w http.ResponseWriter, r *http.Request, e *s3Error) {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString("<Error><Code>" + e.code + "</Code><Message>" + xmlText.Replace(e.message) + "</Message>")
	for _, kv := range e.extra {
		b.WriteString("<" + kv[0] + ">" + xmlText.Replace(kv[1]) + "</" + kv[0] + ">")
	}
	id := w.Header().Get("x-amz-request-id")
	b.WriteString("<RequestId>" + id + "</RequestId><HostId>" + w.Header().Get("x-amz-id-2") + "</HostId></Error>")
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(e.status)
	if r.Method != http.MethodHead { // S3 answers HEAD with the status alone
		_, _ = w.Write([]byte(b.String()))
	}
}

// newRequestID is a random id in the form of x-amz-request-id (16 upper-case hex).
func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%X", b[:])
}
