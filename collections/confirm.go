package collections

import (
	"fmt"
	"strings"
)

// Besides the variables it reads and the hosts it talks to, a person
// confirms what the collection does with credentials: where each auth
// profile takes them from (each *_env field with its variable, an AWS
// profile's name, the default chain), and for which service, region and
// host each request is signed. A signature is valid wherever its Host,
// service and region say, not only where the bytes go, so a change to any
// of these must ask again.

// Uses lists, one line each, sorted, what the collection does with
// credentials: every auth profile's source, and every distinct way its
// requests sign or carry credentials (per environment, templates expanded
// with the environment's variables only, as Hosts does).
func (c *Collection) Uses() []string {
	set := map[string]bool{}
	c.eachEnvironment(func(x *partialExpander) {
		for _, p := range c.profiles {
			set[profileSource(x, p)] = true
		}
	})
	c.eachRequest(func(x *partialExpander, r *request, chain []*folder) {
		if line := requestUse(c, x, r, chain); line != "" {
			set[line] = true
		}
	})
	return sortedKeys(set)
}

// profileSource says where a profile's credentials come from.
func profileSource(x *partialExpander, p *profile) string {
	field := func(k string) string {
		if t, ok := p.fields[k]; ok {
			return x.expand(t)
		}
		return ""
	}
	var parts []string
	for _, k := range []string{"access_key_id_env", "secret_access_key_env", "session_token_env", "password_env", "client_secret_env"} {
		if v := p.envs[k]; v != "" {
			parts = append(parts, fmt.Sprintf("%s from $%s", credentialRoles[k].what, v))
		}
	}
	switch p.typ {
	case ProfileStatic:
		return fmt.Sprintf("auth profile %q: static keys, %s", p.name, strings.Join(parts, ", "))
	case ProfileAWS:
		if name := field("profile"); name != "" {
			return fmt.Sprintf("auth profile %q: the AWS shared-config profile %q (~/.aws/config)", p.name, name)
		}
		return fmt.Sprintf("auth profile %q: the default AWS credentials (environment, ~/.aws, SSO)", p.name)
	case ProfileCognito:
		line := fmt.Sprintf("auth profile %q: Cognito user pool %q, app client %q", p.name, field("user_pool_id"), field("client_id"))
		if id := field("identity_pool_id"); id != "" {
			line += fmt.Sprintf(", identity pool %q", id)
		}
		if len(parts) > 0 {
			line += ", " + strings.Join(parts, ", ")
		}
		return line
	}
	return fmt.Sprintf("auth profile %q: type %s", p.name, p.typ)
}

// requestUse is the line for one request in one environment: what it
// signs for or which credential it carries, and to which host; "" for a
// request without auth.
func requestUse(c *Collection, x *partialExpander, r *request, chain []*folder) string {
	a := c.authOf(r, chain)
	if a.mode.node == nil || a.mode.val == string(ModeNone) {
		return ""
	}
	who := "the default AWS credentials"
	if a.profile.node != nil {
		who = fmt.Sprintf("auth profile %q", a.profile.val)
	}
	to := urlHost(x.expand(r.url))
	if h := hostHeader(x, c.headerLevels(r, chain)); h != "" && !strings.EqualFold(h, to) {
		to = fmt.Sprintf("%s (its Host header) while connecting to %s", h, to)
	}
	switch AuthMode(a.mode.val) {
	case ModeIAM, ModeGuest:
		service := "execute-api"
		switch {
		case a.service.isSet():
			service = x.expand(a.service)
		case a.s3.val:
			service = "s3"
		}
		region := x.variable("region")
		switch {
		case a.region.isSet():
			region = x.expand(a.region)
		case region == "{{region}}" && a.profile.node != nil:
			if p := c.profile(a.profile.val); p != nil {
				if t, ok := p.fields["region"]; ok {
					region = x.expand(t)
				}
			}
		}
		alg := "SigV4"
		if a.algorithm.val == AlgorithmSigV4a {
			alg = "SigV4a"
			var set []string
			for _, t := range a.regionSet.items {
				set = append(set, x.expand(t))
			}
			if len(set) > 0 {
				region = strings.Join(set, ",")
			}
		}
		if AuthMode(a.mode.val) == ModeGuest {
			who = "the guest (unauthenticated) credentials of " + who
			if p := c.profile(a.profile.val); p != nil && a.profile.node != nil {
				if t, ok := p.fields["identity_pool_id"]; ok {
					who += fmt.Sprintf(" from identity pool %q", x.expand(t))
				}
			}
		}
		return fmt.Sprintf("signs (%s) with %s for service %s in region %s, for host %s", alg, who, service, region, to)
	case ModeAPIKey:
		return fmt.Sprintf("sends an API key (%s) to host %s", strings.TrimSpace(a.apiKey.raw), to)
	default:
		return fmt.Sprintf("sends the %s of %s to host %s", strings.ReplaceAll(a.mode.val, "_", " "), who, to)
	}
}

// hostHeader is the Host header a request sends (its first value,
// expanded), or "".
func hostHeader(x *partialExpander, levels [][]headerEntry) string {
	for _, h := range mergeHeaders(levels) {
		if strings.EqualFold(h.name, "Host") && len(h.values) > 0 {
			return urlHost(x.expand(h.values[0]))
		}
	}
	return ""
}

// eachRequest calls fn for every request of the collection in every
// environment (once with no environment when it has none), with the
// request's folders, outermost first.
func (c *Collection) eachRequest(fn func(x *partialExpander, r *request, chain []*folder)) {
	c.eachEnvironment(func(x *partialExpander) {
		var walk func(items []item, chain []*folder)
		walk = func(items []item, chain []*folder) {
			for _, it := range items {
				if it.folder != nil {
					walk(it.folder.items, append(chain[:len(chain):len(chain)], it.folder))
					continue
				}
				fn(x, it.req, chain)
			}
		}
		walk(c.items, nil)
	})
}

// eachEnvironment calls fn with an expander for every environment (once
// with none when the collection has none).
func (c *Collection) eachEnvironment(fn func(x *partialExpander)) {
	envs := c.envs
	if len(envs) == 0 {
		envs = []*environment{nil}
	}
	for _, e := range envs {
		fn(&partialExpander{env: e, cache: map[string]string{}, visiting: map[string]bool{}})
	}
}
