package cookies

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// CloudFront cookie names.
const (
	CloudFrontPolicy    = "CloudFront-Policy"
	CloudFrontSignature = "CloudFront-Signature"
	CloudFrontKeyPairID = "CloudFront-Key-Pair-Id"
	CloudFrontExpires   = "CloudFront-Expires" // canned policy: an expiry instead of a policy
)

// CloudFrontCookies is a set of CloudFront signed cookies, with the policy
// decoded. The signature is never decoded for display: it is the secret.
type CloudFrontCookies struct {
	KeyPairID    string    `json:"key_pair_id"`
	HasSignature bool      `json:"has_signature"`
	Canned       bool      `json:"canned"`           // CloudFront-Expires instead of CloudFront-Policy
	Policy       string    `json:"policy,omitempty"` // the decoded JSON policy (custom policy)
	Resource     string    `json:"resource,omitempty"`
	Expires      time.Time `json:"expires,omitzero"`    // DateLessThan, or CloudFront-Expires
	NotBefore    time.Time `json:"not_before,omitzero"` // DateGreaterThan
	SourceIP     string    `json:"source_ip,omitempty"` // IpAddress AWS:SourceIp
	Problems     []string  `json:"problems,omitempty"`  // missing cookies, undecodable policy
}

// FindCloudFront recognizes CloudFront signed cookies among cookies (by
// name). ok is false when none of them is there.
func FindCloudFront(cs []Cookie) (cf CloudFrontCookies, ok bool) {
	vals := map[string]string{}
	for _, c := range cs {
		switch c.Name {
		case CloudFrontPolicy, CloudFrontSignature, CloudFrontKeyPairID, CloudFrontExpires:
			vals[c.Name] = c.Value
			ok = true
		}
	}
	if !ok {
		return cf, false
	}
	cf.KeyPairID = vals[CloudFrontKeyPairID]
	_, cf.HasSignature = vals[CloudFrontSignature]
	if cf.KeyPairID == "" {
		cf.Problems = append(cf.Problems, CloudFrontKeyPairID+" is missing")
	}
	if !cf.HasSignature {
		cf.Problems = append(cf.Problems, CloudFrontSignature+" is missing")
	}
	policy, hasPolicy := vals[CloudFrontPolicy]
	expires, hasExpires := vals[CloudFrontExpires]
	switch {
	case hasPolicy:
		p, err := DecodePolicy(policy)
		if err != nil {
			cf.Problems = append(cf.Problems, err.Error())
			break
		}
		cf.Policy, cf.Resource, cf.Expires, cf.NotBefore, cf.SourceIP = p.Text, p.Resource, p.Expires, p.NotBefore, p.SourceIP
	case hasExpires:
		cf.Canned = true
		var secs int64
		if _, err := fmt.Sscanf(expires, "%d", &secs); err != nil {
			cf.Problems = append(cf.Problems, CloudFrontExpires+" is not epoch seconds")
		} else {
			cf.Expires = time.Unix(secs, 0).UTC()
		}
	default:
		cf.Problems = append(cf.Problems, "neither "+CloudFrontPolicy+" nor "+CloudFrontExpires+" is present")
	}
	return cf, true
}

// Policy is a decoded CloudFront custom policy.
type Policy struct {
	Text      string // the JSON document
	Resource  string
	Expires   time.Time
	NotBefore time.Time
	SourceIP  string
}

// DecodeCloudFront reverses CloudFront's URL-safe base64, in which '+' is
// written '-', '=' is written '_' and '/' is written '~'.
func DecodeCloudFront(s string) ([]byte, error) {
	std := strings.NewReplacer("-", "+", "_", "=", "~", "/").Replace(s)
	b, err := base64.StdEncoding.DecodeString(std)
	if err != nil {
		return nil, fmt.Errorf("not CloudFront URL-safe base64: %w", err)
	}
	return b, nil
}

// DecodePolicy decodes a CloudFront-Policy cookie value and reads its
// first statement.
func DecodePolicy(value string) (Policy, error) {
	raw, err := DecodeCloudFront(value)
	if err != nil {
		return Policy{}, fmt.Errorf("%s: %w", CloudFrontPolicy, err)
	}
	var doc struct {
		Statement []struct {
			Resource  string `json:"Resource"`
			Condition struct {
				DateLessThan struct {
					Epoch json.Number `json:"AWS:EpochTime"`
				} `json:"DateLessThan"`
				DateGreaterThan struct {
					Epoch json.Number `json:"AWS:EpochTime"`
				} `json:"DateGreaterThan"`
				IPAddress struct {
					SourceIP string `json:"AWS:SourceIp"`
				} `json:"IpAddress"`
			} `json:"Condition"`
		} `json:"Statement"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return Policy{}, fmt.Errorf("%s: decoded, but not a JSON policy: %w", CloudFrontPolicy, err)
	}
	if len(doc.Statement) == 0 {
		return Policy{}, fmt.Errorf("%s: the policy has no Statement", CloudFrontPolicy)
	}
	st := doc.Statement[0]
	p := Policy{Text: string(raw), Resource: st.Resource, SourceIP: st.Condition.IPAddress.SourceIP}
	epoch := func(n json.Number) time.Time {
		if v, err := n.Int64(); err == nil {
			return time.Unix(v, 0).UTC()
		}
		return time.Time{}
	}
	p.Expires = epoch(st.Condition.DateLessThan.Epoch)
	p.NotBefore = epoch(st.Condition.DateGreaterThan.Epoch)
	if p.Expires.IsZero() {
		return p, fmt.Errorf("%s: the policy has no DateLessThan AWS:EpochTime, which CloudFront requires", CloudFrontPolicy)
	}
	return p, nil
}
