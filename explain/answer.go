package explain

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"strings"
)

// Format is the shape an error body came in.
type Format string

const (
	// FormatText is a plain-text message: API Gateway's answer as a client
	// or a log printed it.
	FormatText Format = "text"
	// FormatJSON is {"message": …}, {"Message": …} or {"__type": …,
	// "message": …}: API Gateway REST and HTTP APIs, Lambda (and function
	// URLs), OpenSearch, Bedrock and the other JSON services.
	FormatJSON Format = "json"
	// FormatJSONErrors is {"errors": [{"message": …, "code": …}]}: APIs
	// behind API Gateway that wrap its answer (the Selling Partner API).
	FormatJSONErrors Format = "json-errors"
	// FormatS3XML is S3's <Error><Code>…</Code>…</Error>, with
	// CanonicalRequest, StringToSign and their byte dumps.
	FormatS3XML Format = "s3-xml"
	// FormatQueryXML is <ErrorResponse><Error><Type/><Code/><Message/>…:
	// STS, IAM, SQS, SNS and the other query services.
	FormatQueryXML Format = "query-xml"
	// FormatXML is any other XML error, such as
	// <MissingAuthenticationTokenException><Message>….
	FormatXML Format = "xml"
)

// Describe names the format for people.
func (f Format) Describe() string {
	switch f {
	case FormatText:
		return "plain text (API Gateway's message as printed)"
	case FormatJSON:
		return `JSON {"message": …} (API Gateway, Lambda, OpenSearch, Bedrock and other JSON services)`
	case FormatJSONErrors:
		return `JSON {"errors": [{"message": …}]} (an API behind API Gateway)`
	case FormatS3XML:
		return "S3 XML <Error>"
	case FormatQueryXML:
		return "query-service XML <ErrorResponse> (STS, IAM, SQS, SNS)"
	case FormatXML:
		return "XML"
	}
	return string(f)
}

// Answer is an AWS error body, read.
type Answer struct {
	Format Format `json:"format"`
	Kind   Kind   `json:"kind"`
	// Code is the error code the body (or x-amzn-ErrorType) names:
	// SignatureDoesNotMatch, InvalidSignatureException, ….
	Code string `json:"code,omitempty"`
	// Message is what AWS said, unescaped: its first line, without the
	// canonical request and string to sign that may follow.
	Message string `json:"message"`
	// ServerCanonicalRequest and ServerStringToSign are what the server
	// says it computed, when it says so.
	ServerCanonicalRequest string `json:"server_canonical_request,omitempty"`
	ServerStringToSign     string `json:"server_string_to_sign,omitempty"`
	// Repairs say how the body had to be mended to be read: line breaks
	// restored or unescaped, byte dumps decoded.
	Repairs []string `json:"repairs,omitempty"`
	// AccessKeyID and SignatureProvided are S3's echo of what it received.
	AccessKeyID       string `json:"access_key_id,omitempty"`
	SignatureProvided string `json:"signature_provided,omitempty"`
	// SignedAt and ServerTime are the times of "Signature expired" and
	// "Signature not yet current", as written (20150830T123600Z).
	SignedAt   string `json:"signed_at,omitempty"`
	ServerTime string `json:"server_time,omitempty"`
	// Region is the region "Credential should be scoped to a valid region,
	// not '…'" names (the one signed); Service the one "scoped to correct
	// service" names.
	Region  string `json:"region,omitempty"`
	Service string `json:"service,omitempty"`
	// AuthScheme is the first word of the Authorization header that "not a
	// valid key=value pair" quotes ("Bearer", "AWS4-HMAC-SHA256", …); the
	// rest of it (a token, perhaps) is not kept.
	AuthScheme string `json:"auth_scheme,omitempty"`
	// ExpectedRegion is the region S3 says the bucket is in ("…; expecting
	// 'eu-west-1'", <Region>).
	ExpectedRegion string `json:"expected_region,omitempty"`
	// ClientContentSHA256 and ServerContentSHA256 are S3's
	// XAmzContentSHA256Mismatch: the payload hash the request declared and
	// the hash of the body S3 received.
	ClientContentSHA256 string `json:"client_content_sha256,omitempty"`
	ServerContentSHA256 string `json:"server_content_sha256,omitempty"`
	// ExpiresAt is when a presigned URL stopped being valid, and
	// PresignExpires its X-Amz-Expires in seconds, as S3 says (Request has
	// expired). MaxSkew is RequestTimeTooSkewed's allowance, as written
	// (900000 ms).
	ExpiresAt      string `json:"expires_at,omitempty"`
	PresignExpires string `json:"presign_expires,omitempty"`
	MaxSkew        string `json:"max_skew_ms,omitempty"`
	// Elements are the XML elements read, as written (trimmed), to quote
	// them; secrets (Token-0) are not kept.
	Elements map[string]string `json:"-"`

	text string // the whole message, unescaped
}

// Parse reads an error body in any of AWS's formats. ok is false when the
// body is no AWS authentication or signature error. A raw HTTP response
// ("HTTP/1.1 403 Forbidden", headers, blank line, body) is read as its body.
func Parse(body []byte) (a Answer, ok bool) {
	a = parse(body, "")
	return a, a.Kind != ""
}

func parse(body []byte, errorType string) Answer {
	var a Answer
	if r, isResponse := splitResponse(body); isResponse {
		body = r.body
		if errorType == "" {
			errorType = r.header("x-amzn-ErrorType")
		}
	}
	text := strings.TrimSpace(strings.TrimPrefix(string(body), "\ufeff"))
	var msg string
	switch {
	case strings.HasPrefix(text, "{") || strings.HasPrefix(text, "["):
		msg = a.readJSON(text)
	case strings.HasPrefix(text, "<"):
		msg = a.readXML(text)
	default:
		a.Format, msg = FormatText, text
	}
	if a.Code == "" && errorType != "" {
		a.Code = codeName(errorType)
	}
	a.readMessage(msg)
	a.classify()
	return a
}

// readJSON reads the message and code of a JSON error; a body that is not
// JSON after all is read as text.
func (a *Answer) readJSON(text string) string {
	var v any
	if json.Unmarshal([]byte(text), &v) != nil {
		// Some APIs (and many bug reports) put raw line breaks inside the
		// JSON string: read them as \n.
		if json.Unmarshal([]byte(escapeRawControls(text)), &v) != nil {
			a.Format = FormatText
			return text
		}
		a.Repairs = append(a.Repairs, "raw line breaks inside the JSON string read as \\n")
	}
	a.Format = FormatJSON
	obj, _ := v.(map[string]any)
	if arr, isArr := v.([]any); isArr && len(arr) > 0 {
		obj, _ = arr[0].(map[string]any)
	}
	if obj == nil {
		return ""
	}
	if errs, isArr := obj["errors"].([]any); isArr && len(errs) > 0 {
		if e, isObj := errs[0].(map[string]any); isObj {
			a.Format, obj = FormatJSONErrors, e
		}
	} else if e, isObj := obj["Error"].(map[string]any); isObj {
		obj = e
	}
	for _, k := range []string{"__type", "code", "Code", "type"} {
		if s, isStr := obj[k].(string); isStr && s != "" && s != "Client" && s != "Sender" {
			a.Code = codeName(s)
			break
		}
	}
	for _, k := range []string{"message", "Message", "errorMessage"} {
		if s, isStr := obj[k].(string); isStr {
			return s
		}
	}
	// No message field: any string in the body that AWS's wording matches.
	var found string
	walkStrings(v, func(s string) bool {
		if kindOfText(s) != "" {
			found = s
			return false
		}
		return true
	})
	return found
}

func walkStrings(v any, f func(string) bool) bool {
	switch t := v.(type) {
	case string:
		return f(t)
	case []any:
		for _, e := range t {
			if !walkStrings(e, f) {
				return false
			}
		}
	case map[string]any:
		for _, e := range t {
			if !walkStrings(e, f) {
				return false
			}
		}
	}
	return true
}

// codeName trims the decorations of error types:
// "com.amazon.coral.service#UnrecognizedClientException" and
// "InvalidSignatureException:http://internal.amazon.com/coral/…".
func codeName(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '#'); i >= 0 {
		s = s[i+1:]
	}
	if i := strings.IndexByte(s, ':'); i >= 0 {
		s = s[:i]
	}
	return s
}

// xmlFields are the elements read from an XML error, at any depth.
var xmlFields = []string{"Code", "Message", "CanonicalRequest", "StringToSign", "CanonicalRequestBytes", "StringToSignBytes", "AWSAccessKeyId", "SignatureProvided",
	"Region", "ClientComputedContentSHA256", "S3ComputedContentSHA256", "RequestTime", "ServerTime", "MaxAllowedSkewMilliseconds",
	"X-Amz-Expires", "Expires", "X-Amz-Date"}

// readXML reads S3's <Error>, the query services' <ErrorResponse> and
// other XML errors. Element text is entity-decoded once, as XML says: the
// canonical request SQS echoes with &amp; is read with &. A body the
// decoder cannot finish is read element by element.
func (a *Answer) readXML(text string) string {
	fields := map[string]string{}
	done := map[string]bool{}
	root := ""
	d := xml.NewDecoder(strings.NewReader(text))
	d.Strict = false
	d.Entity = xml.HTMLEntity
	var stack []string
	var err error
	for {
		var tok xml.Token
		tok, err = d.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = t.Name.Local
			}
			stack = append(stack, t.Name.Local)
		case xml.EndElement:
			if n := len(stack); n > 0 {
				done[stack[n-1]] = true
				stack = stack[:n-1]
			}
		case xml.CharData:
			if n := len(stack); n > 0 && !done[stack[n-1]] {
				fields[stack[n-1]] += string(t)
			}
		}
	}
	if err != io.EOF {
		// Truncated or malformed: read what the decoder did not reach.
		for _, name := range xmlFields {
			if !done[name] {
				if v, found := elementText(text, name); found {
					fields[name] = v
				}
			}
		}
		if root == "" {
			root = rootName(text)
		}
	}
	switch root {
	case "Error":
		a.Format = FormatS3XML
	case "ErrorResponse", "Response":
		a.Format = FormatQueryXML
	default:
		a.Format = FormatXML
	}
	a.Code = strings.TrimSpace(fields["Code"])
	if a.Code == "" && strings.HasSuffix(root, "Exception") {
		a.Code = root
	}
	a.AccessKeyID = strings.TrimSpace(fields["AWSAccessKeyId"])
	a.SignatureProvided = strings.TrimSpace(fields["SignatureProvided"])
	a.readS3(fields)
	a.ServerCanonicalRequest = a.fromElement(fields["CanonicalRequest"], fields["CanonicalRequestBytes"], "CanonicalRequest", unflattenCanonical)
	a.ServerStringToSign = a.fromElement(fields["StringToSign"], fields["StringToSignBytes"], "StringToSign", unflattenStringToSign)
	return fields["Message"]
}

// fromElement is a canonical request or string to sign from S3's element
// and its byte dump: the text when it has its line breaks, else the
// decoded bytes, else the text with its line breaks restored.
func (a *Answer) fromElement(text, dump, name string, unflatten func(string) (string, bool)) string {
	text = strings.TrimSpace(normalizeBreaks(text))
	if text != "" && strings.Contains(text, "\n") {
		return text
	}
	if b, ok := decodeByteDump(dump); ok && len(b) > 0 {
		a.Repairs = append(a.Repairs, name+" decoded from "+name+"Bytes")
		return string(b)
	}
	if text == "" {
		return ""
	}
	if u, ok := unflatten(text); ok {
		a.Repairs = append(a.Repairs, name+": line breaks restored (they were flattened to spaces)")
		return u
	}
	return text
}

// elementText finds <name>…</name> in text and decodes its entities.
func elementText(text, name string) (string, bool) {
	open, end := "<"+name+">", "</"+name+">"
	i := strings.Index(text, open)
	if i < 0 {
		return "", false
	}
	rest := text[i+len(open):]
	j := strings.Index(rest, end)
	if j < 0 {
		// Cut off: up to the next element.
		j = strings.IndexByte(rest, '<')
		if j < 0 {
			j = len(rest)
		}
	}
	return unescapeXML(rest[:j]), true
}

func rootName(text string) string {
	for i := 0; i < len(text); i++ {
		if text[i] != '<' || i+1 >= len(text) || text[i+1] == '?' || text[i+1] == '!' {
			continue
		}
		j := i + 1
		for j < len(text) && text[j] != '>' && text[j] != ' ' && text[j] != '/' {
			j++
		}
		return text[i+1 : j]
	}
	return ""
}

const (
	canonicalIntro = "The Canonical String for this request should have been"
	stsIntro       = "The String-to-Sign should have been"
)

// readMessage takes the message apart: the sentence AWS wrote, then the
// canonical request and string to sign it quotes (unless the XML gave
// them already).
func (a *Answer) readMessage(msg string) {
	msg = normalizeBreaks(msg)
	for range 2 { // a message escaped twice (a log of a JSON body) needs two passes
		if !hasEscapedBreaks(msg) {
			break
		}
		msg = unescapeBackslashes(msg)
		a.Repairs = appendOnce(a.Repairs, "escaped line breaks (\\n) read as line breaks")
	}
	a.text = msg
	head := msg
	ci, si := indexFold(msg, canonicalIntro), indexFold(msg, stsIntro)
	for _, i := range []int{ci, si} {
		if i >= 0 && i < len(head) {
			head = msg[:i]
		}
	}
	head = strings.TrimSpace(head)
	if line, _, _ := strings.Cut(head, "\n"); line != "" {
		head = line
	}
	a.Message = strings.TrimSpace(head)
	if a.ServerCanonicalRequest == "" && ci >= 0 {
		seg := msg[ci+len(canonicalIntro):]
		bounded := si > ci
		if bounded {
			seg = msg[ci+len(canonicalIntro) : si]
		}
		cr := quotedBlock(seg, bounded)
		if cr != "" && !strings.Contains(cr, "\n") {
			if u, ok := unflattenCanonical(cr); ok {
				cr = u
				a.Repairs = append(a.Repairs, "canonical request: line breaks restored (they were flattened to spaces)")
			}
		}
		a.ServerCanonicalRequest = cr
	}
	if a.ServerStringToSign == "" && si >= 0 {
		sts := quotedBlock(msg[si+len(stsIntro):], false)
		if i := strings.IndexByte(sts, '\''); i >= 0 {
			sts = sts[:i]
		}
		if sts != "" && !strings.Contains(sts, "\n") {
			if u, ok := unflattenStringToSign(sts); ok {
				sts = u
				a.Repairs = append(a.Repairs, "string to sign: line breaks restored (they were flattened to spaces)")
			}
		}
		a.ServerStringToSign = sts
	}
}
