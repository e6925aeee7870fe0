package importer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/collections"
)

// want is one imported request, field by field. Headers lists the
// headers to find (name: value) and the count of headers; Query is
// "k=v&k=v" of the decoded pairs; Body is "kind:content"; Auth is
// "mode profile service region" plus the profile's *_env fields.
type want struct {
	Method, URL, Query string
	Headers            []string
	NHeaders           int
	Body               string
	Auth               string
}

// curlCorpus: each file of testdata/curl cites where the command line
// comes from on its first line.
var curlCorpus = map[string][]want{
	"01-howwtf-sigv4.sh": {{Method: "GET", URL: "{{env.url}}",
		Auth: "iam keys execute-api us-east-1 AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"}},
	"02-howwtf-session-token.sh": {{Method: "GET", URL: "{{env.url}}",
		Auth: "iam keys execute-api us-east-1 AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN"}},
	"03-phair-post.sh": {{Method: "POST", URL: "{{env.URL}}", Headers: []string{"Content-Type: application/json"}, NHeaders: 1,
		Auth: "iam keys execute-api us-east-1 AWS_ACCESS_KEY/AWS_SECRET_ACCESS_KEY"}},
	"04-phair-session.sh": {{Method: "POST", URL: "{{env.URL}}", Headers: []string{"Content-Type: application/json"}, NHeaders: 1,
		Auth: "iam keys execute-api us-east-1 AWS_ACCESS_KEY/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN"}},
	"05-curl-11007-vpc-lattice.sh": {
		{Method: "PUT", URL: "http://169.254.169.254/latest/api/token", Headers: []string{"X-aws-ec2-metadata-token-ttl-seconds: 21600"}, NHeaders: 1},
		{Method: "GET", URL: "http://169.254.169.254/latest/meta-data/iam/security-credentials/", Headers: []string{"X-aws-ec2-metadata-token: {{TOKEN}}"}, NHeaders: 1},
		{Method: "GET", URL: "http://169.254.169.254/latest/meta-data/iam/security-credentials/{{env.INSTANCE_PROFILE}}", Headers: []string{"X-aws-ec2-metadata-token: {{TOKEN}}"}, NHeaders: 1},
		{Method: "GET", URL: "https://vpclatticealp-mylatticeserv-nrrcexutsqpe-0b17e5b0e8a993adf.7d67968.vpc-lattice-svcs.us-west-2.on.aws/goodbye",
			Auth: "iam keys vpc-lattice-svcs us-west-2 ACCESS_KEY_ID/SECRET_ACCESS_KEY/SESSION_TOKEN unsigned"}},
	"06-restnvim-107-opensearch.sh": {{Method: "GET", URL: "https://{{env.ENDPOINT}}/my_index_pattern/my_type/_mapping",
		Auth: "iam keys es ap-southeast-2 AWS_ACCESS_KEY/AWS_SECRET_KEY"}},
	"07-curlie-52-command-substitution.sh": {{Method: "GET", URL: "https://REDACTED.execute-api.eu-west-1.amazonaws.com/REDACTED",
		Headers: []string{"Accept: application/json, */*"}, NHeaders: 1,
		Auth: "iam keys execute-api eu-west-1 AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"}},
	"08-libetl-300-chrome.sh": {{Method: "POST", URL: "https://ug.baidu.com/mcp/pc/pcsearch", NHeaders: 14,
		Headers: []string{"Content-Type: application/json", `sec-ch-ua: "Chromium";v="116", "Not)A;Brand";v="24", "Google Chrome";v="116"`, "DNT: 1",
			"Referer: https://www.baidu.com/s?wd=111&rsv_spt=1&rsv_iqid=0xc87b3b8300066ce7&issp=1&f=8&rsv_bp=1&rsv_idx=2&ie=utf-8&tn=baiduhome_pg&rsv_dl=tb&rsv_enter=1&rsv_sug2=0&rsv_btype=i&inputT=506&rsv_sug4=566"},
		Body: `json:{"invoke_info":{"pos_1":[{}],"pos_2":[{}],"pos_3":[{}]}}`}},
	"09-reqable-2938-caret.cmd": {{Method: "POST", URL: "https://miniwechat.qpyun.cn/WeChat/CallEpcJavaJson", NHeaders: 11,
		Headers: []string{"host: miniwechat.qpyun.cn", "priority: u=1, i", "content-type: application/x-www-form-urlencoded"}}},
	"10-reqable-2920-caret-json.cmd": {{Method: "POST", URL: "https://api.theone.art/market/api/dynamicNews/findNewsList", NHeaders: 10,
		Headers: []string{`sec-ch-ua-platform: "Android"`, "Content-Type: application/json;charset=UTF-8", "Referer: https://www.theone.art/login?redirect=https%3A%2F%2Fwww.theone.art%2Fhotspot%3Ftype%3D36"},
		Body:    `json:{"location":"user_agreement","pageCount":1,"pageSize":20}`}},
	"11-k9-token.sh": {{Method: "POST", URL: "https://jsonair.example.com/api/v1/jsonair/auth/token", Headers: []string{"Content-Type: application/json"}, NHeaders: 1,
		Body: `json:{"token": "your-plain-text-pat"}`}},
	"12-k9-bearer.sh": {{Method: "GET", URL: "https://jsonair.example.com/api/v1/jsonair/config", NHeaders: 2,
		Headers: []string{"Authorization: Bearer {{TOKEN}}", "Content-Type: application/json"},
		Body:    `json:{"type": "myapp", "name": "prod.yaml", "decode": true}`}},
	"13-curl-docs-aws-sigv4.sh": {{Method: "GET", URL: "{{env.URL}}", Auth: "iam keys es us-east-2 AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"}},
	"14-curl-9881-chrome-cmd.cmd": {{Method: "GET", URL: "https://curl.se/windows/dl-7.86.0_1/curl-7.86.0_1-win64-mingw.zip", NHeaders: 7,
		Headers: []string{"authority: curl.se", `sec-ch-ua: "Google Chrome";v="107", "Chromium";v="107", "Not=A?Brand";v="24"`, `sec-ch-ua-platform: "Windows"`}}},
	"15-manual-data-pairs.sh": {{Method: "POST", URL: "https://example.com/resource.cgi", Body: "form:param1=value1&param2=value2"}},
	"16-manual-form.sh":       {{Method: "POST", URL: "https://example.com/resource.cgi"}},
	"17-manual-empty-data.sh": {{Method: "POST", URL: "https://example.com/resource.cgi", Headers: []string{"Content-Type: application/x-www-form-urlencoded"}, NHeaders: 1, Body: "text:"}},
	"18-manual-upload.sh":     {{Method: "POST", URL: "http://example.com/resource.cgi", Body: "file:filename.dat"}},
	"19-manual-stdin.sh":      {{Method: "POST", URL: "https://api.github.com/markdown"}},
	"20-manual-sagula.sh":     {{Method: "POST", URL: "http://www.where.com/guest.cgi", Body: "form:name=Rafael Sagula&phone=3320780"}},
	"21-manual-sagula-escaped-amp.sh": {{Method: "POST", URL: "http://www.where.com/guest.cgi", Headers: []string{"Content-Type: application/x-www-form-urlencoded"}, NHeaders: 1,
		Body: "text:name=Rafael%20Sagula%26phone=3320780"}},
	"22-manual-login.sh":       {{Method: "POST", URL: "http://localhost/Login", Body: "form:username=admin&password={{env.PASSWD}}&submit=Login"}},
	"23-manual-cookie-file.sh": {{Method: "GET", URL: "http://localhost/"}},
	"24-manual-data-ascii.sh":  {{Method: "POST", URL: "http://example.com", Body: "form:var=value"}},
	"25-afair-basic.sh":        {{Method: "GET", URL: "https://example.org", Headers: []string{"Authorization: Basic {{env.BASIC_AUTH}}"}, NHeaders: 1}},
	"26-afair-accept.sh":       {{Method: "GET", URL: "https://json.org", Headers: []string{"Accept: application/json"}, NHeaders: 1}},
	"27-aws-api-key-call.sh": {{Method: "GET", URL: "http://b123abcde4.execute-api.us-west-2.amazonaws.com/prod/getUsers",
		Headers: []string{"X-API-Key: {{env.X_API_KEY}}"}, NHeaders: 1}},
	"28-so-39068444-api-key.sh": {{Method: "POST", URL: "https://[api-id].execute-api.[region].amazonaws.com", NHeaders: 2,
		Headers: []string{"x-api-key: {{env.X_API_KEY}}", "Content-Type: application/json"}, Body: `json:{"key":"val"}`}},
	"29-awslessons-api-key.sh": {{Method: "GET", URL: "https://your-api.execute-api.us-east1-amazonaws.com/prod/<endpoint>",
		Headers: []string{"x-api-key: {{env.X_API_KEY}}"}, NHeaders: 1}},
	"30-curl-docs-url-query.sh": {
		{Method: "GET", URL: "{{env.URL}}", Query: "name=val"},
		{Method: "GET", URL: "http://example.net/foo?encodethis"},
		{Method: "GET", URL: "{{env.URL}}", Query: "name= foo"}},
	"31-curl-docs-url-query-file.sh": {{Method: "GET", URL: "{{env.URL}}"}},
	"32-manual-request-post.sh": {
		{Method: "POST", URL: "https://example.com/resource.cgi"},
		{Method: "POST", URL: "https://example.com/resource.cgi"}},
}

func TestCurlCorpus(t *testing.T) {
	files, err := filepath.Glob("testdata/curl/*")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 30 {
		t.Fatalf("the corpus has %d command files, want at least 30", len(files))
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if first := strings.SplitN(string(data), "\n", 2)[0]; !strings.HasPrefix(first, "# source: http") {
				t.Errorf("first line %q does not cite the source", first)
			}
			exp, ok := curlCorpus[name]
			if !ok {
				t.Fatalf("no expectation for %s", name)
			}
			c, err := Import(data, f, "")
			if err != nil {
				t.Fatal(err)
			}
			if c.Report.Format != "curl" {
				t.Errorf("detected as %s", c.Report.Format)
			}
			var reqs []*Request
			walkItems(c.Items, func(*Folder) {}, func(r *Request) { reqs = append(reqs, r) })
			if len(reqs) != len(exp) {
				t.Fatalf("%d requests, want %d", len(reqs), len(exp))
			}
			for i, w := range exp {
				checkRequest(t, c, reqs[i], w)
			}
			y, err := c.YAML()
			if err != nil {
				t.Fatalf("%v\n%s", err, y)
			}
			if _, err := collections.LoadBytes(name+".yaml", y); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func checkRequest(t *testing.T, c *Collection, r *Request, w want) {
	t.Helper()
	if r.Method != w.Method {
		t.Errorf("%s: method %q, want %q", r.Name, r.Method, w.Method)
	}
	if r.URL != w.URL {
		t.Errorf("%s: URL %q, want %q", r.Name, r.URL, w.URL)
	}
	var q []string
	for _, kv := range r.Query {
		q = append(q, kv.Key+"="+kv.Value)
	}
	if got := strings.Join(q, "&"); got != w.Query {
		t.Errorf("%s: query %q, want %q", r.Name, got, w.Query)
	}
	if len(r.Headers) != w.NHeaders {
		t.Errorf("%s: %d headers, want %d: %v", r.Name, len(r.Headers), w.NHeaders, r.Headers)
	}
	for _, h := range w.Headers {
		found := false
		for _, kv := range r.Headers {
			found = found || kv.Key+": "+kv.Value == h
		}
		if !found {
			t.Errorf("%s: no header %q in %v", r.Name, h, r.Headers)
		}
	}
	body := ""
	if b := r.Body; b != nil {
		switch b.Kind {
		case BodyJSON:
			body = "json:" + string(b.JSON)
		case BodyText:
			body = "text:" + b.Text
		case BodyFile:
			body = "file:" + b.File
		case BodyForm:
			var f []string
			for _, kv := range b.Form {
				f = append(f, kv.Key+"="+kv.Value)
			}
			body = "form:" + strings.Join(f, "&")
		}
	}
	if body != w.Body {
		t.Errorf("%s: body %q, want %q", r.Name, body, w.Body)
	}
	auth := ""
	if a := r.Auth; a != nil {
		auth = strings.Join([]string{a.Mode, a.Profile, a.Service, a.Region}, " ")
		if p := c.Profile(a.Profile); p != nil {
			var envs []string
			for _, f := range p.Fields {
				if strings.HasSuffix(f.Key, "_env") {
					envs = append(envs, f.Value)
				}
			}
			auth += " " + strings.Join(envs, "/")
		}
		if a.UnsignedPayload {
			auth += " unsigned"
		}
	}
	if auth != w.Auth {
		t.Errorf("%s: auth %q, want %q", r.Name, auth, w.Auth)
	}
}
