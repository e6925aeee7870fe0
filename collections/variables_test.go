package collections

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// An {{env.NAME}} the collection does not declare is an error when the
// file loads, at the "{{", naming the fix; headers, queries, bodies, URLs
// and environment values alike.
func TestUndeclaredEnvironmentVariable(t *testing.T) {
	es := loadErrors(t, doc(
		"name: t",
		"environments:",
		`  dev: {base_url: "https://{{env.API_HOST}}"}`,
		"requests:",
		"  - name: r",
		`    url: "{{base_url}}/x"`,
		"    headers:",
		`      X-Trace: "{{env.AWS_REGION_X}}"`,
		"    query: {q: 'a{{env.Q}}'}",
		"    body: {json: {who: \"{{ env.WHO }}\"}}",
		"variables: [OTHER]",
	))
	checkErrors(t, es,
		want{"3:28", "environment variable API_HOST is not declared (used as {{env.API_HOST}}): add API_HOST to variables:"},
		want{"8:17", "add AWS_REGION_X to variables:"},
		want{"9:18", "add Q to variables:"},
		want{"10:25", "add WHO to variables:"},
	)
}

// Declared, a variable resolves; so does one that an auth profile's *_env
// field names, which declares it too.
func TestDeclaredEnvironmentVariable(t *testing.T) {
	c := mustLoad(t, doc(
		"name: t",
		"variables: [PETS_API_KEY, TRACE_ID]",
		"auth:",
		"  keys: {type: static, access_key_id_env: MY_KEY_ID, secret_access_key_env: MY_SECRET_KEY}",
		"requests:",
		"  - name: r",
		"    url: https://x.test/",
		`    headers: {X-Trace: "{{env.TRACE_ID}}", X-Key-Id: "{{env.MY_KEY_ID}}"}`,
		`    auth: {mode: api_key, api_key: "{{env.PETS_API_KEY}}"}`,
	))
	env := map[string]string{"PETS_API_KEY": "k-123", "TRACE_ID": "t-1", "MY_KEY_ID": "AKID1"}
	r, err := c.Resolve("r", "", nil, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	if !equalKV(r.Headers, []KV{{"X-Trace", "t-1"}, {"X-Key-Id", "AKID1"}}) || string(r.Auth.APIKey) != "k-123" {
		t.Errorf("resolved %v %q", r.Headers, r.Auth.APIKey)
	}
	if got, want := c.Variables(), []string{"MY_KEY_ID", "MY_SECRET_KEY", "PETS_API_KEY", "TRACE_ID"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Variables() = %q, want %q", got, want)
	}
}

// Names shaped like credentials are refused in variables: and in
// templates, in any case, even when a profile's *_env field names them:
// only those fields read them.
func TestCredentialNamesRefused(t *testing.T) {
	es := loadErrors(t, doc(
		"name: t",
		"variables: [AWS_SECRET_ACCESS_KEY, aws_session_token, AWS_ACCESS_KEY_ID, my_Secret_x, GH_TOKEN, DbPassword, OK_NAME, OK_NAME]",
		"auth:",
		"  keys: {type: static, access_key_id_env: AWS_ACCESS_KEY_ID, secret_access_key_env: AWS_SECRET_ACCESS_KEY}",
		"requests:",
		"  - name: r",
		"    url: https://x.test/",
		`    headers: {X-A: "{{env.AWS_SECRET_ACCESS_KEY}}", X-B: "{{env.AWS_ACCESS_KEY_ID}}", X-C: "{{env.Api_Token}}"}`,
	))
	refused := "is refused: it names a credential, which a collection may read only through an auth profile's *_env fields"
	checkErrors(t, es,
		want{"2:13", "variables: AWS_SECRET_ACCESS_KEY " + refused},
		want{"2:36", "variables: aws_session_token " + refused},
		want{"2:55", "variables: AWS_ACCESS_KEY_ID " + refused},
		want{"2:74", "variables: my_Secret_x " + refused},
		want{"2:87", "variables: GH_TOKEN " + refused},
		want{"2:97", "variables: DbPassword " + refused},
		want{"2:118", "variables: OK_NAME is listed twice"},
		want{"8:21", "{{env.AWS_SECRET_ACCESS_KEY}} " + refused},
		want{"8:59", "{{env.AWS_ACCESS_KEY_ID}} " + refused},
		want{"8:93", "{{env.Api_Token}} " + refused},
	)
	es = loadErrors(t, doc("name: t", "variables: {A: 1}"))
	checkErrors(t, es, want{"2:12", "variables must be a list of environment variable names"})
	es = loadErrors(t, doc("name: t", "variables: [A-B]"))
	checkErrors(t, es, want{"2:13", `bad environment variable name "A-B"`})
}

// Hosts: each request's URL host in each environment, template text where
// a variable is not the environment's, and the Cognito endpoints.
func TestHosts(t *testing.T) {
	c := mustLoad(t, doc(
		"name: t",
		"variables: [HOST_X]",
		"environments:",
		"  dev: {base_url: 'http://127.0.0.1:3000/dev', region: us-east-1}",
		"  prod: {host: API.Example.com, base_url: 'https://{{host}}/prod', region: eu-west-1}",
		"  local: {base_url: '{{emulator}}/prod'}",
		"auth:",
		"  app:",
		"    type: cognito",
		`    region: "{{region}}"`,
		"    user_pool_id: us-east-1_A",
		"    client_id: abc",
		"    identity_pool_id: us-east-1:0000",
		"  emu: {type: cognito, user_pool_id: us-east-1_B, client_id: c, endpoint: 'http://127.0.0.1:9229', domain: 'https://auth.example.com'}",
		"requests:",
		"  - {name: a, url: '{{base_url}}/pets'}",
		"  - folder: f",
		"    requests:",
		"      - {name: b, url: 'https://user:pw@other.test:8443/x?y#z'}",
		"      - {name: c, url: 'https://{{env.HOST_X}}/x'}",
	))
	want := []string{
		"127.0.0.1:3000", "127.0.0.1:9229", "api.example.com", "auth.example.com",
		"cognito-identity.eu-west-1.amazonaws.com", "cognito-identity.us-east-1.amazonaws.com", "cognito-identity.{{region}}.amazonaws.com",
		"cognito-idp.eu-west-1.amazonaws.com", "cognito-idp.us-east-1.amazonaws.com", "cognito-idp.{{region}}.amazonaws.com",
		"other.test:8443", "{{emulator}}", "{{env.HOST_X}}",
	}
	if got := c.Hosts(); !reflect.DeepEqual(got, want) {
		t.Errorf("Hosts() =\n %q\nwant\n %q", got, want)
	}
}

// Variables that double at every level do not blow Hosts up.
func TestHostsExpansionBomb(t *testing.T) {
	lines := []string{"name: t", "environments:", "  e:", "    v0: aaaaaaaaaaaaaaaa"}
	for i := 1; i <= 30; i++ {
		lines = append(lines, "    v"+strconv.Itoa(i)+": '{{v"+strconv.Itoa(i-1)+"}}{{v"+strconv.Itoa(i-1)+"}}'")
	}
	lines = append(lines, "requests:", "  - {name: r, url: 'https://h.test/{{v30}}'}")
	c := mustLoad(t, doc(lines...))
	if got := c.Hosts(); len(got) != 1 || got[0] != "h.test" {
		t.Errorf("Hosts() = %q", got)
	}
	lines[len(lines)-1] = "  - {name: r, url: '{{v30}}'}"
	c = mustLoad(t, doc(lines...))
	if got := c.Hosts(); len(got) != 1 || len(got[0]) > maxPartial || !strings.HasPrefix(got[0], "aaaa") {
		t.Errorf("Hosts() of a bomb: %d hosts, first %d bytes", len(got), len(got[0]))
	}
}
