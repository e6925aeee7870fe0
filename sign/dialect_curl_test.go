package sign

import "testing"

// TestCurlReleasesCanonicalize: each span's port against what
// lib/http_aws_sigv4.c computes at its tag, worked out by hand from the C
// code. Spans, oldest first: 7.75.0–8.2.1, 8.3.0, 8.4.0, 8.5.0–8.8.0,
// 8.9.0–8.13.0, 8.14.0–8.18.0, 8.19.0 and later.
func TestCurlReleasesCanonicalize(t *testing.T) {
	if len(curlDialects) != 7 {
		t.Fatalf("%d curl spans; the table below has 7", len(curlDialects))
	}
	queries := []struct {
		raw  string
		want [7]string
	}{
		{"b=2&a=1", [7]string{"b=2&a=1", "a=1&b=2", "a=1&b=2", "a=1&b=2", "a=1&b=2", "a=1&b=2", "a=1&b=2"}},
		{"e", [7]string{"e", "e", "e", "e=", "e=", "e=", "e="}},
		{"a=1&&", [7]string{"a=1&&", "a=1&", "a=1", "a=1", "a=1", "a=1", "a=1"}},
		{"q=%7e", [7]string{"q=%7e", "q=%7E", "q=%7E", "q=%7E", "q=%7E", "q=~", "q=~"}},
		{"q=a+b", [7]string{"q=a+b", "q=a%2Bb", "q=a%2Bb", "q=a%2Bb", "q=a%2Bb", "q=a%20b", "q=a%20b"}},
		{"q=a%2Bb", [7]string{"q=a%2Bb", "q=a%2Bb", "q=a%2Bb", "q=a%2Bb", "q=a%2Bb", "q=a%20b", "q=a%2Bb"}},
		{"a=b=c", [7]string{"a=b=c", "a=b=c", "a=b=c", "a=b=c", "a=b=c", "a=b%3Dc", "a=b%3Dc"}},
		{"q=café", [7]string{"q=café", "q=caf%C3%A9", "q=caf%C3%A9", "q=caf%C3%A9", "q=caf%C3%A9", "q=caf%C3%A9", "q=caf%C3%A9"}},
		{"ab=1&a=2", [7]string{"ab=1&a=2", "a=2&ab=1", "a=2&ab=1", "a=2&ab=1", "a=2&ab=1", "a=2&ab=1", "a=2&ab=1"}},
	}
	for _, q := range queries {
		for i, d := range curlDialects {
			if got := d.curl.canonicalQuery(q.raw); got != q.want[i] {
				t.Errorf("%s, query %q: %q, want %q", d.ID, q.raw, got, q.want[i])
			}
		}
	}
	paths := []struct {
		path string
		s3   bool
		want [7]string
	}{
		{"/a+b", false, [7]string{"/a+b", "/a+b", "/a+b", "/a+b", "/a%2Bb", "/a%2Bb", "/a%2Bb"}},
		{"/%c3%a9", false, [7]string{"/%c3%a9", "/%c3%a9", "/%c3%a9", "/%c3%a9", "/%C3%A9", "/%25c3%25a9", "/%25c3%25a9"}},
		{"//x", false, [7]string{"//x", "//x", "//x", "//x", "//x", "//x", "//x"}},
		{"/a+b%2f", true, [7]string{"/a+b%2f", "/a+b%2f", "/a+b%2f", "/a+b%2f", "/a%2Bb%2F", "/a+b%2f", "/a+b%2f"}},
		{"", true, [7]string{"/", "/", "/", "/", "/", "/", "/"}},
	}
	for _, p := range paths {
		for i, d := range curlDialects {
			if got := d.curl.canonicalPath(p.path, p.s3); got != p.want[i] {
				t.Errorf("%s, path %q (s3 %v): %q, want %q", d.ID, p.path, p.s3, got, p.want[i])
			}
		}
	}
}

// TestCurlOwnRequest: curl removes dot segments (RFC 3986, keeping '//'
// and the slash after "..") before it signs and sends, unless
// --path-as-is; the request it sends then is what AWS judges.
func TestCurlOwnRequest(t *testing.T) {
	for path, want := range map[string]struct {
		target   string
		accepted bool
	}{
		"/prod/pets/x/../y":   {"/prod/pets/y", true},
		"/prod/./pets/a/b/..": {"/prod/pets/a/", true},
		"/prod//pets/../x":    {"/prod//x", false},
	} {
		c := compareOrFail(t, dialectRequest(path, ""), Options{})
		d := result(t, c, curlDialects[0].ID)
		if d.Verdict != VerdictRejected || d.OwnRequest == nil || d.OwnRequest.Target != want.target || d.OwnRequest.Accepted != want.accepted {
			t.Errorf("%s: verdict %s, own request %+v, want %s accepted=%v", path, d.Verdict, d.OwnRequest, want.target, want.accepted)
		}
	}
	if got := removeDotSegments("/a/b/c/./../../g"); got != "/a/g" {
		t.Errorf("RFC 3986 5.2.4 example: %q", got)
	}
}

// TestDialectCovers: a release finds the span that models it.
func TestDialectCovers(t *testing.T) {
	for release, id := range map[string]string{
		"7.88.1": "curl 7.75.0–8.2.1", "8.2.1": "curl 7.75.0–8.2.1", "8.3.0": "curl 8.3.0", "8.6.0": "curl 8.5.0–8.8.0",
		"8.13.0": "curl 8.9.0–8.13.0", "8.14.1": "curl 8.14.0–8.18.0", "8.21.0": "curl 8.19.0 and later",
	} {
		if d, ok := DialectFor(dialectCurl, release); !ok || d.ID != id {
			t.Errorf("curl %s: %s, %v; want %s", release, d.ID, ok, id)
		}
	}
	if _, ok := DialectFor(dialectCurl, "7.74.0"); ok {
		t.Error("curl 7.74.0 has no --aws-sigv4, yet a model covers it")
	}
	if d, ok := DialectFor(dialectGo, "v1.47.5"); !ok || d.ID != dialectGoOld {
		t.Errorf("aws-sdk-go-v2 v1.47.5: %s", d.ID)
	}
	if d, ok := DialectFor(dialectGo, "v1.48.0"); !ok || d.ID != dialectGo {
		t.Errorf("aws-sdk-go-v2 v1.48.0: %s", d.ID)
	}
}
