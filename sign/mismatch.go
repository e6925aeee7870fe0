package sign

import (
	"encoding/json"
	"encoding/xml"
	"strings"
)

// ServerExpectation is what AWS says it computed when it rejects a
// signature: API Gateway and most JSON services put the canonical string and
// string-to-sign in the message; S3 sends them in XML.
type ServerExpectation struct {
	Message          string // the whole message, unescaped
	CanonicalRequest string
	StringToSign     string
}

const (
	canonicalIntro = "The Canonical String for this request should have been\n'"
	stsIntro       = "The String-to-Sign should have been\n'"
)

// ParseMismatch reads a signature-mismatch answer in any of AWS's shapes:
// JSON {"message": …} (also "Message"), S3's XML SignatureDoesNotMatch, or
// plain text. ok is false when the body is no mismatch message at all.
func ParseMismatch(body []byte) (exp ServerExpectation, ok bool) {
	text := strings.TrimSpace(string(body))
	var js map[string]any
	if json.Unmarshal(body, &js) == nil {
		for _, k := range []string{"message", "Message"} {
			if m, isString := js[k].(string); isString {
				text = m
				break
			}
		}
	} else if strings.HasPrefix(text, "<") {
		var x struct {
			Code             string `xml:"Code"`
			Message          string `xml:"Message"`
			CanonicalRequest string `xml:"CanonicalRequest"`
			StringToSign     string `xml:"StringToSign"`
		}
		if xml.Unmarshal(body, &x) == nil && x.Code == "SignatureDoesNotMatch" {
			return ServerExpectation{Message: x.Message, CanonicalRequest: x.CanonicalRequest, StringToSign: x.StringToSign}, true
		}
	}
	exp.Message = text
	if !strings.Contains(text, "signature we calculated does not match") {
		return exp, false
	}
	exp.CanonicalRequest = quotedAfter(text, canonicalIntro)
	exp.StringToSign = quotedAfter(text, stsIntro)
	return exp, true
}

// quotedAfter returns the text between intro's opening quote and the quote
// that ends its block ("'\n\n" or a final "'").
func quotedAfter(text, intro string) string {
	i := strings.Index(text, intro)
	if i < 0 {
		return ""
	}
	rest := text[i+len(intro):]
	if j := strings.Index(rest, "'\n\n"); j >= 0 {
		return rest[:j]
	}
	return strings.TrimSuffix(strings.TrimRight(rest, "\n"), "'")
}
