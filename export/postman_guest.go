package export

import (
	"fmt"
	"strings"

	"github.com/sigscope/sigscope/collections"
)

// Auth mode guest in a Postman collection: Postman has no Cognito identity
// pool auth, so the request carries a pre-request script that does what
// Amplify does while nobody is signed in (GetId without logins, then
// GetCredentialsForIdentity, both unsigned) and keeps the guest
// credentials in collection variables until they expire; its awsv4 auth
// signs with them. newman runs the script as Postman does.

// The collection variables the script fills.
const (
	PostmanGuestAccessKey    = "guest_access_key"
	PostmanGuestSecretKey    = "guest_secret_key"
	PostmanGuestSessionToken = "guest_session_token"
	PostmanGuestExpiration   = "guest_expiration"
	PostmanGuestPool         = "identity_pool_id"
	PostmanGuestEndpoint     = "cognito_identity_endpoint"
)

type postmanEvent struct {
	Listen string        `json:"listen"`
	Script postmanScript `json:"script"`
}

type postmanScript struct {
	Type string   `json:"type"`
	Exec []string `json:"exec"`
}

// guestAuth is the awsv4 auth of a guest request, signed with the
// variables its script sets.
func (cv *converter) guestAuth(a yamlAuth, hasRegionVar bool) *postmanAuth {
	for _, v := range []struct{ name, desc string }{
		{PostmanGuestAccessKey, "the access key id"},
		{PostmanGuestSecretKey, "the secret access key (secret)"},
		{PostmanGuestSessionToken, "the session token (secret)"},
		{PostmanGuestExpiration, "when they expire, in seconds since 1970"},
	} {
		cv.use(v.name, fmt.Sprintf("the identity pool's guest credentials, %s: the pre-request script of each guest request fills it", v.desc))
	}
	return &postmanAuth{Type: "awsv4", AWSv4: []postmanKV{
		kv("accessKey", "{{"+PostmanGuestAccessKey+"}}"),
		kv("secretKey", "{{"+PostmanGuestSecretKey+"}}"),
		kv("sessionToken", "{{"+PostmanGuestSessionToken+"}}"),
		kv("region", cv.signingRegion(a, hasRegionVar)),
		kv("service", cv.service(a)),
	}}
}

// guestEvent is the pre-request script of a guest request, nil for other
// modes. The identity pool and the Cognito endpoint are collection
// variables, so that a user points them elsewhere in one place.
func (cv *converter) guestEvent(a yamlAuth) *postmanEvent {
	if a.Mode == nil || collections.AuthMode(*a.Mode) != collections.ModeGuest || a.Profile == nil {
		return nil
	}
	p := cv.profiles[*a.Profile]
	region := cv.text(p.Region)
	if i := strings.IndexByte(p.UserPoolID, '_'); region == "" && i > 0 {
		region = p.UserPoolID[:i]
	}
	if i := strings.IndexByte(p.IdentityPoolID, ':'); region == "" && i > 0 {
		region = p.IdentityPoolID[:i]
	}
	pool := cv.text(p.IdentityPoolID)
	endpoint := "https://cognito-identity." + region + ".amazonaws.com/"
	if p.Endpoint != "" {
		endpoint = strings.TrimRight(cv.text(p.Endpoint), "/") + "/"
	}
	cv.setDefault(PostmanGuestPool, pool, fmt.Sprintf("the Cognito identity pool whose guest (unauthenticated) role signs the requests of auth mode guest (profile %s)", *a.Profile))
	cv.setDefault(PostmanGuestEndpoint, endpoint, "where the guest requests' script calls Cognito identity (GetId, GetCredentialsForIdentity)")
	return &postmanEvent{Listen: "prerequest", Script: postmanScript{Type: "text/javascript", Exec: guestScript}}
}

// guestScript fetches the guest credentials once and again when they are
// about to expire (they last an hour). It is written for Postman's
// sandbox (callbacks, no top-level await) in the shape Bruno's Postman
// import translates into a script bru runs: each pm.sendRequest inline,
// the second inside the first's callback, so that Bruno's awaits chain;
// answers are checked by their fields, not res.code, which Bruno's import
// does not translate everywhere.
var guestScript = []string{
	"// sigscope auth mode guest: sign with the identity pool's guest (unauthenticated) role, as Amplify does while nobody is signed in.",
	"// GetId without logins, then GetCredentialsForIdentity: both need no AWS credentials.",
	"if (Number(pm.collectionVariables.get('" + PostmanGuestExpiration + "') || 0) - 60 < Date.now() / 1000) {",
	"  pm.sendRequest({",
	"    url: pm.variables.replaceIn('{{" + PostmanGuestEndpoint + "}}'), method: 'POST',",
	"    header: {'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'AWSCognitoIdentityService.GetId'},",
	"    body: {mode: 'raw', raw: JSON.stringify({IdentityPoolId: pm.variables.replaceIn('{{" + PostmanGuestPool + "}}')})},",
	"  }, (err, res) => {",
	"    const id = !err && res.json().IdentityId;",
	"    if (!id) { console.error('guest credentials: GetId answered ' + (err || JSON.stringify(res.json()))); return; }",
	"    pm.sendRequest({",
	"      url: pm.variables.replaceIn('{{" + PostmanGuestEndpoint + "}}'), method: 'POST',",
	"      header: {'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'AWSCognitoIdentityService.GetCredentialsForIdentity'},",
	"      body: {mode: 'raw', raw: JSON.stringify({IdentityId: id})},",
	"    }, (err, res) => {",
	"      const c = !err && res.json().Credentials;",
	"      if (!c) { console.error('guest credentials: GetCredentialsForIdentity answered ' + (err || JSON.stringify(res.json()))); return; }",
	"      pm.collectionVariables.set('" + PostmanGuestAccessKey + "', c.AccessKeyId);",
	"      pm.collectionVariables.set('" + PostmanGuestSecretKey + "', c.SecretKey);",
	"      pm.collectionVariables.set('" + PostmanGuestSessionToken + "', c.SessionToken);",
	"      pm.collectionVariables.set('" + PostmanGuestExpiration + "', String(c.Expiration));",
	"    });",
	"  });",
	"}",
}

// guestRecipe says how a fresh command's shell gets the guest
// credentials it signs with: the AWS CLI's two unsigned calls to the
// identity pool (against the profile's endpoint when it names one, the
// emulator), their answer exported as the AWS CLI's variables. Each line
// is a comment of the command; the indented ones run as they are.
func guestRecipe(prof *collections.Profile) []string {
	if prof == nil || prof.IdentityPoolID == "" {
		return []string{"auth mode guest signs with the guest (unauthenticated) role of a Cognito identity pool, and the request's profile names none: set AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN to such credentials"}
	}
	region := prof.Region
	if i := strings.IndexByte(prof.IdentityPoolID, ':'); region == "" && i > 0 {
		region = prof.IdentityPoolID[:i]
	}
	common := "--no-sign-request --region " + Quote(region)
	if prof.Endpoint != "" {
		common += " --endpoint-url " + Quote(prof.Endpoint)
	}
	return []string{
		fmt.Sprintf("auth mode guest: the identity pool %s's guest (unauthenticated) role signs this request, as Amplify does while nobody is signed in; its credentials (no login, valid an hour) into this shell with the AWS CLI:", Quote(prof.IdentityPoolID)),
		fmt.Sprintf("  set -- $(aws cognito-identity get-credentials-for-identity %s --identity-id \"$(aws cognito-identity get-id %s --identity-pool-id %s --query IdentityId --output text)\" --query 'Credentials.[AccessKeyId,SecretKey,SessionToken]' --output text)", common, common, Quote(prof.IdentityPoolID)),
		"  export AWS_ACCESS_KEY_ID=\"$1\" AWS_SECRET_ACCESS_KEY=\"$2\" AWS_SESSION_TOKEN=\"$3\"",
	}
}
