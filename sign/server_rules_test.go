package sign

import (
	"strings"
	"testing"
	"time"
)

// TestQueryFollowsTheServerRule: the canonical query is what an AWS server
// computes from the raw query it receives (RFC 3986), whatever one SDK's
// form decoding does. Each case is a wire query and the canonical query a
// server builds from it; Sign also checks that aws-sdk-go-v2, handed the
// pairs re-encoded, agrees byte for byte.
func TestQueryFollowsTheServerRule(t *testing.T) {
	cases := []struct{ name, raw, want string }{
		{"a raw plus is a plus", "q=a+b", "q=a%2Bb"},
		{"an encoded plus too", "q=a%2Bb", "q=a%2Bb"},
		{"a space is %20", "q=a%20b", "q=a%20b"},
		{"plus in a key", "a+b=1", "a%2Bb=1"},
		{"no equals: empty value", "flag", "flag="},
		{"equals inside a value", "a=b=c", "a=b%3Dc"},
		{"repeated keys all kept, sorted by value", "t=dog&t=cat", "t=cat&t=dog"},
		{"sorted by encoded key bytes, not decoded text", "%C3%A9=1&z=2&A=3", "%C3%A9=1&A=3&z=2"},
		{"lower-case escapes upper-cased", "k=%2f", "k=%2F"},
		{"unreserved escapes decoded", "k=%7E%2D", "k=~-"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr, err := Sign(&Request{Method: "GET", Scheme: "https", Host: "example.amazonaws.com", Path: "/", RawQuery: c.raw}, Options{
				Credentials: Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
				Region:      "us-east-1", Service: "service", Time: time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC),
			})
			if err != nil {
				t.Fatal(err)
			}
			if tr.Query.Output != c.want {
				t.Fatalf("canonical query %q, want %q", tr.Query.Output, c.want)
			}
			// The request goes out with the query as written.
			if tr.Signed.RawQuery != c.raw {
				t.Errorf("sent query %q, want %q as written", tr.Signed.RawQuery, c.raw)
			}
			if strings.Contains(c.raw, "+") && !strings.Contains(strings.Join(tr.Notes, " "), "aws-sdk-go-v2, the aws4 npm package and Amplify") {
				t.Errorf("no note on the signers that read '+' as a space: %v", tr.Notes)
			}
		})
	}
}
