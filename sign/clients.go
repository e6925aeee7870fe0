package sign

import "strings"

// Client is an HTTP client as its User-Agent names it: the signers it
// signs as (Dialect names) and, when its HTTP stack rewrites a URL after
// the signer signed it, how.
type Client struct {
	Match   string // a case-insensitive substring of the User-Agent
	Name    string
	Signers []string
	// Rewrites says what the client's HTTP stack does to the URL after
	// signing ("" when it sends what was signed).
	Rewrites string
	// Unrecoverable is the part of that rewrite the bytes sent cannot
	// undo (bytes dropped): no variant can reproduce such a signature.
	Unrecoverable string
}

const (
	urllib3Rewrites      = "urllib3 writes every escape in upper case and percent-encodes raw bytes (space, non-ASCII, \"<>) after the signer signed the URL as written, and botocore leaves the ;params of the path's last segment out of the request"
	urllib3Unrecoverable = "botocore signs the path's last segment with its ;params (a;b=c) and sends it without them"
)

// Clients are the peers PRODUCT.md measured and the SDKs' own agents:
// newman and Bruno sign with aws4; curl 7.88.1 signs the path and query
// as written; botocore sends through urllib3 (srcURLLib3).
var Clients = []Client{
	{Match: "curl/", Name: "curl", Signers: []string{"curl 7.88.1"}},
	{Match: "PostmanRuntime/", Name: "Postman's runtime (Postman, newman)", Signers: []string{dialectAWS4}},
	{Match: "bruno", Name: "Bruno", Signers: []string{dialectAWS4}},
	{Match: "aws-sdk-go-v2/", Name: dialectGo, Signers: []string{dialectGo}},
	{Match: "Boto3/", Name: "boto3", Signers: []string{dialectBotocore}, Rewrites: urllib3Rewrites, Unrecoverable: urllib3Unrecoverable},
	{Match: "Botocore/", Name: dialectBotocore, Signers: []string{dialectBotocore}, Rewrites: urllib3Rewrites, Unrecoverable: urllib3Unrecoverable},
	{Match: "aws-cli/", Name: "the AWS CLI", Signers: []string{dialectBotocore}, Rewrites: urllib3Rewrites, Unrecoverable: urllib3Unrecoverable},
	// botocore's URLLib3Session sends urllib3's own agent when the caller set none.
	{Match: "python-urllib3/", Name: "urllib3 (botocore's HTTP stack)", Signers: []string{dialectBotocore}, Rewrites: urllib3Rewrites, Unrecoverable: urllib3Unrecoverable},
	{Match: "aws-sdk-js/3", Name: "the AWS SDK for JavaScript v3", Signers: []string{dialectSmithy}},
	{Match: "aws-amplify", Name: "Amplify", Signers: []string{dialectAmplify}},
}

// ClientOf is the first known client a User-Agent names.
func ClientOf(userAgent string) (Client, bool) {
	ua := strings.ToLower(userAgent)
	for _, c := range Clients {
		if ua != "" && strings.Contains(ua, strings.ToLower(c.Match)) {
			return c, true
		}
	}
	return Client{}, false
}
