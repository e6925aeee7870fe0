package explain

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"github.com/sigscope/sigscope/sign"
	"strconv"
	"strings"
	"time"
)

// The refusals that carry their own evidence: the times of a clock
// refusal, the expiry of a presigned URL, the two hashes of S3's
// XAmzContentSHA256Mismatch.

// clockFromMessage explains "Signature expired", "Signature not yet
// current", S3's RequestTimeTooSkewed and "Request is not yet valid" from
// the times they quote.
func clockFromMessage(r *ranking, e *Evidence) {
	a := e.Answer
	quotes := []Quote{{From: QuoteAnswer, Text: a.Message}}
	if a.Elements["RequestTime"] != "" || a.Elements["ServerTime"] != "" {
		quotes = []Quote{a.element("RequestTime"), a.element("ServerTime")}
		if a.Elements["RequestTime"] == "" {
			quotes[0] = a.element("X-Amz-Date")
		}
	}
	signed, err1 := time.Parse(amzDate, a.SignedAt)
	server, err2 := time.Parse(amzDate, a.ServerTime)
	if err1 != nil || err2 != nil {
		r.add(CauseClock, weightCertain, "").Quotes = quotes
		return
	}
	d := server.Sub(signed)
	var c *Cause
	switch {
	case d < -23*time.Hour:
		c = r.add(CauseClock, weightCertain, "signed at %s, %s ahead of the server's clock (%s): the date of the machine that signed is wrong, not just its time", a.SignedAt, formatDays(-d), a.ServerTime)
	case d < 0:
		c = r.add(CauseClock, weightCertain, "signed at %s, %s ahead of the server's clock (%s): the local clock is ahead%s", a.SignedAt, (-d).Round(time.Second), a.ServerTime, wholeHours(-d))
	case d > 24*time.Hour:
		c = r.add(CauseClock, weightCertain, "signed at %s, %s before the server's clock (%s): a request signed long ago was replayed, or the device's clock is far behind", a.SignedAt, formatDays(d), a.ServerTime)
	default:
		c = r.add(CauseClock, weightCertain, "signed at %s, %s before the server's clock (%s): the local clock is behind, or the request waited (a queue, a retry, a long upload) before it was sent%s", a.SignedAt, d.Round(time.Second), a.ServerTime, wholeHours(d))
	}
	if a.Kind == KindTimeTooSkewed {
		allowed := "15 minutes"
		if ms, err := strconv.Atoi(a.MaxSkew); err == nil && ms > 0 {
			allowed = (time.Duration(ms) * time.Millisecond).String()
		}
		c.Evidence += "; S3 allows " + allowed + " either way"
	}
	if a.Elements["ServerTime"] != "" {
		c.Evidence += cite(quotes)
	}
	c.Quotes = quotes
}

// cite writes the quoted elements of an answer after its evidence.
func cite(quotes []Quote) string {
	texts := make([]string, len(quotes))
	for i, q := range quotes {
		texts[i] = fmt.Sprintf("%q", q.Text)
	}
	return " (" + QuoteAnswer + ": " + strings.Join(texts, ", ") + ")"
}

// wholeHours notes an offset of almost exactly whole hours: a local time
// written as UTC.
func wholeHours(d time.Duration) string {
	h := d.Round(time.Hour)
	if h < time.Hour || h > 14*time.Hour || (d-h).Abs() > 2*time.Minute {
		return ""
	}
	return fmt.Sprintf(" by almost exactly %d h: a local time written as UTC (a time zone or daylight-saving offset), not a drifting clock", int(h.Hours()))
}

func formatDays(d time.Duration) string {
	d = d.Round(time.Second)
	days := int(d / (24 * time.Hour))
	if days == 0 {
		return d.String()
	}
	unit := " days "
	if days == 1 {
		unit = " day "
	}
	return strconv.Itoa(days) + unit + (d % (24 * time.Hour)).String()
}

// presignExpired explains S3's "Request has expired" (AccessDenied) from
// the expiry and server time it quotes.
func presignExpired(r *ranking, e *Evidence) {
	a := e.Answer
	quotes := []Quote{a.element("Expires"), a.element("ServerTime")}
	expires, err1 := time.Parse(amzDate, a.ExpiresAt)
	server, err2 := time.Parse(amzDate, a.ServerTime)
	if err1 != nil || err2 != nil {
		r.add(CausePresign, weightCertain, "S3 says the presigned URL expired").Quotes = []Quote{{From: QuoteAnswer, Text: a.Message}}
		return
	}
	late := server.Sub(expires)
	ev := fmt.Sprintf("the presigned URL expired at %s and reached S3 at %s, %s late", a.ExpiresAt, a.ServerTime, late.Round(time.Second))
	if n, err := strconv.Atoi(a.PresignExpires); err == nil {
		ev += fmt.Sprintf(": it was signed at %s for X-Amz-Expires=%d s", expires.Add(-time.Duration(n)*time.Second).Format(amzDate), n)
		quotes = append([]Quote{a.element("X-Amz-Expires")}, quotes...)
	}
	switch {
	case late > time.Hour:
		ev += "; it was used long after it was made (a cached page, a stored link, an email): presign when the link is used, not when it is shown"
	default:
		ev += "; it expired shortly before use: presign closer to use or for longer"
	}
	if id, _ := e.accessKeyID(); strings.HasPrefix(id, "ASIA") {
		ev += "; it was signed with temporary credentials (" + id + "), which end the URL when they expire, whatever X-Amz-Expires says"
	}
	r.add(CausePresign, weightCertain, "%s", ev+cite(quotes)).Quotes = quotes
	r.add(CauseClock, weightWeak, "if the URL was used right after it was made, the clock of the machine that presigned it is behind S3's by about %s", (late + presignLifetime(a)).Round(time.Second))
}

func presignLifetime(a Answer) time.Duration {
	n, _ := strconv.Atoi(a.PresignExpires)
	return time.Duration(n) * time.Second
}

// presignParameters explains S3's AuthorizationQueryParametersError.
func presignParameters(r *ranking, e *Evidence) {
	a := e.Answer
	q := []Quote{{From: QuoteAnswer, Text: a.Message}}
	expires := ""
	if e.sigOK && e.sig.Presigned && e.sig.Expires > 0 {
		expires = fmt.Sprintf(" (this URL asks for %d s)", int(e.sig.Expires/time.Second))
	}
	switch msg := a.text; {
	case indexFold(msg, "less than a week") >= 0:
		r.add(CausePresign, weightCertain, "a SigV4 presigned URL lives at most 604800 s (7 days)%s: presign for less, and again when it runs out", expires).Quotes = q
	case indexFold(msg, "X-Amz-Expires") >= 0:
		r.add(CausePresign, weightCertain, "X-Amz-Expires must be a whole number of seconds from 1 to 604800 (a client that wrote X-Amz-Expires=undefined, or a negative number)").Quotes = q
	case indexFold(msg, "requires the X-Amz-Algorithm") >= 0:
		r.add(CausePresign, weightCertain, "a presigned URL needs X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders and X-Amz-Expires%s: one was dropped or renamed (a URL shortener, a template that kept only some parameters)", missingPresignParams(e)).Quotes = q
	case indexFold(msg, "X-Amz-Algorithm") >= 0:
		r.add(CausePresign, weightCertain, "X-Amz-Algorithm must be AWS4-HMAC-SHA256 (AWS4-ECDSA-P256-SHA256 for SigV4a)").Quotes = q
	default:
		r.add(CausePresign, weightCertain, "S3 could not read the presigned URL's X-Amz-* parameters: %q", a.Message).Quotes = q
	}
}

func missingPresignParams(e *Evidence) string {
	if e.Request == nil {
		return ""
	}
	var missing []string
	for _, p := range []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Expires"} {
		if !strings.Contains(e.Request.RawQuery, p+"=") {
			missing = append(missing, p)
		}
	}
	if len(missing) == 0 {
		return ""
	}
	return " (this URL has no " + strings.Join(missing, ", ") + ")"
}

// payloadMismatch explains S3's XAmzContentSHA256Mismatch: the body sent
// is not the body hashed.
func payloadMismatch(r *ranking, e *Evidence) {
	a := e.Answer
	client, server := a.ClientContentSHA256, a.ServerContentSHA256
	quotes := []Quote{a.element("ClientComputedContentSHA256"), a.element("S3ComputedContentSHA256")}
	var ev string
	switch {
	case client == emptyHash && server != "" && server != emptyHash:
		ev = fmt.Sprintf("the request declared x-amz-content-sha256 %s, the SHA-256 of an empty body, but S3 received a body (hashing to %s): the hash was computed before the body was set, or a proxy or signer that never saw the body signed it", short(client), short(server))
	case server == emptyHash && client != "" && client != emptyHash:
		ev = fmt.Sprintf("S3 received an empty body (%s is the SHA-256 of nothing) while the request declared %s: the body was lost on the way (a redirect or a retry that did not send it again, a stream already read, a proxy that dropped it)", short(server), short(client))
	case client != "" && server != "":
		ev = fmt.Sprintf("the request declared x-amz-content-sha256 %s but the body S3 received hashes to %s: the body sent is not the body hashed (re-encoded, compressed, chunk framing hashed, or changed after signing)", short(client), short(server))
	default:
		ev = "the body sent is not the body hashed"
	}
	if tr := e.Trace; tr != nil && tr.Payload.Hash == client && client != "" {
		ev += "; it is the hash that was signed"
	}
	if e.Request != nil && e.Request.Body != nil {
		sum := sha256.Sum256(e.Request.Body)
		switch got := hex.EncodeToString(sum[:]); got {
		case server:
			ev += "; the body given is the one S3 received, so the declared hash was computed on another"
		case client:
			ev += "; the body given is the one that was hashed, so S3 received another (chunk framing, a proxy, a re-encoding)"
		}
	}
	r.add(CausePayload, weightCertain, "%s", ev+cite(quotes)).Quotes = quotes
}

func short(hash string) string {
	if len(hash) == 64 {
		return hash[:8] + "…"
	}
	return hash
}

// missingContentSHA256 explains S3's InvalidRequest "Missing required
// header for this request: x-amz-content-sha256": S3 refuses a request
// signed in the Authorization header without it, whatever the signature,
// since its canonical request ends with that header's value.
func missingContentSHA256(r *ranking, e *Evidence) {
	ev := "S3 wants x-amz-content-sha256 (the body's SHA-256 in hex, or UNSIGNED-PAYLOAD) on every request signed in the Authorization header, and signed; "
	quotes := []Quote{{From: QuoteAnswer, Text: e.Answer.Message}}
	switch {
	case e.Request == nil:
		ev += "the request had none"
	case hasHeader(e.Request, "X-Amz-Content-Sha256"):
		ev += "it reached S3 without it: a proxy dropped it"
	default:
		ev += "the request has none: a signer in its generic mode (not S3's) does not add it"
		quotes = append(quotes, e.requestLine())
	}
	r.add(CausePayload, weightCertain, "%s", ev).Quotes = quotes
}

func hasHeader(r *sign.Request, name string) bool {
	_, ok := r.Get(name)
	return ok
}
