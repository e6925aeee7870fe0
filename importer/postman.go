package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// Postman collections v2.0 and v2.1 (and Postman environment files).
//
// A collection file alone gives its requests, with the collection's
// variables in an environment named "default"; ImportPostman takes
// environment files beside it, each becoming an environment (collection
// variables fill what an environment does not set, as in Postman). An
// environment file alone gives a collection with that environment and no
// requests, for --merge into an existing collection.

func init() { Register(postmanImporter{}) }

type postmanImporter struct{}

func (postmanImporter) Name() string { return "postman" }

func (postmanImporter) Detect(data []byte, filename string) bool {
	return decodePostman(data).kind != ""
}

func (postmanImporter) Import(data []byte, filename string) (*Collection, error) {
	return ImportPostman(data)
}

func (postmanImporter) detectDoc(data []byte) (any, bool) {
	d := decodePostman(data)
	return d, d.kind != ""
}

func (postmanImporter) importDoc(doc any) (*Collection, error) {
	return importPostman(doc.(*pmDoc), nil)
}

// ImportPostman imports a Postman collection (v2.0 or v2.1) and any
// number of Postman environment files. The first argument may itself be an
// environment file, for an import of environments only.
func ImportPostman(collection []byte, environments ...[]byte) (*Collection, error) {
	return importPostman(decodePostman(collection), environments)
}

func importPostman(d *pmDoc, environments [][]byte) (*Collection, error) {
	switch d.kind {
	case "":
		return nil, errors.New("not a Postman collection or environment (expected a JSON object with info.schema of collection v2.0 or v2.1)")
	case "v1":
		return nil, errors.New("a Postman collection v1: open it in Postman and export it again as Collection v2.1")
	}
	c := &Collection{}
	k := newKitConv(c, "Postman")
	var col pmCollection
	var envs []pmEnvironment
	if d.kind == "collection" {
		col = d.col
		if !d.decoded {
			if err := json.Unmarshal(d.raw, &col); err != nil {
				return nil, fmt.Errorf("read the Postman collection: %w", jsonPlace(d.raw, err))
			}
		}
		k.pmCollection(&col)
	} else {
		env, err := d.environment()
		if err != nil {
			return nil, &EnvironmentError{N: 1, Err: err}
		}
		envs = append(envs, env)
	}
	first := len(envs) + 1 // the number of environments[0]
	for i, data := range environments {
		env, err := decodePostman(data).environment()
		if err != nil {
			return nil, &EnvironmentError{N: first + i, Err: err}
		}
		envs = append(envs, env)
	}
	k.pmEnvironments(&col, envs)
	if d.kind != "collection" {
		c.Name = "Imported environments"
		if len(envs) == 1 && envs[0].Name != "" {
			c.Name = envs[0].Name
		}
	}
	// Import fills these too; a caller of ImportPostman then only names the source.
	c.Report.Format, c.Report.Imported = "postman", c.Requests()
	return c, nil
}

// environment is the Postman environment d holds.
func (d *pmDoc) environment() (pmEnvironment, error) {
	var e pmEnvironment
	if d.kind != "environment" {
		return e, errors.New("not a Postman environment export (expected name and values)")
	}
	if d.decoded {
		return d.env, nil
	}
	if err := json.Unmarshal(d.raw, &e); err != nil {
		return e, jsonPlace(d.raw, err)
	}
	return e, nil
}

// EnvironmentError is an environment file ImportPostman could not read; N
// counts the environments given from 1, so a caller holding their file
// names can name the file.
type EnvironmentError struct {
	N   int
	Err error
}

func (e *EnvironmentError) Error() string { return fmt.Sprintf("environment file %d: %v", e.N, e.Err) }

func (e *EnvironmentError) Unwrap() error { return e.Err }

// jsonPlace adds the line of a JSON syntax error.
func jsonPlace(doc []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	off := int64(-1)
	if errors.As(err, &se) {
		off = se.Offset
	} else if errors.As(err, &te) {
		off = te.Offset
	}
	if off < 0 || off > int64(len(doc)) {
		return err
	}
	line := 1 + bytes.Count(doc[:off], []byte("\n"))
	return fmt.Errorf("line %d: %w", line, err)
}

// The Postman collection format, as much of it as sigscope uses. Fields
// that v2.0 and v2.1 write differently (auth parameters, URLs, headers)
// stay raw and are read by the functions below.
type pmCollection struct {
	Info     pmInfo    `json:"info"`
	Item     []pmItem  `json:"item"`
	Auth     *pmAuth   `json:"auth"`
	Event    []pmEvent `json:"event"`
	Variable []pmVar   `json:"variable"`
}

type pmInfo struct {
	Name        string          `json:"name"`
	Description json.RawMessage `json:"description"`
	Schema      string          `json:"schema"`
}

type pmItem struct {
	Name        string            `json:"name"`
	Description json.RawMessage   `json:"description"`
	Item        []pmItem          `json:"item"`
	Request     json.RawMessage   `json:"request"`
	Auth        *pmAuth           `json:"auth"`
	Event       []pmEvent         `json:"event"`
	Response    []json.RawMessage `json:"response"`
	Variable    []pmVar           `json:"variable"`
}

type pmRequest struct {
	URL         json.RawMessage `json:"url"`
	Method      string          `json:"method"`
	Header      json.RawMessage `json:"header"`
	Body        *pmBody         `json:"body"`
	Auth        *pmAuth         `json:"auth"`
	Description json.RawMessage `json:"description"`
}

type pmEvent struct {
	Listen string `json:"listen"`
	Script struct {
		Exec json.RawMessage `json:"exec"`
	} `json:"script"`
}

type pmVar struct {
	Key      string          `json:"key"`
	Value    json.RawMessage `json:"value"`
	Type     string          `json:"type"`
	Disabled bool            `json:"disabled"`
	Enabled  *bool           `json:"enabled"`
}

type pmEnvironment struct {
	Name   string  `json:"name"`
	Values []pmVar `json:"values"`
}

// pmText reads a value Postman writes as a string, a number, a boolean,
// null, or (descriptions) {"content": ...}.
func pmText(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	if s, ok := jsonPlainString(raw); ok {
		return s
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var d struct {
		Content *string `json:"content"`
	}
	if raw[0] == '{' && json.Unmarshal(raw, &d) == nil && d.Content != nil {
		return *d.Content
	}
	if raw[0] == '[' {
		var parts []string
		if json.Unmarshal(raw, &parts) == nil {
			return strings.Join(parts, "\n")
		}
	}
	return string(raw)
}

func (k *kitConv) pmCollection(col *pmCollection) {
	c := k.c
	c.Name = strings.TrimSpace(col.Info.Name)
	c.Description = pmText(col.Info.Description)
	if strings.Contains(col.Info.Schema, "v2.0.0") {
		c.Comments = append(c.Comments, "Imported from a Postman collection v2.0")
	} else {
		c.Comments = append(c.Comments, "Imported from a Postman collection v2.1")
	}
	for _, ev := range col.Event {
		k.collectionScript(pmListen(ev.Listen), pmText(ev.Script.Exec))
	}
	var plan *authPlan
	if col.Auth != nil {
		plan = k.pmAuthPlan(col.Auth, "collection auth")
		if a := plan.block(); a != nil {
			c.Defaults = &Defaults{Auth: a}
		}
	}
	examples := 0
	c.Items = k.pmItems(col.Item, "", plan, &examples)
	if examples > 0 {
		c.Note("collection", "%d saved example responses (Postman examples) were not imported: a collection holds requests only", examples)
	}
}

func pmListen(l string) string {
	switch l {
	case "prerequest":
		return "pre-request"
	case "test":
		return "test"
	}
	return l
}

// pmItems converts a list of items; inherited is the auth of the nearest
// folder (or the collection) that sets one.
func (k *kitConv) pmItems(items []pmItem, prefix string, inherited *authPlan, examples *int) []Item {
	var out []Item
	for i := range items {
		it := &items[i]
		path := prefix + it.Name
		if it.Request == nil {
			f := &Folder{Name: strings.TrimSpace(it.Name), Description: pmText(it.Description)}
			for _, ev := range it.Event {
				k.folderScript(f, pmListen(ev.Listen), pmText(ev.Script.Exec))
			}
			plan := inherited
			if it.Auth != nil {
				plan = k.pmAuthPlan(it.Auth, "folder "+path)
				f.Defaults = &Defaults{Auth: plan.block()}
			}
			k.pmFolderVars(it.Variable, "folder "+path)
			f.Items = k.pmItems(it.Item, path+"/", plan, examples)
			out = append(out, Item{Folder: f})
			continue
		}
		*examples += len(it.Response)
		r := k.pmRequest(it, path, inherited)
		out = append(out, Item{Request: r})
	}
	return out
}

// folderVars holds variables set on folders, added to every environment
// that does not set them (sigscope has no folder variables).
func (k *kitConv) pmFolderVars(vars []pmVar, where string) {
	for _, v := range vars {
		if v.Key == "" || v.Disabled {
			continue
		}
		k.folderVars = append(k.folderVars, v)
		k.noteOnce("fvar"+v.Key, where, "the folder variable %s was moved to the environments (sigscope has no folder variables)", v.Key)
	}
}

func (k *kitConv) pmRequest(it *pmItem, path string, inherited *authPlan) *Request {
	where := "request " + path
	r := &Request{Name: strings.TrimSpace(it.Name), Description: pmText(it.Description)}
	var pr pmRequest
	raw := bytes.TrimSpace(it.Request)
	if len(raw) > 0 && raw[0] == '"' {
		// v2 allows a request that is only its URL.
		pr.URL = raw
	} else if !pmFastRequest(raw, &pr) {
		pr = pmRequest{}
		if err := json.Unmarshal(raw, &pr); err != nil {
			k.c.Unmapped(r, where, "the request could not be read (%v)", err)
		}
	}
	if pr.Description != nil && r.Description == "" {
		r.Description = pmText(pr.Description)
	}
	r.Method = strings.ToUpper(strings.TrimSpace(pr.Method))
	if r.Method == "" {
		r.Method = "GET"
	}
	base, query := k.pmURL(r, where, pr.URL)
	r.URL = k.fixURL(r, where, base)
	r.Query = query
	frozen := k.pmHeaders(r, where, pr.Header)
	k.pmBody(r, where, pr.Body)
	for _, ev := range it.Event {
		k.script(r, where, pmListen(ev.Listen), pmText(ev.Script.Exec))
	}
	switch {
	case pr.Auth != nil:
		plan := k.pmAuthPlan(pr.Auth, where)
		// The same auth as the folder's is written once, on the folder.
		plan.apply(r, !reflect.DeepEqual(plan, inherited))
	case frozen != nil:
		r.Auth = frozen
	case inherited != nil:
		inherited.apply(r, false)
	}
	return r
}

// pmHeaders reads v2.1's list of headers or v2.0's "Key: Value" lines. A
// SigV4 Authorization header frozen into the export (older Postman wrote
// them) becomes auth mode iam; the returned auth is nil otherwise.
func (k *kitConv) pmHeaders(r *Request, where string, raw json.RawMessage) *Auth {
	var hs []pmHeader
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		for _, line := range strings.Split(pmText(raw), "\n") {
			if name, val, ok := strings.Cut(line, ":"); ok {
				hs = append(hs, pmHeader{Key: strings.TrimSpace(name), Value: jsonString(strings.TrimSpace(val))})
			}
		}
	} else if len(raw) > 0 && string(raw) != "null" {
		var ok bool
		if hs, ok = pmFastHeaders(raw); !ok {
			hs = nil
			if err := json.Unmarshal(raw, &hs); err != nil {
				k.c.Unmapped(r, where, "the headers could not be read (%v)", err)
			}
		}
	}
	var frozen *Auth
	for _, h := range hs {
		val := pmText(h.Value)
		if h.Disabled {
			k.c.Unmapped(r, where, "the header %s was disabled in %s", h.Key, k.tool)
			continue
		}
		if strings.EqualFold(h.Key, "authorization") && strings.HasPrefix(val, "AWS4-HMAC-SHA256") {
			frozen = k.frozenSigV4(where, val)
			continue
		}
		if pmAmzHeader(h.Key) && pmHasFrozen(hs) {
			k.noteOnce("amz"+where+h.Key, where, "the header %s belongs to a signature frozen at export time: left out, sigscope signs afresh", h.Key)
			continue
		}
		k.addHeader(r, where, h.Key, val)
	}
	return frozen
}

func pmHasFrozen[T any](hs []T) bool {
	for _, h := range hs {
		b, _ := json.Marshal(h)
		if bytes.Contains(b, []byte("AWS4-HMAC-SHA256")) {
			return true
		}
	}
	return false
}

func pmAmzHeader(name string) bool {
	switch strings.ToLower(name) {
	case "x-amz-date", "x-amz-security-token", "x-amz-content-sha256":
		return true
	}
	return false
}

func jsonString(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}

// frozenSigV4 turns "AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/
// aws4_request, ..." into auth mode iam with that region and service.
func (k *kitConv) frozenSigV4(where, v string) *Auth {
	var region, service string
	if i := strings.Index(v, "Credential="); i >= 0 {
		cred := v[i+len("Credential="):]
		if j := strings.IndexAny(cred, ", "); j >= 0 {
			cred = cred[:j]
		}
		parts := strings.Split(cred, "/")
		if len(parts) >= 4 {
			region, service = parts[2], parts[3]
		}
	}
	if kitPlaceholderRE.MatchString(region) {
		region = ""
	}
	if kitPlaceholderRE.MatchString(service) {
		service = ""
	}
	k.c.Note(where, "a SigV4 Authorization header frozen at export time became auth mode iam: sigscope signs each request afresh")
	return k.awsAuth(where, kitAWSKeys{Region: region, Service: service}, "", "us-east-1")
}
