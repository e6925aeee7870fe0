package collections

import (
	"fmt"
	"strings"
	"testing"
)

var sigv4aDoc = doc(
	"name: Multi-region",
	"environments:",
	"  dev: {base_url: 'https://x.test', region: us-east-1}",
	"auth:",
	"  ops: {type: aws, profile: staging-admin}",
	"defaults:",
	"  auth: {mode: iam, profile: ops, algorithm: sigv4a, region_set: [us-east-1, eu-west-1]}",
	"requests:",
	"  - name: inherited",
	`    url: "{{base_url}}/a"`,
	"  - name: comma string",
	`    url: "{{base_url}}/b"`,
	`    auth: {region_set: "{{region}}, ap-*"}`,
	"  - name: back to sigv4",
	`    url: "{{base_url}}/c"`,
	"    auth: {algorithm: SigV4, region_set: null}",
	"  - name: token",
	`    url: "{{base_url}}/d"`,
	"    auth: {mode: none}",
)

func TestResolveAlgorithmAndRegionSet(t *testing.T) {
	c := mustLoad(t, sigv4aDoc)
	tests := []struct {
		request, algorithm, regions string
	}{
		{"inherited", AlgorithmSigV4a, "us-east-1,eu-west-1"},
		{"comma string", AlgorithmSigV4a, "us-east-1,ap-*"},
		{"back to sigv4", AlgorithmSigV4, ""},
		{"token", "", ""},
	}
	for _, tc := range tests {
		r, err := c.Resolve(tc.request, "dev", nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r.Auth.Algorithm != tc.algorithm || strings.Join(r.Auth.RegionSet, ",") != tc.regions {
			t.Errorf("%s: algorithm %q region set %q; want %q %q", tc.request, r.Auth.Algorithm, r.Auth.RegionSet, tc.algorithm, tc.regions)
		}
	}
}

func TestAlgorithmErrorsNameTheLine(t *testing.T) {
	tests := []struct {
		name, line, want string
	}{
		{"unknown algorithm", "    auth: {algorithm: sigv4b}", `16:23: request "back to sigv4" auth: unknown signing algorithm "sigv4b"; did you mean "sigv4" or "sigv4a"? (algorithms: sigv4, sigv4a)`},
		{"region set with sigv4", "    auth: {algorithm: sigv4, region_set: [us-east-1]}", `16:42: request "back to sigv4": region_set is for SigV4a`},
		{"inherited region set with sigv4", "    auth: {algorithm: sigv4}", `7:66: request "back to sigv4": region_set is for SigV4a`},
		{"bad region", "    auth: {region_set: [us-east-1, US-WEST-2]}", `16:36: request "back to sigv4" auth: region_set: "US-WEST-2" is not a region`},
		{"empty entry", `    auth: {region_set: "us-east-1,,eu-west-1"}`, `16:24: request "back to sigv4" auth: region_set: an empty entry between commas`},
		{"algorithm not a string", "    auth: {algorithm: [sigv4a]}", "16:23: request \"back to sigv4\" auth: algorithm must be a string"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := strings.Replace(string(sigv4aDoc), "    auth: {algorithm: SigV4, region_set: null}", tc.line, 1)
			es := loadErrors(t, []byte(data))
			var all []string
			for _, e := range es {
				all = append(all, fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg))
			}
			if !strings.Contains(strings.Join(all, "\n"), tc.want) {
				t.Errorf("errors:\n%s\nwant one containing %q", strings.Join(all, "\n"), tc.want)
			}
		})
	}
}

// AddRequest writes algorithm and region_set, and RequestSpec reads them back.
func TestAddRequestWithSigV4a(t *testing.T) {
	c := mustLoad(t, sigv4aDoc)
	err := c.AddRequest("", Request{Name: "added", Method: "GET", URL: "{{base_url}}/e",
		Auth: &AuthSpec{Mode: ModeIAM, Algorithm: AlgorithmSigV4a, RegionSet: []string{"{{region}}", "eu-west-1"}}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(c.Bytes()), "algorithm: sigv4a, region_set: ['{{region}}', eu-west-1]") &&
		!strings.Contains(string(c.Bytes()), `algorithm: sigv4a, region_set: ["{{region}}", eu-west-1]`) {
		t.Errorf("written:\n%s", c.Bytes())
	}
	spec, err := c.RequestSpec("added")
	if err != nil {
		t.Fatal(err)
	}
	if spec.Auth == nil || spec.Auth.Algorithm != AlgorithmSigV4a || strings.Join(spec.Auth.RegionSet, ",") != "{{region}},eu-west-1" {
		t.Errorf("spec auth %+v", spec.Auth)
	}
	r, err := c.Resolve("added", "dev", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(r.Auth.RegionSet, ",") != "us-east-1,eu-west-1" {
		t.Errorf("resolved region set %q", r.Auth.RegionSet)
	}
}
