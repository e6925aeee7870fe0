package sign

import (
	"slices"
	"strings"
)

// The known disagreements, one rule a feature of a request: what AWS's
// rule does with it and, signer by signer, what that signer does and where
// that is said. A signer missing from a rule's table, or marked
// undocumented, is reported as "not documented here": its canonical request
// then assumes AWS's rule, and the verdict says it is not known.
//
// How PRODUCT.md is read: "Where well-known signers disagree" compares five
// signers (the AWS SDK for JavaScript v3, botocore, aws4, Amplify's Signer,
// aws-sdk-go-v2). Where it names one of them as the exception ("Amplify
// leaves them unescaped", "Amplify sorts decoded text", "re-encoded segment
// by segment (aws4)"), the other four are taken to follow AWS's rule, and
// their source says so. aws-sdk-go-v2's behaviour is read from its v1.48.0
// source (go.mod) and checked against the SDK itself by
// TestGoDialectMatchesSDK; botocore's and aws4's, where their own source or
// a run of them says more, are checked against them (dialect peer tests).
// Where PRODUCT.md says nothing, botocore's, aws4's and @smithy/signature-v4's
// behaviour was measured by running each (dialect_measured.go names the
// releases); Amplify's stays "not documented here". The peer tests run
// aws4, smithy, Amplify's Signer (@aws-amplify/core 6.19.2) and the local
// curl on every case of TestDialectRules that documents them, so a
// behaviour read from PRODUCT.md that the library does not have fails CI.
// curl is not among the five: its path and query lines are a port of its
// code, release by release (dialect_curl.go), so the path and query rules
// skip it; the header rules still hold for it.

// dialectRule is one feature of a request on which signers disagree.
type dialectRule struct {
	id      string
	part    string // the line it can change: PartURI, PartQuery or PartHeaders
	feature string
	// describe names the feature as this request has it, when set.
	describe func(in *dialectInput) string
	aws      func(in *dialectInput) string // AWS's rule, as sigscope signs
	effect   string                        // EffectBreaks, EffectChoice or EffectUnknown
	applies  func(in *dialectInput) bool
	by       map[string]dialectBehaviour
}

// dialectBehaviour is what one signer does with a feature.
type dialectBehaviour struct {
	// apply turns the profile into this signer's way; nil: AWS's rule.
	apply  func(p *dialectProfile)
	does   string
	source string
	// sends is what the server reads differently when the signer's own
	// HTTP stack sends the request (aws-sdk-go-v2 rewrites the query).
	sends string
	// undocumented: what the signer does is not documented here; note says
	// what is known.
	undocumented bool
	note         string
	// headerModeOnly: documented for the Authorization header only; not
	// documented when presigning.
	headerModeOnly bool
}

// Sources.
const (
	srcDisagree = "PRODUCT.md, Where well-known signers disagree"
	srcFacts    = "PRODUCT.md, Facts the work rests on (SigV4)"
	srcGo       = "aws-sdk-go-v2 v1.48.0 aws/signer/v4 (go.mod), checked by TestGoDialectMatchesSDK"
	srcGoOld    = "PRODUCT.md, Facts (fixed in v1.47.6); aws-sdk-go-v2 v1.48.0 internal/v4 EncodeQuery's comment on the old url.Values.Encode"
	srcBotocore = "botocore 1.29.27 run here: TestBotocoreDialectMatchesBotocore, and its requests against the emulator (TestDotSegmentsFromBotocore)"
	srcAWS4     = "aws4 1.13.2 aws4.js canonicalString, run here: TestAWS4DialectMatchesAWS4, and its requests against the emulator (TestDotSegmentsFromAWS4)"
	srcCurlHdr  = "curl's lib/http_aws_sigv4.c make_headers (curl-7_88_1)"
)

func fixed(s string) func(*dialectInput) string { return func(*dialectInput) string { return s } }

// same is a signer documented to follow AWS's rule.
func same(does, source string) dialectBehaviour { return dialectBehaviour{does: does, source: source} }

func undocumented(note string) dialectBehaviour {
	return dialectBehaviour{undocumented: true, note: "not documented here: " + note}
}

// table gives aws-sdk-go-v2 (every release) goB, the signers in named
// theirs (by name, or by Dialect.ID for one span of releases), and every
// other signer rest. The table is keyed by Dialect.ID.
func table(goB, rest dialectBehaviour, named map[string]dialectBehaviour) map[string]dialectBehaviour {
	m := map[string]dialectBehaviour{}
	for _, d := range Dialects {
		b := rest
		if d.Name == dialectGo {
			b = goB
		}
		if x, ok := named[d.Name]; ok {
			b = x
		}
		if x, ok := named[d.ID]; ok {
			b = x
		}
		m[d.ID] = b
	}
	return m
}

// anyPair reports whether a query pair of the request has f.
func anyPair(f func(rawPair) bool) func(*dialectInput) bool {
	return func(in *dialectInput) bool { return slices.ContainsFunc(in.pairs, f) }
}

// oneDiffers is a rule where PRODUCT.md names one signer, who, as the
// exception: the others it compares follow AWS's rule (othersDo); curl is
// not among them.
func oneDiffers(goB dialectBehaviour, who string, b dialectBehaviour, othersDo string) map[string]dialectBehaviour {
	return table(goB, same(othersDo, "PRODUCT.md names only "+who+" as differing"),
		map[string]dialectBehaviour{who: b})
}

// goPlus is what every aws-sdk-go-v2 release does with a raw '+'.
var goPlus = dialectBehaviour{apply: func(p *dialectProfile) { p.plus = plusSpace },
	does:   "form-decoded to a space by net/url.ParseQuery and signed as %20",
	source: srcFacts + "; " + srcGo,
	sends:  "the server reads a space where this request has '+'"}

// goSortsKeys is aws-sdk-go-v2 before v1.47.6 sorting the query.
var goSortsKeys = dialectBehaviour{apply: func(p *dialectProfile) { p.sortKeysOnly = true },
	does: "sorted by decoded key before encoding (url.Values.Encode), a key's values in the order written", source: srcGoOld}

// withOldGo gives aws-sdk-go-v2 before v1.47.6 its own behaviour.
func withOldGo(m map[string]dialectBehaviour, b dialectBehaviour) map[string]dialectBehaviour {
	m[dialectGoOld] = b
	return m
}

// botocoreQueryRaw is botocore's header-mode query: split at '&' and the
// first '=' and signed as written (botocoreQuery).
func botocoreQueryRaw(does string) dialectBehaviour {
	return dialectBehaviour{apply: func(p *dialectProfile) { p.queryRaw = true }, does: does, source: srcBotocoreRun, headerModeOnly: true}
}

var (
	notMeasured = undocumented("PRODUCT.md does not say, and it was not measured here")
	notCompared = undocumented("curl is not among the signers PRODUCT.md compares, and its header handling is not ported here")
	notListed   = undocumented("PRODUCT.md does not list this case")
)

var dialectRules = []*dialectRule{
	{
		id:      "path-encoding",
		part:    PartURI,
		feature: "raw spaces, non-ASCII or other bytes a client escapes, or %XX escapes, in the path",
		describe: func(in *dialectInput) string {
			var what []string
			if hasRawPathBytes(in.path) {
				what = append(what, "raw spaces, non-ASCII or other bytes a client escapes")
			}
			if !in.s3 && strings.Contains(in.path, "%") {
				what = append(what, "%XX escapes")
			}
			return strings.Join(what, " and ") + " in the path"
		},
		aws: func(in *dialectInput) string {
			if in.s3 {
				return "decoded to the object key and encoded once: a raw space becomes %20, %7e becomes ~ (S3)"
			}
			return "URI-encoded as received: a raw space becomes %20 and an escape %XX becomes %25XX (all services but S3; the AWS suite's get-space and get-utf8)"
		},
		effect: EffectBreaks,
		applies: func(in *dialectInput) bool {
			return hasRawPathBytes(in.path) || !in.s3 && strings.Contains(in.path, "%")
		},
		by: table(dialectBehaviour{apply: func(p *dialectProfile) { p.goEscapeRaw = true },
			does:   "net/url escapes raw bytes for the wire (a space becomes %20) and the signer encodes that path again outside S3: a raw space is signed as %2520; an existing escape is encoded again as AWS does",
			source: srcGo},
			undocumented("PRODUCT.md says such paths are encoded once by some signers and twice by others, without saying which"), map[string]dialectBehaviour{
				dialectAWS4: {apply: func(p *dialectProfile) { p.aws4EncodeURI = true },
					does:   "outside S3, a path holding a raw space, non-ASCII or other bytes outside encodeURI's set is first rewritten by parsePath (encodeURI(decodeURI(path)): a space becomes %20), then URI-encoded segment by segment (encodeRfc3986Full), so a raw space is signed as %2520; an escape %XX is signed %25XX as AWS does",
					source: srcAWS4 + "; the raw-space case measured by TestAWS4DialectMatchesAWS4 on TestDialectRules' cases"},
				dialectBotocore: same("outside S3, URI-encoded as received (quote(path, safe='/~')): raw UTF-8 becomes %XX, an escape %25XX; in S3 see the S3 path rules", srcBotocoreRun),
				dialectSmithy:   same("outside S3, URI-encoded as received (escapeUri of each segment): raw UTF-8 becomes %XX, an escape %25XX; in S3 see the S3 path rules", srcSmithyRun),
			}),
	},
	{
		id:      "path-dot-segments",
		part:    PartURI,
		feature: "dot segments (. and ..) or '//' in the path",
		aws: func(in *dialectInput) string {
			if in.normalize {
				return "dot segments removed and '//' merged before encoding (all services but S3; the AWS suite's *-normalized cases)"
			}
			return "kept as they are (S3, or normalization turned off)"
		},
		effect:  EffectBreaks,
		applies: func(in *dialectInput) bool { return needsNormalizing(in.path) },
		by: table(dialectBehaviour{apply: func(p *dialectProfile) { p.keepDots = true },
			does:   "kept: it does not normalize the path (it fails the AWS suite's six *-normalized cases)",
			source: srcFacts},
			undocumented("PRODUCT.md does not say"), map[string]dialectBehaviour{
				dialectAmplify:  undocumented("PRODUCT.md says Amplify keeps or resolves them differently from the others, without saying how"),
				dialectBotocore: same("removed and '//' merged before encoding (remove_dot_segments), as AWS does; the request goes out as written", srcBotocore),
				dialectAWS4:     same("removed and '//' merged before encoding (canonicalString), as AWS does; the request goes out as written", srcAWS4),
				dialectSmithy:   same("removed and '//' merged before encoding (getCanonicalPath), as AWS does; the request goes out as written", srcSmithyRun),
			}),
	},
	{
		id:      "path-sub-delims",
		part:    PartURI,
		feature: "!'()* in the path",
		aws:     fixed("escaped: %21 %27 %28 %29 %2A"),
		effect:  EffectBreaks,
		applies: func(in *dialectInput) bool { return strings.ContainsAny(in.path, "!'()*") },
		by: oneDiffers(dialectBehaviour{apply: func(p *dialectProfile) { p.goS3Keep = true },
			does:   "escaped as AWS does outside S3 mode; in S3 mode (DisableURIPathEscaping) the path is signed as net/url's EscapedPath() gives it, where !'()* stay as written",
			source: srcGo},
			dialectAmplify, dialectBehaviour{apply: func(p *dialectProfile) { p.keepSubDelims = true }, does: "left unescaped", source: srcDisagree},
			"escaped"),
	},
	{
		id:      "path-s3-as-written",
		part:    PartURI,
		feature: "an S3 path not written as S3 signs its key (raw reserved bytes such as +;=, escapes of unreserved bytes such as %7e, lower-case escapes)",
		aws:     fixed("decoded to the object key and encoded once: each reserved byte becomes %XX, %7e becomes ~, escapes get upper-case hex"),
		effect:  EffectBreaks,
		applies: func(in *dialectInput) bool {
			enc, err := encodeOnce(in.path)
			return in.s3 && err == nil && in.path != "" && in.path != enc
		},
		by: table(dialectBehaviour{apply: func(p *dialectProfile) { p.goS3Keep = true },
			does:   "signed as net/url's EscapedPath() gives the path (DisableURIPathEscaping): escapes and these bytes stay as written",
			source: srcGo},
			undocumented("PRODUCT.md does not list this case"), map[string]dialectBehaviour{
				dialectBotocore: {apply: func(p *dialectProfile) { p.s3AsWritten = true },
					does: "signed exactly as written, not encoded at all (S3SigV4Auth)", source: srcBotocoreRun},
				dialectSmithy: {apply: func(p *dialectProfile) { p.s3AsWritten = true },
					does: "signed exactly as written, not encoded at all (uriEscapePath: false)", source: srcSmithyRun},
				dialectAWS4: same("decoded and encoded again, as S3 does", srcAWS4Run),
			}),
	},
	{
		id:      "path-s3-plus",
		part:    PartURI,
		feature: "a '+' in an S3 path",
		aws:     fixed("a plus, signed as %2B (S3 decodes the key as RFC 3986 says)"),
		effect:  EffectBreaks,
		applies: func(in *dialectInput) bool { return in.s3 && strings.Contains(in.path, "+") },
		by: table(dialectBehaviour{apply: func(p *dialectProfile) { p.goS3Keep = true }, does: "kept as written: '+'", source: srcGo},
			undocumented("PRODUCT.md does not list this case"), map[string]dialectBehaviour{
				dialectAWS4: {apply: func(p *dialectProfile) { p.s3PlusSpace = true },
					does: "read as a space (the key decoded after '+' becomes ' ') and signed as %20", source: srcAWS4Run},
				dialectBotocore: {apply: func(p *dialectProfile) { p.s3AsWritten = true }, does: "kept as written: '+'", source: srcBotocoreRun},
				dialectSmithy:   {apply: func(p *dialectProfile) { p.s3AsWritten = true }, does: "kept as written: '+'", source: srcSmithyRun},
			}),
	},
	{
		id:      "path-s3-empty",
		part:    PartURI,
		feature: "an empty S3 path (a request to the bucket itself)",
		aws:     fixed("signed as /"),
		effect:  EffectBreaks,
		applies: func(in *dialectInput) bool { return in.s3 && in.path == "" },
		by: table(same("signed as / (GetURIPath)", srcGo),
			undocumented("PRODUCT.md says some signers sign '/' and others an empty line, without saying which"), nil),
	},
	{
		id:      "query-plus",
		part:    PartQuery,
		feature: "a raw '+' in the query",
		aws:     fixed("a literal plus, signed as %2B: AWS reads the raw query as RFC 3986 says (S3 tested in curl issue 20543)"),
		effect:  EffectBreaks,
		applies: anyPair(func(p rawPair) bool { return strings.Contains(p.raw, "+") }),
		by: map[string]dialectBehaviour{
			dialectGo:       goPlus,
			dialectGoOld:    goPlus,
			dialectBotocore: botocoreQueryRaw("left as is: '+' stands in the canonical query (header mode)"),
			dialectSmithy:   same("signed as %2B (smithy-rs made the same change in its issue 4227)", srcDisagree),
			dialectAWS4:     {apply: func(p *dialectProfile) { p.plus = plusSpace }, does: "read as a space and signed as %20", source: srcDisagree},
			dialectAmplify:  {apply: func(p *dialectProfile) { p.plus = plusSpace }, does: "read as a space and signed as %20", source: srcDisagree},
		},
	},
	{
		id:      "query-no-equals",
		part:    PartQuery,
		feature: "a query key without '='",
		aws:     fixed("signed with an empty value: key="),
		effect:  EffectBreaks,
		applies: anyPair(func(p rawPair) bool { return !p.hasEq }),
		by: table(same("signed with an empty value (net/url.ParseQuery)", srcGo), notMeasured, map[string]dialectBehaviour{
			dialectBotocore: botocoreQueryRaw("signed with an empty value: key="),
			dialectAWS4:     same("signed with an empty value, and sent so: key=", srcAWS4Run),
			dialectSmithy: {apply: func(p *dialectProfile) { p.smithyNulls = true },
				does:   "left out of the signature (parseQueryString reads it as null, which getCanonicalQuery skips; a repeated one is signed key=null) but sent",
				source: srcSmithyRun},
		}),
	},
	{
		id:      "query-equals-in-value",
		part:    PartQuery,
		feature: "'=' inside a query value",
		aws:     fixed("the pair is split at the first '='; the '=' in the value is signed as %3D"),
		effect:  EffectBreaks,
		applies: anyPair(func(p rawPair) bool { return strings.Contains(p.value, "=") }),
		by: table(same("split at the first '=' (net/url.ParseQuery), then %3D", srcGo), notMeasured, map[string]dialectBehaviour{
			dialectBotocore: botocoreQueryRaw("split at the first '=' and signed as written: the '=' stays raw"),
			dialectAWS4:     same("split at the first '=', then %3D, and sent so", srcAWS4Run),
			dialectSmithy: {apply: func(p *dialectProfile) { p.cutSecondEq = true },
				does:   "the value cut at its '=' (parseQueryString reads a=b=c as a=b), and the request sent so",
				source: srcSmithyRun},
		}),
	},
	{
		id:      "query-empty-key",
		part:    PartQuery,
		feature: "an empty query key (=value)",
		aws:     fixed("kept, with an empty key: =value"),
		effect:  EffectBreaks,
		applies: anyPair(func(p rawPair) bool { return p.key == "" }),
		by: table(same("kept (net/url.ParseQuery keeps an empty key)", srcGo), notMeasured, map[string]dialectBehaviour{
			dialectBotocore: botocoreQueryRaw("kept: =value"),
			dialectSmithy:   same("kept: =value", srcSmithyRun),
			dialectAWS4: {apply: func(p *dialectProfile) { p.dropEmptyKey = true },
				does: "dropped, from the signature and from the request sent", source: srcAWS4Run},
		}),
	},
	{
		id:      "query-sort-order",
		part:    PartQuery,
		feature: "query pairs whose order changes when sorted as decoded text (non-ASCII or escaped bytes)",
		aws:     fixed("sorted by encoded key, then encoded value, byte by byte"),
		effect:  EffectBreaks,
		applies: func(in *dialectInput) bool {
			return in.build(dialectProfile{sortDecoded: true}).query != in.ref.Query.Output ||
				in.build(dialectProfile{sortKeysOnly: true}).query != in.ref.Query.Output
		},
		by: withOldGo(oneDiffers(same("sorted by encoded key (since v1.47.6)", srcFacts),
			dialectAmplify, dialectBehaviour{apply: func(p *dialectProfile) { p.sortDecoded = true }, does: "sorted by decoded text", source: srcDisagree},
			"sorted by encoded key"), goSortsKeys),
	},
	{
		id:      "query-repeated-key",
		part:    PartQuery,
		feature: "a query key given more than once",
		aws:     fixed("every pair kept, sorted by value"),
		effect:  EffectBreaks,
		applies: func(in *dialectInput) bool {
			seen := map[string]bool{}
			for _, p := range in.pairs {
				k, _ := decodeEncode(p.key, plusLiteral)
				if seen[k] {
					return true
				}
				seen[k] = true
			}
			return false
		},
		by: withOldGo(table(same("every value kept (url.Values), sorted by value", srcGo),
			undocumented("PRODUCT.md says some signers keep only the first, without saying which"), map[string]dialectBehaviour{
				dialectBotocore: botocoreQueryRaw("every value kept, sorted by value as written"),
				dialectSmithy:   same("every value kept, sorted", srcSmithyRun),
				dialectAWS4: {apply: func(p *dialectProfile) { p.firstValueS3 = true },
					does: "every value kept and sorted, except in S3, where only the first pair of the key is signed (every pair is sent)", source: srcAWS4Run},
			}),
			dialectBehaviour{apply: func(p *dialectProfile) { p.sortKeysOnly = true },
				does: "every value kept, in the order written: url.Values.Encode sorts the keys only", source: srcGoOld}),
	},
	{
		id:      "query-semicolon",
		part:    PartQuery,
		feature: "';' in a query pair",
		aws:     fixed("an ordinary byte, signed as %3B"),
		effect:  EffectBreaks,
		applies: anyPair(func(p rawPair) bool { return strings.Contains(p.raw, ";") }),
		by: table(dialectBehaviour{apply: func(p *dialectProfile) { p.dropSemicolon = true },
			does:   "the pair is dropped: net/url.ParseQuery rejects a pair holding ';' (Go 1.17 and later) and the signer ignores the error",
			source: srcGo,
			sends:  "the pair holding ';' is not sent"},
			notListed, map[string]dialectBehaviour{
				dialectBotocore: botocoreQueryRaw("kept as written: ';' stays raw"),
				dialectSmithy:   same("an ordinary byte, signed as %3B and sent so", srcSmithyRun),
				dialectAWS4:     same("an ordinary byte, signed as %3B and sent so", srcAWS4Run),
			}),
	},
	{
		id:      "query-empty-pairs",
		part:    PartQuery,
		feature: "empty query pairs ('&&', or '&' at an end)",
		aws:     fixed("dropped"),
		effect:  EffectBreaks,
		applies: func(in *dialectInput) bool {
			return in.query != "" && slices.Contains(strings.Split(in.query, "&"), "")
		},
		by: table(same("dropped (net/url.ParseQuery)", srcGo), notMeasured, map[string]dialectBehaviour{
			dialectBotocore: botocoreQueryRaw("each signed as '=' (an empty key and value), and sent as written"),
			dialectAWS4:     same("dropped, from the signature and from the request sent", srcAWS4Run),
			dialectSmithy: {apply: func(p *dialectProfile) { p.smithyNulls = true },
				does:   "read as an empty key without a value: one is left out, two or more are each signed (and sent) as =null",
				source: srcSmithyRun},
		}),
	},
	{
		id:      "query-escapes-as-written",
		part:    PartQuery,
		feature: "query keys or values not written as AWS encodes them (%7e, %41, lower-case hex, raw !$'()*,;)",
		aws:     fixed("each key and value percent-decoded, then encoded: unreserved bytes raw, every other byte %XX in upper-case hex"),
		effect:  EffectBreaks,
		applies: anyPair(func(p rawPair) bool {
			for _, part := range []string{p.key, p.value} {
				if _, enc := decodeEncode(part, plusLiteral); enc != part {
					return true
				}
			}
			return false
		}),
		by: table(same("decoded and encoded again (net/url.ParseQuery, then EncodeQuery)", srcGo), notMeasured, map[string]dialectBehaviour{
			dialectBotocore: botocoreQueryRaw("signed as written: nothing is decoded or encoded again"),
			dialectAWS4:     same("decoded and encoded again, and sent so", srcAWS4Run),
			dialectSmithy:   same("decoded (parseQueryString) and encoded again (escapeUri)", srcSmithyRun),
		}),
	},
	{
		id:      "header-tabs",
		part:    PartHeaders,
		feature: "a tab inside a signed header value",
		aws:     fixed("kept as is, as aws-sdk-go-v2 does; what AWS servers do with a tab is not documented here"),
		effect:  EffectUnknown,
		applies: func(in *dialectInput) bool {
			return slices.ContainsFunc(in.ref.Headers, func(h HeaderLine) bool { return strings.ContainsRune(h.Value, '\t') })
		},
		by: table(same("kept as is: it folds only spaces", srcDisagree),
			dialectBehaviour{apply: func(p *dialectProfile) { p.foldTabs = true }, does: "folded like spaces: runs of spaces and tabs become one space", source: srcDisagree},
			map[string]dialectBehaviour{dialectCurl: notCompared,
				// Measured on 7.88.1 only: the other spans stay open.
				curlDialects[0].ID: {apply: func(p *dialectProfile) { p.foldTabs = true }, does: "folded like spaces: runs of spaces and tabs become one space",
					source: "curl 7.88.1 run here (TestCurlDialectMatchesTheLocalCurl)"}}),
	},
	{
		id:      "header-never-signed",
		part:    PartHeaders,
		feature: "headers some signers never sign (User-Agent, Expect, Cache-Control, Range, X-Amzn-Trace-Id, Transfer-Encoding, a zero Content-Length)",
		describe: func(in *dialectInput) string {
			var names []string
			for _, h := range in.headers {
				if neverSignedBySome(h) && !slices.Contains(names, h.Name) {
					names = append(names, h.Name)
				}
			}
			if len(names) == 1 {
				return names[0] + ", a header some signers never sign"
			}
			return strings.Join(names, ", ") + ", headers some signers never sign"
		},
		aws:     fixed("the signer chooses which headers to sign and names them; sigscope, as aws-sdk-go-v2, never signs Authorization, User-Agent, X-Amzn-Trace-Id, Expect, Transfer-Encoding, nor a zero Content-Length"),
		effect:  EffectChoice,
		applies: func(in *dialectInput) bool { return slices.ContainsFunc(in.headers, neverSignedBySome) },
		by: table(same("never signs Authorization, User-Agent, X-Amzn-Trace-Id, Expect, Transfer-Encoding; signs Content-Length only when positive", srcFacts),
			undocumented("PRODUCT.md says the headers never signed differ by library (Expect, Cache-Control, Range, User-Agent...), without saying which"),
			map[string]dialectBehaviour{dialectCurl: {apply: func(p *dialectProfile) { p.signEvery = true },
				does:   "signs every header given with -H (User-Agent, Range, a zero Content-Length too), with Host and X-Amz-Date; its own User-Agent and Accept are not signed",
				source: srcCurlHdr + "; curl 7.88.1 run here (TestCurlDialectMatchesTheLocalCurl)"}}),
	},
	{
		id:      "presign-hoisting",
		part:    PartHeaders,
		feature: "X-Amz-* headers on a presigned request",
		aws:     fixed("both ways are valid: AWS checks what the signature names, so the URL must be sent with exactly the headers it signs"),
		effect:  EffectChoice,
		applies: func(in *dialectInput) bool {
			return in.alt != nil && in.alt.CanonicalRequest != in.ref.CanonicalRequest
		},
		by: table(dialectBehaviour{apply: func(p *dialectProfile) { p.hoist = hoistInQuery }, does: "moved into the query", source: srcDisagree},
			dialectBehaviour{apply: func(p *dialectProfile) { p.hoist = hoistNone }, does: "kept as signed headers: the URL works only with them sent", source: srcDisagree},
			map[string]dialectBehaviour{
				dialectCurl: undocumented("curl --aws-sigv4 signs an Authorization header; presigning with curl is not documented here"),
				// Run, neither keeps them as PRODUCT.md says: smithy hoists,
				// Amplify's signUrl takes no headers and signs Host alone.
				dialectAmplify: {apply: func(p *dialectProfile) { p.hoist = hoistDrop },
					does:   "neither signed nor hoisted: Signer.signUrl takes a URL, a method and a body, no headers, and signs Host alone, so the URL is valid only sent without them",
					source: srcAmplifyRun},
				dialectSmithy: {apply: func(p *dialectProfile) { p.hoist = hoistInQuery },
					does:   "moved into the query (presign's moveHeadersToQuery: every x-amz-* header that unhoistableHeaders does not name)",
					source: srcSmithyRun + ", on TestDialectRules' presigned cases"},
			}),
	},
}

// neverSignedBySome reports the headers PRODUCT.md and aws-sdk-go-v2 name
// as left unsigned by some signers.
func neverSignedBySome(h Header) bool {
	switch strings.ToLower(h.Name) {
	case "user-agent", "expect", "cache-control", "range", "x-amzn-trace-id", "transfer-encoding":
		return true
	case "content-length":
		return strings.TrimSpace(h.Value) == "0"
	}
	return false
}

// hasRawPathBytes reports bytes a client must escape to send the path:
// controls, space, non-ASCII and "<>\^`{|}.
func hasRawPathBytes(path string) bool {
	for i := 0; i < len(path); i++ {
		if c := path[i]; c <= ' ' || c >= 0x7f || strings.IndexByte("\"<>\\^`{|}", c) >= 0 {
			return true
		}
	}
	return false
}
