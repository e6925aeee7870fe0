package sign

import (
	"strings"
	"testing"
	"time"
)

// TestAccessKeyIDNeverEchoed: a secret key in the access key id's place
// (swapped fields, a mistyped variable) is refused before it goes out in
// Credential=, and the refusal, which may reach a log or the history,
// holds no part of the value.
func TestAccessKeyIDNeverEchoed(t *testing.T) {
	for _, id := range []string{
		"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", // a secret key, with '/'
		"wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEYab", // one without '/' or '+'
		"AKID EXAMPLE",
	} {
		req := &Request{Method: "GET", Scheme: "https", Host: "example.amazonaws.com", Path: "/"}
		_, err := Sign(req, Options{Credentials: Credentials{AccessKeyID: id, SecretAccessKey: "secret"}, Region: "us-east-1", Service: "execute-api", Time: time.Unix(1_700_000_000, 0)})
		if err == nil {
			t.Fatalf("%d characters: signed", len(id))
		}
		for _, part := range []string{id, id[:5], id[len(id)-5:]} {
			if strings.Contains(err.Error(), part) {
				t.Fatalf("the refusal quotes the value: %v", err)
			}
		}
		if !strings.Contains(err.Error(), "swapped") {
			t.Errorf("the refusal gives no fix: %v", err)
		}
	}
	for _, id := range []string{"AKIDEXAMPLE", "ASIAEXAMPLE0123456789", "test", "AKIDSIGSCOPEDEMO0001"} {
		req := &Request{Method: "GET", Scheme: "https", Host: "example.amazonaws.com", Path: "/"}
		if _, err := Sign(req, Options{Credentials: Credentials{AccessKeyID: id, SecretAccessKey: "secret"}, Region: "us-east-1", Service: "execute-api", Time: time.Unix(1_700_000_000, 0)}); err != nil {
			t.Errorf("%s: %v", id, err)
		}
	}
}
