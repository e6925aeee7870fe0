package apigw

import (
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go/aws-http-auth/credentials"
	"github.com/aws/smithy-go/aws-http-auth/sigv4a"
	v4 "github.com/aws/smithy-go/aws-http-auth/v4"
)

// signedV4a builds a request signed by smithy-go's public SigV4a signer,
// which shares no code with this package or with sigscope's signer.
func signedV4a(t testing.TB, method, rawURL, body string, creds aws.Credentials, regions []string, at time.Time, presign bool, hdr map[string]string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, rawURL, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body == "" {
		req.Body, req.ContentLength = nil, 0
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	if presign {
		q := req.URL.Query()
		q.Set("X-Amz-Expires", "300") // smithy leaves the lifetime to the caller
		req.URL.RawQuery = q.Encode()
	}
	sum, _ := hex.DecodeString(hashHex([]byte(body)))
	in := &sigv4a.SignRequestInput{Request: req, PayloadHash: sum, Service: "execute-api", RegionSet: regions, Time: at,
		Credentials: credentials.Credentials{AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey, SessionToken: creds.SessionToken}}
	if presign {
		in.SignatureType = v4.SignatureTypeQueryString
	}
	if err := sigv4a.New().SignRequest(in); err != nil {
		t.Fatal(err)
	}
	return req
}

// TestV4aKeyMatchesSuite: the gateway's own key derivation gives the
// public key of the AWS signing test suite.
func TestV4aKeyMatchesSuite(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "sign", "testdata", "sigv4-suite", "v4a", "get-vanilla", "public-key.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want struct{ X, Y string }
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	pub, err := v4aPublicKey(staticAKID, staticKey)
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(pub.X.FillBytes(make([]byte, 32))); got != want.X {
		t.Errorf("X = %s, want %s", got, want.X)
	}
	if got := hex.EncodeToString(pub.Y.FillBytes(make([]byte, 32))); got != want.Y {
		t.Errorf("Y = %s, want %s", got, want.Y)
	}
	other, _ := v4aPublicKey(tempAKID, staticKey)
	if other.Equal(pub) {
		t.Error("the key does not depend on the access key id")
	}
}

func TestV4aAccepted(t *testing.T) {
	_, srv := newTestServer(t, testNow)
	base := srv.URL + "/prod"
	cases := []struct {
		name, method, path, body string
		regions                  []string
		creds                    aws.Credentials
		presign                  bool
	}{
		{"header", "GET", "/pets?limit=10&type=dog", "", []string{testRegion}, staticCreds(), false},
		{"every region, token", "POST", "/pets", `{"name":"Rex"}`, []string{"*"}, tempCreds(), false},
		{"two regions", "DELETE", "/pets/a%20b", "", []string{"eu-west-1", testRegion}, staticCreds(), false},
		{"presigned", "GET", "/pets?limit=10", "", []string{"us-*"}, staticCreds(), true},
		{"presigned with token", "GET", "/pets", "", []string{testRegion}, tempCreds(), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := do(t, nil, signedV4a(t, c.method, base+c.path, c.body, c.creds, c.regions, testNow, c.presign, nil))
			if res.status != 200 {
				t.Fatalf("status %d: %s", res.status, res.message)
			}
			if got := jsonPath(res.json, "requestContext", "identity", "accessKey"); got != c.creds.AccessKeyID {
				t.Errorf("identity.accessKey %v", got)
			}
		})
	}
}

func TestV4aRefused(t *testing.T) {
	_, srv := newTestServer(t, testNow)
	base := srv.URL + "/prod"
	wrong := aws.Credentials{AccessKeyID: staticAKID, SecretAccessKey: "wrong"}
	tests := []struct {
		name string
		req  func() *http.Request
		want string
	}{
		{"wrong secret", func() *http.Request {
			return signedV4a(t, "GET", base+"/pets", "", wrong, []string{testRegion}, testNow, false, nil)
		}, "The String-to-Sign should have been\n'AWS4-ECDSA-P256-SHA256\n20150830T124600Z\n20150830/execute-api/aws4_request\n"},
		{"region set elsewhere", func() *http.Request {
			return signedV4a(t, "GET", base+"/pets", "", staticCreds(), []string{"eu-*"}, testNow, false, nil)
		}, "The region set 'eu-*' does not include this endpoint's region 'us-east-1'."},
		{"region set changed in flight", func() *http.Request {
			r := signedV4a(t, "GET", base+"/pets", "", staticCreds(), []string{testRegion}, testNow, false, nil)
			r.Header.Set("X-Amz-Region-Set", "*")
			return r
		}, "x-amz-region-set:*\n"},
		{"region set removed", func() *http.Request {
			r := signedV4a(t, "GET", base+"/pets", "", staticCreds(), []string{testRegion}, testNow, false, nil)
			r.Header.Del("X-Amz-Region-Set")
			return r
		}, "requires the 'X-Amz-Region-Set' header"},
		{"presigned query changed", func() *http.Request {
			r := signedV4a(t, "GET", base+"/pets?limit=10", "", staticCreds(), []string{testRegion}, testNow, true, nil)
			r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "limit=10", "limit=11", 1)
			return r
		}, "X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fexecute-api%2Faws4_request&"},
		{"expired", func() *http.Request {
			return signedV4a(t, "GET", base+"/pets", "", staticCreds(), []string{testRegion}, testNow.Add(-time.Hour), false, nil)
		}, "Signature expired"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := do(t, nil, tc.req())
			if res.status != 403 || !strings.Contains(res.message, tc.want) {
				t.Errorf("status %d message %q; want 403 containing %q", res.status, res.message, tc.want)
			}
		})
	}
}
