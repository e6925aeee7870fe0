package export

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sigscope/sigscope/collections"
)

// The collections package resolves a request with every default applied
// but templates expanded; a Postman export wants the templates as written
// and the defaults of each level. This file reads those levels from the
// collection's text (already validated by collections.Load).

type yamlDoc struct {
	Name         string              `yaml:"name"`
	Description  string              `yaml:"description"`
	Environments yaml.Node           `yaml:"environments"`
	Auth         map[string]yamlProf `yaml:"auth"`
	Defaults     yamlDefaults        `yaml:"defaults"`
	Requests     []yamlItem          `yaml:"requests"`
}

type yamlProf struct {
	Type           string `yaml:"type"`
	Region         string `yaml:"region"`
	UserPoolID     string `yaml:"user_pool_id"`
	IdentityPoolID string `yaml:"identity_pool_id"`
	Endpoint       string `yaml:"endpoint"`
}

type yamlDefaults struct {
	Auth    yamlAuth  `yaml:"auth"`
	Headers yaml.Node `yaml:"headers"`
}

// yamlAuth is an auth block; nil fields were not written at that level.
type yamlAuth struct {
	Mode    *string `yaml:"mode"`
	Profile *string `yaml:"profile"`
	Service *string `yaml:"service"`
	Region  *string `yaml:"region"`
	APIKey  *string `yaml:"api_key"`
	Bearer  *bool   `yaml:"bearer"`
	S3      *bool   `yaml:"s3"`
}

type yamlItem struct {
	Folder      string       `yaml:"folder"`
	Name        string       `yaml:"name"`
	Description string       `yaml:"description"`
	Defaults    yamlDefaults `yaml:"defaults"`
	Requests    []yamlItem   `yaml:"requests"`
	Auth        yamlAuth     `yaml:"auth"`
}

// merge lays inner over a: a field written at an inner level wins.
func (a yamlAuth) merge(inner yamlAuth) yamlAuth {
	if inner.Mode != nil {
		a.Mode = inner.Mode
	}
	if inner.Profile != nil {
		a.Profile = inner.Profile
	}
	if inner.Service != nil {
		a.Service = inner.Service
	}
	if inner.Region != nil {
		a.Region = inner.Region
	}
	if inner.APIKey != nil {
		a.APIKey = inner.APIKey
	}
	if inner.Bearer != nil {
		a.Bearer = inner.Bearer
	}
	if inner.S3 != nil {
		a.S3 = inner.S3
	}
	return a
}

// header is one header of a defaults level; remove drops an inherited one.
type header struct {
	name   string
	values []string
	remove bool
}

func readHeaders(n *yaml.Node) []header {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	var out []header
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind == yaml.AliasNode {
			v = v.Alias
		}
		h := header{name: k.Value}
		switch {
		case v.Kind == yaml.ScalarNode && v.ShortTag() == "!!null":
			h.remove = true
		case v.Kind == yaml.SequenceNode:
			for _, e := range v.Content {
				h.values = append(h.values, e.Value)
			}
			h.remove = len(h.values) == 0
		default:
			h.values = []string{v.Value}
		}
		out = append(out, h)
	}
	return out
}

// mergeHeaders applies levels from the outside in: a name set inside
// replaces every outer value of that name, as collections does.
func mergeHeaders(levels ...[]header) []header {
	var out []header
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

// level is what a folder or the collection gives the requests inside it.
type level struct {
	description string
	auth        yamlAuth
	headers     []header
	folders     map[string]*level
	requests    map[string]yamlAuth // a request's own auth block, by name
}

func readLevels(c *collections.Collection) (*yamlDoc, *level, error) {
	var doc yamlDoc
	if err := yaml.Unmarshal(c.Bytes(), &doc); err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", c.Path, err)
	}
	root := &level{description: doc.Description, auth: doc.Defaults.Auth, headers: readHeaders(&doc.Defaults.Headers)}
	var fill func(l *level, items []yamlItem)
	fill = func(l *level, items []yamlItem) {
		l.folders, l.requests = map[string]*level{}, map[string]yamlAuth{}
		for _, it := range items {
			if it.Folder != "" {
				f := &level{description: it.Description, auth: it.Defaults.Auth, headers: readHeaders(&it.Defaults.Headers)}
				fill(f, it.Requests)
				l.folders[it.Folder] = f
				continue
			}
			l.requests[it.Name] = it.Auth
		}
	}
	fill(root, doc.Requests)
	return &doc, root, nil
}

// chain is the levels from the collection to a request's folder.
func (l *level) chain(folders []string) []*level {
	out := []*level{l}
	cur := l
	for _, f := range folders {
		next := cur.folders[f]
		if next == nil {
			break
		}
		out = append(out, next)
		cur = next
	}
	return out
}

// environments reads the environments in file order, values as written.
func environments(doc *yamlDoc) []namedVars {
	n := &doc.Environments
	if n.Kind != yaml.MappingNode {
		return nil
	}
	var out []namedVars
	for i := 0; i+1 < len(n.Content); i += 2 {
		e := namedVars{name: n.Content[i].Value}
		m := n.Content[i+1]
		if m.Kind == yaml.AliasNode {
			m = m.Alias
		}
		if m.Kind == yaml.MappingNode {
			for j := 0; j+1 < len(m.Content); j += 2 {
				e.vars = append(e.vars, collections.KV{Key: m.Content[j].Value, Value: m.Content[j+1].Value})
			}
		}
		out = append(out, e)
	}
	return out
}

type namedVars struct {
	name string
	vars []collections.KV
}
