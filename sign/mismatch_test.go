package sign

import (
	"encoding/json"
	"testing"
)

const apiGatewayHead = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."

func TestParseMismatch(t *testing.T) {
	canonical := "GET\n/prod/pets\n\nhost:abc123.execute-api.us-east-1.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	sts := "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/execute-api/aws4_request\n0123"
	message := apiGatewayHead + "\n\nThe Canonical String for this request should have been\n'" + canonical + "'\n\nThe String-to-Sign should have been\n'" + sts + "'\n"
	jsonBody, _ := json.Marshal(map[string]string{"message": message})
	xmlBody := "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided.</Message><StringToSign>" + sts + "</StringToSign><CanonicalRequest>" + canonical + "</CanonicalRequest></Error>"
	for name, body := range map[string]string{"json": string(jsonBody), "text": message, "s3 xml": xmlBody} {
		exp, ok := ParseMismatch([]byte(body))
		if !ok || exp.CanonicalRequest != canonical || exp.StringToSign != sts {
			t.Errorf("%s: ok=%v canonical=%q sts=%q", name, ok, exp.CanonicalRequest, exp.StringToSign)
		}
	}
	if _, ok := ParseMismatch([]byte(`{"message":"Missing Authentication Token"}`)); ok {
		t.Error("a missing-token answer read as a mismatch")
	}
}
