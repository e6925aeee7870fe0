package workbench

import (
	"context"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/auth"
	"github.com/sigscope/sigscope/emulator"
	"github.com/sigscope/sigscope/emulator/cognito"
	examples "github.com/sigscope/sigscope/examples/collections"
)

// TestWhoseLoginSigns: the profile names username demo; after demo and
// then another user log in, a request still uses demo's login (not the
// last one), --username picks the other, and the notes say whose it was.
func TestWhoseLoginSigns(t *testing.T) {
	cfg := emulator.DefaultConfig()
	pool := &cfg.Cognito.UserPools[0]
	pool.Users = append(pool.Users, cognito.UserConfig{Username: "second", Password: "Passw0rd!", Attributes: map[string]string{"email": "second@example.com"}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, err := emulator.Start(ctx, emulator.Options{Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	wb, err := OpenBytes(examples.DemoPath, examples.Demo, Options{
		Vars:    map[string]string{"emulator": srv.URL},
		Env:     Env{LookupEnv: func(string) (string, bool) { return "", false }, CacheDir: t.TempDir()},
		Trusted: true, // the bundled demo
	})
	if err != nil {
		t.Fatal(err)
	}
	target, err := wb.LoginTarget("")
	if err != nil {
		t.Fatal(err)
	}
	for _, user := range []string{"demo", "second"} {
		l, err := target.Start(user)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := l.Answer(ctx, auth.Answer{Password: "Passw0rd!"}); err != nil {
			t.Fatal(err)
		}
		if _, err := target.Finish(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	note := func(run Run) string {
		pv, err := wb.Preview(ctx, "Who am I", run)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(pv.Prepared.Notes, "\n")
	}
	if n := note(Run{}); !strings.Contains(n, `user "demo"`) {
		t.Fatalf("the profile's user was not used: %s", n)
	}
	if n := note(Run{Username: "second"}); !strings.Contains(n, `user "second"`) {
		t.Fatalf("--username was not used: %s", n)
	}
}
