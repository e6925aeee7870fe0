package iampolicy

import "testing"

// BenchmarkAuthorize: one execute-api request against an identity policy
// and a resource policy with conditions, as the gateway evaluates per call.
func BenchmarkAuthorize(b *testing.B) {
	id := MustParse(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:*:*:abc123/prod/*/private/${cognito-identity.amazonaws.com:sub}/*"},
		{"Effect":"Deny","Action":"execute-api:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"},"StringNotLikeIfExists":{"aws:UserAgent":"sigscope/*"}}}]}`)
	rp := MustParse(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:123456789012:abc123/*"},
		{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8","127.0.0.0/8"]}}}]}`)
	ctx := Context{}
	ctx.Set("cognito-identity.amazonaws.com:sub", "us-east-1:1111")
	ctx.Set("aws:SourceIp", "127.0.0.1")
	ctx.Set("aws:SecureTransport", "true")
	in := Input{
		Request: Request{Principal: Principal{ARN: "arn:aws:sts::123456789012:assumed-role/R/s", Account: "123456789012", RoleARN: "arn:aws:iam::123456789012:role/R"},
			Action: "execute-api:Invoke", Resource: "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/private/us-east-1:1111/notes", Context: ctx},
		Identity: []Named{{Name: "id", Policy: id}}, Resource: &Named{Name: "rp", Policy: rp}, ResourceAccount: "123456789012",
	}
	for b.Loop() {
		if Authorize(in).Decision != Allowed {
			b.Fatal("not allowed")
		}
	}
}
