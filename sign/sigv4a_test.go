package sign

import (
	"strings"
	"testing"
)

func v4aOptions(presign bool) Options {
	o := gatewayOptions(presign)
	o.Algorithm = SigV4a
	return o
}

func signedV4a(t *testing.T, req *Request, change func(o *Options)) *Trace {
	t.Helper()
	o := v4aOptions(false)
	o.Credentials.SessionToken = ""
	if change != nil {
		change(&o)
	}
	tr, err := SignFor(req, o)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func verifyV4a(t *testing.T, r *Request, change func(in *VerifyInput)) *Verification {
	t.Helper()
	in := VerifyInput{Request: r, SecretAccessKey: testSecret, Now: testTime}
	if change != nil {
		change(&in)
	}
	v, err := Verify(in)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestParseAlgorithm(t *testing.T) {
	for in, want := range map[string]string{"": SigV4, "SigV4": SigV4, "aws4-hmac-sha256": SigV4, "sigv4a": SigV4a, "V4A": SigV4a, AlgorithmV4a: SigV4a} {
		if got, err := ParseAlgorithm(in); err != nil || got != want {
			t.Errorf("ParseAlgorithm(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseAlgorithm("sigv5"); err == nil || !strings.Contains(err.Error(), "sigv4a") {
		t.Errorf("ParseAlgorithm(sigv5) error = %v, want one naming the choices", err)
	}
}

func TestParseRegionSet(t *testing.T) {
	set, err := ParseRegionSet(" us-east-1, eu-west-1 ")
	if err != nil || strings.Join(set, ",") != "us-east-1,eu-west-1" {
		t.Errorf("ParseRegionSet = %q, %v", set, err)
	}
	for _, bad := range []string{"us-east-1,,eu-west-1", "US-EAST-1", "us east"} {
		if _, err := ParseRegionSet(bad); err == nil {
			t.Errorf("ParseRegionSet(%q) accepted", bad)
		}
	}
}

// The key derivation is deterministic and depends on both the access key
// id and the secret; the suite test checks it against AWS's public keys.
func TestDeriveV4aKeyDependsOnIDAndSecret(t *testing.T) {
	a, err := DerivePublicKey("AKIDEXAMPLE", testSecret)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := DerivePublicKey("AKIDEXAMPLE", testSecret)
	c, _ := DerivePublicKey("AKIDOTHER", testSecret)
	d, _ := DerivePublicKey("AKIDEXAMPLE", testSecret+"x")
	if a != b {
		t.Errorf("two derivations differ: %+v %+v", a, b)
	}
	if a == c || a == d {
		t.Errorf("the key does not depend on the access key id and the secret")
	}
	if len(a.X) != 64 || len(a.Y) != 64 || len(a.Fingerprint) != 32 {
		t.Errorf("public key %+v: want 32-byte X and Y, 16-byte fingerprint", a)
	}
}

func TestSignV4aTrace(t *testing.T) {
	tr := signedV4a(t, gatewayRequest(), func(o *Options) { o.RegionSet = []string{"us-east-1", "eu-west-1"} })
	if tr.Algorithm != AlgorithmV4a || tr.CredentialScope != "20150830/execute-api/aws4_request" {
		t.Errorf("algorithm %q scope %q", tr.Algorithm, tr.CredentialScope)
	}
	if !strings.Contains(tr.CanonicalRequest, "\nx-amz-region-set:us-east-1,eu-west-1\n") || !strings.Contains(tr.SignedHeaders, "x-amz-region-set") {
		t.Errorf("region set not signed:\n%s", tr.CanonicalRequest)
	}
	if v, _ := tr.Signed.Get("X-Amz-Region-Set"); v != "us-east-1,eu-west-1" {
		t.Errorf("signed request X-Amz-Region-Set = %q", v)
	}
	if !strings.HasPrefix(tr.Authorization, AlgorithmV4a+" Credential=AKIDEXAMPLE/20150830/execute-api/aws4_request, SignedHeaders=") {
		t.Errorf("Authorization = %q", tr.Authorization)
	}
	if tr.Keys.Signing == "" || tr.Keys.Date != "" || tr.PublicKey == nil {
		t.Errorf("keys %+v public %+v: the private key belongs in Keys.Signing alone", tr.Keys, tr.PublicKey)
	}
	if !isDERSignatureHex(tr.Signature) {
		t.Errorf("signature %q is not DER hex", tr.Signature)
	}
	again := signedV4a(t, gatewayRequest(), func(o *Options) { o.RegionSet = []string{"us-east-1", "eu-west-1"} })
	if again.Signature == tr.Signature || again.CanonicalRequest != tr.CanonicalRequest {
		t.Errorf("ECDSA signatures should differ and canonical requests agree")
	}
}

func TestSignV4aPresignedResigned(t *testing.T) {
	tr := signedV4a(t, gatewayRequest(), func(o *Options) { o.Presign = true; o.RegionSet = []string{"*"} })
	if !strings.Contains(tr.Signed.RawQuery, "X-Amz-Region-Set=%2A") || !strings.Contains(tr.Query.Output, "X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256") {
		t.Errorf("presigned query %q / canonical %q", tr.Signed.RawQuery, tr.Query.Output)
	}
	if v := verifyV4a(t, tr.Signed, nil); !v.Valid() {
		t.Fatalf("presigned v4a does not verify: %+v", v.Problems)
	}
	// Signing the signed URL again replaces the region set and signature.
	again := signedV4a(t, StripSignature(tr.Signed), func(o *Options) { o.Presign = true; o.RegionSet = []string{"us-east-1"} })
	if strings.Count(again.Signed.RawQuery, "X-Amz-Region-Set=") != 1 || !strings.Contains(again.Signed.RawQuery, "X-Amz-Region-Set=us-east-1") {
		t.Errorf("re-signed query %q", again.Signed.RawQuery)
	}
}

func TestSignV4aRefusals(t *testing.T) {
	o := v4aOptions(false)
	o.Region, o.RegionSet = "", nil
	if _, err := SignFor(gatewayRequest(), o); err == nil || !strings.Contains(err.Error(), "region") {
		t.Errorf("no region: err = %v", err)
	}
	o = gatewayOptions(false)
	o.RegionSet = []string{"us-east-1"}
	if _, err := SignFor(gatewayRequest(), o); err == nil || !strings.Contains(err.Error(), "SigV4a only") {
		t.Errorf("region set with sigv4: err = %v", err)
	}
	o = v4aOptions(false)
	o.RegionSet = []string{"us-east-1", ""}
	if _, err := SignFor(gatewayRequest(), o); err == nil {
		t.Errorf("empty region set entry accepted")
	}
	o.Algorithm = "sigv3"
	if _, err := SignFor(gatewayRequest(), o); err == nil {
		t.Errorf("unknown algorithm accepted")
	}
}

func TestVerifyV4aFindsTheStep(t *testing.T) {
	base := func(t *testing.T) *Request { return signedV4a(t, gatewayRequest(), nil).Signed }
	tests := []struct {
		name   string
		req    func(t *testing.T) *Request
		in     func(in *VerifyInput)
		step   string
		detail string
		cause  string
	}{
		{"wrong secret", base, func(in *VerifyInput) { in.SecretAccessKey = "other" }, StepSignature, "secret key is wrong", ""},
		{"charset added after signing", func(t *testing.T) *Request {
			r := base(t)
			r.Set("Content-Type", "application/json; charset=utf-8")
			return r
		}, nil, StepCanonicalRequest, "charset", VariantCharsetAdded},
		{"region set outside the host's region", func(t *testing.T) *Request {
			return signedV4a(t, gatewayRequest(), func(o *Options) { o.RegionSet = []string{"eu-*"} }).Signed
		}, nil, StepRegionSet, "does not include us-east-1", ""},
		{"region set removed in flight", func(t *testing.T) *Request {
			r := base(t)
			r.Del("X-Amz-Region-Set")
			return r
		}, nil, StepSignedHeaders, "x-amz-region-set is signed but missing", ""},
		{"region set changed in flight", func(t *testing.T) *Request {
			r := base(t)
			r.Set("X-Amz-Region-Set", "us-east-1,eu-west-1")
			return r
		}, nil, StepSignature, "", ""},
		{"signature truncated", func(t *testing.T) *Request {
			r := base(t)
			auth, _ := r.Get("Authorization")
			r.Set("Authorization", auth[:len(auth)-10])
			return r
		}, nil, StepAuthorization, "ASN.1 DER", ""},
		{"given canonical request differs", base, func(in *VerifyInput) {
			in.ExpectedCanonicalRequest = strings.Replace(in.Request.Method, "POST", "PUT", 1) + "\n/prod/pets"
		}, StepCanonicalRequest, "line 1", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := verifyV4a(t, tc.req(t), tc.in)
			if v.Valid() || len(v.Problems) == 0 {
				t.Fatalf("verified; want a problem at %s", tc.step)
			}
			p := v.Problems[0]
			if p.Step != tc.step || !strings.Contains(p.Detail, tc.detail) {
				t.Errorf("first problem = %s: %s; want %s containing %q (all: %+v)", p.Step, p.Detail, tc.step, tc.detail, v.Problems)
			}
			if v.Cause != tc.cause {
				t.Errorf("cause = %q, want %q", v.Cause, tc.cause)
			}
		})
	}
}

func TestVerifyV4aOwnAndToken(t *testing.T) {
	o := func(o *Options) { o.Credentials.SessionToken = "tok"; o.RegionSet = []string{"us-*"} }
	tr := signedV4a(t, gatewayRequest(), o)
	v := verifyV4a(t, tr.Signed, func(in *VerifyInput) { in.AccessKeyID, in.SessionToken = "AKIDEXAMPLE", "tok" })
	if !v.Valid() {
		t.Fatalf("problems: %+v", v.Problems)
	}
	if got := strings.Join(v.Info.RegionSet, ","); got != "us-*" || v.Info.Scope() != "20150830/execute-api/aws4_request" {
		t.Errorf("info region set %q scope %q", got, v.Info.Scope())
	}
	if v.Trace.PublicKey == nil || *v.Trace.PublicKey != *tr.PublicKey {
		t.Errorf("verify's public key %+v, signer's %+v", v.Trace.PublicKey, tr.PublicKey)
	}
}

// BenchmarkSignV4a is SignV4a on the benchmark request: the SigV4 trace
// and its SDK cross-check, then ECDSA (the derived key is cached).
func BenchmarkSignV4a(b *testing.B) {
	req := benchRequest()
	o := benchOpts
	o.Algorithm, o.RegionSet = SigV4a, []string{"eu-west-1", "us-east-1"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := SignFor(req, o); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyV4a verifies a SigV4a request: canonical request again,
// then an ECDSA verification.
func BenchmarkVerifyV4a(b *testing.B) {
	o := benchOpts
	o.Algorithm = SigV4a
	tr, err := SignFor(benchRequest(), o)
	if err != nil {
		b.Fatal(err)
	}
	in := VerifyInput{Request: tr.Signed, SecretAccessKey: o.Credentials.SecretAccessKey, Now: testTime}
	b.ReportAllocs()
	for b.Loop() {
		if v, err := Verify(in); err != nil || !v.Valid() {
			b.Fatal(err, v.Problems)
		}
	}
}
