package workbench

import (
	"strings"
	"testing"
)

const varsCollection = `name: Vars
variables: [PETS_REGION_NAME, PETS_KEY_NAME]
default_environment: prod
environments:
  prod:
    base_url: "{{emulator}}/prod"
    region: "{{env.PETS_REGION_NAME}}"
    api_key: abc-not-in-file-but-named-as-key-0123
    who: "{{user}}"
  staging:
    base_url: https://staging.example.com
requests:
  - name: Get
    method: GET
    url: "{{base_url}}/pets"
`

func openVars(t *testing.T, trusted bool) *Workbench {
	t.Helper()
	env := map[string]string{"PETS_REGION_NAME": "eu-west-9-from-env"}
	wb, err := OpenBytes("vars.yaml", []byte(varsCollection), Options{
		Vars:    map[string]string{"emulator": "http://127.0.0.1:7466/", "access_token": "tok-0123456789abcdef"},
		Env:     Env{LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }, CacheDir: t.TempDir()},
		Trusted: trusted,
	})
	if err != nil {
		t.Fatal(err)
	}
	return wb
}

func byName(vs []Variable) map[string][]Variable {
	out := map[string][]Variable{}
	for _, v := range vs {
		out[v.Name] = append(out[v.Name], v)
	}
	return out
}

func TestVariablesListsSourcesAndMasks(t *testing.T) {
	wb := openVars(t, true)
	if err := wb.SetVar("user", "ana"); err != nil {
		t.Fatal(err)
	}
	vs, err := wb.Variables("", false)
	if err != nil {
		t.Fatal(err)
	}
	got := byName(vs)
	if v := got["emulator"][0]; v.Value != "http://127.0.0.1:7466" || v.Source != SourceFlag {
		t.Errorf("emulator: %+v", v)
	}
	if v := got["user"][0]; v.Source != SourceUI || v.Value != "ana" {
		t.Errorf("user: %+v", v)
	}
	if v := got["who"][0]; v.Value != "ana" || v.Problem != "" {
		t.Errorf("who should expand the runtime variable set here: %+v", v)
	}
	if v := got["base_url"][0]; v.Value != "http://127.0.0.1:7466/prod" || v.Source != "environment prod" {
		t.Errorf("base_url: %+v", v)
	}
	region := got["region"][0]
	if !region.Secret || strings.Contains(region.Value, "from-env") || !strings.Contains(region.Source, "$PETS_REGION_NAME") {
		t.Errorf("a value from the process environment must be masked and say so: %+v", region)
	}
	for _, name := range []string{"api_key", "access_token"} {
		v := got[name][0]
		if !v.Secret || strings.Contains(v.Value, "0123") {
			t.Errorf("%s is a credential by name, shown %+v", name, v)
		}
	}
	shown, _ := wb.Variables("", true)
	if v := byName(shown)["region"][0]; v.Value != "eu-west-9-from-env" {
		t.Errorf("with show the value is in clear: %+v", v)
	}
}

func TestVariablesRuntimeShadowsEnvironment(t *testing.T) {
	wb := openVars(t, true)
	wb.SetVar("base_url", "http://other")
	vs, _ := wb.Variables("prod", false)
	got := byName(vs)["base_url"]
	if len(got) != 2 || got[0].Source != SourceUI || got[0].Shadowed || !got[1].Shadowed {
		t.Fatalf("base_url: %+v", got)
	}
	r, err := wb.Resolve("Get")
	if err != nil || r.URL != "http://other/pets" {
		t.Fatalf("the runtime variable does not reach the request: %v %v", r, err)
	}
	wb.UnsetVar("base_url")
	if r, _ := wb.Resolve("Get"); r.URL != "http://127.0.0.1:7466/prod/pets" {
		t.Fatalf("after UnsetVar: %s", r.URL)
	}
	if wb.Dirty() {
		t.Error("a runtime variable changed the collection's text")
	}
}

func TestVariablesOtherEnvironmentAndProblems(t *testing.T) {
	wb := openVars(t, true)
	vs, err := wb.Variables("staging", false)
	if err != nil {
		t.Fatal(err)
	}
	if v := byName(vs)["base_url"]; len(v) != 1 || v[0].Value != "https://staging.example.com" {
		t.Errorf("staging: %+v", vs)
	}
	vs, _ = wb.Variables("prod", false)
	if v := byName(vs)["who"][0]; v.Problem == "" || v.Value != "{{user}}" || !strings.Contains(v.Problem, `unknown variable "user"`) {
		t.Errorf("an unknown variable shows its template and why: %+v", v)
	}
	if _, err := wb.Variables("nope", false); err == nil {
		t.Error("an unknown environment listed")
	}
}

func TestVariablesUntrustedReadsNoEnvironment(t *testing.T) {
	wb := openVars(t, false)
	vs, _ := wb.Variables("", true)
	if v := byName(vs)["region"][0]; v.Value != "{{env.PETS_REGION_NAME}}" || v.Problem == "" {
		t.Errorf("untrusted: %+v", v)
	}
}

func TestSetVarRefusesBadInput(t *testing.T) {
	wb := openVars(t, true)
	for _, c := range [][2]string{{"", "x"}, {"9lives", "x"}, {"a b", "x"}, {"ok", "line\nbreak"}} {
		if err := wb.SetVar(c[0], c[1]); err == nil {
			t.Errorf("SetVar(%q, %q) accepted", c[0], c[1])
		}
	}
}

// x on a variable given with --var gives the flag's value back; the
// flag's own variable is not removed.
func TestUnsetVarRestoresFlag(t *testing.T) {
	wb := openVars(t, true)
	wb.UnsetVar("emulator")
	if wb.Vars()["emulator"] != "http://127.0.0.1:7466" {
		t.Fatal("UnsetVar removed a --var variable not set here")
	}
	wb.SetVar("emulator", "http://broken")
	wb.UnsetVar("emulator")
	vs, _ := wb.Variables("", false)
	if v := byName(vs)["emulator"][0]; v.Value != "http://127.0.0.1:7466" || v.Source != SourceFlag {
		t.Fatalf("after set and unset: %+v", v)
	}
}
