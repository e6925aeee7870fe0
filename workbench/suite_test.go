package workbench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sigscope/sigscope/history"
)

// petServer makes pets on POST /pets?name=N (Ghost gets no id) and
// answers GET /pets/ID; every answer carries a session token, a secret.
func petServer(t *testing.T) *httptest.Server {
	var mu sync.Mutex
	pets := map[string]string{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		tok := "tok-" + strings.Repeat("s3cr3t", 6)
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/pets":
			name := r.URL.Query().Get("name")
			w.WriteHeader(http.StatusCreated)
			if name == "Ghost" {
				json.NewEncoder(w).Encode(map[string]string{"name": name, "session_token": tok})
				return
			}
			id := fmt.Sprintf("p-%d", len(pets)+1)
			pets[id] = name
			json.NewEncoder(w).Encode(map[string]string{"id": id, "name": name, "session_token": tok})
		case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/pets/"):
			id := strings.TrimPrefix(r.URL.Path, "/pets/")
			name, ok := pets[id]
			if !ok {
				w.WriteHeader(http.StatusNotFound)
				json.NewEncoder(w).Encode(map[string]string{"message": "no pet " + id})
				return
			}
			json.NewEncoder(w).Encode(map[string]string{"id": id, "name": name})
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func suiteBench(t *testing.T, srv *httptest.Server) *Workbench {
	t.Helper()
	wb, err := Open(filepath.Join("testdata", "suite", "api.yaml"), Options{Trusted: true,
		Vars: map[string]string{"base_url": srv.URL}, Env: Env{LookupEnv: func(string) (string, bool) { return "", false }}})
	if err != nil {
		t.Fatal(err)
	}
	return wb
}

var suiteRun = Run{Timeout: 10 * time.Second, Source: "run test"}

// TestRunVarsInTheSession: a run's captures feed the requests after them
// and stay in the session when it ends (the run says which, and which
// value they replaced); a data row's values go when the run ends; a name
// the run never set keeps the user's value; a pass that fails to capture
// does not take the last pass's value; a value the user sets while the
// run goes is theirs when it ends.
func TestRunVarsInTheSession(t *testing.T) {
	srv := petServer(t)
	wb := suiteBench(t, srv)
	for k, v := range map[string]string{"limit": "5", "pet_id": "typed-by-hand"} {
		if err := wb.SetVar(k, v); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	rows := []map[string]string{{"name": "Rex"}, {"name": "Ghost"}}
	var gets []string
	res, err := wb.RunSuite(ctx, SuiteOptions{Rows: rows, Run: suiteRun}, func(s StepResult) {
		if s.Request == "pets/Get" {
			gets = append(gets, s.Outcome.Preview.Prepared.Request.Path)
		}
		s.Outcome.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
	// Pass 2 captured no id: its Get used the session's value, not p-1.
	if !reflect.DeepEqual(gets, []string{"/pets/p-1", "/pets/typed-by-hand"}) {
		t.Errorf("Get was sent to %v", gets)
	}
	if res.Passed != 2 || res.Failed != 2 {
		t.Errorf("passed %d failed %d: %+v", res.Passed, res.Failed, res.Steps)
	}
	vars := wb.Vars()
	if _, ok := vars["name"]; ok {
		t.Errorf("the data row's name stayed in the session: %v", vars)
	}
	if vars["limit"] != "5" || vars["pet_id"] != "typed-by-hand" {
		t.Errorf("the session's own values changed: %v", vars)
	}
	// The last pass captured the token only: it stays, and is a secret.
	if !reflect.DeepEqual(res.Kept, []string{"session_token"}) || len(res.Replaced) != 0 {
		t.Errorf("kept %v replaced %v", res.Kept, res.Replaced)
	}
	if c, ok := wb.CapturedVar("session_token"); !ok || !c.Secret || vars["session_token"] != c.Value {
		t.Errorf("the captured token is not in the session as a secret: %+v %v", c, ok)
	}

	// One pass: its id lands over the hand-typed one, and says so.
	res, err = wb.RunSuite(ctx, SuiteOptions{Rows: rows[:1], Run: suiteRun}, func(s StepResult) { s.Outcome.Close() })
	if err != nil || res.Failed != 0 {
		t.Fatalf("%+v, %v", res, err)
	}
	if got := wb.Vars()["pet_id"]; got != "p-2" || !reflect.DeepEqual(res.Replaced, []string{"pet_id"}) {
		t.Errorf("pet_id %q after the run, replaced %v", got, res.Replaced)
	}

	// Set by the user while the run goes: theirs.
	res, err = wb.RunSuite(ctx, SuiteOptions{Rows: rows[:1], Run: suiteRun,
		Starting: func(_ int, req string) {
			if req == "pets/Get" {
				wb.SetVar("pet_id", "mine")
			}
		}}, func(s StepResult) { s.Outcome.Close() })
	if err != nil {
		t.Fatal(err)
	}
	if got := wb.Vars()["pet_id"]; got != "mine" || contains(res.Kept, "pet_id") {
		t.Errorf("pet_id %q after the user set it during the run; kept %v", got, res.Kept)
	}
}

// TestRunKeepsVerdicts: each step's assertions and captures reach the
// history beside its exchange, masked: a secret capture by its name only,
// with --show-secrets as without.
func TestRunKeepsVerdicts(t *testing.T) {
	srv := petServer(t)
	wb := suiteBench(t, srv)
	store, err := history.Open(filepath.Join(t.TempDir(), "history.db"), history.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	wb.Env.History = store
	if err := wb.SetVar("pet_id", "p-404"); err != nil {
		t.Fatal(err)
	}
	run := suiteRun
	run.ShowSecrets = true
	var ids []int64
	res, err := wb.RunSuite(context.Background(), SuiteOptions{Rows: []map[string]string{{"name": "Ghost"}}, Run: run}, func(s StepResult) {
		ids = append(ids, s.Outcome.HistoryID)
		if len(s.Outcome.Warnings) > 0 {
			t.Errorf("%s: %v", s.Request, s.Outcome.Warnings)
		}
		s.Outcome.Close()
	})
	if err != nil || len(ids) != 2 || res.Failed != 2 {
		t.Fatalf("%+v, %v, ids %v", res, err, ids)
	}
	ctx := context.Background()
	create, err := store.Checks(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	want := []history.Check{
		{Kind: history.CheckAssert, Name: "status", Pass: true, Expected: "201", Actual: "201"},
		{Kind: history.CheckAssert, Name: `json .name == "{{name}}" or true`, Pass: true, Expected: "true", Actual: "true"},
		{Kind: history.CheckCapture, Name: "pet_id", Pass: false, Actual: ".id is null or missing in the body"},
		{Kind: history.CheckCapture, Name: "session_token", Pass: true},
	}
	if !reflect.DeepEqual(create, want) {
		t.Errorf("Create's checks\n got %+v\nwant %+v", create, want)
	}
	get, err := store.Checks(ctx, ids[1])
	if err != nil || len(get) != 2 || get[0].Name != "status" || get[0].Pass || get[0].Actual != "404" {
		t.Errorf("Get's checks: %+v, %v", get, err)
	}
	var all strings.Builder
	for _, id := range ids {
		cs, _ := store.Checks(ctx, id)
		fmt.Fprintf(&all, "%+v", cs)
	}
	if strings.Contains(all.String(), "s3cr3t") {
		t.Errorf("a secret reached the history's verdicts: %s", all.String())
	}
}
