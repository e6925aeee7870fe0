package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const plainRequest = "GET /prod/pets?limit=10 HTTP/1.1\nHost: abc123.execute-api.us-east-1.amazonaws.com\nX-Amz-Date: 20150830T123600Z\n\n"

var signerNames = []string{"aws-sdk-go-v2", "botocore", "@smithy/signature-v4", "aws4", "amplify", "curl"}

func TestComparePlainRequestAgrees(t *testing.T) {
	stdout, stderr, code := run(t, nil, []byte(plainRequest), "compare")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if n := strings.Count(stdout, "   same as AWS\n"); n != len(signerNames) {
		t.Errorf("%d signers the same as AWS, want %d:\n%s", n, len(signerNames), stdout)
	}
	for _, s := range signerNames {
		if !strings.Contains(stdout, "✓ "+s+" ") {
			t.Errorf("no ✓ summary line for %s:\n%s", s, stdout)
		}
	}
	if !strings.Contains(stdout, "│x-amz-date:20150830T123600Z\n") || strings.Contains(stdout, "not documented") {
		t.Errorf("AWS's canonical request or a gap is wrong:\n%s", stdout)
	}
}

func TestCompareTextShowsWhyEachSignerDiffers(t *testing.T) {
	req := "GET /prod/pets?q=a+b HTTP/1.1\nHost: abc123.execute-api.us-east-1.amazonaws.com\n\n"
	file := filepath.Join(t.TempDir(), "req.txt")
	if err := os.WriteFile(file, []byte(req), 0o600); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := run(t, nil, nil, "compare", "--request-file", file, "--time", "20150830T123600Z")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"     AWS                   q=a%2Bb\n     aws-sdk-go-v2         q=a%20b\n                                ^\n",
		"     botocore              q=a+b\n",
		"why: a raw '+' in the query — aws4: read as a space and signed as %20",
		"source: PRODUCT.md, Where well-known signers disagree",
		"aws-sdk-go-v2 itself would send /prod/pets?q=a%20b instead, which AWS accepts; but the server reads a space where this request has '+'",
		"✗ aws-sdk-go-v2        rejected",
		"✗ botocore             rejected",
		"✓ @smithy/signature-v4 accepted",
		"✗ aws4                 rejected",
		"✗ amplify              rejected",
		"✓ curl                 accepted",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
}

func TestCompareEscapesControlCharacters(t *testing.T) {
	req := "GET /p HTTP/1.1\nHost: h\nX-Custom: a\tb\nX-Bytes: caf\xc3\xa9 \xff\n\n"
	stdout, stderr, code := run(t, nil, []byte(req), "compare")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.ContainsAny(stdout, "\t\xff") {
		t.Errorf("a tab or an invalid byte printed raw:\n%q", stdout)
	}
	for _, want := range []string{"│x-custom:a\\x09b\n", "x-bytes:café \\xff", "     botocore              x-custom:a b\n",
		"? @smithy/signature-v4 not known, not documented here: what AWS servers do with a tab inside a signed header value",
		"not documented here: a tab inside a signed header value — curl is not among the signers PRODUCT.md compares"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
}

func TestCompareJSON(t *testing.T) {
	req := "GET /a b?q=a+b HTTP/1.1\nHost: h\n\n"
	stdout, stderr, code := run(t, nil, []byte(req), "compare", "-o", "json", "--time", "2015-08-30T12:36:00Z")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var out struct {
		Request          string `json:"request"`
		Mode             string `json:"mode"`
		CanonicalRequest string `json:"canonical_request"`
		Dialects         []struct {
			Signer           string `json:"signer"`
			CanonicalRequest string `json:"canonical_request"`
			Same             bool   `json:"same"`
			Lines            []struct {
				Part, AWS, Signer string
				Rules             []struct{ ID, Effect, Source string }
			} `json:"lines"`
			NotDocumented []struct{ ID, Feature, Note string } `json:"not_documented"`
			Verdict       string                               `json:"verdict"`
			OwnRequest    *struct {
				Target   string `json:"target"`
				Accepted bool   `json:"accepted"`
			} `json:"own_request"`
		} `json:"dialects"`
	}
	mustJSON(t, stdout, &out)
	if out.Mode != "header" || !strings.HasPrefix(out.CanonicalRequest, "GET\n/a%20b\nq=a%2Bb\n") || len(out.Dialects) != len(signerNames) {
		t.Fatalf("unexpected comparison:\n%s", stdout)
	}
	goSDK := out.Dialects[0]
	if goSDK.Signer != "aws-sdk-go-v2" || goSDK.Verdict != "rejected" || len(goSDK.Lines) != 2 ||
		goSDK.Lines[0].Signer != "/a%2520b" || goSDK.Lines[0].Rules[0].ID != "path-encoding" ||
		goSDK.Lines[1].Signer != "q=a%20b" || goSDK.Lines[1].Rules[0].ID != "query-plus" || goSDK.Lines[1].Rules[0].Source == "" ||
		goSDK.OwnRequest == nil || goSDK.OwnRequest.Target != "/a%20b?q=a%20b" || !goSDK.OwnRequest.Accepted {
		t.Errorf("aws-sdk-go-v2: %+v", goSDK)
	}
	smithy := out.Dialects[2]
	if smithy.Signer != "@smithy/signature-v4" || !smithy.Same || smithy.Verdict != "unknown" ||
		len(smithy.NotDocumented) != 1 || smithy.NotDocumented[0].ID != "path-encoding" {
		t.Errorf("smithy: %+v", smithy)
	}
	for _, d := range out.Dialects {
		if d.CanonicalRequest == "" || d.Lines == nil || d.NotDocumented == nil {
			t.Errorf("%s: empty fields must be [] not null:\n%s", d.Signer, stdout)
		}
	}
}

func TestComparePresignAndS3(t *testing.T) {
	req := "GET /bucket/%41b HTTP/1.1\nHost: s3.amazonaws.com\nX-Amz-Target: Foo\n\n"
	stdout, stderr, code := run(t, nil, []byte(req), "compare", "--s3", "--presign", "--region", "eu-west-1", "--service", "s3")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"(presigned URL, S3)", "%2Feu-west-1%2Fs3%2Faws4_request", "     aws4                  /bucket/Ab\n",
		"     AWS                   (no such line)\n     botocore              x-amz-target:Foo\n", "✓ botocore             accepted, it chooses differently"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
}

func TestCompareBadInput(t *testing.T) {
	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"no host", "GET /x HTTP/1.1\n\n", nil, 1, "no Host header"},
		{"not HTTP", "hello\n", nil, 1, "standard input"},
		{"bad escape", "GET /x?a=%zz HTTP/1.1\nHost: h\n\n", nil, 1, "invalid percent-encoding"},
		{"missing file", "", []string{"--request-file", "/nonexistent/req.txt"}, 1, "no such file"},
		{"upper-case region", plainRequest, []string{"--region", "US-EAST-1"}, 1, "lower case"},
		{"bad output", plainRequest, []string{"-o", "yaml"}, 2, "text or json"},
		{"bad time", plainRequest, []string{"--time", "yesterday"}, 2, "--time"},
		{"bad expires", plainRequest, []string{"--presign", "--expires", "0"}, 2, "1 second to 7 days"},
		{"unknown flag", plainRequest, []string{"--bogus"}, 2, "unknown flag"},
		{"an argument", plainRequest, []string{"extra"}, 2, "unknown command"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, code := run(t, nil, []byte(tc.stdin), append([]string{"compare"}, tc.args...)...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d mentioning %q", code, stderr, tc.code, tc.want)
			}
		})
	}
}
