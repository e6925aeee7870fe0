package importer

import "testing"

// TestPathName: requests named by method and path read as people say
// them, without the '/' that separates folders in a request path.
func TestPathName(t *testing.T) {
	cases := []struct {
		method, url, want string
	}{
		{"GET", "https://abc.execute-api.us-east-1.amazonaws.com/prod/pets", "GET pets"},
		{"GET", "https://abc.execute-api.us-east-1.amazonaws.com/prod/pets/{petId}?x=1", "GET pets {petId}"},
		{"POST", "https://abc.execute-api.us-east-1.amazonaws.com/getsubscriberinfo", "POST getsubscriberinfo"},
		{"GET", "https://example.com/v1/users", "GET v1 users"},
		{"GET", "https://example.com", "GET root"},
		{"DELETE", "/pets/{id}", "DELETE pets {id}"},
	}
	for _, c := range cases {
		if got := requestName(c.method, c.url); got != c.want {
			t.Errorf("%s %s: %q, want %q", c.method, c.url, got, c.want)
		}
	}
}
