package importer

import (
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/sigscope/sigscope/internal/lazyre"
)

// What an Amplify configuration said (amplifyApp), written as a
// collection: the environment with the API endpoints, the cognito profile
// with the settings as comments, a folder per REST API, the report.

// build writes the collection from what the file said.
func (r *amplifyReader) build(app *amplifyApp, filename string) {
	c := r.c
	c.Name = "Amplify app"
	switch dir := filepath.Base(filepath.Dir(filepath.Clean(filename))); {
	case filename == "" || filename == "-":
	case contains([]string{".", "/", "src", "lib", "public", "config", "amplify", "app"}, strings.ToLower(dir)):
	default:
		c.Name = dir + " (Amplify)" // the project folder Amplify writes into
	}
	c.Comments = []string{fmt.Sprintf("Imported from Amplify %s configuration (%s) by sigscope import.", app.gen, app.format)}

	// Endpoints on the sigscope emulator's address become {{emulator}}, as
	// in the demo collection: its port changes from run to run.
	emu := strings.TrimRight(app.emulator, "/")
	local := func(u string) string { // a template
		if emu != "" && (u == emu || strings.HasPrefix(u, emu+"/")) {
			return "{{emulator}}" + Literal(strings.TrimPrefix(u, emu))
		}
		return Literal(u)
	}

	envName := amplifyStage(app.apis)
	if emu != "" {
		envName = "local"
		c.Note("custom.sigscope.emulator", "the endpoints on %s are the sigscope emulator's: the collection names them {{emulator}}; pass --var emulator=URL (sigscope demo does)", emu)
	}
	env := c.Environment(envName)
	c.DefaultEnvironment = envName
	region := app.region
	if region == "" {
		if i := strings.IndexByte(plain(app.userPoolID), '_'); i > 0 {
			region = app.userPoolID[:i]
		} else if len(app.apis) > 0 {
			region = app.apis[0].region
		}
	}
	app.region = region

	r.checkIDs(app)
	profile := ""
	if app.userPoolID != "" && app.clientID != "" {
		profile = r.profile(app, emu != "")
	} else if app.userPoolID != "" || app.identityPoolID != "" {
		c.Note("auth", "no Cognito profile was written: a cognito profile needs both a user pool and its web client id, and the file names %s; add them to the collection by hand", present(app))
	}
	hasPool := profile != "" && app.identityPoolID != ""
	switch {
	case hasPool:
		c.Description = "The Cognito setup and REST APIs of an Amplify app. Log in with `sigscope login` (or L in the UI): requests are signed with the identity pool's credentials, as Amplify's REST client signs them."
	case profile != "":
		c.Description = "The Cognito setup and REST APIs of an Amplify app. Log in with `sigscope login` (or L in the UI): requests carry the user pool's id token."
	default:
		c.Description = "The REST APIs of an Amplify app."
	}
	if profile != "" {
		mode := "iam"
		if !hasPool {
			mode = "id_token" // without an identity pool there are no AWS credentials
		}
		c.Defaults = &Defaults{Auth: &Auth{Mode: mode, Profile: profile}}
	}

	guests := hasPool && (app.guests == nil || *app.guests)
	for _, api := range app.apis {
		variable := "base_url"
		if len(app.apis) > 1 {
			variable = amplifySlug(api.name) + "_url"
		}
		env.Set(variable, local(strings.TrimRight(api.endpoint, "/")))
		f := &Folder{Name: api.name, Description: fmt.Sprintf("REST API %s (%s)", api.name, api.endpoint)}
		starter := &Request{
			Name: "Starter", Method: "GET", URL: "{{" + variable + "}}/",
			Description: "A starter: change the path to one of the API's resources (Amplify's REST client sends to the endpoint plus the path).",
		}
		if a := r.apiAuth(api, profile, hasPool); a != nil {
			f.Defaults = &Defaults{Auth: a}
		}
		f.Items = append(f.Items, Item{Request: starter})
		if guests && (f.Defaults == nil || f.Defaults.Auth.Mode == "iam") {
			g := &Request{Name: "Starter as a guest", Method: "GET", URL: "{{" + variable + "}}/", Auth: &Auth{Mode: "guest"},
				Description: "Signed with the identity pool's guest (unauthenticated) role, as Amplify does while nobody is signed in."}
			if app.guests == nil {
				g.Comments = append(g.Comments, "the file does not say whether the identity pool allows guests; if it does not, the pool answers NotAuthorizedException \"Unauthenticated access is not supported for this identity pool.\"")
			}
			f.Items = append(f.Items, Item{Request: g})
		}
		if api.region != "" && region != "" && api.region != region {
			starter.Auth = &Auth{Region: api.region}
		}
		c.Items = append(c.Items, Item{Folder: f})
	}
	// After the endpoints, as collections write it: base_url first.
	if region != "" {
		env.Set("region", region)
	}
	if len(app.apis) == 0 {
		c.Note("APIs", "the file names no REST API (custom outputs in Gen 2, aws_cloud_logic_custom in Gen 1): the collection has the Cognito profile only; add requests with their URLs")
	}
	if guests && len(app.apis) == 0 {
		c.Note("auth", "the identity pool lets guests in: auth mode guest signs with its unauthenticated role, no login needed")
	}
	for _, g := range app.graphql {
		what := fmt.Sprintf("GraphQL is not yet supported: the AppSync endpoint %s", g.endpoint)
		if g.auth != "" {
			what += " (authorization " + g.auth + ")"
		}
		what += " was not imported"
		if g.apiKey {
			what += "; its API key was left out of the file"
		}
		c.Note("AppSync", "%s", what)
		c.Comments = append(c.Comments, "not imported: "+what)
	}
	if len(app.others) > 0 {
		sort.Strings(app.others)
		c.Note("other categories", "not imported (no HTTP requests to make of them): %s", strings.Join(app.others, ", "))
	}
}

var (
	userPoolIDShape     = lazyre.New(`^[\w-]+_[0-9a-zA-Z]+$`)
	identityPoolIDShape = lazyre.New(`^[\w-]+:[0-9a-fA-F-]+$`)
	appClientIDShape    = lazyre.New(`^[\w+]+$`)
)

// checkIDs drops ids that are not shaped like Cognito's (a placeholder
// such as "<client-id>", a typo) and says so: the collection would not
// load with them. Templates ({{env.X}}) are the user's to fill.
func (r *amplifyReader) checkIDs(app *amplifyApp) {
	for _, id := range []struct {
		val   *string
		what  string
		shape *lazyre.Regexp
		want  string
	}{
		{&app.userPoolID, "user pool id", userPoolIDShape, "REGION_ID, e.g. us-east-1_AbC123"},
		{&app.clientID, "app client id", appClientIDShape, "letters and digits"},
		{&app.identityPoolID, "identity pool id", identityPoolIDShape, "REGION:UUID"},
	} {
		if v := *id.val; v != "" && !strings.Contains(v, "{{") && !id.shape.MatchString(v) {
			r.c.Note("auth", "the %s %q is not shaped like one (%s): left out; write the real one into the collection", id.what, clip(v, 60), id.want)
			*id.val = ""
		}
	}
}

func present(app *amplifyApp) string {
	var have []string
	if app.userPoolID != "" {
		have = append(have, "user pool "+app.userPoolID)
	}
	if app.clientID != "" {
		have = append(have, "client "+app.clientID)
	}
	if app.identityPoolID != "" {
		have = append(have, "identity pool "+app.identityPoolID)
	}
	return strings.Join(have, ", ")
}

// profile adds the cognito profile and returns its name.
func (r *amplifyReader) profile(app *amplifyApp, emulator bool) string {
	c := r.c
	fields := []KV{}
	if app.region != "" {
		fields = append(fields, KV{Key: "region", Value: "{{region}}"})
	}
	fields = append(fields, KV{Key: "user_pool_id", Value: app.userPoolID}, KV{Key: "client_id", Value: app.clientID})
	if app.identityPoolID != "" {
		fields = append(fields, KV{Key: "identity_pool_id", Value: app.identityPoolID})
	}
	if app.clientSecret {
		fields = append(fields, KV{Key: "client_secret_env", Value: "AMPLIFY_CLIENT_SECRET"})
		c.Note("auth", "the file holds the app client's secret: it was left out; the profile reads it from the environment variable AMPLIFY_CLIENT_SECRET")
	}
	if app.flow != "" {
		fields = append(fields, KV{Key: "flow", Value: app.flow})
	}
	if emulator {
		fields = append(fields, KV{Key: "endpoint", Value: "{{emulator}}"})
	}
	if app.domain != "" {
		d := app.domain
		if !strings.Contains(d, "://") {
			d = "https://" + d
		}
		fields = append(fields, KV{Key: "domain", Value: d, Comment: "hosted UI (flow: hosted)"})
		if len(app.scopes) > 0 {
			fields = append(fields, KV{Key: "scopes", Value: Literal(strings.Join(app.scopes, " "))})
		}
		port, note := amplifyRedirect(app.redirects)
		if port != "" {
			fields = append(fields, KV{Key: "redirect_port", Value: port})
		}
		if note != "" {
			app.authNotes = append(app.authNotes, note)
			c.Note("hosted UI", "%s", note)
		}
	}
	if len(app.idps) > 0 {
		app.authNotes = append(app.authNotes, "federated sign-in: "+strings.Join(app.idps, ", ")+" (identity_provider: NAME with flow: hosted goes straight to one)")
	}
	comment := "The app's Cognito setup, as Amplify reads it."
	if len(app.authNotes) > 0 {
		comment += "\n" + strings.Join(app.authNotes, "\n")
	}
	c.AddProfile(Profile{Name: "amplify", Type: "cognito", Fields: fields, Comment: comment})
	return "amplify"
}

// amplifyRedirect reads the sign-in redirect URIs for the hosted login:
// sigscope listens on http://localhost:PORT/callback, so a registered
// redirect of that shape gives the port; any other needs one added.
func amplifyRedirect(redirects []string) (port, note string) {
	for _, r := range redirects {
		u, err := url.Parse(r)
		if err != nil || u.Scheme != "http" || u.Hostname() != "localhost" || u.Port() == "" {
			continue
		}
		if u.Path == "/callback" {
			return u.Port(), ""
		}
	}
	if len(redirects) == 0 {
		return "", ""
	}
	return "", fmt.Sprintf("hosted UI redirects %s: sigscope's hosted login (flow: hosted) comes back to http://localhost:PORT/callback; add one to the app client's callback URLs and set redirect_port", strings.Join(redirects, ", "))
}

// apiAuth is the folder's auth when the file names the API's
// authorization type; nil leaves the collection's defaults.
func (r *amplifyReader) apiAuth(api amplifyAPI, profile string, hasPool bool) *Auth {
	switch strings.ToUpper(api.auth) {
	case "", "AWS_IAM":
		if profile == "" {
			return &Auth{Mode: "iam", Profile: r.c.AddProfile(Profile{Name: "aws", Type: "aws", Comment: "the default AWS credentials (environment, ~/.aws, SSO)"}), Service: "execute-api"}
		}
		if !hasPool {
			r.c.Note("folder "+api.name, "the API uses IAM but the file names no identity pool: the requests send the id token instead; add identity_pool_id to the profile to sign them")
		}
		return nil
	case "AMAZON_COGNITO_USER_POOLS":
		if profile == "" {
			return nil
		}
		return &Auth{Mode: "id_token"}
	case "API_KEY":
		ref := r.c.SecretRef("folder "+api.name, api.name+"_API_KEY")
		return &Auth{Mode: "api_key", APIKey: ref}
	case "NONE":
		return &Auth{Mode: "none"}
	}
	r.c.Note("folder "+api.name, "authorization type %s is not one sigscope knows: the requests use the collection's defaults", api.auth)
	return nil
}

// amplifyStage names the environment after the APIs' stage (the first
// path segment of their endpoints) when they share one.
func amplifyStage(apis []amplifyAPI) string {
	stage := ""
	for _, a := range apis {
		u, err := url.Parse(a.endpoint)
		if err != nil {
			return "amplify"
		}
		seg, _, _ := strings.Cut(strings.Trim(u.Path, "/"), "/")
		if seg == "" || (stage != "" && seg != stage) || !regexp.MustCompile(`^[A-Za-z0-9_-]+$`).MatchString(seg) {
			return "amplify"
		}
		stage = seg
	}
	if stage == "" {
		return "amplify"
	}
	return stage
}

func amplifySlug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "_"):
			b.WriteByte('_')
		}
	}
	out := strings.Trim(b.String(), "_")
	if out == "" || out[0] >= '0' && out[0] <= '9' {
		out = "api_" + out
	}
	return out
}
