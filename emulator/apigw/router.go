package apigw

import (
	"fmt"
	"net/url"
	"strings"
)

type segKind int

// The order is the precedence API Gateway gives resources: a literal path
// part beats a {param}, which beats a greedy {proxy+}.
const (
	segLiteral segKind = iota
	segParam
	segGreedy
)

type segment struct {
	kind segKind
	text string // literal text, or the parameter name
}

// parsePath splits a resource path such as /pets/{id}/{proxy+}.
func parsePath(p string) ([]segment, error) {
	if !strings.HasPrefix(p, "/") {
		return nil, fmt.Errorf("path %q must start with '/'", p)
	}
	if p == "/" {
		return nil, nil
	}
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	segs := make([]segment, 0, len(parts))
	names := map[string]bool{}
	for i, part := range parts {
		switch {
		case part == "":
			return nil, fmt.Errorf("path %q has an empty segment (// or a trailing /)", p)
		case strings.HasPrefix(part, "{") && strings.HasSuffix(part, "+}"):
			name := part[1 : len(part)-2]
			if i != len(parts)-1 {
				return nil, fmt.Errorf("path %q: greedy {%s+} must be the last segment", p, name)
			}
			if !validParamName(name) {
				return nil, fmt.Errorf("path %q: bad parameter name %q", p, name)
			}
			segs = append(segs, segment{kind: segGreedy, text: name})
			names[name] = true
		case strings.HasPrefix(part, "{") && strings.HasSuffix(part, "}"):
			name := part[1 : len(part)-1]
			if !validParamName(name) {
				return nil, fmt.Errorf("path %q: bad parameter name %q", p, name)
			}
			if names[name] {
				return nil, fmt.Errorf("path %q: parameter {%s} appears twice", p, name)
			}
			names[name] = true
			segs = append(segs, segment{kind: segParam, text: name})
		case strings.ContainsAny(part, "{}?#% "):
			return nil, fmt.Errorf("path %q: segment %q may not contain braces, '?', '#', '%%' or spaces (use {name} for a whole-segment parameter)", p, part)
		default:
			segs = append(segs, segment{kind: segLiteral, text: part})
		}
	}
	return segs, nil
}

func validParamName(n string) bool {
	if n == "" {
		return false
	}
	for _, c := range n {
		if !(c == '_' || c == '-' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// shapeOf names a resource path independently of its parameter names, so
// /pets/{id} and /pets/{petId} count as the same resource.
func shapeOf(segs []segment) string {
	var b strings.Builder
	for _, s := range segs {
		b.WriteByte('/')
		switch s.kind {
		case segLiteral:
			b.WriteString(s.text)
		case segParam:
			b.WriteString("{}")
		case segGreedy:
			b.WriteString("{+}")
		}
	}
	return b.String()
}

type compiledRoute struct {
	Route
	method string // upper case
	segs   []segment
	shape  string
}

// match is a route chosen for a request, with its path parameters.
type match struct {
	route  *compiledRoute
	params map[string]string
}

// splitWirePath turns the escaped path after the stage into decoded
// segments; a segment that does not decode is kept as sent.
func splitWirePath(escaped string) []string {
	escaped = strings.TrimPrefix(escaped, "/")
	escaped = strings.TrimSuffix(escaped, "/")
	if escaped == "" {
		return nil
	}
	parts := strings.Split(escaped, "/")
	for i, p := range parts {
		if d, err := url.PathUnescape(p); err == nil {
			parts[i] = d
		}
	}
	return parts
}

// matchSegments reports whether a resource matches the request's segments
// and, if so, its parameters (nil when it has none: every route is tried
// on every request, so the map is made only for a parameter).
func matchSegments(segs []segment, parts []string) (map[string]string, bool) {
	var params map[string]string
	for i, s := range segs {
		switch s.kind {
		case segGreedy:
			if i >= len(parts) {
				return nil, false
			}
			if params == nil {
				params = map[string]string{}
			}
			params[s.text] = strings.Join(parts[i:], "/")
			return params, true
		case segParam:
			if i >= len(parts) || parts[i] == "" {
				return nil, false
			}
			if params == nil {
				params = map[string]string{}
			}
			params[s.text] = parts[i]
		case segLiteral:
			if i >= len(parts) || parts[i] != s.text {
				return nil, false
			}
		}
	}
	if len(parts) != len(segs) {
		return nil, false
	}
	return params, true
}

// moreSpecific reports whether resource a wins over resource b.
func moreSpecific(a, b []segment) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i].kind != b[i].kind {
			return a[i].kind < b[i].kind
		}
	}
	return len(a) > len(b)
}

// route finds the route for method and the path segments after the stage.
// As in API Gateway, the most specific matching resource is chosen first;
// a method that resource lacks is not looked for elsewhere.
func route(routes []*compiledRoute, method string, parts []string) (match, bool) {
	var best []segment
	bestShape := ""
	found := false
	for _, r := range routes {
		if _, ok := matchSegments(r.segs, parts); !ok {
			continue
		}
		if !found || moreSpecific(r.segs, best) {
			best, bestShape, found = r.segs, r.shape, true
		}
	}
	if !found {
		return match{}, false
	}
	var anyRoute *compiledRoute
	for _, r := range routes {
		if r.shape != bestShape {
			continue
		}
		if r.method == method {
			p, _ := matchSegments(r.segs, parts)
			return match{route: r, params: p}, true
		}
		if r.method == "ANY" {
			anyRoute = r
		}
	}
	if anyRoute != nil {
		p, _ := matchSegments(anyRoute.segs, parts)
		return match{route: anyRoute, params: p}, true
	}
	return match{}, false
}
