package workbench

import (
	"context"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/explain"
)

// TestDemoPermissionsAnswers runs the demo's Permissions folder against
// the built-in emulator, as `sigscope run examples/collections/demo.yaml
// Permissions --emulator` does: every request's own assertions (AWS's
// status, x-amzn-ErrorType and exact message, from the pages the demo
// cites) must hold, every refusal must assert all three, and its
// diagnosis must name the layer the request's name says refuses it.
func TestDemoPermissionsAnswers(t *testing.T) {
	wb := whyBench(t)
	// The folder names each request for the layer it teaches.
	layerOf := map[string]string{
		"IAM: ":                explain.LayerPolicy,
		"Resource policy: ":    explain.LayerPolicy,
		"No such route":        explain.LayerRoute,
		"API key: ":            explain.LayerAPIKey,
		"Lambda authorizer: ":  explain.LayerAuthorizer,
		"Command authorizer: ": explain.LayerAuthorizer,
		"Cognito: ":            explain.LayerToken,
	}
	res, err := wb.RunSuite(context.Background(), SuiteOptions{Select: []string{"Permissions"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Steps) < 25 || res.Failed+res.NoAnswer != 0 {
		t.Errorf("%s, want every request of at least 25 passed", res.Counts())
	}
	for _, s := range res.Steps {
		name := strings.TrimPrefix(s.Request, "Permissions/")
		for _, c := range s.Checks {
			if !c.Pass {
				t.Errorf("%s: %s: expected %s, got %s (%s)", name, c.Name, c.Expected, c.Actual, c.Where)
			}
		}
		if s.Status < 400 {
			continue
		}
		var errType, message bool
		for _, a := range s.Tests.Asserts {
			errType = errType || (a.Kind == collections.AssertHeader && strings.EqualFold(a.Name, "x-amzn-ErrorType") && !strings.ContainsAny(a.Expr, "*?["))
			message = message || (a.Kind == collections.AssertJSON && strings.HasPrefix(a.Expr, ".message == "))
		}
		if !errType || !message {
			t.Errorf("%s: a refusal must assert its exact x-amzn-ErrorType (%v) and .message (%v)", name, errType, message)
		}
		want := ""
		for prefix, layer := range layerOf {
			if strings.HasPrefix(name, prefix) {
				want = layer
			}
		}
		if want == "" {
			t.Errorf("%s: no layer is known for this name", name)
			continue
		}
		if s.Outcome == nil || s.Outcome.Diagnosis == nil || s.Outcome.Diagnosis.Layer != want {
			var d *explain.Diagnosis
			if s.Outcome != nil {
				d = s.Outcome.Diagnosis
			}
			t.Errorf("%s: diagnosis %+v, want layer %s", name, d, want)
		} else if !strings.HasPrefix(s.Outcome.Hint, "refused by "+explain.LayerTitle(want)) && want != explain.LayerRoute {
			t.Errorf("%s: send's hint %q does not name %s", name, s.Outcome.Hint, explain.LayerTitle(want))
		}
	}
}
