package sigv4ref

import "testing"

// The edges where RFC 3986's remove_dot_segments and AWS's signers part:
// the wants are botocore's normalize_url_path, measured with Debian's
// python3-botocore (the differential test runs botocore itself).
func TestNormalizePathAsBotocore(t *testing.T) {
	for path, want := range map[string]string{
		"/a/b/..":       "/a",
		"/a/.":          "/a",
		"/a/b/../":      "/a/",
		"//a//b/":       "/a/b/",
		"/..":           "/",
		"/a/./b/../c//": "/a/c/",
		"":              "/",
	} {
		if got := NormalizePath(path); got != want {
			t.Errorf("NormalizePath(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestPathAndQuery(t *testing.T) {
	for _, c := range []struct {
		path     string
		s3, norm bool
		want     string
	}{
		{"/a%2fb/%7e c", false, true, "/a%252fb/%257e%20c"},
		{"/a%2fb/%7e c", true, false, "/a/b/~%20c"},
		{"/x/../%e1%88%b4", true, false, "/x/../%E1%88%B4"},
		{"/x/../y", false, false, "/x/../y"},
	} {
		if got := Path(c.path, c.s3, c.norm); got != c.want {
			t.Errorf("Path(%q, s3=%v, normalize=%v) = %q, want %q", c.path, c.s3, c.norm, got, c.want)
		}
	}
	if got, want := Query("b=2&a+b=c%2bd&&k&a=%7e"), "a=~&a%2Bb=c%2Bd&b=2&k="; got != want {
		t.Errorf("Query = %q, want %q", got, want)
	}
}
