package iampolicy

import "testing"

// FuzzEvaluate: no policy text and no request makes the evaluator panic,
// and a statement denying everything to everyone always denies.
func FuzzEvaluate(f *testing.F) {
	f.Add(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"execute-api:*","Resource":"arn:aws:execute-api:*:*:abc/*/GET/*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}}`, "execute-api:Invoke", "arn:aws:execute-api:us-east-1:1:abc/prod/GET/x", "10.1.2.3")
	f.Add(`{"Statement":[{"Effect":"Deny","NotAction":"s3:*","NotResource":"${aws:username}*","Condition":{"StringLikeIfExists":{"k":["*?*"]}}}]}`, "a:b", "", "")
	f.Add(`{"Statement":{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":"*","Condition":{"ForAllValues:DateLessThan":{"aws:CurrentTime":"2020"}}}}`, "x", "y", "::1")
	denyAll := MustParse(`{"Version":"2012-10-17","Statement":{"Sid":"DenyAll","Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}}`)
	f.Fuzz(func(t *testing.T, policy, action, resource, ip string) {
		p, err := Parse([]byte(policy))
		if err != nil {
			return
		}
		_ = p.JSON()
		ctx := Context{}
		ctx.Set("aws:SourceIp", ip)
		ctx.Set("aws:username", action)
		for _, who := range []Principal{{}, {ARN: "arn:aws:iam::123456789012:user/u", Account: "123456789012"}} {
			req := Request{Principal: who, Action: action, Resource: resource, Context: ctx}
			named := Named{Name: "fuzzed", Policy: p}
			_ = Authorize(Input{Request: req, Identity: []Named{named}, Resource: &named})
			r := Authorize(Input{Request: req, Identity: []Named{named}, Resource: &Named{Name: "deny-all", Policy: denyAll}, Unrestricted: true})
			if r.Decision != ExplicitDeny {
				t.Fatalf("a deny-everything resource policy decided %s for %+v", r.Decision, req)
			}
			r = Authorize(Input{Request: req, Identity: []Named{{Name: "deny-all", Policy: denyAll}, named}, Resource: &named})
			if r.Decision != ExplicitDeny && !who.Anonymous() {
				t.Fatalf("a deny-everything identity policy decided %s", r.Decision)
			}
		}
	})
}
