package sign

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// A typical API Gateway call: POST with a JSON body, a query, a session
// token and the headers a browser-like client sends.
func benchRequest() *Request {
	return &Request{
		Method: "POST", Host: "abc123.execute-api.eu-west-1.amazonaws.com", Path: "/prod/pets/42/photos", RawQuery: "limit=10&type=dog&type=cat",
		Headers: []Header{
			{Name: "Content-Type", Value: "application/json"},
			{Name: "Accept", Value: "application/json"},
			{Name: "Accept-Encoding", Value: "gzip, deflate"},
			{Name: "User-Agent", Value: "sigscope/dev"},
			{Name: "X-Request-Id", Value: "0b9c4e1e-8d35-4bb9-9df1-0a5a0c2b9f11"},
			{Name: "Content-Length", Value: "33"},
		},
		Body: []byte(`{"name":"Rex","tags":["good boy"]}`),
	}
}

var benchOpts = Options{
	Credentials: Credentials{AccessKeyID: "ASIAEXAMPLEEXAMPLE01", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", SessionToken: strings.Repeat("IQoJb3JpZ2luX2VjE", 40)},
	Region:      "eu-west-1", Service: "execute-api", Time: testTime,
}

// BenchmarkSignTrace is sigscope's Sign: the full trace plus the SDK's
// signature and the comparison of the two.
func BenchmarkSignTrace(b *testing.B) {
	req := benchRequest()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Sign(req, benchOpts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSDKSignHTTP is the bare aws-sdk-go-v2 SignHTTP on the same
// request, built as an http.Request the way a caller of the SDK would.
func BenchmarkSDKSignHTTP(b *testing.B) {
	src := benchRequest()
	signer := v4.NewSigner()
	creds := aws.Credentials{AccessKeyID: benchOpts.Credentials.AccessKeyID, SecretAccessKey: benchOpts.Credentials.SecretAccessKey, SessionToken: benchOpts.Credentials.SessionToken}
	b.ReportAllocs()
	for b.Loop() {
		hash := sha256Hex(src.Body) // SignHTTP needs the payload hash; a caller computes it per request
		req, _ := http.NewRequest(src.Method, "https://"+src.Host+src.Path+"?"+src.RawQuery, nil)
		for _, h := range src.Headers {
			req.Header.Add(h.Name, h.Value)
		}
		req.ContentLength = int64(len(src.Body))
		if err := signer.SignHTTP(context.Background(), creds, req, hash, "execute-api", "eu-west-1", testTime); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTraceOnly is sigscope's own step-by-step computation without the
// SDK's signature and the comparison: what the trace itself costs.
func BenchmarkTraceOnly(b *testing.B) {
	req := benchRequest()
	opts := benchOpts
	b.ReportAllocs()
	for b.Loop() {
		if _, _, _, err := trace(req, opts); err != nil {
			b.Fatal(err)
		}
	}
}
