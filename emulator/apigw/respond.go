package apigw

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
)

// Error types API Gateway names in x-amzn-ErrorType.
const (
	ErrMissingToken        = "MissingAuthenticationTokenException"
	ErrIncompleteSignature = "IncompleteSignatureException"
	ErrInvalidSignature    = "InvalidSignatureException"
	ErrUnrecognizedClient  = "UnrecognizedClientException"
	ErrExpiredToken        = "ExpiredTokenException"
	ErrForbidden           = "ForbiddenException"
	ErrUnauthorized        = "UnauthorizedException"
	ErrAccessDenied        = "AccessDeniedException"
	ErrRequestTooLarge     = "RequestTooLongException"
)

// Messages whose exact wording clients and tutorials match on.
const (
	MsgMissingToken   = "Missing Authentication Token"
	MsgInvalidToken   = "The security token included in the request is invalid."
	MsgExpiredToken   = "The security token included in the request is expired"
	MsgUnauthorized   = "Unauthorized"
	MsgTokenExpired   = "The incoming token has expired"
	MsgCookiesMissing = "Missing or invalid CloudFront signed cookies"
	msgMismatchHead   = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)

// apiError is a gateway answer that stops the request before its route runs.
type apiError struct {
	status  int
	errType string
	message string
	extra   map[string]any // more JSON fields beside "message"
}

func (e *apiError) Error() string { return e.errType + ": " + e.message }

func errMissingToken() *apiError {
	return &apiError{status: http.StatusForbidden, errType: ErrMissingToken, message: MsgMissingToken}
}

func errForbidden(errType, format string, args ...any) *apiError {
	return &apiError{status: http.StatusForbidden, errType: errType, message: fmt.Sprintf(format, args...)}
}

func errUnauthorized(msg string) *apiError {
	return &apiError{status: http.StatusUnauthorized, errType: ErrUnauthorized, message: msg}
}

// newRequestID returns a random version-4 UUID, as x-amzn-RequestId carries.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	// 8-4-4-4-12 hex digits, without fmt's reflection on every request.
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	hex.Encode(out[9:13], b[4:6])
	hex.Encode(out[14:18], b[6:8])
	hex.Encode(out[19:23], b[8:10])
	hex.Encode(out[24:36], b[10:16])
	out[8], out[13], out[18], out[23] = '-', '-', '-', '-'
	return string(out[:])
}

// marshalJSON encodes without HTML escaping: AWS sends '<', '>' and '&'
// as they are, and a canonical request is full of '&'.
func marshalJSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return []byte(`{"message":"Internal server error"}`)
	}
	return bytes.TrimRight(buf.Bytes(), "\n")
}

// jsonBuffers are writeJSON's encoding buffers, reused across requests;
// one grown past 1 MiB (a large echo) is left to the collector.
var jsonBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func writeJSON(w http.ResponseWriter, status int, v any) {
	buf := jsonBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= 1<<20 {
			jsonBuffers.Put(buf)
		}
	}()
	out := []byte(`{"message":"Internal server error"}`)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err == nil {
		out = bytes.TrimRight(buf.Bytes(), "\n")
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	w.WriteHeader(status)
	_, _ = w.Write(out)
}

// echoBuffers are writeEcho's, reused across requests as jsonBuffers are.
var echoBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// writeEcho writes the echo, encoded straight into a reused buffer.
func writeEcho(w http.ResponseWriter, e *echoEvent) {
	bp := echoBuffers.Get().(*[]byte)
	out, err := e.appendJSON((*bp)[:0])
	if grown := out[:0]; cap(grown) <= 1<<20 {
		defer func() { *bp = grown; echoBuffers.Put(bp) }()
	}
	if err != nil {
		out = []byte(`{"message":"Internal server error"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(out)
}

func writeError(w http.ResponseWriter, e *apiError) {
	body := map[string]any{"message": e.message}
	for k, v := range e.extra {
		body[k] = v
	}
	w.Header().Set("x-amzn-ErrorType", e.errType)
	writeJSON(w, e.status, body)
}
