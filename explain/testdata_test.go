package explain

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigscope/sigscope/sign"
)

// readCase reads a testdata file: "# " header lines naming the source,
// "---", then the body as AWS sent it.
func readCase(t testing.TB, name string) (header string, body []byte) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	h, b, ok := strings.Cut(string(data), "\n---\n")
	if !ok || !strings.HasPrefix(h, "# source: ") {
		t.Fatalf("%s: no '# source:' header and '---' line", name)
	}
	return h, []byte(b)
}

var testTime = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// signed signs a request as a client did, with throwaway keys.
func signed(t testing.TB, req *sign.Request, o sign.Options) *sign.Trace {
	t.Helper()
	if o.Credentials.AccessKeyID == "" {
		o.Credentials = sign.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
	}
	if o.Time.IsZero() {
		o.Time = testTime
	}
	tr, err := sign.Sign(req, o)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func at(s string) time.Time {
	t, err := time.Parse(amzDate, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestTestdata parses every real answer in testdata, checks what was read
// from it, and diagnoses it, with what the report tells about the request
// when it tells something, to the cause the report found.
func TestTestdata(t *testing.T) {
	cases := []struct {
		file    string
		format  Format
		kind    Kind
		code    string
		cr, sts string // a line the server's canonical request / string to sign must hold
		repair  string // part of a repair note
		// input adds what the report says about the request.
		input    func(t *testing.T, in *Input, a Answer)
		cause    string // the first cause
		certain  bool
		evidence string // part of the first cause's evidence
		fix      string // part of the first cause's fix
	}{
		{file: "opensearch-mismatch.json", format: FormatJSON, kind: KindMismatch,
			cr: "host:search-production-applicationlogs-omittied.us-east-1.es.amazonaws.com", sts: "20160210/us-east-1/es/aws4_request",
			input: func(t *testing.T, in *Input, _ Answer) {
				// Varnish signed the host its clients used.
				in.Trace = signed(t, &sign.Request{Method: "GET", Host: "logs.example.com", Path: "/_plugin/kibana/"},
					sign.Options{Region: "us-east-1", Service: "es", SignBody: true, Time: at("20160210T173713Z")})
			},
			cause: CauseHost, certain: true, evidence: `signed "host:logs.example.com"`},
		{file: "sqs-query-xml.xml", format: FormatQueryXML, kind: KindMismatch, code: "SignatureDoesNotMatch",
			cr: "Action=ListQueues&Version=2012-11-05", sts: "3c7019f0adae8b5fe064d24fd4d5a6d9ea732c4661f1263325765a69dd2c9fd6",
			input: func(t *testing.T, in *Input, _ Answer) {
				// sigscope signs the same request to the same canonical request.
				in.Trace = signed(t, &sign.Request{Method: "GET", Host: "eu-west-1.queue.amazonaws.com", Path: "/", RawQuery: "Action=ListQueues&Version=2012-11-05"},
					sign.Options{Region: "eu-west-1", Service: "sqs", Time: at("20130618T110110Z")})
			},
			cause: CauseSecret, certain: true, evidence: "canonical request and string to sign equals what was signed"},
		{file: "spapi-empty-token.json", format: FormatJSONErrors, kind: KindMismatch, code: "InvalidSignature",
			cr: "x-amz-security-token:", sts: "20210304/eu-west-1/execute-api/aws4_request", repair: "raw line breaks",
			cause: CauseSessionToken, evidence: "empty X-Amz-Security-Token"},
		{file: "spapi-identical.json", format: FormatJSONErrors, kind: KindMismatch,
			cr: "user-agent:Ladder data ingestion", sts: "e7b877fcd2e10dcd8bc5050b7c6bad6d5126d6cd014e9a9b0c6e7d91ff0287f3",
			input: func(t *testing.T, in *Input, a Answer) {
				in.Trace = &sign.Trace{CanonicalRequest: a.ServerCanonicalRequest, StringToSign: a.ServerStringToSign}
			},
			cause: CauseSecret, certain: true},
		{file: "spapi-flattened.json", format: FormatJSONErrors, kind: KindMismatch,
			cr: "CreatedAfter=20201116T125444Z&MarketplaceId=ATVPDKIKX0DER", sts: "20201116/us-east-1/execute-api/aws4_request", repair: "line breaks restored",
			input: func(t *testing.T, in *Input, a Answer) {
				in.Trace = &sign.Trace{CanonicalRequest: a.ServerCanonicalRequest, StringToSign: a.ServerStringToSign}
			},
			cause: CauseSecret, certain: true},
		{file: "s3-flattened-streaming.xml", format: FormatS3XML, kind: KindMismatch, code: "SignatureDoesNotMatch",
			cr: "x-amz-content-sha256:STREAMING-AWS4-HMAC-SHA256-PAYLOAD", sts: "AWS4-HM\x12C-SHA256", repair: "StringToSign decoded from StringToSignBytes",
			cause: CausePayload, evidence: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"},
		{file: "bedrock-mismatch.json", format: FormatJSON, kind: KindMismatch,
			cr: "/model/us.anthropic.claude-sonnet-4-20250514-v1%253A0/converse-stream", sts: "20250921/us-east-2/bedrock/aws4_request",
			cause: CauseHeader, evidence: `x-forwarded-for="10.0.20.180,45.222.29.73", x-forwarded-host=`},
		{file: "bedrock-log-escaped.txt", format: FormatText, kind: KindMismatch,
			cr: "x-real-ip:10.0.20.180", sts: "d61e31a0afb51765f0b2ee88381d0950cc8a0fc054633f0e163ff85336a4beae", repair: "escaped line breaks",
			cause: CauseHeader, evidence: `x-forwarded-for="10.0.20.180,45.222.29.73", x-forwarded-host=`},
		{file: "apigw-plus-space.json", format: FormatJSON, kind: KindMismatch,
			cr: "%24filter=id%20eq%20123", sts: "20230731/eu-west-1/execute-api/aws4_request", repair: "raw line breaks",
			cause: CausePlus, evidence: "%24filter=id%20eq%20123"},
		{file: "lambda-mismatch.http", format: FormatJSON, kind: KindMismatch, code: "InvalidSignatureException",
			input: func(t *testing.T, in *Input, _ Answer) {
				// Soto signed the path without the trailing slash it sent.
				req := &sign.Request{Method: "GET", Host: "lambda.eu-west-1.amazonaws.com", Path: "/2015-03-31/functions", RawQuery: "MasterRegion=eu-west-1"}
				in.Trace = signed(t, req, sign.Options{Region: "eu-west-1", Service: "lambda", Time: at("20200915T135818Z")})
				sent := in.Trace.Signed.Clone()
				sent.Path = "/2015-03-31/functions/"
				in.Request = sent
			},
			cause: CausePath, evidence: `the path sent "/2015-03-31/functions/" is not the path signed "/2015-03-31/functions"`},
		{file: "kinesis-expired.txt", format: FormatText, kind: KindExpired,
			cause: CauseClock, certain: true, evidence: "15m31s before the server's clock"},
		{file: "sqs-expired-device.txt", format: FormatText, kind: KindExpired,
			cause: CauseClock, certain: true, evidence: "49 days"},
		{file: "glacier-not-yet-current.json", format: FormatJSON, kind: KindNotYetCurrent, code: "InvalidSignatureException",
			cause: CauseClock, certain: true, evidence: "54m51s ahead"},
		{file: "opensearch-wrong-region.json", format: FormatJSON, kind: KindWrongRegion,
			cause: CauseScope, certain: true, evidence: "signed for region eu-west-1"},
		{file: "batch-wrong-service.json", format: FormatJSON, kind: KindWrongService,
			input: func(t *testing.T, in *Input, _ Answer) {
				in.Trace = signed(t, &sign.Request{Method: "POST", Host: "batch.us-west-2.amazonaws.com", Path: "/v1/describecomputeenvironments"},
					sign.Options{Region: "us-west-2", Service: "es"})
			},
			cause: CauseScope, certain: true, evidence: `AWS expects service "batch"; signed for "es"`},
		{file: "sts-invalid-client-token.xml", format: FormatQueryXML, kind: KindInvalidToken, code: "InvalidClientTokenId",
			input: func(t *testing.T, in *Input, _ Answer) {
				in.Trace = signed(t, &sign.Request{Method: "POST", Host: "sts.af-south-1.amazonaws.com", Path: "/", Body: []byte("Action=GetCallerIdentity&Version=2011-06-15"),
					Headers: []sign.Header{{Name: "Content-Type", Value: "application/x-www-form-urlencoded; charset=utf-8"}}},
					sign.Options{Region: "af-south-1", Service: "sts", Credentials: sign.Credentials{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "secret", SessionToken: "token"}})
			},
			cause: CauseSessionToken, certain: true, evidence: "af-south-1 is an opt-in region"},
		{file: "cognito-unrecognized-client.json", format: FormatJSON, kind: KindInvalidToken, code: "UnrecognizedClientException",
			cause: CauseSessionToken, certain: true},
		{file: "sts-malformed-credential.txt", format: FormatText, kind: KindMalformedAuthorization,
			cause: CauseAuthHeader, certain: true, evidence: "stray space or line break"},
		{file: "basic-auth-malformed.json", format: FormatJSON, kind: KindMalformedAuthorization,
			cause: CauseAuthHeader, certain: true, evidence: "carries a Basic token"},
		{file: "missing-token-chalice.http", format: FormatJSON, kind: KindMissingToken, code: "MissingAuthenticationTokenException",
			cause: CauseRoute, certain: true},
		{file: "missing-token.xml", format: FormatXML, kind: KindMissingToken, code: "MissingAuthenticationTokenException",
			cause: CauseRoute, certain: true},
		{file: "s3-invalid-access-key.xml", format: FormatS3XML, kind: KindUnknownAccessKey, code: "InvalidAccessKeyId",
			cause: CauseAccessKey, certain: true, evidence: "ASIAJCIMYNXQI3TLOWZA"},
		{file: "s3-content-sha256-empty.xml", format: FormatS3XML, kind: KindPayloadHashMismatch, code: "XAmzContentSHA256Mismatch",
			cause: CausePayload, certain: true, evidence: "declared x-amz-content-sha256 e3b0c442…, the SHA-256 of an empty body, but S3 received a body (hashing to cbb11b06…)"},
		{file: "s3-content-sha256-multipart.xml", format: FormatS3XML, kind: KindPayloadHashMismatch, code: "XAmzContentSHA256Mismatch",
			cause: CausePayload, certain: true, evidence: "declared x-amz-content-sha256 5f57f049… but the body S3 received hashes to 29652d3a…: the body sent is not the body hashed"},
		{file: "s3-time-too-skewed.xml", format: FormatS3XML, kind: KindTimeTooSkewed, code: "RequestTimeTooSkewed",
			cause: CauseClock, certain: true, evidence: "signed at 20150604T232559Z, 59m43s ahead of the server's clock (20150604T222616Z): the local clock is ahead by almost exactly 1 h: a local time written as UTC"},
		{file: "s3-presigned-expired.xml", format: FormatS3XML, kind: KindPresignExpired, code: "AccessDenied",
			cause: CausePresign, certain: true, evidence: "expired at 20170720T041845Z and reached S3 at 20170720T041855Z, 10s late: it was signed at 20170720T041345Z for X-Amz-Expires=300 s"},
		{file: "s3-presigned-not-yet-valid.xml", format: FormatS3XML, kind: KindNotYetCurrent, code: "AccessDenied",
			cause: CauseClock, certain: true, evidence: "signed at 20160909T100935Z, 23h59m51s ahead of the server's clock (20160908T100944Z): the date of the machine that signed is wrong"},
		{file: "s3-header-malformed-region.xml", format: FormatS3XML, kind: KindWrongRegion, code: "AuthorizationHeaderMalformed",
			cause: CauseScope, certain: true, evidence: "signed for region us-west-2; AWS says the resource is in us-east-1"},
		{file: "s3-header-malformed-credential.xml", format: FormatS3XML, kind: KindMalformedAuthorization, code: "AuthorizationHeaderMalformed",
			cause: CauseAuthHeader, certain: true, evidence: "the secret key put where the key id goes"},
		{file: "s3-header-malformed-no-key.xml", format: FormatS3XML, kind: KindMalformedAuthorization, code: "AuthorizationHeaderMalformed",
			cause: CauseAuthHeader, certain: true, evidence: "the Credential= has no access key id"},
		{file: "s3-query-parameters-expires.xml", format: FormatS3XML, kind: KindMalformedPresign, code: "AuthorizationQueryParametersError",
			input: func(t *testing.T, in *Input, _ Answer) {
				// The URL of the report, its key and signature replaced.
				req, err := sign.ParseRaw([]byte("GET /path/to/a/file?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20170718%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20170718T132934Z&X-Amz-Expires=6307000000&X-Amz-Signature=ff29e0c334846ef6c8f2279f9835423d7ce7dc1333a91729fff17707dab2f450&X-Amz-SignedHeaders=host HTTP/1.1\r\nHost: s3-my-bucket.s3.amazonaws.com\r\n\r\n"), "https")
				if err != nil {
					t.Fatal(err)
				}
				in.Request = req
			},
			cause: CausePresign, certain: true, evidence: "at most 604800 s (7 days) (this URL asks for 6307000000 s)"},
		{file: "s3-invalid-token.xml", format: FormatS3XML, kind: KindInvalidToken, code: "InvalidToken",
			cause: CauseSessionToken, certain: true, evidence: "S3 could not read the session token"},
		{file: "s3-expired-token.xml", format: FormatS3XML, kind: KindExpiredToken, code: "ExpiredToken",
			cause: CauseSessionToken, certain: true, evidence: "the temporary credentials expired"},
		{file: "minio-mismatch-no-details.xml", format: FormatS3XML, kind: KindMismatch, code: "SignatureDoesNotMatch",
			cause: CausePath, evidence: "S3's answer came without the CanonicalRequest and StringToSign S3 sends"},
		{file: "s3-mismatch-bytes-only.xml", format: FormatS3XML, kind: KindMismatch, code: "SignatureDoesNotMatch",
			cr: "expect:100-continue", sts: "20161018/us-east-1/s3/aws4_request", repair: "CanonicalRequest decoded from CanonicalRequestBytes",
			cause: CauseHeader, evidence: "expect is signed: HTTP clients and proxies rewrite it"},
		{file: "s3-forum-truncated.xml", format: FormatS3XML, kind: KindMismatch, code: "SignatureDoesNotMatch",
			cr: "content-type:application/octet-stream", sts: "20230310/eu-central-1/s3/aws4_request",
			cause: CauseHeader, evidence: "content-type is signed on a GET"},
		// API Gateway's authorization layers (refusals_authz.go).
		{file: "authz-lambda-explicit-deny.json", format: FormatJSON, kind: KindAuthorizerDenied, cause: CauseAuthorizer, certain: true, evidence: "a Deny that matches"},
		{file: "authz-lambda-implicit-deny.json", format: FormatJSON, kind: KindAuthorizerDenied, cause: CauseAuthorizer, certain: true, evidence: "no statement allows"},
		{file: "authz-anonymous-implicit.json", format: FormatJSON, kind: KindAccessDenied, cause: CauseResourcePolicy, certain: true, evidence: "none of its statements allows arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/pets",
			fix: `add to the API's resource policy: { "Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/pets" }`},
		{file: "authz-anonymous-explicit.json", format: FormatJSON, kind: KindAccessDenied, cause: CauseResourcePolicy, certain: true, evidence: "one of its Deny statements matches",
			fix: "find the Deny statement whose Action and Resource match execute-api:Invoke on arn:aws:execute-api:"},
		{file: "authz-iam-implicit.json", format: FormatJSON, kind: KindAccessDenied, cause: CausePermission, certain: true, evidence: "no statement allows arn:aws:sts::123456789012:assumed-role/Cognito_Auth_Role/CognitoIdentityCredentials execute-api:Invoke",
			fix: `add to a policy of the role arn:aws:iam::123456789012:role/Cognito_Auth_Role (for Cognito identity-pool credentials: the pool's authenticated or unauthenticated role): { "Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "arn:aws:execute-api:`},
		{file: "authz-iam-explicit.json", format: FormatJSON, kind: KindAccessDenied, cause: CausePermission, certain: true, evidence: "a Deny statement matches",
			fix: "find the Deny statement whose Action and Resource match execute-api:Invoke on arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/DELETE/pets/7 in the caller's identity policies (arn:aws:iam::123456789012:user/carlos), the API's resource policy, a permissions boundary or an SCP, and remove it or narrow it"},
		{file: "authz-api-key-forbidden.txt", format: FormatJSON, kind: KindAPIKey, code: "ForbiddenException", cause: CauseAPIKey, certain: true, evidence: "requires an API key"},
		{file: "authz-throttled.txt", format: FormatJSON, kind: KindThrottled, code: "TooManyRequestsException", cause: CauseUsagePlan, certain: true, evidence: "throttle"},
		{file: "authz-quota.txt", format: FormatJSON, kind: KindQuotaExceeded, code: "LimitExceededException", cause: CauseUsagePlan, certain: true, evidence: "quota"},
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			seen[tc.file] = true
			_, body := readCase(t, tc.file)
			a, ok := Parse(body)
			if !ok || a.Format != tc.format || a.Kind != tc.kind {
				t.Fatalf("Parse: ok %v format %q kind %q; want %q %q (message %q)", ok, a.Format, a.Kind, tc.format, tc.kind, a.Message)
			}
			in := Input{Body: body}
			if tc.input != nil {
				tc.input(t, &in, a)
			}
			d, ok := Explain(in)
			if !ok {
				t.Fatal("Explain did not recognize it")
			}
			if tc.code != "" && d.Code != tc.code {
				t.Errorf("code %q, want %q", d.Code, tc.code)
			}
			if tc.cr != "" && !hasLine(d.ServerCanonicalRequest, tc.cr) {
				t.Errorf("server canonical request lacks the line %q:\n%s", tc.cr, d.ServerCanonicalRequest)
			}
			if tc.cr == "" && d.ServerCanonicalRequest != "" {
				t.Errorf("a server canonical request read from nothing: %q", d.ServerCanonicalRequest)
			}
			if tc.sts != "" {
				if lines := strings.Split(d.ServerStringToSign, "\n"); len(lines) != 4 || !hasLine(d.ServerStringToSign, tc.sts) {
					t.Errorf("server string to sign is not 4 lines with %q:\n%q", tc.sts, d.ServerStringToSign)
				}
			}
			if tc.repair != "" && !strings.Contains(strings.Join(d.Repairs, "|"), tc.repair) {
				t.Errorf("repairs %q lack %q", d.Repairs, tc.repair)
			}
			if strings.Contains(d.Message, "Canonical String") || d.Message == "" {
				t.Errorf("message %q", d.Message)
			}
			if len(d.Causes) == 0 {
				t.Fatal("no cause")
			}
			c := d.Causes[0]
			if !strings.Contains(c.Fix, tc.fix) {
				t.Errorf("first cause's fix %q lacks %q", c.Fix, tc.fix)
			}
			if c.ID != tc.cause || c.Certain != tc.certain || !strings.Contains(c.Evidence, tc.evidence) {
				t.Errorf("first cause %s (certain %v): %s\nwant %s (certain %v) with %q\nall: %+v", c.ID, c.Certain, c.Evidence, tc.cause, tc.certain, tc.evidence, d.Causes)
			}
		})
	}
	entries, _ := os.ReadDir("testdata")
	for _, e := range entries {
		if !e.IsDir() && !seen[e.Name()] {
			t.Errorf("testdata/%s has no case", e.Name())
		}
	}
}

func hasLine(text, line string) bool {
	for _, l := range strings.Split(text, "\n") {
		if l == line {
			return true
		}
	}
	return false
}
