package collections

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// defaultExpires is the presign lifetime when none is set, as the AWS SDKs
// use for presigned S3 requests.
const defaultExpires = 15 * time.Minute

// Requests lists every request in file order, folders flattened.
func (c *Collection) Requests() []RequestRef {
	var out []RequestRef
	var walk func(items []item, folders []string, path string)
	walk = func(items []item, folders []string, path string) {
		for _, it := range items {
			if f := it.folder; f != nil {
				walk(f.items, append(folders[:len(folders):len(folders)], f.name), joinPath(path, f.name))
				continue
			}
			r := it.req
			out = append(out, RequestRef{
				Path:    joinPath(path, r.name),
				Folders: folders,
				Name:    r.name,
				Method:  r.method,
				URL:     r.url.raw,
				Line:    r.node.Line,
				Col:     r.node.Column,
			})
		}
	}
	walk(c.items, nil, "")
	return out
}

// Environments lists the environment names in file order.
func (c *Collection) Environments() []string {
	out := make([]string, len(c.envs))
	for i, e := range c.envs {
		out[i] = e.name
	}
	return out
}

// AuthProfiles lists the auth profile names in file order.
func (c *Collection) AuthProfiles() []string {
	out := make([]string, len(c.profiles))
	for i, p := range c.profiles {
		out[i] = p.name
	}
	return out
}

// find locates a request by path and returns it with its folders,
// outermost first. The path is the escaped form (a '/' inside a name
// written "\/"); failing that, a name exactly as written in the file is
// taken when one request alone answers to it: the request's name alone
// ("GET /prod/pets"), or its folders and name joined by '/' unescaped
// ("pets/GET /prod/pets"), as people copy them from the YAML.
func (c *Collection) find(path string) (*request, []*folder, error) {
	if r, chain := c.lookup(splitPath(path)); r != nil {
		return r, chain, nil
	}
	type hit struct {
		r     *request
		chain []*folder
		path  string
	}
	var hits []hit
	var walk func(items []item, chain []*folder, raw, esc string)
	walk = func(items []item, chain []*folder, raw, esc string) {
		for _, it := range items {
			if f := it.folder; f != nil {
				walk(f.items, append(chain[:len(chain):len(chain)], f), raw+f.name+"/", joinPath(esc, f.name))
				continue
			}
			if it.req.name == path || raw+it.req.name == path {
				hits = append(hits, hit{it.req, chain, joinPath(esc, it.req.name)})
			}
		}
	}
	walk(c.items, nil, "", "")
	switch len(hits) {
	case 0:
		return nil, nil, c.noRequest(path)
	case 1:
		return hits[0].r, hits[0].chain, nil
	}
	paths := make([]string, len(hits))
	for i, h := range hits {
		paths[i] = h.path
	}
	return nil, nil, fmt.Errorf("collection %q (%s): %d requests answer to %q: name one by its path (a '/' inside a name written \\/): %s", c.Name, c.Path, len(hits), path, quoteList(paths))
}

// findEscaped walks the escaped path's parts, folder by folder.
func (c *Collection) findEscaped(parts []string) (*request, []*folder) {
	items := c.items
	var chain []*folder
	for i, part := range parts {
		last := i == len(parts)-1
		found := false
		for _, it := range items {
			if last && it.req != nil && it.req.name == part {
				return it.req, chain
			}
			if !last && it.folder != nil && it.folder.name == part {
				chain = append(chain, it.folder)
				items = it.folder.items
				found = true
				break
			}
		}
		if !found {
			break
		}
	}
	return nil, nil
}

func (c *Collection) noRequest(path string) error {
	refs := c.Requests()
	paths := make([]string, len(refs))
	for i, r := range refs {
		paths[i] = r.Path
	}
	close := suggest(path, paths)
	// A right name in the wrong folder is the usual slip.
	parts := splitPath(path)
	leaf := parts[len(parts)-1]
	for _, r := range refs {
		if strings.EqualFold(r.Name, leaf) && !contains(close, r.Path) {
			close = append(close, r.Path)
		}
	}
	hint := " (the collection has no requests)"
	switch {
	case len(close) > 0:
		hint = "; close names: " + quoteList(close)
	case len(paths) > 0:
		hint = fmt.Sprintf("; it has %d requests, such as %q (folders are written as \"folder/name\")", len(paths), paths[0])
	}
	return fmt.Errorf("collection %q (%s): no request %q%s", c.Name, c.Path, path, hint)
}

// Resolve expands a request for sending: env picks the environment (""
// means default_environment, or the only one), vars are runtime overrides
// (--var k=v, taken literally), and processEnv answers {{env.NAME}} (nil
// means an empty process environment). All problems are returned together
// as Errors.
func (c *Collection) Resolve(requestPath, env string, vars map[string]string, processEnv func(string) (string, bool)) (*ResolvedRequest, error) {
	r, chain, err := c.find(requestPath)
	if err != nil {
		return nil, fmt.Errorf("resolve: %w", err)
	}
	e, err := c.pickEnvironment(env)
	if err != nil {
		return nil, fmt.Errorf("resolve %q: %w", requestPath, err)
	}
	x := &expander{c: c, env: e, vars: vars, processEnv: processEnv, now: c.now(), uuid: c.uuid, cache: map[string]string{}}
	out := &ResolvedRequest{Collection: c.Name, Path: requestPath, Name: r.name, Method: r.method}
	if e != nil {
		out.Environment = e.name
	}

	out.URL = x.expand(r.url)
	if len(x.errs) == 0 {
		if msg := checkExpandedURL(out.URL); msg != "" {
			x.errs = append(x.errs, &Error{File: c.Path, Line: r.url.node.Line, Col: r.url.node.Column, Msg: msg})
		}
	}
	for _, q := range r.query {
		k := x.expand(q.key)
		for _, v := range q.values {
			out.Query = append(out.Query, KV{k, x.expand(v)})
		}
	}

	for _, h := range mergeHeaders(c.headerLevels(r, chain)) {
		for _, v := range h.values {
			val := x.expand(v)
			if strings.ContainsAny(val, "\r\n\x00") {
				x.errs = append(x.errs, &Error{File: c.Path, Line: v.node.Line, Col: v.node.Column,
					Msg: fmt.Sprintf("header %s: the value contains a line break or NUL after templating, which would split the request", h.name)})
				continue
			}
			out.Headers = append(out.Headers, KV{h.name, val})
		}
	}
	if r.body != nil {
		out.Body = c.resolveBody(r.body, x, out.Headers)
	}
	out.Auth = c.resolveAuth(c.authOf(r, chain), x)
	if len(x.errs) > 0 {
		return nil, x.errs.sorted()
	}
	out.Secrets = x.secrets
	return out, nil
}

func (c *Collection) pickEnvironment(name string) (*environment, error) {
	switch {
	case name == "" && c.DefaultEnvironment != "":
		name = c.DefaultEnvironment
	case name == "" && len(c.envs) == 1:
		return c.envs[0], nil
	case name == "":
		return nil, nil
	}
	if e := c.environment(name); e != nil {
		return e, nil
	}
	names := c.Environments()
	if len(names) == 0 {
		return nil, fmt.Errorf("unknown environment %q: collection %q defines no environments", name, c.Name)
	}
	return nil, fmt.Errorf("unknown environment %q in collection %q%s (environments: %s)", name, c.Name, didYouMean(name, names), quoteList(names))
}

// mergeHeaders applies header levels from the collection inward: a name
// set at an inner level replaces every outer value of that name (compared
// without case) and moves to the inner level's place in the order.
func mergeHeaders(levels [][]headerEntry) []headerEntry {
	var out []headerEntry
	for _, level := range levels {
		for _, h := range level {
			kept := out[:0]
			for _, o := range out {
				if !strings.EqualFold(o.name, h.name) {
					kept = append(kept, o)
				}
			}
			out = kept
			if !h.remove {
				out = append(out, h)
			}
		}
	}
	return out
}

func checkExpandedURL(u string) string {
	lower := strings.ToLower(u)
	var rest string
	switch {
	case strings.HasPrefix(lower, "http://"):
		rest = u[len("http://"):]
	case strings.HasPrefix(lower, "https://"):
		rest = u[len("https://"):]
	default:
		return fmt.Sprintf("URL after templating is %q: it must start with http:// or https:// (check the variable it starts with)", u)
	}
	host := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		host = rest[:i]
	}
	if host == "" || strings.ContainsAny(host, " \t\r\n") {
		return fmt.Sprintf("URL after templating is %q: the host is missing or has spaces", u)
	}
	if strings.ContainsAny(u, "\r\n\x00") {
		return fmt.Sprintf("URL after templating contains a line break or NUL: %q", u)
	}
	return ""
}

func (c *Collection) resolveAuth(a authSpec, x *expander) ResolvedAuth {
	out := ResolvedAuth{
		Mode:            ModeNone,
		Presign:         a.presign.val,
		S3:              a.s3.val,
		UnsignedPayload: a.unsignedPayload.val,
		Bearer:          a.bearer.val,
		Cookies:         true,
		Expires:         defaultExpires,
	}
	if a.mode.node != nil {
		out.Mode = AuthMode(a.mode.val)
	}
	if a.cook.node != nil {
		out.Cookies = a.cook.val
	}
	if a.expires.node != nil {
		out.Expires = time.Duration(a.expires.val) * time.Second
	}
	if out.Mode == ModeNone {
		return out
	}
	out.Algorithm = AlgorithmSigV4
	if a.algorithm.node != nil {
		out.Algorithm = a.algorithm.val
	}
	for _, t := range a.regionSet.items {
		for _, r := range strings.Split(x.expand(t), ",") {
			out.RegionSet = append(out.RegionSet, strings.TrimSpace(r))
		}
	}
	if p := c.profile(a.profile.val); p != nil && a.profile.node != nil {
		out.Profile = resolveProfile(p, x)
	}
	switch {
	case a.service.isSet():
		out.Service = x.expand(a.service)
	case out.S3:
		out.Service = "s3"
	default:
		out.Service = "execute-api"
	}
	switch {
	case a.region.isSet():
		out.Region = x.expand(a.region)
	default:
		if v, ok := x.lookup("region"); ok {
			out.Region = v
		} else if out.Profile != nil {
			out.Region = out.Profile.Region
		}
	}
	if out.Mode == ModeAPIKey {
		out.APIKey = Secret(x.expand(a.apiKey))
	}
	return out
}

// lookup returns a variable's value when it is defined, without reporting
// anything when it is not.
func (x *expander) lookup(name string) (string, bool) {
	if v, ok := x.vars[name]; ok {
		return v, true
	}
	if x.env == nil {
		return "", false
	}
	t, ok := x.env.lookup(name)
	if !ok {
		return "", false
	}
	return x.variable(t, segment{kind: segVar, text: name}), true
}

func resolveProfile(p *profile, x *expander) *Profile {
	get := func(k string) string {
		t, ok := p.fields[k]
		if !ok {
			return ""
		}
		return x.expand(t)
	}
	out := &Profile{
		Name:               p.name,
		Type:               p.typ,
		Region:             get("region"),
		UserPoolID:         get("user_pool_id"),
		ClientID:           get("client_id"),
		ClientSecretEnv:    p.envs["client_secret_env"],
		IdentityPoolID:     get("identity_pool_id"),
		Flow:               get("flow"),
		Endpoint:           get("endpoint"),
		Username:           get("username"),
		PasswordEnv:        p.envs["password_env"],
		Domain:             get("domain"),
		IdentityProvider:   get("identity_provider"),
		Scopes:             get("scopes"),
		RedirectPort:       get("redirect_port"),
		AWSProfile:         get("profile"),
		AccessKeyIDEnv:     p.envs["access_key_id_env"],
		SecretAccessKeyEnv: p.envs["secret_access_key_env"],
		SessionTokenEnv:    p.envs["session_token_env"],
	}
	if p.typ == ProfileCognito {
		if out.Flow == "" {
			out.Flow = "srp"
		}
		if out.Region == "" {
			if i := strings.IndexByte(out.UserPoolID, '_'); i > 0 {
				out.Region = out.UserPoolID[:i]
			}
		}
	}
	return out
}

// sortedKeys is used for stable messages about maps, and sorted sets.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// AuthOf is a request's auth mode and profile as the collection writes
// them (defaults, folders and the request merged), without expanding any
// template: what a listing shows, even where a variable is not set.
func (c *Collection) AuthOf(requestPath string) (mode AuthMode, profile string, err error) {
	r, chain, err := c.find(requestPath)
	if err != nil {
		return "", "", err
	}
	a := c.authOf(r, chain)
	mode = ModeNone
	if a.mode.node != nil {
		mode = AuthMode(a.mode.val)
	}
	if mode != ModeNone && a.profile.node != nil {
		profile = a.profile.val
	}
	return mode, profile, nil
}
