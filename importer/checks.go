package importer

import (
	"strings"

	"github.com/sigscope/sigscope/internal/lazyre"
)

// The checks every import gets once the format's importer is done (from
// finish): what it wrote that would fail only at send, or send other bytes
// than the source did, is said in the report rather than found later.

// checkImported runs the checks on a finished import.
func (c *Collection) checkImported() {
	c.mapCognitoTokens("")
	c.checkScopes()
	c.reportPlaceholders()
	if c.Report.Format != "openapi" {
		// OpenAPI gives values (examples), not query text as sent.
		c.reportRawPlus()
	}
}

// signingNameRE is a service as a credential scope holds it (sign's
// rule): AWS's lower-case signing name (execute-api, s3, es,
// vpc-lattice-svcs), no capitals, '/' or spaces.
var signingNameRE = lazyre.New(`^[^A-Z/\s]+$`)

// signingNames are the services people write by their product name.
var signingNames = map[string]string{
	"apigateway": "execute-api", "api gateway": "execute-api", "execute api": "execute-api",
	"opensearch": "es", "elasticsearch": "es", "opensearch serverless": "aoss",
	"vpc lattice": "vpc-lattice-svcs", "cloudwatch": "monitoring", "cloudwatch logs": "logs",
}

// checkScopes validates the region and service of every iam auth block:
// a credential scope holds lower-case names only, and sign refuses the
// rest at send. A name with capitals or spaces is written as the signing
// name it stands for, and the report says so; a template is the user's
// to fill and stays.
func (c *Collection) checkScopes() {
	check := func(where string, a *Auth) {
		if a == nil || a.Mode != "iam" {
			return
		}
		if s := a.Service; s != "" && !strings.Contains(s, "{{") && !signingNameRE.MatchString(s) {
			low := strings.ToLower(strings.TrimSpace(s))
			fixed, known := signingNames[low]
			if !known {
				fixed = strings.ReplaceAll(low, " ", "")
			}
			if fixed == "apigateway" && a.Service != "apigateway" {
				fixed = "execute-api"
			}
			if signingNameRE.MatchString(fixed) {
				c.Note(where, "auth service %q is not valid in a credential scope, which holds the service's lower-case signing name: written as %s (check it against the service's signing name in its API reference; API Gateway APIs sign for execute-api)", s, fixed)
				a.Service = fixed
			} else {
				c.Note(where, "auth service %q is not valid in a credential scope, which holds the service's lower-case signing name (execute-api, s3, es...): set auth.service to it, or send refuses the request", s)
			}
		}
		if r := a.Region; r != "" && !strings.Contains(r, "{{") && !awsRegionRE.MatchString(r) {
			if low := strings.ToLower(strings.TrimSpace(r)); awsRegionRE.MatchString(low) {
				c.Note(where, "auth region %q written as %s: a credential scope holds lower-case names", r, low)
				a.Region = low
			} else {
				c.Note(where, "auth region %q is not an AWS region name (such as us-east-1): set auth.region, or AWS refuses the signature", r)
			}
		}
	}
	if c.Defaults != nil {
		check("collection defaults", c.Defaults.Auth)
	}
	walkItemsPath(c.Items, "", func(path string, f *Folder) {
		if f.Defaults != nil {
			check("folder "+path, f.Defaults.Auth)
		}
	}, func(path string, r *Request) { check("request "+path, r.Auth) })
}

// placeholderRE finds a placeholder import wrote: REPLACE_ME, us-east-1_REPLACEME,
// REPLACE_APP_CLIENT_ID.
var placeholderRE = lazyre.New(`[A-Za-z0-9:-]*_?` + placeholderWord + `[A-Z0-9_]*`)

const placeholderWord = "REPLACE"

// requestHolds reports whether the URL, a header or a query value of r
// holds s.
func requestHolds(r *Request, s string) bool {
	if strings.Contains(r.URL, s) {
		return true
	}
	for _, h := range r.Headers {
		if strings.Contains(h.Value, s) {
			return true
		}
	}
	for _, q := range r.Query {
		if strings.Contains(q.Value, s) {
			return true
		}
	}
	return false
}

// reportPlaceholders names every placeholder value the import wrote that
// no finding names yet: a file that looks complete but logs into
// us-east-1_REPLACEME is found out at send otherwise.
func (c *Collection) reportPlaceholders() {
	said := func(ph string) bool {
		for _, f := range c.Report.Findings {
			if strings.Contains(f.What, ph) {
				return true
			}
		}
		return false
	}
	report := func(where, field, value string) {
		if !strings.Contains(value, placeholderWord) {
			return // what every match holds: the expression is not run on every value
		}
		for _, ph := range placeholderRE.FindAllString(value, -1) {
			if !said(ph) {
				c.Note(where, "%s is the placeholder %s, as the source does not say it: replace it", field, ph)
			}
		}
	}
	for _, p := range c.Profiles {
		for _, f := range p.Fields {
			report("profile "+p.Name, f.Key, f.Value)
		}
	}
	for _, e := range c.Environments {
		for _, v := range e.Vars {
			report("environment "+e.Name, v.Key, v.Value)
		}
	}
	walkItemsPath(c.Items, "", func(string, *Folder) {}, func(path string, r *Request) {
		if !requestHolds(r, placeholderWord) {
			return
		}
		report("request "+path, "the URL", r.URL)
		for _, h := range r.Headers {
			report("request "+path, "header "+h.Key, h.Value)
		}
		for _, q := range r.Query {
			report("request "+path, "query parameter "+q.Key, q.Value)
		}
	})
}

// reportRawPlus says, for each query value that holds a + as the source
// wrote it, what it means now: the collection holds the value, and a + of
// a value is a plus (sigscope sends %2B), as AWS reads a raw + in a
// query. Peers differ (newman's aws4 and Bruno sign a raw + as a space,
// curl 7 as written), which is why such requests were refused there; a
// space meant as + must be written as a space.
func (c *Collection) reportRawPlus() {
	walkItemsPath(c.Items, "", func(string, *Folder) {}, func(path string, r *Request) {
		for _, q := range r.Query {
			if strings.Contains(q.Value, "+") && strings.Contains(untemplated(q.Value), "+") {
				c.Note("request "+path, "the query value %s=%s holds a raw +: AWS reads it as a plus, so sigscope sends %s (newman's aws4 and Bruno sign it as a space, which AWS refuses); where a space is meant, write a space", q.Key, q.Value, strings.ReplaceAll(untemplated(q.Value), "+", "%2B"))
			}
		}
		// A query kept in the URL goes as written, and is signed as read.
		if _, raw, ok := strings.Cut(r.URL, "?"); ok && strings.Contains(raw, "+") {
			for _, kv := range strings.Split(raw, "&") {
				if k, v, _ := strings.Cut(kv, "="); strings.Contains(untemplated(v), "+") {
					c.Note("request "+path, "the query value %s=%s in the URL holds a raw +: AWS reads it as a plus, and sigscope signs it so (curl 7 signs it as written, newman's aws4 and Bruno as a space: AWS refuses those); where a space is meant, write %%20", k, v)
				}
			}
		}
	})
}

// untemplated is a template's literal text, its {{variables}} left out.
func untemplated(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		if strings.HasPrefix(s[i:], "{{{{") {
			b.WriteString("{{")
			s = s[i+4:]
			continue
		}
		j := strings.Index(s[i:], "}}")
		if j < 0 {
			return b.String()
		}
		s = s[i+j+2:]
	}
}

// walkItemsPath is walkItems with each item's path (folders and name,
// '/' between them), for findings.
func walkItemsPath(items []Item, prefix string, folder func(string, *Folder), request func(string, *Request)) {
	for _, it := range items {
		if r := it.Request; r != nil {
			request(prefix+r.Name, r)
		}
		if f := it.Folder; f != nil {
			folder(prefix+f.Name, f)
			walkItemsPath(f.Items, prefix+f.Name+"/", folder, request)
		}
	}
}
