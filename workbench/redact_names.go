package workbench

import "strings"

// The one rule that says, from a name alone, that a value is a
// credential: a header, a query parameter, a form field, a JSON key or an
// XML element. Names are compared in lower case with every separator
// removed, so X-Api-Key, api_key, apiKey and API.KEY are one name.

// credentialStems make a name a credential wherever they appear in it
// (client_secret, RefreshToken, SESSION_TOKEN, private_key, SAMLAssertion).
var credentialStems = []string{
	"token", "secret", "passw", "passphrase", "apikey", "assertion", "privatekey", "signingkey",
	"accountkey", "masterkey", "subscriptionkey", "customerkey", "encryptionkey", "clientkey", "sharedkey", "licensekey",
}

// credentialSuffixes make a name a credential when it ends with them: a
// session handle (Cognito's challenge Session, JSESSIONID, X-Session-Id),
// Vault's secret_id, PKCE's code_verifier, an Authorization value.
var credentialSuffixes = []string{"session", "sessionid", "sessid", "secretid", "codeverifier", "authorization", "pwd"}

// describingSuffixes name what describes a credential rather than the
// credential: token_type, ExpiresIn's kin, SecretArn, SecretName,
// PasswordPolicy, apiKeySource, authorizationScopes, token_endpoint.
var describingSuffixes = []string{
	"type", "use", "expiresin", "expiresat", "expiry", "expiration", "expires", "ttl", "lifetime",
	"endpoint", "url", "uri", "arn", "name", "id", "ids", "length", "policy", "required", "enabled",
	"status", "count", "format", "version", "source", "location", "path", "file", "hint", "lastused",
	"scope", "scopes", "method", "methods", "header", "created", "updated", "changed", "date", "time", "md5",
}

// notCredentialStems are tokens that identify a request or a page, not a
// caller: NextToken, ContinuationToken, PaginationToken, ClientToken,
// ClientRequestToken, IdempotencyToken, SyncToken.
var notCredentialStems = []string{"nexttoken", "continuation", "pagination", "pagetoken", "clienttoken", "clientrequesttoken", "idempotency", "synctoken"}

// CredentialName reports whether a value named name is a credential by
// its name alone. Names that only talk about credentials
// (Access-Control-Allow-Credentials, WWW-Authenticate, token_type,
// AccessKeyId, NextToken) are not; cookies have their own shape and rule.
func CredentialName(name string) bool {
	lower := strings.ToLower(strings.TrimSpace(name))
	if i := strings.LastIndexByte(lower, ':'); i >= 0 {
		lower = lower[i+1:] // an XML namespace prefix
	}
	if strings.HasPrefix(lower, "access-control-") {
		return false // these list header names, never values
	}
	n := normalizeName(lower)
	switch {
	case n == "":
		return false
	case hasSuffixAny(n, credentialSuffixes):
		return true
	case containsAny(n, notCredentialStems) || hasSuffixAny(n, describingSuffixes):
		return false
	case containsAny(n, credentialStems):
		return true
	}
	// A header's -key (X-Functions-Key, X-Master-Key): in bodies a bare
	// Key is an object's name (S3, DynamoDB), so only the header style.
	return strings.HasSuffix(lower, "-key") && len(lower) > len("-key")
}

// CredentialHeader reports whether a header's value is a credential by its
// name alone: CredentialName, for a name that can be a header's (a JSON
// line such as `"password": …` is no header line).
func CredentialHeader(name string) bool {
	for i := 0; i < len(name); i++ {
		if c := name[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return CredentialName(name)
}

func normalizeName(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteByte(c)
		}
	}
	return b.String()
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func hasSuffixAny(s string, suffixes []string) bool {
	for _, suf := range suffixes {
		if strings.HasSuffix(s, suf) {
			return true
		}
	}
	return false
}
