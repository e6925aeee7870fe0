package collections

import (
	"strings"
	"testing"
	"time"
)

const testsYAML = `name: t
environments:
  dev: {base_url: "https://api.example.com"}
defaults:
  assert: {signature: accepted}
requests:
  - folder: qa
    defaults:
      assert: {max_skew: 5m}
    requests:
      - name: Create
        method: POST
        url: "{{base_url}}/pets"
        capture:
          pet_id: {json: .id}
          etag: {header: ETag}
          sess: {cookie: session}
          n: {regex: "count=(\\d+)"}
          code: {status: true}
          tok: {json: .token, mask: true}
        assert:
          status: [200, 2xx]
          headers: {Content-Type: "application/json*", X-Gone: null}
          json: ['.name == "Rex"']
          body: {contains: Rex, matches: "^\\{"}
          schema: pet.json
          duration: 500ms
          cookies: [session]
          claims: {token_use: id}
      - name: Get
        url: "{{base_url}}/pets/{{pet_id}}"
`

// TestTestsAreRead: captures and assertions come out as written, the
// folder's and the collection's default assertions first.
func TestTestsAreRead(t *testing.T) {
	c, err := LoadBytes("t.yaml", []byte(testsYAML))
	if err != nil {
		t.Fatal(err)
	}
	ts, err := c.Tests("qa/Create")
	if err != nil {
		t.Fatal(err)
	}
	var caps []string
	for _, cp := range ts.Captures {
		caps = append(caps, cp.Var+"="+string(cp.Kind)+":"+cp.Expr)
	}
	if got := strings.Join(caps, " "); got != `pet_id=json:.id etag=header:ETag sess=cookie:session n=regex:count=(\d+) code=status: tok=json:.token` {
		t.Errorf("captures %s", got)
	}
	if !ts.Captures[5].Secret || ts.Captures[0].Secret {
		t.Error("mask: true is not read")
	}
	var kinds []string
	for _, a := range ts.Asserts {
		kinds = append(kinds, string(a.Kind))
	}
	if got := strings.Join(kinds, " "); got != "signature max_skew status header header json contains matches schema duration cookie claim" {
		t.Errorf("assertions %s", got)
	}
	if a := ts.Asserts[2]; strings.Join(a.Values, ",") != "200,2xx" || !strings.HasPrefix(a.Where, "t.yaml:") {
		t.Errorf("status %+v", a)
	}
	if a := ts.Asserts[4]; a.Name != "X-Gone" || !a.Absent {
		t.Errorf("absent header %+v", a)
	}
	if a := ts.Asserts[1]; a.Limit != 5*time.Minute {
		t.Errorf("skew %+v", a)
	}
	if got := c.CapturedVars(); len(got) != 6 {
		t.Errorf("captured vars %v", got)
	}
}

// TestBadTestsAreRefusedWithTheirPlace: every mistake in a capture or an
// assertion is an error with its line and column, when the file loads.
func TestBadTestsAreRefusedWithTheirPlace(t *testing.T) {
	base := "name: t\nenvironments:\n  dev: {base_url: \"https://a.example\"}\nrequests:\n  - name: r\n    url: \"{{base_url}}/x\"\n"
	for _, tc := range []struct{ yaml, want string }{
		{"    capture: {id: {json: '.a |'}}\n", `t.yaml:7:`},
		{"    capture: {id: {json: '.a |'}}\n", "does not parse"},
		{"    capture: {id: {regex: '('}}\n", "does not compile"},
		{"    capture: {id: {json: .a, header: X}}\n", "exactly one of json, header"},
		{"    capture: {base_url: {json: .a}}\n", `base_url is a variable of environment "dev"`},
		{"    assert: {status: 99}\n", `t.yaml:7:22: request "r" assert status: "99" is not a status`},
		{"    assert: {status: 2yy}\n", "is not a status"},
		{"    assert: {json: ['.a ==']}\n", "does not parse"},
		{"    assert: {duration: fast}\n", `"fast" is not a duration`},
		{"    assert: {signature: maybe}\n", "the one value is accepted"},
		{"    assert: {stauts: 200}\n", `unknown field "stauts"`},
		{"  - name: s\n    url: \"https://{{h}}/x\"\n    capture: {h: {json: .h}}\n", "the captured variable h is in the URL's host"},
		{"  - name: s\n    url: \"{{base_url}}/x\"\n    headers: {Host: \"{{h}}\"}\n    capture: {h: {json: .h}}\n", "the captured variable h is in the Host header"},
	} {
		_, err := LoadBytes("t.yaml", []byte(base+tc.yaml))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.yaml, err, tc.want)
		}
	}
}

// TestDefaultsGiveWay: a request's own status, header value, limit or
// schema replaces the default above it; jq expressions add up.
func TestDefaultsGiveWay(t *testing.T) {
	c, err := LoadBytes("d.yaml", []byte(`name: d
environments:
  dev: {base_url: "https://api.example.com"}
defaults:
  assert: {status: 2xx, duration: 2s, json: ['.ok'], headers: {Content-Type: "application/json*"}}
requests:
  - folder: qa
    defaults:
      assert: {duration: 1s, json: ['.v == 1']}
    requests:
      - name: Gone
        url: "{{base_url}}/pets/1"
        assert: {status: 404, headers: {content-type: "text/*"}, json: ['.message']}
      - name: Plain
        url: "{{base_url}}/pets"
`))
	if err != nil {
		t.Fatal(err)
	}
	for req, want := range map[string]string{
		"qa/Gone":  "json:.ok duration:1s json:.v == 1 status:404 header:text/* json:.message",
		"qa/Plain": "status:2xx json:.ok header:application/json* duration:1s json:.v == 1",
	} {
		ts, err := c.Tests(req)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range ts.Asserts {
			v := a.Expr
			switch a.Kind {
			case AssertStatus:
				v = strings.Join(a.Values, ",")
			case AssertDuration:
				v = a.Limit.String()
			}
			got = append(got, string(a.Kind)+":"+v)
		}
		if g := strings.Join(got, " "); g != want {
			t.Errorf("%s: %s, want %s", req, g, want)
		}
	}
}
