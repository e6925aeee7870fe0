package explain

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/sigscope/sigscope/sign"
)

// The path and the query: where client signers and AWS's reading of the
// bytes part most often (PRODUCT.md, "Where well-known signers
// disagree", and the peers measured there).
var uriRules = []*Rule{
	{ID: "path-encoded-once", Cause: CausePath, Explains: true, test: pathEncodedOnce,
		Name: "the path was signed encoded once; AWS encodes it twice",
		Fix:  "outside S3, sign the path encoded twice: each %XX of the path becomes %25XX in the canonical URI (signers in S3 mode, and curl 7.88.1, which signs the path as written, do not)"},
	{ID: "path-encoded-twice-s3", Cause: CausePath, Explains: true, test: pathEncodedTwiceS3,
		Name: "an S3 path signed encoded twice; S3 encodes it once",
		Fix:  "sign S3 requests in S3 mode: the path encoded once, escapes kept as sent (sigscope: auth.s3)"},
	{ID: "path-raw-bytes", Cause: CausePath, Explains: true, test: pathRawBytes,
		Name: "raw spaces, non-ASCII or !'()* in the path, which signers encode differently"},
	{ID: "path-dot-segments", Cause: CausePath, Explains: true, test: pathDotSegments,
		Name: "dot segments or '//' in the path, which signers normalize differently",
		Fix:  "send the path already normalized (no '.', '..' or '//' segments) outside S3; in S3 sign it as it is, unnormalized"},
	{ID: "plus-signed-as-space", Cause: CausePlus, Explains: true, test: plusSignedAsSpace,
		Name: "a raw '+' in the query, which the client signed as a space",
		Fix:  "send %20 for a space and %2B for a plus: then every signer agrees with AWS (URLSearchParams and form encoding write '+' for a space; AWS reads a raw '+' as a plus)"},
	{ID: "query-order", Cause: CauseQuery, Explains: true, test: queryOrder,
		Name: "the query was signed in the order sent; AWS sorts it",
		Fix:  "sort the parameters by encoded name, then value, before signing, or send them sorted (curl 7.88.1 signs the query as written)"},
	{ID: "query-as-written", Cause: CauseQuery, Explains: true, test: queryAsWritten,
		Name: "query bytes AWS encodes anew, which a client signed as written",
		Fix:  "send the query already encoded as AWS encodes it (RFC 3986, upper-case %XX, every byte but A-Z a-z 0-9 - . _ ~ escaped, 'key=' for a key alone)"},
	{ID: "query-repeated-key", Cause: CauseQuery, Explains: true, test: queryRepeated,
		Name: "a query key given more than once"},
	{ID: "path-changed-in-flight", Cause: CausePath, Explains: true, test: pathChanged,
		Name: "the path sent is not the path signed"},
	{ID: "query-changed-in-flight", Cause: CauseQuery, Explains: true, test: queryChanged,
		Name: "the query sent is not the query signed"},
	{ID: "rewritten-after-signing", Cause: CausePath, Explains: true, test: rewrittenAfterSigning,
		Name: "a client whose HTTP stack rewrites the URL after signing",
		Fix:  "write the URL the way the client's stack sends it before it is signed: escapes in upper case (%C3%A9), raw bytes percent-encoded, no ';' in the last path segment (%3B)"},
	{ID: "signer-dialects", Cause: CauseQuery, Explains: true, test: otherDialects,
		Name: "another way a known signer canonicalizes this request"},
}

func pathEncodedOnce(e *Evidence) []Finding {
	if e.s3() {
		return nil
	}
	if e.unrecorded() && strings.Contains(e.Request.Path, "%") {
		q := e.requestLine()
		if e.hasCR {
			q = e.serverLine(2)
		}
		return one(Finding{Weight: weightMedium + 5, Quote: q, Signers: []string{"curl 7.88.1"},
			Why: fmt.Sprintf("the path %q holds %%XX escapes, which AWS encodes again (%q), as every service but S3 does; a client that signs the path as written or encoded once signs %q: curl 7.88.1 signs it as written, and so does any signer in S3 mode",
				e.Request.Path, encodePath(e.Request.Path), e.Request.Path)})
	}
	if e.hasCR && strings.Contains(e.server.path, "%25") {
		return one(Finding{Weight: weightMedium, Quote: e.serverLine(2),
			Why: "the server's canonical URI holds %25: it encoded the path's own %XX escapes again, as every service but S3 does; a signer that encodes the path only once signs another line"})
	}
	if tr := e.recorded(); tr != nil && strings.Contains(tr.URI.Input, "%") {
		return one(Finding{Weight: weightWeak, Quote: e.signedLine(tr.URI.Output),
			Why: fmt.Sprintf("the path %q holds %%XX escapes: signers disagree on encoding them once (S3) or twice (every other service)", tr.URI.Input)})
	}
	return nil
}

func pathEncodedTwiceS3(e *Evidence) []Finding {
	if !e.s3() || !e.unrecorded() || !strings.Contains(e.Request.Path, "%") {
		return nil
	}
	q := e.requestLine()
	if e.hasCR {
		q = e.serverLine(2)
	}
	return one(Finding{Weight: weightMedium + 5, Quote: q,
		Why: fmt.Sprintf("the path %q holds %%XX escapes, which S3 keeps as sent, encoding the path only once; a signer outside S3 mode encodes them again and signs %q", e.Request.Path, encodePath(e.Request.Path))})
}

func rawPathBytes(p string) bool {
	return strings.IndexFunc(p, func(r rune) bool { return r <= ' ' || r >= 0x7f || strings.ContainsRune("!'()*", r) }) >= 0
}

func pathRawBytes(e *Evidence) []Finding {
	if e.unrecorded() && rawPathBytes(e.Request.Path) {
		why := fmt.Sprintf("the path %q has spaces, non-ASCII bytes or !'()*, which signers encode differently", e.Request.Path)
		signers, said := e.signersOf("path-encoding", "path-sub-delims")
		return one(Finding{Weight: weightMedium, Quote: e.requestLine(), Signers: signers, Why: why + said})
	}
	if e.hasCR && e.Trace == nil && strings.Contains(e.server.path, "%") {
		if !e.s3() && !strings.Contains(e.server.path, "%25") {
			return one(Finding{Weight: weightMedium, Quote: e.serverLine(2),
				Why: "the server's canonical URI holds %XX escapes but no %25: the path arrived with raw bytes (a space, non-ASCII) that AWS encoded once; a client that escaped them for the wire and then encoded the path again signs %25XX, one that signed them raw signs another line"})
		}
		if e.s3() && strings.Contains(e.server.path, "%25") {
			return one(Finding{Weight: weightMedium, Quote: e.serverLine(2),
				Why: "S3's canonical URI holds %25: S3 encodes the path once, so the path sent held %25 itself, a key encoded twice (a signer outside S3 mode, or an SDK given an already encoded key)"})
		}
	}
	if tr := e.recorded(); tr != nil && rawPathBytes(tr.URI.Input) {
		return one(Finding{Weight: weightWeak, Quote: e.signedLine(tr.URI.Output),
			Why: fmt.Sprintf("the path %q has spaces, non-ASCII bytes or !'()*, which signers encode differently", tr.URI.Input)})
	}
	return nil
}

func pathDotSegments(e *Evidence) []Finding {
	if e.unrecorded() && hasDotSegments(e.Request.Path) {
		if e.s3() {
			return one(Finding{Weight: weightStrong - 10, Quote: e.requestLine(), Signers: []string{"aws4", "botocore"},
				Why: fmt.Sprintf("the path %q has dot segments or '//', which S3 keeps as they are; signers that normalize the path sign another one: aws4 (and so newman and Bruno) and botocore do", e.Request.Path)})
		}
		aws := "without them"
		q := e.requestLine()
		switch {
		case e.hasCR:
			aws, q = fmt.Sprintf("as %q", e.server.path), e.serverLine(2)
		case e.Rebuilt:
			aws = fmt.Sprintf("as %q", e.Trace.URI.Output)
		}
		signers, said := e.signersOf("path-dot-segments")
		signers = append(signers, "curl 7.88.1")
		return one(Finding{Weight: weightStrong - 5, Quote: q, Signers: signers,
			Why: fmt.Sprintf("the path %q has dot segments or '//', which AWS removes before signing (%s); a client that signs the path as written signs another one%s; curl 7.88.1 with --path-as-is signs it as written",
				e.Request.Path, aws, said)})
	}
	if e.hasCR && hasDotSegments(e.server.path) {
		return one(Finding{Weight: weightMedium, Quote: e.serverLine(2),
			Why: "the server's canonical URI has dot segments or duplicate slashes, which signers normalize differently"})
	}
	if tr := e.recorded(); tr != nil {
		for _, rule := range tr.URI.Rules {
			if rule == sign.RuleDotSegments || rule == sign.RuleDuplicateSlash {
				return one(Finding{Weight: weightMedium, Quote: e.signedLine(tr.URI.Output),
					Why: fmt.Sprintf("the path was normalized when signed (%s); S3 and some clients do not normalize", rule)})
			}
		}
	}
	return nil
}

func plusSignedAsSpace(e *Evidence) []Finding {
	if e.unrecorded() && strings.Contains(e.Request.RawQuery, "+") {
		aws := awsQuery(e.Request.RawQuery, e.sig.Presigned)
		q := e.requestLine()
		if e.hasCR && e.server.queryLine > 0 {
			aws, q = e.server.query, e.serverLine(e.server.queryLine)
		}
		space := strings.NewReplacer("%2B", "%20").Replace(aws)
		signers, said := e.signersOf("query-plus")
		if len(signers) == 0 {
			signers, said = []string{"aws4", "amplify", "aws-sdk-go-v2"}, fmt.Sprintf(": aws4 (and so newman and Bruno), Amplify and aws-sdk-go-v2 sign %q", space)
		}
		signers = append(signers, "curl 7.88.1")
		return one(Finding{Weight: weightStrong, Quote: q, Signers: signers,
			Why: fmt.Sprintf("the client most likely signed '+' as a space: the query sends a raw '+' (%q), which AWS reads as a plus (%q)%s; curl 7.88.1 signs the '+' as written",
				e.Request.RawQuery, aws, said)})
	}
	if tr := e.recorded(); tr != nil && strings.Contains(tr.Query.Input, "+") {
		return one(Finding{Weight: weightStrong, Quote: e.signedLine(tr.Query.Output),
			Why: fmt.Sprintf("the query %q holds a raw '+': AWS reads it as a plus (%%2B); a client or signer that reads it as a space signs %%20", tr.Query.Input)})
	}
	if e.hasCR && e.server.queryLine > 0 {
		switch q := e.server.query; {
		case strings.Contains(q, "%2B"):
			return one(Finding{Weight: weightMedium, Quote: e.serverLine(3),
				Why: fmt.Sprintf("the server's canonical query %q holds %%2B: AWS read a raw '+' (or %%2B) as a plus, while aws4 (and so newman and Bruno), Amplify and aws-sdk-go-v2 sign a raw '+' as a space (%%20)", q)})
		case strings.Contains(q, "%20"):
			return one(Finding{Weight: weightMedium, Quote: e.serverLine(3),
				Why: fmt.Sprintf("the server's canonical query %q holds %%20: a space, which clients that send '+' for a space (URLSearchParams, form encoding) and signers disagree on", q)})
		}
	}
	return nil
}

func queryOrder(e *Evidence) []Finding {
	if e.unrecorded() {
		pairs := readQuery(e.Request.RawQuery, e.sig.Presigned)
		if sorted := sortedPairs(pairs); !slices.Equal(pairs, sorted) {
			q := e.requestLine()
			if e.hasCR && e.server.queryLine > 0 {
				q = e.serverLine(e.server.queryLine)
			}
			return one(Finding{Weight: weightMedium + 5, Quote: q, Signers: []string{"curl 7.88.1"},
				Why: fmt.Sprintf("the query is sent unsorted (%q) and AWS sorts it (%q): a client that signs the parameters in the order sent, as curl 7.88.1 does, signs another line",
					joinRaw(pairs), joinEncoded(sorted))})
		}
	}
	if e.hasCR && e.server.queryLine > 0 {
		pairs := readQuery(e.server.query, false)
		if !slices.Equal(pairs, sortedPairs(pairs)) {
			return one(Finding{Weight: weightWeak + 5, Quote: e.serverLine(e.server.queryLine),
				Why: "the server's canonical query is not sorted, as AWS sorts it: the server is an S3-compatible store, an emulator or a proxy with its own rule, or the copy reordered it"})
		}
	}
	return nil
}

func queryAsWritten(e *Evidence) []Finding {
	if e.unrecorded() {
		var changed []string
		for _, p := range readQuery(e.Request.RawQuery, e.sig.Presigned) {
			if raw := strings.ReplaceAll(p.raw, "+", "%2B"); raw != p.encKey+"="+p.encValue {
				changed = append(changed, fmt.Sprintf("%q as %q", p.raw, p.encKey+"="+p.encValue))
			}
		}
		if len(changed) > 0 {
			return one(Finding{Weight: weightMedium, Quote: e.requestLine(), Signers: []string{"curl 7.88.1"},
				Why: "AWS decodes and encodes each query parameter anew (" + strings.Join(changed, ", ") + "); a client that signs the query as written, as curl 7.88.1 does, signs the bytes sent"})
		}
	}
	if tr := e.recorded(); tr != nil {
		for _, p := range tr.Query.Params {
			if slices.Contains(p.Rules, sign.RuleNoEquals) {
				return one(Finding{Weight: weightMedium, Quote: e.signedLine(tr.Query.Output),
					Why: fmt.Sprintf("the parameter %q has no '=': signers disagree on it", p.RawKey)})
			}
		}
	}
	return nil
}

func queryRepeated(e *Evidence) []Finding {
	var keys []string
	var q Quote
	switch tr := e.recorded(); {
	case tr != nil:
		for _, p := range tr.Query.Params {
			keys = append(keys, p.Key)
		}
		q = e.signedLine(tr.Query.Output)
	case e.sigOK:
		for _, p := range readQuery(e.Request.RawQuery, e.sig.Presigned) {
			keys = append(keys, p.encKey)
		}
		q = e.requestLine()
	}
	seen := map[string]int{}
	for _, k := range keys {
		seen[k]++
		if seen[k] == 2 {
			return one(Finding{Weight: weightMedium, Quote: q,
				Why: fmt.Sprintf("the parameter %q is repeated: some clients keep only one, or reorder them", k)})
		}
	}
	return nil
}

func pathChanged(e *Evidence) []Finding {
	tr, req := e.recorded(), e.Request
	if tr == nil || req == nil || req.Path == "" || req.Path == tr.URI.Input {
		return nil
	}
	return one(Finding{Weight: weightStrong + 10, Quote: e.requestLine(), Why: fmt.Sprintf("the path sent %q is not the path signed %q", req.Path, tr.URI.Input)})
}

func queryChanged(e *Evidence) []Finding {
	tr, req := e.recorded(), e.Request
	if tr == nil || req == nil || req.RawQuery == tr.Query.Input || tr.Mode != "header" {
		return nil
	}
	if plusOnly(req.RawQuery, tr.Query.Input) {
		return one(Finding{Cause: CausePlus, Weight: weightStrong + 10, Quote: e.requestLine(),
			Why: fmt.Sprintf("the query sent %q is the query signed %q with '+' and spaces written differently", req.RawQuery, tr.Query.Input)})
	}
	return one(Finding{Weight: weightStrong + 10, Quote: e.requestLine(), Why: fmt.Sprintf("the query sent %q is not the query signed %q", req.RawQuery, tr.Query.Input)})
}

// rewrittenAfterSigning: the request names a client whose stack rewrites
// the URL after its signer signed it (botocore and urllib3). The bytes
// received are the rewrite; what the client signed may be another URL
// that rewrites to them: escapes in lower case, raw bytes, or a last
// segment with ;params that were not sent.
func rewrittenAfterSigning(e *Evidence) []Finding {
	if !e.unrecorded() {
		return nil
	}
	ua, uq := e.userAgent()
	c, ok := sign.ClientOf(ua)
	if !ok || c.Rewrites == "" {
		return nil
	}
	by := fmt.Sprintf("the request came from %s: %s", c.Name, c.Rewrites) // byClient quotes the User-Agent
	var out []Finding
	if esc := escapesIn(e.Request.RawQuery); esc != "" {
		out = append(out, Finding{Cause: CauseQuery, Weight: weightMedium + 10, Quote: e.requestLine(), Signers: c.Signers,
			Why: fmt.Sprintf("%s; the query sent holds %s, which the client may have signed in lower case or raw", by, esc)})
	}
	if esc := escapesIn(e.Request.Path); esc != "" {
		out = append(out, Finding{Cause: CausePath, Weight: weightMedium + 10, Quote: e.requestLine(), Signers: c.Signers,
			Why: fmt.Sprintf("%s; the path sent holds %s, which the client may have signed in lower case or raw", by, esc)})
	}
	if c.Unrecoverable != "" {
		// Weak, and not strengthened by the User-Agent: it names the
		// client already, and the bytes show nothing of it.
		out = append(out, Finding{Rule: ruleDropped, Cause: CausePath, Weight: weightMedium - 5, Quote: uq,
			Why: fmt.Sprintf("the request came from %s: %s, so a URL signed with ';' in its last path segment arrives without that part (the bytes cannot show it: if the URL had no ';', look at the key)", c.Name, c.Unrecoverable)})
	}
	return out
}

// ruleDropped marks the finding of rewrittenAfterSigning that no bytes
// show: keyFromRebuilt cannot say only the key remains while it stands.
const ruleDropped = "rewritten-after-signing:dropped"

// escapesIn lists the %XX escapes of s, quoted, "" when it has none.
func escapesIn(s string) string {
	var found []string
	for i := 0; i+2 < len(s); i++ {
		if s[i] == '%' && isHexDigit(s[i+1]) && isHexDigit(s[i+2]) {
			found = appendOnce(found, fmt.Sprintf("%q", s[i:i+3]))
			i += 2
		}
	}
	if len(found) > 4 {
		found = append(found[:4], "…")
	}
	return strings.Join(found, ", ")
}

// handledDialects are sign's dialect rules that have a rule of their own
// here.
var handledDialects = []string{"path-encoding", "path-sub-delims", "path-dot-segments", "query-plus"}

func otherDialects(e *Evidence) []Finding {
	c := e.compared()
	if c == nil {
		return nil
	}
	var out []Finding
	seen := map[string]bool{}
	for _, d := range c.Dialects {
		for _, l := range d.Lines {
			for _, m := range l.Rules {
				if m.Effect != sign.EffectBreaks || slices.Contains(handledDialects, m.ID) || seen[m.ID+l.Part] {
					continue
				}
				seen[m.ID+l.Part] = true // a rule may break the path and the query
				signers, said := e.signersOf(m.ID)
				cause := dialectCause(l.Part, m.ID)
				out = append(out, Finding{Cause: cause, Weight: weightMedium, Quote: e.requestLine(), Signers: signers,
					Why: fmt.Sprintf("%s: AWS's rule is %s%s", m.Feature, m.AWS, said)})
			}
		}
	}
	return out
}

// dialectCause is the cause a dialect rule points to: that of the line it
// makes differ. A rule's id does not say which line: curl's "+ left
// unencoded" is about the path on /pets/a+b, not the query, which it has
// not.
func dialectCause(part, ruleID string) string {
	switch {
	case part == sign.PartURI:
		return CausePath
	case part == sign.PartQuery:
		return CauseQuery
	case part == sign.PartHeaders || part == sign.PartSignedHeaders:
		return CauseHeader
	case strings.HasPrefix(ruleID, "path-"):
		return CausePath
	case strings.HasPrefix(ruleID, "header-"):
		return CauseHeader
	}
	return CauseQuery
}

// signersOf is how the known signers (sign.CompareDialects) write the
// lines where one of sign's dialect rules makes them differ from AWS, as a
// clause to append to a sentence, with the signers' names.
func (e *Evidence) signersOf(ruleIDs ...string) ([]string, string) {
	c := e.compared()
	if c == nil {
		return nil, ""
	}
	var names, order []string
	byLine := map[string][]string{}
	for _, d := range c.Dialects {
		for _, l := range d.Lines {
			if !slices.ContainsFunc(l.Rules, func(m sign.DialectMatch) bool {
				return m.Effect == sign.EffectBreaks && slices.Contains(ruleIDs, m.ID)
			}) {
				continue
			}
			if byLine[l.Signer] == nil {
				order = append(order, l.Signer)
			}
			byLine[l.Signer] = appendOnce(byLine[l.Signer], d.Signer)
			names = appendOnce(names, d.Signer)
		}
	}
	var parts []string
	for _, line := range order {
		verb := " signs "
		if len(byLine[line]) > 1 {
			verb = " sign "
		}
		parts = append(parts, signerList(byLine[line])+verb+fmt.Sprintf("%q", line))
	}
	if len(parts) == 0 {
		return nil, ""
	}
	return names, ": " + strings.Join(parts, "; ")
}

// queryPair is one query parameter as sent and as AWS reads it: %XX
// decoded, a '+' kept as a plus, then encoded per RFC 3986.
type queryPair struct{ raw, encKey, encValue string }

func readQuery(raw string, presigned bool) []queryPair {
	var out []queryPair
	for _, p := range strings.Split(raw, "&") {
		if p == "" {
			continue
		}
		k, v, _ := strings.Cut(p, "=")
		if presigned && k == "X-Amz-Signature" {
			continue // not part of what is signed
		}
		out = append(out, queryPair{raw: p, encKey: sign.URIEncode(percentDecode(k)), encValue: sign.URIEncode(percentDecode(v))})
	}
	return out
}

// awsQuery is the canonical query AWS computes from a raw query.
func awsQuery(raw string, presigned bool) string {
	return joinEncoded(sortedPairs(readQuery(raw, presigned)))
}

func sortedPairs(pairs []queryPair) []queryPair {
	s := slices.Clone(pairs)
	slices.SortStableFunc(s, func(a, b queryPair) int {
		return cmp.Or(strings.Compare(a.encKey, b.encKey), strings.Compare(a.encValue, b.encValue))
	})
	return s
}

func joinEncoded(pairs []queryPair) string {
	parts := make([]string, len(pairs))
	for i, p := range pairs {
		parts[i] = p.encKey + "=" + p.encValue
	}
	return strings.Join(parts, "&")
}

func joinRaw(pairs []queryPair) string {
	parts := make([]string, len(pairs))
	for i, p := range pairs {
		parts[i] = p.raw
	}
	return strings.Join(parts, "&")
}

// percentDecode decodes every valid %XX escape and leaves the rest, as
// AWS reads a query.
func percentDecode(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHexDigit(s[i+1]) && isHexDigit(s[i+2]) {
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}
