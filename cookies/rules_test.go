package cookies

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestJarRefusals runs each rule a Set-Cookie must pass: the size limit,
// the public suffix list, the name prefixes and Secure over http. A
// refusal stores nothing and says why in Received.Reason.
func TestJarRefusals(t *testing.T) {
	const api = "a.execute-api.us-east-1.amazonaws.com"
	https := func(host string) Origin { return Origin{Scheme: "https", Host: host, Path: "/prod/login"} }
	http := func(host string) Origin { return Origin{Scheme: "http", Host: host, Path: "/prod/login"} }
	big := "big=" + strings.Repeat("x", 200*1024)
	cases := []struct {
		name   string
		o      Origin
		line   string
		reason string // "" when the cookie is stored
		domain string // effective domain when stored
		host   bool   // host-only when stored
	}{
		// Public suffixes, the private section included.
		{"API Gateway suffix", https(api), "s=1; Domain=execute-api.us-east-1.amazonaws.com",
			"Domain=execute-api.us-east-1.amazonaws.com is a public suffix: a cookie for it would go to every site under it", "", false},
		{"above the API Gateway suffix", https(api), "s=1; Domain=amazonaws.com",
			"Domain=amazonaws.com reaches above the public suffix execute-api.us-east-1.amazonaws.com: a cookie for it would go to every site under execute-api.us-east-1.amazonaws.com, not only to " + api, "", false},
		{"regional suffix", https(api), "s=1; Domain=us-east-1.amazonaws.com", "is a public suffix", "", false},
		{"the API's own name", https(api), "s=1; Domain=" + api, "", api, true},
		{"co.uk", https("x.co.uk"), "s=1; Domain=co.uk", "Domain=co.uk is a public suffix", "", false},
		{"a site under co.uk", https("www.x.co.uk"), "s=1; Domain=x.co.uk", "", "x.co.uk", false},
		{"com", https("api.example.com"), "s=1; Domain=.COM", "Domain=com is a public suffix", "", false},
		{"a public suffix that is the host", https("execute-api.us-east-1.amazonaws.com"), "s=1; Domain=execute-api.us-east-1.amazonaws.com", "", "execute-api.us-east-1.amazonaws.com", true},
		{"CloudFront suffix", https("d111.cloudfront.net"), "s=1; Domain=cloudfront.net", "is a public suffix", "", false},
		{"localhost", https("app.localhost"), "s=1; Domain=localhost", "is a public suffix", "", false},
		{"registrable domain", https("api.example.com"), "s=1; Domain=example.com", "", "example.com", false},
		{"another site", https("api.example.com"), "s=1; Domain=example.org", "does not cover the host api.example.com", "", false},
		{"not ASCII", https("api.example.com"), "s=1; Domain=exämple.com", `Domain="exämple.com" is not a host name`, "", false},
		{"empty label", https("api.example.com"), "s=1; Domain=..example.com", "is not a host name", "", false},
		{"trailing dot", https("api.example.com"), "s=1; Domain=example.com.", "is not a host name", "", false},

		// Size: name, value and attributes.
		{"200 KB", https("api.example.com"), big, fmt.Sprintf("cookie is %d bytes: the limit is 4096", len(big)), "", false},
		{"4096 bytes", https("api.example.com"), "n=" + strings.Repeat("v", 4096-len("n=; Path=/")) + "; Path=/", "", "api.example.com", true},
		{"4097 bytes with attributes", https("api.example.com"), "n=" + strings.Repeat("v", 4097-len("n=; Path=/x")) + "; Path=/x", "cookie is 4097 bytes: the limit is 4096", "", false},

		// Prefixes.
		{"__Host- right", https("api.example.com"), "__Host-sid=1; Secure; Path=/", "", "api.example.com", true},
		{"__Host- without Secure", https("api.example.com"), "__Host-sid=1; Path=/", "__Host- cookie without Secure: the prefix requires Secure, no Domain and Path=/", "", false},
		{"__Host- with a Domain", https("api.example.com"), "__Host-sid=1; Secure; Path=/; Domain=api.example.com", "__Host- cookie with Domain=api.example.com:", "", false},
		{"__Host- with another path", https("api.example.com"), "__Host-sid=1; Secure; Path=/prod", "__Host- cookie with Path=/prod:", "", false},
		{"__Host- without a path", https("api.example.com"), "__Host-sid=1; Secure", "__Host- cookie without Path=/:", "", false},
		{"__host- in lower case, all wrong", https("api.example.com"), "__host-sid=1; Domain=example.com", "__Host- cookie without Secure, with Domain=example.com, without Path=/:", "", false},
		{"__Secure- right", https("api.example.com"), "__Secure-sid=1; Secure; Domain=example.com", "", "example.com", false},
		{"__Secure- without Secure", https("api.example.com"), "__Secure-sid=1", "__Secure- cookie without Secure", "", false},
		{"__SECURE- without Secure", https("api.example.com"), "__SECURE-sid=1", "__Secure- cookie without Secure", "", false},
		{"__Secure- over http", http("api.example.com"), "__Secure-sid=1; Secure", "Secure cookie set over plain http by api.example.com", "", false},

		// Secure only from secure origins; loopback counts, as in browsers.
		{"Secure over http", http("api.example.com"), "s=1; Secure", "Secure cookie set over plain http by api.example.com: only https (or loopback) may set one", "", false},
		{"Secure over http from 127.0.0.1", http("127.0.0.1:4000"), "s=1; Secure; Path=/prod", "", "127.0.0.1", true},
		{"Secure over http from [::1]", http("[::1]:4000"), "s=1; Secure", "", "::1", true},
		{"Secure over http from localhost", http("localhost:4000"), "s=1; Secure", "", "localhost", true},
		{"__Host- over http from 127.0.0.1", http("127.0.0.1:4000"), "__Host-s=1; Secure; Path=/", "", "127.0.0.1", true},
		{"Domain on an IP address", http("127.0.0.1:4000"), "s=1; Domain=0.0.1", "on a request to the IP address 127.0.0.1", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			j := NewJar()
			res := j.Store(tc.o, []string{tc.line}, t0)
			if len(res) != 1 || res[0].Err != "" {
				t.Fatalf("Store: %+v", res)
			}
			r := res[0]
			all := j.All(t0)
			if tc.reason != "" {
				if r.Stored || len(all) != 0 {
					t.Fatalf("stored, want refused with %q", tc.reason)
				}
				if !strings.Contains(r.Reason, tc.reason) {
					t.Fatalf("reason %q, want %q", r.Reason, tc.reason)
				}
				if strings.Contains(r.Reason, "xxxxxxxx") {
					t.Fatalf("the reason quotes the value")
				}
				return
			}
			if !r.Stored || r.Reason != "" || len(all) != 1 {
				t.Fatalf("refused (%q), want stored", r.Reason)
			}
			if all[0].Domain != tc.domain || all[0].HostOnly != tc.host {
				t.Fatalf("domain %q host-only %v, want %q %v", all[0].Domain, all[0].HostOnly, tc.domain, tc.host)
			}
		})
	}
}

// TestJarPublicSuffixKeepsCustomersApart: what one API Gateway API sets
// never goes to another customer's API under the same suffix.
func TestJarPublicSuffixKeepsCustomersApart(t *testing.T) {
	j := NewJar()
	a := Origin{Scheme: "https", Host: "a.execute-api.us-east-1.amazonaws.com", Path: "/prod/login"}
	b := Origin{Scheme: "https", Host: "b.execute-api.us-east-1.amazonaws.com", Path: "/prod/login"}
	j.Store(a, []string{
		"own=1; Path=/",
		"self=1; Path=/; Domain=a.execute-api.us-east-1.amazonaws.com",
		"suffix=1; Path=/; Domain=execute-api.us-east-1.amazonaws.com",
		"region=1; Path=/; Domain=us-east-1.amazonaws.com",
		"aws=1; Path=/; Domain=amazonaws.com",
	}, t0)
	if got := names(j.Match(a, t0)); got != "own,self" {
		t.Errorf("sent to a: %q", got)
	}
	if got := names(j.Match(b, t0)); got != "" {
		t.Errorf("sent to another customer's API: %q", got)
	}
}

// TestJarEvictsOldestPerSite: 60 cookies for one site keep the newest 50;
// other sites keep theirs, and the site is the registrable domain.
func TestJarEvictsOldestPerSite(t *testing.T) {
	j := NewJar()
	other := Origin{Scheme: "https", Host: "example.org", Path: "/"}
	j.Store(other, []string{"keep=1"}, t0)
	for i := 0; i < 60; i++ {
		// Alternate hosts of the same site: the limit is per site.
		host := "api.example.com"
		if i%2 == 1 {
			host = "www.example.com"
		}
		line := fmt.Sprintf("c%02d=v; Path=/", i)
		if i%3 == 0 {
			line += "; Domain=example.com"
		}
		res := j.Store(Origin{Scheme: "https", Host: host, Path: "/"}, []string{line}, t0.Add(time.Duration(i)*time.Second))
		if !res[0].Stored {
			t.Fatalf("c%02d refused: %s", i, res[0].Reason)
		}
	}
	all := j.All(t0)
	if len(all) != 51 {
		t.Fatalf("jar holds %d cookies, want 50 for example.com and 1 for example.org", len(all))
	}
	held := map[string]bool{}
	for _, e := range all {
		held[e.Cookie.Name] = true
	}
	for i := 0; i < 60; i++ {
		if name := fmt.Sprintf("c%02d", i); held[name] != (i >= 10) {
			t.Errorf("%s held = %v, want %v (the oldest 10 go)", name, held[name], i >= 10)
		}
	}
	if !held["keep"] {
		t.Errorf("another site's cookie was evicted")
	}

	// Replacing a cookie keeps its age; a new one past the limit evicts
	// the oldest, not the one just replaced.
	j.Store(Origin{Scheme: "https", Host: "api.example.com", Path: "/"}, []string{"c10=new; Path=/"}, t0.Add(time.Hour))
	j.Store(Origin{Scheme: "https", Host: "api.example.com", Path: "/"}, []string{"late=1; Path=/"}, t0.Add(time.Hour))
	held = map[string]bool{}
	for _, e := range j.All(t0) {
		held[e.Cookie.Name] = true
	}
	if held["c10"] || !held["c11"] || !held["late"] {
		t.Errorf("after a replacement and one more: c10 %v c11 %v late %v", held["c10"], held["c11"], held["late"])
	}
}

// TestJarEvictionSurvivesSave: what the limit evicted is removed from the
// file too, and two processes that together exceed it are capped on save.
func TestJarEvictionSurvivesSave(t *testing.T) {
	path := filepath.Join(t.TempDir(), "jar.json")
	o := Origin{Scheme: "https", Host: "api.example.com", Path: "/"}
	a, _ := Open(path)
	for i := 0; i < 40; i++ {
		a.Store(o, []string{fmt.Sprintf("a%02d=v", i)}, t0.Add(time.Duration(i)*time.Second))
	}
	if err := a.Save("c", "e"); err != nil {
		t.Fatal(err)
	}
	b, _ := Open(path)
	c, _ := Open(path)
	for i := 0; i < 10; i++ {
		b.Store(o, []string{fmt.Sprintf("b%02d=v", i)}, t0.Add(time.Duration(100+i)*time.Second))
		c.Store(o, []string{fmt.Sprintf("c%02d=v", i)}, t0.Add(time.Duration(200+i)*time.Second))
	}
	if err := b.Save("c", "e"); err != nil {
		t.Fatal(err)
	}
	if err := c.Save("c", "e"); err != nil {
		t.Fatal(err)
	}
	final, _ := Open(path)
	all := final.All(t0)
	if len(all) != maxPerSite {
		t.Fatalf("%d cookies after two saves of 50 each, want %d", len(all), maxPerSite)
	}
	held := map[string]bool{}
	for _, e := range all {
		held[e.Cookie.Name] = true
	}
	if held["a09"] || !held["a10"] || !held["b00"] || !held["c09"] {
		t.Errorf("the oldest ten should be gone: a09 %v a10 %v b00 %v c09 %v", held["a09"], held["a10"], held["b00"], held["c09"])
	}
}

// TestOpenDropsWhatTheRulesRefuse: a jar file written before the rules
// existed may hold cookies they refuse; they are not loaded, not sent
// and not saved again.
func TestOpenDropsWhatTheRulesRefuse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "jar.json")
	entry := func(name, value, domain string, hostOnly bool) *Entry {
		return &Entry{Cookie: Cookie{Name: name, Value: value, Path: "/"}, Domain: domain, HostOnly: hostOnly, Path: "/", Created: t0, Session: true}
	}
	f := jarFile{Version: fileVersion, Cookies: []*Entry{
		entry("ok", "1", "api.example.com", true),
		entry("site", "1", "example.com", false),
		entry("suffix", "1", "execute-api.us-east-1.amazonaws.com", false),
		entry("tld", "1", "co.uk", false),
		entry("big", strings.Repeat("x", 200*1024), "api.example.com", true),
		entry("__Host-nosecure", "1", "api.example.com", true),
		entry("bad domain", "1", "exa\x1bmple.com", false),
		nil,
	}}
	data, _ := json.Marshal(f)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	j, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := names(j.All(t0)); got != "ok,site" {
		t.Fatalf("loaded %q, want ok,site", got)
	}
	if err := j.Save("c", "e"); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	if strings.Contains(string(raw), "xxxxxxxx") || strings.Contains(string(raw), "co.uk") {
		t.Errorf("refused cookies saved again")
	}
}
