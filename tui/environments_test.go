package tui

import (
	"os"
	"strings"
	"testing"
)

func envHarness(t *testing.T, w, h int) *harness {
	return newHarness(t, Config{Paths: []string{"testdata/environments.yaml"}, Env: goldenEnv(t), Dark: true,
		Vars: map[string]string{"team": "pets"}}, w, h)
}

func TestGoldenEnvironments(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sizeName(sz.w, sz.h), func(t *testing.T) {
			hs := envHarness(t, sz.w, sz.h)
			hs.press("e")
			scr := hs.screen()
			for _, want := range []string{"● prod", "staging", "base_url", "runtime (--var)", "environment prod · $GOLDEN_POLICY", "pets-ops"} {
				if !strings.Contains(scr, want) {
					t.Errorf("no %q in the dialog:\n%s", want, scr)
				}
			}
			// Masked: the value from the process environment, and a
			// credential by its name, with their real lengths.
			if strings.Contains(scr, goldenPolicy[:20]) || strings.Contains(scr, "prodkey-0123") {
				t.Fatalf("a secret in clear:\n%s", scr)
			}
			if sz.w >= 120 && (!strings.Contains(scr, "eyJT…(168 chars)") || !strings.Contains(scr, "prod…(24 chars)")) {
				t.Errorf("masks with lengths missing:\n%s", scr)
			}
			hs.golden("env-" + sizeName(sz.w, sz.h))

			hs.press("right")
			if scr := hs.screen(); !strings.Contains(scr, "def456") || !strings.Contains(scr, "● prod") {
				t.Fatalf("right should list staging, prod still in use:\n%s", scr)
			}
			hs.golden("env-staging-" + sizeName(sz.w, sz.h))
		})
	}
}

// enter switches the environment: the preview signs for its host at once.
func TestEnvironmentsSwitch(t *testing.T) {
	hs := envHarness(t, 120, 30)
	hs.press("e", "right", "enter")
	wb := hs.m.selectedBench()
	if wb.EffectiveEnvironment() != "staging" {
		t.Fatalf("environment %q", wb.EffectiveEnvironment())
	}
	if hs.m.preview == nil {
		t.Fatalf("no preview: %v\n%s", hs.m.previewErr, hs.screen())
	}
	if got := hs.m.preview.Prepared.Request.Host; got != "def456.execute-api.eu-west-1.amazonaws.com" {
		t.Errorf("the preview signs for %q", got)
	}
	if !strings.Contains(hs.screen(), "● staging") {
		t.Error("the dialog does not mark staging in use")
	}
	hs.press("e") // the key that opened it closes it
	if len(hs.m.overlays) != 0 || !strings.Contains(hs.screen(), "env staging") {
		t.Errorf("after esc:\n%s", hs.screen())
	}
}

// s sets a runtime variable: it wins over the environment's, reaches the
// request, and never reaches the collection file.
func TestEnvironmentsSetVariable(t *testing.T) {
	before, err := os.ReadFile("testdata/environments.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, sz := range sizes {
		t.Run(sizeName(sz.w, sz.h), func(t *testing.T) {
			hs := envHarness(t, sz.w, sz.h)
			hs.press("e", "down", "s") // team (runtime), then base_url
			// The field starts with the selected variable's name.
			if v := hs.topEnv(t).input.Value(); v != "base_url=" {
				t.Fatalf("field starts %q", v)
			}
			hs.typeText("http://127.0.0.1:9/x")
			hs.golden("env-typing-" + sizeName(sz.w, sz.h))
			hs.press("enter")
			if got := hs.m.preview.Prepared.Request.URL(); got != "http://127.0.0.1:9/x/pets" {
				t.Errorf("the preview uses %q", got)
			}
			scr := hs.screen()
			if !strings.Contains(scr, "runtime (set here)") || !strings.Contains(scr, "(overridden)") {
				t.Errorf("the list does not show the new variable over the environment's:\n%s", scr)
			}
			hs.golden("env-set-" + sizeName(sz.w, sz.h))
			if hs.m.selectedBench().Dirty() {
				t.Error("a runtime variable made the collection dirty")
			}
			// x removes it: the environment's value holds again.
			hs.press("up", "up")
			if v, _ := hs.topEnv(t).selectedVar(); v.Name != "base_url" {
				t.Fatalf("cursor on %q", v.Name)
			}
			hs.press("x")
			if got := hs.m.preview.Prepared.Request.Host; got != "abc123.execute-api.us-east-1.amazonaws.com" {
				t.Errorf("after x the preview signs for %q", got)
			}
		})
	}
	after, _ := os.ReadFile("testdata/environments.yaml")
	if string(after) != string(before) {
		t.Fatal("the collection file changed")
	}
}

// A runtime variable named as a credential is masked until S.
func TestEnvironmentsMaskRuntimeSecret(t *testing.T) {
	hs := envHarness(t, 160, 48)
	hs.press("e", "n")
	if v := hs.topEnv(t).input.Value(); v != "" {
		t.Fatalf("n opens the field with %q, want it empty", v)
	}
	hs.typeText("id_token=" + goldenJWT)
	hs.press("enter")
	scr := hs.screen()
	if strings.Contains(scr, goldenJWT[:40]) || !strings.Contains(scr, "eyJh…(1051 chars)") {
		t.Fatalf("the token is not masked with its length:\n%s", scr)
	}
	hs.press("S")
	if !strings.Contains(hs.screen(), goldenJWT[:40]) {
		t.Error("S does not show it")
	}
}

// The UI's errors point to e, not to a flag the UI has no place for.
func TestUnknownVariablePointsToDialog(t *testing.T) {
	hs := newHarness(t, Config{Paths: []string{"testdata/environments.yaml"}, Env: goldenEnv(t), Dark: true}, 160, 48)
	scr := hs.screen()
	if strings.Contains(scr, "--var") || !strings.Contains(scr, "press e, then s, to") {
		t.Fatalf("the error does not point to the dialog:\n%s", scr)
	}
}

func (hs *harness) topEnv(t *testing.T) *envOverlay {
	t.Helper()
	if len(hs.m.overlays) == 0 {
		t.Fatal("no dialog open")
	}
	o, ok := hs.m.overlays[len(hs.m.overlays)-1].(*envOverlay)
	if !ok {
		t.Fatalf("top dialog is %T", hs.m.overlays[len(hs.m.overlays)-1])
	}
	return o
}
