package importer

import (
	"strings"
	"testing"

	"github.com/sigscope/sigscope/collections"
)

func importText(t *testing.T, name, doc string) (*Collection, *collections.Collection, string) {
	t.Helper()
	c, err := Import([]byte(doc), name, "")
	if err != nil {
		t.Fatal(err)
	}
	y, err := c.YAML()
	if err != nil {
		t.Fatalf("%v\n%s", err, y)
	}
	col, err := collections.LoadBytes(name+".yaml", y)
	if err != nil {
		t.Fatalf("%v\n%s", err, y)
	}
	return c, col, string(y)
}

// TestImportServiceScope: an awsv4 service named by its product
// ("CloudFormation") is no signing name, and sign refuses it at send: the
// import writes the lower-case name and says so.
func TestImportServiceScope(t *testing.T) {
	doc := `{"info":{"name":"cfn","schema":"https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
"item":[{"name":"stacks","request":{"method":"GET","url":"https://cloudformation.us-east-1.amazonaws.com/?Action=ListStacks",
 "auth":{"type":"awsv4","awsv4":[{"key":"accessKey","value":"{{ak}}"},{"key":"secretKey","value":"{{sk}}"},{"key":"region","value":"US-EAST-1"},{"key":"service","value":"CloudFormation"}]}}},
 {"name":"gw","request":{"method":"GET","url":"https://abc.execute-api.us-east-1.amazonaws.com/prod/pets",
 "auth":{"type":"awsv4","awsv4":[{"key":"accessKey","value":"{{ak}}"},{"key":"secretKey","value":"{{sk}}"},{"key":"region","value":"us-east-1"},{"key":"service","value":"API Gateway"}]}}}]}`
	c, col, y := importText(t, "cfn.json", doc)
	f := findings(c)
	for _, want := range []string{
		`request stacks: auth service "CloudFormation" is not valid in a credential scope, which holds the service's lower-case signing name: written as cloudformation`,
		`request stacks: auth region "US-EAST-1" written as us-east-1`,
		`request gw: auth service "API Gateway" is not valid in a credential scope, which holds the service's lower-case signing name: written as execute-api`,
	} {
		if !strings.Contains(f, want) {
			t.Errorf("findings lack %q:\n%s", want, f)
		}
	}
	for req, svc := range map[string]string{"stacks": "cloudformation", "gw": "execute-api"} {
		r, err := col.Resolve(req, "", nil, nil)
		if err != nil || r.Auth.Service != svc || r.Auth.Region != "us-east-1" {
			t.Errorf("%s: %+v %v\n%s", req, r, err, y)
		}
	}
}

// TestImportReportsEveryPlaceholder: a Cognito authorizer without
// providerARNs gives a profile of placeholders, and each is in the report.
func TestImportReportsEveryPlaceholder(t *testing.T) {
	doc := `openapi: 3.0.1
info: {title: pool, version: "1"}
servers: [{url: "https://abc.execute-api.us-east-1.amazonaws.com/prod"}]
components:
  securitySchemes:
    pool:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: cognito_user_pools
      x-amazon-apigateway-authorizer: {type: cognito_user_pools}
paths:
  /me:
    get:
      security: [{pool: []}]
      responses: {"200": {description: ok}}
`
	c, _, y := importText(t, "pool.yaml", doc)
	f := findings(c)
	for _, ph := range []string{"us-east-1_REPLACEME", "REPLACE_APP_CLIENT_ID", "REPLACE_USERNAME"} {
		if !strings.Contains(y, ph) {
			t.Fatalf("the import no longer writes %s:\n%s", ph, y)
		}
		if !strings.Contains(f, ph) {
			t.Errorf("the placeholder %s is not reported:\n%s", ph, f)
		}
	}
	if !strings.Contains(f, "profile pool: user_pool_id is the placeholder us-east-1_REPLACEME") {
		t.Errorf("the user pool placeholder is not named with its field:\n%s", f)
	}
}

// TestImportRawPlus: each query value that holds a raw + is reported: AWS
// reads it as a plus and sigscope sends %2B; a %20 is a space.
func TestImportRawPlus(t *testing.T) {
	doc := `{"info":{"name":"plus","schema":"https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
"item":[{"name":"list","request":{"method":"GET","url":{"raw":"https://h.test/p?a=x%20y&b=c+d&t={{v}}+1","protocol":"https","host":["h","test"],"path":["p"],
 "query":[{"key":"a","value":"x%20y"},{"key":"b","value":"c+d"},{"key":"t","value":"{{v}}+1"}]}}},
 {"name":"raw","request":{"method":"GET","url":"https://h.test/p?q=1+1&r=2"}}]}`
	c, col, _ := importText(t, "plus.json", doc)
	f := findings(c)
	for _, want := range []string{
		"request list: the query value b=c+d holds a raw +: AWS reads it as a plus, so sigscope sends c%2Bd",
		"request list: the query value t={{v}}+1 holds a raw +",
		"request raw: the query value q=1+1 holds a raw +",
		"where a space is meant, write a space",
	} {
		if !strings.Contains(f, want) {
			t.Errorf("findings lack %q:\n%s", want, f)
		}
	}
	if strings.Count(f, "holds a raw +") != 3 {
		t.Errorf("want one finding per value with a +:\n%s", f)
	}
	// curl keeps the query in the URL, as written.
	cc, _, _ := importText(t, "cmd.sh", "curl 'https://h.test/p?q=a+b&r=c%20d&s=1'\n")
	if f := findings(cc); strings.Count(f, "holds a raw +") != 1 || !strings.Contains(f, "the query value q=a+b in the URL holds a raw +: AWS reads it as a plus, and sigscope signs it so") {
		t.Errorf("curl findings:\n%s", f)
	}
	r, err := col.Resolve("list", "", map[string]string{"v": "0"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Query; len(got) != 3 || got[0].Value != "x y" || got[1].Value != "c+d" {
		t.Errorf("query %+v", got)
	}
}
