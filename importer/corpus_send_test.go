package importer

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sigscope/sigscope/auth"
	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/emulator"
	"github.com/sigscope/sigscope/emulator/apigw"
	"github.com/sigscope/sigscope/workbench"
)

// TestCorpusSendsToTheEmulator: every public collection and export of the
// corpus (testdata/FORMAT/, each citing its source) is imported and its
// requests sent to an emulator that plays the API they were written for,
// as a user points a collection at a test stage: the scheme and host of
// each URL become the emulator's, its path goes under a stage whose route
// has the request's authorizer (AWS_IAM for iam, a Cognito user pool for
// the token modes, none for the rest), the region is the request's. Every
// request whose shape allows it must get the gateway's 200 (a signature
// or token the gateway refused is a failure); the others are the shapes
// the emulator cannot play, each logged with its reason.
func TestCorpusSendsToTheEmulator(t *testing.T) {
	sources := corpusSources(t)
	sent, skipped := 0, 0
	for _, src := range sources {
		t.Run(src, func(t *testing.T) {
			s, k := sendCorpusSource(t, src)
			sent += s
			skipped += k
		})
	}
	t.Logf("%d request(s) of %d source(s) sent with 200, %d the emulator cannot play", sent, len(sources), skipped)
	if sent == 0 {
		t.Fatal("no request of the corpus was sent")
	}
}

// corpusSources are the files and folders under testdata/FORMAT/, as
// TestEveryTestdataImportLoads reads them.
func corpusSources(t *testing.T) []string {
	t.Helper()
	formats, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range formats {
		if !isCorpusFormat(f) {
			continue
		}
		entries, err := os.ReadDir(filepath.Join("testdata", f.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			n := e.Name()
			if strings.HasSuffix(n, ".md") || strings.HasSuffix(n, ".csv") || strings.HasPrefix(n, ".") || strings.Contains(n, ".golden") {
				continue
			}
			out = append(out, filepath.Join("testdata", f.Name(), n))
		}
	}
	return out
}

// The stages of the corpus emulator, one per kind of authorizer.
const (
	stageIAM    = "iam"
	stageToken  = "idtoken"
	stageAccess = "access"
	stageOpen   = "open"
	// Cognito's own API (X-Amz-Target), at the emulator's root.
	stageCognito = "-"
)

// corpusBackend is an emulator in one region with a route of each kind,
// its user pool (when the source names a real-shaped one) the source's.
func corpusBackend(t *testing.T, region, pool, client, identityPool string) *emulator.Server {
	t.Helper()
	cfg := emulator.DefaultConfig()
	cfg.Region = region
	cfg.Credentials = cfg.Credentials[:1]
	up := &cfg.Cognito.UserPools[0]
	up.Clients = up.Clients[:1]
	if pool != "" {
		up.ID = pool
	} else {
		up.ID = region + "_Corpus1"
	}
	if client != "" {
		up.Clients[0].ID = client
	}
	ip := &cfg.Cognito.IdentityPools[0]
	ip.ID, ip.UserPools = region+":1a2b3c4d-0000-4000-8000-1234567890ab", []string{up.ID}
	if identityPool != "" {
		ip.ID = identityPool
	}
	echo := apigw.Response{Kind: "echo"}
	var routes []apigw.Route
	for _, st := range []struct {
		stage, authorizer string
		scopes            []string
	}{
		{stageIAM, "AWS_IAM", nil},
		{stageToken, "COGNITO_USER_POOLS", nil},
		{stageAccess, "COGNITO_USER_POOLS", []string{"aws.cognito.signin.user.admin"}},
		{stageOpen, "NONE", nil},
	} {
		for _, p := range []string{"/" + st.stage, "/" + st.stage + "/{proxy+}"} {
			r := apigw.Route{Method: "ANY", Path: p, Authorizer: st.authorizer, Response: echo}
			r.AuthorizationScopes = st.scopes
			routes = append(routes, r)
		}
	}
	cfg.API = apigw.Config{ID: "corpus1", Stages: []string{"prod"}, Routes: routes}
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := emulator.Start(ctx, emulator.Options{Addr: "127.0.0.1:0", Config: cfg})
	if err != nil {
		cancel()
		t.Fatalf("emulator for %s: %v", region, err)
	}
	t.Cleanup(func() { srv.Close(); cancel() })
	return srv
}

var (
	unknownVar = regexp.MustCompile(`unknown variable "([^"]+)"`)
	notAURL    = regexp.MustCompile(`URL after templating is "v-([^"/]*)`)
)

// corpusVars resolves a request with a value for every variable the
// source leaves to the user (as --var or the environment would give it,
// in given): a URL where the URL starts with the variable, a region or
// password where the name says so, else a value of its own.
func corpusVars(col *collections.Collection, path, env string, given map[string]string, lookup func(string) (string, bool)) (*collections.ResolvedRequest, error) {
	for range 30 {
		rr, err := col.Resolve(path, env, given, lookup)
		if err == nil {
			return rr, nil
		}
		more := false
		for _, m := range unknownVar.FindAllStringSubmatch(err.Error(), -1) {
			if _, ok := given[m[1]]; !ok {
				given[m[1]], more = corpusValue(m[1]), true
			}
		}
		if m := notAURL.FindStringSubmatch(err.Error()); m != nil && given[m[1]] != "https://api.example.com" {
			given[m[1]], more = "https://api.example.com", true
		}
		if !more {
			return nil, err
		}
	}
	return col.Resolve(path, env, given, lookup)
}

// corpusValue is what a user would give a variable the source leaves open.
func corpusValue(name string) string {
	switch n := strings.ToLower(name); {
	case strings.Contains(n, "region"):
		return "us-east-1"
	case strings.Contains(n, "passw"):
		return emulator.DefaultConfig().Cognito.UserPools[0].Users[0].Password
	}
	return "v-" + name
}

// corpusPlaceholders fills what the import left as a placeholder in the
// Cognito profiles, as its report asks the user to: the user pool
// (REGION_REPLACEME) and app client the emulator plays.
func corpusPlaceholders(c *Collection) {
	client := emulator.DefaultConfig().Cognito.UserPools[0].Clients[0].ID
	for i := range c.Profiles {
		p := &c.Profiles[i]
		if p.Type != "cognito" {
			continue
		}
		for j := range p.Fields {
			f := &p.Fields[j]
			switch {
			case f.Key == "user_pool_id" && strings.HasSuffix(f.Value, "_REPLACEME"):
				f.Value = strings.TrimSuffix(f.Value, "REPLACEME") + "Corpus1"
			case f.Key == "client_id" && strings.HasPrefix(f.Value, "REPLACE"):
				f.Value = client
			}
		}
		// The profile logs in to the emulator, which plays the pool.
		p.Fields = append(p.Fields, KV{Key: "endpoint", Value: "{{corpus_emulator}}"})
	}
}

// sendCorpusSource imports one source and sends what it can; it returns
// how many requests got 200 and how many the emulator cannot play.
func sendCorpusSource(t *testing.T, src string) (sent, skipped int) {
	c, err := ImportPath(src, "")
	if err != nil {
		t.Fatal(err)
	}
	corpusPlaceholders(c)
	y, err := c.YAML()
	if err != nil {
		t.Fatalf("%v\n%s", err, y)
	}
	col, err := collections.LoadBytes("corpus.yaml", y)
	if err != nil {
		t.Fatal(err)
	}
	env := col.DefaultEnvironment
	if envs := col.Environments(); env == "" && len(envs) > 0 {
		env = envs[0]
	}
	cred := emulator.DefaultConfig().Credentials[0]
	password := emulator.DefaultConfig().Cognito.UserPools[0].Users[0].Password
	// The AWS default chain of aws profiles: the process environment, with
	// no shared files.
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_ACCESS_KEY_ID", cred.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", cred.SecretAccessKey)
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	keyEnv := map[string]string{}
	for _, p := range c.Profiles {
		for _, f := range p.Fields {
			switch f.Key {
			case "access_key_id_env":
				keyEnv[f.Value] = cred.AccessKeyID
			case "secret_access_key_env":
				keyEnv[f.Value] = cred.SecretAccessKey
			case "password_env":
				keyEnv[f.Value] = password
			}
		}
	}
	// What the user gives: variables and environment variables alike.
	given := map[string]string{}
	lookup := func(k string) (string, bool) {
		if v, ok := keyEnv[k]; ok && k != "" {
			return v, true
		}
		if strings.HasPrefix(k, "AWS_") || strings.HasPrefix(k, "SIGSCOPE_") || strings.HasSuffix(k, "_PROXY") {
			return "", false // sigscope's and the SDK's own settings: unset
		}
		if v, ok := given[k]; ok {
			return v, true
		}
		return corpusValue(k), true
	}

	skip := func(path, why string) {
		skipped++
		t.Logf("%s: not sent: %s", path, why)
	}
	backends := map[string]*emulator.Server{}
	for _, ref := range col.Requests() {
		given["corpus_emulator"] = "http://127.0.0.1:1"
		rr, err := corpusVars(col, ref.Path, env, given, lookup)
		if err != nil {
			if strings.Contains(err.Error(), "body file") {
				skip(ref.Path, "its body is a file the source names and does not hold")
				continue
			}
			t.Errorf("%s: resolve with every variable given: %v", ref.Path, err)
			continue
		}
		stage, why := corpusStage(rr)
		if why != "" {
			skip(ref.Path, why)
			continue
		}
		// A Cognito profile's pools are played by the emulator: its user
		// logs in there (the token modes, and iam with identity-pool
		// credentials), or its guests get credentials.
		pool, client, identityPool := "", "", ""
		cognitoProfile := rr.Auth.Profile != nil && rr.Auth.Profile.Type == collections.ProfileCognito
		if cognitoProfile {
			pool, client, identityPool = rr.Auth.Profile.UserPoolID, rr.Auth.Profile.ClientID, rr.Auth.Profile.IdentityPoolID
		}
		region := rr.Auth.Region
		if region == "" {
			region = "us-east-1"
		}
		// One backend per app the source's requests talk to.
		key := strings.Join([]string{region, pool, client, identityPool}, "|")
		srv := backends[key]
		if srv == nil {
			srv = corpusBackend(t, region, pool, client, identityPool)
			backends[key] = srv
		}
		given["corpus_emulator"] = srv.URL
		if p := rr.Auth.Profile; stage == stageIAM && p != nil && p.SessionTokenEnv != "" {
			// Temporary keys, as STS hands them out: the emulator's
			// identity pool's, for a guest.
			id, secret, token := corpusGuestKeys(t, srv)
			keyEnv[p.AccessKeyIDEnv], keyEnv[p.SecretAccessKeyEnv], keyEnv[p.SessionTokenEnv] = id, secret, token
		}
		wb, err := workbench.OpenBytes(filepath.Join(dir, "corpus.yaml"), y, workbench.Options{
			Environment: env, Vars: given, Trusted: true,
			Env: workbench.Env{LookupEnv: lookup, CacheDir: filepath.Join(dir, "cache"), UserAgent: "sigscope/test"},
		})
		if err != nil {
			t.Fatal(err)
		}
		run := workbench.Run{Timeout: 10 * time.Second}
		if cognitoProfile && rr.Auth.Mode != collections.ModeGuest {
			loginProfile(t, wb, rr.Auth.Profile.Name, "demo", password)
			run.Username = "demo"
		}
		origin := srv.URL + "/prod/" + stage
		if stage == stageCognito {
			origin = srv.URL
		}
		run.Edit = func(rr *collections.ResolvedRequest) { rr.URL = origin + pathAndQuery(rr.URL) }
		oc := wb.Send(context.Background(), ref.Path, run)
		switch {
		case oc.Err != nil:
			t.Errorf("%s: send: %v", ref.Path, oc.Err)
		case oc.Result.Err != nil || oc.Result.Response == nil:
			t.Errorf("%s: no answer: %v", ref.Path, oc.Result.Err)
		case oc.Result.Response.Status != 200:
			t.Errorf("%s (%s, stage %s): %d %.300s", ref.Path, rr.Auth.Mode, stage, oc.Result.Response.Status, oc.Result.Response.Body)
		default:
			sent++
		}
		oc.Close()
	}
	return sent, skipped
}

// corpusStage is the emulator stage a request goes to, or why the
// emulator cannot play it.
func corpusStage(rr *collections.ResolvedRequest) (stage, why string) {
	for _, h := range rr.Headers {
		if strings.EqualFold(h.Key, "Authorization") && strings.HasPrefix(h.Value, "AWS4-") {
			return "", "a signature frozen in the source (Authorization: AWS4-…), which no server accepts once it has expired"
		}
		if strings.EqualFold(h.Key, "X-Amz-Target") && strings.HasPrefix(h.Value, "AWSCognitoIdentityProviderService.") {
			return stageCognito, ""
		}
		if strings.EqualFold(h.Key, "Host") {
			return "", "it names its own Host header, which the loopback emulator refuses (421)"
		}
	}
	a := rr.Auth
	switch a.Mode {
	case collections.ModeNone, collections.ModeAPIKey:
		return stageOpen, ""
	case collections.ModeGuest:
		return stageIAM, ""
	case collections.ModeIAM:
		switch {
		case a.Service != "execute-api":
			return "", "it signs for the service " + a.Service + ", and the emulator plays API Gateway (execute-api)"
		case a.Presign:
			return "", "a presigned URL"
		case a.Profile != nil && a.Profile.AWSProfile != "":
			return "", "its keys come from the shared-config profile " + a.Profile.AWSProfile
		case !awsRegionRE.MatchString(a.Region):
			return "", "it signs for the region " + a.Region + ", which is no AWS region (the import reports it)"
		}
		return stageIAM, ""
	case collections.ModeIDToken, collections.ModeAccessToken:
		p := a.Profile
		if p == nil || !poolIDShape.MatchString(p.UserPoolID) || !clientIDShape.MatchString(p.ClientID) {
			return "", "its Cognito profile names no user pool and app client"
		}
		if a.Bearer {
			return "", `it sends "Bearer TOKEN", as an HTTP API's JWT authorizer reads it; the emulator plays a REST API, whose Cognito authorizer wants the raw token`
		}
		if a.Mode == collections.ModeAccessToken {
			return stageAccess, ""
		}
		return stageToken, ""
	}
	return "", "auth mode " + string(a.Mode)
}

// pathAndQuery is a URL without its scheme and host, as written.
func pathAndQuery(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
		if j := strings.IndexAny(u, "/?#"); j >= 0 {
			u = u[j:]
		} else {
			u = ""
		}
	}
	if u == "" || u[0] != '/' {
		u = "/" + u
	}
	return u
}

// loginProfile logs into one Cognito profile of the collection as user
// ("" the collection's only one).
func loginProfile(t *testing.T, wb *workbench.Workbench, profile, user, password string) *workbench.LoginStatus {
	t.Helper()
	ctx := context.Background()
	target, err := wb.LoginTarget(profile)
	if err != nil {
		t.Fatal(err)
	}
	l, err := target.Start(user)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := l.Answer(ctx, auth.Answer{Password: password}); err != nil || st.Kind != auth.StepDone {
		t.Fatalf("login to %s as %s: %v %v", target.Profile.UserPoolID, user, st.Kind, err)
	}
	status, err := target.Finish(ctx, l)
	if err != nil {
		t.Fatal(err)
	}
	return status
}

// corpusGuestKeys are temporary keys with a session token from the
// emulator's identity pool.
func corpusGuestKeys(t *testing.T, srv *emulator.Server) (id, secret, token string) {
	t.Helper()
	c, _, err := auth.GuestCredentials(context.Background(), auth.CognitoProfile{IdentityPoolID: srv.Config.Cognito.IdentityPools[0].ID, Endpoint: srv.URL})
	if err != nil || c.SessionToken == "" {
		t.Fatalf("guest credentials: %v", err)
	}
	return c.AccessKeyID, c.SecretAccessKey, c.SessionToken
}
