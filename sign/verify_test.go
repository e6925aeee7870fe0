package sign

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

var testTime = time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)

func gatewayRequest() *Request {
	return &Request{
		Method: "POST", Host: "abc123.execute-api.us-east-1.amazonaws.com", Path: "/prod/pets", RawQuery: "limit=10&type=dog",
		Headers: []Header{{Name: "Content-Type", Value: "application/json"}, {Name: "X-Custom", Value: "a"}},
		Body:    []byte(`{"name":"Rex"}`),
	}
}

func gatewayOptions(presign bool) Options {
	return Options{
		Credentials: Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", SessionToken: "session-token-value"},
		Region:      "us-east-1", Service: "execute-api", Time: testTime, Presign: presign,
	}
}

func signed(t *testing.T, presign bool) *Request {
	t.Helper()
	tr, err := Sign(gatewayRequest(), gatewayOptions(presign))
	if err != nil {
		t.Fatal(err)
	}
	return tr.Signed
}

func TestVerifyAcceptsOwnSignature(t *testing.T) {
	for _, presign := range []bool{false, true} {
		v, err := Verify(VerifyInput{Request: signed(t, presign), SecretAccessKey: gatewayOptions(false).Credentials.SecretAccessKey, Now: testTime.Add(time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		if !v.Match || len(v.Problems) > 0 {
			t.Errorf("presign=%v: own signature not verified: %+v", presign, v.Problems)
		}
		if v.Info.Region != "us-east-1" || v.Info.Service != "execute-api" || v.Info.AccessKeyID != "AKIDEXAMPLE" {
			t.Errorf("presign=%v: read %+v", presign, v.Info)
		}
	}
}

func TestVerifyUnsignedHeaderAddedLaterIsFine(t *testing.T) {
	r := signed(t, false)
	r.Headers = append(r.Headers, Header{Name: "X-Forwarded-For", Value: "10.0.0.1"})
	v, err := Verify(VerifyInput{Request: r, SecretAccessKey: gatewayOptions(false).Credentials.SecretAccessKey})
	if err != nil {
		t.Fatal(err)
	}
	if !v.Match {
		t.Errorf("an unsigned header added after signing broke verification: %+v", v.Problems)
	}
}

func TestVerifyFindsTheChangedPart(t *testing.T) {
	secret := gatewayOptions(false).Credentials.SecretAccessKey
	tests := []struct {
		name     string
		change   func(r *Request)
		wantLine int
		wantPart string
	}{
		{"method", func(r *Request) { r.Method = "PUT" }, 1, "HTTP method"},
		{"path", func(r *Request) { r.Path = "/prod/Pets" }, 2, "canonical URI"},
		{"query", func(r *Request) { r.RawQuery = "limit=11&type=dog" }, 3, "canonical query string"},
		{"header", func(r *Request) { r.Set("Content-Type", "application/json; charset=utf-8") }, 4, "canonical headers"},
		{"body", func(r *Request) { r.Body = []byte(`{"name":"Rez"}`) }, 0, "payload hash"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			original := signed(t, false)
			// What the server computes from the request it received:
			received := original.Clone()
			tc.change(received)
			server, err := Verify(VerifyInput{Request: received, SecretAccessKey: secret})
			if err != nil {
				t.Fatal(err)
			}
			if server.Match {
				t.Fatal("a changed request still verified")
			}
			last := server.Problems[len(server.Problems)-1]
			if last.Step != "signature" {
				t.Errorf("last problem = %+v, want the signature", last)
			}
			// The signer, given the server's canonical request, finds the line.
			client, err := Verify(VerifyInput{Request: original, SecretAccessKey: secret, ExpectedCanonicalRequest: server.Trace.CanonicalRequest})
			if err != nil {
				t.Fatal(err)
			}
			first := client.Problems[0]
			if first.Step != "canonical request" || !strings.Contains(first.Detail, tc.wantPart) {
				t.Errorf("first problem = %+v, want the %s", first, tc.wantPart)
			}
			if tc.wantLine > 0 && first.Line != tc.wantLine {
				t.Errorf("line %d, want %d", first.Line, tc.wantLine)
			}
		})
	}
}

func TestVerifyWrongSecret(t *testing.T) {
	v, err := Verify(VerifyInput{Request: signed(t, false), SecretAccessKey: "not-the-secret"})
	if err != nil {
		t.Fatal(err)
	}
	if v.Match || v.Problems[0].Step != "signature" {
		t.Errorf("wrong secret: match=%v problems=%+v", v.Match, v.Problems)
	}
}

func TestVerifyTimeAndHeaders(t *testing.T) {
	secret := gatewayOptions(false).Credentials.SecretAccessKey
	v, _ := Verify(VerifyInput{Request: signed(t, false), SecretAccessKey: secret, Now: testTime.Add(10 * time.Minute)})
	if v.Problems[0].Step != "date" || !strings.Contains(v.Problems[0].Detail, "5 minutes") {
		t.Errorf("skew not reported first: %+v", v.Problems)
	}
	v, _ = Verify(VerifyInput{Request: signed(t, true), SecretAccessKey: secret, Now: testTime.Add(2 * time.Hour)})
	if v.Problems[0].Step != "date" || !strings.Contains(v.Problems[0].Detail, "expired") {
		t.Errorf("presign expiry not reported: %+v", v.Problems)
	}
	r := signed(t, false)
	r.Del("X-Custom")
	v, _ = Verify(VerifyInput{Request: r, SecretAccessKey: secret})
	if v.Problems[0].Step != "signed headers" || !strings.Contains(v.Problems[0].Detail, "x-custom") {
		t.Errorf("missing signed header not reported: %+v", v.Problems)
	}
}

func TestParseAuthorizationErrors(t *testing.T) {
	for in, want := range map[string]string{
		"eyJraWQiOi...":    "not a SigV4 signature",
		"AWS4-HMAC-SHA256": "lacks Credential, SignedHeaders, Signature",
		"AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1, SignedHeaders=host, Signature=ab": "access-key/date/region/service/aws4_request",
	} {
		_, err := ParseAuthorization(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseAuthorization(%q) = %v, want %q", in, err, want)
		}
	}
}

func TestDiffStringToSign(t *testing.T) {
	a := "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/execute-api/aws4_request\nabc"
	b := strings.Replace(a, "us-east-1", "eu-west-1", 1)
	p := DiffStringToSign(a, b)
	if p == nil || p.Line != 3 || !strings.Contains(p.Detail, "credential scope") {
		t.Errorf("DiffStringToSign = %+v", p)
	}
	if DiffStringToSign(a, a) != nil {
		t.Error("equal strings reported as different")
	}
}

func TestTraceRules(t *testing.T) {
	req := &Request{Method: "GET", Host: "h:443", Path: "/a/./b%20c", RawQuery: "b=2&a=x+y",
		Headers: []Header{{Name: "X-Custom", Value: "  a   b "}, {Name: "x-multi", Value: "1"}, {Name: "X-Multi", Value: "2"}, {Name: "User-Agent", Value: "ua"}}}
	tr, err := Sign(req, gatewayOptions(false))
	if err != nil {
		t.Fatal(err)
	}
	has := func(rules []string, r string) bool {
		for _, x := range rules {
			if x == r {
				return true
			}
		}
		return false
	}
	if !has(tr.URI.Rules, RuleDotSegments) || !has(tr.URI.Rules, RuleEncodedTwice) {
		t.Errorf("URI rules %v", tr.URI.Rules)
	}
	if !has(tr.Query.Rules, RuleSortedByKey) {
		t.Errorf("query rules %v", tr.Query.Rules)
	}
	for _, p := range tr.Query.Params {
		if p.Key == "a" && !has(p.Rules, RulePlusLiteral) {
			t.Errorf("a=x+y rules %v", p.Rules)
		}
	}
	lines := map[string]HeaderLine{}
	for _, h := range tr.Headers {
		lines[h.Name] = h
	}
	if l := lines["x-custom"]; l.Value != "a b" || !has(l.Rules, RuleLowercased) || !has(l.Rules, RuleSpacesFolded) {
		t.Errorf("x-custom %+v", l)
	}
	if l := lines["x-multi"]; l.Value != "1,2" || !has(l.Rules, RuleValuesJoined) {
		t.Errorf("x-multi %+v", l)
	}
	if l := lines["host"]; l.Value != "h" || !has(l.Rules, RuleDefaultPortHost) {
		t.Errorf("host %+v", l)
	}
	if len(tr.Skipped) != 1 || tr.Skipped[0].Name != "User-Agent" {
		t.Errorf("skipped %+v", tr.Skipped)
	}
	if !has(tr.HeaderRules, RuleHeadersSorted) {
		t.Errorf("header rules %v", tr.HeaderRules)
	}
}

const testSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

// signedWith signs req with the gateway options changed by opts.
func signedWith(t *testing.T, req *Request, change func(o *Options)) *Request {
	t.Helper()
	o := gatewayOptions(false)
	o.Credentials.SessionToken = ""
	if change != nil {
		change(&o)
	}
	tr, err := Sign(req, o)
	if err != nil {
		t.Fatal(err)
	}
	return tr.Signed
}

// resigned gives a signed request the signature of a canonical request
// that change made differently: what a signer with another rule sends.
func resigned(t *testing.T, r *Request, change func(tr *Trace)) *Request {
	t.Helper()
	info, err := ReadSignature(r)
	if err != nil {
		t.Fatal(err)
	}
	tr, p := canonicalize(r, info, canonOptions{normalize: true})
	if p != nil {
		t.Fatal(p.Detail)
	}
	change(tr)
	tr.CanonicalRequest = buildCanonicalRequest(tr)
	tr.finish(testSecret)
	out := r.Clone()
	auth, _ := out.Get("Authorization")
	out.Set("Authorization", strings.Replace(auth, "Signature="+info.Signature, "Signature="+tr.Signature, 1))
	return out
}

func TestVerifyNamesTheClassicCause(t *testing.T) {
	get := func(path, query string, headers ...Header) *Request {
		return &Request{Method: "GET", Host: "abc123.execute-api.us-east-1.amazonaws.com", Path: path, RawQuery: query, Headers: headers}
	}
	chunked := "3\r\nabc\r\n0\r\n\r\n"
	tests := []struct {
		name     string
		request  func(t *testing.T) *Request
		in       func(in *VerifyInput)
		cause    string
		part     string
		itemName string
	}{
		{"charset added after signing", func(t *testing.T) *Request {
			r := signed(t, false)
			r.Set("Content-Type", "application/json; charset=utf-8")
			return r
		}, nil, VariantCharsetAdded, PartHeaders, "content-type"},
		{"charset removed in flight", func(t *testing.T) *Request {
			r := signedWith(t, get("/", "", Header{"Content-Type", "text/plain;charset=UTF-8"}), nil)
			r.Set("Content-Type", "text/plain")
			return r
		}, nil, VariantCharsetRemoved, PartHeaders, "content-type"},
		{"'+' signed as a space", func(t *testing.T) *Request {
			r := signedWith(t, get("/prod/find", "q=a%20b"), nil)
			r.RawQuery = "q=a+b"
			return r
		}, nil, VariantPlusAsSpace, PartQuery, "q"},
		{"path encoded once", func(t *testing.T) *Request {
			return signedWith(t, get("/prod/a%20b", ""), func(o *Options) { o.S3 = true })
		}, nil, VariantPathRules, PartURI, ""},
		{"path not normalized", func(t *testing.T) *Request {
			return signedWith(t, get("/prod/./pets", ""), func(o *Options) { o.NormalizePath = NormalizeOff })
		}, nil, VariantPathRules, PartURI, ""},
		{"S3 path verified as another service's", func(t *testing.T) *Request {
			return signedWith(t, get("/prod/a%20b", ""), nil)
		}, func(in *VerifyInput) { in.S3 = true }, VariantPathRules, PartURI, ""},
		{"UNSIGNED-PAYLOAD without saying so", func(t *testing.T) *Request {
			r := gatewayRequest()
			return signedWith(t, r, func(o *Options) { o.UnsignedPayload = true })
		}, nil, VariantUnsignedPayload, PartPayloadHash, ""},
		{"body added after signing", func(t *testing.T) *Request {
			r := signedWith(t, get("/", ""), nil)
			r.Body = []byte("late")
			return r
		}, nil, VariantEmptyPayload, PartPayloadHash, ""},
		{"chunk framing hashed", func(t *testing.T) *Request {
			r := get("/", "")
			r.Method, r.Body = "PUT", []byte(chunked)
			r = signedWith(t, r, nil)
			r.Body = []byte("abc")
			return r
		}, func(in *VerifyInput) { in.WireBody = []byte(chunked) }, VariantChunkFraming, PartPayloadHash, ""},
		{"session token added to a presigned URL after signing", func(t *testing.T) *Request {
			tr, err := Sign(gatewayRequest(), func() Options { o := gatewayOptions(true); o.OmitSessionToken = true; return o }())
			if err != nil {
				t.Fatal(err)
			}
			return tr.Signed
		}, nil, VariantTokenNotSigned, PartQuery, "X-Amz-Security-Token"},
		{"session token signed, verified as added later", func(t *testing.T) *Request {
			return signed(t, true)
		}, func(in *VerifyInput) { in.OmitSessionToken = true }, VariantTokenSigned, PartQuery, "X-Amz-Security-Token"},
		{"declared payload hash changed", func(t *testing.T) *Request {
			r := signedWith(t, gatewayRequest(), func(o *Options) { o.SignBody = true })
			r.Set("X-Amz-Content-Sha256", sha256Hex([]byte("other")))
			return r
		}, nil, VariantBodyHashed, PartHeaders, "x-amz-content-sha256"},
		{"host port", func(t *testing.T) *Request {
			r := signedWith(t, get("/", ""), nil)
			r.Host += ":443"
			return r
		}, nil, VariantHostPort, PartHeaders, "host"},
		{"query unsorted", func(t *testing.T) *Request {
			return resigned(t, signedWith(t, get("/", "b=2&a=1"), nil), func(tr *Trace) { tr.Query.Output = "b=2&a=1" })
		}, nil, VariantQueryUnsorted, PartQuery, "a"},
		{"query as written", func(t *testing.T) *Request {
			return resigned(t, signedWith(t, get("/", "a=%2f*"), nil), func(tr *Trace) { tr.Query.Output = "a=%2f*" })
		}, nil, VariantQueryAsWritten, PartQuery, "a"},
		{"'+' left unencoded", func(t *testing.T) *Request {
			return resigned(t, signedWith(t, get("/", "q=a+b"), nil), func(tr *Trace) { tr.Query.Output = "q=a+b" })
		}, nil, VariantPlusUnencoded, PartQuery, "q"},
		{"path punctuation unescaped", func(t *testing.T) *Request {
			return resigned(t, signedWith(t, get("/prod/(x)", ""), nil), func(tr *Trace) { tr.URI.Output = "/prod/(x)" })
		}, nil, VariantPathUnescaped, PartURI, ""},
		{"tabs folded", func(t *testing.T) *Request {
			return resigned(t, signedWith(t, get("/", "", Header{"X-Tab", "a\tb"}), nil), func(tr *Trace) { tr.Headers[len(tr.Headers)-1].Value = "a b" })
		}, nil, VariantTabsFolded, PartHeaders, "x-tab"},
		{"repeated header, first value only", func(t *testing.T) *Request {
			return resigned(t, signedWith(t, get("/", "", Header{"X-M", "1"}, Header{"X-M", "2"}), nil), func(tr *Trace) { tr.Headers[len(tr.Headers)-1].Value = "1" })
		}, nil, VariantRepeatedHeader, PartHeaders, "x-m"},
		{"content-length changed", func(t *testing.T) *Request {
			r := get("/", "", Header{"Content-Length", "3"})
			r.Method, r.Body = "POST", []byte("abc")
			r = signedWith(t, r, nil)
			r.Set("Content-Length", "03")
			return r
		}, nil, VariantContentLength, PartHeaders, "content-length"},
		{"key derived for another region", func(t *testing.T) *Request {
			return resigned(t, signedWith(t, get("/", ""), nil), func(tr *Trace) {
				tr.CredentialScope = strings.Replace(tr.CredentialScope, "us-east-1", "eu-west-1", 1)
			})
		}, func(in *VerifyInput) { in.Region = "eu-west-1" }, VariantOtherScope, PartCredentialScope, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := VerifyInput{Request: tc.request(t), SecretAccessKey: testSecret, AccessKeyID: "AKIDEXAMPLE"}
			if tc.in != nil {
				tc.in(&in)
			}
			v, err := Verify(in)
			if err != nil {
				t.Fatal(err)
			}
			if v.Cause != tc.cause {
				t.Fatalf("cause %q, want %q; problems %+v", v.Cause, tc.cause, v.Problems)
			}
			i := slices.IndexFunc(v.Problems, func(p Problem) bool { return p.Step == StepCanonicalRequest || p.Step == StepStringToSign })
			if i < 0 {
				t.Fatalf("no located problem: %+v", v.Problems)
			}
			p := v.Problems[i]
			if p.Part != tc.part || !strings.EqualFold(p.Name, tc.itemName) || p.Column < 1 || p.Hint == "" || p.Ours == p.Theirs {
				t.Errorf("located %+v, want part %q name %q with a column and a hint", p, tc.part, tc.itemName)
			}
			if last := v.Problems[len(v.Problems)-1]; last.Step != StepSignature || v.Match {
				t.Errorf("the signature problem is not last: %+v", v.Problems)
			}
		})
	}
}

func TestVerifyChecksBeforeTheSignature(t *testing.T) {
	gw := func(host string) *Request {
		return &Request{Method: "GET", Host: host, Path: "/prod/pets"}
	}
	tests := []struct {
		name    string
		request *Request
		in      func(in *VerifyInput)
		step    string
		detail  string
		match   bool
	}{
		{"another access key", signedWith(t, gatewayRequest(), nil), func(in *VerifyInput) { in.AccessKeyID = "AKIDOTHER" }, StepAccessKey, "signed with access key id AKIDEXAMPLE", false},
		{"region of the host", signedWith(t, gw("abc123.execute-api.eu-west-1.amazonaws.com"), nil), nil, StepCredentialScope, "Credential should be scoped to a valid region, not 'us-east-1'", true},
		{"service of the host", signedWith(t, gw("abc123.execute-api.us-east-1.amazonaws.com"), func(o *Options) { o.Service = "lambda" }), nil, StepCredentialScope, "expects execute-api", true},
		{"region given", signedWith(t, gw("example.com"), nil), func(in *VerifyInput) { in.Region = "eu-west-1" }, StepCredentialScope, "the endpoint (as given) is in eu-west-1", true},
		{"temporary key without token", signedWith(t, gw("example.com"), func(o *Options) { o.Credentials.AccessKeyID = "ASIAEXAMPLE" }), nil, StepSessionToken, "is temporary", true},
		{"token of the credentials missing", signedWith(t, gw("example.com"), nil), func(in *VerifyInput) { in.SessionToken = "tok" }, StepSessionToken, "carries no X-Amz-Security-Token", true},
		{"signature not yet current", signedWith(t, gw("example.com"), nil), func(in *VerifyInput) { in.Now = testTime.Add(-time.Hour) }, StepDate, "Signature not yet current", true},
		{"presigned not yet valid", signedWith(t, gw("example.com"), func(o *Options) { o.Presign = true }), func(in *VerifyInput) { in.Now = testTime.Add(-time.Hour) }, StepDate, "not yet valid", true},
		{"expired a decade later", signedWith(t, gw("example.com"), func(o *Options) { o.Presign = true; o.Expires = time.Minute }), func(in *VerifyInput) { in.Now = testTime.AddDate(10, 0, 0) }, StepDate, "3652 days 23h59m0s before now", true},
		{"both mechanisms", func() *Request {
			r := signedWith(t, gw("example.com"), nil)
			r.RawQuery = "X-Amz-Signature=00"
			return r
		}(), nil, StepAuthorization, "Only one auth mechanism", false},
		{"x-amz-date not signed", resignedList(t, signedWith(t, gw("example.com"), nil), "host"), nil, StepSignedHeaders, "x-amz-date is sent but not signed", true},
		{"SigV4a", func() *Request {
			r := signedWith(t, gw("example.com"), nil)
			auth, _ := r.Get("Authorization")
			r.Set("Authorization", strings.Replace(auth, Algorithm, "AWS4-ECDSA-P256-SHA256", 1))
			return r
		}(), nil, StepAuthorization, "SigV4a", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := VerifyInput{Request: tc.request, SecretAccessKey: testSecret, AccessKeyID: "AKIDEXAMPLE"}
			if strings.HasPrefix(tc.name, "temporary") {
				in.AccessKeyID = "ASIAEXAMPLE"
			}
			if tc.in != nil {
				tc.in(&in)
			}
			v, err := Verify(in)
			if err != nil {
				t.Fatal(err)
			}
			if v.Valid() || len(v.Problems) == 0 || v.Problems[0].Step != tc.step || !strings.Contains(v.Problems[0].Detail, tc.detail) {
				t.Fatalf("problems %+v, want first at %s saying %q", v.Problems, tc.step, tc.detail)
			}
			if v.Match != tc.match {
				t.Errorf("match = %v, want %v (the signature is checked at the request's own time and scope)", v.Match, tc.match)
			}
			failed := 0
			for _, c := range v.Checks() {
				if !c.OK {
					failed++
				}
			}
			if failed == 0 {
				t.Errorf("no failed check in %+v", v.Checks())
			}
		})
	}
}

// resignedList signs a request again with another signed header list.
func resignedList(t *testing.T, r *Request, list string) *Request {
	t.Helper()
	info, _ := ReadSignature(r)
	auth, _ := r.Get("Authorization")
	r = r.Clone()
	r.Set("Authorization", strings.Replace(auth, "SignedHeaders="+strings.Join(info.SignedHeaders, ";"), "SignedHeaders="+list, 1))
	return resigned(t, r, func(*Trace) {})
}

func TestVerifyNotesAndChecks(t *testing.T) {
	r := signedWith(t, &Request{Method: "GET", Host: "example.com", Path: "/"}, func(o *Options) {
		o.Credentials.SessionToken = "tok"
		o.OmitSessionToken = true
	})
	r.Headers = append(r.Headers, Header{"Content-Type", "text/plain"})
	v, err := Verify(VerifyInput{Request: r, SecretAccessKey: testSecret, AccessKeyID: "AKIDEXAMPLE", SessionToken: "tok", Now: testTime})
	if err != nil || !v.Valid() {
		t.Fatalf("%v %+v", err, v.Problems)
	}
	notes := strings.Join(v.Notes, "\n")
	if !strings.Contains(notes, "X-Amz-Security-Token is sent but not signed") || !strings.Contains(notes, "Content-Type \"text/plain\" is sent but not signed") {
		t.Errorf("notes %q", notes)
	}
	var steps []string
	for _, c := range v.Checks() {
		steps = append(steps, c.Step)
	}
	want := []string{StepAuthorization, StepAccessKey, StepSessionToken, StepDate, StepCredentialScope, StepSignedHeaders, StepCanonicalRequest, StepPayloadHash, StepSignature}
	if !slices.Equal(steps, want) {
		t.Errorf("checks %v, want %v", steps, want)
	}
	if _, err := Verify(VerifyInput{Request: &Request{Method: "GET", Host: "h", Path: "/"}, SecretAccessKey: "s"}); !errors.Is(err, ErrNoSignature) {
		t.Errorf("unsigned request: %v", err)
	}
}

func TestStripSignature(t *testing.T) {
	for _, presign := range []bool{false, true} {
		r := signed(t, presign)
		r.RawQuery += "&keep=1"
		if !HasSignature(r) {
			t.Fatalf("presign=%v: signature not seen", presign)
		}
		s := StripSignature(r)
		if HasSignature(s) || strings.Contains(s.RawQuery, "X-Amz-") || slices.ContainsFunc(s.Headers, func(h Header) bool { return strings.HasPrefix(h.Name, "X-Amz-") }) {
			t.Errorf("presign=%v: left %+v", presign, s)
		}
		if !strings.Contains(s.RawQuery, "limit=10") || !strings.HasSuffix(s.RawQuery, "keep=1") {
			t.Errorf("presign=%v: query %q lost its own pairs", presign, s.RawQuery)
		}
	}
}

func TestHostScope(t *testing.T) {
	for host, want := range map[string]string{
		"abc123.execute-api.eu-west-1.amazonaws.com":     "eu-west-1 execute-api",
		"abc123.execute-api.eu-west-1.amazonaws.com:443": "eu-west-1 execute-api",
		"bucket.s3.us-west-2.amazonaws.com":              "us-west-2 s3",
		"s3-us-gov-west-1.amazonaws.com":                 " ",
		"bucket.s3-fips.us-gov-west-1.amazonaws.com":     "us-gov-west-1 s3",
		"xyz.lambda-url.ap-south-1.on.aws":               "ap-south-1 lambda",
		"sqs.eu-central-2.amazonaws.com":                 "eu-central-2 ",
		"iam.amazonaws.com":                              " ",
		"example.amazonaws.com":                          " ",
		"api.example.com":                                " ",
	} {
		if r, s := hostScope(host); r+" "+s != want {
			t.Errorf("hostScope(%q) = %q %q, want %q", host, r, s, want)
		}
	}
}

func TestLocatedNamesTheParameter(t *testing.T) {
	for _, c := range []struct{ ours, theirs, want string }{
		{"a=1&c=3", "a=1&c=4", "c"},
		{"a=1", "a=1&b=2", "b"},
		{"a=1&c=3", "a=1&b=2&c=3", "b"},
		{"a=1&b=2&c=3", "a=1&c=3", "b"},
		{"b=2&a=1", "a=1&b=2", "b"},
	} {
		p := located(Problem{Step: StepCanonicalRequest, Part: PartQuery, Line: 3, Ours: c.ours, Theirs: c.theirs})
		if p.Name != c.want {
			t.Errorf("%q vs %q: %q, want %q", c.ours, c.theirs, p.Name, c.want)
		}
	}
}
