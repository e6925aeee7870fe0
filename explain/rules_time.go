package explain

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sigscope/sigscope/sign"
)

// The payload, the clock and the credential scope, and what an S3 answer
// without its canonical request still says.
var timeRules = []*Rule{
	{ID: "payload-hash-header", Cause: CausePayload, test: payloadHashHeader,
		Name: "x-amz-content-sha256 is not the payload hash the server used"},
	{ID: "payload-streaming", Cause: CausePayload, test: payloadStreaming,
		Name: "a streaming (aws-chunked) payload"},
	{ID: "payload-unsigned", Cause: CausePayload, test: payloadUnsigned,
		Name: "UNSIGNED-PAYLOAD, which only some services accept"},
	{ID: "payload-empty", Cause: CausePayload, test: payloadEmpty,
		Name: "the empty body's hash for a request with a body"},
	{ID: "payload-chunked", Cause: CausePayload, test: payloadChunked,
		Name: "a body sent chunked"},
	{ID: "dates-mixed", Cause: CauseClock, test: datesMixed,
		Name: "two signing times in one signature"},
	{ID: "scope-day", Cause: CauseClock, test: scopeDay,
		Name: "the credential scope's day is not X-Amz-Date's"},
	{ID: "date-skew", Cause: CauseClock, test: dateSkew,
		Name: "X-Amz-Date far from the answer's Date"},
	{ID: "scope-of-host", Cause: CauseScope, test: scopeOfHost,
		Name: "the credential scope's region or service is not the host's"},
	{ID: "algorithm", Cause: CauseAuthHeader, test: algorithm,
		Name: "an algorithm that is not SigV4's"},
	{ID: "s3-without-details", Cause: CausePath, test: s3WithoutDetails,
		Name: "S3's refusal without the canonical request S3 sends"},
}

func payloadHashHeader(e *Evidence) []Finding {
	if h, ok := e.server.header("x-amz-content-sha256"); e.hasCR && ok && h.value != e.server.hash && e.server.hash != "" {
		return one(Finding{Weight: weightStrong, Quote: e.serverLine(h.line),
			Why: fmt.Sprintf("x-amz-content-sha256 is %q but the server hashed the payload as %q", h.value, e.server.hash)})
	}
	return nil
}

func payloadStreaming(e *Evidence) []Finding {
	if e.hasCR && strings.HasPrefix(e.server.hash, "STREAMING-") {
		return one(Finding{Weight: weightStrong, Quote: e.serverLine(len(e.server.lines)),
			Why: fmt.Sprintf("the payload is %s: each chunk must then carry its own signature (aws-chunked); a client that sends the body in one piece must sign its hash or UNSIGNED-PAYLOAD", e.server.hash)})
	}
	if tr := e.recorded(); tr != nil && strings.HasPrefix(tr.Payload.Hash, "STREAMING-") {
		return one(Finding{Weight: weightMedium, Quote: e.signedLine(tr.Payload.Hash), Why: fmt.Sprintf("a streaming payload (%s) was signed: each chunk must then be signed", tr.Payload.Hash)})
	}
	return nil
}

func payloadUnsigned(e *Evidence) []Finding {
	if e.hasCR && e.server.hash == sign.UnsignedPayload {
		return one(Finding{Weight: weightWeak, Quote: e.serverLine(len(e.server.lines)), Why: "the payload is UNSIGNED-PAYLOAD: only S3 (and services that say so) accept it"})
	}
	if tr := e.recorded(); tr != nil && tr.Payload.Hash == sign.UnsignedPayload {
		return one(Finding{Weight: weightWeak, Quote: e.signedLine(sign.UnsignedPayload), Why: "UNSIGNED-PAYLOAD was signed: only S3 (and services that say so) accept it"})
	}
	return nil
}

func payloadEmpty(e *Evidence) []Finding {
	if !e.hasCR || e.server.hash != emptyHash || !slices.Contains([]string{"POST", "PUT", "PATCH"}, e.server.method) {
		return nil
	}
	if n, found := e.server.header("content-length"); found && n.value != "0" {
		return one(Finding{Weight: weightStrong, Quote: e.serverLine(len(e.server.lines)),
			Why: fmt.Sprintf("the server hashed an empty body (e3b0c442… is the SHA-256 of nothing) while content-length is %s: the body hash was computed on another body", n.value)})
	}
	return nil
}

func payloadChunked(e *Evidence) []Finding {
	if e.Request == nil {
		return nil
	}
	if te, ok := e.Request.Get("Transfer-Encoding"); ok && strings.Contains(strings.ToLower(te), "chunked") {
		return one(Finding{Weight: weightMedium, Quote: e.requestHeader("Transfer-Encoding", ""),
			Why: "the request is sent chunked: the payload hash must cover the decoded body, not the chunk framing"})
	}
	return nil
}

func datesMixed(e *Evidence) []Finding {
	date := e.stsLine(2)
	if h, ok := e.server.header("x-amz-date"); e.hasCR && ok && h.value != date && amzDateRE.MatchString(h.value) && amzDateRE.MatchString(date) {
		return one(Finding{Weight: weightStrong, Quote: e.serverLine(h.line),
			Why: fmt.Sprintf("the canonical request's x-amz-date %s is not the string to sign's date %s: two signing times were mixed", h.value, date)})
	}
	return nil
}

func scopeDay(e *Evidence) []Finding {
	date, scope := e.stsLine(2), e.stsLine(3)
	if amzDateRE.MatchString(date) && scope != "" && !strings.HasPrefix(scope, date[:8]) {
		return one(Finding{Weight: weightStrong, Quote: Quote{From: QuoteServerSTS, Line: 3, Text: scope},
			Why: fmt.Sprintf("the credential scope's day %q is not the day of X-Amz-Date %s", scope, date)})
	}
	return nil
}

// dateSkew compares the signing time with the server's Date, and the
// local clock with it.
func dateSkew(e *Evidence) []Finding {
	if e.Date.IsZero() {
		return nil
	}
	var out []Finding
	dateLine := Quote{From: QuoteAnswer, Text: "Date: " + e.Date.UTC().Format(http1123)}
	if s, q, ok := e.signedDate(); ok {
		at, _ := time.Parse(amzDate, s)
		if d := e.Date.Sub(at); d.Abs() > sign.MaxSkew {
			out = append(out, Finding{Weight: weightStrong, Quote: q,
				Why: fmt.Sprintf("signed at %s, the server's Date is %s: %s apart (%q)", at.Format(amzDate), e.Date.UTC().Format(amzDate), d.Abs().Round(time.Second), dateLine.Text)})
		}
	}
	if !e.Received.IsZero() {
		if d := e.Date.Sub(e.Received.Truncate(time.Second)); d.Abs() > time.Minute {
			out = append(out, Finding{Weight: weightMedium, Quote: dateLine, Why: fmt.Sprintf("the server's clock is %s off the local clock", d.Abs().Round(time.Second))})
		}
	}
	return out
}

const http1123 = "Mon, 02 Jan 2006 15:04:05 GMT"

func scopeOfHost(e *Evidence) []Finding {
	_, region, service, q, ok := e.scope()
	host := e.host()
	hostRegion, hostService, global, known := hostScope(host)
	if !ok || !known {
		return nil
	}
	var out []Finding
	// S3's legacy global endpoint serves buckets of every region, each
	// signed for its own.
	if hostRegion != region && !(global && hostService == "s3") {
		out = append(out, Finding{Weight: weightStrong, Quote: q, Why: fmt.Sprintf("signed for region %s, but the host %s is in %s", region, host, hostRegion)})
	}
	if hostService != "" && hostService != service {
		out = append(out, Finding{Weight: weightMedium, Quote: q, Why: fmt.Sprintf("signed for service %s, but the host %s looks like %s", service, host, hostService)})
	}
	return out
}

func algorithm(e *Evidence) []Finding {
	if a := e.stsLine(1); strings.HasPrefix(a, "AWS4-") && a != sign.Algorithm && a != sign.AlgorithmV4a {
		return one(Finding{Weight: weightMedium, Quote: Quote{From: QuoteServerSTS, Line: 1, Text: a}, Why: fmt.Sprintf("the server read the algorithm as %q", a)})
	}
	return nil
}

// s3WithoutDetails: S3 itself sends its canonical request and string to
// sign with SignatureDoesNotMatch; an answer without them went through a
// proxy, or came from an S3-compatible store, and the S3 rules most often
// missed remain the lead.
func s3WithoutDetails(e *Evidence) []Finding {
	a := e.Answer
	if a.Kind != KindMismatch || a.Format != FormatS3XML || a.ServerCanonicalRequest != "" || a.ServerStringToSign != "" {
		return nil
	}
	return one(Finding{Weight: weightWeak + 5, Quote: a.element("Code"),
		Why: "S3's answer came without the CanonicalRequest and StringToSign S3 sends (a proxy or an S3-compatible store left them out), so there is nothing to compare: with S3 the usual differences are the path, which S3 encodes only once and never normalizes (a signer outside S3 mode encodes it twice), and x-amz-content-sha256, which must be sent and be the body's hash"})
}
