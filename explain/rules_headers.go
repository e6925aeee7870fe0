package explain

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/sigscope/sigscope/sign"
)

// The headers, the Host and the session token: what clients and proxies
// change after signing, and what temporary credentials need.
var headerRules = []*Rule{
	{ID: "charset-added", Cause: CauseHeader, Explains: true, test: charsetAdded,
		Name: "a charset added to Content-Type after signing",
		Fix:  "sign the Content-Type exactly as the client sends it, charset included (set it, with its charset, before signing), or leave content-type out of the signed headers"},
	{ID: "proxy-headers-signed", Cause: CauseHeader, Explains: true, test: proxyHeadersSigned,
		Name: "headers that proxies and load balancers rewrite are signed"},
	{ID: "client-headers-signed", Cause: CauseHeader, Explains: true, test: clientHeadersSigned,
		Name: "headers that HTTP clients rewrite are signed"},
	{ID: "content-length-signed", Cause: CauseHeader, test: contentLengthSigned,
		Name: "content-length is signed"},
	{ID: "authorization-signed", Cause: CauseHeader, Explains: true, test: authorizationSigned,
		Name: "an Authorization header was signed, then replaced"},
	{ID: "content-type-without-body", Cause: CauseHeader, test: contentTypeWithoutBody,
		Name: "content-type signed on a request without a body"},
	{ID: "repeated-header", Cause: CauseHeader, Explains: true, test: repeatedHeader,
		Name: "a signed header sent more than once"},
	{ID: "header-changed-in-flight", Cause: CauseHeader, Explains: true, test: headerChangedInFlight,
		Name: "a signed header reached the wire with another value, or not at all"},
	{ID: "host-port", Cause: CauseHost, Explains: true, test: hostPort,
		Name: "the Host carries a port, or changed after signing"},
	{ID: "session-token-empty", Cause: CauseSessionToken, test: tokenEmpty,
		Name: "an empty X-Amz-Security-Token"},
	{ID: "session-token-missing", Cause: CauseSessionToken, test: tokenMissing,
		Name: "a temporary access key (ASIA…) without its session token"},
	{ID: "session-token-twice", Cause: CauseSessionToken, test: tokenTwice,
		Name: "X-Amz-Security-Token sent twice"},
}

func charsetAdded(e *Evidence) []Finding {
	if h, ok := e.server.header("content-type"); e.hasCR && ok && hasCharset(h.value) {
		w := weightStrong - 5
		if e.Rebuilt {
			w = weightStrong
		}
		return one(Finding{Weight: w, Quote: e.serverLine(h.line),
			Why: fmt.Sprintf("the server received content-type %q: browsers' fetch and XHR, axios and many HTTP clients append the charset after the request was signed, so a client that signed %q signed another line", h.value, withoutCharset(h.value))})
	}
	if e.unrecorded() && e.signsHeader("content-type") {
		if v, ok := e.Request.Get("Content-Type"); ok && hasCharset(v) {
			return one(Finding{Weight: weightStrong, Quote: e.requestHeader("Content-Type", ""),
				Why: fmt.Sprintf("the request sends Content-Type %q, signed: browsers' fetch and XHR, axios and many HTTP clients append the charset after the request was signed, so the client likely signed %q", v, withoutCharset(v))})
		}
	}
	if tr := e.recorded(); tr != nil {
		for _, h := range tr.Headers {
			if h.Name == "content-type" && !hasCharset(h.Value) {
				return one(Finding{Weight: weightWeak, Quote: e.signedLine("content-type:"),
					Why: fmt.Sprintf("content-type %q is signed: browsers, fetch and axios may append '; charset=UTF-8' after signing", h.Value)})
			}
		}
	}
	return nil
}

// withoutCharset removes a charset parameter from a media type.
func withoutCharset(v string) string {
	parts := strings.Split(v, ";")
	kept := parts[:1]
	for _, p := range parts[1:] {
		if !hasCharset(p) {
			kept = append(kept, p)
		}
	}
	return strings.TrimRight(strings.Join(kept, ";"), " ")
}

// signedHeader is one signed header line from whichever source has them:
// the server's canonical request, what was recorded as signed, or the
// request's headers its signature lists.
type signedHeader struct {
	name, value string
	quote       Quote
}

func (e *Evidence) signedHeaders() (list []signedHeader, from string) {
	switch tr := e.recorded(); {
	case e.hasCR:
		for _, h := range e.server.headers {
			list = append(list, signedHeader{h.name, h.value, e.serverLine(h.line)})
		}
		return list, QuoteServerCanonical
	case tr != nil:
		for _, h := range tr.Headers {
			list = append(list, signedHeader{h.Name, h.Value, e.signedLine(h.Name + ":")})
		}
		return list, QuoteSigned
	case e.sigOK:
		for _, h := range e.Request.Headers {
			if name := strings.ToLower(h.Name); e.signsHeader(name) {
				list = append(list, signedHeader{name, h.Value, Quote{From: QuoteRequest, Text: h.Name + ": " + h.Value}})
			}
		}
		return list, QuoteRequest
	}
	return nil, ""
}

func proxyHeadersSigned(e *Evidence) []Finding {
	list, from := e.signedHeaders()
	var names []string
	var first Quote
	for _, h := range list {
		if proxyHeader(h.name) {
			if len(names) == 0 {
				first = h.quote
			}
			names = append(names, h.name+"="+strconv.Quote(h.value))
		}
	}
	switch {
	case len(names) == 0:
		return nil
	case from == QuoteSigned:
		return one(Finding{Weight: weightStrong, Quote: first, Why: strings.SplitN(names[0], "=", 2)[0] + " is signed: proxies and load balancers add or rewrite it"})
	}
	return one(Finding{Weight: weightStrong, Quote: first,
		Why: fmt.Sprintf("signed headers that proxies and load balancers add or rewrite: %s (as the server received them)", strings.Join(names, ", "))})
}

func clientHeadersSigned(e *Evidence) []Finding {
	list, from := e.signedHeaders()
	for _, h := range list {
		switch h.name {
		case "user-agent", "accept-encoding":
		case "expect", "connection":
			if from == QuoteSigned {
				continue
			}
		default:
			continue
		}
		why := h.name + " is signed: HTTP clients and proxies rewrite it"
		if from == QuoteSigned {
			why = h.name + " is signed: HTTP clients rewrite it"
		}
		return one(Finding{Weight: weightMedium, Quote: h.quote, Why: why})
	}
	return nil
}

func contentLengthSigned(e *Evidence) []Finding {
	list, from := e.signedHeaders()
	for _, h := range list {
		if h.name == "content-length" {
			w := weightWeak + 5
			if from == QuoteSigned {
				w = weightWeak
			}
			return one(Finding{Weight: w, Quote: h.quote, Why: "content-length is signed: a client that re-encodes, compresses or chunks the body after signing changes it"})
		}
	}
	return nil
}

func authorizationSigned(e *Evidence) []Finding {
	if h, ok := e.server.header("authorization"); e.hasCR && ok {
		return one(Finding{Weight: weightStrong + 10, Quote: Quote{From: QuoteServerCanonical, Line: h.line, Text: "authorization:…"},
			Why: "authorization is among the signed headers: the signer signed an Authorization header that was already there (a token), then replaced it with the signature"})
	}
	return nil
}

func contentTypeWithoutBody(e *Evidence) []Finding {
	if h, ok := e.server.header("content-type"); e.hasCR && ok && (e.server.method == "GET" || e.server.method == "HEAD") {
		return one(Finding{Weight: weightWeak, Quote: e.serverLine(h.line),
			Why: fmt.Sprintf("content-type is signed on a %s without a body: some HTTP clients drop it", e.server.method)})
	}
	return nil
}

func repeatedHeader(e *Evidence) []Finding {
	if !e.unrecorded() {
		return nil
	}
	count := map[string]int{}
	for _, h := range e.Request.Headers {
		name := strings.ToLower(h.Name)
		if count[name]++; count[name] == 2 && e.signsHeader(name) {
			return one(Finding{Weight: weightMedium, Quote: e.requestHeader(h.Name, ""),
				Why: fmt.Sprintf("%s is sent more than once and signed: AWS joins the values with ',' in order; signers that keep one of them, or join them with ', ', sign another line", name)})
		}
	}
	return nil
}

// headerChangedInFlight compares what was signed with the request as sent.
func headerChangedInFlight(e *Evidence) []Finding {
	tr, req := e.recorded(), e.Request
	if tr == nil || req == nil {
		return nil
	}
	var out []Finding
	for _, h := range tr.Headers {
		if h.Name == "host" || h.Source == "signer" {
			continue
		}
		var values []string
		for _, rh := range req.Headers {
			if strings.EqualFold(rh.Name, h.Name) {
				values = append(values, strings.Join(strings.Fields(rh.Value), " "))
			}
		}
		switch sent := strings.Join(values, ","); {
		case len(values) == 0:
			out = append(out, Finding{Weight: weightStrong + 10, Quote: e.signedLine(h.Name + ":"), Why: h.Name + " was signed but not sent"})
		case sent != h.Value:
			out = append(out, Finding{Weight: weightStrong + 10, Quote: e.requestHeader(h.Name, ""), Why: fmt.Sprintf("%s was signed as %q and sent as %q", h.Name, h.Value, sent)})
		}
	}
	return out
}

func hostPort(e *Evidence) []Finding {
	if tr := e.recorded(); tr != nil && e.Request != nil && e.Request.Host != "" {
		for _, h := range tr.Headers {
			if sent := e.Request.Host; h.Name == "host" && !strings.EqualFold(sent, h.Value) && !strings.EqualFold(withoutDefaultPort(sent, e.Request.Scheme), h.Value) {
				return one(Finding{Weight: weightStrong + 10, Quote: Quote{From: QuoteRequest, Text: "Host: " + sent},
					Why: fmt.Sprintf("signed host %q, sent %q", h.Value, sent)})
			}
		}
	}
	if e.unrecorded() && e.Request.Host != withoutDefaultPort(e.Request.Host, e.Request.Scheme) {
		q := Quote{From: QuoteRequest, Text: "Host: " + e.Request.Host}
		if h, ok := e.server.header("host"); e.hasCR && ok {
			q = e.serverLine(h.line)
		}
		return one(Finding{Weight: weightStrong, Quote: q, Signers: []string{"aws-sdk-go-v2"},
			Why: fmt.Sprintf("the request sends Host %q with its default port, and AWS signs the Host as received; signers that drop the default port (aws-sdk-go-v2 does) sign %q", e.Request.Host, withoutDefaultPort(e.Request.Host, e.Request.Scheme))})
	}
	// A port alone is no evidence (every request to a local endpoint has
	// one): only a server's host line that is not the Host signed, or sent
	// when what was signed is unknown, is.
	h, ok := e.server.header("host")
	if !e.hasCR || !ok {
		return nil
	}
	client, what := "", "the request's Host"
	if tr := e.recorded(); tr != nil {
		for _, th := range tr.Headers {
			if th.Name == "host" {
				client, what = th.Value, "the host signed"
			}
		}
	} else if e.Request != nil {
		client = e.Request.Host
	}
	if client == "" || strings.EqualFold(client, h.value) {
		return nil
	}
	why := fmt.Sprintf("the server's host line %q is not %s %q", h.value, what, client)
	if hostName(client) == hostName(h.value) {
		why += ": they differ in the port only; signers drop default ports (:80, :443) and keep others, and a proxy in front may forward another"
	}
	return one(Finding{Weight: weightStrong, Quote: e.serverLine(h.line), Why: why})
}

// hostName is a Host without its port.
func hostName(host string) string {
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.HasSuffix(host, "]") {
		return strings.ToLower(host[:i])
	}
	return strings.ToLower(host)
}

func withoutDefaultPort(host, scheme string) string {
	if strings.EqualFold(scheme, "http") {
		return strings.TrimSuffix(host, ":80")
	}
	return strings.TrimSuffix(host, ":443")
}

func tokenEmpty(e *Evidence) []Finding {
	list, from := e.signedHeaders()
	for _, h := range list {
		if h.name == "x-amz-security-token" && strings.TrimSpace(h.value) == "" {
			why := "an empty X-Amz-Security-Token was signed and sent: leave the header out with long-term keys, or send the token of the temporary credentials"
			if from == QuoteSigned {
				why = "an empty X-Amz-Security-Token was signed"
			}
			return one(Finding{Weight: weightStrong + 10, Quote: h.quote, Why: why})
		}
	}
	return nil
}

// hasToken reports a session token signed or sent, and whether anything
// was there to look at.
func (e *Evidence) hasToken() (token, known bool) {
	list, _ := e.signedHeaders()
	for _, h := range list {
		if h.name == "x-amz-security-token" {
			return true, true
		}
	}
	known = list != nil
	if e.hasCR && strings.Contains(e.server.query, "X-Amz-Security-Token=") {
		return true, true
	}
	if tr := e.recorded(); tr != nil && slices.ContainsFunc(tr.Query.Params, func(p sign.QueryParam) bool { return p.Key == "X-Amz-Security-Token" }) {
		return true, true
	}
	if e.Request != nil {
		known = true
		if _, ok := e.Request.Get("X-Amz-Security-Token"); ok || strings.Contains(e.Request.RawQuery, "X-Amz-Security-Token=") {
			return true, true
		}
	}
	return false, known
}

func tokenMissing(e *Evidence) []Finding {
	id, q := e.accessKeyID()
	token, known := e.hasToken()
	switch {
	case !known:
		return nil
	case strings.HasPrefix(id, "ASIA") && !token:
		why := id + " is a temporary access key, but no X-Amz-Security-Token was signed"
		if e.hasCR && e.recorded() == nil {
			why = id + " is a temporary access key, but AWS's canonical request has no x-amz-security-token line: the session token was not sent, or not signed"
		}
		return one(Finding{Weight: weightStrong, Quote: q, Why: why})
	case strings.HasPrefix(id, "AKIA") && token:
		return one(Finding{Weight: weightMedium, Quote: q, Why: id + " is a long-term access key, yet a session token was signed"})
	}
	return nil
}

func tokenTwice(e *Evidence) []Finding {
	if e.Request == nil {
		return nil
	}
	if _, inHeader := e.Request.Get("X-Amz-Security-Token"); inHeader && strings.Contains(e.Request.RawQuery, "X-Amz-Security-Token=") {
		return one(Finding{Weight: weightStrong + 15, Quote: e.requestLine(), Why: "X-Amz-Security-Token is sent twice, in a header and in the query"})
	}
	return nil
}
