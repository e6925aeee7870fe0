package importer

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// amplify_outputs.json, the configuration Amplify Gen 2 writes (schema
// versions 1 to 1.4): auth (user pool, client, identity pool, guests,
// password policy, MFA, OAuth), data (AppSync), storage and the rest, and
// custom: whatever the backend adds with backend.addOutput, which is where
// a Gen 2 app puts its REST APIs (custom.API.<name>.{endpoint, region,
// apiName} in Amplify's guide; other shapes are found by their endpoint).

func (r *amplifyReader) gen2(doc *jsObject) *amplifyApp {
	app := &amplifyApp{gen: "Gen 2", format: "amplify_outputs.json"}
	r.app = app
	if a := objAt(doc, "auth"); a != nil {
		app.region = plain(a.get("aws_region"))
		app.userPoolID = r.text("auth.user_pool_id", a.get("user_pool_id"))
		app.clientID = r.text("auth.user_pool_client_id", a.get("user_pool_client_id"))
		app.identityPoolID = r.text("auth.identity_pool_id", a.get("identity_pool_id"))
		if b, ok := a.get("unauthenticated_identities_enabled").(bool); ok {
			app.guests = boolPtr(b)
		}
		switch plain(a.get("authentication_flow_type")) {
		case "USER_PASSWORD_AUTH":
			app.flow = "password"
		case "CUSTOM_AUTH":
			r.c.Note("auth", "the app signs in with CUSTOM_AUTH (a Lambda challenge), which sigscope does not answer: the profile logs in with SRP")
		}
		if pp := objAt(a, "password_policy"); pp != nil {
			var need []string
			for _, k := range []string{"require_lowercase", "require_uppercase", "require_numbers", "require_symbols"} {
				if b, _ := pp.get(k).(bool); b {
					need = append(need, strings.TrimPrefix(k, "require_"))
				}
			}
			app.authNotes = append(app.authNotes, passwordNote(plain(pp.get("min_length")), need))
		}
		app.noteMFAAndSignIn(a.get("mfa_configuration"), a.get("mfa_methods"), a.get("username_attributes"))
		app.hostedUI(objAt(a, "oauth"), "domain", "redirect_sign_in_uri", "scopes")
		app.idps = strsOf(objAt(a, "oauth").get("identity_providers"))
	}
	if d := objAt(doc, "data"); d != nil {
		if u := plain(d.get("url")); u != "" {
			app.graphql = append(app.graphql, amplifyGraphQL{endpoint: u, auth: plain(d.get("default_authorization_type")), apiKey: d.get("api_key") != nil})
		}
	}
	if cu := objAt(doc, "custom"); cu != nil {
		if s := objAt(cu, "sigscope"); s != nil {
			app.emulator = r.emulatorURL(plain(s.get("emulator")))
		}
		r.customAPIs(app, cu, "custom", 0)
	}
	for _, k := range []string{"storage", "analytics", "geo", "notifications"} {
		if doc.get(k) != nil {
			app.others = append(app.others, k)
		}
	}
	return app
}

// customAPIs finds REST APIs among custom outputs: objects with an
// http(s) endpoint (or url), named by apiName, name or their key.
func (r *amplifyReader) customAPIs(app *amplifyApp, o *jsObject, where string, depth int) {
	if depth > 4 {
		return
	}
	for _, k := range o.keys {
		sub, ok := o.vals[k].(*jsObject)
		if !ok || (depth == 0 && k == "sigscope") {
			continue
		}
		ep := sub.get("endpoint")
		if ep == nil {
			ep = sub.get("url")
		}
		if s := plain(ep); s != "" && (strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")) {
			name := plain(sub.get("apiName"))
			if name == "" {
				name = plain(sub.get("name"))
			}
			if name == "" || (depth == 0 && name == "") {
				name = k
			}
			if strings.Contains(s, ".appsync-api.") {
				app.graphql = append(app.graphql, amplifyGraphQL{endpoint: s, apiKey: sub.get("api_key") != nil || sub.get("apiKey") != nil})
				continue
			}
			auth := sub.get("authorization_type")
			if auth == nil {
				auth = sub.get("authorizationType")
			}
			r.addAPI(app, where+"."+k, name, ep, sub.get("region"), auth)
			continue
		}
		r.customAPIs(app, sub, where+"."+k, depth+1)
	}
}

// emulatorURL accepts custom.sigscope.emulator, the base URL of a sigscope
// emulator the outputs describe, on loopback only.
func (r *amplifyReader) emulatorURL(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err == nil && (u.Scheme == "http" || u.Scheme == "https") && (u.Path == "" || u.Path == "/") && u.RawQuery == "" {
		host := u.Hostname()
		if ip := net.ParseIP(host); host == "localhost" || ip != nil && ip.IsLoopback() {
			return strings.TrimRight(s, "/")
		}
	}
	r.c.Note("custom.sigscope.emulator", "%q is not a loopback base URL such as http://127.0.0.1:7466: ignored", clip(s, 80))
	return ""
}

// hostedUI reads an OAuth block (the key names differ by file): the
// hosted UI domain, the sign-in redirects and the scopes.
func (app *amplifyApp) hostedUI(o *jsObject, domain, redirects, scopes string) {
	if o == nil {
		return
	}
	app.domain = plain(o.get(domain))
	app.redirects = strsOf(o.get(redirects))
	app.scopes = strsOf(o.get(scopes))
}

// noteMFAAndSignIn notes the MFA setting and the attributes users sign in
// with.
func (app *amplifyApp) noteMFAAndSignIn(mfa, methods, signIn jsValue) {
	if n := mfaNote(plain(mfa), strsOf(methods)); n != "" {
		app.authNotes = append(app.authNotes, n)
	}
	if attrs := strsOf(signIn); len(attrs) > 0 {
		app.authNotes = append(app.authNotes, "users sign in with: "+strings.ToLower(strings.Join(attrs, ", ")))
	}
}

// passwordNote is the password policy in words.
func passwordNote(minLen string, need []string) string {
	n := "password policy: "
	if minLen != "" {
		if _, err := strconv.Atoi(minLen); err == nil {
			n += "at least " + minLen + " characters"
		}
	}
	if len(need) > 0 {
		if !strings.HasSuffix(n, ": ") {
			n += ", "
		}
		n += "with " + strings.Join(need, ", ")
	}
	if strings.HasSuffix(n, ": ") {
		n += "Cognito's default"
	}
	return n
}

// mfaNote is the MFA setting in words, with what sigscope's login does.
func mfaNote(config string, methods []string) string {
	switch strings.ToUpper(config) {
	case "", "NONE", "OFF":
		if config == "" {
			return ""
		}
		return "MFA: off"
	}
	n := "MFA: " + strings.ToLower(config)
	if len(methods) > 0 {
		n += fmt.Sprintf(" (%s)", strings.Join(methods, ", "))
	}
	return n + "; sigscope's login answers the SMS, TOTP and email code challenges"
}
