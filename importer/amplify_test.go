package importer

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigscope/sigscope/auth"
	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/emulator"
	"github.com/sigscope/sigscope/emulator/cognito"
	"github.com/sigscope/sigscope/workbench"
)

const demoOutputs = "../examples/amplify/amplify_outputs.json"

func profileField(c *Collection, name, key string) string {
	p := c.Profile(name)
	if p == nil {
		return ""
	}
	for _, f := range p.Fields {
		if f.Key == key {
			return f.Value
		}
	}
	return ""
}

func requestPaths(col *collections.Collection) []string {
	var out []string
	for _, r := range col.Requests() {
		out = append(out, r.Path)
	}
	return out
}

// The real files of the corpus (each with a .source file naming its
// repository and path) and the demo's: what each import writes.
func TestAmplifyFixtures(t *testing.T) {
	t.Run("gen2 with AppSync and guests", func(t *testing.T) {
		c, col := importFile(t, "testdata/amplify/amplify_outputs.gen2-appsync.json")
		if c.Report.Format != "amplify" || c.Report.Imported != 0 {
			t.Fatalf("report %+v", c.Report)
		}
		p, _, err := col.ResolveProfile("amplify", "", nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if p.Region != "us-west-2" || p.UserPoolID != "us-west-2_baJoZ5SNn" || p.ClientID != "6tr7504dpp11c9oba3jh8gvajm" || p.IdentityPoolID != "us-west-2:5db972fb-d32a-42d9-b030-4b1b23b215b0" || p.Endpoint != "" {
			t.Fatalf("profile %+v", p)
		}
		f := findings(c)
		for _, want := range []string{
			"AppSync: GraphQL is not yet supported: the AppSync endpoint https://laijg4mvtfaljbrfvch6emwgym.appsync-api.us-west-2.amazonaws.com/graphql (authorization AWS_IAM) was not imported; its API key was left out of the file",
			"APIs: the file names no REST API",
			"auth: the identity pool lets guests in",
		} {
			if !strings.Contains(f, want) {
				t.Errorf("findings lack %q:\n%s", want, f)
			}
		}
		y, _ := c.YAML()
		for _, want := range []string{"# password policy: at least 8 characters, with lowercase, uppercase, numbers, symbols", "# MFA: off", "# not imported: GraphQL is not yet supported"} {
			if !strings.Contains(string(y), want) {
				t.Errorf("YAML lacks %q:\n%s", want, y)
			}
		}
		if strings.Contains(string(y), "da2-") {
			t.Error("the AppSync API key reached the collection")
		}
	})

	t.Run("gen1 web, hand-edited JavaScript", func(t *testing.T) {
		c, col := importFile(t, "testdata/amplify/aws-exports.gen1-web.js")
		p, _, err := col.ResolveProfile("amplify", "", nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if p.UserPoolID != "us-east-1_qAYkxZlSp" || p.ClientID != "15ocuqh4vnvq7bo26pobp7iesl" || p.IdentityPoolID != "" ||
			p.Domain != "https://us-east-1qaykxzlsp.auth.us-east-1.amazoncognito.com" || p.Scopes != "email openid profile" {
			t.Fatalf("profile %+v", p)
		}
		if got := requestPaths(col); strings.Join(got, "|") != "FinalhttpAPILambda/Starter" {
			t.Fatalf("requests %v (mandatory sign-in: no guest request)", got)
		}
		rr, err := col.Resolve("FinalhttpAPILambda/Starter", "", nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		// No identity pool, so no AWS credentials: the id token it is.
		if rr.URL != "https://pzbtz8dz14.execute-api.us-east-1.amazonaws.com/" || rr.Auth.Mode != collections.ModeIDToken {
			t.Fatalf("starter %s %s", rr.URL, rr.Auth.Mode)
		}
		if f := findings(c); !strings.Contains(f, "hosted UI: hosted UI redirects http://localhost:5173/") || !strings.Contains(f, "names no identity pool") {
			t.Errorf("findings:\n%s", f)
		}
	})

	t.Run("gen1 mobile", func(t *testing.T) {
		c, col := importFile(t, "testdata/amplify/amplifyconfiguration.gen1-mobile.json")
		if !strings.Contains(c.Comments[0], "Gen 1") || col.DefaultEnvironment != "dev" {
			t.Fatalf("comments %v, environment %q", c.Comments, col.DefaultEnvironment)
		}
		rr, err := col.Resolve("apitest/Starter", "", nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if rr.URL != "https://22cdq9hrjb.execute-api.ap-northeast-2.amazonaws.com/dev/" || rr.Auth.Region != "ap-northeast-2" {
			t.Fatalf("starter %s region %s", rr.URL, rr.Auth.Region)
		}
		if profileField(c, "amplify", "region") != "{{region}}" || !strings.Contains(c.Profile("amplify").Comment, "password policy: at least 8 characters, with lowercase, numbers") {
			t.Fatalf("profile %+v", c.Profile("amplify"))
		}
	})
}

// Mobile configurations may carry the app client's secret; it is never
// written, the profile reads it from the environment. process.env values
// become {{env.NAME}}; other code is reported, not run.
func TestAmplifySecretsAndCode(t *testing.T) {
	mobile := `{"auth": {"plugins": {"awsCognitoAuthPlugin": {
	  "CognitoUserPool": {"Default": {"PoolId": "us-east-2_mcGajJ7gU", "AppClientId": "5uqadndb0ipsjg2n7b0hbcdnne", "AppClientSecret": "1jrtr07i0dni7cg3gnsl5d73qqkr1nsjd2b29rea91f5m4igtmbs", "Region": "us-east-2"}},
	  "CredentialsProvider": {"CognitoIdentity": {"Default": {"PoolId": "us-east-2:479ed400-34af-401f-86c8-823c02eef22d", "Region": "us-east-2"}}},
	  "Auth": {"Default": {"authenticationFlowType": "USER_PASSWORD_AUTH"}}}}},
	  "api": {"plugins": {"awsAPIPlugin": {"keyed": {"endpointType": "REST", "endpoint": "https://a1.execute-api.us-east-2.amazonaws.com/v1", "region": "us-east-2", "authorizationType": "API_KEY"},
	    "gql": {"endpointType": "GraphQL", "endpoint": "https://b2.appsync-api.us-east-2.amazonaws.com/graphql", "authorizationType": "API_KEY", "apiKey": "da2-notreal"}}}}}`
	c, err := Import([]byte(mobile), "amplifyconfiguration.json", "")
	if err != nil {
		t.Fatal(err)
	}
	y, err := c.YAML()
	if err != nil {
		t.Fatalf("%v\n%s", err, y)
	}
	if strings.Contains(string(y), "1jrtr07i") || strings.Contains(string(y), "da2-") {
		t.Fatalf("a secret reached the collection:\n%s", y)
	}
	if profileField(c, "amplify", "client_secret_env") != "AMPLIFY_CLIENT_SECRET" || profileField(c, "amplify", "flow") != "password" {
		t.Fatalf("profile %+v", c.Profile("amplify"))
	}
	col, err := collections.LoadBytes("x.yaml", y)
	if err != nil {
		t.Fatal(err)
	}
	rr, err := col.Resolve("keyed/Starter", "", nil, func(k string) (string, bool) { return "v-" + k, true })
	if err != nil || rr.Auth.Mode != collections.ModeAPIKey {
		t.Fatalf("API_KEY folder: %v %+v", err, rr)
	}

	web := "const awsmobile = {\n  aws_project_region: process.env.REACT_APP_REGION,\n  aws_user_pools_id: process.env.REACT_APP_USER_POOLS_ID || \"\",\n  aws_user_pools_web_client_id: getClient(),\n  aws_cloud_logic_custom: [{ name: 'api', endpoint: `${base}/dev`, region: 'us-east-1' }],\n};\nexport default awsmobile;\n"
	c, err = Import([]byte(web), "aws-exports.js", "")
	if err != nil {
		t.Fatal(err)
	}
	f := findings(c)
	for _, want := range []string{
		"line 3:22: aws_user_pools_id is process.env.REACT_APP_USER_POOLS_ID || \"\" in the file: the collection reads the environment variable REACT_APP_USER_POOLS_ID",
		"line 4:33: aws_user_pools_web_client_id is code (getClient()), not a value: sigscope reads the file as data and never runs it",
		"line 5:53: aws_cloud_logic_custom[0].endpoint is code (`${base}/dev`)",
		"auth: no Cognito profile was written",
	} {
		if !strings.Contains(f, want) {
			t.Errorf("findings lack %q:\n%s", want, f)
		}
	}
}

func TestAmplifyErrors(t *testing.T) {
	for _, c := range []struct{ name, file, src, want string }{
		{"syntax", "aws-exports.js", "const awsmobile = {\n  aws_user_pools_id: 'us-east-1_x'\n  aws_project_region: 'us-east-1'\n};", `aws-exports.js:3:3: want ',' or '}' after the value of "aws_user_pools_id"`},
		{"nothing amplify", "amplify_outputs.json", `{"version": "1", "storage": {"bucket_name": "b"}}`, "no Cognito pool, REST API or AppSync endpoint found"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Import([]byte(c.src), c.file, "")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err %v\nwant %s", err, c.want)
			}
		})
	}
	// The formats the other importers read are not taken for Amplify.
	for _, f := range []string{"testdata/openapi/http-api-petstore-openapi3.json", "testdata/openapi/s3-proxy-swagger2.json"} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if (amplifyImporter{}).Detect(data, f) {
			t.Errorf("%s detected as Amplify", f)
		}
	}
}

// The demo backend's outputs give the demo collection's Cognito setup:
// the same pools, client and endpoint, the same base URL, and a guest
// request as the demo has.
func TestAmplifyDemoOutputsMatchTheDemo(t *testing.T) {
	c, col := importFile(t, demoOutputs)
	demo, err := collections.Load("../examples/collections/demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"emulator": "http://127.0.0.1:7466"}
	got, _, err := col.ResolveProfile("amplify", "", vars, nil)
	if err != nil {
		t.Fatal(err)
	}
	want, _, err := demo.ResolveProfile("app", "", vars, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Region != want.Region || got.UserPoolID != want.UserPoolID || got.ClientID != want.ClientID || got.IdentityPoolID != want.IdentityPoolID || got.Endpoint != want.Endpoint || got.Flow != want.Flow {
		t.Fatalf("imported profile %+v\ndemo's %+v", got, want)
	}
	if col.DefaultEnvironment != demo.DefaultEnvironment {
		t.Errorf("environment %q, the demo's %q", col.DefaultEnvironment, demo.DefaultEnvironment)
	}
	gotRR, err := col.Resolve("petsApi/Starter as a guest", "", vars, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantRR, err := demo.Resolve("Public via guest credentials", "", vars, nil)
	if err != nil {
		t.Fatal(err)
	}
	if gotRR.Auth.Mode != wantRR.Auth.Mode || strings.TrimSuffix(gotRR.URL, "/") != strings.TrimSuffix(wantRR.URL, "/pets") || gotRR.Auth.Region != wantRR.Auth.Region || gotRR.Auth.Service != wantRR.Auth.Service {
		t.Fatalf("guest request %s %s %s, the demo's %s %s %s", gotRR.Auth.Mode, gotRR.URL, gotRR.Auth.Region, wantRR.Auth.Mode, wantRR.URL, wantRR.Auth.Region)
	}
	if !strings.Contains(c.Profile("amplify").Comment, "MFA: optional (SMS, TOTP)") {
		t.Errorf("profile comment %q", c.Profile("amplify").Comment)
	}
}

// Must show: Amplify Gen 2 and Gen 1 configurations become collections
// that log in and send against the emulator (on 127.0.0.1:0), guest mode
// included.
func TestAmplifyImportLogsInAndSends(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, err := emulator.Start(ctx, emulator.Options{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	cfg := srv.Config
	pool, ipool := cfg.Cognito.UserPools[0], cfg.Cognito.IdentityPools[0]

	gen1 := `// aws-exports.js as the Amplify CLI writes it, for the emulator's demo backend
const awsmobile = {
    "aws_project_region": "us-east-1",
    "aws_cognito_identity_pool_id": "` + ipool.ID + `",
    "aws_cognito_region": "us-east-1",
    "aws_user_pools_id": "` + pool.ID + `",
    "aws_user_pools_web_client_id": "` + pool.Clients[0].ID + `",
    "oauth": {},
    "aws_cloud_logic_custom": [
        {
            "name": "petsApi",
            "endpoint": "` + srv.URL + `/prod",
            "region": "us-east-1"
        }
    ],
};

export default awsmobile;
`
	demoData, err := os.ReadFile(demoOutputs)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, file string
		data       []byte
		vars       map[string]string
		endpoint   bool // point the profile at the emulator (Gen 1 files cannot say)
	}{
		{"gen2 demo outputs", "amplify_outputs.json", demoData, map[string]string{"emulator": srv.URL}, false},
		{"gen1 aws-exports.js", "aws-exports.js", []byte(gen1), nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			src := filepath.Join(dir, tc.file)
			if err := os.WriteFile(src, tc.data, 0o600); err != nil {
				t.Fatal(err)
			}
			c, err := ImportPath(src, "")
			if err != nil {
				t.Fatal(err)
			}
			if tc.endpoint {
				p := c.Profile("amplify")
				p.Fields = append(p.Fields, KV{Key: "endpoint", Value: srv.URL})
			}
			y, err := c.YAML()
			if err != nil {
				t.Fatalf("%v\n%s", err, y)
			}
			path := filepath.Join(dir, "app.yaml")
			if err := os.WriteFile(path, y, 0o600); err != nil {
				t.Fatal(err)
			}
			wb, err := workbench.OpenBytes(path, y, workbench.Options{
				Vars: tc.vars, Trusted: true,
				Env: workbench.Env{LookupEnv: func(string) (string, bool) { return "", false }, CacheDir: filepath.Join(dir, "cache"), UserAgent: "sigscope/test"},
			})
			if err != nil {
				t.Fatal(err)
			}
			toPets := workbench.Run{Timeout: 5 * time.Second, Edit: func(rr *collections.ResolvedRequest) { rr.URL = strings.TrimSuffix(rr.URL, "/") + "/pets" }}

			// Guests first: no login needed.
			g := wb.Send(ctx, "petsApi/Starter as a guest", toPets)
			defer g.Close()
			if g.Err != nil || g.Result.Err != nil || g.Result.Response.Status != 200 {
				t.Fatalf("guest send: %v %+v", g.Err, g.Result)
			}
			if caller(t, g) != "arn:aws:sts::123456789012:assumed-role/sigscope-demo-guest/CognitoIdentityCredentials" {
				t.Fatalf("guest caller %q", caller(t, g))
			}

			// Then log in as the demo user and send as the app would.
			loginAs(t, wb, "demo", pool.Users[0].Password)
			oc := wb.Send(ctx, "petsApi/Starter", toPets)
			defer oc.Close()
			if oc.Err != nil || oc.Result.Err != nil || oc.Result.Response.Status != 200 {
				t.Fatalf("signed send: %v %+v", oc.Err, oc.Result)
			}
			if caller(t, oc) != "arn:aws:sts::123456789012:assumed-role/sigscope-demo-auth/CognitoIdentityCredentials" {
				t.Fatalf("logged-in caller %q", caller(t, oc))
			}
		})
	}
}

// loginAs logs into the collection's Cognito profile as user, as L does.
func loginAs(t *testing.T, wb *workbench.Workbench, user, password string) *workbench.LoginStatus {
	t.Helper()
	return loginProfile(t, wb, "", user, password)
}

func caller(t *testing.T, oc *workbench.Outcome) string {
	t.Helper()
	var echo struct {
		RequestContext struct {
			Identity struct {
				UserArn string `json:"userArn"`
			} `json:"identity"`
		} `json:"requestContext"`
	}
	if err := json.Unmarshal(oc.Result.Response.Body, &echo); err != nil {
		t.Fatalf("echo %.200s: %v", oc.Result.Response.Body, err)
	}
	return echo.RequestContext.Identity.UserArn
}

// Must show, for the real files: each public configuration's collection
// logs in and sends against an emulator that plays that app's backend
// (its pools, client, region and guest setting; 127.0.0.1:0), its
// endpoints pointed there as a user points a collection at a test stage.
func TestAmplifyPublicFilesAgainstTheEmulator(t *testing.T) {
	for _, tc := range []struct {
		file, request, path string
		guest               string // the request signed with guest credentials, when the pool lets guests in
	}{
		{"testdata/amplify/aws-exports.gen1-web.js", "FinalhttpAPILambda/Starter", "/me", ""},    // id token: no identity pool
		{"testdata/amplify/amplifyconfiguration.gen1-mobile.json", "apitest/Starter", "/me", ""}, // id token: no identity pool
		{"testdata/amplify/amplify_outputs.gen2-appsync.json", "", "/pets", ""},                  // no REST API: the profile's logins and guests
		{"testdata/amplify/amplify_outputs.gen2-rest.json", "NecHttp/Starter", "/pets", "NecHttp/Starter as a guest"},
	} {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			c, col := importFile(t, tc.file)
			p, _, err := col.ResolveProfile("amplify", "", nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			cfg := emulator.DefaultConfig()
			cfg.Region = p.Region
			up := &cfg.Cognito.UserPools[0]
			up.ID, up.Clients = p.UserPoolID, up.Clients[:1]
			up.Clients[0].ID = p.ClientID
			cfg.Cognito.IdentityPools = nil
			if p.IdentityPoolID != "" {
				cfg.Cognito.IdentityPools = []cognito.IdentityPoolConfig{{ID: p.IdentityPoolID, AllowUnauthenticated: true, UserPools: []string{p.UserPoolID}, UnauthenticatedRole: "app-guest", AuthenticatedRole: "app-auth"}}
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			srv, err := emulator.Start(ctx, emulator.Options{Addr: "127.0.0.1:0", Config: cfg})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()

			prof := c.Profile("amplify")
			prof.Fields = append(prof.Fields, KV{Key: "endpoint", Value: srv.URL})
			y, err := c.YAML()
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			path := filepath.Join(dir, "app.yaml")
			if err := os.WriteFile(path, y, 0o600); err != nil {
				t.Fatal(err)
			}
			wb, err := workbench.OpenBytes(path, y, workbench.Options{
				Vars: map[string]string{"base_url": srv.APIURL()}, Trusted: true,
				Env: workbench.Env{LookupEnv: func(string) (string, bool) { return "", false }, CacheDir: filepath.Join(dir, "cache"), UserAgent: "sigscope/test"},
			})
			if err != nil {
				t.Fatal(err)
			}
			toPath := workbench.Run{Timeout: 5 * time.Second, Edit: func(rr *collections.ResolvedRequest) { rr.URL = strings.TrimSuffix(rr.URL, "/") + tc.path }}
			if tc.guest != "" {
				// Nobody signed in yet: the guest role signs, as in the app.
				g := wb.Send(ctx, tc.guest, toPath)
				defer g.Close()
				if g.Err != nil || g.Result.Err != nil || g.Result.Response.Status != 200 {
					t.Fatalf("guest send %s: %v %+v", tc.guest, g.Err, g.Result)
				}
				if got := caller(t, g); got != "arn:aws:sts::123456789012:assumed-role/app-guest/CognitoIdentityCredentials" {
					t.Fatalf("guest caller %q", got)
				}
			}
			status := loginAs(t, wb, "demo", up.Users[0].Password)
			if p.IdentityPoolID != "" && status.IdentityID == "" {
				t.Fatalf("no identity-pool credentials after the login: %+v", status)
			}
			if tc.request != "" {
				oc := wb.Send(ctx, tc.request, toPath)
				defer oc.Close()
				if oc.Err != nil || oc.Result.Err != nil || oc.Result.Response.Status != 200 {
					t.Fatalf("send %s: %v %+v", tc.request, oc.Err, oc.Result)
				}
				return
			}
			// No REST API in the file: the profile's guest and logged-in
			// credentials sign a request the test adds.
			src := workbench.Sources{CollectionPath: path, AuthOptions: []auth.Option{auth.WithStore(&auth.Store{Dir: filepath.Join(dir, "cache", "tokens")})}, LookupEnv: func(string) (string, bool) { return "", false }}
			rp, _, err := wb.Coll.ResolveProfile("amplify", "", nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			guest, region, err := src.Guest(ctx, rp)
			if err != nil || region != "us-west-2" || !strings.HasPrefix(guest.AccessKeyID, "ASIA") {
				t.Fatalf("guest credentials: %v %s %s", err, region, guest.AccessKeyID)
			}
		})
	}
}
