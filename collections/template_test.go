package collections

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestParseTemplate(t *testing.T) {
	cases := []struct {
		in   string
		want string // segments as lit(...)/var(...)/env(...)/fn(...)
	}{
		{"plain", "lit(plain)"},
		{"{{a}}", "var(a)"},
		{"{{ a }}/x", "var(a) lit(/x)"},
		{"x{{env.HOME}}", "lit(x) env(HOME)"},
		{"{{$uuid}}{{$timestamp}}{{$isoTimestamp}}", "fn($uuid) fn($timestamp) fn($isoTimestamp)"},
		{"a{{{{b}}", "lit(a{{b}})"},               // {{{{ is a literal {{; }} needs no escape
		{"{{{{a}} {{b}}", "lit({{a}} ) var(b)"},   // escaped, then a real variable
		{"}} and { and }", "lit(}} and { and })"}, // lone braces are text
		{"{{a-b_c1}}", "var(a-b_c1)"},             // names allow - and _
		{"https://{{host}}:{{port}}/", "lit(https://) var(host) lit(:) var(port) lit(/)"},
	}
	for _, c := range cases {
		segs, err := parseTemplate(c.in)
		if err != nil {
			t.Errorf("%q: %s", c.in, err.msg)
			continue
		}
		var parts []string
		for _, s := range segs {
			kind := map[segKind]string{segLiteral: "lit", segVar: "var", segEnv: "env", segBuiltin: "fn"}[s.kind]
			parts = append(parts, kind+"("+s.text+")")
		}
		if got := strings.Join(parts, " "); got != c.want {
			t.Errorf("%q: got %s, want %s", c.in, got, c.want)
		}
	}
	bad := []struct {
		in  string
		off int
		msg string
	}{
		{"ab{{c", 2, "unclosed"},
		{"{{}}", 0, "empty"},
		{"x{{a b}}", 1, "bad variable name"},
		{"{{$now}}", 0, "unknown built-in"},
		{"{{env.A-B}}", 0, "bad environment variable name"},
		{"{{{a}}}", 0, "bad variable name"}, // three braces: not an escape
	}
	for _, b := range bad {
		_, err := parseTemplate(b.in)
		if err == nil || err.off != b.off || !strings.Contains(err.msg, b.msg) {
			t.Errorf("%q: got %+v, want error at %d containing %q", b.in, err, b.off, b.msg)
		}
	}
}

// The unknown variable's position is that of its "{{" inside the scalar,
// in characters, for plain and single-line quoted scalars; block scalars
// give the scalar's start. Columns were counted on the text below.
func TestUnknownVariablePositions(t *testing.T) {
	c := mustLoad(t, doc(
		"name: t",
		"environments:",
		"  dev:",
		"    base_url: https://x.test",
		`    nested: "{{base_url}}/{{missing_in_env}}"`,
		"requests:",
		"  - name: plain",
		"    url: https://x.test/{{nope}}",
		"  - name: single",
		"    url: 'https://x.test/it''s/{{nope}}'",
		"  - name: double",
		`    url: "https://x.test/\u00e9/{{nope}}"`,
		"  - name: block",
		"    url: >-",
		"      https://x.test/{{nope}}",
		"  - name: via-env",
		`    url: "{{nested}}"`,
		"  - name: envvar",
		`    url: "https://x.test/{{env.MISSING}}"`,
		"  - name: multiple",
		`    url: "{{base_url}}/{{a}}/{{b}}"`,
		"  - name: unicode",
		"    url: https://x.test/ñ/{{nope}}",
		"variables: [MISSING]",
	))
	cases := []struct {
		request string
		wants   []want
	}{
		{"plain", []want{{"8:25", `unknown variable "nope" (not in environment "dev")`}}},
		{"single", []want{{"10:32", `unknown variable "nope"`}}},
		{"double", []want{{"12:33", `unknown variable "nope"`}}},
		{"block", []want{{"14:10", `unknown variable "nope"`}}},
		{"via-env", []want{{"5:27", `unknown variable "missing_in_env"`}}},
		{"envvar", []want{{"19:26", "environment variable MISSING is not set (used as {{env.MISSING}})"}}},
		{"multiple", []want{{"21:24", `unknown variable "a"`}, {"21:30", `unknown variable "b"`}}},
		{"unicode", []want{{"23:27", `unknown variable "nope"`}}},
	}
	for _, tc := range cases {
		t.Run(tc.request, func(t *testing.T) {
			_, err := c.Resolve(tc.request, "", nil, func(string) (string, bool) { return "", false })
			var es Errors
			if !errors.As(err, &es) {
				t.Fatalf("want Errors, got %v", err)
			}
			checkErrors(t, es, tc.wants...)
		})
	}
}

func TestUnknownVariableSuggestsAndNamesFix(t *testing.T) {
	c := mustLoad(t, doc(
		"name: t",
		"environments:",
		"  dev: {base_url: 'https://x.test'}",
		"requests:",
		`  - {name: r, url: "{{base_ur}}/x"}`,
	))
	_, err := c.Resolve("r", "dev", nil, nil)
	if err == nil || !strings.Contains(err.Error(), `t.yaml:5:21: unknown variable "base_ur" (not in environment "dev"): define it in the environment or pass --var base_ur=VALUE; did you mean "base_url"?`) {
		t.Errorf("got %v", err)
	}
}

func TestTemplateExpansion(t *testing.T) {
	c := mustLoad(t, doc(
		"name: t",
		"environments:",
		"  dev:",
		"    host: x.test",
		`    base: "https://{{host}}"`,
		`    api: "{{base}}/{{stage}}"`,
		"    stage: v1",
		"requests:",
		"  - name: r",
		`    url: "{{api}}/items"`,
		"    query:",
		`      t: "{{$timestamp}}"`,
		`      iso: "{{$isoTimestamp}}"`,
		`      id: ["{{$uuid}}", "{{$uuid}}"]`,
		`      home: "{{env.HOME_DIR}}"`,
		`      lit: "{{{{not a var}} and {{stage}}"`,
		"variables: [HOME_DIR]",
	))
	c.now = func() time.Time { return time.Unix(1700000000, 0) } // 2023-11-14T22:13:20Z
	uuids := []string{"11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"}
	c.uuid = func() string { u := uuids[0]; uuids = uuids[1:]; return u }
	env := map[string]string{"HOME_DIR": "/home/me"}
	r, err := c.Resolve("r", "dev", nil, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	if r.URL != "https://x.test/v1/items" {
		t.Errorf("URL through a chain of variables: %s", r.URL)
	}
	wantQuery := []KV{
		{"t", "1700000000"},
		{"iso", "2023-11-14T22:13:20Z"},
		{"id", "11111111-1111-4111-8111-111111111111"},
		{"id", "22222222-2222-4222-8222-222222222222"},
		{"home", "/home/me"},
		{"lit", "{{not a var}} and v1"},
	}
	if !equalKV(r.Query, wantQuery) {
		t.Errorf("query:\n got %v\nwant %v", r.Query, wantQuery)
	}

	// Runtime variables win over the environment and are taken literally.
	uuids = []string{"a", "b"}
	r, err = c.Resolve("r", "dev", map[string]string{"stage": "{{v2}}", "host": "o.test"}, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	if r.URL != "https://o.test/{{v2}}/items" {
		t.Errorf("runtime override: %s", r.URL)
	}
}

func TestDefaultUUIDAndClock(t *testing.T) {
	c := mustLoad(t, doc(
		"name: t",
		"requests:",
		`  - {name: r, url: "https://x.test/{{$uuid}}/{{$uuid}}?t={{$timestamp}}"}`,
	))
	before := time.Now().Unix()
	r, err := c.Resolve("r", "", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`^https://x\.test/([0-9a-f-]{36})/([0-9a-f-]{36})\?t=(\d+)$`).FindStringSubmatch(r.URL)
	if m == nil {
		t.Fatalf("unexpected URL %s", r.URL)
	}
	v4 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	if !v4.MatchString(m[1]) || !v4.MatchString(m[2]) || m[1] == m[2] {
		t.Errorf("want two different v4 UUIDs, got %s %s", m[1], m[2])
	}
	after := time.Now().Unix()
	if ts, err := strconv.ParseInt(m[3], 10, 64); err != nil || ts < before || ts > after {
		t.Errorf("timestamp %s is not the current Unix time (%d..%d)", m[3], before, after)
	}
}

func TestSecretMasking(t *testing.T) {
	s := Secret("AKIAsupersecretvalue")
	for _, got := range []string{s.String(), s.GoString()} {
		if strings.Contains(got, "supersecret") {
			t.Errorf("masked form leaks: %s", got)
		}
	}
	if Secret("short").String() != "…" || Secret("").String() != "" {
		t.Errorf("short secrets must be fully masked")
	}
}

func equalKV(a, b []KV) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestExpansionBombIsCapped: a small file of variables that double each
// other (25 levels) fails with a message naming a variable, quickly and
// without gigabytes of memory.
func TestExpansionBombIsCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString("name: bomb\nenvironments:\n  e:\n    v0: \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"\n")
	for i := 1; i <= 25; i++ {
		fmt.Fprintf(&b, "    v%d: \"{{v%d}}{{v%d}}\"\n", i, i-1, i-1)
	}
	b.WriteString("requests:\n  - name: r\n    method: GET\n    url: \"http://h/{{v25}}\"\n")
	c, err := LoadBytes("bomb.yaml", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Resolve("r", "e", nil, nil)
	if err == nil || !strings.Contains(err.Error(), "gives more than 1 MiB") || !strings.Contains(err.Error(), "{{v") {
		t.Fatalf("bomb: %v", err)
	}
}
