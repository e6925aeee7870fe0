package awsrule

import "testing"

func TestNormalizePath(t *testing.T) {
	cases := []struct {
		in, want      string
		dots, slashes bool
	}{
		{"/", "/", false, false},
		{"/a/b", "/a/b", false, false},
		{"/example/..", "/", true, false},              // the suite's get-relative-normalized
		{"/example1/example2/../..", "/", true, false}, // get-relative-relative-normalized
		{"/./", "/", true, false},                      // get-slash-dot-slash-normalized
		{"//", "/", false, true},                       // get-slash-normalized
		{"/./example", "/example", true, false},        // get-slash-pointless-dot-normalized
		{"//example//", "/example/", false, true},      // get-slashes-normalized
		{"/a/b/..", "/a", true, false},                 // aws-c-auth, botocore, aws4: no slash added
		{"/a/./", "/a/", true, false},
		{"/../../a", "/a", true, false},
		{"/a/%2E%2E/b", "/a/%2E%2E/b", false, false},
		{"/a//b/../c/", "/a/c/", true, true},
	}
	for _, c := range cases {
		got, dots, slashes := NormalizePath(c.in)
		if got != c.want || dots != c.dots || slashes != c.slashes {
			t.Errorf("NormalizePath(%q) = %q, %v, %v; want %q, %v, %v", c.in, got, dots, slashes, c.want, c.dots, c.slashes)
		}
	}
}

func TestFamily(t *testing.T) {
	for service, want := range map[string]Family{"s3": S3, "S3": S3, "s3-outposts": S3, "execute-api": Standard, "s3control": Standard, "": Standard} {
		if got := FamilyOf(service); got != want {
			t.Errorf("FamilyOf(%q) = %v, want %v", service, got, want)
		}
	}
	if got := Standard.Path("/p/x/../y"); got != "/p/y" {
		t.Errorf("Standard.Path = %q", got)
	}
	if got := S3.Path("/p/x/../y"); got != "/p/x/../y" {
		t.Errorf("S3.Path = %q", got)
	}
}

func TestFormDecoderQuery(t *testing.T) {
	for in, want := range map[string]string{"q=a+b": "q=a%2Bb", "a=1;b&c": "a=1%3Bb&c", "k=%20": "k=%20"} {
		if got := FormDecoderQuery(in); got != want {
			t.Errorf("FormDecoderQuery(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestS3Path: S3 signs the object key, decoded and encoded once, not
// normalized, as the differential test's reference does.
func TestS3Path(t *testing.T) {
	for in, want := range map[string]string{
		"": "/", "/": "/", "/b/%7euser": "/b/~user", "/b/~user": "/b/~user", "/b/%c3%b1": "/b/%C3%B1",
		"/b/a+b": "/b/a%2Bb", "/b/a;b=c(1)!*'": "/b/a%3Bb%3Dc%281%29%21%2A%27", "/b/x/../y": "/b/x/../y",
		"/b//d": "/b//d", "/b/a%2Fb": "/b/a/b", "/b/caf\xc3\xa9": "/b/caf%C3%A9", "/b/a%20b": "/b/a%20b",
	} {
		if got, err := S3Path(in); err != nil || got != want {
			t.Errorf("S3Path(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := S3Path("/b/100%"); err == nil {
		t.Error("S3Path accepted a stray '%'")
	}
}
