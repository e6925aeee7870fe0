package collections

import (
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

var (
	collectionFields = []string{"name", "description", "variables", "default_environment", "environments", "auth", "defaults", "requests"}
	requestFields    = []string{"name", "description", "method", "url", "query", "headers", "body", "auth", "capture", "assert"}
	folderFields     = []string{"folder", "description", "defaults", "requests"}
	defaultsFields   = []string{"auth", "headers", "assert"}
	authFields       = []string{"mode", "profile", "service", "region", "presign", "expires", "s3", "unsigned_payload", "bearer", "api_key", "cookies", "algorithm", "region_set"}

	profileFields = map[ProfileType][]string{
		ProfileCognito: {"type", "region", "user_pool_id", "client_id", "client_secret_env", "identity_pool_id", "flow", "endpoint", "username", "password_env", "domain", "identity_provider", "scopes", "redirect_port"},
		ProfileAWS:     {"type", "profile", "region"},
		ProfileStatic:  {"type", "access_key_id_env", "secret_access_key_env", "session_token_env", "region"},
	}
	profileRequired = map[ProfileType][]string{
		ProfileCognito: {"user_pool_id", "client_id"},
		ProfileStatic:  {"access_key_id_env", "secret_access_key_env"},
	}
)

// maxExpires is the longest presigned URL SigV4 accepts: seven days.
const maxExpires = 7 * 24 * 3600

// build reads c.doc into the model and validates it.
func (c *Collection) build() Errors {
	l := &loader{c: c, secrets: map[*yaml.Node]bool{}, budget: 1 << 20}
	if c.doc.Kind != yaml.DocumentNode || len(c.doc.Content) == 0 {
		return Errors{{File: c.Path, Line: 1, Col: 1, Msg: "empty file: a collection needs at least a name"}}
	}
	c.root = c.doc.Content[0]
	l.findSecrets(c.root, 0, "")
	fs, ok := l.fields(c.root, "collection", collectionFields)
	if !ok {
		return l.errs
	}
	if s, _, ok := l.requiredString(fs, c.root, "name", "collection"); ok {
		c.Name = s
	}
	c.Description, _ = l.optString(fs, "description", "collection")
	if f, ok := fs.get("variables"); ok {
		c.variables = l.variables(f.val)
	}
	if f, ok := fs.get("environments"); ok {
		c.envs = l.environments(f.val)
	}
	if f, ok := fs.get("auth"); ok {
		c.profiles = l.profiles(f.val)
	}
	if f, ok := fs.get("defaults"); ok {
		c.defaults = l.defaults(f.val, "collection defaults")
	}
	if s, n := l.optString(fs, "default_environment", "collection"); n != nil {
		if c.environment(s) == nil {
			l.errorf(n, "unknown environment %q%s (environments: %s)", s, didYouMean(s, c.Environments()), quoteList(c.Environments()))
		} else {
			c.DefaultEnvironment = s
		}
	}
	if f, ok := fs.get("requests"); ok {
		c.items = l.items(f.val, "")
	}
	c.index = indexRequests(c.items)
	l.checkReferences()
	l.checkEnvRefs()
	l.checkCaptures()
	return l.errs
}

func (c *Collection) environment(name string) *environment {
	for _, e := range c.envs {
		if e.name == name {
			return e
		}
	}
	return nil
}

func (c *Collection) profile(name string) *profile {
	for _, p := range c.profiles {
		if p.name == name {
			return p
		}
	}
	return nil
}

func (l *loader) environments(n *yaml.Node) []*environment {
	fs, ok := l.fields(n, "environments", nil)
	if !ok {
		return nil
	}
	var out []*environment
	for _, k := range orderedKeys(n) {
		f := fs.at(k)
		env := &environment{name: k, key: f.key, index: map[string]int{}}
		what := fmt.Sprintf("environment %q", k)
		vfs, ok := l.fields(f.val, what, nil)
		if ok {
			for _, vk := range orderedKeys(f.val) {
				vf := vfs.at(vk)
				if !isVarName(vk) {
					l.errorf(vf.key, "%s: bad variable name %q: use letters, digits, _ and -, starting with a letter or _", what, vk)
					continue
				}
				v := deref(vf.val)
				if v.Kind != yaml.ScalarNode {
					l.errorf(v, "%s: variable %q must be a string, got %s", what, vk, kindName(v))
					continue
				}
				env.index[vk] = len(env.vars)
				env.vars = append(env.vars, envVar{name: vk, key: vf.key, value: l.template(v)})
			}
		}
		l.checkCycles(env)
		out = append(out, env)
	}
	return out
}

// orderedKeys lists a mapping's scalar keys in file order, once each.
func orderedKeys(n *yaml.Node) []string {
	n = deref(n)
	var out []string
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := deref(n.Content[i])
		if k.Kind != yaml.ScalarNode || seen[k.Value] {
			continue
		}
		seen[k.Value] = true
		out = append(out, k.Value)
	}
	return out
}

// checkCycles reports variables of one environment that reach themselves.
// Runtime --var values are literal, so a cycle in the file is always a bug.
func (l *loader) checkCycles(env *environment) {
	const (
		unseen = iota
		active
		done
	)
	state := map[string]int{}
	var stack []string
	var visit func(name string)
	visit = func(name string) {
		state[name] = active
		stack = append(stack, name)
		t, _ := env.lookup(name)
		for _, r := range t.refs() {
			if _, ok := env.lookup(r.text); !ok {
				continue
			}
			switch state[r.text] {
			case active:
				i := len(stack) - 1
				for stack[i] != r.text {
					i--
				}
				chain := append(append([]string{}, stack[i:]...), r.text)
				line, col := l.c.src.valuePosition(t.node, r.off)
				l.errs = append(l.errs, &Error{File: l.c.Path, Line: line, Col: col,
					Msg: fmt.Sprintf("variable cycle in environment %q: %s", env.name, strings.Join(chain, " → "))})
			case unseen:
				visit(r.text)
			}
		}
		stack = stack[:len(stack)-1]
		state[name] = done
	}
	for _, v := range env.vars {
		if state[v.name] == unseen {
			visit(v.name)
		}
	}
}

func (l *loader) profiles(n *yaml.Node) []*profile {
	fs, ok := l.fields(n, "auth", nil)
	if !ok {
		return nil
	}
	var out []*profile
	uses := map[string]credentialUse{}
	for _, name := range orderedKeys(n) {
		f := fs.at(name)
		what := fmt.Sprintf("auth profile %q", name)
		p := &profile{name: name, key: f.key, fields: map[string]tmpl{}, envs: map[string]string{}}
		out = append(out, p)
		v := deref(f.val)
		if v.Kind != yaml.MappingNode {
			l.errorf(v, "%s must be a mapping, got %s", what, kindName(v))
			continue
		}
		typ := ""
		var typNode *yaml.Node
		for i := 0; i+1 < len(v.Content); i += 2 {
			if deref(v.Content[i]).Value == "type" {
				typNode = deref(v.Content[i+1])
				typ = typNode.Value
			}
		}
		allowed, known := profileFields[ProfileType(typ)]
		switch {
		case typNode == nil:
			l.errorf(v, "%s is missing required field \"type\" (one of %s)", what, strings.Join(profileTypes, ", "))
			continue
		case !known:
			l.errorf(typNode, "%s: unknown type %q%s (types: %s)", what, typ, didYouMean(typ, profileTypes), strings.Join(profileTypes, ", "))
			continue
		}
		p.typ = ProfileType(typ)
		pfs, _ := l.fields(v, what, allowed)
		for _, req := range profileRequired[p.typ] {
			l.requiredString(pfs, v, req, what)
		}
		for _, k := range allowed {
			if k == "type" {
				continue
			}
			s, sn := l.optString(pfs, k, what)
			if sn == nil {
				continue
			}
			if strings.HasSuffix(k, "_env") {
				if !isEnvName(s) {
					l.errorf(sn, "%s: %s must name an environment variable (letters, digits, _), got %q", what, k, s)
				} else if msg := checkCredentialEnv(uses, name, k, s, sn.Line); msg != "" {
					l.errorf(sn, "%s: %s is refused: %s", what, k, msg)
				}
				p.envs[k] = s
				continue
			}
			t := l.template(sn)
			p.fields[k] = t
			switch {
			case k == "flow" && s != "srp" && s != "password" && s != "hosted":
				l.errorf(sn, "%s: flow must be srp, password or hosted, got %q", what, s)
			case k == "redirect_port" && t.static() && !isPort(s):
				l.errorf(sn, "%s: redirect_port must be a port number from 1 to 65535, got %q", what, s)
			case k == "user_pool_id" && t.static() && !strings.Contains(s, "_"):
				l.errorf(sn, "%s: user_pool_id %q does not look like REGION_ID (e.g. us-east-1_AbC123)", what, s)
			}
		}
	}
	return out
}

func (l *loader) defaults(n *yaml.Node, what string) defaults {
	var d defaults
	fs, ok := l.fields(n, what, defaultsFields)
	if !ok {
		return d
	}
	if f, ok := fs.get("auth"); ok {
		d.auth = l.authSpec(f.val, what+" auth")
	}
	if f, ok := fs.get("headers"); ok {
		d.headers = l.headers(f.val, what+" headers")
	}
	if f, ok := fs.get("assert"); ok {
		d.asserts = l.asserts(f.val, what+" assert")
	}
	return d
}

func (l *loader) authSpec(n *yaml.Node, what string) authSpec {
	var a authSpec
	fs, ok := l.fields(n, what, authFields)
	if !ok {
		return a
	}
	if s, sn := l.optString(fs, "mode", what); sn != nil {
		if contains(authModes, s) {
			a.mode = optStr{s, sn}
		} else {
			l.errorf(sn, "%s: bad auth mode %q%s (modes: %s)", what, s, didYouMean(s, authModes), strings.Join(authModes, ", "))
		}
	}
	if s, sn := l.optString(fs, "profile", what); sn != nil {
		a.profile = optStr{s, sn}
	}
	a.service = l.optTemplate(fs, "service", what)
	a.region = l.optTemplate(fs, "region", what)
	a.apiKey = l.optTemplate(fs, "api_key", what)
	if a.apiKey.isSet() && a.apiKey.static() && !l.secrets[fs.at("api_key").key] {
		l.errorf(a.apiKey.node, "%s: api_key must reference a variable, such as \"{{env.PETS_API_KEY}}\": never write the key itself in a collection", what)
	}
	if s, sn := l.optString(fs, "algorithm", what); sn != nil {
		if alg := strings.ToLower(s); contains(authAlgorithms, alg) {
			a.algorithm = optStr{alg, sn}
		} else {
			l.errorf(sn, "%s: unknown signing algorithm %q%s (algorithms: %s)", what, s, didYouMean(alg, authAlgorithms), strings.Join(authAlgorithms, ", "))
		}
	}
	if f, ok := fs.get("region_set"); ok {
		a.regionSet = l.regionSet(f.val, what)
	}
	a.presign = l.boolean(fs, "presign", what)
	a.s3 = l.boolean(fs, "s3", what)
	a.unsignedPayload = l.boolean(fs, "unsigned_payload", what)
	a.bearer = l.boolean(fs, "bearer", what)
	a.cook = l.boolean(fs, "cookies", what)
	if f, ok := fs.get("expires"); ok {
		v := deref(f.val)
		n, err := strconv.Atoi(v.Value)
		switch {
		case v.Kind != yaml.ScalarNode || v.ShortTag() != "!!int" || err != nil:
			l.errorf(v, "%s: expires must be a whole number of seconds, got %s", what, kindName(v))
		case n < 1 || n > maxExpires:
			l.errorf(v, "%s: expires must be between 1 and %d seconds (7 days), got %d", what, maxExpires, n)
		default:
			a.expires = optInt{n, v}
		}
	}
	return a
}

// regionSet reads auth.region_set, a list of regions or one string of
// comma-separated regions; entries without variables are checked here.
func (l *loader) regionSet(n *yaml.Node, what string) regionSetSpec {
	rs := regionSetSpec{node: deref(n)}
	if rs.node.Kind == yaml.ScalarNode && rs.node.ShortTag() == "!!null" {
		return rs // region_set: null drops an inherited one
	}
	for _, t := range l.values(n, what, "region_set") {
		if t.raw == "" {
			l.errorf(t.node, "%s: region_set has an empty entry: write regions such as [us-east-1, eu-west-1], or \"*\" for every region", what)
			continue
		}
		if t.static() {
			for _, r := range strings.Split(t.raw, ",") {
				if msg := badRegion(strings.TrimSpace(r)); msg != "" {
					l.errorf(t.node, "%s: region_set: %s", what, msg)
				}
			}
		}
		rs.items = append(rs.items, t)
	}
	return rs
}

// badRegion says what is wrong with one region of a region set, "" if
// nothing is.
func badRegion(r string) string {
	switch {
	case r == "":
		return "an empty entry between commas: write regions such as us-east-1,eu-west-1"
	case strings.ContainsAny(r, "/ \t\r\n") || strings.ToLower(r) != r:
		return fmt.Sprintf("%q is not a region: use lower-case names such as us-east-1, or * (us-* for a prefix)", r)
	}
	return ""
}

// headers reads an ordered header mapping. A list value repeats the
// header; null removes a header inherited from defaults.
func (l *loader) headers(n *yaml.Node, what string) []headerEntry {
	if _, ok := l.fields(n, what, nil); !ok {
		return nil
	}
	n = deref(n)
	var out []headerEntry
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), deref(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			continue
		}
		name := k.Value
		if !isToken(name) {
			l.errorf(k, "%s: bad header name %q: use letters, digits and !#$%%&'*+-.^_`|~ only", what, name)
			continue
		}
		lower := strings.ToLower(name)
		if first, dup := seen[lower]; dup {
			if first.Value != name { // exact repeats were reported by fields
				l.errorf(k, "%s: header %q appears twice (first at line %d); write one key with a list to repeat a header", what, name, first.Line)
			}
			continue
		}
		seen[lower] = k
		h := headerEntry{name: name, key: k}
		switch {
		case v.Kind == yaml.ScalarNode && v.ShortTag() == "!!null":
			h.remove = true
		default:
			h.values = l.values(v, what, name)
		}
		out = append(out, h)
	}
	return out
}

// values reads a scalar or a list of scalars as templates.
func (l *loader) values(v *yaml.Node, what, name string) []tmpl {
	v = deref(v)
	switch v.Kind {
	case yaml.ScalarNode:
		if v.ShortTag() == "!!null" {
			return []tmpl{{raw: "", node: v, segs: nil}}
		}
		return []tmpl{l.template(v)}
	case yaml.SequenceNode:
		var out []tmpl
		for _, it := range v.Content {
			it = deref(it)
			if it.Kind != yaml.ScalarNode {
				l.errorf(it, "%s: each value must be a string, got %s", join(what, name), kindName(it))
				continue
			}
			out = append(out, l.template(it))
		}
		return out
	}
	l.errorf(v, "%s must be a string or a list of strings, got %s", join(what, name), kindName(v))
	return nil
}

// pairs reads an ordered mapping of templated keys to values (query, form).
func (l *loader) pairs(n *yaml.Node, what string) []queryEntry {
	if _, ok := l.fields(n, what, nil); !ok {
		return nil
	}
	n = deref(n)
	var out []queryEntry
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := deref(n.Content[i])
		if k.Kind != yaml.ScalarNode {
			continue
		}
		out = append(out, queryEntry{key: l.template(k), values: l.values(n.Content[i+1], what, k.Value)})
	}
	return out
}

// isToken reports whether s is an HTTP token (RFC 9110 §5.6.2), the
// grammar of both methods and header names.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

func isPort(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n >= 1 && n <= 65535
}
