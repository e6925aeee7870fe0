package workbench

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigscope/sigscope/auth"
	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/emulator"
	examples "github.com/sigscope/sigscope/examples/collections"
)

// demoBench opens the bundled demo collection against an in-process
// emulator, with a fake Env: nothing reads the process environment or the
// user's cache.
func demoBench(t *testing.T) (*Workbench, *emulator.Server) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	srv, err := emulator.Start(ctx, emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	cfg := srv.Config
	env := map[string]string{
		"SIGSCOPE_DEMO_ACCESS_KEY_ID":     cfg.Credentials[0].AccessKeyID,
		"SIGSCOPE_DEMO_SECRET_ACCESS_KEY": cfg.Credentials[0].SecretAccessKey,
		"SIGSCOPE_DEMO_PASSWORD":          cfg.Cognito.UserPools[0].Users[0].Password,
	}
	wb, err := OpenBytes(examples.DemoPath, examples.Demo, Options{
		Vars:    map[string]string{"emulator": srv.URL},
		Trusted: true, // the bundled demo, as `sigscope demo` opens it
		Env: Env{
			LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
			CacheDir:  t.TempDir(), UserAgent: "sigscope/test",
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return wb, srv
}

func login(t *testing.T, wb *Workbench) *LoginStatus {
	t.Helper()
	ctx := context.Background()
	target, err := wb.LoginTarget("")
	if err != nil {
		t.Fatal(err)
	}
	if target.Username != "demo" || target.Password == "" {
		t.Fatalf("target prefill: user %q, password set %v", target.Username, target.Password != "")
	}
	l, err := target.Start(target.Username)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := l.Answer(ctx, auth.Answer{Password: target.Password}); err != nil || st.Kind != auth.StepDone {
		t.Fatalf("answer: %v %v", st.Kind, err)
	}
	status, err := target.Finish(ctx, l)
	if err != nil {
		t.Fatal(err)
	}
	return status
}

func TestPreviewNeedsLoginThenSignsAndSends(t *testing.T) {
	wb, _ := demoBench(t)
	ctx := context.Background()
	_, err := wb.Preview(ctx, "List pets", Run{})
	if err == nil || !strings.Contains(err.Error(), "sigscope login") {
		t.Fatalf("preview before login: %v", err)
	}
	st := login(t, wb)
	if st.Username != "demo" || st.IdentityID == "" || st.Expiry.Before(time.Now()) {
		t.Fatalf("status %+v", st)
	}
	pv, err := wb.Preview(ctx, "List pets", Run{})
	if err != nil {
		t.Fatal(err)
	}
	tr := pv.Prepared.Trace
	if tr == nil || !strings.HasPrefix(tr.CanonicalRequest, "GET\n/prod/pets\nlimit=10&type=cat&type=dog\n") {
		t.Fatalf("trace: %+v", tr)
	}
	oc := wb.SendPreview(ctx, pv, Run{Timeout: 5 * time.Second})
	defer oc.Close()
	if oc.Err != nil || oc.Result.Err != nil || oc.Result.Response.Status != 200 {
		t.Fatalf("send: %v %v %+v", oc.Err, oc.Result.Err, oc.Result.Response)
	}
	// The session token went out and is masked in every text the outcome
	// gives a face.
	tok, _ := pv.Prepared.Request.Get("X-Amz-Security-Token")
	if tok == "" || strings.Contains(oc.Redact().Text(string(oc.Result.Wire)), tok) {
		t.Fatalf("session token not masked")
	}
}

func TestAuthModeIsAnOptionOfTheRun(t *testing.T) {
	wb, _ := demoBench(t)
	login(t, wb)
	ctx := context.Background()
	before := string(wb.Coll.Bytes())
	modes := wb.Modes("List pets")
	want := []collections.AuthMode{collections.ModeIAM, collections.ModeIDToken, collections.ModeAccessToken, collections.ModeGuest, collections.ModeNone}
	if len(modes) != len(want) {
		t.Fatalf("modes %v, want %v", modes, want)
	}
	for i := range want {
		if modes[i] != want[i] {
			t.Fatalf("modes %v, want %v", modes, want)
		}
	}
	oc := wb.Send(ctx, "Who am I", Run{Mode: collections.ModeIDToken, Timeout: 5 * time.Second})
	defer oc.Close()
	if oc.Err != nil || oc.Result.Response.Status != 200 || oc.Preview.Prepared.Trace != nil {
		t.Fatalf("id token send: %v %+v", oc.Err, oc.Result)
	}
	// A request without auth switched to iam takes the collection's profile.
	pv, err := wb.Preview(ctx, "Public", Run{Mode: collections.ModeIAM})
	if err != nil || pv.Prepared.Trace == nil || pv.Prepared.Region != "us-east-1" {
		t.Fatalf("public as iam: %v", err)
	}
	if _, err := wb.Preview(ctx, "List pets", Run{Mode: collections.ModeAPIKey}); err == nil || !strings.Contains(err.Error(), "api_key") {
		t.Fatalf("api_key without a key: %v", err)
	}
	if string(wb.Coll.Bytes()) != before {
		t.Fatal("switching the auth mode changed the collection document")
	}
}

func TestCookiesKeptPerCollectionUnderTheEnvCache(t *testing.T) {
	wb, _ := demoBench(t)
	login(t, wb)
	ctx := context.Background()
	oc := wb.Send(ctx, "Get cookies", Run{Timeout: 5 * time.Second})
	oc.Close()
	if oc.Err != nil || len(oc.Result.Cookies) == 0 {
		t.Fatalf("get cookies: %v", oc.Err)
	}
	oc = wb.Send(ctx, "Private report", Run{Timeout: 5 * time.Second})
	defer oc.Close()
	if oc.Err != nil || oc.Result.Response.Status != 200 || len(oc.Preview.Prepared.CookiesSent) == 0 {
		t.Fatalf("private report: %v %+v", oc.Err, oc.Result.Response)
	}
	files, _ := filepath.Glob(filepath.Join(wb.Env.CacheDir, "cookies", "*.json"))
	if len(files) != 1 {
		t.Fatalf("jar files %v", files)
	}
	fi, err := os.Stat(files[0])
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("jar file mode: %v %v", fi.Mode(), err)
	}
	// Cookie values never reach a face in clear.
	for _, c := range oc.Preview.Prepared.CookiesSent {
		if strings.Contains(oc.Redact().Text(string(oc.Result.Wire)), c.Cookie.Value) {
			t.Fatalf("cookie %s in clear", c.Cookie.Name)
		}
	}
}

func TestMismatchDiagnosed(t *testing.T) {
	wb, _ := demoBench(t)
	login(t, wb)
	ctx := context.Background()
	pv, err := wb.Preview(ctx, "Create pet", Run{})
	if err != nil {
		t.Fatal(err)
	}
	sent := pv.Prepared.Request.Clone()
	sent.Set("Content-Type", "application/json; charset=utf-8")
	oc := wb.SendRequest(ctx, pv, sent, Run{Timeout: 5 * time.Second})
	defer oc.Close()
	if oc.Mismatch == nil || oc.Mismatch.First == nil || !strings.Contains(oc.Mismatch.First.Theirs, "charset") {
		t.Fatalf("mismatch: %+v", oc.Mismatch)
	}
}

func TestEnvironmentsAndErrors(t *testing.T) {
	wb, _ := demoBench(t)
	if err := wb.SetEnvironment("nope"); err == nil || !strings.Contains(err.Error(), "local") {
		t.Fatalf("unknown environment: %v", err)
	}
	if got := wb.EffectiveEnvironment(); got != "local" {
		t.Fatalf("effective environment %q", got)
	}
	if _, err := wb.Preview(context.Background(), "No such request", Run{}); err == nil {
		t.Fatal("no error for an unknown request")
	}
	if _, err := Open(t.TempDir(), Options{}); err == nil || !strings.Contains(err.Error(), "folder") {
		t.Fatalf("open a folder: %v", err)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("name: x\nrequests: [\n"), 0o600)
	if _, err := Open(bad, Options{}); err == nil || !strings.Contains(err.Error(), "bad.yaml:") {
		t.Fatalf("malformed yaml: %v", err)
	}
}

func TestStepsFromTrace(t *testing.T) {
	wb, _ := demoBench(t)
	pv, err := wb.Preview(context.Background(), "teaching/Awkward path", Run{})
	if err != nil {
		t.Fatal(err)
	}
	steps := Steps(pv.Prepared.Trace)
	if len(steps) != 4 || steps[0].Lines[1].Label != "uri" || steps[0].Lines[1].Note != "encoded twice" {
		t.Fatalf("steps: %+v", steps[0].Lines[:2])
	}
	// The canonical step's lines are the canonical request, line for line.
	var lines []string
	for _, l := range steps[0].Lines {
		lines = append(lines, l.Text)
	}
	if strings.Join(lines, "\n") != pv.Prepared.Trace.CanonicalRequest {
		t.Fatalf("canonical lines differ:\n%s\n---\n%s", strings.Join(lines, "\n"), pv.Prepared.Trace.CanonicalRequest)
	}
	if steps[3].Digest != pv.Prepared.Trace.Signature {
		t.Fatal("signature step")
	}
}

// TestEmulatorURLWithATrailingSlash: --var emulator=http://host:port/ must
// not make //prod, another path to sign.
func TestEmulatorURLWithATrailingSlash(t *testing.T) {
	wb, srv := demoBench(t)
	wb2, err := OpenBytes(examples.DemoPath, examples.Demo, Options{Vars: map[string]string{"emulator": srv.URL + "/"}, Env: wb.Env, Trusted: true})
	if err != nil {
		t.Fatal(err)
	}
	pv, err := wb2.Preview(context.Background(), "Public", Run{})
	if err != nil {
		t.Fatal(err)
	}
	if pv.Prepared.Request.Path != "/prod/public" {
		t.Fatalf("path %q", pv.Prepared.Request.Path)
	}
}

// TestBundledDemoIsNeverSaved: a collection opened from bytes names where
// they came from (the demo, its file in the checkout); Save writes
// nothing there, whatever face asks.
func TestBundledDemoIsNeverSaved(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/demo.yaml"
	if err := os.WriteFile(path, examples.Demo, 0o600); err != nil {
		t.Fatal(err)
	}
	wb, err := OpenBytes(path, examples.Demo, Options{Trusted: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := wb.Edit(func(c *collections.Collection) error { return c.SetURL("List pets", "http://changed.test/x") }); err != nil {
		t.Fatal(err)
	}
	if err := wb.Save(); err == nil || !strings.Contains(err.Error(), "opened from memory") {
		t.Fatalf("Save: %v", err)
	}
	if got, _ := os.ReadFile(path); string(got) != string(examples.Demo) {
		t.Fatal("the demo's file was written")
	}
}
