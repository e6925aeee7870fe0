package workbench

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sigscope/sigscope/internal/testkit"
)

// TestAttackCorpus runs every collection of the attack corpus
// (internal/testkit/attacks) the way send and the UI open and send one,
// and logs in where it has a Cognito profile: each is refused with its
// reason, or waits for the user's confirmation, and no planted secret
// reaches the attacker's server.
func TestAttackCorpus(t *testing.T) {
	attacker := testkit.NewRecorder(t, nil)
	good := testkit.RedirectingRecorder(t, func() string { return "http://" + attacker.Addr })
	for _, a := range testkit.Attacks(t, "http://"+good.Addr, "http://"+attacker.Addr) {
		t.Run(a.Name, func(t *testing.T) {
			before := len(attacker.Raw())
			err := runAttack(t, a)
			switch a.Expect {
			case "refused":
				if err == nil || !strings.Contains(err.Error(), a.Want) {
					t.Errorf("want a refusal naming %q, got %v", a.Want, err)
				}
			case "confirm", "good":
				if err != nil {
					t.Errorf("after the user confirmed: %v", err)
				}
			default:
				t.Fatalf("unknown expectation %q", a.Expect)
			}
			raw := attacker.Raw()[before:]
			if a.Expect == "refused" && len(raw) > 0 {
				t.Errorf("the attacker's server got %d requests", len(raw))
			}
			if leaks := testkit.Leaks(raw); len(leaks) > 0 && a.Expect != "confirm" {
				t.Errorf("%v reached the attacker's server", leaks)
			}
		})
	}
}

// runAttack opens, sends and logs in as the faces do: the first error is
// the refusal; for a collection that opens, nothing may leave before the
// user confirms it.
func runAttack(t *testing.T, a testkit.Attack) error {
	t.Helper()
	wb, err := Open(a.Path, Options{Env: Env{LookupEnv: testkit.PlantedEnv, CacheDir: t.TempDir()}})
	if err != nil {
		return err
	}
	ctx := context.Background()
	if oc := wb.Send(ctx, "r", Run{Timeout: 5 * time.Second}); oc.Err == nil {
		oc.Close()
		t.Fatal("sent before the user confirmed the collection")
	} else if ue, untrusted := IsUntrusted(oc.Err); !untrusted {
		return oc.Err // refused before the question
	} else if a.Expect == "confirm" && !strings.Contains(ue.List(), a.Want) {
		t.Errorf("the confirmation does not say %q:\n%s", a.Want, ue.List())
	}
	if a.Expect == "confirm" {
		_, vars, hosts := wb.TrustStatus()
		if len(vars) == 0 || len(hosts) == 0 {
			t.Errorf("the confirmation lists variables %v and hosts %v", vars, hosts)
		}
	}
	if err := wb.Trust(); err != nil {
		t.Fatal(err)
	}
	if names := wb.CognitoProfiles(); len(names) > 0 {
		target, err := wb.LoginTarget(names[0])
		if err != nil {
			return err
		}
		if _, err := target.Start(target.Username); err != nil {
			return err
		}
	}
	oc := wb.Send(ctx, "r", Run{Timeout: 5 * time.Second, Follow: true})
	defer oc.Close()
	if oc.Err != nil {
		return oc.Err
	}
	if oc.Result.Err != nil {
		return oc.Result.Err
	}
	return nil
}
