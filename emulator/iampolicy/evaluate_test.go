package iampolicy

import (
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
)

type docCase struct {
	Name      string            `json:"name"`
	Source    string            `json:"source"`
	Identity  []json.RawMessage `json:"identity"`
	Resource  json.RawMessage   `json:"resource_policy"`
	ResAcct   string            `json:"resource_account"`
	Principal struct {
		ARN, Account, Role string
	} `json:"principal"`
	Context Context `json:"context"`
	Action  string  `json:"action"`
	Target  string  `json:"resource"`
	Expect  string  `json:"expect"`
	By      string  `json:"by"`
}

// TestAWSDocumentedExamples runs the cases of testdata/aws_examples.json,
// each from an AWS documentation page it names.
func TestAWSDocumentedExamples(t *testing.T) {
	data, err := os.ReadFile("testdata/aws_examples.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct{ Cases []docCase }
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Cases) < 20 {
		t.Fatalf("only %d cases read", len(file.Cases))
	}
	for _, c := range file.Cases {
		t.Run(c.Name, func(t *testing.T) {
			if c.Source == "" {
				t.Fatal("a case must name its AWS documentation page")
			}
			in := Input{ResourceAccount: c.ResAcct, Request: Request{
				Principal: Principal{ARN: c.Principal.ARN, Account: c.Principal.Account, RoleARN: c.Principal.Role},
				Action:    c.Action, Resource: c.Target, Context: Context{},
			}}
			for k, v := range c.Context {
				in.Request.Context.Set(k, v...)
			}
			for i, raw := range c.Identity {
				p, err := Parse(raw)
				if err != nil {
					t.Fatalf("identity[%d]: %v", i, err)
				}
				in.Identity = append(in.Identity, Named{Name: "identity " + strconv.Itoa(i), Policy: p})
			}
			if len(c.Resource) > 0 {
				p, err := Parse(c.Resource)
				if err != nil {
					t.Fatalf("resource policy: %v", err)
				}
				in.Resource = &Named{Name: "resource policy", Policy: p}
			}
			res := Authorize(in)
			if res.Decision.String() != c.Expect {
				t.Fatalf("decision %s (%s), want %s", res.Decision, res.Reason, c.Expect)
			}
			switch {
			case c.Expect == "implicit deny":
				if res.By != nil || !strings.Contains(res.Reason, "allow") {
					t.Errorf("implicit deny by %v, reason %q: want no statement and a reason saying none allowed", res.By, res.Reason)
				}
			case res.By == nil:
				t.Errorf("no deciding statement")
			case res.By.Sid != c.By && strconv.Itoa(res.By.Index) != c.By:
				t.Errorf("decided by %s, want %s", res.By, c.By)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	cases := map[string]string{
		`[]`:                       "not a JSON object",
		`{"Version":"2012-10-17"}`: "no Statement",
		`{"Statement":{"Effect":"Permit","Action":"*"}}`:                                    "Effect must be",
		`{"Statement":{"Effect":"Allow"}}`:                                                  "Action or NotAction is missing",
		`{"Statement":{"Effect":"Allow","Action":"*","NotAction":"*"}}`:                     "not both",
		`{"Statement":{"Effect":"Allow","Action":"*","Condition":{"StringFoo":{"a":"b"}}}}`: "unknown condition operator",
		`{"Statement":{"Effect":"Allow","Action":"*","Principal":"me"}}`:                    "Principal must be",
		`{"Statement":{"Effect":"Allow","Action":"*","Resorce":"*"}}`:                       `unknown statement element "Resorce"`,
		`{"Version":"2019","Statement":[]}`:                                                 "not a policy language version",
	}
	for src, want := range cases {
		_, err := Parse([]byte(src))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%s) = %v, want an error containing %q", src, err, want)
		}
	}
}

func TestGlob(t *testing.T) {
	cases := []struct {
		p, s string
		want bool
	}{
		{"*", "", true}, {"a*c", "abbbc", true}, {"a?c", "abc", true}, {"a?c", "ac", false},
		{"*/GET/*", "abc/prod/GET/pets", true}, {"abc", "abcd", false}, {"a*b*c", "aXbYbZc", true}, {"a*b", "aXbYc", false}, {"*", "*0", true}, {"a*", "a*b", true},
	}
	for _, c := range cases {
		if got := Glob(c.p, c.s); got != c.want {
			t.Errorf("Glob(%q, %q) = %v", c.p, c.s, got)
		}
	}
}

func TestConditionSetOperators(t *testing.T) {
	p := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]}}}]}`)
	req := Request{Principal: Principal{ARN: "arn:aws:iam::1:user/a", Account: "1"}, Action: "x:Y", Resource: "r", Context: Context{}}
	in := Input{Identity: []Named{{Name: "p", Policy: p}}, Request: req}
	req.Context.Set("aws:TagKeys", "env", "team")
	if d := Authorize(in).Decision; d != Allowed {
		t.Errorf("ForAllValues with every value listed: %s", d)
	}
	req.Context.Set("aws:TagKeys", "env", "cost")
	if d := Authorize(in).Decision; d != ImplicitDeny {
		t.Errorf("ForAllValues with an unlisted value: %s", d)
	}
}

func TestMinimalAllowAllows(t *testing.T) {
	req := Request{Action: "execute-api:Invoke", Resource: "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pets", Context: Context{}}
	anon := MinimalAllow(req, true)
	p := &Policy{Version: "2012-10-17", Statements: []Statement{anon}}
	reparsed, err := Parse(p.JSON())
	if err != nil {
		t.Fatalf("MinimalAllow's JSON does not parse: %v\n%s", err, p.JSON())
	}
	if r := Authorize(Input{Request: req, Resource: &Named{Name: "rp", Policy: reparsed}}); r.Decision != Allowed {
		t.Errorf("the minimal resource-policy statement does not allow: %s", r.Reason)
	}
	req.Principal = Principal{ARN: "arn:aws:iam::123456789012:user/a", Account: "123456789012"}
	id := &Policy{Statements: []Statement{MinimalAllow(req, false)}}
	if r := Authorize(Input{Request: req, Identity: []Named{{Name: "id", Policy: id}}}); r.Decision != Allowed {
		t.Errorf("the minimal identity statement does not allow: %s", r.Reason)
	}
	if s := string(StatementJSON(anon)); !strings.Contains(s, `"Principal": "*"`) {
		t.Errorf("anonymous minimal statement: %s", s)
	}
}
