package importer

import (
	"fmt"
	"strings"
)

// Amplify Gen 1 configurations. The web libraries read aws-exports.js (and,
// from CLI 12, amplifyconfiguration.json of the same flat keys:
// aws_user_pools_id, aws_cloud_logic_custom...); people also write the
// object Amplify.configure takes by hand (Auth/API, in the v5 and the v6
// shapes). The mobile libraries (Android, iOS, Flutter) read
// amplifyconfiguration.json with plugin sections (awsCognitoAuthPlugin,
// awsAPIPlugin).

// gen1Web reads the flat keys, then the hand-written Auth and API blocks.
func (r *amplifyReader) gen1Web(doc *jsObject) *amplifyApp {
	app := &amplifyApp{gen: "Gen 1", format: "aws-exports / amplifyconfiguration.json"}
	r.app = app
	app.region = plain(doc.get("aws_cognito_region"))
	if app.region == "" {
		app.region = plain(doc.get("aws_project_region"))
	}
	app.userPoolID = r.text("aws_user_pools_id", doc.get("aws_user_pools_id"))
	app.clientID = r.text("aws_user_pools_web_client_id", doc.get("aws_user_pools_web_client_id"))
	app.identityPoolID = r.text("aws_cognito_identity_pool_id", doc.get("aws_cognito_identity_pool_id"))
	if strings.EqualFold(plain(doc.get("aws_mandatory_sign_in")), "enable") {
		app.guests = boolPtr(false)
	}
	app.hostedUI(objAt(doc, "oauth"), "domain", "redirectSignIn", "scope")
	app.idps = strsOf(doc.get("aws_cognito_social_providers"))
	app.gen1Notes(objAt(doc, "aws_cognito_password_protection_settings"), doc.get("aws_cognito_mfa_configuration"), doc.get("aws_cognito_mfa_types"), doc.get("aws_cognito_username_attributes"))
	if list, ok := doc.get("aws_cloud_logic_custom").([]jsValue); ok {
		for i, v := range list {
			if o, ok := v.(*jsObject); ok {
				r.addAPI(app, fmt.Sprintf("aws_cloud_logic_custom[%d]", i), plain(o.get("name")), o.get("endpoint"), o.get("region"), nil)
			}
		}
	}
	if ep := plain(doc.get("aws_appsync_graphqlEndpoint")); ep != "" {
		app.graphql = append(app.graphql, amplifyGraphQL{endpoint: ep, auth: plain(doc.get("aws_appsync_authenticationType")), apiKey: doc.get("aws_appsync_apiKey") != nil})
	}
	for _, k := range doc.keys {
		for prefix, what := range map[string]string{"aws_user_files": "storage", "aws_mobile_analytics": "analytics", "aws_content_delivery": "hosting", "aws_dynamodb": "DynamoDB tables", "geo": "geo", "predictions": "predictions", "Notifications": "notifications"} {
			if strings.HasPrefix(k, prefix) && !contains(app.others, what) {
				app.others = append(app.others, what)
			}
		}
	}
	r.handWritten(app, doc)
	return app
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// gen1Notes notes a Gen 1 password policy (passwordPolicyMinLength,
// passwordPolicyCharacters), MFA setting and sign-in attributes; the web
// and the mobile files name the same settings differently.
func (app *amplifyApp) gen1Notes(policy *jsObject, mfa, mfaTypes, signIn jsValue) {
	if policy != nil {
		app.authNotes = append(app.authNotes, passwordNote(plain(policy.get("passwordPolicyMinLength")), gen1PasswordNeeds(strsOf(policy.get("passwordPolicyCharacters")))))
	}
	app.noteMFAAndSignIn(mfa, mfaTypes, signIn)
}

// gen1PasswordNeeds turns REQUIRES_LOWERCASE... into words.
func gen1PasswordNeeds(chars []string) []string {
	var out []string
	for _, c := range chars {
		w := strings.ToLower(strings.TrimPrefix(c, "REQUIRES_"))
		if w == "symbols" || w == "lowercase" || w == "uppercase" || w == "numbers" {
			out = append(out, w)
		}
	}
	return out
}

// handWritten reads the Auth and API blocks of an object written for
// Amplify.configure: v5 (Auth.userPoolId, API.endpoints) and v6
// (Auth.Cognito.userPoolId, API.REST). Flat keys already read win.
func (r *amplifyReader) handWritten(app *amplifyApp, doc *jsObject) {
	set := func(dst *string, field string, v jsValue) {
		if *dst == "" && v != nil {
			*dst = r.text(field, v)
		}
	}
	if a := objAt(doc, "Auth"); a != nil {
		cog := objAt(a, "Cognito")
		if cog == nil {
			cog = a // v5 keeps the fields on Auth itself
		}
		if app.region == "" {
			app.region = plain(cog.get("region"))
		}
		set(&app.userPoolID, "Auth.userPoolId", cog.get("userPoolId"))
		set(&app.clientID, "Auth.userPoolClientId", cog.get("userPoolClientId"))
		set(&app.clientID, "Auth.userPoolWebClientId", cog.get("userPoolWebClientId"))
		set(&app.identityPoolID, "Auth.identityPoolId", cog.get("identityPoolId"))
		if b, ok := cog.get("allowGuestAccess").(bool); ok && app.guests == nil {
			app.guests = boolPtr(b)
		}
		if b, ok := cog.get("mandatorySignIn").(bool); ok && b && app.guests == nil {
			app.guests = boolPtr(false)
		}
		if plain(cog.get("authenticationFlowType")) == "USER_PASSWORD_AUTH" {
			app.flow = "password"
		}
		o := objAt(cog, "loginWith", "oauth")
		if o == nil {
			o = objAt(cog, "oauth")
		}
		if o == nil {
			o = objAt(a, "oauth")
		}
		if o != nil && app.domain == "" {
			app.domain = plain(o.get("domain"))
			app.redirects = strsOf(o.get("redirectSignIn"))
			app.scopes = strsOf(o.get("scopes"))
			if len(app.scopes) == 0 {
				app.scopes = strsOf(o.get("scope"))
			}
		}
	}
	if api := objAt(doc, "API"); api != nil {
		if list, ok := api.get("endpoints").([]jsValue); ok {
			for i, v := range list {
				if o, ok := v.(*jsObject); ok {
					r.addAPI(app, fmt.Sprintf("API.endpoints[%d]", i), plain(o.get("name")), o.get("endpoint"), o.get("region"), nil)
				}
			}
		}
		if rest := objAt(api, "REST"); rest != nil {
			for _, k := range rest.keys {
				if o, ok := rest.vals[k].(*jsObject); ok {
					r.addAPI(app, "API.REST."+k, k, o.get("endpoint"), o.get("region"), nil)
				}
			}
		}
		if g := objAt(api, "GraphQL"); g != nil {
			if ep := plain(g.get("endpoint")); ep != "" {
				app.graphql = append(app.graphql, amplifyGraphQL{endpoint: ep, auth: plain(g.get("defaultAuthMode")), apiKey: g.get("apiKey") != nil})
			}
		}
	}
}

// gen1Mobile reads the plugin sections of the mobile libraries'
// amplifyconfiguration.json.
func (r *amplifyReader) gen1Mobile(doc *jsObject) *amplifyApp {
	app := &amplifyApp{gen: "Gen 1", format: "amplifyconfiguration.json (mobile)"}
	r.app = app
	ap := objAt(doc, "auth", "plugins", "awsCognitoAuthPlugin")
	if up := objAt(ap, "CognitoUserPool", "Default"); up != nil {
		app.userPoolID = r.text("CognitoUserPool.Default.PoolId", up.get("PoolId"))
		app.clientID = r.text("CognitoUserPool.Default.AppClientId", up.get("AppClientId"))
		app.region = plain(up.get("Region"))
		app.clientSecret = plain(up.get("AppClientSecret")) != ""
	}
	if ci := objAt(ap, "CredentialsProvider", "CognitoIdentity", "Default"); ci != nil {
		app.identityPoolID = r.text("CredentialsProvider.CognitoIdentity.Default.PoolId", ci.get("PoolId"))
		if app.region == "" {
			app.region = plain(ci.get("Region"))
		}
	}
	if ad := objAt(ap, "Auth", "Default"); ad != nil {
		if plain(ad.get("authenticationFlowType")) == "USER_PASSWORD_AUTH" {
			app.flow = "password"
		}
		app.hostedUI(objAt(ad, "OAuth"), "WebDomain", "SignInRedirectURI", "Scopes")
		app.gen1Notes(objAt(ad, "passwordProtectionSettings"), ad.get("mfaConfiguration"), ad.get("mfaTypes"), ad.get("usernameAttributes"))
		app.idps = strsOf(ad.get("socialProviders"))
	}
	if apis := objAt(doc, "api", "plugins", "awsAPIPlugin"); apis != nil {
		for _, k := range apis.keys {
			o, ok := apis.vals[k].(*jsObject)
			if !ok {
				continue
			}
			if strings.EqualFold(plain(o.get("endpointType")), "GraphQL") {
				app.graphql = append(app.graphql, amplifyGraphQL{endpoint: plain(o.get("endpoint")), auth: plain(o.get("authorizationType")), apiKey: o.get("apiKey") != nil})
				continue
			}
			r.addAPI(app, "api.plugins.awsAPIPlugin."+k, k, o.get("endpoint"), o.get("region"), o.get("authorizationType"))
		}
	}
	for _, k := range []string{"storage", "analytics", "geo", "notifications", "predictions", "dataStore"} {
		if doc.get(k) != nil {
			app.others = append(app.others, k)
		}
	}
	return app
}
