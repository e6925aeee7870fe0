package iampolicy

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// operator is a parsed condition operator.
type operator struct {
	base     string // StringEquals, ...
	ifExists bool
	set      string // "", "ForAnyValue" or "ForAllValues"
}

var baseOperators = map[string]bool{
	"StringEquals": true, "StringNotEquals": true, "StringEqualsIgnoreCase": true, "StringNotEqualsIgnoreCase": true,
	"StringLike": true, "StringNotLike": true,
	"NumericEquals": true, "NumericNotEquals": true, "NumericLessThan": true, "NumericLessThanEquals": true,
	"NumericGreaterThan": true, "NumericGreaterThanEquals": true,
	"DateEquals": true, "DateNotEquals": true, "DateLessThan": true, "DateLessThanEquals": true,
	"DateGreaterThan": true, "DateGreaterThanEquals": true,
	"Bool": true, "IpAddress": true, "NotIpAddress": true,
	"ArnEquals": true, "ArnLike": true, "ArnNotEquals": true, "ArnNotLike": true,
	"Null": true,
}

// negated operators match when no policy value matches; with the key
// absent they are true, as AWS documents.
var negated = map[string]string{
	"StringNotEquals": "StringEquals", "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
	"StringNotLike": "StringLike", "NumericNotEquals": "NumericEquals", "DateNotEquals": "DateEquals",
	"NotIpAddress": "IpAddress", "ArnNotEquals": "ArnEquals", "ArnNotLike": "ArnLike",
}

func parseOperator(op string) (operator, error) {
	o := operator{base: op}
	if set, rest, ok := strings.Cut(op, ":"); ok {
		if set != "ForAnyValue" && set != "ForAllValues" {
			return o, fmt.Errorf("unknown set operator %q (ForAnyValue or ForAllValues)", set)
		}
		o.set, o.base = set, rest
	}
	if b, ok := strings.CutSuffix(o.base, "IfExists"); ok && o.base != "Null" {
		o.base, o.ifExists = b, true
	}
	if !baseOperators[o.base] || (o.ifExists && o.base == "Null") {
		return o, fmt.Errorf("unknown condition operator %q", op)
	}
	return o, nil
}

// holds evaluates one condition against the request context; vars
// substitutes policy variables in String and Arn values.
func (c Condition) holds(ctx Context) bool {
	op, err := parseOperator(c.Operator)
	if err != nil {
		return false
	}
	actual, present := ctx.values(c.Key)
	if op.base == "Null" {
		want := len(c.Values) > 0 && strings.EqualFold(c.Values[0], "true")
		return want == !present
	}
	if !present {
		switch {
		case op.ifExists:
			return true
		case op.set == "ForAllValues":
			return true
		case op.set == "ForAnyValue":
			return false
		}
		_, neg := negated[op.base]
		return neg
	}
	base, neg := negated[op.base]
	if !neg {
		base = op.base
	}
	values := c.Values
	if strings.HasPrefix(base, "String") || strings.HasPrefix(base, "Arn") {
		values = make([]string, 0, len(c.Values))
		for _, v := range c.Values {
			if s, ok := substitute(v, ctx); ok {
				values = append(values, s)
			}
		}
	}
	// one context value against the policy's values: any of them (OR).
	matchOne := func(a string) bool {
		for _, v := range values {
			if compare(base, a, v) {
				return true
			}
		}
		return false
	}
	switch op.set {
	case "ForAllValues":
		for _, a := range actual {
			if matchOne(a) == neg {
				return false
			}
		}
		return true
	case "ForAnyValue":
		for _, a := range actual {
			if matchOne(a) != neg {
				return true
			}
		}
		return false
	}
	// A single-valued key: the request's value (the first, if several).
	any := false
	for _, a := range actual {
		if matchOne(a) {
			any = true
		}
	}
	return any != neg
}

// compare applies a positive operator to a request value a and a policy value v.
func compare(base, a, v string) bool {
	switch base {
	case "StringEquals":
		return a == v
	case "StringEqualsIgnoreCase":
		return strings.EqualFold(a, v)
	case "StringLike":
		return Glob(v, a)
	case "NumericEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals":
		x, err1 := strconv.ParseFloat(a, 64)
		y, err2 := strconv.ParseFloat(v, 64)
		if err1 != nil || err2 != nil {
			return false
		}
		return order(base, cmpFloat(x, y))
	case "DateEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals":
		x, ok1 := parseDate(a)
		y, ok2 := parseDate(v)
		if !ok1 || !ok2 {
			return false
		}
		return order(base, x.Compare(y))
	case "Bool":
		return strings.EqualFold(a, v)
	case "IpAddress":
		ip := net.ParseIP(a)
		if ip == nil {
			return false
		}
		if !strings.Contains(v, "/") {
			return ip.Equal(net.ParseIP(v))
		}
		_, n, err := net.ParseCIDR(v)
		return err == nil && n.Contains(ip)
	case "ArnEquals":
		return arnMatch(v, a, false)
	case "ArnLike":
		return arnMatch(v, a, true)
	}
	return false
}

func cmpFloat(x, y float64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func order(base string, c int) bool {
	switch {
	case strings.HasSuffix(base, "LessThanEquals"):
		return c <= 0
	case strings.HasSuffix(base, "LessThan"):
		return c < 0
	case strings.HasSuffix(base, "GreaterThanEquals"):
		return c >= 0
	case strings.HasSuffix(base, "GreaterThan"):
		return c > 0
	}
	return c == 0
}

// parseDate reads ISO 8601 (with or without seconds or zone) or epoch seconds.
func parseDate(s string) (time.Time, bool) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0), true
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// arnMatch compares the six colon-separated parts of two ARNs one by one,
// so that a wildcard never crosses a colon (ArnLike); ArnEquals is the
// same test, as AWS documents, wildcards included.
func arnMatch(pattern, arn string, _ bool) bool {
	pp := strings.SplitN(pattern, ":", 6)
	ap := strings.SplitN(arn, ":", 6)
	if len(pp) != 6 || len(ap) != 6 {
		return false
	}
	for i := range pp {
		if !Glob(pp[i], ap[i]) {
			return false
		}
	}
	return true
}
