package explain

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/internal/termsafe"
)

const apiGatewayHead = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."

const (
	sampleCanonical = "GET\n/prod/pets\nlimit=10&q=a%26b\nhost:abc123.execute-api.us-east-1.amazonaws.com\nuser-agent:curl/8.5.0 (x86_64)\nx-amz-date:20150830T123600Z\n\nhost;user-agent;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	sampleSTS       = "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/execute-api/aws4_request\n0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
)

func apiGatewayMessage(canonical, sts string) string {
	return apiGatewayHead + "\n\nThe Canonical String for this request should have been\n'" + canonical + "'\n\nThe String-to-Sign should have been\n'" + sts + "'\n"
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func hexDump(s string) string {
	parts := make([]string, len(s))
	for i := 0; i < len(s); i++ {
		parts[i] = string(hexDigits[s[i]>>4]) + string(hexDigits[s[i]&15])
	}
	return strings.Join(parts, " ")
}

// TestParseFormats reads the same canonical request and string to sign
// from every shape AWS (and the tools that print its answers) use.
func TestParseFormats(t *testing.T) {
	msg := apiGatewayMessage(sampleCanonical, sampleSTS)
	flat := strings.ReplaceAll(msg, "\n", " ")
	escaped := strings.ReplaceAll(msg, "\n", `\n`)
	xmlText := func(s string) string {
		return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
	}
	cases := []struct {
		name   string
		body   string
		format Format
		code   string
		repair string
	}{
		{"api gateway text", msg, FormatText, "", ""},
		{"api gateway json", `{"message":` + jsonString(msg) + `}`, FormatJSON, "", ""},
		{"json Message", `{"Message":` + jsonString(msg) + `}`, FormatJSON, "", ""},
		{"json __type", `{"__type":"com.amazon.coral.service#InvalidSignatureException","message":` + jsonString(msg) + `}`, FormatJSON, "InvalidSignatureException", ""},
		{"json raw line breaks", `{"message":"` + strings.ReplaceAll(msg, "'", "'") + `"}`, FormatJSON, "", "raw line breaks"},
		{"json errors", `{"errors":[{"message":` + jsonString(msg) + `,"code":"InvalidSignature"}]}`, FormatJSONErrors, "InvalidSignature", ""},
		{"json Error object", `{"Error":{"Code":"SignatureDoesNotMatch","Message":` + jsonString(msg) + `}}`, FormatJSON, "SignatureDoesNotMatch", ""},
		{"flattened text", flat, FormatText, "", "line breaks restored"},
		{"flattened json", `{"message":` + jsonString(flat) + `}`, FormatJSON, "", "line breaks restored"},
		{"escaped text", escaped, FormatText, "", "escaped line breaks"},
		{"escaped twice", `{"message":` + jsonString(escaped) + `}`, FormatJSON, "", "escaped line breaks"},
		{"crlf text", strings.ReplaceAll(msg, "\n", "\r\n"), FormatText, "", ""},
		{"raw response", "HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nx-amzn-ErrorType: InvalidSignatureException:http://internal.amazon.com/coral/com.amazon.coral.service/\r\n\r\n" +
			`{"message":` + jsonString(msg) + `}`, FormatJSON, "InvalidSignatureException", ""},
		{"s3 xml", `<?xml version="1.0" encoding="UTF-8"?>` + "\n<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided. Check your key and signing method.</Message><StringToSign>" +
			xmlText(sampleSTS) + "</StringToSign><CanonicalRequest>" + xmlText(sampleCanonical) + "</CanonicalRequest></Error>", FormatS3XML, "SignatureDoesNotMatch", ""},
		{"s3 xml bytes only", "<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided. Check your key and signing method.</Message><StringToSignBytes>" +
			hexDump(sampleSTS) + "</StringToSignBytes><CanonicalRequestBytes>" + hexDump(sampleCanonical) + "</CanonicalRequestBytes></Error>", FormatS3XML, "SignatureDoesNotMatch", "decoded from CanonicalRequestBytes"},
		{"s3 xml flattened with bytes", "<Error><Code>SignatureDoesNotMatch</Code><Message>x</Message><StringToSign>" + strings.ReplaceAll(sampleSTS, "\n", " ") +
			"</StringToSign><StringToSignBytes>" + hexDump(sampleSTS) + "</StringToSignBytes><CanonicalRequest>" + xmlText(strings.ReplaceAll(sampleCanonical, "\n", " ")) +
			"</CanonicalRequest><CanonicalRequestBytes>" + hexDump(sampleCanonical)[:300] + "\n" + hexDump(sampleCanonical)[300:] + "</CanonicalRequestBytes></Error>", FormatS3XML, "SignatureDoesNotMatch", "decoded from CanonicalRequestBytes"},
		{"s3 xml flattened", "<Error><Code>SignatureDoesNotMatch</Code><Message>x</Message><StringToSign>" + strings.ReplaceAll(sampleSTS, "\n", " ") +
			"</StringToSign><CanonicalRequest>" + xmlText(strings.ReplaceAll(sampleCanonical, "\n", " ")) + "</CanonicalRequest></Error>", FormatS3XML, "SignatureDoesNotMatch", "line breaks restored"},
		{"query xml", `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>` +
			xmlText(msg) + "</Message></Error><RequestId>1</RequestId></ErrorResponse>", FormatQueryXML, "SignatureDoesNotMatch", ""},
		{"query xml cut off", `<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>` + xmlText(msg), FormatQueryXML, "SignatureDoesNotMatch", ""},
	}
	for _, tc := range cases {
		a, ok := Parse([]byte(tc.body))
		if !ok || a.Kind != KindMismatch || a.Format != tc.format || a.Code != tc.code {
			t.Errorf("%s: ok %v kind %q format %q code %q; want %q %q", tc.name, ok, a.Kind, a.Format, a.Code, tc.format, tc.code)
			continue
		}
		if a.ServerCanonicalRequest != sampleCanonical || a.ServerStringToSign != sampleSTS {
			t.Errorf("%s:\ncanonical %q\nsts       %q", tc.name, a.ServerCanonicalRequest, a.ServerStringToSign)
		}
		if !strings.HasPrefix(a.Message, "The request signature we calculated does not match") && a.Message != "x" {
			t.Errorf("%s: message %q", tc.name, a.Message)
		}
		if got := strings.Join(a.Repairs, "|"); (tc.repair == "") != (got == "") || !strings.Contains(got, tc.repair) {
			t.Errorf("%s: repairs %q, want %q", tc.name, got, tc.repair)
		}
	}
}

// TestParseSQSShape is today's misreading of SQS's XML: the canonical
// request kept &amp; and the string to sign swallowed the closing tags.
func TestParseSQSShape(t *testing.T) {
	_, body := readCase(t, "sqs-query-xml.xml")
	a, _ := Parse(body)
	if strings.Contains(a.ServerCanonicalRequest, "&amp;") || !strings.Contains(a.ServerCanonicalRequest, "Action=ListQueues&Version=2012-11-05") {
		t.Errorf("canonical request %q", a.ServerCanonicalRequest)
	}
	if strings.Contains(a.ServerStringToSign, "<") || strings.Count(a.ServerStringToSign, "\n") != 3 {
		t.Errorf("string to sign %q", a.ServerStringToSign)
	}
}

// TestParseErrorsShape is today's misreading of {"errors":[{"message":…}]}:
// a mismatch found with both parts empty.
func TestParseErrorsShape(t *testing.T) {
	body := `{"errors":[{"message":` + jsonString(apiGatewayMessage(sampleCanonical, sampleSTS)) + `,"code":"InvalidSignature"}]}`
	a, ok := Parse([]byte(body))
	if !ok || a.ServerCanonicalRequest != sampleCanonical || a.ServerStringToSign != sampleSTS {
		t.Errorf("ok %v\ncanonical %q\nsts %q", ok, a.ServerCanonicalRequest, a.ServerStringToSign)
	}
}

// TestParseQuotes: a quote inside the canonical request, and a string to
// sign followed by more text, are cut at the right quote.
func TestParseQuotes(t *testing.T) {
	cr := strings.Replace(sampleCanonical, "/prod/pets", "/prod/it's", 1)
	body := `{"message":` + jsonString(apiGatewayMessage(cr, sampleSTS)) + `,"extra":"it's"}`
	a, _ := Parse([]byte(body))
	if a.ServerCanonicalRequest != cr || a.ServerStringToSign != sampleSTS {
		t.Errorf("canonical %q\nsts %q", a.ServerCanonicalRequest, a.ServerStringToSign)
	}
	// Only a canonical request, cut off in a log line.
	text := apiGatewayHead + "\n\nThe Canonical String for this request should have been\n'" + cr + "'\n\" (Service: x)"
	a, _ = Parse([]byte(text))
	if a.ServerCanonicalRequest != cr {
		t.Errorf("canonical without string to sign: %q", a.ServerCanonicalRequest)
	}
}

// TestParseShortForms recognizes AWS's answers that carry no canonical
// request.
func TestParseShortForms(t *testing.T) {
	cases := []struct {
		body string
		kind Kind
		code string
	}{
		{`{"message":"Signature expired: 20260101T000000Z is now earlier than 20260101T000600Z (20260101T001100Z - 5 min.)"}`, KindExpired, ""},
		{`{"message":"Signature not yet current: 20260101T002000Z is still later than 20260101T000500Z (20260101T000000Z + 5 min.)"}`, KindNotYetCurrent, ""},
		{`{"message":"Credential should be scoped to a valid region, not 'eu-west-1'. "}`, KindWrongRegion, ""},
		{`{"message":"Credential should be scoped to a valid Region, not 'eu-west-1'."}`, KindWrongRegion, ""},
		{`{"message":"Credential should be scoped to correct service: 'execute-api'. "}`, KindWrongService, ""},
		{`{"message":"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20260101' != '20260102', from '20260102T000000Z'."}`, KindScopeDate, ""},
		{`{"message":"'eyJhbGciOi' not a valid key=value pair (missing equal-sign) in Authorization header: 'Bearer eyJhbGciOi'."}`, KindMalformedAuthorization, ""},
		{`{"message":"Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter."}`, KindMalformedAuthorization, ""},
		{`{"message":"Missing Authentication Token"}`, KindMissingToken, ""},
		{`{"message":"The security token included in the request is invalid."}`, KindInvalidToken, ""},
		{`{"message":"The security token included in the request is expired"}`, KindExpiredToken, ""},
		{`{"__type":"ExpiredTokenException","message":"The security token included in the request is expired"}`, KindExpiredToken, "ExpiredTokenException"},
		{`{"message":"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}`, KindMismatch, ""},
		{"<Error><Code>InvalidAccessKeyId</Code><Message>The AWS Access Key Id you provided does not exist in our records.</Message><AWSAccessKeyId>AKIAEXAMPLE</AWSAccessKeyId></Error>", KindUnknownAccessKey, "InvalidAccessKeyId"},
		{`{"message":"User: arn:aws:iam::123456789012:user/x is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:123456789012:abc/prod/GET/pets"}`, KindAccessDenied, ""},
		{`{"message":"Unauthorized"}`, KindUnauthorized, ""},
		{`{"message":"The incoming token has expired"}`, KindUserPoolTokenExpired, ""},
		{`{"message":"Missing or invalid CloudFront signed cookies"}`, KindCloudFrontCookies, ""},
		{`{"__type":"IncompleteSignatureException","message":"something new"}`, KindMalformedAuthorization, "IncompleteSignatureException"},
	}
	for _, tc := range cases {
		a, ok := Parse([]byte(tc.body))
		if !ok || a.Kind != tc.kind || a.Code != tc.code {
			t.Errorf("%s: ok %v kind %q code %q; want %q %q", tc.body, ok, a.Kind, a.Code, tc.kind, tc.code)
		}
		if tc.kind != KindMismatch && (a.ServerCanonicalRequest != "" || a.ServerStringToSign != "") {
			t.Errorf("%s: a canonical request from nothing", tc.body)
		}
	}
	for _, body := range []string{`{"message":"Forbidden"}`, `{"message":"Internal server error"}`, "oops", "", "<html><body>502 Bad Gateway</body></html>", `{"errors":[]}`, `[1,2]`} {
		if a, ok := Parse([]byte(body)); ok {
			t.Errorf("%q read as %q", body, a.Kind)
		}
	}
}

func TestParseFacts(t *testing.T) {
	a, _ := Parse([]byte(`{"message":"Credential should be scoped to a valid region, not 'eu-west-1'. "}`))
	if a.Region != "eu-west-1" {
		t.Errorf("region %q", a.Region)
	}
	a, _ = Parse([]byte(`{"message":"Credential should be scoped to correct service: 'batch'. "}`))
	if a.Service != "batch" {
		t.Errorf("service %q", a.Service)
	}
	a, _ = Parse([]byte(`{"message":"'eyJhbGciOi' not a valid key=value pair (missing equal-sign) in Authorization header: 'Bearer eyJhbGciOi.secret'."}`))
	if a.AuthScheme != "Bearer" {
		t.Errorf("scheme %q", a.AuthScheme)
	}
	a, _ = Parse([]byte("Signature expired: 20151120T200815Z is now earlier than 20151120T201846Z (20151120T202346Z - 5 min.)"))
	if a.SignedAt != "20151120T200815Z" || a.ServerTime != "20151120T202346Z" {
		t.Errorf("times %q %q", a.SignedAt, a.ServerTime)
	}
}

func TestUnflattenCanonical(t *testing.T) {
	cases := map[string]string{
		"one space per break":   strings.ReplaceAll(sampleCanonical, "\n", " "),
		"white space folded":    strings.Join(strings.Fields(strings.ReplaceAll(sampleCanonical, "\n", " ")), " "),
		"empty query, two ways": "",
	}
	for name, flat := range cases {
		if flat == "" {
			continue
		}
		got, ok := unflattenCanonical(flat)
		// Folding loses the blank line only, which unflatten restores.
		if !ok || got != sampleCanonical {
			t.Errorf("%s: %v\n%q", name, ok, got)
		}
	}
	noQuery := strings.Replace(sampleCanonical, "limit=10&q=a%26b", "", 1)
	for _, flat := range []string{strings.ReplaceAll(noQuery, "\n", " "), strings.Join(strings.Fields(noQuery), " ")} {
		if got, ok := unflattenCanonical(flat); !ok || got != noQuery {
			t.Errorf("empty query from %q: %v\n%q", flat, ok, got)
		}
	}
	if _, ok := unflattenCanonical("GET / a b c"); ok {
		t.Error("unflattened a line that is no canonical request")
	}
}

func TestEscape(t *testing.T) {
	cases := map[string]string{
		"plain":              "plain",
		"a\x1b[31mred":       `a\x1b[31mred`,
		"tab\there\nnewline": `tab\x09here\x0anewline`,
		"del\x7f":            `del\x7f`,
		"c1\u009b":           `c1\x9b`,
		"bad\xffutf8":        `bad\xffutf8`,
		"bidi\u202eevil":     `bidi\u202eevil`,
		"ünïcode ok":         "ünïcode ok",
	}
	for in, want := range cases {
		if got := termsafe.Line(in); got != want {
			t.Errorf("termsafe.Line(%q) = %q, want %q", in, got, want)
		}
	}
}
