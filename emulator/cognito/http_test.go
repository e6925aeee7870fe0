package cognito

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

var requestIDPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

type rawResponse struct {
	status int
	header http.Header
	body   map[string]any
}

func (e *env) raw(t *testing.T, method, path, target, body string) rawResponse {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	out := rawResponse{status: res.StatusCode, header: res.Header}
	if err := json.Unmarshal(data, &out.body); err != nil {
		t.Fatalf("%s %s (%s): body is not JSON: %v", method, path, target, err)
	}
	if !requestIDPattern.MatchString(res.Header.Get("x-amzn-RequestId")) {
		t.Errorf("%s %s (%s): x-amzn-RequestId = %q", method, path, target, res.Header.Get("x-amzn-RequestId"))
	}
	return out
}

func (r rawResponse) wantError(t *testing.T, typ, msg string) {
	t.Helper()
	if r.status != http.StatusBadRequest {
		t.Errorf("%s: status %d, want 400", typ, r.status)
	}
	if r.header.Get("x-amzn-ErrorType") != typ || r.body["__type"] != typ {
		t.Errorf("want %s, got header %q body __type %v", typ, r.header.Get("x-amzn-ErrorType"), r.body["__type"])
	}
	if m, _ := r.body["message"].(string); !strings.Contains(m, msg) {
		t.Errorf("%s: message %q, want it to contain %q", typ, m, msg)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/x-amz-json-1.1" {
		t.Errorf("Content-Type %q", ct)
	}
}

// TestWireShapes checks the raw protocol, including what the SDKs' client
// side validation never lets through.
func TestWireShapes(t *testing.T) {
	e := newEnv(t, testConfig())
	const idp = "AWSCognitoIdentityProviderService."
	// Cognito's exact wrong-password body.
	r := e.raw(t, "POST", "/", idp+"InitiateAuth", `{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"`+webClient+`","AuthParameters":{"USERNAME":"demo","PASSWORD":"nope"}}`)
	r.wantError(t, "NotAuthorizedException", "Incorrect username or password.")
	if len(r.body) != 2 {
		t.Errorf("error body has extra members: %v", r.body)
	}
	e.raw(t, "POST", "/", idp+"InitiateAuth", `{"AuthFlow":"USER_PASSWORD_AUTH","AuthParameters":{}}`).
		wantError(t, "InvalidParameterException", "Value null at 'clientId'")
	e.raw(t, "POST", "/", idp+"InitiateAuth", `{"ClientId":"`+webClient+`"}`).
		wantError(t, "InvalidParameterException", "Value null at 'authFlow'")
	e.raw(t, "POST", "/", idp+"InitiateAuth", `{"AuthFlow":"MAGIC","ClientId":"`+webClient+`"}`).
		wantError(t, "InvalidParameterException", "Member must satisfy enum value set")
	e.raw(t, "POST", "/", idp+"InitiateAuth", `{"AuthFlow":"CUSTOM_AUTH","ClientId":"`+webClient+`"}`).
		wantError(t, "InvalidParameterException", "not supported by the sigscope emulator")
	e.raw(t, "POST", "/", idp+"InitiateAuth", `{"AuthFlow":`).
		wantError(t, "SerializationException", "not the expected JSON")
	e.raw(t, "POST", "/", idp+"InitiateAuth", `{"AuthFlow":["x"]}`).
		wantError(t, "SerializationException", "not the expected JSON")
	e.raw(t, "POST", "/", idp+"RespondToAuthChallenge", `{"ClientId":"`+webClient+`"}`).
		wantError(t, "InvalidParameterException", "challengeName")
	e.raw(t, "POST", "/", idp+"GetUser", `{}`).
		wantError(t, "InvalidParameterException", "accessToken")
	e.raw(t, "POST", "/", idp+"ListUsers", `{}`).
		wantError(t, "UnknownOperationException", "ListUsers")
	e.raw(t, "POST", "/", "", `{}`).
		wantError(t, "UnknownOperationException", "X-Amz-Target")
	e.raw(t, "PUT", "/", idp+"GetUser", `{}`).
		wantError(t, "UnknownOperationException", "POST")
	e.raw(t, "POST", "/", "AWSCognitoIdentityService.GetId", `{}`).
		wantError(t, "InvalidParameterException", "identityPoolId")

	// Success: the JSON 1.1 content type, a request id, and
	// Credentials.Expiration as a JSON number of epoch seconds.
	ok := e.raw(t, "POST", "/", "AWSCognitoIdentityService.GetId", `{"IdentityPoolId":"`+idPoolGuest+`"}`)
	if ok.status != 200 || ok.header.Get("Content-Type") != "application/x-amz-json-1.1" {
		t.Fatalf("GetId status %d content type %q", ok.status, ok.header.Get("Content-Type"))
	}
	creds := e.raw(t, "POST", "/", "AWSCognitoIdentityService.GetCredentialsForIdentity", `{"IdentityId":"`+ok.body["IdentityId"].(string)+`"}`)
	c, _ := creds.body["Credentials"].(map[string]any)
	if exp, isNum := c["Expiration"].(float64); !isNum || int64(exp) != e.clock.Now().Unix()+3600 {
		t.Errorf("Expiration = %#v, want the number %d", c["Expiration"], e.clock.Now().Unix()+3600)
	}

	// JWKS and discovery.
	jwks := e.raw(t, "GET", "/"+poolID+"/.well-known/jwks.json", "", "")
	keys, _ := jwks.body["keys"].([]any)
	if jwks.status != 200 || len(keys) != 1 {
		t.Fatalf("JWKS status %d keys %d", jwks.status, len(keys))
	}
	disc := e.raw(t, "GET", "/"+poolID+"/.well-known/openid-configuration", "", "")
	if disc.body["issuer"] != "https://cognito-idp.us-east-1.amazonaws.com/"+poolID || disc.body["jwks_uri"] != e.srv.URL+"/"+poolID+"/.well-known/jwks.json" {
		t.Errorf("discovery = %v", disc.body)
	}
	if nf := e.raw(t, "GET", "/us-east-1_Nope/.well-known/jwks.json", "", ""); nf.status != 404 {
		t.Errorf("JWKS of an unknown pool: status %d", nf.status)
	}
	// The two pools sign with different keys.
	other := e.raw(t, "GET", "/"+otherPoolID+"/.well-known/jwks.json", "", "")
	ok1 := keys[0].(map[string]any)
	ok2 := other.body["keys"].([]any)[0].(map[string]any)
	if ok1["kid"] == ok2["kid"] || ok1["n"] == ok2["n"] {
		t.Error("two pools share a signing key")
	}
}

func TestHandles(t *testing.T) {
	svc, err := New(testConfig(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	req := func(method, path, target string) *http.Request {
		r := httptest.NewRequest(method, path, nil)
		if target != "" {
			r.Header.Set("X-Amz-Target", target)
		}
		return r
	}
	for _, c := range []struct {
		r    *http.Request
		want bool
	}{
		{req("POST", "/", "AWSCognitoIdentityProviderService.InitiateAuth"), true},
		{req("POST", "/", "AWSCognitoIdentityProviderService.SignUp"), true},
		{req("POST", "/", "AWSCognitoIdentityService.GetId"), true},
		{req("POST", "/", "AWSSecurityTokenServiceV20110615.AssumeRole"), false},
		{req("POST", "/", "DynamoDB_20120810.GetItem"), false},
		{req("GET", "/prod/pets", ""), false},
		{req("POST", "/", ""), false},
		{req("GET", "/"+poolID+"/.well-known/jwks.json", ""), true},
		{req("GET", "/"+poolID+"/.well-known/openid-configuration", ""), true},
		{req("POST", "/"+poolID+"/.well-known/jwks.json", ""), false},
		{req("GET", "/us-east-1_Unknown/.well-known/jwks.json", ""), false},
		{req("GET", "/"+poolID+"/jwks.json", ""), false},
	} {
		if got := svc.Handles(c.r); got != c.want {
			t.Errorf("Handles(%s %s %q) = %v", c.r.Method, c.r.URL.Path, c.r.Header.Get("X-Amz-Target"), got)
		}
	}
}
