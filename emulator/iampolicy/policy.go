// Package iampolicy reads AWS's JSON policy language and evaluates it as
// AWS documents ("Policy evaluation logic"): an explicit Deny wins, else an
// Allow, else the request is implicitly denied. It covers what an API
// Gateway resource policy and the identity policies of its callers use:
// Action/NotAction, Resource/NotResource with * and ? wildcards,
// Principal/NotPrincipal, policy variables and the common condition
// operators with their IfExists, ForAnyValue and ForAllValues forms.
//
// No Go library for this was kept well enough to use (the Go module list
// has the IAM API client only, which calls AWS), so it is small and of its
// own, tested against AWS's documented examples.
package iampolicy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Effects.
const (
	Allow = "Allow"
	Deny  = "Deny"
)

// Policy is one policy document.
type Policy struct {
	Version    string
	ID         string
	Statements []Statement
}

// Statement is one statement of a policy.
type Statement struct {
	Sid    string
	Effect string
	// Principal and NotPrincipal map a kind (AWS, Federated, Service,
	// CanonicalUser, or "*" for the bare wildcard) to its values.
	Principal, NotPrincipal map[string][]string
	Action, NotAction       []string
	Resource, NotResource   []string
	hasResource             bool // Resource or NotResource given
	Conditions              []Condition
}

// Condition is one operator-key pair of a Condition block with its values.
type Condition struct {
	Operator string // as written, e.g. StringLikeIfExists, ForAnyValue:StringEquals
	Key      string
	Values   []string
}

// Parse reads a policy document. Errors name the statement and field.
func Parse(data []byte) (*Policy, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var raw map[string]json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("policy is not a JSON object: %w", err)
	}
	p := &Policy{}
	for k, v := range raw {
		switch k {
		case "Version":
			if err := json.Unmarshal(v, &p.Version); err != nil {
				return nil, fmt.Errorf("Version must be a string")
			}
			if p.Version != "2012-10-17" && p.Version != "2008-10-17" {
				return nil, fmt.Errorf("Version %q is not a policy language version (use \"2012-10-17\")", p.Version)
			}
		case "Id":
			if err := json.Unmarshal(v, &p.ID); err != nil {
				return nil, fmt.Errorf("Id must be a string")
			}
		case "Statement":
			var list []json.RawMessage
			t := bytes.TrimSpace(v)
			if len(t) > 0 && t[0] == '{' {
				list = []json.RawMessage{v}
			} else if err := json.Unmarshal(v, &list); err != nil {
				return nil, fmt.Errorf("Statement must be an object or a list of objects")
			}
			for i, sv := range list {
				st, err := parseStatement(sv)
				if err != nil {
					return nil, fmt.Errorf("Statement[%d]: %w", i, err)
				}
				p.Statements = append(p.Statements, st)
			}
		default:
			return nil, fmt.Errorf("unknown policy element %q (a policy has Version, Id and Statement)", k)
		}
	}
	if raw["Statement"] == nil {
		return nil, fmt.Errorf("the policy has no Statement")
	}
	return p, nil
}

// MustParse is Parse for policies written in code; it panics on an error.
func MustParse(s string) *Policy {
	p, err := Parse([]byte(s))
	if err != nil {
		panic("iampolicy.MustParse: " + err.Error())
	}
	return p
}

func parseStatement(data json.RawMessage) (Statement, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return Statement{}, fmt.Errorf("a statement must be a JSON object")
	}
	var st Statement
	var err error
	for k, v := range raw {
		switch k {
		case "Sid":
			if json.Unmarshal(v, &st.Sid) != nil {
				return st, fmt.Errorf("Sid must be a string")
			}
		case "Effect":
			if json.Unmarshal(v, &st.Effect) != nil || (st.Effect != Allow && st.Effect != Deny) {
				return st, fmt.Errorf("Effect must be \"Allow\" or \"Deny\"")
			}
		case "Action":
			st.Action, err = stringList(v, k)
		case "NotAction":
			st.NotAction, err = stringList(v, k)
		case "Resource":
			st.Resource, err = stringList(v, k)
			st.hasResource = true
		case "NotResource":
			st.NotResource, err = stringList(v, k)
			st.hasResource = true
		case "Principal":
			st.Principal, err = principals(v, k)
		case "NotPrincipal":
			st.NotPrincipal, err = principals(v, k)
		case "Condition":
			st.Conditions, err = conditions(v)
		default:
			return st, fmt.Errorf("unknown statement element %q", k)
		}
		if err != nil {
			return st, err
		}
	}
	switch {
	case st.Effect == "":
		return st, fmt.Errorf("Effect is missing (\"Allow\" or \"Deny\")")
	case raw["Action"] == nil && raw["NotAction"] == nil:
		return st, fmt.Errorf("Action or NotAction is missing")
	case raw["Action"] != nil && raw["NotAction"] != nil:
		return st, fmt.Errorf("a statement has Action or NotAction, not both")
	case raw["Resource"] != nil && raw["NotResource"] != nil:
		return st, fmt.Errorf("a statement has Resource or NotResource, not both")
	case raw["Principal"] != nil && raw["NotPrincipal"] != nil:
		return st, fmt.Errorf("a statement has Principal or NotPrincipal, not both")
	}
	return st, nil
}

// stringList reads "x" or ["x", "y"].
func stringList(v json.RawMessage, field string) ([]string, error) {
	var one string
	if json.Unmarshal(v, &one) == nil {
		return []string{one}, nil
	}
	var many []string
	if err := json.Unmarshal(v, &many); err != nil {
		return nil, fmt.Errorf("%s must be a string or a list of strings", field)
	}
	if len(many) == 0 {
		return nil, fmt.Errorf("%s is an empty list", field)
	}
	return many, nil
}

// principals reads "*" or {"AWS": "arn" | ["arn", ...], "Service": ...}.
func principals(v json.RawMessage, field string) (map[string][]string, error) {
	var star string
	if json.Unmarshal(v, &star) == nil {
		if star != "*" {
			return nil, fmt.Errorf("%s must be \"*\" or an object such as {\"AWS\": \"arn:aws:iam::123456789012:root\"}", field)
		}
		return map[string][]string{"*": {"*"}}, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(v, &m); err != nil {
		return nil, fmt.Errorf("%s must be \"*\" or an object", field)
	}
	out := map[string][]string{}
	for kind, vals := range m {
		switch kind {
		case "AWS", "Federated", "Service", "CanonicalUser":
		default:
			return nil, fmt.Errorf("%s: unknown principal type %q (AWS, Federated, Service or CanonicalUser)", field, kind)
		}
		l, err := stringList(vals, field+"."+kind)
		if err != nil {
			return nil, err
		}
		out[kind] = l
	}
	return out, nil
}

// conditions reads {"Operator": {"key": value-or-values}}, in a stable
// order so that results and messages do not depend on map order.
func conditions(v json.RawMessage) ([]Condition, error) {
	var ops map[string]map[string]json.RawMessage
	if err := json.Unmarshal(v, &ops); err != nil {
		return nil, fmt.Errorf("Condition must map operators to {key: value} objects")
	}
	var out []Condition
	for op, keys := range ops {
		if _, err := parseOperator(op); err != nil {
			return nil, fmt.Errorf("Condition: %w", err)
		}
		for key, raw := range keys {
			vals, err := conditionValues(raw)
			if err != nil {
				return nil, fmt.Errorf("Condition %s %s: %w", op, key, err)
			}
			out = append(out, Condition{Operator: op, Key: key, Values: vals})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Operator != out[j].Operator {
			return out[i].Operator < out[j].Operator
		}
		return out[i].Key < out[j].Key
	})
	return out, nil
}

// conditionValues reads a string, number or boolean, or a list of them.
func conditionValues(raw json.RawMessage) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	scalar := func(x any) (string, bool) {
		switch s := x.(type) {
		case string:
			return s, true
		case json.Number:
			return s.String(), true
		case bool:
			if s {
				return "true", true
			}
			return "false", true
		}
		return "", false
	}
	if s, ok := scalar(v); ok {
		return []string{s}, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("a condition value is a string, number, boolean or a list of them")
	}
	out := make([]string, 0, len(list))
	for _, x := range list {
		s, ok := scalar(x)
		if !ok {
			return nil, fmt.Errorf("a condition value is a string, number, boolean or a list of them")
		}
		out = append(out, s)
	}
	return out, nil
}

// JSON writes the policy back in AWS's form (lists always as lists).
func (p *Policy) JSON() []byte {
	doc := map[string]any{"Version": p.Version}
	if p.Version == "" {
		doc["Version"] = "2012-10-17"
	}
	if p.ID != "" {
		doc["Id"] = p.ID
	}
	var sts []any
	for _, s := range p.Statements {
		sts = append(sts, s.doc())
	}
	doc["Statement"] = sts
	b, _ := json.MarshalIndent(doc, "", "  ")
	return b
}

func (s Statement) doc() map[string]any {
	m := map[string]any{"Effect": s.Effect}
	if s.Sid != "" {
		m["Sid"] = s.Sid
	}
	put := func(k string, v []string) {
		if len(v) == 1 {
			m[k] = v[0]
		} else if len(v) > 1 {
			m[k] = v
		}
	}
	put("Action", s.Action)
	put("NotAction", s.NotAction)
	put("Resource", s.Resource)
	put("NotResource", s.NotResource)
	pr := func(k string, p map[string][]string) {
		if p == nil {
			return
		}
		if _, star := p["*"]; star {
			m[k] = "*"
			return
		}
		o := map[string]any{}
		for kind, v := range p {
			if len(v) == 1 {
				o[kind] = v[0]
			} else {
				o[kind] = v
			}
		}
		m[k] = o
	}
	pr("Principal", s.Principal)
	pr("NotPrincipal", s.NotPrincipal)
	if len(s.Conditions) > 0 {
		c := map[string]map[string]any{}
		for _, cd := range s.Conditions {
			if c[cd.Operator] == nil {
				c[cd.Operator] = map[string]any{}
			}
			if len(cd.Values) == 1 {
				c[cd.Operator][cd.Key] = cd.Values[0]
			} else {
				c[cd.Operator][cd.Key] = cd.Values
			}
		}
		m["Condition"] = c
	}
	return m
}

// StatementJSON writes one statement as JSON, one element a line, in the
// order AWS's documentation writes them (Sid, Effect, Principal, Action,
// Resource, Condition).
func StatementJSON(s Statement) []byte {
	doc := s.doc()
	var b bytes.Buffer
	b.WriteString("{")
	n := 0
	for _, k := range []string{"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"} {
		v, ok := doc[k]
		if !ok {
			continue
		}
		if n > 0 {
			b.WriteString(",")
		}
		n++
		val, _ := json.Marshal(v)
		fmt.Fprintf(&b, "\n  %q: %s", k, val)
	}
	b.WriteString("\n}")
	return b.Bytes()
}

func lower(s string) string { return strings.ToLower(s) }
