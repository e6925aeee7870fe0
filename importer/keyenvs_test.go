package importer

import (
	"strings"
	"testing"

	"github.com/sigscope/sigscope/collections"
)

// TestSwappedKeyVariablesAreNotImported: a Postman collection or a curl
// command line whose AWS key variables are in swapped roles (the secret
// key as the session token or the access key id, both sent in clear) is
// imported with each part reading its own default variable, and the
// report says why; the result loads.
func TestSwappedKeyVariablesAreNotImported(t *testing.T) {
	postman := `{"info": {"name": "swap", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
	  "auth": {"type": "awsv4", "awsv4": [
	    {"key": "accessKey", "value": "{{AWS_SECRET_ACCESS_KEY}}"},
	    {"key": "secretKey", "value": "{{AWS_ACCESS_KEY_ID}}"},
	    {"key": "sessionToken", "value": "{{AWS_SECRET_ACCESS_KEY}}"},
	    {"key": "region", "value": "us-east-1"}, {"key": "service", "value": "execute-api"}]},
	  "item": [{"name": "r", "request": {"method": "GET", "url": "https://abc.execute-api.us-east-1.amazonaws.com/prod/x"}}]}`
	curl := `curl --aws-sigv4 aws:amz:us-east-1:execute-api -u "$AWS_SECRET_ACCESS_KEY:$AWS_ACCESS_KEY_ID" -H "x-amz-security-token: $AWS_SECRET_ACCESS_KEY" https://abc.execute-api.us-east-1.amazonaws.com/prod/x`
	for _, c := range []struct{ name, data, file string }{{"postman", postman, "swap.postman_collection.json"}, {"curl", curl, "swap.sh"}} {
		t.Run(c.name, func(t *testing.T) {
			imp, err := Import([]byte(c.data), c.file, "")
			if err != nil {
				t.Fatal(err)
			}
			y, err := imp.YAML()
			if err != nil {
				t.Fatal(err)
			}
			coll, err := collections.LoadBytes("out.yaml", y)
			if err != nil {
				t.Fatalf("the import does not load: %v\n%s", err, y)
			}
			ref := coll.Requests()[0]
			rr, err := coll.Resolve(ref.Path, "", nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			p := rr.Auth.Profile
			if p == nil || p.AccessKeyIDEnv != "AWS_ACCESS_KEY_ID" || p.SecretAccessKeyEnv != "AWS_SECRET_ACCESS_KEY" || p.SessionTokenEnv != "AWS_SESSION_TOKEN" {
				t.Fatalf("profile %+v\n%s", p, y)
			}
			var report []string
			for _, f := range imp.Report.Findings {
				report = append(report, f.What)
			}
			if !strings.Contains(strings.Join(report, "\n"), "session_token_env was not kept (AWS_SECRET_ACCESS_KEY is AWS's variable for the secret access key") {
				t.Errorf("the report does not say why:\n%s", strings.Join(report, "\n"))
			}
		})
	}
}
