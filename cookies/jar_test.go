package cookies

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

func names(es []Entry) string {
	var out []string
	for _, e := range es {
		out = append(out, e.Cookie.Name)
	}
	return strings.Join(out, ",")
}

func TestJarDomainAndPathMatching(t *testing.T) {
	j := NewJar()
	set := Origin{Scheme: "https", Host: "api.example.com:8443", Path: "/prod/login"}
	res := j.Store(set, []string{
		"host=1",                             // host-only, default path /prod
		"dom=2; Domain=example.com; Path=/",  // every subdomain
		"priv=3; Path=/prod/private",         // a directory
		"other=4; Domain=example.org",        // not this host's domain
		"tld=5; Domain=com",                  // too broad
		"sub=6; Domain=deep.api.example.com", // a subdomain of the host is not the host's
		"root=7; Path=relative",              // not starting with '/': default path
	}, t0)
	stored := map[string]bool{}
	for _, r := range res {
		stored[r.Cookie.Name] = r.Stored
		if !r.Stored && r.Reason == "" {
			t.Errorf("%s refused without a reason", r.Cookie.Name)
		}
	}
	for name, want := range map[string]bool{"host": true, "dom": true, "priv": true, "other": false, "tld": false, "sub": false, "root": true} {
		if stored[name] != want {
			t.Errorf("%s stored = %v, want %v", name, stored[name], want)
		}
	}
	cases := []struct {
		o    Origin
		want string
	}{
		// Longest path first, then by creation (all created at t0 here: file order).
		{Origin{"https", "api.example.com", "/prod/private/report.txt"}, "priv,host,root,dom"},
		{Origin{"https", "api.example.com", "/prod/private"}, "priv,host,root,dom"},
		{Origin{"https", "api.example.com", "/prod/privateer"}, "host,root,dom"}, // not a path-match of /prod/private
		{Origin{"https", "api.example.com", "/production"}, "dom"},               // /prod does not path-match /production
		{Origin{"https", "www.example.com", "/prod/x"}, "dom"},                   // host-only cookies stay on api.
		{Origin{"https", "example.org", "/"}, ""},
		{Origin{"http", "API.EXAMPLE.COM:80", "/prod/"}, "host,root,dom"}, // case and port do not matter
	}
	for _, tc := range cases {
		if got := names(j.Match(tc.o, t0)); got != tc.want {
			t.Errorf("Match(%v) = %q, want %q", tc.o, got, tc.want)
		}
	}
}

func TestJarSecureAndIPHosts(t *testing.T) {
	j := NewJar()
	res := j.Store(Origin{"http", "shop.example.com", "/"}, []string{"s=1; Secure"}, t0)
	if res[0].Stored || !strings.Contains(res[0].Reason, "Secure") {
		t.Errorf("Secure over plain http to a remote host: %+v", res[0])
	}
	// Loopback counts as secure, as in browsers, so the emulator's --tls and
	// plain modes both work.
	lo := Origin{"http", "127.0.0.1:4000", "/prod/x"}
	res = j.Store(lo, []string{"s=1; Secure; Path=/", "d=2; Domain=0.0.1"}, t0)
	if !res[0].Stored {
		t.Errorf("Secure over http on loopback refused: %s", res[0].Reason)
	}
	if res[1].Stored {
		t.Errorf("Domain attribute on an IP host accepted")
	}
	if got := names(j.Match(lo, t0)); got != "s" {
		t.Errorf("loopback match = %q", got)
	}
	if got := names(j.Match(Origin{"https", "127.0.0.1:9", "/"}, t0)); got != "s" {
		t.Errorf("another port of the same host = %q (cookies ignore ports)", got)
	}
	if got := names(j.Match(Origin{"http", "127.0.0.2", "/"}, t0)); got != "" {
		t.Errorf("another IP = %q", got)
	}
}

func TestJarExpiryReplaceDelete(t *testing.T) {
	j := NewJar()
	o := Origin{"https", "a.example.com", "/"}
	j.Store(o, []string{"a=1; Max-Age=60", "b=1; Expires=Fri, 01 May 2026 13:00:00 GMT", "c=1"}, t0)
	if got := names(j.Match(o, t0.Add(59*time.Second))); got != "a,b,c" {
		t.Errorf("before expiry: %q", got)
	}
	if got := names(j.Match(o, t0.Add(61*time.Second))); got != "b,c" {
		t.Errorf("after a's Max-Age: %q", got)
	}
	// Max-Age wins over Expires (RFC 6265 5.3 step 3).
	j.Store(o, []string{"b=2; Max-Age=10; Expires=Fri, 01 May 2037 13:00:00 GMT"}, t0)
	if got := names(j.Match(o, t0.Add(11*time.Second))); got != "c" {
		t.Errorf("Max-Age over Expires: %q", got)
	}
	// Replacing keeps the creation time, so the order stays.
	j.Store(o, []string{"d=1"}, t0.Add(time.Second))
	j.Store(o, []string{"c=2"}, t0.Add(2*time.Second))
	m := j.Match(o, t0.Add(3*time.Second))
	if names(m) != "c,d" || m[0].Cookie.Value != "2" {
		t.Errorf("after replacing c: %q (c=%q)", names(m), m[0].Cookie.Value)
	}
	if Header(m) != "c=2; d=1" {
		t.Errorf("Header = %q", Header(m))
	}
	res := j.Store(o, []string{"c=; Max-Age=0"}, t0.Add(4*time.Second))
	if !res[0].Deleted || res[0].Stored {
		t.Errorf("Max-Age=0: %+v", res[0])
	}
	if got := names(j.Match(o, t0.Add(5*time.Second))); got != "d" {
		t.Errorf("after delete: %q", got)
	}
	// A cookie set for another path is another cookie.
	j.Store(o, []string{"d=other; Path=/x"}, t0)
	if got := len(j.All(t0)); got != 2 {
		t.Errorf("jar holds %d cookies, want 2 (d at / and d at /x)", got)
	}
}

func TestJarFileRoundTrip(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	p, err := PathFor("/some/where/Pets API.yaml", "local")
	if err != nil {
		t.Fatal(err)
	}
	if dir := filepath.Join(cache, "sigscope", "cookies"); filepath.Dir(p) != dir {
		t.Fatalf("jar path %s is not under %s", p, dir)
	}
	if !strings.HasPrefix(filepath.Base(p), "Pets_API.local.") {
		t.Errorf("jar file name %s", filepath.Base(p))
	}
	other, _ := PathFor("/some/where/Pets API.yaml", "prod")
	again, _ := PathFor("/some/where/Pets API.yaml", "local")
	if other == p || again != p {
		t.Errorf("paths: local %s, prod %s, local again %s", p, other, again)
	}

	j, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	o := Origin{"https", "api.example.com", "/prod/login"}
	j.Store(o, []string{"sid=value-one; Path=/prod; Max-Age=3600; HttpOnly", "sess=v2"}, t0)
	if err := j.Save("Pets API", "local"); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("jar file mode %v, want 0600", fi.Mode().Perm())
	}
	var raw map[string]any
	data, _ := os.ReadFile(p)
	if err := json.Unmarshal(data, &raw); err != nil || raw["version"] != float64(1) || raw["environment"] != "local" {
		t.Errorf("jar file: %v %v", err, raw["version"])
	}

	back, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	m := back.Match(Origin{"https", "api.example.com", "/prod/pets"}, t0.Add(time.Minute))
	if names(m) != "sid,sess" || m[0].Cookie.Value != "value-one" || !m[0].Cookie.HttpOnly || !m[1].Session {
		t.Errorf("reloaded: %q %+v", names(m), m)
	}
	if m := back.Match(Origin{"https", "api.example.com", "/prod/pets"}, t0.Add(2*time.Hour)); names(m) != "sess" {
		t.Errorf("after sid's expiry: %q", names(m))
	}

	if err := os.WriteFile(p, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(p); err == nil || !strings.Contains(err.Error(), "delete the file") {
		t.Errorf("corrupt jar: %v", err)
	}
	if j, err := Open(filepath.Join(cache, "missing.json")); err != nil || len(j.All(t0)) != 0 {
		t.Errorf("missing jar: %v", err)
	}
}
