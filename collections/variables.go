package collections

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// A collection comes from anyone's repository, so it says which process
// environment variables it reads: the top-level variables: list, and the
// *_env fields of its auth profiles. {{env.NAME}} of any other name is an
// error when the file loads, and names shaped like credentials are never
// read by a template (only a profile's *_env fields read them, to sign or
// to log in). Variables and Hosts are what a person confirms before the
// collection is used.

// envRef is one {{env.NAME}} in the file, for the check after loading.
type envRef struct {
	name string
	node *yaml.Node
	off  int // of the "{{" in the node's value
}

// credentialName reports whether an environment variable's name says it
// holds a credential: the AWS key variables, and any name with SECRET,
// TOKEN or PASSWORD in it, in any case.
func credentialName(name string) bool {
	up := strings.ToUpper(name)
	switch up {
	case "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ACCESS_KEY_ID":
		return true
	}
	for _, w := range []string{"SECRET", "TOKEN", "PASSWORD"} {
		if strings.Contains(up, w) {
			return true
		}
	}
	return false
}

// credentialFix is the end of every message that refuses a credential name.
const credentialFix = "it names a credential, which a collection may read only through an auth profile's *_env fields (access_key_id_env, secret_access_key_env, session_token_env, password_env, client_secret_env): they use it to sign or send it to Cognito only, never to a request's host"

// variables reads the top-level variables: list of environment variable
// names.
func (l *loader) variables(n *yaml.Node) []string {
	n = deref(n)
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		l.errorf(n, "variables must be a list of environment variable names, such as variables: [PETS_API_KEY], got %s", kindName(n))
		return nil
	}
	var out []string
	first := map[string]*yaml.Node{}
	for _, it := range n.Content {
		it = deref(it)
		if it.Kind != yaml.ScalarNode || it.ShortTag() == "!!null" {
			l.errorf(it, "variables: each item must be an environment variable name, got %s", kindName(it))
			continue
		}
		name := it.Value
		switch {
		case !isEnvName(name):
			l.errorf(it, "variables: bad environment variable name %q: use letters, digits and _, starting with a letter or _", name)
		case credentialName(name):
			l.errorf(it, "variables: %s is refused: %s", name, credentialFix)
		case first[name] != nil:
			l.errorf(it, "variables: %s is listed twice (first at line %d)", name, first[name].Line)
		default:
			first[name] = it
			out = append(out, name)
		}
	}
	return out
}

// checkEnvRefs reports each {{env.NAME}} whose name is a credential or is
// not declared.
func (l *loader) checkEnvRefs() {
	for _, r := range l.envRefs {
		var msg string
		switch {
		case credentialName(r.name):
			msg = fmt.Sprintf("{{env.%s}} is refused: %s", r.name, credentialFix)
		case !l.c.declared(r.name):
			msg = fmt.Sprintf("environment variable %s is not declared (used as {{env.%s}}): add %s to variables: (the top-level list of the environment variables the collection reads, e.g. variables: [%s])", r.name, r.name, r.name, r.name)
		default:
			continue
		}
		line, col := l.c.src.valuePosition(r.node, r.off)
		l.errs = append(l.errs, &Error{File: l.c.Path, Line: line, Col: col, Msg: msg})
	}
}

// declared reports whether the collection declares the environment
// variable name: in variables: or in a profile's *_env field.
func (c *Collection) declared(name string) bool {
	if contains(c.variables, name) {
		return true
	}
	for _, p := range c.profiles {
		for _, v := range p.envs {
			if v == name {
				return true
			}
		}
	}
	return false
}

// Variables lists the process environment variables the collection reads:
// its variables: list and the *_env fields of its auth profiles, sorted,
// each once.
func (c *Collection) Variables() []string {
	set := map[string]bool{}
	for _, v := range c.variables {
		set[v] = true
	}
	for _, p := range c.profiles {
		for _, v := range p.envs {
			set[v] = true
		}
	}
	return sortedKeys(set)
}

// Hosts lists where the collection sends requests and logins: the host
// (and port) of each request's URL and of its Host header, expanded with
// each environment's variables, and the Cognito endpoints and hosted-UI domains of its
// profiles (the AWS endpoints of the pool's region when a profile names
// none). A part that cannot be expanded this way (a runtime variable such
// as {{emulator}}, an {{env.NAME}}) stays as its template text. Sorted,
// each once.
func (c *Collection) Hosts() []string {
	set := map[string]bool{}
	add := func(h string) {
		if h != "" {
			set[h] = true
		}
	}
	c.eachRequest(func(x *partialExpander, r *request, chain []*folder) {
		add(urlHost(x.expand(r.url)))
		// A signature is good for the host it names, wherever it is sent.
		add(hostHeader(x, c.headerLevels(r, chain)))
	})
	c.eachEnvironment(func(x *partialExpander) {
		for _, p := range c.profiles {
			if p.typ != ProfileCognito {
				continue
			}
			if t, ok := p.fields["endpoint"]; ok {
				add(urlHost(x.expand(t)))
			} else {
				region := ""
				if t, ok := p.fields["region"]; ok {
					region = x.expand(t)
				} else if t, ok := p.fields["user_pool_id"]; ok {
					region, _, _ = strings.Cut(x.expand(t), "_")
				}
				add("cognito-idp." + region + ".amazonaws.com")
				if _, ok := p.fields["identity_pool_id"]; ok {
					add("cognito-identity." + region + ".amazonaws.com")
				}
			}
			if t, ok := p.fields["domain"]; ok {
				add(urlHost(x.expand(t)))
			}
		}
	})
	return sortedKeys(set)
}

// urlHost is the host (with its port) of a URL, or of what stands for it
// at the start of a template that could not be expanded.
func urlHost(u string) string {
	rest := u
	if i := strings.Index(rest, "://"); i >= 0 {
		rest = rest[i+len("://"):]
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		rest = rest[i+1:] // user:password@ is not where it goes
	}
	if !strings.Contains(rest, "{{") {
		rest = strings.ToLower(rest)
	}
	return strings.TrimSpace(rest)
}

// maxPartial bounds what partialExpander writes for one value: only the
// start of a URL matters, and variables that repeat each other must not
// grow without end.
const maxPartial = 4096

// partialExpander expands templates with one environment's variables
// only, leaving everything else (runtime variables, {{env.NAME}},
// built-ins) as written. It never fails and never reads the process.
type partialExpander struct {
	env      *environment
	cache    map[string]string
	visiting map[string]bool
}

func (x *partialExpander) expand(t tmpl) string {
	var b strings.Builder
	for _, s := range t.segs {
		if b.Len() > maxPartial {
			break
		}
		switch s.kind {
		case segLiteral:
			b.WriteString(s.text)
		case segVar:
			b.WriteString(x.variable(s.text))
		case segEnv:
			b.WriteString("{{env." + s.text + "}}")
		case segBuiltin:
			b.WriteString("{{" + s.text + "}}")
		}
	}
	out := b.String()
	if len(out) > maxPartial {
		out = strings.ToValidUTF8(out[:maxPartial], "")
	}
	return out
}

func (x *partialExpander) variable(name string) string {
	if v, ok := x.cache[name]; ok {
		return v
	}
	if x.env == nil || x.visiting[name] {
		return "{{" + name + "}}"
	}
	t, ok := x.env.lookup(name)
	if !ok {
		return "{{" + name + "}}"
	}
	x.visiting[name] = true
	v := x.expand(t)
	delete(x.visiting, name)
	x.cache[name] = v
	return v
}
