package cookies

import (
	"strings"
	"testing"
	"time"
)

func TestParseAllAttributes(t *testing.T) {
	c, err := Parse(`sid=abc123; Domain=.Example.COM; Path=/app; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Max-Age=3600; Secure; HttpOnly; SameSite=lax; Partitioned; Priority=High`)
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "sid" || c.Value != "abc123" {
		t.Errorf("name/value = %q/%q", c.Name, c.Value)
	}
	if c.Domain != "example.com" {
		t.Errorf("Domain = %q, want the leading dot dropped and lower case", c.Domain)
	}
	if c.Path != "/app" {
		t.Errorf("Path = %q", c.Path)
	}
	want := time.Date(2026, 10, 21, 7, 28, 0, 0, time.UTC)
	if !c.Expires.Equal(want) || c.RawExpires != "Wed, 21 Oct 2026 07:28:00 GMT" {
		t.Errorf("Expires = %v (%q), want %v", c.Expires, c.RawExpires, want)
	}
	if c.MaxAge == nil || *c.MaxAge != 3600 {
		t.Errorf("MaxAge = %v", c.MaxAge)
	}
	if !c.Secure || !c.HttpOnly || !c.Partitioned {
		t.Errorf("flags: secure %v httponly %v partitioned %v", c.Secure, c.HttpOnly, c.Partitioned)
	}
	if c.SameSite != "Lax" {
		t.Errorf("SameSite = %q", c.SameSite)
	}
	if len(c.Extra) != 1 || c.Extra[0] != "Priority=High" {
		t.Errorf("Extra = %q", c.Extra)
	}
}

func TestParseLenientAndRefused(t *testing.T) {
	cases := []struct {
		line, name, value string
	}{
		{`a=hello world, again`, "a", "hello world, again"}, // browsers keep spaces and commas
		{`q="quoted value"; Path=/`, "q", `"quoted value"`}, // quotes are part of what is sent back
		{`empty=; Path=/`, "empty", ""},
		{`  spaced  =  v  `, "spaced", "v"},
		{`eq=a=b=c`, "eq", "a=b=c"},
	}
	for _, tc := range cases {
		c, err := Parse(tc.line)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.line, err)
			continue
		}
		if c.Name != tc.name || c.Value != tc.value {
			t.Errorf("Parse(%q) = %q=%q, want %q=%q", tc.line, c.Name, c.Value, tc.name, tc.value)
		}
	}
	for _, bad := range []string{"novalue", "=v", "a=b\x01c", ""} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

func TestParseDatesAndMaxAge(t *testing.T) {
	want := time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, e := range []string{
		"Sat, 02 Jan 2027 03:04:05 GMT",
		"Sat, 02-Jan-2027 03:04:05 GMT",
		"Saturday, 02-Jan-27 03:04:05 GMT",
		"Sat Jan  2 03:04:05 2027",
	} {
		c, err := Parse("a=b; Expires=" + e)
		if err != nil {
			t.Fatal(err)
		}
		if !c.Expires.Equal(want) {
			t.Errorf("Expires=%s read as %v", e, c.Expires)
		}
	}
	c, _ := Parse("a=b; Expires=tomorrow")
	if !c.Expires.IsZero() || c.RawExpires != "tomorrow" {
		t.Errorf("unreadable Expires: %v %q", c.Expires, c.RawExpires)
	}
	c, _ = Parse("a=b; Max-Age=-5")
	if c.MaxAge == nil || *c.MaxAge != -5 {
		t.Errorf("Max-Age=-5 read as %v", c.MaxAge)
	}
	c, _ = Parse("a=b; Max-Age=soon")
	if c.MaxAge != nil {
		t.Errorf("Max-Age=soon read as %d", *c.MaxAge)
	}
}

func TestMaskingHidesValues(t *testing.T) {
	const v = "s3cr3tCookieValue42"
	if got := MaskSetCookie("sid=" + v + "; Path=/; HttpOnly"); strings.Contains(got, v) || !strings.HasPrefix(got, "sid=s3cr…") || !strings.HasSuffix(got, "; Path=/; HttpOnly") {
		t.Errorf("MaskSetCookie = %q", got)
	}
	got := MaskCookieHeader("a=" + v + "; b=" + v + "x")
	if strings.Contains(got, v) || !strings.HasPrefix(got, "a=s3cr…") || !strings.Contains(got, "; b=s3cr…") {
		t.Errorf("MaskCookieHeader = %q", got)
	}
	c, _ := Parse("sid=" + v + "; Path=/; Secure")
	if strings.Contains(c.Masked(), v) || strings.Contains(c.Attributes(), v) {
		t.Errorf("Masked %q / Attributes %q show the value", c.Masked(), c.Attributes())
	}
	if c.Attributes() != "Path=/; Secure" {
		t.Errorf("Attributes = %q", c.Attributes())
	}
}

// FuzzParseAndStore feeds arbitrary Set-Cookie lines through the parser and
// the jar: no panic, and a stored cookie is found again on its own path.
func FuzzParseAndStore(f *testing.F) {
	for _, s := range []string{"a=b; Path=/x; Max-Age=5", "c=d; Domain=.example.com; Secure", "=;;;", "x=\"y\"; Expires=Wed, 21 Oct 2026 07:28:00 GMT"} {
		f.Add(s)
	}
	now := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, line string) {
		j := NewJar()
		res := j.Store(Origin{Scheme: "https", Host: "api.example.com", Path: "/p/q"}, []string{line}, now)
		if len(res) != 1 {
			t.Fatalf("%d results for one line", len(res))
		}
		if !res[0].Stored {
			return
		}
		all := j.All(now)
		if len(all) != 1 {
			t.Fatalf("stored but the jar holds %d", len(all))
		}
		path := all[0].Path
		if !strings.HasPrefix(path, "/") {
			t.Fatalf("effective path %q", path)
		}
		host := all[0].Domain
		if got := j.Match(Origin{Scheme: "https", Host: host, Path: path}, now); len(got) != 1 {
			t.Fatalf("cookie %q not sent back to its own host %q and path %q", line, host, path)
		}
	})
}
